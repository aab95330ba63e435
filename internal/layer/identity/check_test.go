package identity

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Resources the Identity Center checks name.
const (
	idcInstanceRes = "identity-center/instance (management " + audittest.Home + ")"
	idcMgmtRes     = "account/000000000000 (management)"
	idcArchiveRes  = "account/111111111111 (log-archive)"
	idcToolingRes  = "account/222222222222 (security-tooling)"
)

func idcSetRes(name string) string {
	return "permission-set/" + name + " (management " + audittest.Home + ")"
}

const adminARN = "arn:aws:iam::aws:policy/AdministratorAccess"

// centered is the recommended foundation with Identity Center read as
// guidance 000 builds it: named users on the management account with its
// own administrator and read-only sets, the Log Archive and Security
// Administrators groups with their administrator sets on their accounts,
// a developers group on the workload accounts, ABAC on. Every check
// passes on it.
func centered() *estate.Estate {
	e := audittest.Foundation()
	e.HomeRegion, e.Regions = audittest.Home, []string{audittest.Home, audittest.Other}
	c := &estate.IdentityCenter{
		Region: audittest.Home, InstanceARN: "arn:aws:sso:::instance/ssoins-1", IdentityStoreID: "d-1",
		DelegatedAdmin: audittest.IdentityKey,
		Users: map[string]*estate.IdentityUser{
			"ana": {UserName: "ana"}, "ben": {UserName: "ben"}, "carl": {UserName: "carl"}, "dana": {UserName: "dana"}, "eve": {UserName: "eve"},
		},
		Groups: map[string]*estate.IdentityGroup{
			"Log Archive Administrators": {Name: "Log Archive Administrators", Members: []string{"carl"}},
			"Security Administrators":    {Name: "Security Administrators", Members: []string{"dana"}},
			"developers":                 {Name: "developers", Members: []string{"eve"}},
		},
		PermissionSets: map[string]*estate.PermissionSet{
			"MA-Administrator":      {Name: "MA-Administrator", SessionDuration: "PT1H", ManagedPolicies: []string{adminARN}},
			"MA-ReadOnly":           {Name: "MA-ReadOnly", SessionDuration: "PT1H", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
			"LogArchiveAdminAccess": {Name: "LogArchiveAdminAccess", SessionDuration: "PT1H", ManagedPolicies: []string{adminARN}},
			"SecurityAdminAccess":   {Name: "SecurityAdminAccess", SessionDuration: "PT1H", ManagedPolicies: []string{adminARN}},
			"Developer":             {Name: "Developer", SessionDuration: "PT8H", ManagedPolicies: []string{"arn:aws:iam::aws:policy/PowerUserAccess"}},
		},
		AccessControlAttributes: map[string]string{"CostCenter": "${path:enterprise.costCenter}"},
	}
	c.Assignments = []estate.Assignment{
		{PermissionSet: "MA-Administrator", PrincipalType: estate.PrincipalUser, Principal: "ana", Account: estate.ManagementKey},
		{PermissionSet: "MA-Administrator", PrincipalType: estate.PrincipalUser, Principal: "ben", Account: estate.ManagementKey},
		{PermissionSet: "MA-ReadOnly", PrincipalType: estate.PrincipalUser, Principal: "carl", Account: estate.ManagementKey},
		{PermissionSet: "LogArchiveAdminAccess", PrincipalType: estate.PrincipalGroup, Principal: "Log Archive Administrators", Account: audittest.ArchiveKey},
		{PermissionSet: "SecurityAdminAccess", PrincipalType: estate.PrincipalGroup, Principal: "Security Administrators", Account: audittest.ToolingKey},
		{PermissionSet: "Developer", PrincipalType: estate.PrincipalGroup, Principal: "developers", Account: audittest.ProdKey},
		{PermissionSet: "Developer", PrincipalType: estate.PrincipalGroup, Principal: "developers", Account: audittest.DevKey},
	}
	for name := range c.PermissionSets {
		for _, a := range c.Assignments {
			if a.PermissionSet == name {
				c.PermissionSets[name].Provisioned = append(c.PermissionSets[name].Provisioned, a.Account)
			}
		}
	}
	e.Identity = &estate.Identity{Center: c}
	return e
}

var idcChecks = []string{"GW-IDC-001", "GW-IDC-002", "GW-IDC-003", "GW-IDC-004", "GW-IDC-005",
	"GW-IDC-006", "GW-IDC-007", "GW-IDC-008", "GW-IDC-009", "GW-IDC-010"}

func TestCenteredFoundationIsClean(t *testing.T) {
	audittest.Clean(t, "foundation with Identity Center", centered())
}

func TestIdentityCenterChecksRegistered(t *testing.T) {
	audittest.Documented(t, audittest.Registered(t, "GW-IDC-", idcChecks))
}

// An unread layer, or an unread Identity Center, says nothing.
func TestUnreadIdentityIsNotAFinding(t *testing.T) {
	for _, edit := range []func(e *estate.Estate){
		func(e *estate.Estate) { e.Identity = nil },
		func(e *estate.Estate) { e.Identity.Center = nil },
	} {
		for _, id := range idcChecks {
			e := centered()
			edit(e)
			if fs := audittest.RunCheck(t, id, e); len(fs) > 0 {
				t.Errorf("%s fires on an unread layer: %+v", id, fs)
			}
		}
	}
}

// Without an instance only GW-IDC-001 speaks: there is nothing else to
// judge, and what a missing instance lacks is not a second finding.
func TestMissingInstanceIsOneFinding(t *testing.T) {
	e := centered()
	e.Identity.Center = &estate.IdentityCenter{Region: audittest.Home, InstanceMissing: true}
	for _, id := range idcChecks {
		fs := audittest.RunCheck(t, id, e)
		if want := map[bool]int{true: 1, false: 0}[id == "GW-IDC-001"]; len(fs) != want {
			t.Errorf("%s: %d findings, want %d: %+v", id, len(fs), want, fs)
		}
	}
}

func assign(set, typ, principal, account string) estate.Assignment {
	return estate.Assignment{PermissionSet: set, PrincipalType: typ, Principal: principal, Account: account}
}

func addAssignments(as ...estate.Assignment) func(e *estate.Estate) {
	return func(e *estate.Estate) { e.Identity.Center.Assignments = append(e.Identity.Center.Assignments, as...) }
}

func addSet(ps *estate.PermissionSet) func(e *estate.Estate) {
	return func(e *estate.Estate) { e.Identity.Center.PermissionSets[ps.Name] = ps }
}

func both(edits ...func(e *estate.Estate)) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		for _, f := range edits {
			f(e)
		}
	}
}

