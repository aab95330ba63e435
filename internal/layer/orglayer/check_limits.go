package orglayer

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// The SCP quota checks on the live organization: validate holds the
// spec's own policies to the same limits before apply (policy.Size,
// policy.CheckTargets); these judge every SCP and target the organization
// has, whoever made them, so an import or an audit without a spec sees a
// policy AWS would refuse to store again as it is, or a target no further
// guardrail can reach.

func init() {
	audit.Register(audit.Check{
		ID:       "GW-ORG-024",
		Title:    "Every SCP within the 5,120-character limit",
		Severity: audit.Medium,
		Guidance: "000 Create and attach organization hardening SCPs; 004 Robust SCPs",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "An SCP over AWS Organizations' size limit cannot be updated as it stands: the first change to it, " +
			"an urgent fix included, is refused until someone splits it.",
		Remediation: "split the policy into two SCPs or shorten it (fewer actions by wildcard, one statement per effect " +
			"and condition), then attach both where it was attached; groundwork validate measures a policy of the spec " +
			"as AWS does",
		Reads: []string{readPoliciesName},
		Run:   checkSCPSize,
	})
	audit.Register(audit.Check{
		ID:       "GW-ORG-025",
		Title:    "No root, OU or account with more than five SCPs attached",
		Severity: audit.Medium,
		Guidance: "000 Create and attach organization hardening SCPs; 004 Robust SCPs",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "AWS allows five SCPs attached directly to one target; a target past the quota cannot be changed " +
			"without first removing policies, and which of them still apply is no longer what anyone planned.",
		Remediation: "combine guardrails into fewer SCPs (policies.scps.<name>.library holds several library policies in " +
			"one SCP) or attach some to a parent OU, and detach the rest",
		Reads: []string{readPoliciesName},
		Run:   checkSCPCount,
	})
}

// checkSCPSize reports every SCP, customer or AWS-managed, whose content
// is longer than policy.MaxSCPSize once minified.
func checkSCPSize(e *estate.Estate) []audit.Finding {
	if e.Org == nil {
		return nil
	}
	var out []audit.Finding
	for _, p := range e.Org.SortedPolicies() {
		if p.Type != estate.PolicyTypeSCP {
			continue
		}
		n, err := policy.Size([]byte(p.Content))
		if err != nil {
			n = len(p.Content) // not JSON: AWS counts it as stored
		}
		if n <= policy.MaxSCPSize {
			continue
		}
		out = append(out, audit.Finding{
			Resource: policyResource(p),
			Message: fmt.Sprintf("SCP %s is %d characters, over the %d AWS Organizations allows", p.Name, n,
				policy.MaxSCPSize),
		})
	}
	return out
}

// checkSCPCount reports every root, OU and account with more than
// policy.MaxSCPsPerTarget SCPs attached directly, FullAWSAccess included.
func checkSCPCount(e *estate.Estate) []audit.Finding {
	if e.Org == nil {
		return nil
	}
	byTarget := map[string][]string{}
	for _, p := range e.Org.Policies {
		if p.Type != estate.PolicyTypeSCP {
			continue
		}
		for _, t := range p.Targets {
			byTarget[t] = append(byTarget[t], p.Name)
		}
	}
	targets := make([]string, 0, len(byTarget))
	for t := range byTarget {
		targets = append(targets, t)
	}
	sort.Strings(targets)
	var out []audit.Finding
	for _, t := range targets {
		names := byTarget[t]
		if len(names) <= policy.MaxSCPsPerTarget {
			continue
		}
		slices.Sort(names)
		var f audit.Finding
		label := estate.DisplayPath(t)
		switch a, isAccount := e.Accounts[t]; {
		case t == estate.RootTarget:
			f.Resource, label = audit.UnitResource(estate.RootPath), "the root"
		case isAccount:
			f.Resource, f.Account, label = audit.AccountResource(a), a.ID, "account "+audit.AccountLabel(a)
		default:
			f.Resource = audit.UnitResource(t)
		}
		f.Message = fmt.Sprintf("%s has %d SCPs attached directly (%s), over the %d AWS Organizations allows",
			label, len(names), strings.Join(names, ", "), policy.MaxSCPsPerTarget)
		out = append(out, f)
	}
	return out
}
