package audit

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// foundation is the recommended foundation of guidance 000: every
// organization check passes on it.
func foundation() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc123", FeatureSet: "ALL", ManagementAccountID: "000000000000"}
	for _, p := range []string{"Security", "Infrastructure", "Workloads", "Workloads/Prod", "Workloads/NonProd", "Exceptions", "Sandbox"} {
		e.Units[p] = &estate.Unit{Path: p, Guardrails: p != "Exceptions"}
	}
	add(e, "000000000000", "management", estate.RootPath, estate.RoleManagement, "")
	add(e, "111111111111", "log-archive", "Security", estate.RoleLogArchive, "")
	add(e, "222222222222", "security-tooling", "Security", estate.RoleSecurityTooling, "")
	add(e, "333333333333", "identity-center", "Infrastructure", estate.RoleIdentityCenter, "")
	add(e, "444444444444", "payments-prod", "Workloads/Prod", estate.RoleWorkload, "prod")
	add(e, "555555555555", "payments-dev", "Workloads/NonProd", estate.RoleWorkload, "dev")
	add(e, "666666666666", "sandbox-ana", "Sandbox", estate.RoleSandbox, "")
	return e
}

func add(e *estate.Estate, id, name, unit string, role estate.Role, env string) *estate.Account {
	a := &estate.Account{ID: id, Name: name, Email: name + "@example.com", Status: "ACTIVE", Unit: unit, Role: role, Environment: env}
	e.Accounts[a.Email] = a
	return a
}

func acct(e *estate.Estate, name string) *estate.Account { return e.Accounts[name+"@example.com"] }

