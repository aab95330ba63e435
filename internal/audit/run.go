package audit

import (
	"cmp"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// Result is the outcome of one audit.
type Result struct {
	// Checks are the checks that ran, sorted by ID.
	Checks []Check
	// Findings are in the order SortFindings gives.
	Findings []Finding
	// Suppressed are the findings a suppression mutes, each with its
	// Suppression set; they do not count towards Failed.
	Suppressed []Finding
	// Notices report suppressions that have expired or matched nothing.
	Notices []Notice
	// Unread is what could not be read, sorted (inventory.SortUnread);
	// empty when the audit read everything it looks at (Complete).
	Unread []inventory.Unread
	// NotEvaluated holds, by check ID, the parts of Unread a check reads
	// (Check.Reads): where they are, the check was not evaluated. A check
	// missing from it was evaluated everywhere.
	NotEvaluated map[string][]inventory.Unread
	// Unjudged holds, by check ID, why a check could not be judged on this
	// estate at all (Check.Needs): it was not run. Unlike NotEvaluated, it
	// says nothing of what was read, so it leaves the audit Complete.
	Unjudged map[string]string `json:",omitempty"`
}

// Run runs every registered check over the estate, which lacks what
// unread says could not be read: each check that reads any of it is not
// evaluated there (Result.NotEvaluated). It is pure: no AWS calls, no
// I/O, and the estate is not modified. A nil estate is audited as an
// empty one.
func Run(e *estate.Estate, unread ...inventory.Unread) Result {
	return runChecks(Checks(), e, unread)
}

// runChecks is Run over the checks cs, sorted by ID.
func runChecks(cs []Check, e *estate.Estate, unread []inventory.Unread) Result {
	if e == nil {
		e = estate.New()
	}
	r := Result{Checks: cs}
	for _, c := range cs {
		if c.Needs != nil {
			if why := c.Needs(e); why != "" {
				if r.Unjudged == nil {
					r.Unjudged = map[string]string{}
				}
				r.Unjudged[c.ID] = why
				continue
			}
		}
		r.Findings = append(r.Findings, RunCheck(c, e)...)
	}
	SortFindings(r.Findings)
	r.SetUnread(unread)
	return r
}

// RunCheck runs one check as Run does: each finding is stamped with the
// check's ID, severity, title, remediation, guidance and controls. The
// findings come in the check's order; SortFindings orders them as Run's.
func RunCheck(c Check, e *estate.Estate) []Finding {
	fs := c.Run(e)
	for i := range fs {
		fs[i].CheckID, fs[i].Severity, fs[i].Title = c.ID, c.Severity, c.Title
		fs[i].Remediation, fs[i].Guidance = c.Remediation, c.Guidance
		fs[i].Controls = slices.Clone(c.Controls)
	}
	return fs
}

// Failed reports whether any finding is at or above the threshold.
func (r Result) Failed(threshold Severity) bool {
	for _, f := range r.Findings {
		if f.Severity >= threshold {
			return true
		}
	}
	return false
}

// SortFindings orders findings most severe first, then by check ID,
// resource and message, so that output is stable.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.Severity, a.Severity),
			cmp.Compare(a.CheckID, b.CheckID),
			cmp.Compare(a.Resource, b.Resource),
			cmp.Compare(a.Message, b.Message),
		)
	})
}