// everywhere assigns a set to a principal on every account of the
// foundation.
func everywhere(set, typ, principal string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		for _, k := range audittest.AccountKeys() {
			addAssignments(assign(set, typ, principal, k))(e)
		}
	}
}

const inlineAdmin = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func TestIdentityCenterChecks(t *testing.T) {
	mgmtByEmail := "management@example.com" // the management account by its e-mail key
	audittest.RunCases(t, centered, map[string]audittest.Case{
		"001 no instance": {
			Check: "GW-IDC-001",
			Edit: func(e *estate.Estate) {
				e.Identity.Center = &estate.IdentityCenter{Region: audittest.Home, InstanceMissing: true}
			},
			Want: []string{idcInstanceRes}, Msg: "no IAM Identity Center instance in the home Region " + audittest.Home,
		},
		"001 identity-account model": {
			// Guidance 002's model gives access without Identity Center.
			Check: "GW-IDC-001",
			Edit: func(e *estate.Estate) {
				e.Identity.Center = &estate.IdentityCenter{Region: audittest.Home, InstanceMissing: true}
				audittest.AddAccount(e, "777777777777", "identity", "Infrastructure", estate.RoleIdentity, "")
			},
		},
		"001 identity-account model found": {
			// Without a spec, the model the read found.
			Check: "GW-IDC-001",
			Edit: func(e *estate.Estate) {
				e.Identity.Center = &estate.IdentityCenter{Region: audittest.Home, InstanceMissing: true}
				e.Identity.Account = &estate.IdentityAccount{Account: audittest.IdentityKey, Detected: true}
			},
		},
		"003 identity-account model found": {
			Check: "GW-IDC-003",
			Edit: func(e *estate.Estate) {
				e.Identity.Center.Assignments = e.Identity.Center.Assignments[2:]
				e.Identity.Account = &estate.IdentityAccount{Account: audittest.IdentityKey, Detected: true}
			},
		},
		"002 group on management": {
			Check: "GW-IDC-002",
			Edit:  addAssignments(assign("MA-Administrator", estate.PrincipalGroup, "developers", estate.ManagementKey)),
			Want:  []string{"assignment/MA-Administrator/group/developers (management)"},
			Msg:   `group "developers" holds permission set MA-Administrator on the management account`,
		},
		"002 group on management by e-mail key": {
			Check: "GW-IDC-002",
			Edit:  addAssignments(assign("MA-ReadOnly", estate.PrincipalGroup, "developers", mgmtByEmail)),
			Want:  []string{"assignment/MA-ReadOnly/group/developers (management)"},
		},
		"002 group on a member account": {
			Check: "GW-IDC-002",
			Edit:  addAssignments(assign("MA-ReadOnly", estate.PrincipalGroup, "developers", audittest.ArchiveKey)),
		},
		"003 no admin user on management": {
			Check: "GW-IDC-003",
			Edit: func(e *estate.Estate) {
				c := e.Identity.Center
				c.Assignments = c.Assignments[2:] // ana and ben's MA-Administrator
			},
			Want: []string{idcMgmtRes}, Msg: "no named Identity Center user holds an administrator permission set",
		},
		"003 admin only through a group": {
			Check: "GW-IDC-003",
			Edit: func(e *estate.Estate) {
				c := e.Identity.Center
				c.Assignments = append(c.Assignments[2:], assign("MA-Administrator", estate.PrincipalGroup, "developers", estate.ManagementKey))
			},
			Want: []string{idcMgmtRes},
		},
		"003 admin by inline policy": {
			Check: "GW-IDC-003",
			Edit: func(e *estate.Estate) {
				e.Identity.Center.PermissionSets["MA-Administrator"].ManagedPolicies = nil
				e.Identity.Center.PermissionSets["MA-Administrator"].InlinePolicy = inlineAdmin
			},
		},
		"004 too many people": {
			Check: "GW-IDC-004",
			Edit: addAssignments(
				assign("MA-ReadOnly", estate.PrincipalUser, "dana", estate.ManagementKey),
				assign("MA-ReadOnly", estate.PrincipalUser, "eve", estate.ManagementKey),
				assign("MA-ReadOnly", estate.PrincipalGroup, "Log Archive Administrators", estate.ManagementKey), // carl again
				assign("MA-ReadOnly", estate.PrincipalUser, "fay", estate.ManagementKey),
				assign("MA-ReadOnly", estate.PrincipalUser, "gus", estate.ManagementKey)),
			Want: []string{idcMgmtRes}, Msg: "7 people hold a permission set on the management account (ana, ben, carl, dana, eve and 2 more), more than 5",
		},
		"004 at the limit": {
			Check: "GW-IDC-004",
			Edit: addAssignments(
				assign("MA-ReadOnly", estate.PrincipalUser, "dana", estate.ManagementKey),
				assign("MA-ReadOnly", estate.PrincipalGroup, "developers", estate.ManagementKey)),
		},
		"004 limit from the spec": {
			Check: "GW-IDC-004",
			Edit:  func(e *estate.Estate) { e.Identity.Limits.ManagementUsers = 2 },
			Want:  []string{idcMgmtRes}, Msg: "3 people",
		},
		"005 management set on a member account": {
			Check: "GW-IDC-005",
			Edit:  addAssignments(assign("MA-ReadOnly", estate.PrincipalGroup, "developers", audittest.ProdKey)),
			Want:  []string{idcSetRes("MA-ReadOnly")}, Msg: "used on the management account and on payments-prod",
		},
		"005 on the management account by its e-mail key": {
			Check: "GW-IDC-005",
			Edit:  addAssignments(assign("Developer", estate.PrincipalUser, "ana", "management@example.com")),
			Want:  []string{idcSetRes("Developer")}, Msg: "payments-dev and payments-prod",
		},
		"005 provisioned alone": {
			// moto lists the caller's account as provisioned for every set.
			Check: "GW-IDC-005",
			Edit: func(e *estate.Estate) {
				ps := e.Identity.Center.PermissionSets["Developer"]
				ps.Provisioned = append(ps.Provisioned, estate.ManagementKey)
			},
		},
		"005 member account closing": {
			Check: "GW-IDC-005",
			Edit: both(addAssignments(assign("MA-ReadOnly", estate.PrincipalGroup, "developers", audittest.SandboxKey)),
				func(e *estate.Estate) { audittest.Account(e, "sandbox-ana").Status = "SUSPENDED" }),
		},
		"006 admin on the root": {
			Check: "GW-IDC-006",
			Edit:  everywhere("LogArchiveAdminAccess", estate.PrincipalGroup, "developers"),
			Want:  []string{idcSetRes("LogArchiveAdminAccess")}, Msg: "in every account of the organization (7)",
		},
		"006 inline star on many accounts": {
			Check: "GW-IDC-006",
			Edit: both(addSet(&estate.PermissionSet{Name: "Ops", SessionDuration: "PT1H", InlinePolicy: inlineAdmin}),
				addAssignments(
					assign("Ops", estate.PrincipalGroup, "developers", audittest.ProdKey),
					assign("Ops", estate.PrincipalGroup, "developers", audittest.DevKey),
					assign("Ops", estate.PrincipalGroup, "developers", audittest.SandboxKey),
					assign("Ops", estate.PrincipalUser, "eve", audittest.IdentityKey))),
			Want: []string{idcSetRes("Ops")}, Msg: "in 4 accounts, more than 3",
		},
		"006 at the limit": {
			Check: "GW-IDC-006",
			Edit: addAssignments(
				assign("SecurityAdminAccess", estate.PrincipalGroup, "Security Administrators", audittest.ProdKey),
				assign("SecurityAdminAccess", estate.PrincipalGroup, "Security Administrators", audittest.DevKey)),
		},
		"006 limit from the spec": {
			Check: "GW-IDC-006",
			Edit: both(func(e *estate.Estate) { e.Identity.Limits.AdminAccounts = 1 },
				addAssignments(assign("SecurityAdminAccess", estate.PrincipalGroup, "Security Administrators", audittest.ProdKey))),
			Want: []string{idcSetRes("SecurityAdminAccess")}, Msg: "in 2 accounts, more than 1",
		},
		"006 read-only everywhere": {
			Check: "GW-IDC-006",
			Edit:  everywhere("MA-ReadOnly", estate.PrincipalGroup, "Security Administrators"),
		},
		"006 every live account": {
			// Accounts on their way out are not the organization's.
			Check: "GW-IDC-006",
			Edit: both(func(e *estate.Estate) {
				for _, n := range []string{"payments-prod", "payments-dev", "sandbox-ana", "identity-center"} {
					audittest.Account(e, n).Status = "PENDING_CLOSURE"
				}
			}, addAssignments(
				assign("LogArchiveAdminAccess", estate.PrincipalGroup, "developers", estate.ManagementKey),
				assign("LogArchiveAdminAccess", estate.PrincipalGroup, "developers", audittest.ToolingKey))),
			Want: []string{idcSetRes("LogArchiveAdminAccess")}, Msg: "in every account of the organization (3)",
		},
		"007 long session": {
			Check: "GW-IDC-007",
			Edit:  func(e *estate.Estate) { e.Identity.Center.PermissionSets["Developer"].SessionDuration = "PT12H" },
			Want:  []string{idcSetRes("Developer")}, Msg: "sessions last PT12H, longer than 8 hours",
		},
		"007 minutes past the limit": {
			Check: "GW-IDC-007",
			Edit:  func(e *estate.Estate) { e.Identity.Center.PermissionSets["Developer"].SessionDuration = "PT8H30M" },
			Want:  []string{idcSetRes("Developer")},
		},
		"007 limit from the spec": {
			Check: "GW-IDC-007",
			Edit:  func(e *estate.Estate) { e.Identity.Limits.SessionHours = 4 },
			Want:  []string{idcSetRes("Developer")}, Msg: "longer than 4 hours",
		},
		"008 no attributes": {
			Check: "GW-IDC-008",
			Edit:  func(e *estate.Estate) { e.Identity.Center.AccessControlAttributes = map[string]string{} },
			Want:  []string{idcInstanceRes}, Msg: "no attributes for access control",
		},
		"008 attributes not read": {
			Check: "GW-IDC-008",
			Edit:  func(e *estate.Estate) { e.Identity.Center.AccessControlAttributes = nil },
		},
		"009 no log archive group": {
			Check: "GW-IDC-009",
			Edit: func(e *estate.Estate) {
				e.Identity.Center.Assignments[3].PrincipalType = estate.PrincipalUser
				e.Identity.Center.Assignments[3].Principal = "carl"
			},
			Want: []string{idcArchiveRes}, Msg: "no Identity Center group holds an administrator permission set on this log-archive account",
		},
		"009 security group not admin": {
			Check: "GW-IDC-009",
			Edit: func(e *estate.Estate) {
				e.Identity.Center.PermissionSets["SecurityAdminAccess"].ManagedPolicies = []string{"arn:aws:iam::aws:policy/SecurityAudit"}
			},
			Want: []string{idcToolingRes},
		},
		"009 known by name": {
			// Without a spec the accounts are known by their names.
			Check: "GW-IDC-009",
			Edit: func(e *estate.Estate) {
				e.Identity.Center.Assignments = e.Identity.Center.Assignments[:3]
				audittest.Account(e, "log-archive").Role = estate.RoleNone
				audittest.Account(e, "security-tooling").Role = estate.RoleNone
			},
			Want: []string{idcArchiveRes, idcToolingRes},
		},
		"009 not known": {
			Check: "GW-IDC-009",
			Edit: func(e *estate.Estate) {
				e.Identity.Center.Assignments = e.Identity.Center.Assignments[:3]
				for _, n := range []string{"log-archive", "security-tooling"} {
					audittest.Account(e, n).Role = estate.RoleNone
					audittest.Account(e, n).Name = "acme-" + strings.ToUpper(n[:1])
				}
			},
		},
		"009 identity-account model": {
			// Guidance 002's model reaches the accounts through its roles.
			Check: "GW-IDC-009",
			Edit: func(e *estate.Estate) {
				e.Identity.Center.Assignments = e.Identity.Center.Assignments[:3]
				audittest.AddAccount(e, "777777777777", "identity", "Infrastructure", estate.RoleIdentity, "")
			},
		},
		"010 user on a member account": {
			Check: "GW-IDC-010",
			Edit:  addAssignments(assign("Developer", estate.PrincipalUser, "eve", audittest.SandboxKey)),
			Want:  []string{"assignment/Developer/user/eve (sandbox-ana)"}, Msg: `user "eve" holds permission set Developer directly`,
		},
		"010 user on management by e-mail key": {
			Check: "GW-IDC-010",
			Edit:  addAssignments(assign("MA-ReadOnly", estate.PrincipalUser, "eve", mgmtByEmail)),
		},
	}, audittest.NamesAccount)
}
