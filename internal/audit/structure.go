package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The multi-account structure checks beyond where accounts sit
// (organization.go): the foundation accounts are dedicated member accounts,
// each workload account serves one stage, and the management account runs
// no workload (guidance 000, 002 and 004).

func init() {
	Register(Check{
		ID:       "GW-ORG-008",
		Title:    "Log Archive and Security Tooling are separate member accounts",
		Severity: High,
		Guidance: "000 Create Log Archive account; 000 Create Security Tooling account; 004 Delegate Security Administration",
		Controls: []string{"NIST CSF PR.AC-4", "NIST CSF PR.PT-1"},
		Rationale: "Logs kept in the account that administers security tooling, or in the management account, can be " +
			"altered by the very people and roles they record, and a compromise of one account takes both the audit " +
			"trail and the security services with it.",
		Remediation: "give the Log Archive and Security Tooling functions their own member accounts: set accounts.<key>.role: " +
			"log-archive on one and security-tooling on another in foundation.yaml, create them with groundwork apply, " +
			"and rename accounts whose names claim a function they do not have",
		Run: checkDedicatedAccounts,
	})
	Register(Check{
		ID:       "GW-ORG-009",
		Title:    "Each workload account serves a single stage",
		Severity: High,
		Guidance: "002 Set up the AWS multi-account environment; 004 Establish Multi-Account Separation; " +
			"000 Define initial tagging dictionary",
		Controls: []string{"NIST CSF PR.DS-7", "Conformity IAM-030"},
		Rationale: "An account that serves production and a pre-production stage at once lets a development mistake or " +
			"test load reach production data and uptime, and no OU or guardrail can separate what shares one account.",
		Remediation: "split the stages into separate accounts, one per stage per workload (workload <name>-prod under " +
			"Workloads/Prod, <name>-dev under Workloads/NonProd); until then make accounts.<key>.environment, the " +
			"Environment tag and the OU agree on the stage the account really serves, and run groundwork apply",
		Run: checkSingleStage,
	})
	Register(Check{
		ID:       "GW-ORG-016",
		Title:    "Management account is not used as a workload account",
		Severity: High,
		Guidance: "004 Restrict the Management Account; 004 Using the Management Account for Workloads; " +
			"004 Designate a Management Account",
		Controls: []string{"NIST CSF PR.AC-4", "NIST CSF PR.DS-7"},
		Rationale: "SCPs never apply to the management account, and whoever runs a workload there holds access to the " +
			"account that controls every other one; guidance 004 asks for zero workloads and minimal access in it.",
		Remediation: "move the workload into a member account under Workloads, then remove the management account's " +
			"Environment tag and move it back under the root (aws organizations move-account); the spec's " +
			"organization.management describes it, never a workload entry under accounts",
		Run: checkManagementNotWorkload,
	})
}

// foundationRole is a function guidance 000 gives a dedicated account,
// recognised by spec role, or, for an account with no role, by a word in
// its name (as GW-ORG-002 and 003 do).
type foundationRole struct {
	role     estate.Role
	nameWord string
	label    string
}

var foundationRoles = []foundationRole{
	{estate.RoleLogArchive, "log-archive", "Log Archive"},
	{estate.RoleSecurityTooling, "security-tooling", "Security Tooling"},
}

// fills reports whether the account fills the function. The management
// account's spec role is overwritten by Annotate, so it fills a function
// only by name.
func (f foundationRole) fills(a *estate.Account) bool {
	if a.Role == f.role {
		return true
	}
	unassigned := a.Role == estate.RoleNone || a.Role == estate.RoleManagement
	return unassigned && strings.Contains(NormalName(a.Name), f.nameWord)
}

// checkDedicatedAccounts reports the management account standing in for a
// foundation account, and one account standing in for both.
func checkDedicatedAccounts(e *estate.Estate) []Finding {
	var out []Finding
	for _, a := range ActiveAccounts(e) {
		var labels []string
		for _, f := range foundationRoles {
			if f.fills(a) {
				labels = append(labels, f.label)
			}
		}
		switch {
		case len(labels) == 0:
		case e.IsManagement(a):
			out = append(out, AccountFinding(a, fmt.Sprintf("the management account is the %s account by its name: "+
				"the foundation accounts must be member accounts, apart from the account that controls the organization",
				strings.Join(labels, " and "))))
		case len(labels) > 1:
			// Only an account with no role fills two functions: a role
			// names one.
			out = append(out, AccountFinding(a, fmt.Sprintf("one account is both the %s account by its name: logs and the "+
				"security tooling that reads them need separate accounts", strings.Join(labels, " and "))))
		}
	}
	return out
}

