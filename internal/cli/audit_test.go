package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/report"
)

// noAWS points the AWS SDK at a port nobody listens on, with no
// credentials: any AWS call fails, and the failure says "read the
// organization".
func noAWS(t *testing.T) {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
}

func TestAuditListChecksText(t *testing.T) {
	noAWS(t)
	out, errOut := mustRun(t, t.TempDir(), ExitOK, "audit", "--list-checks")
	if strings.Contains(errOut, "read the organization") {
		t.Errorf("--list-checks called AWS:\n%s", errOut)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "SEVERITY") || !strings.Contains(lines[0], "CIS") {
		t.Errorf("header = %q", lines[0])
	}
	cs := audit.Checks()
	for i, c := range cs {
		line := lines[i+1]
		if !strings.HasPrefix(line, c.ID+" ") || !strings.Contains(line, " "+c.Severity.String()+" ") || !strings.Contains(line, c.Title) {
			t.Errorf("line %d = %q, want %s %s %s", i+1, line, c.ID, c.Severity, c.Title)
		}
		if cis := c.ControlsBy(audit.FrameworkCIS); len(cis) > 0 && !strings.HasSuffix(line, strings.Join(cis, ",")) {
			t.Errorf("line %q lacks CIS controls %v", line, cis)
		}
	}
	sum := audit.Catalogue()
	var sev []string
	for _, s := range sum.BySeverity {
		sev = append(sev, s.Severity.String()+" "+itoa(s.Checks))
	}
	for _, want := range []string{
		"\n" + itoa(len(cs)) + " checks\n",
		"by severity: " + strings.Join(sev, ", ") + "\n",
		"by guidance: 000 ",
		"CIS v3.0.0: " + itoa(sum.CIS.Checked) + " of 62 recommendations judged by checks, " + itoa(sum.CIS.Manual) + " manual",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--list-checks lacks %q:\n%s", want, out)
		}
	}
	for _, c := range sum.CIS.ManualControls() {
		if !strings.Contains(out, "  "+c.ID+" ") || !strings.Contains(out, c.Title+": "+c.Manual+"\n") {
			t.Errorf("--list-checks does not say why CIS %s is manual:\n%s", c.ID, out)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestAuditListChecksJSON(t *testing.T) {
	noAWS(t)
	for _, args := range [][]string{{"--format", "json"}, {"-o", "json"}} {
		out, _ := mustRun(t, t.TempDir(), ExitOK, append([]string{"audit", "--list-checks"}, args...)...)
		var got struct {
			Checks []struct {
				ID          string `json:"id"`
				Title       string `json:"title"`
				Severity    string `json:"severity"`
				Guidance    []struct{ Doc, Section string }
				Controls    []string `json:"controls"`
				Rationale   string   `json:"rationale"`
				Remediation string   `json:"remediation"`
			} `json:"checks"`
			Summary audit.CatalogueSummary `json:"summary"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		cs := audit.Checks()
		if len(got.Checks) != len(cs) {
			t.Fatalf("%v: %d checks, want %d", args, len(got.Checks), len(cs))
		}
		for i, c := range cs {
			g := got.Checks[i]
			if g.ID != c.ID || g.Title != c.Title || g.Severity != c.Severity.String() || g.Remediation != c.Remediation ||
				g.Rationale != c.Rationale || !slices.Equal(g.Controls, c.Controls) && len(c.Controls) > 0 || g.Controls == nil {
				t.Errorf("check %d = %+v, want %s", i, g, c.ID)
			}
			if len(g.Guidance) != len(c.Refs()) || len(g.Guidance) > 0 && g.Guidance[0].Doc != c.Refs()[0].Doc {
				t.Errorf("%s guidance = %+v, want %+v", c.ID, g.Guidance, c.Refs())
			}
		}
		if !reflect.DeepEqual(got.Summary, audit.Catalogue()) {
			t.Errorf("summary = %+v, want %+v", got.Summary, audit.Catalogue())
		}
	}
	code, _, errOut := run(t, t.TempDir(), "", "audit", "--list-checks", "--format", "sarif")
	if code != ExitError || !strings.Contains(errOut, "text or json") {
		t.Errorf("--list-checks --format sarif: exit %d\n%s", code, errOut)
	}
}

func TestAuditBadSuppressionsStopBeforeAWS(t *testing.T) {
	noAWS(t)
	dir := t.TempDir()
	bad := `version: 1
suppressions:
  - check: GW-NOPE-999
    resource: "account/[12]"
    expires: 2027-13-01
  - check: GW-ORG-001
    reason: ok
    expires: 2027-01-01
    owner: me
  - check: GW-LOG-004
    reason: a retired ID is still a known check
    expires: 2027-01-01
`
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("accepted.yaml", bad)
	write(audit.DefaultSuppressionsFile, bad)
	for name, args := range map[string][]string{
		"explicit": {"audit", "--suppressions", "accepted.yaml"},
		"default":  {"audit"},
	} {
		t.Run(name, func(t *testing.T) {
			file := "accepted.yaml"
			if name == "default" {
				file = audit.DefaultSuppressionsFile
			}
			code, out, errOut := run(t, dir, "", args...)
			if code != ExitError || out != "" {
				t.Fatalf("exit %d, stdout %q; want 1 and nothing", code, out)
			}
			for _, want := range []string{
				file + `:3:5: suppressions[0].reason: missing reason`,
				file + `:3:12: suppressions[0].check: unknown check "GW-NOPE-999"`,
				file + `:4:15: suppressions[0].resource: the resource pattern has "["`,
				file + `:5:14: suppressions[0].expires: "2027-13-01" is not a date`,
				file + `:9:5: suppressions[1].owner: unknown field "owner"`,
				"5 problem(s) in the suppressions file",
				"nothing was sent to AWS",
			} {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if strings.Contains(errOut, "read the organization") {
				t.Errorf("AWS was called:\n%s", errOut)
			}
			if strings.Contains(errOut, "GW-LOG-004") {
				t.Errorf("the retired ID GW-LOG-004 is refused:\n%s", errOut)
			}
		})
	}
	code, _, errOut := run(t, dir, "", "audit", "--suppressions", "missing.yaml")
	if code != ExitError || !strings.Contains(errOut, "missing.yaml does not exist") || strings.Contains(errOut, "read the organization") {
		t.Errorf("missing suppressions file: exit %d\n%s", code, errOut)
	}
}

func TestAuditFlagErrorsStopBeforeAWS(t *testing.T) {
	noAWS(t)
	tests := map[string]struct {
		args []string
		want string
	}{
		"unknown format":     {[]string{"--format", "pdf"}, `--format "pdf": valid formats are text, json, sarif, junit, html, asff`},
		"two on stdout":      {[]string{"--format", "text,json"}, "text and json would all go to stdout"},
		"no extension":       {[]string{"-o", "findings"}, "--output findings: cannot tell the report format"},
		"same file twice":    {[]string{"-o", "a.json", "-o", "a.json"}, "--output a.json is given twice"},
		"bad fail-on":        {[]string{"--fail-on", "severe"}, "--fail-on: unknown severity"},
		"no root-use window": {[]string{"--root-use-days", "0"}, "--root-use-days: 0 is not a number of days"},
		"conflicting stdout": {[]string{"--format", "json", "-o", "text"}, "names a format other than --format json"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := run(t, t.TempDir(), "", append([]string{"audit"}, tt.args...)...)
			if code != ExitError || !strings.Contains(errOut, tt.want) || strings.Contains(errOut, "read the organization") {
				t.Errorf("exit %d, stderr:\n%s\nwant 1 and %q before any AWS call", code, errOut, tt.want)
			}
		})
	}
}

func TestResolveReports(t *testing.T) {
	tests := map[string]struct {
		formats, outputs []string
		want             []reportTarget
	}{
		"default":               {nil, nil, []reportTarget{{Format: "text"}}},
		"one format":            {[]string{"json"}, nil, []reportTarget{{Format: "json"}}},
		"bare output is stdout": {nil, []string{"json"}, []reportTarget{{Format: "json"}}},
		"bare output any case":  {nil, []string{"JSON"}, []reportTarget{{Format: "json"}}},
		"extensions": {nil, []string{"a.json", "b.sarif", "c.xml", "d.html", "e.txt", "f.sarif.json", "g.asff.json"},
			[]reportTarget{{"json", "a.json"}, {"sarif", "b.sarif"}, {"junit", "c.xml"}, {"html", "d.html"}, {"text", "e.txt"}, {"sarif", "f.sarif.json"}, {"asff", "g.asff.json"}}},
		"asff in a json file": {[]string{"asff"}, []string{"hub.json"}, []reportTarget{{"asff", "hub.json"}}},
		"paired by position": {[]string{"json,junit"}, []string{"audit.out", "audit.xml.bak"},
			[]reportTarget{{"json", "audit.out"}, {"junit", "audit.xml.bak"}}},
		"paired wins over extension": {[]string{"sarif"}, []string{"results.json"}, []reportTarget{{"sarif", "results.json"}}},
		"repeated format flag":       {[]string{"sarif", "html"}, []string{"x", "y"}, []reportTarget{{"sarif", "x"}, {"html", "y"}}},
		"unpaired format to stdout": {[]string{"text"}, []string{"out.json", "out.sarif"},
			[]reportTarget{{"json", "out.json"}, {"sarif", "out.sarif"}, {Format: "text"}}},
		"format taken by a file": {[]string{"json"}, []string{"out.json", "out.sarif", "out.xml", "out.html"},
			[]reportTarget{{"json", "out.json"}, {"sarif", "out.sarif"}, {"junit", "out.xml"}, {"html", "out.html"}}},
		"stdout and a file": {nil, []string{"text", "out.html"}, []reportTarget{{Format: "text"}, {"html", "out.html"}}},
		"paired bare name":  {[]string{"json", "html"}, []string{"json", "r.htm"}, []reportTarget{{Format: "json"}, {"html", "r.htm"}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := resolveReports(tt.formats, tt.outputs)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	errs := map[string]struct{ formats, outputs []string }{
		"two formats to stdout":      {[]string{"text", "json"}, nil},
		"two bare outputs":           {nil, []string{"text", "json"}},
		"unpaired format and bare":   {[]string{"html"}, []string{"json", "a.sarif"}},
		"unknown extension unpaired": {[]string{"json", "html"}, []string{"a.pdf"}},
		"empty output":               {nil, []string{" "}},
		"unknown format":             {[]string{"json,yaml"}, nil},
		"extension contradicts":      {[]string{"json"}, []string{"x.sarif"}},
		"html into a .xml file":      {[]string{"html", "json"}, []string{"r.xml", "r.json"}},
	}
	for name, tt := range errs {
		t.Run("error/"+name, func(t *testing.T) {
			if got, err := resolveReports(tt.formats, tt.outputs); err == nil {
				t.Errorf("got %+v, want an error", got)
			}
		})
	}
}

func TestWriteReportsToFiles(t *testing.T) {
	dir := t.TempDir()
	targets := []reportTarget{{"json", filepath.Join(dir, "out.json")}, {"sarif", filepath.Join(dir, "out.sarif")},
		{"junit", filepath.Join(dir, "out.xml")}, {"html", filepath.Join(dir, "out.html")}}
	r := audit.Result{
		Findings:   []audit.Finding{{CheckID: "GW-ORG-001", Severity: audit.High, Title: "t", Resource: "organization/o-1", Message: "m"}},
		Suppressed: []audit.Finding{{CheckID: "GW-ORG-002", Severity: audit.Low, Resource: "ou/X", Suppression: &audit.Suppression{CheckID: "GW-ORG-002", Resource: "*", Reason: "r"}}},
		Notices:    []audit.Notice{{Kind: audit.NoticeUnused, Message: "unused"}},
	}
	var stdout strings.Builder
	meta := report.Meta{Version: "v1.2.3", Spec: "foundation.yaml", Generated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := writeReports(targets, meta, true, &stdout, r); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
	for _, tg := range targets {
		b, err := os.ReadFile(tg.Path)
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %v, %d bytes", tg.Path, err, len(b))
		}
		if tg.Format == "json" {
			var doc struct {
				Tool     struct{ Version string }
				Findings []any
			}
			if err := json.Unmarshal(b, &doc); err != nil || doc.Tool.Version != "v1.2.3" || len(doc.Findings) != 1 {
				t.Errorf("out.json: %v, %+v", err, doc)
			}
		}
		if tg.Format == "html" && strings.Contains(string(b), "\x1b[") {
			t.Error("a file report carries terminal colour codes")
		}
	}
	got := summary(targets, r)
	want := "audit: 1 finding (1 high), 1 suppressed, 1 suppression notice; wrote " + targets[0].Path
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, targets[3].Path) {
		t.Errorf("summary = %q, want it to start %q", got, want)
	}
	err := writeReports([]reportTarget{{"json", filepath.Join(dir, "no", "such", "dir.json")}, {"text", filepath.Join(dir, "ok.txt")}}, meta, false, &stdout, r)
	if err == nil || !strings.Contains(err.Error(), "write the json report") {
		t.Errorf("unwritable file: error = %v", err)
	}
	if _, statErr := os.Stat(filepath.Join(dir, "ok.txt")); statErr != nil {
		t.Errorf("a failed report stopped the next one: %v", statErr)
	}
}

func TestDriftOf(t *testing.T) {
	actual := estate.New()
	actual.Organization = &estate.Organization{ManagementAccountID: "111111111111"}
	actual.Accounts["aws-log-archive@example.com"] = &estate.Account{ID: "222222222222", Email: "aws-log-archive@example.com"}
	p := &plan.Plan{Changes: []plan.Change{
		{Address: "trail/management/us-east-1/org-trail", Kind: "trail", Action: plan.Update,
			Before: plan.Attrs{"is_logging": "false", "name": "org-trail"}, After: plan.Attrs{"is_logging": "true", "name": "org-trail"}},
		{Address: "account/aws-log-archive@example.com", Kind: "account", Action: plan.Update,
			Before: plan.Attrs{"unit": "Root"}, After: plan.Attrs{"unit": "Root/Security"}},
		{Address: "unit/Scratch", Kind: "unit", Action: plan.Delete},
		{Address: "billing_alarm/us-east-1/spend", Kind: "billing_alarm", Action: plan.Create, Reason: "no billing alarm"},
		{Address: "scp/groundwork-baseline", Kind: "scp", Action: plan.Update,
			Before: plan.Attrs{"content": strings.Repeat("x", 100), "a": "1", "b": "1", "c": "1", "d": "1"},
			After:  plan.Attrs{"content": strings.Repeat("y", 100), "a": "2", "b": "2", "c": "2", "d": "2"}},
		{Address: "unit/Same", Kind: "unit", Action: plan.NoOp},
	}}
	got := driftOf(p, actual)
	want := []estate.Drift{
		{Action: "update", Kind: "trail", Address: "trail/management/us-east-1/org-trail", Account: "111111111111", Region: "us-east-1",
			Summary: "is_logging: false -> true"},
		{Action: "update", Kind: "account", Address: "account/aws-log-archive@example.com", Account: "222222222222",
			Summary: "unit: Root -> Root/Security"},
		{Action: "delete", Kind: "unit", Address: "unit/Scratch", Summary: "not in the spec: apply --allow-delete deletes it"},
		{Action: "create", Kind: "billing_alarm", Address: "billing_alarm/us-east-1/spend", Region: "us-east-1", Summary: "no billing alarm"},
		{Action: "update", Kind: "scp", Address: "scp/groundwork-baseline",
			Summary: "a: 1 -> 2; b: 1 -> 2; c: 1 -> 2; content differs; and 1 more"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("driftOf:\n got %+v\nwant %+v", got, want)
	}
}

func TestAuditScopeAndHardening(t *testing.T) {
	actual := estate.New()
	actual.Organization = &estate.Organization{ManagementAccountID: "111111111111", ManagementAccountEmail: "mgmt@example.com"}
	actual.Accounts["mgmt@example.com"] = &estate.Account{ID: "111111111111", Email: "mgmt@example.com", Status: "ACTIVE"}
	actual.Accounts["a@example.com"] = &estate.Account{ID: "222222222222", Email: "a@example.com", Status: "ACTIVE"}
	actual.Accounts["gone@example.com"] = &estate.Account{ID: "333333333333", Email: "gone@example.com", Status: "SUSPENDED"}
	actual.Accounts["closing@example.com"] = &estate.Account{ID: "444444444444", Email: "closing@example.com", Status: "PENDING_CLOSURE"}
	s := auditScope(actual, []string{"us-east-1", "eu-west-1"}, "us-east-1")
	if want := []string{"a@example.com", "mgmt@example.com"}; !slices.Equal(s.Accounts, want) {
		t.Errorf("scope accounts = %v, want %v", s.Accounts, want)
	}
	regions, home := operationalRegions(nil, []string{" eu-west-1", ""}, nil)
	if !slices.Equal(regions, []string{"eu-west-1"}) || home != "eu-west-1" {
		t.Errorf("--regions: %v home %s", regions, home)
	}
}
