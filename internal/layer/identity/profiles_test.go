package identity

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/profiles"
)

// profileEstate is an organization with Identity Center: a management
// account, two workload accounts (one suspended) and assignments to a
// user, to a group the user is in, and to another group.
func profileEstate() (desired, actual *estate.Estate) {
	desired = estate.New()
	desired.Identity = &estate.Identity{Center: &estate.IdentityCenter{Region: "us-east-1"}}
	actual = estate.New()
	actual.Organization = &estate.Organization{ID: "o-1", ARN: "arn:aws:organizations::999999999999:organization/o-1", ManagementAccountID: "999999999999"}
	actual.Accounts = map[string]*estate.Account{
		"mgmt@example.com": {ID: "999999999999", Name: "management", Email: "mgmt@example.com"},
		"prod@example.com": {ID: "111111111111", Name: "payments-prod", Email: "prod@example.com", Unit: "Workloads/Prod", Key: "payments-prod"},
		"dev@example.com":  {ID: "222222222222", Name: "payments-dev", Email: "dev@example.com", Unit: "Workloads/NonProd", Key: "payments-dev"},
		"gone@example.com": {ID: "333333333333", Name: "old", Email: "gone@example.com", Status: "SUSPENDED"},
	}
	assign := func(ps, typ, who, acct string) estate.Assignment {
		return estate.Assignment{PermissionSet: ps, PrincipalType: typ, Principal: who, Account: acct}
	}
	actual.Identity = &estate.Identity{Center: &estate.IdentityCenter{
		Region: "us-east-1", InstanceARN: "arn:aws:sso:::instance/ssoins-1", IdentityStoreID: "d-1234567890",
		Users: map[string]*estate.IdentityUser{"ana": {UserName: "ana"}, "bo": {UserName: "bo"}},
		Groups: map[string]*estate.IdentityGroup{
			"platform": {Name: "platform", Members: []string{"ana"}},
			"auditors": {Name: "auditors", Members: []string{"bo"}},
		},
		Assignments: []estate.Assignment{
			assign("AdministratorAccess", estate.PrincipalUser, "ana", estate.ManagementKey),
			assign("PowerUser", estate.PrincipalGroup, "platform", "dev@example.com"),
			assign("PowerUser", estate.PrincipalUser, "ana", "dev@example.com"), // the same role twice
			assign("ReadOnly", estate.PrincipalGroup, "auditors", "prod@example.com"),
			assign("ReadOnly", estate.PrincipalGroup, "auditors", "gone@example.com"),
		},
	}}
	return desired, actual
}

func roles(ts []profiles.Target) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.AccountKey+":"+t.Role)
	}
	return strings.Join(out, " ")
}

func TestCenterProfiles(t *testing.T) {
	cases := map[string]struct {
		req  profiles.Request
		want string
	}{
		"everyone": {profiles.Request{OrgID: "primary"}, "management:AdministratorAccess payments-dev:PowerUser payments-prod:ReadOnly"},
		"a user":   {profiles.Request{OrgID: "primary", User: "ana"}, "management:AdministratorAccess payments-dev:PowerUser"},
		"a group":  {profiles.Request{OrgID: "primary", Group: "auditors"}, "payments-prod:ReadOnly"},
		"by group": {profiles.Request{OrgID: "primary", User: "bo"}, "payments-prod:ReadOnly"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			desired, actual := profileEstate()
			sessions, ts, err := profileTargets(desired, actual, c.req)
			if err != nil {
				t.Fatal(err)
			}
			if got := roles(ts); got != c.want {
				t.Errorf("targets %q, want %q", got, c.want)
			}
			if len(sessions) != 1 || sessions[0].Name != "primary" || sessions[0].StartURL != "https://d-1234567890.awsapps.com/start" || sessions[0].Region != "us-east-1" {
				t.Errorf("sessions %+v", sessions)
			}
			for _, tg := range ts {
				if tg.Session != "primary" || tg.AccountID == "" || !strings.Contains(tg.Console, "account_id="+tg.AccountID+"&role_name="+tg.Role) {
					t.Errorf("target %+v", tg)
				}
			}
		})
	}
}

