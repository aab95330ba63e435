package audit_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// TestCISControls holds the benchmark list to the shape of CIS AWS
// Foundations Benchmark v3.0.0: 62 recommendations, 22 in section 1, 9 in
// 2, 9 in 3, 16 in 4 and 6 in 5, each once, in order, 12 of them manual.
func TestCISControls(t *testing.T) {
	cs := audit.CISControls()
	if len(cs) != 62 {
		t.Fatalf("%d recommendations, want 62", len(cs))
	}
	perSection := map[string]int{}
	manual := 0
	seen := map[string]bool{}
	for i, c := range cs {
		if !cisControlID.MatchString(c.ID) {
			t.Errorf("%q is not a recommendation number", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("%s listed twice", c.ID)
		}
		seen[c.ID] = true
		if strings.TrimSpace(c.Title) == "" {
			t.Errorf("%s has no title", c.ID)
		}
		switch c.Assessment {
		case audit.CISManual:
			manual++
		case audit.CISAutomated:
		default:
			t.Errorf("%s: assessment %q, want automated or manual", c.ID, c.Assessment)
		}
		perSection[c.ID[:1]]++
		if i > 0 && !cisBefore(cs[i-1].ID, c.ID) {
			t.Errorf("%s listed after %s: out of the benchmark's order", c.ID, cs[i-1].ID)
		}
	}
	want := map[string]int{"1": 22, "2": 9, "3": 9, "4": 16, "5": 6}
	for s, n := range want {
		if perSection[s] != n {
			t.Errorf("section %s has %d recommendations, want %d", s, perSection[s], n)
		}
	}
	if manual != 12 {
		t.Errorf("%d manual recommendations, want the benchmark's 12", manual)
	}
}

// cisBefore reports whether recommendation a comes before b: numbers
// compared part by part.
func cisBefore(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if len(pa[i]) != len(pb[i]) {
			return len(pa[i]) < len(pb[i])
		}
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}

// TestCISCoverageCounts: a recommendation a check names is checked, one
// no check names is manual when it says why and uncovered otherwise.
func TestCISCoverageCounts(t *testing.T) {
	cs := []audit.Check{
		{ID: "GW-T-002", Controls: []string{audit.FrameworkCIS + " 2.2.1", audit.FrameworkCIS + " 1.4"}},
		{ID: "GW-T-001", Controls: []string{audit.FrameworkCIS + " 2.2.1", "NIST CSF PR.DS-1"}},
	}
	got := audit.CoverageOf(cs)
	if got.Controls != 62 || got.Checked != 2 {
		t.Fatalf("controls %d, checked %d; want 62, 2", got.Controls, got.Checked)
	}
	var manual, uncovered []string
	for _, c := range audit.CISControls() {
		switch {
		case c.ID == "2.2.1" || c.ID == "1.4":
		case c.Manual != "":
			manual = append(manual, c.ID)
		default:
			uncovered = append(uncovered, c.ID)
		}
	}
	if got.Manual != len(manual) || !slices.Equal(got.Uncovered, uncovered) {
		t.Errorf("manual %d, uncovered %v; want %d, %v", got.Manual, got.Uncovered, len(manual), uncovered)
	}
	i := slices.IndexFunc(got.ByControl, func(c audit.CISControlCoverage) bool { return c.ID == "2.2.1" })
	if i < 0 || !slices.Equal(got.ByControl[i].Checks, []string{"GW-T-001", "GW-T-002"}) {
		t.Errorf("2.2.1 covered by %+v, want GW-T-001, GW-T-002", got.ByControl[i])
	}
	for _, m := range got.ManualControls() {
		if m.Covered() {
			t.Errorf("%s listed as manual but checked by %v", m.ID, m.Checks)
		}
	}
}

// TestCISCatalogueComplete: with every layer's checks registered, each
// recommendation is judged by a check or says why it is manual, and no
// check names a recommendation the benchmark does not have.
func TestCISCatalogueComplete(t *testing.T) {
	cov := audit.Catalogue().CIS
	if len(cov.Uncovered) > 0 {
		t.Errorf("CIS v3.0.0 recommendations neither judged by a check nor manual with a reason: %v", cov.Uncovered)
	}
	if cov.Checked+cov.Manual != cov.Controls {
		t.Errorf("checked %d + manual %d != %d recommendations", cov.Checked, cov.Manual, cov.Controls)
	}
	known := map[string]bool{}
	for _, c := range audit.CISControls() {
		known[c.ID] = true
	}
	for _, c := range audit.Checks() {
		for _, id := range c.ControlsBy(audit.FrameworkCIS) {
			if !known[id] {
				t.Errorf("%s names CIS v3.0.0 %s, which the benchmark does not have", c.ID, id)
			}
		}
	}
}

// cisCoverageRow is a row of docs/coverage.md's CIS section: the
// recommendation, its title, how the benchmark assesses it, groundwork's
// status and where.
var cisCoverageRow = regexp.MustCompile(`^\| ([1-5](?:\.[0-9]{1,2}){1,2}) \| [^|]+ \| (automated|manual) \| (implemented|manual) \| [^|]+ \|$`)

// TestCISCoverageRows: docs/coverage.md has a row for every
// recommendation, under its CIS section, that says how the benchmark
// assesses it; a recommendation no check judges is manual there too.
func TestCISCoverageRows(t *testing.T) {
	b, err := os.ReadFile(coverageFile)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ assessment, status string }
	rows := map[string]row{}
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "## ") {
			in = strings.HasPrefix(l, "## CIS AWS Foundations Benchmark v3.0.0")
			continue
		}
		if !in {
			continue
		}
		if m := cisCoverageRow.FindStringSubmatch(l); m != nil {
			if _, dup := rows[m[1]]; dup {
				t.Errorf("%s: two rows for CIS %s", coverageFile, m[1])
			}
			rows[m[1]] = row{m[2], m[3]}
		}
	}
	for _, c := range audit.Catalogue().CIS.ByControl {
		r, ok := rows[c.ID]
		switch {
		case !ok:
			t.Errorf("%s: no row for CIS v3.0.0 %s %s", coverageFile, c.ID, c.Title)
		case r.assessment != c.Assessment:
			t.Errorf("%s: CIS %s is %s in the benchmark, the row says %s", coverageFile, c.ID, c.Assessment, r.assessment)
		case !c.Covered() && r.status != "manual":
			t.Errorf("%s: CIS %s: no check judges it, the row says %s, want manual", coverageFile, c.ID, r.status)
		}
		delete(rows, c.ID)
	}
	for id := range rows {
		t.Errorf("%s: row for CIS %s, which the benchmark does not have", coverageFile, id)
	}
}