func TestOrganizationChecks(t *testing.T) {
	runCases(t, foundation, map[string]checkCase{
		"001 passes": {check: "GW-ORG-001"},
		"001 no organization": {
			check: "GW-ORG-001",
			edit:  func(e *estate.Estate) { e.Organization = nil },
			want:  []string{"organization"}, msg: "no organization",
		},
		"001 consolidated billing": {
			check: "GW-ORG-001",
			edit:  func(e *estate.Estate) { e.Organization.FeatureSet = "CONSOLIDATED_BILLING" },
			want:  []string{"organization/o-abc123"}, msg: "feature set CONSOLIDATED_BILLING",
		},

		"002 passes":                {check: "GW-ORG-002"},
		"002 passes in a nested OU": {check: "GW-ORG-002", edit: func(e *estate.Estate) { acct(e, "log-archive").Unit = "Security/Logs" }},
		"002 passes by name": {
			check: "GW-ORG-002",
			edit:  func(e *estate.Estate) { a := acct(e, "log-archive"); a.Role, a.Name = estate.RoleNone, "Log Archive" },
		},
		"002 missing": {
			check: "GW-ORG-002",
			edit:  func(e *estate.Estate) { delete(e.Accounts, "log-archive@example.com") },
			want:  []string{"organization/o-abc123"}, msg: "no Log Archive account",
		},
		"002 suspended counts as missing": {
			check: "GW-ORG-002",
			edit:  func(e *estate.Estate) { acct(e, "log-archive").Status = "SUSPENDED" },
			want:  []string{"organization/o-abc123"}, msg: "no Log Archive account",
		},
		"002 outside Security": {
			check: "GW-ORG-002",
			edit:  func(e *estate.Estate) { acct(e, "log-archive").Unit = "Workloads" },
			want:  []string{"account/111111111111 (log-archive)"}, msg: "sits in Root/Workloads, not under Root/Security",
		},
		"002 by name outside Security": {
			check: "GW-ORG-002",
			edit: func(e *estate.Estate) {
				a := acct(e, "log-archive")
				a.Role, a.Name, a.Unit = estate.RoleNone, "Primary_Log_Archive", estate.RootPath
			},
			want: []string{"account/111111111111 (Primary_Log_Archive)"}, msg: "sits in Root,",
		},

		"003 passes": {check: "GW-ORG-003"},
		"003 missing": {
			check: "GW-ORG-003",
			edit:  func(e *estate.Estate) { delete(e.Accounts, "security-tooling@example.com") },
			want:  []string{"organization/o-abc123"}, msg: "no Security Tooling account",
		},
		"003 outside Security": {
			check: "GW-ORG-003",
			edit:  func(e *estate.Estate) { acct(e, "security-tooling").Unit = "Infrastructure" },
			want:  []string{"account/222222222222 (security-tooling)"}, msg: "sits in Root/Infrastructure",
		},

		"004 passes": {check: "GW-ORG-004"},
		"004 passes with unknown classes": {
			check: "GW-ORG-004",
			edit:  func(e *estate.Estate) { add(e, "777777777777", "data", "Workloads/Prod", estate.RoleWorkload, "blue") },
		},
		"004 mixed OU": {
			check: "GW-ORG-004",
			edit:  func(e *estate.Estate) { acct(e, "payments-dev").Unit = "Workloads/Prod" },
			want:  []string{"ou/Root/Workloads/Prod"},
			msg:   "Root/Workloads/Prod directly holds production accounts (payments-prod) and non-production accounts (payments-dev)",
		},
		"004 mixed by tags": {
			check: "GW-ORG-004",
			edit: func(e *estate.Estate) {
				add(e, "777777777777", "shop-live", "Apps", estate.RoleNone, "").Tags = map[string]string{"Environment": "Prod"}
				add(e, "888888888888", "shop-qa", "Apps", estate.RoleNone, "").Tags = map[string]string{"Environment": "QA"}
			},
			want: []string{"ou/Root/Apps"},
		},

		"005 passes with the management account at the root": {check: "GW-ORG-005"},
		"005 member at the root": {
			check: "GW-ORG-005",
			edit:  func(e *estate.Estate) { acct(e, "identity-center").Unit = estate.RootPath },
			want:  []string{"account/333333333333 (identity-center)"}, msg: "directly under the root",
		},
		"005 ignores closing accounts": {
			check: "GW-ORG-005",
			edit: func(e *estate.Estate) {
				add(e, "777777777777", "old", estate.RootPath, estate.RoleNone, "").Status = "PENDING_CLOSURE"
				add(e, "888888888888", "older", estate.RootPath, estate.RoleNone, "").Status = "SUSPENDED"
			},
		},

		"006 passes": {check: "GW-ORG-006"},
		"006 sandbox role outside Sandbox": {
			check: "GW-ORG-006",
			edit:  func(e *estate.Estate) { acct(e, "sandbox-ana").Unit = "Workloads/NonProd" },
			want:  []string{"account/666666666666 (sandbox-ana)"}, msg: "sits in Root/Workloads/NonProd, not under Root/Sandbox",
		},
		"006 sandbox name outside Sandbox": {
			check: "GW-ORG-006",
			edit:  func(e *estate.Estate) { add(e, "777777777777", "Sandbox-Bob", "Workloads", estate.RoleNone, "") },
			want:  []string{"account/777777777777 (Sandbox-Bob)"},
		},
		"006 name does not override a spec role": {
			check: "GW-ORG-006",
			edit: func(e *estate.Estate) {
				add(e, "777777777777", "sandbox-tools", "Workloads/NonProd", estate.RoleWorkload, "dev")
			},
		},
		"006 production in Sandbox": {
			check: "GW-ORG-006",
			edit:  func(e *estate.Estate) { acct(e, "sandbox-ana").Tags = map[string]string{"Environment": "Prod"} },
			want:  []string{"account/666666666666 (sandbox-ana)"}, msg: `production by its Environment tag "Prod"`,
		},

		"007 passes": {check: "GW-ORG-007"},
		"007 passes by tag": {
			check: "GW-ORG-007",
			edit: func(e *estate.Estate) {
				add(e, "777777777777", "data", "Workloads", estate.RoleWorkload, "").Tags = map[string]string{"Environment": "Dev"}
			},
		},
		"007 workload without environment": {
			check: "GW-ORG-007",
			edit:  func(e *estate.Estate) { add(e, "777777777777", "data", "Workloads", estate.RoleWorkload, "blue") },
			want:  []string{"account/777777777777 (data)"}, msg: `spec environment ("blue")`,
		},
		"007 unannotated account under Workloads": {
			check: "GW-ORG-007",
			edit:  func(e *estate.Estate) { add(e, "777777777777", "data", "Workloads/Apps", estate.RoleNone, "") },
			want:  []string{"account/777777777777 (data)"}, msg: "Root/Workloads/Apps has no recognisable environment",
		},
	})
}

func TestFoundationIsClean(t *testing.T) {
	r := Run(foundation())
	if len(r.Findings) != 0 {
		t.Errorf("findings on the recommended foundation: %+v", r.Findings)
	}
	if len(r.Checks) != len(Checks()) {
		t.Errorf("Checks = %d, want %d", len(r.Checks), len(Checks()))
	}
}

func TestAccountList(t *testing.T) {
	e := estate.New()
	var as []*estate.Account
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		as = append(as, add(e, "", n, "", "", ""))
	}
	tests := map[string]struct {
		n    int
		want string
	}{
		"one":  {1, "a"},
		"two":  {2, "a and b"},
		"five": {5, "a, b, c, d and e"},
		"more": {7, "a, b, c, d, e and 2 more"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := accountList(as[:tt.n]); got != tt.want {
				t.Errorf("accountList = %q, want %q", got, tt.want)
			}
		})
	}
}
