package audit

import (
	"slices"
	"strings"
)

// The check catalogue: what a check cites, parsed, and the summary
// `groundwork audit --list-checks` prints.

// The compliance frameworks a check's Controls may name. Each control is
// "<framework> <control ID>": "CIS AWS Foundations Benchmark v3.0.0 1.8",
// "NIST CSF PR.AC-1" (a CSF v1.1 subcategory), "Conformity IAM-030" (a
// Trend Micro Conformity rule, the one guidance 002 is).
const (
	FrameworkCIS        = "CIS AWS Foundations Benchmark v3.0.0"
	FrameworkNIST       = "NIST CSF"
	FrameworkConformity = "Conformity"
)

// Frameworks lists every framework a control may be prefixed by, in the
// order reports list them. No name is a prefix of another, so a control
// has at most one.
var Frameworks = []string{FrameworkCIS, FrameworkNIST, FrameworkConformity}

// GuidanceRef is one recommendation a check comes from: the guidance
// document by number ("000" .. "004") and the section heading as it
// appears there.
type GuidanceRef struct {
	Doc     string `json:"doc"`
	Section string `json:"section"`
}

// Refs parses Guidance with ParseGuidance.
func (c Check) Refs() []GuidanceRef { return ParseGuidance(c.Guidance) }

// ParseGuidance reads a Guidance string: parts separated by ";", each
// "NNN <section>". Empty parts are skipped; a part that does not start
// with a three-digit document number keeps its whole text as the section,
// so that nothing written there is lost (the catalogue test rejects such a
// part in a registered check). It returns [] (not nil) for an empty
// string, so that reports write an empty list.
func ParseGuidance(s string) []GuidanceRef {
	out := []GuidanceRef{}
	for part := range strings.SplitSeq(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		doc, section, _ := strings.Cut(part, " ")
		if !isDocNumber(doc) {
			out = append(out, GuidanceRef{Section: part})
			continue
		}
		out = append(out, GuidanceRef{Doc: doc, Section: strings.TrimSpace(section)})
	}
	return out
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

// String renders a ref for people: "000 Create Security OU".
func (g GuidanceRef) String() string { return strings.TrimSpace(g.Doc + " " + g.Section) }

// Docs returns the guidance documents the check cites, sorted, each once.
func (c Check) Docs() []string {
	var out []string
	for _, r := range c.Refs() {
		out = append(out, r.Doc)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// splitControl returns a control's framework and its ID within it; ok is
// false when the control names no known framework or no ID.
func splitControl(control string) (framework, id string, ok bool) {
	for _, f := range Frameworks {
		if rest, found := strings.CutPrefix(control, f+" "); found && strings.TrimSpace(rest) != "" {
			return f, rest, true
		}
	}
	return "", "", false
}

// ControlsBy returns the IDs of the check's controls in the framework,
// without the prefix, in the order the check lists them:
// ControlsBy(FrameworkCIS) gives ["1.8", "1.9"].
func (c Check) ControlsBy(framework string) []string {
	var out []string
	for _, ctrl := range c.Controls {
		if f, id, ok := splitControl(ctrl); ok && f == framework {
			out = append(out, id)
		}
	}
	return out
}

// CatalogueSummary counts the registered checks.
type CatalogueSummary struct {
	Checks int `json:"checks"`
	// BySeverity has every severity, most severe first, zero counts
	// included, so that the shape does not change with the catalogue.
	BySeverity []SeverityCount `json:"by_severity"`
	// ByGuidance has each guidance document some check cites, by number.
	// A check citing two documents counts under both, so the counts may
	// add up to more than Checks.
	ByGuidance []GuidanceCount `json:"by_guidance"`
}

// SeverityCount is the number of checks of one severity.
type SeverityCount struct {
	Severity Severity `json:"severity"`
	Checks   int      `json:"checks"`
}

// GuidanceCount is the number of checks citing one guidance document.
type GuidanceCount struct {
	Doc    string `json:"doc"`
	Checks int    `json:"checks"`
}

// Catalogue summarises the registered checks.
func Catalogue() CatalogueSummary { return summarise(Checks()) }

func summarise(cs []Check) CatalogueSummary {
	s := CatalogueSummary{Checks: len(cs)}
	bySeverity := map[Severity]int{}
	byDoc := map[string]int{}
	for _, c := range cs {
		bySeverity[c.Severity]++
		for _, d := range c.Docs() {
			byDoc[d]++
		}
	}
	for _, sev := range Severities() {
		s.BySeverity = append(s.BySeverity, SeverityCount{Severity: sev, Checks: bySeverity[sev]})
	}
	docs := make([]string, 0, len(byDoc))
	for d := range byDoc {
		docs = append(docs, d)
	}
	slices.Sort(docs)
	for _, d := range docs {
		s.ByGuidance = append(s.ByGuidance, GuidanceCount{Doc: d, Checks: byDoc[d]})
	}
	return s
}
