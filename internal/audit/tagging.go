package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The tagging checks: a tag policy that holds the organization to its
// tagging dictionary, and the dictionary's ownership tags on the accounts
// that run workloads (guidance 000).

// workloadTags are the keys of guidance 000's tagging dictionary every
// workload account must carry: who owns it and which lifecycle stage it
// is. The rest of the dictionary (BusinessUnit, CostCenter, ...) is the
// organization's choice to require; the audit does not read the spec's.
var workloadTags = []string{"Owner", "Environment"}

func init() {
	Register(Check{
		ID:       "GW-TAG-001",
		Title:    "Tag policy attached to the root or to every top-level OU",
		Severity: Medium,
		Guidance: "000 Create a tagging dictionary",
		Controls: []string{"NIST CSF ID.AM-5"},
		Rationale: "Without a tag policy nothing holds resources to the dictionary's keys and values, so misspelt or " +
			"miscased tags split cost reports and break tag-based access control.",
		Remediation: "keep tagging.policy enabled in foundation.yaml (tagging.policy.attach defaults to Root) and run groundwork apply, " +
			"which enables the TAG_POLICY policy type on the root",
		Run: checkTagPolicy,
	})
	Register(Check{
		ID:       "GW-TAG-002",
		Title:    "Workload accounts tagged with Owner and Environment",
		Severity: Low,
		Guidance: "000 Create a tagging dictionary; 000 Enable Cost Allocation Tags",
		Controls: []string{"NIST CSF ID.AM-6"},
		Rationale: "An account without Owner and Environment tags has nobody to call when a finding or a bill turns up, " +
			"and no stage by which to judge how urgent it is.",
		Remediation: "set accounts.<key>.tags.Owner and accounts.<key>.tags.Environment in foundation.yaml and run groundwork apply; " +
			"bring an account the spec does not list in with groundwork import first",
		Run: checkWorkloadTags,
	})
}

func checkTagPolicy(e *estate.Estate) []Finding {
	if e.Org == nil {
		return nil
	}
	if !slices.Contains(e.Org.EnabledPolicyTypes, estate.PolicyTypeTag) {
		return []Finding{{
			Resource: orgResource(e),
			Message:  fmt.Sprintf("the %s policy type is not enabled on the root: no tag policy holds tags to the tagging dictionary", estate.PolicyTypeTag),
		}}
	}
	if len(e.Org.PoliciesOn(estate.PolicyTypeTag, estate.RootTarget)) > 0 {
		return nil
	}
	top := topLevelUnits(e)
	var lacking []*estate.Unit
	for _, u := range top {
		if len(e.Org.PoliciesOn(estate.PolicyTypeTag, u.Path)) == 0 {
			lacking = append(lacking, u)
		}
	}
	if len(lacking) == len(top) {
		return []Finding{{
			Resource: orgResource(e),
			Message:  "no tag policy is attached to the root or to any top-level OU",
		}}
	}
	var out []Finding
	for _, u := range lacking {
		out = append(out, Finding{
			Resource: unitResource(u.Path),
			Message:  fmt.Sprintf("no tag policy is attached to %s or to the root, so its accounts are held to no tagging dictionary", estate.DisplayPath(u.Path)),
		})
	}
	return out
}

// checkWorkloadTags reports workload accounts without the workloadTags.
// A workload account has the workload role, or, when it has none, sits
// under the Workloads OU (as in GW-ORG-007). Tag keys are case-sensitive
// in AWS, so "owner" is not Owner; the message points such keys out. An
// empty value counts as missing. Accounts whose tags were not read are
// skipped.
func checkWorkloadTags(e *estate.Estate) []Finding {
	var out []Finding
	for _, a := range memberAccounts(e) {
		workload := a.Role == estate.RoleWorkload || a.Role == estate.RoleNone && under(a.Unit, workloadsOU)
		if !workload || a.Tags == nil {
			continue
		}
		var missing, otherCase []string
		for _, k := range workloadTags {
			if strings.TrimSpace(a.Tags[k]) != "" {
				continue
			}
			missing = append(missing, k)
			for have := range a.Tags {
				if have != k && strings.EqualFold(have, k) {
					otherCase = append(otherCase, have)
				}
			}
		}
		if len(missing) == 0 {
			continue
		}
		msg := fmt.Sprintf("workload account lacks the %s tag of the tagging dictionary", nameList(missing))
		if len(missing) > 1 {
			msg = fmt.Sprintf("workload account lacks the %s tags of the tagging dictionary", nameList(missing))
		}
		if len(otherCase) > 0 {
			slices.Sort(otherCase)
			msg += fmt.Sprintf(" (tag keys are case-sensitive; it has %s)", nameList(otherCase))
		}
		out = append(out, Finding{Resource: accountResource(a), Account: a.ID, Message: msg})
	}
	return out
}