// A part profiles do not need (the access control attributes, which moto
// cannot read; the Identity Store when no user or group is asked for)
// does not stop them.
func TestCenterProfilesIgnoreUnneededParts(t *testing.T) {
	desired, actual := profileEstate()
	actual.Identity.Unread = []string{"identity/attributes (management us-east-1): not implemented", "identity/store (management us-east-1): denied"}
	if _, ts, err := profileTargets(desired, actual, profiles.Request{OrgID: "primary"}); err != nil || len(ts) != 3 {
		t.Errorf("targets %v, %v", roles(ts), err)
	}
}

func TestCenterProfilesStartURLAndSession(t *testing.T) {
	desired, actual := profileEstate()
	sessions, ts, err := profileTargets(desired, actual, profiles.Request{OrgID: "primary", StartURL: "https://acme.awsapps.com/start/", Session: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if sessions[0].StartURL != "https://acme.awsapps.com/start/" || sessions[0].Name != "acme" || ts[0].Session != "acme" ||
		!strings.HasPrefix(ts[0].Console, "https://acme.awsapps.com/start/#/console?") {
		t.Errorf("sessions %+v, target %+v", sessions, ts[0])
	}
}

func TestCenterProfilesRefuse(t *testing.T) {
	cases := map[string]struct {
		change func(actual *estate.Estate)
		req    profiles.Request
		want   string
	}{
		"no instance": {func(a *estate.Estate) { a.Identity.Center.InstanceMissing = true }, profiles.Request{}, "CL-015"},
		"not read": {func(a *estate.Estate) {
			a.Identity.Center = nil
			a.Identity.Unread = []string{"identity/instance: AccessDenied"}
		}, profiles.Request{}, "AccessDenied"},
		"access not read": {func(a *estate.Estate) {
			a.Identity.Unread = []string{"identity/access (management us-east-1): throttled"}
		}, profiles.Request{}, "identity/access (management"},
		"store not read":   {func(a *estate.Estate) { a.Identity.Unread = []string{"identity/store (management us-east-1): denied"} }, profiles.Request{Group: "platform"}, "identity/store (management"},
		"unknown user":     {nil, profiles.Request{User: "anna"}, `no user "anna" in the Identity Store (did you mean "ana"?)`},
		"unknown group":    {nil, profiles.Request{Group: "admins"}, `no group "admins"`},
		"members not read": {func(a *estate.Estate) { a.Identity.Center.Groups = nil }, profiles.Request{User: "ana"}, "were not read"},
		"user and group":   {nil, profiles.Request{User: "ana", Group: "platform"}, "not both"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			desired, actual := profileEstate()
			if c.change != nil {
				c.change(actual)
			}
			if _, _, err := profileTargets(desired, actual, c.req); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want %q", err, c.want)
			}
		})
	}
}

// accountModelEstate is the Identity-account model: the Identity account
// and stage roles in two accounts.
func accountModelEstate() (desired, actual *estate.Estate) {
	desired, actual = profileEstate()
	desired.Identity = &estate.Identity{Account: &estate.IdentityAccount{Account: "id@example.com"}}
	actual.Accounts["id@example.com"] = &estate.Account{ID: "444444444444", Name: "identity", Email: "id@example.com", Key: "identity"}
	role := func(acct, name string) *estate.StageRole {
		return &estate.StageRole{Where: estate.Where{Account: estate.AccountKey(acct)}, Name: name, Path: "/org-admin/", MaxSessionSeconds: 3600}
	}
	roles := map[string]*estate.StageRole{}
	for _, r := range []*estate.StageRole{role("prod@example.com", "ReadOnly"), role("dev@example.com", "PowerUser"), role("gone@example.com", "ReadOnly")} {
		roles[r.Where.Key(r.Name)] = r
	}
	actual.Identity = &estate.Identity{Account: &estate.IdentityAccount{Account: "id@example.com", Roles: roles}}
	return desired, actual
}

