package audit

import (
	"slices"
	"testing"

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
	runCases(t, guarded, map[string]checkCase{
		"001 passes": {check: "GW-SVC-001"},
		"001 missing services": {
			check: "GW-SVC-001",
			edit:  untrust(serviceAccount, serviceGuardDuty),
			want:  []string{org}, msg: "no trusted access for account.amazonaws.com and guardduty.amazonaws.com",
		},
		"001 none": {
			check: "GW-SVC-001",
			edit:  func(e *estate.Estate) { e.Org.TrustedServices = nil },
			want:  []string{org}, msg: "access-analyzer.amazonaws.com, account.amazonaws.com, cloudtrail.amazonaws.com, config.amazonaws.com, guardduty.amazonaws.com and 2 more",
		},

		"002 passes": {check: "GW-SVC-002"},
		"002 passes without roles on any member account": {
			check: "GW-SVC-002",
			edit: func(e *estate.Estate) {
				noRoles(e)
				e.Org.DelegatedAdmins[serviceGuardDuty] = "log-archive@example.com"
			},
		},
		"002 not delegated": {
			check: "GW-SVC-002",
			edit:  func(e *estate.Estate) { delete(e.Org.DelegatedAdmins, serviceGuardDuty) },
			want:  []string{org}, msg: "guardduty.amazonaws.com has no delegated administrator",
		},
		"002 delegated to another foundation account": {
			check: "GW-SVC-002",
			edit:  delegate(serviceSecurityHub, "log-archive"),
			want:  []string{"account/111111111111 (log-archive)"},
			msg:   "securityhub.amazonaws.com is delegated to log-archive, whose role is log-archive, not the Security Tooling account",
		},
		"002 delegated to a workload account, roles known only there": {
			check: "GW-SVC-002",
			edit: func(e *estate.Estate) {
				noRoles(e)
				acct(e, "payments-prod").Role = estate.RoleWorkload
				e.Org.DelegatedAdmins[serviceConfig] = "payments-prod@example.com"
			},
			want: []string{"account/444444444444 (payments-prod)"}, msg: "delegated to payments-prod, whose role is workload",
		},
		"002 delegated to an unmanaged account": {
			check: "GW-SVC-002",
			edit: func(e *estate.Estate) {
				add(e, "777777777777", "legacy-security", "Security", estate.RoleNone, "")
				e.Org.DelegatedAdmins[serviceCloudTrail] = "legacy-security@example.com"
			},
			want: []string{"account/777777777777 (legacy-security)"},
			msg:  "cloudtrail.amazonaws.com is delegated to legacy-security, which has no foundation role, not the Security Tooling account security-tooling",
		},
		"002 delegated to a suspended account": {
			check: "GW-SVC-002",
			edit:  func(e *estate.Estate) { acct(e, "security-tooling").Status = "SUSPENDED" },
			want: []string{"account/222222222222 (security-tooling)", "account/222222222222 (security-tooling)",
				"account/222222222222 (security-tooling)", "account/222222222222 (security-tooling)", "account/222222222222 (security-tooling)"},
			msg: "access-analyzer.amazonaws.com is delegated to security-tooling, which is SUSPENDED",
		},
		"002 delegated to the management account": {
			check: "GW-SVC-002",
			edit:  delegate(serviceGuardDuty, "management"),
			want:  []string{"account/000000000000 (management)"}, msg: "delegated to the management account",
		},
		"002 delegated to an account not read": {
			check: "GW-SVC-002",
			edit:  func(e *estate.Estate) { e.Org.DelegatedAdmins[serviceGuardDuty] = "999999999999" },
			want:  []string{"account/999999999999"}, msg: "not among the organization's accounts",
		},

		"003 passes": {check: "GW-SVC-003"},
		"003 passes without roles on any member account": {
			check: "GW-SVC-003",
			edit: func(e *estate.Estate) {
				noRoles(e)
				e.Org.DelegatedAdmins[serviceIdentityCenter] = "security-tooling@example.com"
			},
		},
		"003 not delegated": {
			check: "GW-SVC-003",
			edit:  func(e *estate.Estate) { delete(e.Org.DelegatedAdmins, serviceIdentityCenter) },
			want:  []string{org}, msg: "sso.amazonaws.com has no delegated administrator",
		},
		"003 delegated to Security Tooling": {
			check: "GW-SVC-003",
			edit:  delegate(serviceIdentityCenter, "security-tooling"),
			want:  []string{"account/222222222222 (security-tooling)"},
			msg:   "delegated to security-tooling, whose role is security-tooling, not the Identity Center account",
		},
	})
}
