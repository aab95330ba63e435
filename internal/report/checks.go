package report

import (
	"cmp"
	"slices"
	"strings"

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

// guidanceRef is one recommendation a check comes from: a guidance
// document number ("000") and a section in it ("Create Security OU").
type guidanceRef struct {
	Doc     string `json:"doc"`
	Section string `json:"section"`
}

// parseGuidance reads a check's Guidance, "NNN Section; NNN Section". A
// part that does not start with a document number keeps its whole text as
// the section, so nothing written there is lost. It returns [] (not nil)
// for an empty string.
func parseGuidance(s string) []guidanceRef {
	refs := []guidanceRef{}
	for part := range strings.SplitSeq(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		doc, section, _ := strings.Cut(part, " ")
		if !isDocNumber(doc) {
			refs = append(refs, guidanceRef{Section: part})
			continue
		}
		refs = append(refs, guidanceRef{Doc: doc, Section: strings.TrimSpace(section)})
	}
	return refs
}

// isDocNumber reports whether s is a guidance document number: three digits.
func isDocNumber(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// guidanceText renders refs for people: "000 Create Security OU".
func (g guidanceRef) String() string {
	return strings.TrimSpace(g.Doc + " " + g.Section)
}