func TestAccountModelProfiles(t *testing.T) {
	desired, actual := accountModelEstate()
	sessions, ts, err := profileTargets(desired, actual, profiles.Request{OrgID: "primary", User: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 0 || roles(ts) != "payments-dev:PowerUser payments-prod:ReadOnly" {
		t.Fatalf("sessions %v, targets %q", sessions, roles(ts))
	}
	dev := ts[0]
	want := profiles.Target{AccountID: "222222222222", AccountName: "payments-dev", AccountKey: "payments-dev", Unit: "Workloads/NonProd",
		Role: "PowerUser", RoleARN: "arn:aws:iam::222222222222:role/org-admin/PowerUser", SourceProfile: "primary-identity",
		MFASerial: "arn:aws:iam::444444444444:mfa/ana", RoleSessionName: "ana", DurationSeconds: 3600,
		Console: "https://signin.aws.amazon.com/switchrole?account=222222222222&displayName=PowerUser+%40+payments-dev&roleName=org-admin%2FPowerUser"}
	if dev != want {
		t.Errorf("target\n%+v\nwant\n%+v", dev, want)
	}
	_, ts, err = profileTargets(desired, actual, profiles.Request{OrgID: "primary", SourceProfile: "me", MFASerial: "arn:aws:iam::444444444444:mfa/phone"})
	if err != nil || ts[0].SourceProfile != "me" || ts[0].MFASerial != "arn:aws:iam::444444444444:mfa/phone" || ts[0].RoleSessionName != "" {
		t.Errorf("flags: %+v, %v", ts[0], err)
	}
}

func TestAccountModelProfilesRefuse(t *testing.T) {
	cases := map[string]struct {
		change func(actual *estate.Estate)
		req    profiles.Request
		want   string
	}{
		"no MFA device":  {nil, profiles.Request{}, "--mfa-serial"},
		"a group":        {nil, profiles.Request{User: "ana", Group: "platform"}, "--group names an IAM Identity Center group"},
		"roles not read": {func(a *estate.Estate) { a.Identity.Account.Roles = nil }, profiles.Request{User: "ana"}, "not read"},
		"no account":     {func(a *estate.Estate) { delete(a.Accounts, "id@example.com") }, profiles.Request{User: "ana"}, "not in the organization"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			desired, actual := accountModelEstate()
			if c.change != nil {
				c.change(actual)
			}
			if _, _, err := profileTargets(desired, actual, c.req); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want %q", err, c.want)
			}
		})
	}
}

func TestNoIdentitySectionNoProfiles(t *testing.T) {
	_, actual := profileEstate()
	s, ts, err := profileTargets(estate.New(), actual, profiles.Request{})
	if err != nil || s != nil || ts != nil {
		t.Errorf("%v %v %v", s, ts, err)
	}
}

// The console's Switch Role form takes display names of 64 characters at
// most: a long role and account name is cut there, counting characters,
// not bytes.
func TestSwitchRoleDisplayNameIsCut(t *testing.T) {
	acct := &estate.Account{ID: "222222222222", Name: "zahlungsabgleich-ünïcödé-ledger-reconciliation-nonproduction"}
	link, err := url.Parse(switchRoleLink(acct, "/org-admin/", "PowerUserWithBillingAccess"))
	if err != nil {
		t.Fatal(err)
	}
	name := link.Query().Get("displayName")
	if n := utf8.RuneCountInString(name); n != maxDisplayName || !strings.HasPrefix(name, "PowerUserWithBillingAccess @ zahlungsabgleich-ünïcödé") || !utf8.ValidString(name) {
		t.Errorf("display name %q (%d characters), want the first %d", name, n, maxDisplayName)
	}
	if short := switchRoleLink(&estate.Account{ID: "1", Name: "dev"}, "/", "ReadOnly"); !strings.Contains(short, "displayName=ReadOnly+%40+dev") {
		t.Errorf("a short display name changed: %s", short)
	}
}
