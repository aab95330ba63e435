package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// gadgets is a spec section of a layer of the test's own, as a layer's
// section would be: the locator knows no layer by name.
type gadgets struct {
	Things map[string]*struct {
		Size int `yaml:"size"`
	} `yaml:"things"`
}

func (*gadgets) Defaults(*spec.Foundation, func(string) bool) {}
func (*gadgets) Validate(*spec.Foundation, *spec.Validator)   {}
func (*gadgets) Desired(*spec.Foundation, *estate.Estate)     {}

func init() {
	spec.RegisterSection(spec.SectionType{Key: "gadgets", Order: 9000, New: func() spec.Section { return &gadgets{} }})
}

// locateSpec declares the log-archive account (line 13), the OUs
// Security, Workloads and Workloads/Prod (lines 7, 8, 10) and the gadgets
// section (line 16) with its big-one (line 18).
const locateSpec = `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
units:
  Security: {}
  Workloads:
    units:
      Prod: {}
accounts:
  # the one account the spec declares
  log-archive:
    unit: Security
    role: log-archive
gadgets:
  things:
    big-one:
      size: 3
`

func locateFixture(t *testing.T) (*spec.Foundation, *estate.Estate) {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(locateSpec))
	if err != nil {
		t.Fatal(err)
	}
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc123", ManagementAccountID: "000000000000"}
	e.Accounts["la@example.com"] = &estate.Account{ID: "111111111111", Name: "log-archive", Email: "la@example.com", Key: "log-archive"}
	e.Accounts["stray@example.com"] = &estate.Account{ID: "999999999999", Name: "stray", Email: "stray@example.com"}
	e.Accounts["mgmt@example.com"] = &estate.Account{ID: "000000000000", Name: "mgmt", Email: "mgmt@example.com"}
	return f, e
}

func TestSpecLocator(t *testing.T) {
	f, e := locateFixture(t)
	locate := SpecLocator(f, e)
	core := audit.Check{ID: "GW-T-001"}
	reader := audit.Check{ID: "GW-T-002", Reads: []string{"toy/gadgets"}}
	tests := map[string]struct {
		finding audit.Finding
		check   audit.Check
		want    SpecLocation // zero: not located
	}{
		"declared account": {finding: audit.Finding{Resource: "account/111111111111 (log-archive)", Account: "111111111111"}, check: core,
			want: SpecLocation{Path: "accounts.log-archive", Line: 13, Column: 3}},
		"declared account, check of a section": {finding: audit.Finding{Resource: "account/111111111111 (log-archive)", Account: "111111111111"}, check: reader,
			want: SpecLocation{Path: "accounts.log-archive", Line: 13, Column: 3}},
		"account by key":     {finding: audit.Finding{Resource: "account/log-archive"}, check: core, want: SpecLocation{Path: "accounts.log-archive", Line: 13, Column: 3}},
		"undeclared account": {finding: audit.Finding{Resource: "account/999999999999 (stray)", Account: "999999999999"}, check: core},
		"management, organization.management not written": {finding: audit.Finding{Resource: "account/000000000000 (mgmt)", Account: "000000000000"}, check: core},
		"nested OU":     {finding: audit.Finding{Resource: "ou/Root/Workloads/Prod"}, check: core, want: SpecLocation{Path: "units.Workloads.units.Prod", Line: 10, Column: 7}},
		"OU":            {finding: audit.Finding{Resource: "ou/Root/Security"}, check: core, want: SpecLocation{Path: "units.Security", Line: 7, Column: 3}},
		"plan's unit":   {finding: audit.Finding{Resource: "unit/Workloads"}, check: core, want: SpecLocation{Path: "units.Workloads", Line: 8, Column: 3}},
		"root":          {finding: audit.Finding{Resource: "ou/Root"}, check: core},
		"undeclared OU": {finding: audit.Finding{Resource: "ou/Root/Sandbox"}, check: core},
		"named in its section": {finding: audit.Finding{Resource: "gadget/g-123 (big-one)", Account: "999999999999"}, check: reader,
			want: SpecLocation{Path: "gadgets.things.big-one", Line: 18, Column: 5}},
		"in its section": {finding: audit.Finding{Resource: "gadget/g-456 (small-one)", Account: "999999999999", Region: "eu-west-1"}, check: reader,
			want: SpecLocation{Path: "gadgets", Line: 16, Column: 1}},
		"undeclared account, check of a section": {finding: audit.Finding{Resource: "account/999999999999 (stray)", Account: "999999999999"}, check: reader,
			want: SpecLocation{Path: "gadgets", Line: 16, Column: 1}},
		"organization": {finding: audit.Finding{Resource: "organization/o-abc123"}, check: core, want: SpecLocation{Path: "organization", Line: 2, Column: 1}},
		"resource of no section": {finding: audit.Finding{Resource: "trail/org-trail (stray eu-west-1)", Account: "999999999999", Region: "eu-west-1"},
			check: audit.Check{ID: "GW-T-003", Reads: []string{"posture/trails"}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := locate(tt.finding, tt.check)
			if ok != (tt.want != SpecLocation{}) || got != tt.want {
				t.Errorf("locate(%s) = %+v, %v, want %+v", tt.finding.Resource, got, ok, tt.want)
			}
		})
	}
}

