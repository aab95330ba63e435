package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// meta is the run every golden file describes: the spec declares the
// log-archive account and the Workloads OU (goldenLocate), and names three
// accounts.
var meta = Meta{
	Version: "v1.2.3", Spec: "foundation.yaml", Generated: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC),
	AccountNames: map[string]string{"111111111111": "log-archive", "222222222222": "audit", "777777777777": "data"},
	Locate:       goldenLocate,
}

// goldenLocate is a spec that declares the log-archive account at line 14
// and the Workloads OU at line 8, and nothing else the fixtures name.
func goldenLocate(f audit.Finding, _ audit.Check) (SpecLocation, bool) {
	switch {
	case strings.HasPrefix(f.Resource, "account/111111111111"):
		return SpecLocation{Path: "accounts.log-archive", Line: 14, Column: 3}, true
	case f.Resource == "ou/Root/Workloads":
		return SpecLocation{Path: "units.Workloads", Line: 8, Column: 3}, true
	}
	return SpecLocation{}, false
}

// The checks of the fixtures, built here so that the golden files do not
// change when the registered checks do.
var (
	chkLogArchive = audit.Check{
		ID: "GW-ORG-002", Title: "Log Archive account in the Security OU", Severity: audit.High,
		Guidance:    "000 Create Security OU; 000 Create Log Archive Account",
		Controls:    []string{"NIST CSF PR.AC-4"},
		Rationale:   "Logs kept outside the Security OU fall under workload guardrails and can be changed by workload administrators.",
		Remediation: "set accounts.<key>.unit: Security in foundation.yaml and run groundwork apply",
	}
	chkProdSplit = audit.Check{
		ID: "GW-ORG-004", Title: "Production and non-production accounts in separate OUs", Severity: audit.High,
		Guidance: "000 Create Workloads OU; 002 IAM-030", Controls: []string{"NIST CSF PR.DS-7", "Conformity IAM-030"},
		Rationale:   "One policy set for both lets a change meant for testing reach production.",
		Remediation: "set accounts.<key>.unit: Workloads/Prod or Workloads/NonProd",
	}
	chkUnderRoot = audit.Check{
		ID: "GW-ORG-005", Title: "No member account directly under the root", Severity: audit.Medium,
		Guidance: "000 OU structure", Rationale: "Accounts under the root get no OU's guardrails.",
		Remediation: "set accounts.<key>.unit in foundation.yaml and run groundwork apply",
	}
	chkEnvironment = audit.Check{
		ID: "GW-ORG-007", Title: "Workload accounts have a recognisable environment", Severity: audit.Low,
		Guidance: "000 Create Workloads OU", Remediation: "set accounts.<key>.environment in foundation.yaml",
	}
	chkRootMFA = audit.Check{
		ID: "GW-IAM-001", Title: "Root user has MFA", Severity: audit.Critical,
		Guidance: "002 IAM-001", Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.5"},
		Rationale:   "A root password alone can close the account & delete everything in it.",
		Remediation: "enable MFA on the root user <in the console>",
	}
	chkBudget = audit.Check{
		ID: "GW-BILL-001", Title: "A budget alerts on spend", Severity: audit.Info,
		Guidance: "004", Rationale: "Without a budget, runaway spend is found on the invoice.",
		Remediation: "set billing.budget in foundation.yaml",
	}
	chkTrail = audit.Check{
		ID: "GW-LOG-001", Title: "An organization trail logs every Region", Severity: audit.High,
		Guidance: "001 Organization trail", Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.1"},
		Rationale: "Without an organization trail, API activity in member accounts is not recorded.", Remediation: "set logging.trail: true",
	}
	allChecks = []audit.Check{chkLogArchive, chkProdSplit, chkUnderRoot, chkEnvironment, chkRootMFA, chkBudget, chkTrail}
)

// finding builds a finding of check c the way audit.Run stamps it.
func finding(c audit.Check, account, region, resource, message string) audit.Finding {
	return audit.Finding{
		CheckID: c.ID, Severity: c.Severity, Title: c.Title, Resource: resource, Message: message,
		Remediation: c.Remediation, Guidance: c.Guidance, Controls: slices.Clone(c.Controls), Account: account, Region: region,
	}
}

