package identity

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/profiles"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

func init() {
	profiles.Register(profiles.Source{Name: "identity", Layer: "identity", Targets: profileTargets})
}

// profileTargets are the roles people reach the accounts by, in the model
// the spec uses: for Identity Center one target per account × permission
// set of the live assignments (all, or those of req.User or req.Group);
// for the Identity-account model one per stage role read, assumed from
// the Identity account user's profile with MFA.
func profileTargets(desired, actual *estate.Estate, req profiles.Request) ([]profiles.Session, []profiles.Target, error) {
	if desired == nil || desired.Identity == nil {
		return nil, nil, nil
	}
	id := actual.Identity
	if id == nil {
		return nil, nil, fmt.Errorf("the identity layer was not read")
	}
	switch {
	case desired.Identity.Center != nil:
		return centerTargets(actual, id, req)
	case desired.Identity.Account != nil:
		return accountTargets(desired.Identity.Account, actual, id, req)
	}
	return nil, nil, nil
}

// unread says which parts of the layer the read missed, for an error.
func unread(id *estate.Identity) string {
	if len(id.Unread) == 0 {
		return ""
	}
	return " (not read: " + strings.Join(id.Unread, "; ") + ")"
}

// unreadParts are the entries of id.Unread about the named parts.
func unreadParts(id *estate.Identity, parts []string) []string {
	var out []string
	for _, u := range id.Unread {
		for _, p := range parts {
			if u == p || strings.HasPrefix(u, p+" ") {
				out = append(out, u)
			}
		}
	}
	return out
}

func centerTargets(actual *estate.Estate, id *estate.Identity, req profiles.Request) ([]profiles.Session, []profiles.Target, error) {
	c := id.Center
	switch {
	case c == nil:
		return nil, nil, fmt.Errorf("IAM Identity Center was not read%s", unread(id))
	case c.InstanceMissing:
		return nil, nil, fmt.Errorf("the organization has no IAM Identity Center instance in %s: enable it (checklist step CL-015), then assign permission sets", c.Region)
	case req.User != "" && req.Group != "":
		return nil, nil, fmt.Errorf("give --user or --group, not both")
	}
	// A part not read would leave profiles out without a word: the
	// assignments always, the Identity Store when it tells whose they are.
	need := []string{readAccessName}
	if req.User != "" || req.Group != "" {
		need = append(need, readStoreName)
	}
	if missed := unreadParts(id, need); len(missed) > 0 {
		return nil, nil, fmt.Errorf("IAM Identity Center was not read whole (not read: %s)", strings.Join(missed, "; "))
	}
	wanted, err := principalFilter(c, req)
	if err != nil {
		return nil, nil, err
	}
	start := req.StartURL
	if start == "" {
		start = "https://" + c.IdentityStoreID + ".awsapps.com/start"
	}
	session := profiles.Session{Name: req.SessionName(), StartURL: start, Region: c.Region, Scopes: []string{profiles.DefaultScope}}
	seen := map[string]bool{}
	var out []profiles.Target
	for _, a := range c.Assignments {
		if !wanted(a) {
			continue
		}
		acct, key := accountOf(actual, a.Account)
		if acct == nil || !acct.Active() || seen[acct.ID+"/"+a.PermissionSet] {
			continue
		}
		seen[acct.ID+"/"+a.PermissionSet] = true
		out = append(out, profiles.Target{
			AccountID: acct.ID, AccountName: acct.Name, AccountKey: key, Unit: acct.Unit, Environment: acct.Environment,
			Role: a.PermissionSet, Session: session.Name,
			Console: strings.TrimSuffix(start, "/") + "/#/console?account_id=" + acct.ID + "&role_name=" + url.QueryEscape(a.PermissionSet),
		})
	}
	return []profiles.Session{session}, out, nil
}

// principalFilter accepts the assignments of req.User (made to the user
// or to a group the user is in) or of req.Group; every assignment when
// neither is given.
func principalFilter(c *estate.IdentityCenter, req profiles.Request) (func(estate.Assignment) bool, error) {
	switch {
	case req.User != "":
		if c.Users == nil || c.Groups == nil {
			return nil, fmt.Errorf("the Identity Store's users and groups were not read: cannot tell what %s is assigned", req.User)
		}
		if _, ok := c.Users[req.User]; !ok {
			return nil, fmt.Errorf("no user %q in the Identity Store%s", req.User, spec.Suggest(req.User, slices.Sorted(maps.Keys(c.Users))))
		}
		groups := map[string]bool{}
		for name, g := range c.Groups {
			if slices.Contains(g.Members, req.User) {
				groups[name] = true
			}
		}
		return func(a estate.Assignment) bool {
			return (a.PrincipalType == estate.PrincipalUser && a.Principal == req.User) ||
				(a.PrincipalType == estate.PrincipalGroup && groups[a.Principal])
		}, nil
	case req.Group != "":
		if c.Groups == nil {
			return nil, fmt.Errorf("the Identity Store's groups were not read: cannot tell what %s is assigned", req.Group)
		}
		if _, ok := c.Groups[req.Group]; !ok {
			return nil, fmt.Errorf("no group %q in the Identity Store%s", req.Group, spec.Suggest(req.Group, slices.Sorted(maps.Keys(c.Groups))))
		}
		return func(a estate.Assignment) bool {
			return a.PrincipalType == estate.PrincipalGroup && a.Principal == req.Group
		}, nil
	}
	return func(estate.Assignment) bool { return true }, nil
}

