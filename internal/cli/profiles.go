package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer"
	"github.com/groundwork-aws/groundwork/internal/profiles"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

func newProfiles(g *globals) *cobra.Command {
	var (
		req           profiles.Request
		output, names string
		awsConfig     string
		regions       []string
		write         bool
	)
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "Write the AWS CLI profiles that reach every account",
		Long: `profiles reads the live organization and writes the AWS config
(~/.aws/config) that reaches its accounts the way the spec gives people
access. With IAM Identity Center: an [sso-session] block and one profile
per account and permission set of the live assignments (all of them, or
those one --user or --group is assigned), for "aws sso login". With the
Identity-account model: one profile per stage role, assumed with MFA from
the Identity account user's own profile (--source-profile).

Profiles are named from a template (--names): "aws-sso-util" (the
default, ACCOUNT.ROLE), "granted" (ACCOUNT/ROLE), or a Go template over
.AccountName, .AccountID, .AccountKey, .RoleName, .Region, .Unit,
.Environment and .Org, with lower, upper, replace, trimPrefix and
trimSuffix. Characters other than letters, digits and _+=,.@/- become -.
With several --regions, the first is the default: profiles in the others
get ".REGION" after their name unless the template uses .Region.

The config goes to stdout, between markers. --write merges it into the
AWS config file (AWS_CONFIG_FILE, else ~/.aws/config) in place of the
block an earlier run wrote, without touching any other line, after
keeping a copy of the file as it was (config` + profiles.BackupSuffix + `);
a run that changes nothing writes nothing. Each profile carries its console
link as a comment; -o json lists profiles and links for programs.`,
		Example: `  groundwork profiles
  groundwork profiles --user ana --write
  groundwork profiles --group platform-admins --names granted
  groundwork profiles --names '{{.Org}}-{{lower .AccountKey}}-{{.RoleName}}' --regions us-east-1,eu-west-1
  groundwork profiles --user ana --source-profile primary-ana   # Identity-account model
  groundwork profiles -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Every flag is checked before the spec is read or AWS called.
			var problems []error
			if err := checkOutput(output); err != nil {
				problems = append(problems, err)
			}
			if req.User != "" && req.Group != "" {
				problems = append(problems, errors.New("give --user or --group, not both"))
			}
			if write && output == "json" {
				problems = append(problems, errors.New("--write writes the AWS config, not JSON: drop -o json"))
			}
			if _, err := profiles.ParseNames(names, "org"); err != nil {
				problems = append(problems, err)
			}
			if err := errors.Join(problems...); err != nil {
				return fmt.Errorf("%w; nothing was sent to AWS", err)
			}
			if err := spec.CheckRegions("--regions", regions); err != nil {
				return err
			}
			f, err := spec.Load(g.config)
			if err != nil {
				return err
			}
			req.OrgID = f.Organization.ID
			namer, err := profiles.ParseNames(names, req.OrgID)
			if err != nil {
				return err
			}
			desired := f.Desired()
			if len(regions) == 0 {
				regions = []string{desired.HomeRegion}
			}
			sources, reads := profileSources(desired)
			if len(sources) == 0 {
				var all []string
				for _, s := range profiles.Sources() {
					all = append(all, s.Layer)
				}
				return fmt.Errorf("%s asks for no layer that profiles are written from (%s)", g.config, strings.Join(all, ", "))
			}
			// The layers are read best-effort, as the audit reads them: a
			// part profiles do not need (say, attributes an endpoint cannot
			// read) must not stop them, and one they need is named by the
			// source, with what the read said.
			var (
				mu       sync.Mutex
				warnings []string
			)
			warn := func(err error) { mu.Lock(); defer mu.Unlock(); warnings = append(warnings, err.Error()) }
			actual, r, err := g.collect(cmd.Context(), f.Organization.AccessRole, warn)
			if err != nil {
				return err
			}
			if err := layer.Read(cmd.Context(), r, reads, desired, actual); err != nil {
				return readError(err)
			}
			estate.Annotate(actual, desired)
			var sessions []profiles.Session
			var targets []profiles.Target
			for _, s := range sources {
				ss, ts, err := s.Targets(desired, actual, req)
				if err != nil {
					if len(warnings) > 0 {
						err = fmt.Errorf("%w\nwhat the read said:\n  %s", err, strings.Join(warnings, "\n  "))
					}
					return fmt.Errorf("profiles of the %s layer: %w", s.Layer, err)
				}
				sessions, targets = append(sessions, ss...), append(targets, ts...)
			}
			cfg, err := profiles.Build(sessions, targets, namer, regions)
			if err != nil {
				return err
			}
			if len(cfg.Profiles) == 0 {
				who := "anyone"
				switch {
				case req.User != "":
					who = req.User
				case req.Group != "":
					who = req.Group
				}
				fmt.Fprintf(g.io.Err, "note: no role is assigned to %s: no profile to write\n", who)
			}
			if output == "json" {
				b, err := profiles.JSON(cfg)
				if err != nil {
					return err
				}
				_, err = g.io.Out.Write(b)
				return err
			}
			block, err := profiles.Render(cfg, req.OrgID)
			if err != nil {
				return err
			}
			if !write {
				_, err = g.io.Out.Write(block)
				return err
			}
			path, err := awsConfigPath(awsConfig)
			if err != nil {
				return err
			}
			w, err := profiles.WriteFile(path, block, req.OrgID)
			if err != nil {
				return err
			}
			switch {
			case !w.Changed:
				fmt.Fprintf(g.io.Out, "%s already holds these %d profile(s): nothing written\n", w.Path, len(cfg.Profiles))
			case w.Backup != "":
				fmt.Fprintf(g.io.Out, "Wrote %d profile(s) to %s; the file as it was is in %s\n", len(cfg.Profiles), w.Path, w.Backup)
			default:
				fmt.Fprintf(g.io.Out, "Wrote %d profile(s) to %s\n", len(cfg.Profiles), w.Path)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	outputFlag(cmd, &output)
	fl.StringVar(&req.User, "user", "", "only the roles this Identity Center user is assigned (directly or by group); with the Identity-account model, the IAM user whose MFA device signs")
	fl.StringVar(&req.Group, "group", "", "only the roles this Identity Center group is assigned")
	fl.StringVar(&names, "names", profiles.DefaultNames, `profile name template: aws-sso-util, granted, or a Go template such as "{{.AccountName}}-{{.RoleName}}"`)
	fl.StringSliceVar(&regions, "regions", nil, "Regions to write profiles for, comma-separated; the first is the default (default: the home Region)")
	fl.StringVar(&req.StartURL, "start-url", "", "the access portal URL (default: https://IDENTITY-STORE-ID.awsapps.com/start; give it when the portal has an alias)")
	fl.StringVar(&req.Session, "session", "", "name of the [sso-session] block (default: the spec's organization.id)")
	fl.StringVar(&req.SourceProfile, "source-profile", "", "Identity-account model: the profile with the Identity account user's credentials (default: ORG-identity)")
	fl.StringVar(&req.MFASerial, "mfa-serial", "", "Identity-account model: the MFA device's ARN (default: arn:aws:iam::IDENTITY-ACCOUNT:mfa/USER)")
	fl.BoolVar(&write, "write", false, "merge the profiles into the AWS config file instead of printing them")
	fl.StringVar(&awsConfig, "aws-config", "", "the AWS config file --write merges into (default: AWS_CONFIG_FILE, else ~/.aws/config)")
	return cmd
}

// profileSources are the registered profile sources whose layer desired
// asks for, and the layers to read for them.
func profileSources(desired *estate.Estate) ([]profiles.Source, []string) {
	var out []profiles.Source
	var reads []string
	for _, s := range profiles.Sources() {
		l, ok := layer.Lookup(s.Layer)
		if !ok || l.Wanted == nil || !l.Wanted(desired) {
			continue
		}
		out = append(out, s)
		reads = append(reads, s.Layer)
	}
	return out, reads
}

// awsConfigPath is the AWS config file as the AWS CLI finds it.
func awsConfigPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if p := os.Getenv("AWS_CONFIG_FILE"); p != "" {
		if strings.HasPrefix(p, "~/") {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("find the AWS config: %w", err)
			}
			p = filepath.Join(home, p[2:])
		}
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the AWS config: %w (give --aws-config)", err)
	}
	return filepath.Join(home, ".aws", "config"), nil
}