// results are the inputs of the golden tests. Findings are deliberately
// out of order: writers sort.
var results = map[string]audit.Result{
	"clean": {Checks: allChecks},
	"one": {Checks: allChecks, Findings: []audit.Finding{
		finding(chkUnderRoot, "333333333333", "", "account/333333333333 (identity-center)", "member account sits directly under the root"),
	}},
	"incomplete": incomplete(),
	"unjudged":   unjudgedResult(),
	"findings": {
		Checks: allChecks,
		Findings: []audit.Finding{
			finding(chkEnvironment, "777777777777", "", "account/777777777777 (data)", "workload account in Root/Workloads has no recognisable environment"),
			finding(chkLogArchive, "111111111111", "", "account/111111111111 (log-archive)", "Log Archive account sits in Root/Workloads, not under Root/Security"),
			finding(chkProdSplit, "", "", "ou/Root/Workloads", "Root/Workloads directly holds production accounts (a) and non-production accounts (b)"),
			finding(chkRootMFA, "222222222222", "", "account/222222222222 (audit)", "root user has no MFA device\nsign-in needs only the password"),
			finding(chkRootMFA, "111111111111", "", "account/111111111111 (log-archive)", "root user has no MFA device"),
			finding(chkBudget, "", "", "organization/o-abc123", "no budget is set"),
			finding(chkTrail, "111111111111", "eu-west-1", "trail/org-trail", `trail "org-trail" logs only eu-west-1 & <nothing else>`),
		},
		Suppressed: []audit.Finding{
			withSuppression(finding(chkEnvironment, "888888888888", "", "account/888888888888 (sandbox)", "workload account in Root/Workloads has no recognisable environment"),
				audit.Suppression{CheckID: chkEnvironment.ID, Resource: "account/8888*", Reason: "sandbox has no environment by design", Source: "suppressions.yaml:3"}),
			withSuppression(finding(chkRootMFA, "999999999999", "", "account/999999999999 (legacy)", "root user has no MFA device"),
				audit.Suppression{CheckID: chkRootMFA.ID, Resource: "account/999999999999 *", Reason: "account closes in April", Expires: time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC), Source: "suppressions.yaml:7"}),
		},
		Notices: []audit.Notice{
			{Kind: "expired", Message: "suppression of GW-ORG-005 on account/4444* expired on 2025-01-31; its findings are reported again",
				Suppression: audit.Suppression{CheckID: "GW-ORG-005", Resource: "account/4444*", Reason: "moving in January", Expires: time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC), Source: "suppressions.yaml:11"}},
			{Kind: "unused", Message: "suppression of GW-LOG-001 on trail/old matched no finding",
				Suppression: audit.Suppression{CheckID: "GW-LOG-001", Resource: "trail/old", Reason: "old trail", Source: "suppressions.yaml:15"}},
		},
	},
}

// incomplete is an audit that could not read the hardening layer
// anywhere, nor the logging layer in one account and Region: root MFA is
// not evaluated, the trail check failed where it was read.
func incomplete() audit.Result {
	mfa, trail := chkRootMFA, chkTrail
	mfa.Reads, trail.Reads = []string{"hardening"}, []string{"logging"}
	r := audit.Result{
		Checks: []audit.Check{chkLogArchive, chkProdSplit, chkUnderRoot, chkEnvironment, mfa, chkBudget, trail},
		Findings: []audit.Finding{
			finding(trail, "111111111111", "eu-west-1", "trail/org-trail", `trail "org-trail" logs only eu-west-1`),
			finding(chkUnderRoot, "333333333333", "", "account/333333333333 (identity-center)", "member account sits directly under the root"),
		},
	}
	r.SetUnread([]inventory.Unread{
		{Read: "logging", Account: "222222222222", Region: "eu-west-1", Code: "AccessDenied", Operation: "CloudTrail DescribeTrails",
			Message: "User: arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/groundwork is not authorized to perform: cloudtrail:DescribeTrails"},
		{Read: "hardening", Code: "AccessDenied", Operation: "STS AssumeRole",
			Message: "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: sts:AssumeRole & <more>"},
	})
	return r
}

// unjudgedResult is a complete audit in which two checks could not be
// judged at all, for want of a spec, and one failed.
func unjudgedResult() audit.Result {
	return audit.Result{
		Checks: allChecks,
		Findings: []audit.Finding{
			finding(chkUnderRoot, "333333333333", "", "account/333333333333 (identity-center)", "member account sits directly under the root"),
		},
		Unjudged: map[string]string{
			chkBudget.ID:      "needs the spec's billing.budget: how much a month is too much is the spec's to say",
			chkEnvironment.ID: "needs the spec's accounts: without them no account is known to be a workload account",
		},
	}
}

