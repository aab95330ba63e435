package report

import (
	"cmp"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// checksOf returns the checks a report describes, sorted by ID: the checks
// that ran plus, so that every finding has a check to point at, one built
// from the finding's own fields for any check ID the result's findings name
// but its Checks lack.
func checksOf(r audit.Result) []audit.Check {
	seen := map[string]bool{}
	out := make([]audit.Check, 0, len(r.Checks))
	for _, c := range r.Checks {
		if !seen[c.ID] {
			seen[c.ID] = true
			out = append(out, c)
		}
	}
	for _, f := range slices.Concat(r.Findings, r.Suppressed) {
		if !seen[f.CheckID] {
			seen[f.CheckID] = true
			out = append(out, audit.Check{
				ID: f.CheckID, Title: f.Title, Severity: f.Severity, Guidance: f.Guidance,
				Controls: slices.Clone(f.Controls), Remediation: f.Remediation,
			})
		}
	}
	slices.SortFunc(out, func(a, b audit.Check) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
