package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The tagging check: the tagging dictionary's ownership tags on the
// accounts that run workloads (guidance 000). The tag policy that holds
// the organization to the dictionary is judged with its other policies.

// workloadTags are the keys of guidance 000's tagging dictionary every
// workload account must carry: who owns it and which lifecycle stage it
// is. The rest of the dictionary (BusinessUnit, CostCenter, ...) is the
// organization's choice to require; the audit does not read the spec's.
var workloadTags = []string{"Owner", "Environment"}

func init() {
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

// checkWorkloadTags reports workload accounts without the workloadTags.
// A workload account has the workload role, or, when it has none, sits
// under the Workloads OU (as in GW-ORG-007). Tag keys are case-sensitive
// in AWS, so "owner" is not Owner; the message points such keys out. An
// empty value counts as missing. Accounts whose tags were not read are
// skipped.
func checkWorkloadTags(e *estate.Estate) []Finding {
	var out []Finding
	for _, a := range MemberAccounts(e) {
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
		msg := fmt.Sprintf("workload account lacks the %s tag of the tagging dictionary", NameList(missing))
		if len(missing) > 1 {
			msg = fmt.Sprintf("workload account lacks the %s tags of the tagging dictionary", NameList(missing))
		}
		if len(otherCase) > 0 {
			slices.Sort(otherCase)
			msg += fmt.Sprintf(" (tag keys are case-sensitive; it has %s)", NameList(otherCase))
		}
		out = append(out, Finding{Resource: AccountResource(a), Account: a.ID, Message: msg})
	}
	return out
}
