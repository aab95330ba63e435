package spec_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// exampleOptions are the options examples/foundation.yaml was written
// with: groundwork init --org-id primary --domain example.com
// --home-region us-east-1 --regions us-east-1,eu-west-1
// --admin-user "Ana Lima <ana.lima@example.com>".
var exampleOptions = spec.StarterOptions{OrgID: "primary", Domain: "example.com", HomeRegion: "us-east-1", Regions: []string{"us-east-1", "eu-west-1"},
	Administrators: []spec.Person{{UserName: "ana.lima", GivenName: "Ana", FamilyName: "Lima", Email: "ana.lima@example.com"}}}

// TestStarterMatchesExample keeps examples/foundation.yaml from drifting
// away from what groundwork init writes.
func TestStarterMatchesExample(t *testing.T) {
	got, err := spec.Starter(exampleOptions)
	if err != nil {
		t.Fatalf("Starter: %v", err)
	}
	want, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < min(len(gl), len(wl)); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("Starter output differs from %s at line %d:\n got: %q\nwant: %q\nregenerate the example with groundwork init", examplePath, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("Starter output has %d lines, %s has %d", len(gl), examplePath, len(wl))
	}
}

func TestStarterValidates(t *testing.T) {
	tests := map[string]spec.StarterOptions{
		"example":     exampleOptions,
		"one region":  {OrgID: "acme", Domain: "corp.example.org", HomeRegion: "eu-central-1"},
		"many region": {OrgID: "o1", Domain: "example.com", HomeRegion: "ap-southeast-2", Regions: []string{"us-east-1", "ap-southeast-2", "us-west-2"}},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			src, err := spec.Starter(opts)
			if err != nil {
				t.Fatalf("Starter: %v", err)
			}
			f := mustParse(t, string(src))
			wantRegions := opts.Regions
			if len(wantRegions) == 0 {
				wantRegions = []string{opts.HomeRegion}
			}
			if strings.Join(f.Organization.Regions, ",") != strings.Join(wantRegions, ",") {
				t.Errorf("Regions = %q, want %q", f.Organization.Regions, wantRegions)
			}
			if f.Organization.ID != opts.OrgID || f.Organization.EmailDomain != opts.Domain || f.Organization.HomeRegion != opts.HomeRegion {
				t.Errorf("organization = %+v, want %+v", f.Organization, opts)
			}
			if got := f.Accounts["log-archive"].Email; got != "aws-log-archive-"+opts.OrgID+"@"+opts.Domain {
				t.Errorf("log-archive e-mail = %q", got)
			}
		})
	}
}

func TestStarterBadOptions(t *testing.T) {
	tests := map[string]struct {
		opts         spec.StarterOptions
		path, phrase string
	}{
		"bad home region": {
			spec.StarterOptions{OrgID: "primary", Domain: "example.com", HomeRegion: "us-east-l"},
			"organization.home_region", `"us-east-l" is not an AWS Region (did you mean "us-east-1"?)`,
		},
		"bad region": {
			spec.StarterOptions{OrgID: "primary", Domain: "example.com", HomeRegion: "us-east-1", Regions: []string{"us-east-1", "eu-wset-1"}},
			"organization.regions[1]", `"eu-wset-1" is not an AWS Region (did you mean "eu-west-1"?)`,
		},
		"home region not in regions": {
			spec.StarterOptions{OrgID: "primary", Domain: "example.com", HomeRegion: "us-east-1", Regions: []string{"eu-west-1"}},
			"organization.regions", `the home Region "us-east-1" must be one of the operational Regions`,
		},
		"bad org id": {
			spec.StarterOptions{OrgID: "Primary", Domain: "example.com", HomeRegion: "us-east-1"},
			"organization.id", `"Primary" must be lowercase letters`,
		},
		"bad domain": {
			spec.StarterOptions{OrgID: "primary", Domain: "example", HomeRegion: "us-east-1"},
			"organization.email_domain", `"example" is not a valid lowercase domain name`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			src, err := spec.Starter(tt.opts)
			if src != nil {
				t.Errorf("Starter returned %d bytes along with its error", len(src))
			}
			var ds spec.Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("Starter error %T (%v), want spec.Diagnostics", err, err)
			}
			for _, d := range ds {
				if d.Path == tt.path && strings.Contains(d.Message, tt.phrase) && d.Line > 0 {
					return
				}
			}
			t.Errorf("Starter diagnostics:\n%v\nwant one at %s containing %q", ds, tt.path, tt.phrase)
		})
	}
}

// --admin-user takes a person as a mail header writes an address; the
// user name is the e-mail's local part.
func TestParsePerson(t *testing.T) {
	good := map[string]spec.Person{
		"Ana Lima <ana.lima@example.com>":               {UserName: "ana.lima", GivenName: "Ana", FamilyName: "Lima", Email: "ana.lima@example.com"},
		"Jean Luc  van Damme <jl+aws@corp.example.org>": {UserName: "jl+aws", GivenName: "Jean", FamilyName: "Luc van Damme", Email: "jl+aws@corp.example.org"},
		`"Seán O'Brien: Jr" <sean@example.com>`:         {UserName: "sean", GivenName: "Seán", FamilyName: "O'Brien: Jr", Email: "sean@example.com"},
	}
	for in, want := range good {
		got, err := spec.ParsePerson(in)
		if err != nil || got != want {
			t.Errorf("ParsePerson(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"ana.lima@example.com":          "needs a given and a family name",
		"Ana <ana.lima@example.com>":    "needs a given and a family name",
		"Ana Lima":                      "is not a name and an e-mail address",
		"Ana Lima <ana.lima@localhost>": "is not a name and an e-mail address",
	}
	for in, phrase := range bad {
		if _, err := spec.ParsePerson(in); err == nil || !strings.Contains(err.Error(), phrase) {
			t.Errorf("ParsePerson(%q) = %v; want an error saying %q", in, err, phrase)
		}
	}
}
