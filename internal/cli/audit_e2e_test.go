package cli

// End-to-end test of the audit's reports and suppressions against moto:
// several report files in one run, the default suppressions file next to
// the spec, and the exit code --fail-on gives.

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// auditSuppressions mutes GW-SVC-003 (moto cannot register the Identity
// Center delegated administrator, see motoDelegationGap), holds a
// suppression of an OU that does not exist (unused) and one of GW-ACC-002
// that expired long ago (its finding, on a personal contact address
// planted after apply, is reported again).
const auditSuppressions = `version: 1
suppressions:
  - check: GW-SVC-003
    resource: "*"
    reason: Identity Center is administered from the management account until the migration
    expires: 2099-12-31
  - check: GW-ORG-001
    resource: "ou/NoSuchUnit/*"
    reason: The unit was removed
    expires: 2099-12-31
  - check: GW-ACC-002
    resource: "*"
    reason: Contacts were being collected
    expires: 2020-01-31
`

func TestAuditWritesSeveralReportsWithSuppressions(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	m.AWS(t, "account", "put-alternate-contact", "--account-id", listAccounts(t, m)["aws-log-archive-primary@example.com"].Id,
		"--alternate-contact-type", "SECURITY", "--name", "Someone", "--title", "Engineer",
		"--email-address", "someone@example.com", "--phone-number", "+1-555-0199")
	if err := os.WriteFile(filepath.Join(dir, audit.DefaultSuppressionsFile), []byte(auditSuppressions), 0o644); err != nil {
		t.Fatal(err)
	}

	// moto has no Cost and Usage Report API (motoSurveyUnread): the audit
	// is partial, and --allow-partial lets the findings alone decide.
	code, out, errOut := run(t, dir, "", "audit", "--format", "json", "--output", "out.json", "--output", "out.sarif",
		"--output", "out.xml", "--output", "out.html", "--fail-on", "critical", "--allow-partial")
	if out != "" {
		t.Errorf("stdout = %q; every report went to a file", out)
	}
	if !strings.Contains(errOut, "audit: ") || !strings.Contains(errOut, "1 suppressed, 2 suppression notices; wrote out.json, out.sarif, out.xml, out.html") {
		t.Errorf("stderr lacks the summary:\n%s", errOut)
	}

	var doc struct {
		Spec     string `json:"spec"`
		Findings []struct {
			CheckID  string `json:"check_id"`
			Severity string `json:"severity"`
		} `json:"findings"`
		Suppressed []struct {
			CheckID     string `json:"check_id"`
			Suppression struct{ Reason, Source string }
		} `json:"suppressed"`
		Notices []struct {
			Kind        string `json:"kind"`
			Message     string `json:"message"`
			Suppression struct {
				CheckID string `json:"check_id"`
			} `json:"suppression"`
		} `json:"notices"`
	}
	readJSON(t, filepath.Join(dir, "out.json"), &doc)
	if doc.Spec != "foundation.yaml" {
		t.Errorf("spec = %q, want foundation.yaml", doc.Spec)
	}
	worst := audit.Info
	var found []string
	for _, f := range doc.Findings {
		found = append(found, f.CheckID)
		s, err := audit.ParseSeverity(f.Severity)
		if err != nil {
			t.Fatal(err)
		}
		worst = max(worst, s)
	}
	if strings.Contains(strings.Join(found, ","), "GW-SVC-003") {
		t.Errorf("the suppressed check is still reported: %v", found)
	}
	if !strings.Contains(strings.Join(found, ","), "GW-ACC-002") {
		t.Errorf("the expired suppression still mutes GW-ACC-002: %v", found)
	}
	if len(doc.Suppressed) != 1 || doc.Suppressed[0].CheckID != "GW-SVC-003" ||
		doc.Suppressed[0].Suppression.Source != audit.DefaultSuppressionsFile+":3" || !strings.Contains(doc.Suppressed[0].Suppression.Reason, "migration") {
		t.Errorf("suppressed = %+v, want GW-SVC-003 from %s:3", doc.Suppressed, audit.DefaultSuppressionsFile)
	}
	if len(doc.Notices) != 2 ||
		doc.Notices[0].Kind != audit.NoticeUnused || doc.Notices[0].Suppression.CheckID != "GW-ORG-001" ||
		doc.Notices[1].Kind != audit.NoticeExpired || doc.Notices[1].Suppression.CheckID != "GW-ACC-002" ||
		!strings.Contains(doc.Notices[1].Message, "2020-01-31") {
		t.Errorf("notices = %+v, want GW-ORG-001 unused and GW-ACC-002 expired since 2020-01-31", doc.Notices)
	}

	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	readJSON(t, filepath.Join(dir, "out.sarif"), &sarif)
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) < len(doc.Findings) {
		t.Errorf("out.sarif: version %q, %d runs", sarif.Version, len(sarif.Runs))
	}
	b, err := os.ReadFile(filepath.Join(dir, "out.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var junit struct {
		XMLName xml.Name
	}
	if err := xml.Unmarshal(b, &junit); err != nil || !strings.HasPrefix(junit.XMLName.Local, "testsuite") {
		t.Errorf("out.xml: %v, root %q", err, junit.XMLName.Local)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "out.html")); err != nil || !strings.Contains(strings.ToLower(string(b)), "<html") ||
		!strings.Contains(string(b), "GW-ACC-002") {
		t.Errorf("out.html: %v", err)
	}

	// --fail-on: exit 3 exactly when a finding that is not suppressed is
	// at or above the threshold.
	wantCode := ExitOK
	if worst >= audit.Critical {
		wantCode = ExitFindings
	}
	if code != wantCode {
		t.Errorf("--fail-on critical with the worst finding %s: exit %d, want %d\n%s", worst, code, wantCode, errOut)
	}
	out, _ = mustRun(t, dir, ExitFindings, "audit", "-o", "json", "--fail-on", worst.String(), "--no-drift")
	if !strings.Contains(out, `"notices"`) {
		t.Errorf("-o json did not print the JSON report on stdout:\n%.300s", out)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v\n%.500s", path, err, b)
	}
}