// accountOf finds an account of the actual estate by the key the layer
// names it by: an e-mail key, or estate.ManagementKey. It returns the
// account and the key a name template shows: the spec's key when the
// spec names the account.
func accountOf(actual *estate.Estate, key string) (*estate.Account, string) {
	if key == estate.ManagementKey {
		if actual.Organization == nil {
			return nil, ""
		}
		return actual.AccountByID(actual.Organization.ManagementAccountID), estate.ManagementKey
	}
	a := actual.Accounts[key]
	if a == nil {
		return nil, ""
	}
	if actual.IsManagement(a) {
		return a, estate.ManagementKey
	}
	return a, a.Key
}

// partition is the partition an ARN is in; "aws" when arn is not one.
func partition(arn string) string {
	if p := strings.Split(arn, ":"); len(p) > 2 && p[0] == "arn" && p[1] != "" {
		return p[1]
	}
	return "aws"
}

func accountTargets(want *estate.IdentityAccount, actual *estate.Estate, id *estate.Identity, req profiles.Request) ([]profiles.Session, []profiles.Target, error) {
	ia := id.Account
	switch {
	case ia == nil || ia.Roles == nil:
		return nil, nil, fmt.Errorf("the Identity-account model's roles were not read%s", unread(id))
	case req.Group != "":
		return nil, nil, fmt.Errorf("--group names an IAM Identity Center group; the spec uses the Identity-account model, whose users all reach the same roles: give --user")
	}
	home, _ := accountOf(actual, want.Account)
	if home == nil {
		return nil, nil, fmt.Errorf("the Identity account %s is not in the organization", want.Account)
	}
	part := "aws"
	if actual.Organization != nil {
		part = partition(actual.Organization.ARN)
	}
	mfa := req.MFASerial
	if mfa == "" {
		if req.User == "" {
			return nil, nil, fmt.Errorf("the stage roles ask for MFA: give --user (the IAM user of the Identity account, whose MFA device is arn:%s:iam::%s:mfa/USER) or --mfa-serial", part, home.ID)
		}
		mfa = fmt.Sprintf("arn:%s:iam::%s:mfa/%s", part, home.ID, req.User)
	}
	source := req.SourceProfile
	if source == "" {
		source = DefaultSourceProfile(req.OrgID)
	}
	var out []profiles.Target
	for _, k := range slices.Sorted(maps.Keys(ia.Roles)) {
		r := ia.Roles[k]
		acct, key := accountOf(actual, string(r.Account))
		if acct == nil || !acct.Active() {
			continue
		}
		path := r.Path
		if path == "" {
			path = "/"
		}
		out = append(out, profiles.Target{
			AccountID: acct.ID, AccountName: acct.Name, AccountKey: key, Unit: acct.Unit, Environment: acct.Environment,
			Role:    r.Name,
			RoleARN: fmt.Sprintf("arn:%s:iam::%s:role%s%s", part, acct.ID, path, r.Name), SourceProfile: source,
			MFASerial: mfa, RoleSessionName: req.User, DurationSeconds: r.MaxSessionSeconds,
			Console: switchRoleLink(acct, path, r.Name),
		})
	}
	return nil, out, nil
}

// DefaultSourceProfile is the profile the Identity-account model's role
// profiles take credentials from when --source-profile is not given: the
// Identity account user's own, which the person keeps (aws configure
// --profile NAME).
func DefaultSourceProfile(org string) string { return org + "-identity" }

// switchRoleLink is the console's switch-role link for a role (guidance
// 002): the role's name with its path, the account, and a display name
// the console shows while the role is in use, cut to the 64 characters
// the console's Switch Role form takes.
func switchRoleLink(acct *estate.Account, path, role string) string {
	q := url.Values{}
	q.Set("account", acct.ID)
	q.Set("roleName", strings.TrimPrefix(path, "/")+role)
	q.Set("displayName", cutRunes(role+" @ "+acct.Name, maxDisplayName))
	return "https://signin.aws.amazon.com/switchrole?" + q.Encode()
}

// maxDisplayName is the longest display name the console's Switch Role
// form accepts.
const maxDisplayName = 64

// cutRunes returns s's first n characters.
func cutRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
