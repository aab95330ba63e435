package audit

import (
	"slices"

	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// Status is what became of one check in an audit.
type Status string

const (
	// StatusPassed: the check was evaluated everywhere and found nothing
	// (or only what a suppression mutes).
	StatusPassed Status = "passed"
	// StatusFailed: the check found something that is not suppressed. It
	// may also be not evaluated in places (Result.NotEvaluated).
	StatusFailed Status = "failed"
	// StatusNotEvaluated: the check found nothing, but what it reads was
	// not read somewhere, or it could not be judged on this estate at all
	// (Result.Unjudged), so it cannot be said to pass.
	StatusNotEvaluated Status = "not_evaluated"
)

// SetUnread records what could not be read and which checks of r it kept
// from being evaluated (see Check.Reads and Result.NotEvaluated). An
// Unread that names no part keeps every check that reads anything from
// being evaluated.
func (r *Result) SetUnread(unread []inventory.Unread) {
	r.Unread = slices.Clone(unread)
	inventory.SortUnread(r.Unread)
	r.Unread = slices.Compact(r.Unread)
	r.NotEvaluated = nil
	for _, c := range r.Checks {
		for _, u := range r.Unread {
			if keptFrom(c, u) {
				if r.NotEvaluated == nil {
					r.NotEvaluated = map[string][]inventory.Unread{}
				}
				r.NotEvaluated[c.ID] = append(r.NotEvaluated[c.ID], u)
			}
		}
	}
}

// keptFrom reports whether u is something c reads.
func keptFrom(c Check, u inventory.Unread) bool {
	if u.Read == "" {
		return len(c.Reads) > 0
	}
	return slices.ContainsFunc(c.Reads, u.Covers)
}

// Complete reports whether the audit read everything it looks at.
func (r Result) Complete() bool { return len(r.Unread) == 0 }

// Status says what became of the check with ID id: failed when it has a
// finding that is not suppressed, else not evaluated when something it
// reads was not read or it could not be judged (Result.Unjudged), else
// passed.
func (r Result) Status(id string) Status {
	if slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.CheckID == id }) {
		return StatusFailed
	}
	if len(r.NotEvaluated[id]) > 0 || r.Unjudged[id] != "" {
		return StatusNotEvaluated
	}
	return StatusPassed
}

// Evaluated counts the checks of r that were evaluated (passed or failed)
// and those that were not.
func (r Result) Evaluated() (evaluated, notEvaluated int) {
	for _, c := range r.Checks {
		if r.Status(c.ID) == StatusNotEvaluated {
			notEvaluated++
		} else {
			evaluated++
		}
	}
	return evaluated, notEvaluated
}
