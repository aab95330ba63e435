package audit

import (
	"fmt"
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
	// CIS is how the checks cover the CIS AWS Foundations Benchmark
	// v3.0.0: how many of its recommendations a check judges, and which
	// are left to a person, with why.
	CIS CISCoverage `json:"cis"`
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
	s := CatalogueSummary{Checks: len(cs), CIS: cisCoverage(cs)}
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

// CheckAlias is a retired check ID: its fact is now judged by another
// check, under another ID. Suppression files written before the change
// may still name it; a suppression of ID mutes Now's findings, and the
// audit asks for it to be renamed.
type CheckAlias struct {
	// ID is the retired check ID; Now the check that judges its fact.
	ID, Now string
	// Note says, in a clause, what Now judges that ID used to:
	// "log file validation is judged on every trail of every account".
	Note string
}

// RegisterAlias retires the check ID old in favour of the registered
// check now, with a note saying why for the run's notice. It is meant for
// init() and panics on a programming error: an empty ID or note, an ID
// retired in favour of itself or retired twice, a cycle of aliases, or an
// ID a check is registered under.
func RegisterAlias(old, now, note string) { checks.alias(CheckAlias{ID: old, Now: now, Note: note}) }

// Alias returns the alias of a retired check ID, with Now following any
// later renaming to the check that judges the fact today; ok is false
// when id is not retired.
func Alias(id string) (a CheckAlias, ok bool) { return checks.resolve(id) }

// Aliases returns every retired check ID, sorted by ID, each with the
// check that judges its fact today.
func Aliases() []CheckAlias {
	checks.mu.Lock()
	ids := make([]string, 0, len(checks.aliases))
	for id := range checks.aliases {
		ids = append(ids, id)
	}
	checks.mu.Unlock()
	slices.Sort(ids)
	out := make([]CheckAlias, 0, len(ids))
	for _, id := range ids {
		a, _ := checks.resolve(id)
		out = append(out, a)
	}
	return out
}

// CurrentID is the ID of the check that judges what id names: id itself,
// or for a retired ID the check that replaced it.
func CurrentID(id string) string {
	if a, ok := Alias(id); ok {
		return a.Now
	}
	return id
}

func (r *registry) alias(a CheckAlias) {
	if strings.TrimSpace(a.ID) == "" || strings.TrimSpace(a.Now) == "" || strings.TrimSpace(a.Note) == "" {
		panic(fmt.Sprintf("audit: alias %q -> %q needs both IDs and a note", a.ID, a.Now))
	}
	if a.ID == a.Now {
		panic(fmt.Sprintf("audit: alias %s names itself", a.ID))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev, dup := r.aliases[a.ID]; dup {
		panic(fmt.Sprintf("audit: %s retired twice, for %s and %s", a.ID, prev.Now, a.Now))
	}
	if _, ok := r.checks[a.ID]; ok {
		panic(fmt.Sprintf("audit: %s is retired in favour of %s but a check is still registered under it", a.ID, a.Now))
	}
	for next, ok := r.aliases[a.Now]; ok; next, ok = r.aliases[next.Now] {
		if next.Now == a.ID {
			panic(fmt.Sprintf("audit: alias %s -> %s closes a cycle", a.ID, a.Now))
		}
	}
	r.aliases[a.ID] = a
}

// resolve returns the alias of id with Now followed through later
// renamings; a cycle, which alias refuses to close, cannot loop it.
func (r *registry) resolve(id string) (a CheckAlias, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok = r.aliases[id]
	for range len(r.aliases) {
		next, more := r.aliases[a.Now]
		if !ok || !more {
			break
		}
		a.Now = next.Now
	}
	return a, ok
}
