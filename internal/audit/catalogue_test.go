package audit_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	// Every layer's checks: the catalogue is judged whole.
	_ "github.com/groundwork-aws/groundwork/internal/layer/all"
)

// The guidance documents live outside the repository, beside a checkout
// in ../shared/guidance. Wherever they are present, the sections the
// checks cite and the sections docs/coverage.md names are checked against
// them; everything else about the catalogue is checked always.
const (
	guidanceDir  = "../../../shared/guidance" // relative to this package's directory
	coverageFile = "../../docs/coverage.md"
)

// guidanceDocs reads the guidance documents by number, each as its lines
// normalised by headingText; nil when they are not beside the checkout.
func guidanceDocs(t *testing.T) map[string][]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(guidanceDir, "[0-9][0-9][0-9]_*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		return nil
	}
	docs := map[string][]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			lines = append(lines, headingText(l))
		}
		docs[filepath.Base(p)[:3]] = lines
	}
	return docs
}

var (
	coverageDoc = regexp.MustCompile(`^## (00[0-4]) `)
	coverageRow = regexp.MustCompile(`^\| G00[0-4]-[0-9]+ \| ([^|]+) \|`)
)

// coverageSections reads, for each guidance document, the sections the
// rows of docs/coverage.md name, normalised by normalText.
func coverageSections(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(coverageFile)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	doc := ""
	for _, l := range strings.Split(string(b), "\n") {
		if m := coverageDoc.FindStringSubmatch(l); m != nil {
			doc = m[1]
			continue
		}
		if m := coverageRow.FindStringSubmatch(l); m != nil && doc != "" {
			out[doc] = append(out[doc], headingText(m[1]))
		}
	}
	if len(out) != 5 {
		t.Fatalf("%s: rows for %d guidance documents, want 5", coverageFile, len(out))
	}
	return out
}

// TestCoverageSectionsInGuidance keeps coverage.md's section titles true
// to the documents, where they are present.
func TestCoverageSectionsInGuidance(t *testing.T) {
	docs := guidanceDocs(t)
	if docs == nil {
		t.Skipf("no guidance documents in %s (they are not part of the repository)", guidanceDir)
	}
	for doc, sections := range coverageSections(t) {
		for _, section := range slices.Compact(slices.Sorted(slices.Values(sections))) {
			// Some headings run on from the sentence before them (the
			// documents were extracted from web pages): a line holds it.
			if !slices.ContainsFunc(docs[doc], func(l string) bool { return strings.Contains(l, section) }) {
				t.Errorf("%s: section %q of guidance %s is nowhere in the document", coverageFile, section, doc)
			}
		}
	}
}

var (
	spaces = regexp.MustCompile(`\s+`)
	// headingMarks are what the documents put before a heading: Markdown
	// "#", "**" and list marks, step numbers ("02 ", "1. ") and section
	// numerals ("IV. ").
	headingMarks = regexp.MustCompile(`^[\s#*•-]*(?:(?:[0-9]+\.?|[IVX]+\.)\s+)?[\s*]*`)
)

// normalText lowercases and collapses runs of white space, so that a
// section heading matches however the document capitalises it.
func normalText(s string) string {
	return spaces.ReplaceAllString(strings.ToLower(strings.TrimSpace(s)), " ")
}

// headingText is a document line without its heading marks, normalised.
// The documents were extracted from web pages, so a heading often runs on
// into the paragraph after it: a section matches a line it starts.
func headingText(line string) string { return normalText(headingMarks.ReplaceAllString(line, "")) }

// startsLine reports whether the section heads some line of the document.
func startsLine(lines []string, section string) bool {
	want := normalText(section)
	return slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) })
}

var guidanceDoc = regexp.MustCompile(`^00[0-4]$`)

