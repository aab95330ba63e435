package audit

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The multi-account structure checks: the organization, its foundational
// OUs (guidance 000) and where accounts sit in them.

// The top-level OUs of the recommended foundation (guidance 000).
const (
	securityOU  = "Security"
	workloadsOU = "Workloads"
	sandboxOU   = "Sandbox"
)

// separationControls map to keeping production apart from development and
// test.
var separationControls = []string{"NIST CSF PR.DS-7", "ISO/IEC 27002:2013 A.12.1.4"}

func init() {
	Register(Check{
		ID:       "GW-ORG-001",
		Title:    "Organization exists with all features enabled",
		Severity: High,
		Guidance: "000 Creating and configuring your management account; 000 Create and attach organization hardening " +
			"SCPs; 004 Implement AWS Organizations",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "Without an organization with all features, every account stands alone: no SCP limits what its " +
			"administrators can do, no service runs organization-wide, and each account has to be secured and " +
			"audited by hand.",
		Remediation: "create the organization from the management account with all features " +
			"(aws organizations create-organization --feature-set ALL); for a consolidated-billing organization, " +
			"enable all features in the AWS Organizations console and have every member account approve",
		Run: checkOrganization,
	})
	Register(Check{
		ID:       "GW-ORG-002",
		Title:    "Log Archive account in the Security OU",
		Severity: High,
		Guidance: "000 Create Security OU; 000 Create Log Archive account; 000 Move Log Archive account to Security OU",
		Controls: []string{"NIST CSF PR.PT-1", "NIST CSF PR.AC-4"},
		Rationale: "Logs kept in an account that also runs other work can be read, changed or deleted by whoever " +
			"administers that work; a dedicated Log Archive account under the Security OU's guardrails keeps the " +
			"audit trail out of their reach.",
		Remediation: "set accounts.<key>.role: log-archive and accounts.<key>.unit: Security in foundation.yaml and run groundwork apply",
		Run:         checkFoundationAccount(estate.RoleLogArchive, "log-archive", "Log Archive"),
	})
	Register(Check{
		ID:       "GW-ORG-003",
		Title:    "Security Tooling account in the Security OU",
		Severity: High,
		Guidance: "000 Create Security OU; 000 Create Security Tooling account; 000 Move Security Tooling account to " +
			"Security OU; 004 Delegate Security Administration",
		Controls: []string{"NIST CSF PR.AC-4", "NIST CSF ID.AM-6"},
		Rationale: "Without a dedicated Security Tooling account, security services are run from the management account " +
			"or a workload account, which widens the blast radius of a compromise there (guidance 004) and gives " +
			"the security team access it does not need.",
		Remediation: "set accounts.<key>.role: security-tooling and accounts.<key>.unit: Security in foundation.yaml and run groundwork apply",
		Run:         checkFoundationAccount(estate.RoleSecurityTooling, "security-tooling", "Security Tooling"),
	})
	Register(Check{
		ID:       "GW-ORG-004",
		Title:    "Production and non-production accounts in separate OUs",
		Severity: High,
		Guidance: "000 Create Workloads OU; 002 Set up the AWS multi-account environment; 004 Establish Multi-Account " +
			"Separation",
		Controls: []string{"NIST CSF PR.DS-7", "Conformity IAM-030"},
		Rationale: "Guardrails attach per OU, so an OU mixing stages holds production to development's looser rules or " +
			"development to production's, and a mistake made in development can reach production data or uptime.",
		Remediation: "set accounts.<key>.unit: Workloads/Prod for production accounts and Workloads/NonProd for the others " +
			"in foundation.yaml and run groundwork apply",
		Run: checkSeparation,
	})
	Register(Check{
		ID:       "GW-ORG-005",
		Title:    "No member account directly under the root",
		Severity: Medium,
		Guidance: "000 Building foundational Organizational Unit structure and accounts; 004 Effective Organizational " +
			"Unit (OU) Strategy",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "An account directly under the root is bound only by policies on the root, so none of the guardrails " +
			"attached to the top-level OUs apply to it, and its place says nothing about who owns it or what it " +
			"runs.",
		Remediation: "set accounts.<key>.unit (Security, Infrastructure, Workloads/Prod, Workloads/NonProd, Exceptions or Sandbox) " +
			"in foundation.yaml and run groundwork apply; bring an account the spec does not list in with groundwork import first",
		Run: checkRootAccounts,
	})
	Register(Check{
		ID:       "GW-ORG-006",
		Title:    "Sandbox accounts in the Sandbox OU, and no production there",
		Severity: Medium,
		Guidance: "000 Create Sandbox OU",
		Controls: []string{"NIST CSF PR.DS-7"},
		Rationale: "A sandbox account outside the Sandbox OU escapes the limits meant for experiments, and a production " +
			"account inside it runs under rules written for throwaway work.",
		Remediation: "set accounts.<key>.unit: Sandbox for sandbox accounts in foundation.yaml and run groundwork apply; " +
			"sandbox accounts are never promoted, so run production in a new account under Workloads/Prod",
		Run: checkSandbox,
	})
	Register(Check{
		ID:       "GW-ORG-007",
		Title:    "Workload accounts have a recognisable environment",
		Severity: Low,
		Guidance: "000 Create Workloads OU; 000 Create a tagging dictionary; 002 Set up the AWS multi-account " +
			"environment",
		Controls: []string{"NIST CSF ID.AM-5", "Conformity IAM-030"},
		Rationale: "A workload account that says neither production nor non-production cannot be held to the stage " +
			"separation GW-ORG-004 checks, and people cannot tell how carefully to treat it.",
		Remediation: "set accounts.<key>.environment (prod, dev, test, staging, ...) in foundation.yaml, " +
			"or move the account under Workloads/Prod or Workloads/NonProd, and run groundwork apply",
		Run: checkWorkloadEnvironment,
	})
}

