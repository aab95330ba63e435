package audit_test

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestOrganizationChecks(t *testing.T) {
	audittest.RunCases(t, audittest.Foundation, map[string]audittest.Case{
		"001 passes": {Check: "GW-ORG-001"},
		"001 no organization": {
			Check: "GW-ORG-001",
			Edit:  func(e *estate.Estate) { e.Organization = nil },
			Want:  []string{"organization"}, Msg: "no organization",
		},
		"001 consolidated billing": {
			Check: "GW-ORG-001",
			Edit:  func(e *estate.Estate) { e.Organization.FeatureSet = "CONSOLIDATED_BILLING" },
			Want:  []string{"organization/o-abc123"}, Msg: "feature set CONSOLIDATED_BILLING",
		},

		"002 passes":                {Check: "GW-ORG-002"},
		"002 passes in a nested OU": {Check: "GW-ORG-002", Edit: func(e *estate.Estate) { audittest.Account(e, "log-archive").Unit = "Security/Logs" }},
		"002 passes by name": {
			Check: "GW-ORG-002",
			Edit: func(e *estate.Estate) {
				a := audittest.Account(e, "log-archive")
				a.Role, a.Name = estate.RoleNone, "Log Archive"
			},
		},
		"002 missing": {
			Check: "GW-ORG-002",
			Edit:  func(e *estate.Estate) { delete(e.Accounts, "log-archive@example.com") },
			Want:  []string{"organization/o-abc123"}, Msg: "no Log Archive account",
		},
		"002 suspended counts as missing": {
			Check: "GW-ORG-002",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "log-archive").Status = "SUSPENDED" },
			Want:  []string{"organization/o-abc123"}, Msg: "no Log Archive account",
		},
		"002 outside Security": {
			Check: "GW-ORG-002",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "log-archive").Unit = "Workloads" },
			Want:  []string{"account/111111111111 (log-archive)"}, Msg: "sits in Root/Workloads, not under Root/Security",
		},
		"002 by name outside Security": {
			Check: "GW-ORG-002",
			Edit: func(e *estate.Estate) {
				a := audittest.Account(e, "log-archive")
				a.Role, a.Name, a.Unit = estate.RoleNone, "Primary_Log_Archive", estate.RootPath
			},
			Want: []string{"account/111111111111 (Primary_Log_Archive)"}, Msg: "sits in Root,",
		},

		"003 passes": {Check: "GW-ORG-003"},
		"003 missing": {
			Check: "GW-ORG-003",
			Edit:  func(e *estate.Estate) { delete(e.Accounts, "security-tooling@example.com") },
			Want:  []string{"organization/o-abc123"}, Msg: "no Security Tooling account",
		},
		"003 outside Security": {
			Check: "GW-ORG-003",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "security-tooling").Unit = "Infrastructure" },
			Want:  []string{"account/222222222222 (security-tooling)"}, Msg: "sits in Root/Infrastructure",
		},

		"004 passes": {Check: "GW-ORG-004"},
		"004 passes with unknown classes": {
			Check: "GW-ORG-004",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "data", "Workloads/Prod", estate.RoleWorkload, "blue")
			},
		},
		"004 mixed OU": {
			Check: "GW-ORG-004",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "payments-dev").Unit = "Workloads/Prod" },
			Want:  []string{"ou/Root/Workloads/Prod"},
			Msg:   "Root/Workloads/Prod directly holds production accounts (payments-prod) and non-production accounts (payments-dev)",
		},
		"004 mixed by tags": {
			Check: "GW-ORG-004",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "shop-live", "Apps", estate.RoleNone, "").Tags = map[string]string{"Environment": "Prod"}
				audittest.AddAccount(e, "888888888888", "shop-qa", "Apps", estate.RoleNone, "").Tags = map[string]string{"Environment": "QA"}
			},
			Want: []string{"ou/Root/Apps"},
		},
		"004 development account by name in the Prod OU": {
			Check: "GW-ORG-004",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "orders-dev", "Workloads/Prod", estate.RoleNone, "")
			},
			Want: []string{"ou/Root/Workloads/Prod"},
			Msg:  "production accounts (payments-prod) and non-production accounts (orders-dev)",
		},
		"004 mixed by names alone": {
			Check: "GW-ORG-004",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "orders-prod-acme", "Workloads/Apps", estate.RoleNone, "")
				audittest.AddAccount(e, "888888888888", "orders_uat", "Workloads/Apps", estate.RoleNone, "")
				audittest.AddAccount(e, "999999999999", "product-catalog", "Workloads/Shop", estate.RoleNone, "")
				audittest.AddAccount(e, "101010101010", "shop-dev", "Workloads/Shop", estate.RoleNone, "")
			},
			Want: []string{"ou/Root/Workloads/Apps"},
			Msg:  "Root/Workloads/Apps directly holds production accounts (orders-prod-acme) and non-production accounts (orders_uat)",
		},

		"005 passes with the management account at the root": {Check: "GW-ORG-005"},
		"005 member at the root": {
			Check: "GW-ORG-005",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "identity-center").Unit = estate.RootPath },
			Want:  []string{"account/333333333333 (identity-center)"}, Msg: "directly under the root",
		},
		"005 ignores closing accounts": {
			Check: "GW-ORG-005",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "old", estate.RootPath, estate.RoleNone, "").Status = "PENDING_CLOSURE"
				audittest.AddAccount(e, "888888888888", "older", estate.RootPath, estate.RoleNone, "").Status = "SUSPENDED"
			},
		},

		"006 passes": {Check: "GW-ORG-006"},
		"006 sandbox role outside Sandbox": {
			Check: "GW-ORG-006",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "sandbox-ana").Unit = "Workloads/NonProd" },
			Want:  []string{"account/666666666666 (sandbox-ana)"}, Msg: "sits in Root/Workloads/NonProd, not under Root/Sandbox",
		},
		"006 sandbox name outside Sandbox": {
			Check: "GW-ORG-006",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "Sandbox-Bob", "Workloads", estate.RoleNone, "")
			},
			Want: []string{"account/777777777777 (Sandbox-Bob)"},
		},
		"006 name does not override a spec role": {
			Check: "GW-ORG-006",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "sandbox-tools", "Workloads/NonProd", estate.RoleWorkload, "dev")
			},
		},
		"006 production in Sandbox": {
			Check: "GW-ORG-006",
			Edit: func(e *estate.Estate) {
				audittest.Account(e, "sandbox-ana").Tags = map[string]string{"Environment": "Prod"}
			},
			Want: []string{"account/666666666666 (sandbox-ana)"}, Msg: `production by its Environment tag "Prod"`,
		},
		"006 production in Sandbox by name": {
			Check: "GW-ORG-006",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "shop-prd", "Sandbox", estate.RoleNone, "")
				audittest.AddAccount(e, "888888888888", "productivity-lab", "Sandbox", estate.RoleNone, "")
			},
			Want: []string{"account/777777777777 (shop-prd)"}, Msg: `production by its name "shop-prd"`,
		},

		"007 passes": {Check: "GW-ORG-007"},
		"007 passes by tag": {
			Check: "GW-ORG-007",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "data", "Workloads", estate.RoleWorkload, "").Tags = map[string]string{"Environment": "Dev"}
			},
		},
		"007 passes by name": {
			Check: "GW-ORG-007",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "data-staging", "Workloads/Apps", estate.RoleNone, "")
			},
		},
		"007 workload without environment": {
			Check: "GW-ORG-007",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "data", "Workloads", estate.RoleWorkload, "blue")
			},
			Want: []string{"account/777777777777 (data)"}, Msg: `spec environment ("blue")`,
		},
		"007 unannotated account under Workloads": {
			Check: "GW-ORG-007",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "data", "Workloads/Apps", estate.RoleNone, "")
			},
			Want: []string{"account/777777777777 (data)"}, Msg: "Root/Workloads/Apps has no recognisable environment",
		},
	})
}

func TestFoundationIsClean(t *testing.T) {
	r := audit.Run(audittest.Foundation())
	if len(r.Findings) != 0 {
		t.Errorf("findings on the recommended foundation: %+v", r.Findings)
	}
	if len(r.Checks) != len(audit.Checks()) {
		t.Errorf("Checks = %d, want %d", len(r.Checks), len(audit.Checks()))
	}
}