func TestCatalogueComplete(t *testing.T) {
	docs := guidanceDocs(t)
	if docs == nil {
		t.Logf("no guidance documents in %s (they are not part of the repository): cited sections not checked against them", guidanceDir)
	}
	rationales := map[string]string{}
	for _, c := range audit.Checks() {
		t.Run(c.ID, func(t *testing.T) {
			if strings.TrimSpace(c.Title) == "" || strings.TrimSpace(c.Rationale) == "" || strings.TrimSpace(c.Remediation) == "" {
				t.Errorf("title %q, rationale %q and remediation %q are all required", c.Title, c.Rationale, c.Remediation)
			}
			if other, dup := rationales[c.Rationale]; dup {
				t.Errorf("rationale is the same as %s's: say what risk this check's finding leaves open", other)
			}
			rationales[c.Rationale] = c.ID
			if c.Severity < audit.Info || c.Severity > audit.Critical {
				t.Errorf("severity %d out of range", c.Severity)
			}
			refs := c.Refs()
			if len(refs) == 0 {
				t.Errorf("no guidance refs in %q", c.Guidance)
			}
			for _, r := range refs {
				if !guidanceDoc.MatchString(r.Doc) {
					t.Errorf("guidance %q: document %q is not 000..004", c.Guidance, r.Doc)
					continue
				}
				if r.Section == "" {
					t.Errorf("guidance %q: document %s cited without a section", c.Guidance, r.Doc)
					continue
				}
				if docs != nil && !startsLine(docs[r.Doc], r.Section) {
					t.Errorf("guidance %q: no line of guidance %s starts with the section %q", c.Guidance, r.Doc, r.Section)
				}
			}
			if want := joinRefs(refs); c.Guidance != want {
				t.Errorf("guidance %q is not in the canonical form %q", c.Guidance, want)
			}
			for _, ctrl := range c.Controls {
				if _, _, ok := audit.SplitControl(ctrl); !ok {
					t.Errorf("control %q is not prefixed by one of %q", ctrl, audit.Frameworks)
				}
			}
			if slices.Contains(c.Controls, "") || len(slices.Compact(slices.Sorted(slices.Values(c.Controls)))) != len(c.Controls) {
				t.Errorf("controls %q has an empty or repeated entry", c.Controls)
			}
		})
	}
}

func joinRefs(rs []audit.GuidanceRef) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, r.Doc+" "+r.Section)
	}
	return strings.Join(parts, "; ")
}

func TestRefs(t *testing.T) {
	tests := map[string]struct {
		guidance string
		want     []audit.GuidanceRef
	}{
		"empty": {"", []audit.GuidanceRef{}},
		"one":   {"000 Create Security OU", []audit.GuidanceRef{{"000", "Create Security OU"}}},
		"two": {"000 Create Security OU; 004 Delegate Security Administration",
			[]audit.GuidanceRef{{"000", "Create Security OU"}, {"004", "Delegate Security Administration"}}},
		"dangling separator": {"001 CloudTrail; ", []audit.GuidanceRef{{"001", "CloudTrail"}}},
		"no section":         {"000", []audit.GuidanceRef{{"000", ""}}},
		"extra space":        {"  002   IAM-030 ;003 Logging and Auditing", []audit.GuidanceRef{{"002", "IAM-030"}, {"003", "Logging and Auditing"}}},
		"no number":          {"see the runbook", []audit.GuidanceRef{{"", "see the runbook"}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := (audit.Check{Guidance: tt.guidance}).Refs(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Refs(%q) = %+v, want %+v", tt.guidance, got, tt.want)
			}
		})
	}
}

func TestControlsBy(t *testing.T) {
	c := audit.Check{Controls: []string{
		"CIS AWS Foundations Benchmark v3.0.0 1.8", "NIST CSF PR.AC-1", "CIS AWS Foundations Benchmark v3.0.0 1.9",
		"Conformity IAM-030", "CIS 1.10", "NIST CSF ",
	}}
	tests := map[string][]string{
		audit.FrameworkCIS:        {"1.8", "1.9"},
		audit.FrameworkNIST:       {"PR.AC-1"},
		audit.FrameworkConformity: {"IAM-030"},
		"CIS":                     nil,
	}
	for framework, want := range tests {
		t.Run(framework, func(t *testing.T) {
			if got := c.ControlsBy(framework); !slices.Equal(got, want) {
				t.Errorf("ControlsBy(%q) = %q, want %q", framework, got, want)
			}
		})
	}
}

