package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// results are the inputs of the golden tests. Findings are deliberately
// out of order: writers sort.
var results = map[string]audit.Result{
	"clean": {Checks: nChecks(7)},
	"one": {Checks: nChecks(7), Findings: []audit.Finding{{
		CheckID: "GW-ORG-005", Severity: audit.Medium, Title: "No member account directly under the root",
		Resource: "account/333333333333 (identity-center)", Message: "member account sits directly under the root",
		Remediation: "set accounts.<key>.unit in foundation.yaml and run groundwork apply", Guidance: "000 OU structure",
	}}},
	"findings": {Checks: nChecks(12), Findings: []audit.Finding{
		{
			CheckID: "GW-ORG-007", Severity: audit.Low, Title: "Workload accounts have a recognisable environment",
			Resource: "account/777777777777 (data)", Message: "workload account in Root/Workloads has no recognisable environment",
			Remediation: "set accounts.<key>.environment in foundation.yaml", Guidance: "000 Create Workloads OU",
		},
		{
			CheckID: "GW-ORG-002", Severity: audit.High, Title: "Log Archive account in the Security OU",
			Resource: "account/111111111111 (log-archive)", Message: "Log Archive account sits in Root/Workloads, not under Root/Security",
			Remediation: "set accounts.<key>.unit: Security in foundation.yaml and run groundwork apply", Guidance: "000 Create Log Archive Account",
		},
		{
			CheckID: "GW-ORG-004", Severity: audit.High, Title: "Production and non-production accounts in separate OUs",
			Resource: "ou/Root/Workloads", Message: "Root/Workloads directly holds production accounts (a) and non-production accounts (b)",
			Remediation: "set accounts.<key>.unit: Workloads/Prod", Guidance: "002 IAM-030", Controls: []string{"NIST CSF PR.DS-7"},
		},
		{
			CheckID: "GW-TEST-001", Severity: audit.Critical, Title: "A critical test finding",
			Resource: "organization/o-abc123", Message: "first line\nsecond line",
			Remediation: "a manual step", Guidance: "001",
		},
		{
			CheckID: "GW-TEST-002", Severity: audit.Info, Title: "An informational test finding",
			Resource: "organization/o-abc123", Message: "nothing to fix", Guidance: "003",
		},
	}},
}

func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		for name, r := range results {
			t.Run(format+"/"+name, func(t *testing.T) {
				w, err := New(format, Meta{})
				if err != nil {
					t.Fatal(err)
				}
				before := slices.Clone(r.Findings)
				var buf bytes.Buffer
				if err := w.Write(&buf, r); err != nil {
					t.Fatalf("write: %v", err)
				}
				if !slices.EqualFunc(before, r.Findings, func(a, b audit.Finding) bool { return a.CheckID == b.CheckID && a.Resource == b.Resource }) {
					t.Error("writer reordered the result's findings")
				}
				checkGolden(t, filepath.Join("testdata", name+"."+ext(format)), buf.Bytes())
			})
		}
	}
}

func ext(format string) string {
	if format == "text" {
		return "txt"
	}
	return format
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
		t.Fatalf("read golden file (regenerate with go test -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (regenerate with go test -update)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestJSONIsValid(t *testing.T) {
	var buf bytes.Buffer
	if err := (JSON{}).Write(&buf, results["findings"]); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ChecksRun int            `json:"checks_run"`
		Summary   map[string]int `json:"summary"`
		Findings  []audit.Finding
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ChecksRun != 12 || doc.Summary["high"] != 2 || len(doc.Findings) != 5 || doc.Findings[0].Severity != audit.Critical {
		t.Errorf("decoded %+v", doc)
	}
}

func TestNew(t *testing.T) {
	tests := map[string]struct {
		format  string
		wantErr string
	}{
		"text":     {format: "text"},
		"json":     {format: "json"},
		"any case": {format: " JSON "},
		"unknown":  {format: "xml", wantErr: `unknown report format "xml": valid formats are text, json`},
		"empty":    {format: "", wantErr: "valid formats are text, json"},
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
			w, _ := New(format, Meta{})
			if err := w.Write(failingWriter{}, results["findings"]); !errors.Is(err, errDiskFull) {
				t.Errorf("error = %v, want %v", err, errDiskFull)
			}
		})
	}
}

// nChecks returns n placeholder checks, for tests that only count them.
func nChecks(n int) []audit.Check {
	cs := make([]audit.Check, n)
	for i := range cs {
		cs[i] = audit.Check{ID: fmt.Sprintf("GW-TEST-%03d", i+1)}
	}
	return cs
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
