package orglayer

import (
	"fmt"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The service integration checks: trusted access for the services the
// foundation runs organization-wide, and who administers them (guidance
// 000 and 004: a member account, never the management account).

// Service principals of the services the foundation integrates with the
// organization.
const (
	serviceCloudTrail     = "cloudtrail.amazonaws.com"
	serviceConfig         = "config.amazonaws.com"
	serviceIdentityCenter = "sso.amazonaws.com"
	serviceSecurityHub    = "securityhub.amazonaws.com"
	serviceGuardDuty      = "guardduty.amazonaws.com"
	serviceAccessAnalyzer = "access-analyzer.amazonaws.com"
	serviceAccount        = "account.amazonaws.com"
)

// foundationServices need trusted access: the organization trail, Config,
// Identity Center, the security services, and Account Management, through
// which alternate contacts are set.
var foundationServices = []string{
	serviceAccessAnalyzer, serviceAccount, serviceCloudTrail, serviceConfig,
	serviceGuardDuty, serviceSecurityHub, serviceIdentityCenter,
}

// securityServices are administered from the Security Tooling account.
var securityServices = []string{
	serviceAccessAnalyzer, serviceCloudTrail, serviceConfig, serviceGuardDuty, serviceSecurityHub,
}

func init() {
	audit.Register(audit.Check{
		ID:       "GW-SVC-001",
		Title:    "Trusted access enabled for the services the foundation uses",
		Severity: audit.Medium,
		Guidance: "000 Enable and delegate AWS Services at the organization level to member accounts; 000 Enabling " +
			"trusted access for AWS Account Management",
		Controls: []string{"NIST CSF PR.IP-1"},
		Rationale: "Without trusted access the organization trail, organization Config rules and aggregator, Identity " +
			"Center, the security services and alternate contacts cannot reach member accounts, so each account " +
			"must be set up, and kept so, by hand.",
		Remediation: "list the services under services.trusted_access in foundation.yaml (the default lists them all) and run groundwork apply",
		Reads:       []string{readPoliciesName},
		Run:         checkTrustedAccess,
	})
	audit.Register(audit.Check{
		ID:       "GW-SVC-002",
		Title:    "Security services administered from the Security Tooling account",
		Severity: audit.High,
		Guidance: "000 Delegate AWS Config management to production security tooling account; 004 Delegate Security " +
			"Administration",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "Security services administered from the management account keep people working in the account that " +
			"controls the organization; guidance 004 names this a pitfall that widens the blast radius of a " +
			"compromise.",
		Remediation: "map each security service to the security-tooling account under services.delegated_admins in foundation.yaml " +
			"(the default does) and run groundwork apply",
		Reads: []string{readPoliciesName},
		Run:   checkDelegatedAdmins(securityServices, estate.RoleSecurityTooling, "Security Tooling"),
	})
	audit.Register(audit.Check{
		ID:       "GW-SVC-003",
		Title:    "IAM Identity Center administered from the Identity Center account",
		Severity: audit.Medium,
		Guidance: "000 Delegate IAM Identity Center",
		Controls: []string{"NIST CSF PR.AC-1", "NIST CSF PR.AC-4"},
		Rationale: "Administering Identity Center from the management account puts day-to-day access administration in " +
			"the most privileged account; delegating it keeps sign-ins there rare.",
		Remediation: "map sso.amazonaws.com to the identity-center account under services.delegated_admins in foundation.yaml " +
			"(the default does) and run groundwork apply",
		Reads: []string{readPoliciesName},
		Run:   checkDelegatedAdmins([]string{serviceIdentityCenter}, estate.RoleIdentityCenter, "Identity Center"),
	})
}

func checkTrustedAccess(e *estate.Estate) []audit.Finding {
	if e.Org == nil {
		return nil
	}
	var missing []string
	for _, s := range foundationServices {
		if !slices.Contains(e.Org.TrustedServices, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []audit.Finding{{
		Resource: audit.OrgResource(e),
		Message:  fmt.Sprintf("no trusted access for %s", audit.NameList(missing)),
	}}
}

// checkDelegatedAdmins checks that each service has a delegated
// administrator and that it is the account with the role. When no active
// account has the role (an estate the spec has not annotated), any active
// member account without another foundation role will do.
func checkDelegatedAdmins(services []string, role estate.Role, label string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		if e.Org == nil {
			return nil
		}
		holders := audit.AccountsWithRole(e, role)
		var out []audit.Finding
		for _, svc := range services {
			key, ok := e.Org.DelegatedAdmins[svc]
			if !ok {
				out = append(out, audit.Finding{
					Resource: audit.OrgResource(e),
					Message:  fmt.Sprintf("%s has no delegated administrator: only the management account can administer it", svc),
				})
				continue
			}
			a := e.Accounts[key]
			if a == nil {
				// The inventory names an administrator it cannot find among
				// the accounts by its ID.
				out = append(out, audit.Finding{
					Resource: "account/" + key,
					Account:  key,
					Message:  fmt.Sprintf("%s is delegated to account %s, which is not among the organization's accounts", svc, key),
				})
				continue
			}
			var msg string
			switch {
			case !a.Active():
				msg = fmt.Sprintf("%s is delegated to %s, which is %s", svc, audit.AccountLabel(a), a.Status)
			case e.IsManagement(a):
				msg = fmt.Sprintf("%s is delegated to the management account", svc)
			case a.Role != estate.RoleNone && a.Role != role:
				msg = fmt.Sprintf("%s is delegated to %s, whose role is %s, not the %s account", svc, audit.AccountLabel(a), a.Role, label)
			case a.Role == estate.RoleNone && len(holders) > 0:
				msg = fmt.Sprintf("%s is delegated to %s, which has no foundation role, not the %s account %s",
					svc, audit.AccountLabel(a), label, audit.AccountList(holders))
			default:
				continue
			}
			out = append(out, audit.Finding{Resource: audit.AccountResource(a), Account: a.ID, Message: msg})
		}
		return out
	}
}
