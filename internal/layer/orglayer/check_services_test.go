package orglayer

import (
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestServiceChecks(t *testing.T) {
	const org = "organization/o-abc123"
	untrust := func(svcs ...string) func(e *estate.Estate) {
		return func(e *estate.Estate) {
			e.Org.TrustedServices = slices.DeleteFunc(e.Org.TrustedServices, func(s string) bool { return slices.Contains(svcs, s) })
		}
	}
	delegate := func(svc, name string) func(e *estate.Estate) {
		return func(e *estate.Estate) { e.Org.DelegatedAdmins[svc] = name + "@example.com" }
	}
	noRoles := func(e *estate.Estate) {
		for _, a := range e.Accounts {
			if !e.IsManagement(a) {
				a.Role = estate.RoleNone
			}
		}
	}
	audittest.RunCases(t, guarded, map[string]audittest.Case{
		"001 passes": {Check: "GW-SVC-001"},
		"001 missing services": {
			Check: "GW-SVC-001",
			Edit:  untrust(serviceAccount, serviceGuardDuty),
			Want:  []string{org}, Msg: "no trusted access for account.amazonaws.com and guardduty.amazonaws.com",
		},
		"001 none": {
			Check: "GW-SVC-001",
			Edit:  func(e *estate.Estate) { e.Org.TrustedServices = nil },
			Want:  []string{org}, Msg: "access-analyzer.amazonaws.com, account.amazonaws.com, cloudtrail.amazonaws.com, config.amazonaws.com, guardduty.amazonaws.com and 2 more",
		},

		"002 passes": {Check: "GW-SVC-002"},
		"002 passes without roles on any member account": {
			Check: "GW-SVC-002",
			Edit: func(e *estate.Estate) {
				noRoles(e)
				e.Org.DelegatedAdmins[serviceGuardDuty] = "log-archive@example.com"
			},
		},
		"002 not delegated": {
			Check: "GW-SVC-002",
			Edit:  func(e *estate.Estate) { delete(e.Org.DelegatedAdmins, serviceGuardDuty) },
			Want:  []string{org}, Msg: "guardduty.amazonaws.com has no delegated administrator",
		},
		"002 delegated to another foundation account": {
			Check: "GW-SVC-002",
			Edit:  delegate(serviceSecurityHub, "log-archive"),
			Want:  []string{"account/111111111111 (log-archive)"},
			Msg:   "securityhub.amazonaws.com is delegated to log-archive, whose role is log-archive, not the Security Tooling account",
		},
		"002 delegated to a workload account, roles known only there": {
			Check: "GW-SVC-002",
			Edit: func(e *estate.Estate) {
				noRoles(e)
				audittest.Account(e, "payments-prod").Role = estate.RoleWorkload
				e.Org.DelegatedAdmins[serviceConfig] = "payments-prod@example.com"
			},
			Want: []string{"account/444444444444 (payments-prod)"}, Msg: "delegated to payments-prod, whose role is workload",
		},
		"002 delegated to an unmanaged account": {
			Check: "GW-SVC-002",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "legacy-security", "Security", estate.RoleNone, "")
				e.Org.DelegatedAdmins[serviceCloudTrail] = "legacy-security@example.com"
			},
			Want: []string{"account/777777777777 (legacy-security)"},
			Msg:  "cloudtrail.amazonaws.com is delegated to legacy-security, which has no foundation role, not the Security Tooling account security-tooling",
		},
		"002 delegated to a suspended account": {
			Check: "GW-SVC-002",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "security-tooling").Status = "SUSPENDED" },
			Want: []string{"account/222222222222 (security-tooling)", "account/222222222222 (security-tooling)",
				"account/222222222222 (security-tooling)", "account/222222222222 (security-tooling)", "account/222222222222 (security-tooling)"},
			Msg: "access-analyzer.amazonaws.com is delegated to security-tooling, which is SUSPENDED",
		},
		"002 delegated to the management account": {
			Check: "GW-SVC-002",
			Edit:  delegate(serviceGuardDuty, "management"),
			Want:  []string{"account/000000000000 (management)"}, Msg: "delegated to the management account",
		},
		"002 delegated to an account not read": {
			Check: "GW-SVC-002",
			Edit:  func(e *estate.Estate) { e.Org.DelegatedAdmins[serviceGuardDuty] = "999999999999" },
			Want:  []string{"account/999999999999"}, Msg: "not among the organization's accounts",
		},

		"003 passes": {Check: "GW-SVC-003"},
		"003 passes without roles on any member account": {
			Check: "GW-SVC-003",
			Edit: func(e *estate.Estate) {
				noRoles(e)
				e.Org.DelegatedAdmins[serviceIdentityCenter] = "security-tooling@example.com"
			},
		},
		"003 not delegated": {
			Check: "GW-SVC-003",
			Edit:  func(e *estate.Estate) { delete(e.Org.DelegatedAdmins, serviceIdentityCenter) },
			Want:  []string{org}, Msg: "sso.amazonaws.com has no delegated administrator",
		},
		"003 delegated to Security Tooling": {
			Check: "GW-SVC-003",
			Edit:  delegate(serviceIdentityCenter, "security-tooling"),
			Want:  []string{"account/222222222222 (security-tooling)"},
			Msg:   "delegated to security-tooling, whose role is security-tooling, not the Identity Center account",
		},
	})
}