func checkOrganization(e *estate.Estate) []Finding {
	o := e.Organization
	if o == nil {
		return []Finding{{
			Resource: OrgResource(e),
			Message:  "no organization: the audited account is not in an AWS Organizations organization, so there are no OUs, SCPs or organization trail",
		}}
	}
	if o.FeatureSet == "ALL" {
		return nil
	}
	set := cmp.Or(o.FeatureSet, "unknown")
	return []Finding{{
		Resource: OrgResource(e),
		Message:  fmt.Sprintf("organization %s has feature set %s, not ALL: SCPs, delegated administrators and trusted access need all features", o.ID, set),
	}}
}

// checkFoundationAccount checks that the account with the role exists and
// sits under the Security OU. When no account has the role (an estate the
// spec has not annotated), accounts whose name contains nameWord stand in;
// name matching ignores case and treats spaces and underscores as hyphens.
func checkFoundationAccount(role estate.Role, nameWord, label string) func(*estate.Estate) []Finding {
	return func(e *estate.Estate) []Finding {
		found := AccountsWithRole(e, role)
		if len(found) == 0 {
			for _, a := range ActiveAccounts(e) {
				if strings.Contains(NormalName(a.Name), nameWord) {
					found = append(found, a)
				}
			}
		}
		if len(found) == 0 {
			return []Finding{{
				Resource: OrgResource(e),
				Message:  fmt.Sprintf("no %s account: no account has role %s or a name containing %q", label, role, nameWord),
			}}
		}
		var out []Finding
		for _, a := range found {
			if !under(a.Unit, securityOU) {
				out = append(out, Finding{
					Resource: AccountResource(a),
					Account:  a.ID,
					Message:  fmt.Sprintf("%s account sits in %s, not under Root/%s", label, estate.DisplayPath(a.Unit), securityOU),
				})
			}
		}
		return out
	}
}