// stageSignal is one thing that says which stage an account serves.
type stageSignal struct {
	source string // "spec environment \"prod\"", "Environment tag \"Dev\"", "OU Root/Workloads/Prod", "name \"payments-dev\""
	class  string // estate.EnvProduction or estate.EnvNonProduction
}

// stageSignals lists what says which stage an account serves: its spec
// environment, each stage word of its Environment tag (a value such as
// "dev/prod" names two), the OU path, and its name (estate.NameClass).
func stageSignals(a *estate.Account) []stageSignal {
	var out []stageSignal
	if c := estate.EnvironmentClass(a.Environment); c != "" {
		out = append(out, stageSignal{fmt.Sprintf("spec environment %q", a.Environment), c})
	}
	tag := a.Tags["Environment"]
	for _, w := range estate.StageWords(tag) {
		if c := estate.EnvironmentClass(w); c != "" {
			out = append(out, stageSignal{fmt.Sprintf("Environment tag %q", tag), c})
		}
	}
	for _, part := range strings.Split(a.Unit, "/") {
		if c := estate.EnvironmentClass(part); c != "" {
			out = append(out, stageSignal{"OU " + estate.DisplayPath(a.Unit), c})
			break
		}
	}
	if c := estate.NameClass(a.Name); c != "" {
		out = append(out, stageSignal{fmt.Sprintf("name %q", a.Name), c})
	}
	return out
}

// checkSingleStage reports workload accounts whose stage signals disagree:
// one says production, another non-production. Sandbox accounts are left
// to GW-ORG-006, the management account to GW-ORG-016.
func checkSingleStage(e *estate.Estate) []Finding {
	var out []Finding
	for _, a := range MemberAccounts(e) {
		if a.Role != estate.RoleNone && a.Role != estate.RoleWorkload {
			continue
		}
		var prod, nonProd []string
		for _, s := range stageSignals(a) {
			switch s.class {
			case estate.EnvProduction:
				prod = appendNew(prod, s.source)
			case estate.EnvNonProduction:
				nonProd = appendNew(nonProd, s.source)
			}
		}
		if len(prod) == 0 || len(nonProd) == 0 {
			continue
		}
		if both := slices.DeleteFunc(slices.Clone(prod), func(s string) bool { return !slices.Contains(nonProd, s) }); len(both) > 0 {
			out = append(out, AccountFinding(a, fmt.Sprintf("the account serves production and non-production at once: its %s names both",
				strings.Join(both, ", "))))
			continue
		}
		out = append(out, AccountFinding(a, fmt.Sprintf("the account serves production by its %s and non-production by its %s",
			strings.Join(prod, ", "), strings.Join(nonProd, ", "))))
	}
	return out
}

func appendNew(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// checkManagementNotWorkload reports a management account that carries the
// marks of a workload account: a stage in its Environment tag, or a place
// under the Workloads or Sandbox OU. What runs inside it is for the
// workload checks; this judges how the organization treats it.
func checkManagementNotWorkload(e *estate.Estate) []Finding {
	var out []Finding
	for _, a := range ActiveAccounts(e) {
		if !e.IsManagement(a) {
			continue
		}
		var marks []string
		if tag := a.Tags["Environment"]; slices.ContainsFunc(estate.StageWords(tag), func(w string) bool { return estate.EnvironmentClass(w) != "" }) {
			marks = append(marks, fmt.Sprintf("its Environment tag is %q", tag))
		}
		if under(a.Unit, workloadsOU) || under(a.Unit, sandboxOU) {
			marks = append(marks, "it sits in "+estate.DisplayPath(a.Unit))
		}
		if len(marks) > 0 {
			out = append(out, AccountFinding(a, "the management account is treated as a workload account: "+strings.Join(marks, " and ")))
		}
	}
	return out
}
