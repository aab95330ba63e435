package profiles

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Session is an [sso-session] block: where an IAM Identity Center access
// portal signs people in.
type Session struct {
	Name     string `json:"name"`
	StartURL string `json:"start_url"`
	// Region is the Identity Center instance's Region (sso_region).
	Region string `json:"region"`
	// Scopes are the sso_registration_scopes; sso:account:access is what
	// the AWS CLI needs to reach accounts.
	Scopes []string `json:"scopes"`
}

// DefaultScope is the registration scope that lets the AWS CLI list and
// enter the accounts a person is assigned.
const DefaultScope = "sso:account:access"

// Target is one place a profile reaches: a role in an account, and how to
// get it. Either Session (IAM Identity Center: the role is a permission
// set's) or RoleARN (a role assumed with the credentials of SourceProfile)
// is set.
type Target struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	// AccountKey is the account's key in the spec ("management" for the
	// management account); "" for an account the spec does not name.
	AccountKey  string `json:"account_key,omitempty"`
	Unit        string `json:"unit,omitempty"`
	Environment string `json:"environment,omitempty"`
	// Role is the permission set's name, or the IAM role's.
	Role string `json:"role"`

	// Session names the sso-session the profile signs in with.
	Session string `json:"sso_session,omitempty"`

	// RoleARN is the role to assume with SourceProfile's credentials,
	// MFASerial the MFA device that signs the request.
	RoleARN         string `json:"role_arn,omitempty"`
	SourceProfile   string `json:"source_profile,omitempty"`
	MFASerial       string `json:"mfa_serial,omitempty"`
	RoleSessionName string `json:"role_session_name,omitempty"`
	DurationSeconds int32  `json:"duration_seconds,omitempty"`

	// Console is a link that opens the AWS console as this role: the
	// access portal's shortcut, or the console's switch-role link.
	Console string `json:"console,omitempty"`
}

// Profile is a named target in one Region.
type Profile struct {
	Name string `json:"name"`
	Target
	Region string `json:"region"`
}

// Config is what `groundwork profiles` writes.
type Config struct {
	Sessions []Session `json:"sso_sessions"`
	Profiles []Profile `json:"profiles"`
}

// Request is what the person asked for.
type Request struct {
	// OrgID is the organization's identifier (the spec's organization.id):
	// the default name of the sso-session and of the block Merge keeps.
	OrgID string
	// User and Group narrow the profiles to the roles one Identity Center
	// user, or one group, is assigned; both empty: every role. User also
	// names the IAM user of the Identity-account model, whose MFA device
	// signs role assumptions.
	User, Group string
	// StartURL replaces the access portal URL a source derives (a portal
	// with a custom alias cannot be told by any API).
	StartURL string
	// Session names the sso-session; default OrgID.
	Session string
	// SourceProfile is the profile with the Identity account user's own
	// credentials, that role profiles assume roles from.
	SourceProfile string
	// MFASerial replaces the MFA device ARN derived from User.
	MFASerial string
}

// SessionName is the sso-session name the request asks for.
func (r Request) SessionName() string {
	if r.Session != "" {
		return r.Session
	}
	return r.OrgID
}

// Source is how a layer contributes profiles.
type Source struct {
	// Name is the source's stable name, for messages.
	Name string
	// Layer is the registered layer whose read Targets needs: the CLI
	// reads it (where the spec asks for it) before calling Targets.
	Layer string
	// Targets returns the sessions and targets of the layer for req, from
	// the desired and the actual (read) estate. It returns no targets and
	// no error when the spec does not use what it writes profiles for,
	// and an error that says what to do when it cannot tell them (a part
	// not read, a user that does not exist).
	Targets func(desired, actual *estate.Estate, req Request) ([]Session, []Target, error)
}

var registry = struct {
	sync.RWMutex
	byName map[string]Source
}{byName: map[string]Source{}}

// Register adds a source. It is meant for init() and panics on a
// programming error: an empty or duplicate name, no layer or no Targets.
func Register(s Source) {
	if strings.TrimSpace(s.Name) == "" || s.Layer == "" || s.Targets == nil {
		panic(fmt.Sprintf("profiles: source %q needs a name, a layer and Targets", s.Name))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.byName[s.Name]; dup {
		panic(fmt.Sprintf("profiles: source %s registered twice", s.Name))
	}
	registry.byName[s.Name] = s
}

// Sources returns every registered source, by name.
func Sources() []Source {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Source, 0, len(registry.byName))
	for _, s := range registry.byName {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Source) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Build names every target in every Region (the first Region is the
// default: see Names.Name) and returns the config, sessions and profiles
// sorted by name. Two targets that the template gives one name, or a name
// the AWS config cannot hold, are errors, all reported at once.
func Build(sessions []Session, targets []Target, names *Names, regions []string) (Config, error) {
	var cfg Config
	seenSession := map[string]Session{}
	for _, s := range sessions {
		if prev, ok := seenSession[s.Name]; ok {
			if !slices.Equal(prev.Scopes, s.Scopes) || prev.StartURL != s.StartURL || prev.Region != s.Region {
				return Config{}, fmt.Errorf("two sso-sessions are named %q: give one --session", s.Name)
			}
			continue
		}
		seenSession[s.Name] = s
		cfg.Sessions = append(cfg.Sessions, s)
	}
	slices.SortFunc(cfg.Sessions, func(a, b Session) int { return strings.Compare(a.Name, b.Name) })
	byName := map[string]Profile{}
	var problems []string
	for _, t := range targets {
		for i, region := range regions {
			name, err := names.Name(t, region, i == 0)
			if err != nil {
				problems = append(problems, err.Error())
				continue
			}
			p := Profile{Name: name, Target: t, Region: region}
			if prev, dup := byName[name]; dup {
				if prev.Target == p.Target && prev.Region == p.Region {
					continue
				}
				problems = append(problems, fmt.Sprintf("profile %q names both %s in %s (%s) and %s in %s (%s): "+
					"put what tells them apart in the name template (--names), such as {{.AccountID}}",
					name, prev.Role, prev.AccountName, prev.AccountID, p.Role, p.AccountName, p.AccountID))
				continue
			}
			byName[name] = p
			cfg.Profiles = append(cfg.Profiles, p)
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return Config{}, fmt.Errorf("%s", strings.Join(slices.Compact(problems), "\n"))
	}
	slices.SortFunc(cfg.Profiles, func(a, b Profile) int { return strings.Compare(a.Name, b.Name) })
	return cfg, nil
}