// checkSeparation reports every OU that directly holds both production and
// non-production member accounts.
func checkSeparation(e *estate.Estate) []Finding {
	type mix struct{ prod, nonProd []*estate.Account }
	byUnit := map[string]*mix{}
	for _, a := range MemberAccounts(e) {
		m := byUnit[a.Unit]
		if m == nil {
			m = &mix{}
			byUnit[a.Unit] = m
		}
		switch a.Class() {
		case estate.EnvProduction:
			m.prod = append(m.prod, a)
		case estate.EnvNonProduction:
			m.nonProd = append(m.nonProd, a)
		}
	}
	var out []Finding
	for path, m := range byUnit {
		if len(m.prod) > 0 && len(m.nonProd) > 0 {
			out = append(out, Finding{
				Resource: UnitResource(path),
				Message: fmt.Sprintf("%s directly holds production accounts (%s) and non-production accounts (%s)",
					estate.DisplayPath(path), AccountList(m.prod), AccountList(m.nonProd)),
			})
		}
	}
	return out // Run sorts findings.
}

func checkRootAccounts(e *estate.Estate) []Finding {
	var out []Finding
	for _, a := range MemberAccounts(e) {
		if a.Unit == estate.RootPath {
			out = append(out, Finding{
				Resource: AccountResource(a),
				Account:  a.ID,
				Message:  "member account sits directly under the root, outside every OU and the guardrails attached to them",
			})
		}
	}
	return out
}

// checkSandbox reports sandbox accounts outside the Sandbox OU, and
// production accounts inside it. An account is a sandbox by its spec role,
// or, when it has none, by a name starting "sandbox-" (guidance 000's
// naming convention).
func checkSandbox(e *estate.Estate) []Finding {
	var out []Finding
	for _, a := range MemberAccounts(e) {
		inSandbox := under(a.Unit, sandboxOU)
		isSandbox := a.Role == estate.RoleSandbox ||
			a.Role == estate.RoleNone && strings.HasPrefix(strings.ToLower(a.Name), "sandbox-")
		switch {
		case isSandbox && !inSandbox:
			out = append(out, Finding{
				Resource: AccountResource(a),
				Account:  a.ID,
				Message:  fmt.Sprintf("sandbox account sits in %s, not under Root/%s", estate.DisplayPath(a.Unit), sandboxOU),
			})
		case inSandbox && a.Class() == estate.EnvProduction:
			out = append(out, Finding{
				Resource: AccountResource(a),
				Account:  a.ID,
				Message:  fmt.Sprintf("account in %s is production by its %s", estate.DisplayPath(a.Unit), classSource(a)),
			})
		}
	}
	return out
}

// classSource says what gave an account its class, in the order Class
// looks.
func classSource(a *estate.Account) string {
	if estate.EnvironmentClass(a.Environment) != "" {
		return fmt.Sprintf("spec environment %q", a.Environment)
	}
	if v := a.Tags["Environment"]; estate.EnvironmentClass(v) != "" {
		return fmt.Sprintf("Environment tag %q", v)
	}
	if estate.NameClass(a.Name) != "" {
		return fmt.Sprintf("name %q", a.Name)
	}
	return "OU path"
}

// checkWorkloadEnvironment reports workload accounts whose class cannot be
// told, which leaves GW-ORG-004 blind to them. A workload account has the
// workload role, or, when it has none, sits under the Workloads OU.
func checkWorkloadEnvironment(e *estate.Estate) []Finding {
	var out []Finding
	for _, a := range MemberAccounts(e) {
		workload := a.Role == estate.RoleWorkload || a.Role == estate.RoleNone && under(a.Unit, workloadsOU)
		if !workload || a.Class() != "" {
			continue
		}
		out = append(out, Finding{
			Resource: AccountResource(a),
			Account:  a.ID,
			Message: fmt.Sprintf("workload account in %s has no recognisable environment: neither its spec environment (%s), "+
				"its Environment tag (%s), its OU path nor its name says production or non-production",
				estate.DisplayPath(a.Unit), QuoteOrNone(a.Environment), QuoteOrNone(a.Tags["Environment"])),
		})
	}
	return out
}
