package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The OU tree checks: the top-level OUs guidance 000 builds the
// foundation on exist, found by name in the organization as it is. The
// guidance creates five, "a subset of the AWS Multi-Account Strategy
// Recommended OUs", and leaves the others (Policy Staging, Suspended,
// Deployments ...) to be added "as they are needed": those are not
// checked. Their weight follows what each holds: Security the audit trail
// and security tooling (high); Infrastructure the shared services and the
// Identity Center account, and Workloads with a production and a
// non-production OU below it the stage separation (medium); Exceptions and
// Sandbox only matter once an account needs a waiver or a playground (low).

func init() {
	Register(Check{
		ID:       "GW-ORG-020",
		Title:    "Security OU exists at the top level",
		Severity: High,
		Guidance: "000 Create Security OU; 000 Building foundational Organizational Unit structure and accounts",
		Controls: []string{"NIST CSF PR.AC-4", "NIST CSF PR.PT-1"},
		Rationale: "The Security OU holds the Log Archive and Security Tooling accounts under guardrails of their own; " +
			"without it they share the rules, and the administrators, of whatever OU they sit in.",
		Remediation: "add Security: {} under units in foundation.yaml and run groundwork apply, then move the Log Archive and " +
			"Security Tooling accounts into it (accounts.<key>.unit: Security)",
		Run: checkTopOU(securityTree),
	})
	Register(Check{
		ID:       "GW-ORG-021",
		Title:    "Infrastructure OU exists at the top level",
		Severity: Medium,
		Guidance: "000 Create Infrastructure OU; 000 Building foundational Organizational Unit structure and accounts",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "Shared services (networking, the IAM Identity Center account) need a place apart from the workloads " +
			"that use them, so that guardrails and access can differ; without it they end up beside workloads or " +
			"under the root.",
		Remediation: "add Infrastructure: {} under units in foundation.yaml and run groundwork apply; put the Identity Center " +
			"and shared-network accounts in it",
		Run: checkTopOU(infrastructureTree),
	})
	Register(Check{
		ID:       "GW-ORG-022",
		Title:    "Workloads OU with a production and a non-production OU below it",
		Severity: Medium,
		Guidance: "000 Create Workloads OU; 004 Establish Multi-Account Separation; 004 Effective Organizational Unit (OU) Strategy",
		Controls: []string{"NIST CSF PR.DS-7", "Conformity IAM-030"},
		Rationale: "Guardrails attach per OU: without a production OU and a non-production OU under Workloads, production " +
			"accounts cannot be held to stricter rules than development ones.",
		Remediation: "add Workloads: {units: {Prod: {}, NonProd: {}}} under units in foundation.yaml and run groundwork " +
			"apply, then move each workload account into the OU of its stage",
		Run: checkWorkloadsTree,
	})
	Register(Check{
		ID:       "GW-ORG-023",
		Title:    "Exceptions and Sandbox OUs exist at the top level",
		Severity: Low,
		Guidance: "000 Create Exceptions OU; 000 Create Sandbox OU",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "Without an Exceptions OU, an account that needs a guardrail waived gets the waiver in a shared OU, where it " +
			"applies to every account; without a Sandbox OU, experiments run beside real workloads under their rules.",
		Remediation: "add Exceptions: {guardrails: none} and Sandbox: {} under units in foundation.yaml and run groundwork apply",
		Run: func(e *estate.Estate) []Finding {
			return append(checkTopOU(exceptionsTree)(e), checkTopOU(sandboxTree)(e)...)
		},
	})
}

// treeOU is a top-level OU of the recommended tree: its name, the other
// names it goes by, and what it is for, in messages.
type treeOU struct {
	name    string
	aliases []string
	holds   string
}

var (
	securityTree       = treeOU{securityOU, nil, "the Log Archive and Security Tooling accounts"}
	infrastructureTree = treeOU{"Infrastructure", []string{"infra", "sharedservices"},
		"shared services and the IAM Identity Center account"}
	workloadsTree  = treeOU{workloadsOU, []string{"workload"}, "the business workloads"}
	exceptionsTree = treeOU{"Exceptions", []string{"exception"}, "accounts that need a guardrail waived"}
	sandboxTree    = treeOU{sandboxOU, []string{"sandboxes"}, "builders' experiments"}
)

// ouName folds an OU name for matching: lowercase letters and digits only,
// so "Shared Services", "shared-services" and "SharedServices" agree.
func ouName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, strings.ToLower(s))
}

// is reports whether an OU name names t.
func (t treeOU) is(name string) bool {
	n := ouName(name)
	return n == ouName(t.name) || slices.Contains(t.aliases, n)
}

// find returns the path of the top-level OU named for t, and the paths of
// OUs so named deeper in the tree.
func (t treeOU) find(e *estate.Estate) (top string, nested []string) {
	for _, u := range e.SortedUnits() {
		if !t.is(estate.PathName(u.Path)) {
			continue
		}
		if estate.ParentPath(u.Path) == estate.RootPath {
			if top == "" {
				top = u.Path
			}
			continue
		}
		nested = append(nested, estate.DisplayPath(u.Path))
	}
	return top, nested
}

// missing is the finding for an organization without t at the top level.
func (t treeOU) missing(e *estate.Estate, nested []string) Finding {
	msg := fmt.Sprintf("no %s OU under the root: guidance 000 creates it for %s", t.name, t.holds)
	if len(nested) > 0 {
		msg += fmt.Sprintf("; %s sits deeper in the tree, where the guardrails of the OUs above it apply too",
			strings.Join(nested, ", "))
	}
	return Finding{Resource: OrgResource(e), Message: msg}
}

// checkTopOU reports an organization without t at the top level.
func checkTopOU(t treeOU) func(*estate.Estate) []Finding {
	return func(e *estate.Estate) []Finding {
		if e.Organization == nil {
			return nil // GW-ORG-001: no organization, no OUs
		}
		if top, nested := t.find(e); top == "" {
			return []Finding{t.missing(e, nested)}
		}
		return nil
	}
}

// checkWorkloadsTree reports an organization without a Workloads OU, and
// a Workloads OU without a production OU or a non-production OU directly
// below it, each told by its name (Prod, Production; NonProd, Dev, Test,
// Staging, SDLC ...).
func checkWorkloadsTree(e *estate.Estate) []Finding {
	if e.Organization == nil {
		return nil
	}
	top, nested := workloadsTree.find(e)
	if top == "" {
		return []Finding{workloadsTree.missing(e, nested)}
	}
	var prod, nonProd bool
	for _, u := range e.Units {
		if estate.ParentPath(u.Path) != top {
			continue
		}
		switch estate.EnvironmentClass(ouName(estate.PathName(u.Path))) {
		case estate.EnvProduction:
			prod = true
		case estate.EnvNonProduction:
			nonProd = true
		}
	}
	var lack []string
	if !prod {
		lack = append(lack, "production OU (Prod)")
	}
	if !nonProd {
		lack = append(lack, "non-production OU (NonProd, or one per stage such as Dev and Test)")
	}
	if len(lack) == 0 {
		return nil
	}
	return []Finding{{
		Resource: UnitResource(top),
		Message: fmt.Sprintf("%s has no %s directly below it: production and non-production accounts cannot get "+
			"guardrails of their own", estate.DisplayPath(top), strings.Join(lack, " and no ")),
	}}
}