func withSuppression(f audit.Finding, s audit.Suppression) audit.Finding {
	f.Suppression = &s
	return f
}

func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		for name, r := range results {
			t.Run(format+"/"+name, func(t *testing.T) {
				w, err := New(format, meta)
				if err != nil {
					t.Fatal(err)
				}
				before := slices.Clone(r.Findings)
				got := render(t, w, r)
				if !slices.EqualFunc(before, r.Findings, func(a, b audit.Finding) bool { return a.CheckID == b.CheckID && a.Resource == b.Resource }) {
					t.Error("writer reordered the result's findings")
				}
				if again := render(t, w, r); !bytes.Equal(got, again) {
					t.Error("two renderings of one result differ")
				}
				checkGolden(t, filepath.Join("testdata", name+"."+goldenExt[format]), got)
			})
		}
	}
}

// goldenExt names each format's golden file the way FormatForPath reads it.
var goldenExt = map[string]string{"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "html": "html", "asff": "asff"}

func TestGoldenExtensionsRoundTrip(t *testing.T) {
	for format, ext := range goldenExt {
		if got, ok := FormatForPath("x." + ext); !ok || got != format {
			t.Errorf("FormatForPath(x.%s) = %q, %v, want %q", ext, got, ok, format)
		}
	}
	if len(goldenExt) != len(Formats()) {
		t.Errorf("goldenExt covers %d formats, Formats has %d", len(goldenExt), len(Formats()))
	}
}

func render(t *testing.T, w Writer, r audit.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatalf("write: %v", err)
	}
	return buf.Bytes()
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./internal/report -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test ./internal/report -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestTextColor(t *testing.T) {
	plain := string(render(t, Text{Meta: meta}, results["findings"]))
	if strings.Contains(plain, "\x1b[") {
		t.Error("text without Meta.Color has ANSI escapes")
	}
	m := meta
	m.Color = true
	colored := string(render(t, Text{Meta: m}, results["findings"]))
	for _, want := range []string{"\x1b[1;31mCRITICAL\x1b[0m", "\x1b[31mHIGH\x1b[0m", "\x1b[2minfo      \x1b[0m"} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured text lacks %q:\n%s", want, colored)
		}
	}
	strip := strings.NewReplacer("\x1b[1;31m", "", "\x1b[31m", "", "\x1b[33m", "", "\x1b[36m", "", "\x1b[2m", "", "\x1b[0m", "")
	if strip.Replace(colored) != plain {
		t.Error("coloured text differs from plain text by more than its escapes")
	}
}