// In SARIF, a finding on an account the spec declares points at the line
// that declares it; one on a resource the spec does not declare has its
// place in AWS as logical locations and no physical location at all, not
// line 1.
func TestSARIFLocations(t *testing.T) {
	f, e := locateFixture(t)
	chk := audit.Check{ID: "GW-T-001", Title: "t", Severity: audit.High}
	r := audit.Result{Checks: []audit.Check{chk}, Findings: []audit.Finding{
		finding(chk, "111111111111", "", "account/111111111111 (log-archive)", "declared"),
		finding(chk, "999999999999", "eu-west-1", "bucket/stray-logs", "undeclared"),
	}}
	m := Meta{Spec: "foundation.yaml", Locate: SpecLocator(f, e), AccountNames: map[string]string{"111111111111": "log-archive", "999999999999": "stray"}}
	var doc struct {
		Runs []struct {
			Results []struct {
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
					LogicalLocations []struct{ Name, FullyQualifiedName, DecoratedName, Kind string }
				}
			}
		}
	}
	if err := json.Unmarshal(render(t, SARIF{Meta: m}, r), &doc); err != nil {
		t.Fatal(err)
	}
	results := doc.Runs[0].Results
	if len(results) != 2 {
		t.Fatalf("%d results", len(results))
	}
	for _, res := range results {
		if len(res.Locations) != 1 {
			t.Fatalf("%s: %d locations", res.Message.Text, len(res.Locations))
		}
		loc := res.Locations[0]
		switch res.Message.Text {
		case "account/111111111111 (log-archive): declared":
			if p := loc.PhysicalLocation; p == nil || p.ArtifactLocation.URI != "foundation.yaml" || p.Region.StartLine != 13 || p.Region.StartColumn != 3 {
				t.Errorf("declared account: physical location %+v, want foundation.yaml line 13", p)
			}
		case "bucket/stray-logs: undeclared":
			if loc.PhysicalLocation != nil {
				t.Errorf("undeclared bucket has a physical location %+v", loc.PhysicalLocation)
			}
			want := []struct{ Name, FullyQualifiedName, DecoratedName, Kind string }{
				{"bucket/stray-logs", "999999999999/eu-west-1/bucket/stray-logs", "", "resource"},
				{"eu-west-1", "999999999999/eu-west-1", "", "namespace"},
				{"999999999999", "999999999999", "999999999999 (stray)", "namespace"},
			}
			if len(loc.LogicalLocations) != len(want) {
				t.Fatalf("logical locations %+v, want %+v", loc.LogicalLocations, want)
			}
			for i := range want {
				if loc.LogicalLocations[i] != want[i] {
					t.Errorf("logical location %d = %+v, want %+v", i, loc.LogicalLocations[i], want[i])
				}
			}
		default:
			t.Errorf("unexpected result %q", res.Message.Text)
		}
	}
}

func TestRepositoryRoot(t *testing.T) {
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	nested := filepath.Join(repo, "infra", "org")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := RepositoryRoot(filepath.Join(nested, "foundation.yaml")); got != repo {
		t.Errorf("RepositoryRoot in a repository = %q, want %q", got, repo)
	}
	// A worktree's .git is a file.
	wt := t.TempDir()
	if err := os.WriteFile(filepath.Join(wt, ".git"), []byte("gitdir: /elsewhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := RepositoryRoot(filepath.Join(wt, "foundation.yaml")); got != wt {
		t.Errorf("RepositoryRoot in a worktree = %q, want %q", got, wt)
	}
}

// A spec inside a repository is named relative to its root, with
// uriBaseId %SRCROOT% resolved by originalUriBaseIds; outside one an
// absolute path is a file: URI.
func TestSARIFArtifactInRepository(t *testing.T) {
	chk := audit.Check{ID: "GW-T-001", Title: "t", Severity: audit.High}
	r := audit.Result{Checks: []audit.Check{chk}, Findings: []audit.Finding{finding(chk, "", "", "ou/Root/Workloads", "x")}}
	locate := func(audit.Finding, audit.Check) (SpecLocation, bool) {
		return SpecLocation{Path: "units.Workloads", Line: 8, Column: 3}, true
	}
	type artifact struct {
		URI       string
		URIBaseID string `json:"uriBaseId"`
	}
	var doc struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Results            []struct {
				Locations []struct {
					PhysicalLocation struct{ ArtifactLocation artifact }
				}
			}
		}
	}
	in := Meta{Spec: "/srv/repo/infra/my foundation.yaml", SpecRoot: "/srv/repo", Locate: locate}
	if err := json.Unmarshal(render(t, SARIF{Meta: in}, r), &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	if got := run.Results[0].Locations[0].PhysicalLocation.ArtifactLocation; got != (artifact{URI: "infra/my%20foundation.yaml", URIBaseID: "%SRCROOT%"}) {
		t.Errorf("artifact in a repository = %+v", got)
	}
	if got := run.OriginalURIBaseIDs["%SRCROOT%"].URI; got != "file:///srv/repo/" {
		t.Errorf("originalUriBaseIds = %+v", run.OriginalURIBaseIDs)
	}

	out := Meta{Spec: "/srv/elsewhere/foundation.yaml", Locate: locate}
	doc.Runs = nil
	if err := json.Unmarshal(render(t, SARIF{Meta: out}, r), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation; got != (artifact{URI: "file:///srv/elsewhere/foundation.yaml"}) {
		t.Errorf("artifact outside a repository = %+v", got)
	}
	if doc.Runs[0].OriginalURIBaseIDs != nil {
		t.Errorf("originalUriBaseIds outside a repository: %+v", doc.Runs[0].OriginalURIBaseIDs)
	}
}
