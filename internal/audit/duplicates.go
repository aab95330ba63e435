package audit

import (
	"fmt"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The check that no two accounts share an e-mail or a name and no two OUs
// a path: the inventory keys accounts and OUs by them, so every other
// check (and every plan) would see only one of each.

func init() {
	Register(Check{
		ID:       "GW-ORG-017",
		Title:    "No two accounts share an e-mail or name, no two OUs a path",
		Severity: Medium,
		Guidance: "004 Implement AWS Organizations",
		Controls: []string{"NIST CSF ID.AM-2"},
		Rationale: "A second account with the same root e-mail or name, or a second OU at the same path, is usually " +
			"left behind by a create that was retried after a lost answer; nobody owns it, its guardrails and " +
			"contacts are whatever it was created with, and tools that find accounts and OUs by name act on the " +
			"wrong one.",
		Remediation: "keep one of each: move the accounts out of the extra OU and delete it, close or rename the extra " +
			"account (Account settings), then run groundwork plan: its notes name what it still sees twice",
		Run: checkDuplicates,
	})
}

func checkDuplicates(e *estate.Estate) []Finding {
	var out []Finding
	for _, d := range e.Duplicates {
		if d.What == estate.DuplicateUnitPath {
			out = append(out, Finding{Resource: "ou/" + estate.DisplayPath(d.Key),
				Message: fmt.Sprintf("%d OUs are at %s: %s", len(d.IDs), estate.DisplayPath(d.Key), strings.Join(d.IDs, ", "))})
			continue
		}
		for _, id := range d.IDs {
			out = append(out, Finding{Resource: fmt.Sprintf("account/%s", id), Account: id,
				Message: fmt.Sprintf("%d accounts share the %s %q: %s", len(d.IDs), d.What, d.Key, strings.Join(d.IDs, ", "))})
		}
	}
	return out
}