func TestJSONDecodes(t *testing.T) {
	var doc struct {
		SchemaVersion int    `json:"schema_version"`
		Generated     string `json:"generated"`
		Summary       map[string]int
		Checks        []struct {
			ID       string
			Guidance []audit.GuidanceRef
			Controls []string
		}
		Findings   []jsonTestFinding
		Suppressed []jsonTestFinding
		Notices    []audit.Notice
	}
	if err := json.Unmarshal(render(t, JSON{Meta: meta}, results["findings"]), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != 1 || doc.Generated != "2025-03-14T09:26:53Z" {
		t.Errorf("schema_version %d, generated %q", doc.SchemaVersion, doc.Generated)
	}
	want := map[string]int{"critical": 2, "high": 3, "medium": 0, "low": 1, "info": 1, "total": 7, "suppressed": 2}
	if !mapsEqual(doc.Summary, want) {
		t.Errorf("summary = %v, want %v", doc.Summary, want)
	}
	if len(doc.Checks) != len(allChecks) || len(doc.Findings) != 7 || doc.Findings[0].Severity != audit.Critical {
		t.Errorf("decoded %d checks, %d findings", len(doc.Checks), len(doc.Findings))
	}
	if len(doc.Suppressed) != 2 || doc.Suppressed[1].Suppression == nil || doc.Suppressed[0].Suppression == nil || doc.Suppressed[0].Suppression.Expires.IsZero() {
		t.Errorf("suppressed = %+v", doc.Suppressed)
	}
	if len(doc.Notices) != 2 || doc.Notices[0].Kind != "expired" {
		t.Errorf("notices = %+v", doc.Notices)
	}
}

// jsonTestFinding is a finding as a script reads it back from the JSON.
type jsonTestFinding struct {
	CheckID     string              `json:"check_id"`
	Severity    audit.Severity      `json:"severity"`
	Guidance    []audit.GuidanceRef `json:"guidance"`
	Suppression *audit.Suppression  `json:"suppression"`
}

func TestJSONArraysNeverNull(t *testing.T) {
	r := audit.Result{Checks: []audit.Check{{ID: "GW-X-001"}}}
	out := string(render(t, JSON{}, r))
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	// Only times may be null: generated here, as Meta.Generated is zero.
	if path := findNull(doc, ""); path != ".generated" {
		t.Errorf("JSON has null at %q, want only .generated:\n%s", path, out)
	}
	for _, key := range []string{`"checks": [`, `"findings": []`, `"suppressed": []`, `"notices": []`, `"guidance": []`, `"controls": []`} {
		if !strings.Contains(out, key) {
			t.Errorf("JSON lacks %s:\n%s", key, out)
		}
	}
}

// findNull returns the path of the first null in v other than a skipped
// one, preferring non-"generated" paths, or "" when there is none.
func findNull(v any, path string) string {
	switch v := v.(type) {
	case nil:
		return path
	case map[string]any:
		found := ""
		for k, e := range v {
			if p := findNull(e, path+"."+k); p != "" && (found == "" || found == ".generated") {
				found = p
			}
		}
		return found
	case []any:
		for i, e := range v {
			if p := findNull(e, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	}
	return ""
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

func TestJUnitCounts(t *testing.T) {
	var doc junitSuites
	if err := xml.Unmarshal(render(t, JUnit{Meta: meta}, results["findings"]), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 10 || doc.Failures != 7 || doc.Skipped != 2 || len(doc.Suites) != len(allChecks) {
		t.Fatalf("testsuites: %d tests, %d failures, %d skipped, %d suites", doc.Tests, doc.Failures, doc.Skipped, len(doc.Suites))
	}
	suites := map[string]junitSuite{}
	for _, s := range doc.Suites {
		suites[s.Name] = s
	}
	mfa := suites[chkRootMFA.ID]
	if mfa.Tests != 3 || mfa.Failures != 2 || mfa.Skipped != 1 {
		t.Errorf("%s: %+v", chkRootMFA.ID, mfa)
	}
	under := suites[chkUnderRoot.ID]
	if len(under.Cases) != 1 || under.Cases[0].Name != chkUnderRoot.Title || under.Cases[0].Failure != nil {
		t.Errorf("passing check %s: %+v", chkUnderRoot.ID, under.Cases)
	}
}

func TestSARIFArtifactURI(t *testing.T) {
	tests := map[string]string{
		"":                          "foundation.yaml",
		"foundation.yaml":           "foundation.yaml",
		"./infra/foundation.yaml":   "infra/foundation.yaml",
		"infra/my foundation.yaml":  "infra/my%20foundation.yaml",
		"/srv/repo/foundation.yaml": "file:///srv/repo/foundation.yaml",
	}
	for spec, want := range tests {
		if got := artifactURI(spec); got != want {
			t.Errorf("artifactURI(%q) = %q, want %q", spec, got, want)
		}
	}
}

func TestSARIFFingerprintIgnoresWording(t *testing.T) {
	a := finding(chkRootMFA, "1", "", "account/1", "one wording")
	b := finding(chkRootMFA, "1", "", "account/1", "another wording")
	c := finding(chkRootMFA, "1", "", "account/2", "one wording")
	if fingerprint(a) != fingerprint(b) || fingerprint(a) == fingerprint(c) || len(fingerprint(a)) != 64 {
		t.Errorf("fingerprints %s %s %s", fingerprint(a), fingerprint(b), fingerprint(c))
	}
}

func TestNew(t *testing.T) {
	if got, want := Formats(), []string{"text", "json", "sarif", "junit", "html", "asff"}; !slices.Equal(got, want) {
		t.Errorf("Formats() = %v, want %v", got, want)
	}
	tests := map[string]struct {
		format  string
		wantErr string
	}{
		"text":     {format: "text"},
		"json":     {format: "json"},
		"sarif":    {format: "sarif"},
		"junit":    {format: "junit"},
		"html":     {format: "html"},
		"asff":     {format: "asff"},
		"any case": {format: " JSON "},
		"unknown":  {format: "xml", wantErr: `unknown report format "xml": valid formats are text, json, sarif, junit, html, asff`},
		"empty":    {format: "", wantErr: "valid formats are text, json, sarif, junit, html, asff"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w, err := New(tt.format, Meta{})
			if tt.wantErr == "" {
				if err != nil || w == nil {
					t.Fatalf("New(%q) = %v, %v", tt.format, w, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New(%q) error = %v, want %q", tt.format, err, tt.wantErr)
			}
		})
	}
}

type failingWriter struct{}

var errDiskFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteErrors(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			w, _ := New(format, meta)
			if err := w.Write(failingWriter{}, results["findings"]); !errors.Is(err, errDiskFull) {
				t.Errorf("error = %v, want %v", err, errDiskFull)
			}
		})
	}
}
func TestFormatForPath(t *testing.T) {
	tests := map[string]struct {
		path, want string
		ok         bool
	}{
		"txt":          {path: "out/audit.txt", want: "text", ok: true},
		"text":         {path: "audit.TEXT", want: "text", ok: true},
		"json":         {path: "audit.json", want: "json", ok: true},
		"sarif":        {path: "audit.sarif", want: "sarif", ok: true},
		"sarif.json":   {path: "/tmp/audit.sarif.json", want: "sarif", ok: true},
		"xml":          {path: "junit.xml", want: "junit", ok: true},
		"html":         {path: "report.html", want: "html", ok: true},
		"htm":          {path: "report.HTM", want: "html", ok: true},
		"asff":         {path: "hub.asff", want: "asff", ok: true},
		"asff.json":    {path: "hub.asff.json", want: "asff", ok: true},
		"unknown":      {path: "audit.csv"},
		"no extension": {path: "audit"},
		"only ext":     {path: "dir/.json"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := FormatForPath(tt.path)
			if got != tt.want || ok != tt.ok {
				t.Errorf("FormatForPath(%q) = %q, %v, want %q, %v", tt.path, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// An incomplete audit never looks complete: JUnit skips each check not
// evaluated, with the cause, instead of passing it; SARIF's invocation is
// not successful and names each part not read; JSON gives each check its
// status.
func TestIncompleteAuditInEveryMachineFormat(t *testing.T) {
	r := incomplete()
	var junit struct {
		Suites []struct {
			Name    string `xml:"name,attr"`
			Skipped int    `xml:"skipped,attr"`
			Cases   []struct {
				Name    string `xml:"name,attr"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(render(t, JUnit{Meta: meta}, r), &junit); err != nil {
		t.Fatal(err)
	}
	for _, s := range junit.Suites {
		if s.Name != "GW-IAM-001" {
			continue
		}
		if len(s.Cases) != 1 || s.Cases[0].Skipped == nil || s.Skipped != 1 ||
			!strings.Contains(s.Cases[0].Skipped.Message, "hardening (every account) could not be read: AccessDenied on STS AssumeRole") {
			t.Errorf("JUnit GW-IAM-001 = %+v, want one skipped case naming the AccessDenied", s)
		}
	}

	var sarif struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool `json:"executionSuccessful"`
				ToolExecutionNotifications []struct {
					Message    struct{ Text string }
					Properties struct {
						Read         string
						Code         string
						NotEvaluated []string
					}
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, SARIF{Meta: meta}, r), &sarif); err != nil {
		t.Fatal(err)
	}
	inv := sarif.Runs[0].Invocations
	if len(inv) != 1 || inv[0].ExecutionSuccessful || len(inv[0].ToolExecutionNotifications) != 2 ||
		inv[0].ToolExecutionNotifications[0].Properties.Code != "AccessDenied" ||
		!slices.Equal(inv[0].ToolExecutionNotifications[0].Properties.NotEvaluated, []string{"GW-IAM-001"}) {
		t.Errorf("SARIF invocations = %+v", inv)
	}

	var doc struct {
		Completeness struct {
			Complete     bool
			NotEvaluated int `json:"not_evaluated"`
		}
		Checks []struct {
			ID           string
			Status       string
			NotEvaluated []struct{ Read string } `json:"not_evaluated"`
		}
	}
	if err := json.Unmarshal(render(t, JSON{Meta: meta}, r), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Completeness.Complete || doc.Completeness.NotEvaluated != 1 {
		t.Errorf("JSON completeness = %+v", doc.Completeness)
	}
	status := map[string]string{}
	for _, c := range doc.Checks {
		status[c.ID] = c.Status
	}
	if status["GW-IAM-001"] != "not_evaluated" || status["GW-LOG-001"] != "failed" || status["GW-ORG-002"] != "passed" {
		t.Errorf("JSON statuses = %v", status)
	}
}
