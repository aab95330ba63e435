package spec_test

import (
	"testing"

	// The spec's own tests read whole foundations: every layer's section
	// is registered, as in the CLI.
	_ "github.com/groundwork-aws/groundwork/internal/layer/all"
	"github.com/groundwork-aws/groundwork/internal/spec"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

// The shared helpers, under the names these tests use.
const minimal = spectest.Minimal

type want = spectest.Want

var (
	parseError       = spectest.ParseError
	checkDiagnostics = spectest.CheckDiagnostics
	mustParse        = spectest.MustParse
)

func TestMinimalIsValid(t *testing.T) {
	mustParse(t, minimal)
}

func TestDiagnosticError(t *testing.T) {
	tests := map[string]struct {
		d    spec.Diagnostic
		want string
	}{
		"full":        {spec.Diagnostic{File: "f.yaml", Line: 3, Column: 7, Path: "units.A", Message: "bad"}, "f.yaml:3:7: units.A: bad"},
		"no path":     {spec.Diagnostic{File: "f.yaml", Line: 1, Column: 1, Message: "bad"}, "f.yaml:1:1: bad"},
		"no position": {spec.Diagnostic{File: "f.yaml", Path: "version", Message: "bad"}, "f.yaml: version: bad"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tt.d.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	ds := spec.Diagnostics{tests["full"].d, tests["no path"].d}
	if got, want := ds.Error(), "f.yaml:3:7: units.A: bad\nf.yaml:1:1: bad"; got != want {
		t.Errorf("Diagnostics.Error() = %q, want %q", got, want)
	}
}

func TestCheckRegions(t *testing.T) {
	if err := spec.CheckRegions("--regions", []string{"us-east-1", " eu-west-1", ""}); err != nil {
		t.Errorf("known Regions: %v", err)
	}
	err := spec.CheckRegions("--regions", []string{"mars-1", "us-east-1", "eu-west-9"})
	want := `--regions: "mars-1" is not an AWS Region; "eu-west-9" is not an AWS Region (did you mean "eu-west-1"?); nothing was sent to AWS`
	if err == nil || err.Error() != want {
		t.Errorf("CheckRegions = %v\nwant %s", err, want)
	}
}
