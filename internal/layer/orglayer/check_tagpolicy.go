package orglayer

import (
	"fmt"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The tag policy check: a tag policy holds the organization to its
// tagging dictionary (guidance 000). The dictionary's tags on workload
// accounts are a core check of the audit.

func init() {
	audit.Register(audit.Check{
		ID:       "GW-TAG-001",
		Title:    "Tag policy attached to the root or to every top-level OU",
		Severity: audit.Medium,
		Guidance: "000 Create a tagging dictionary",
		Controls: []string{"NIST CSF ID.AM-5"},
		Rationale: "Without a tag policy nothing holds resources to the dictionary's keys and values, so misspelt or " +
			"miscased tags split cost reports and break tag-based access control.",
		Remediation: "keep tagging.policy enabled in foundation.yaml (tagging.policy.attach defaults to Root) and run groundwork apply, " +
			"which enables the TAG_POLICY policy type on the root",
		Reads: []string{readPoliciesName},
		Run:   checkTagPolicy,
	})
}

func checkTagPolicy(e *estate.Estate) []audit.Finding {
	if e.Org == nil {
		return nil
	}
	if !slices.Contains(e.Org.EnabledPolicyTypes, estate.PolicyTypeTag) {
		return []audit.Finding{{
			Resource: audit.OrgResource(e),
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
		return []audit.Finding{{
			Resource: audit.OrgResource(e),
			Message:  "no tag policy is attached to the root or to any top-level OU",
		}}
	}
	var out []audit.Finding
	for _, u := range lacking {
		out = append(out, audit.Finding{
			Resource: audit.UnitResource(u.Path),
			Message:  fmt.Sprintf("no tag policy is attached to %s or to the root, so its accounts are held to no tagging dictionary", estate.DisplayPath(u.Path)),
		})
	}
	return out
}