func TestSummarise(t *testing.T) {
	cs := []audit.Check{
		{ID: "GW-T-001", Severity: audit.High, Guidance: "000 A; 004 B"},
		{ID: "GW-T-002", Severity: audit.High, Guidance: "002 IAM-030; 000 A; 000 C"},
		{ID: "GW-T-003", Severity: audit.Low, Guidance: "003 D"},
	}
	want := audit.CatalogueSummary{
		Checks: 3,
		BySeverity: []audit.SeverityCount{
			{audit.Critical, 0}, {audit.High, 2}, {audit.Medium, 0}, {audit.Low, 1}, {audit.Info, 0},
		},
		ByGuidance: []audit.GuidanceCount{{"000", 2}, {"002", 1}, {"003", 1}, {"004", 1}},
	}
	got := audit.Summarise(cs)
	got.CIS = audit.CISCoverage{} // TestCISCoverage judges it
	if !reflect.DeepEqual(got, want) {
		t.Errorf("summarise = %+v, want %+v", got, want)
	}
}

func TestCatalogue(t *testing.T) {
	cs := audit.Checks()
	s := audit.Catalogue()
	if s.Checks != len(cs) {
		t.Errorf("Checks = %d, want %d", s.Checks, len(cs))
	}
	total := 0
	for _, sc := range s.BySeverity {
		total += sc.Checks
	}
	if total != len(cs) {
		t.Errorf("severity counts add up to %d, want %d", total, len(cs))
	}
	for _, doc := range []string{"000", "001", "002", "003", "004"} {
		i := slices.IndexFunc(s.ByGuidance, func(g audit.GuidanceCount) bool { return g.Doc == doc })
		if i < 0 || s.ByGuidance[i].Checks == 0 {
			t.Errorf("no check cites guidance %s: %+v", doc, s.ByGuidance)
		}
	}
	if !slices.IsSortedFunc(s.ByGuidance, func(a, b audit.GuidanceCount) int { return strings.Compare(a.Doc, b.Doc) }) {
		t.Errorf("ByGuidance not sorted by document: %+v", s.ByGuidance)
	}
}

// The shapes of control IDs: a CIS v3.0.0 recommendation number ("1.8",
// "2.1.4") and a NIST CSF v1.1 subcategory ("PR.AC-1").
var (
	cisControlID  = regexp.MustCompile(`^[1-5](\.[0-9]{1,2}){1,2}$`)
	nistControlID = regexp.MustCompile(`^(ID|PR|DE|RS|RC)\.[A-Z]{2}-[0-9]{1,2}$`)
)

// TestControlIDs holds each control to its framework's ID format, so that
// an entry such as "CIS AWS Foundations Benchmark v3.0.0 CIS-4.3" or
// "NIST CSF PR.AC" cannot slip in under a known prefix.
func TestControlIDs(t *testing.T) {
	for _, c := range audit.Checks() {
		for _, id := range c.ControlsBy(audit.FrameworkCIS) {
			if !cisControlID.MatchString(id) {
				t.Errorf("%s: CIS control %q is not a v3.0.0 recommendation number", c.ID, id)
			}
		}
		for _, id := range c.ControlsBy(audit.FrameworkNIST) {
			if !nistControlID.MatchString(id) {
				t.Errorf("%s: NIST CSF control %q is not a v1.1 subcategory ID", c.ID, id)
			}
		}
		for _, id := range c.ControlsBy(audit.FrameworkConformity) {
			if id != "IAM-030" {
				t.Errorf("%s: Conformity control %q is not a rule the guidance cites (IAM-030)", c.ID, id)
			}
		}
	}
}
