package orglayer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Selections and names the checks of the organization layer share:
// check_guardrails.go, check_tagpolicy.go and check_services.go. Every
// such check returns no findings when e.Org is nil: the layer was not
// read, which says nothing about the organization.

// exceptionsOU is the top-level OU guidance 000 keeps out of the baseline
// guardrails.
const exceptionsOU = "Exceptions"

// customerSCPs returns the SCPs the organization wrote itself (not
// FullAWSAccess or another AWS-managed policy), by name.
func customerSCPs(l *estate.OrgLayer) []*estate.Policy {
	var out []*estate.Policy
	for _, p := range l.SortedPolicies() {
		if p.Type == estate.PolicyTypeSCP && !p.AWSManaged {
			out = append(out, p)
		}
	}
	return out
}

// attachedTo reports whether the policy is attached directly to target.
func attachedTo(p *estate.Policy, target string) bool { return slices.Contains(p.Targets, target) }

// policyResource names a policy: "policy/p-abc123 (name)".
func policyResource(p *estate.Policy) string {
	if p.ID == "" {
		return "policy/" + p.Name
	}
	return fmt.Sprintf("policy/%s (%s)", p.ID, p.Name)
}

// topLevelUnits returns the OUs directly under the root, sorted.
func topLevelUnits(e *estate.Estate) []*estate.Unit {
	var out []*estate.Unit
	for _, u := range e.SortedUnits() {
		if u.Parent() == estate.RootPath {
			out = append(out, u)
		}
	}
	return out
}

// guardrailUnits returns the top-level OUs the baseline guardrails belong
// on (guidance 000: every top-level OU except Exceptions). The spec says
// which through Unit.Guardrails; when no unit has it set, the estate was
// not annotated from a spec, and every top-level OU not named Exceptions
// (ignoring case) stands in.
func guardrailUnits(e *estate.Estate) []*estate.Unit {
	annotated := false
	for _, u := range e.Units {
		annotated = annotated || u.Guardrails
	}
	var out []*estate.Unit
	for _, u := range topLevelUnits(e) {
		if annotated && u.Guardrails || !annotated && !strings.EqualFold(u.Name(), exceptionsOU) {
			out = append(out, u)
		}
	}
	return out
}
