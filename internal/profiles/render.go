package profiles

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// BeginMarker and EndMarker are the lines around the block Merge keeps in
// an AWS config file, one block per organization.
func BeginMarker(org string) string { return "# >>> groundwork profiles " + org + " >>>" }

// EndMarker: see BeginMarker.
func EndMarker(org string) string { return "# <<< groundwork profiles " + org + " <<<" }

// Render writes cfg as the AWS CLI reads it, between the markers of org:
// the sso-sessions, then the profiles, each with a comment that holds its
// console link. A value that would break the file (a line break)
// is an error.
func Render(cfg Config, org string) ([]byte, error) {
	var b bytes.Buffer
	var bad []string
	line := func(key, value string) {
		if strings.ContainsAny(value, "\r\n") {
			bad = append(bad, fmt.Sprintf("%s %q", key, value))
			return
		}
		fmt.Fprintf(&b, "%s = %s\n", key, value)
	}
	header := func(kind, name string) {
		if strings.ContainsAny(name, "\r\n[]") || strings.TrimSpace(name) != name || name == "" {
			bad = append(bad, fmt.Sprintf("%s name %q", kind, name))
		}
		fmt.Fprintf(&b, "\n[%s %s]\n", kind, name)
	}
	if strings.ContainsAny(org, "\r\n") {
		return nil, fmt.Errorf("organization %q: a line break cannot be written in the AWS config", org)
	}
	fmt.Fprintln(&b, BeginMarker(org))
	fmt.Fprintln(&b, "# Written by `groundwork profiles`: the next `groundwork profiles --write`")
	fmt.Fprintln(&b, "# replaces everything between these two markers. Keep your own profiles")
	fmt.Fprintln(&b, "# outside them.")
	for _, s := range cfg.Sessions {
		header("sso-session", s.Name)
		line("sso_start_url", s.StartURL)
		line("sso_region", s.Region)
		line("sso_registration_scopes", strings.Join(s.Scopes, ","))
	}
	for _, p := range cfg.Profiles {
		header("profile", p.Name)
		if p.Console != "" {
			if strings.ContainsAny(p.Console, "\r\n") {
				bad = append(bad, fmt.Sprintf("console link %q", p.Console))
			} else {
				fmt.Fprintf(&b, "# console: %s\n", p.Console)
			}
		}
		if p.Session != "" {
			line("sso_session", p.Session)
			line("sso_account_id", p.AccountID)
			line("sso_role_name", p.Role)
		} else {
			line("role_arn", p.RoleARN)
			line("source_profile", p.SourceProfile)
			if p.MFASerial != "" {
				line("mfa_serial", p.MFASerial)
			}
			if p.RoleSessionName != "" {
				line("role_session_name", p.RoleSessionName)
			}
			if p.DurationSeconds > 0 {
				line("duration_seconds", strconv.Itoa(int(p.DurationSeconds)))
			}
		}
		line("region", p.Region)
	}
	fmt.Fprintln(&b, EndMarker(org))
	if len(bad) > 0 {
		return nil, fmt.Errorf("cannot write to the AWS config: %s", strings.Join(bad, "; "))
	}
	return b.Bytes(), nil
}

// JSON writes cfg for programs.
func JSON(cfg Config) ([]byte, error) {
	if cfg.Sessions == nil {
		cfg.Sessions = []Session{}
	}
	if cfg.Profiles == nil {
		cfg.Profiles = []Profile{}
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
