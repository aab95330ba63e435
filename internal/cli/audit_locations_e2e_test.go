package cli

// End-to-end test of where the SARIF report places findings: at the line
// of foundation.yaml that declares the account they are about, and
// nowhere in the file for an account the spec does not declare.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

func TestAuditSARIFPointsAtTheSpec(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	// A personal security contact on the declared log-archive account
	// (GW-ACC-002 on it), and an account made by hand, which the spec does
	// not declare, left under the root (GW-ORG-005 on it).
	logArchive := listAccounts(t, m)["aws-log-archive-primary@example.com"].Id
	m.AWS(t, "account", "put-alternate-contact", "--account-id", logArchive,
		"--alternate-contact-type", "SECURITY", "--name", "Someone", "--title", "Engineer",
		"--email-address", "someone@example.com", "--phone-number", "+1-555-0199")
	m.AWS(t, "organizations", "create-account", "--email", "stray@example.com", "--account-name", "stray")
	stray := listAccounts(t, m)["stray@example.com"].Id
	// The spec's directory is a git repository, and -f is absolute.
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	specPath := filepath.Join(dir, "foundation.yaml")
	f, err := spec.Load(specPath)
	if err != nil {
		t.Fatal(err)
	}
	run(t, dir, "", "audit", "-f", specPath, "--no-drift", "-o", "out.sarif")

	type logical struct{ Name, FullyQualifiedName, DecoratedName, Kind string }
	var sarif struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Results            []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct {
							URI       string
							URIBaseID string `json:"uriBaseId"`
						}
						Region struct{ StartLine int }
					}
					LogicalLocations []logical
				}
				Properties struct{ SpecPath string }
			}
		}
	}
	readJSON(t, filepath.Join(dir, "out.sarif"), &sarif)
	sr := sarif.Runs[0]
	if got := sr.OriginalURIBaseIDs["%SRCROOT%"].URI; got != "file://"+filepath.ToSlash(dir)+"/" {
		t.Errorf("originalUriBaseIds = %+v, want %%SRCROOT%% at %s", sr.OriginalURIBaseIDs, dir)
	}
	declared, undeclared := 0, 0
	for _, r := range sr.Results {
		loc := r.Locations[0]
		if len(loc.LogicalLocations) == 0 {
			t.Errorf("%s: no logical location", r.RuleID)
			continue
		}
		if p := loc.PhysicalLocation; p != nil {
			if p.Region.StartLine <= 1 || p.ArtifactLocation.URI != "foundation.yaml" || p.ArtifactLocation.URIBaseID != "%SRCROOT%" {
				t.Errorf("%s on %s: physical location %+v", r.RuleID, loc.LogicalLocations[0].Name, p)
			}
		}
		resource := loc.LogicalLocations[0].Name
		switch {
		case r.RuleID == "GW-ACC-002" && strings.HasPrefix(resource, "account/"+logArchive):
			declared++
			want := f.KeyPos("accounts.log-archive").Line
			if p := loc.PhysicalLocation; p == nil || p.Region.StartLine != want || r.Properties.SpecPath != "accounts.log-archive" {
				t.Errorf("GW-ACC-002 on log-archive points at %+v (%s), want line %d", p, r.Properties.SpecPath, want)
			}
		case r.RuleID == "GW-ORG-005" && strings.HasPrefix(resource, "account/"+stray):
			undeclared++
			if loc.PhysicalLocation != nil {
				t.Errorf("GW-ORG-005 on the undeclared account points at %+v", loc.PhysicalLocation)
			}
			last := loc.LogicalLocations[len(loc.LogicalLocations)-1]
			if last != (logical{Name: stray, FullyQualifiedName: stray, DecoratedName: stray + " (stray)", Kind: "namespace"}) {
				t.Errorf("GW-ORG-005 on the undeclared account: logical locations %+v", loc.LogicalLocations)
			}
		}
	}
	if declared != 1 || undeclared != 1 {
		t.Errorf("%d GW-ACC-002 results on log-archive and %d GW-ORG-005 on the stray account, want 1 and 1", declared, undeclared)
	}
}
