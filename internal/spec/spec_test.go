package spec_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// minimal is the smallest valid spec. Cases append to it, so their own
// lines start at 4.
const minimal = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1}
units: {Security: {}, Workloads: {units: {Prod: {}}}, Sandbox: {}}
`

// want is one expected diagnostic: where it points ("line:column"), the
// field path it names, and a phrase its message must contain.
type want struct {
	pos, path, phrase string
}

// parseError parses src as foundation.yaml and returns the Diagnostics it
// must fail with.
func parseError(t *testing.T, src string) spec.Diagnostics {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(src))
	if err == nil {
		t.Fatalf("Parse succeeded; want diagnostics")
	}
	if f != nil {
		t.Errorf("Parse returned a Foundation along with its error")
	}
	var ds spec.Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("Parse error is %T (%v); want spec.Diagnostics", err, err)
	}
	return ds
}

// checkDiagnostics asserts that parsing src reports exactly wants, in
// order.
func checkDiagnostics(t *testing.T, src string, wants []want) {
	t.Helper()
	ds := parseError(t, src)
	ok := len(ds) == len(wants)
	for i := 0; ok && i < len(ds); i++ {
		d, w := ds[i], wants[i]
		ok = d.File == "foundation.yaml" &&
			fmt.Sprintf("%d:%d", d.Line, d.Column) == w.pos &&
			d.Path == w.path &&
			strings.Contains(d.Message, w.phrase)
	}
	if ok {
		return
	}
	var got, exp strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&got, "\n\t%s", d.Error())
	}
	for _, w := range wants {
		fmt.Fprintf(&exp, "\n\tfoundation.yaml:%s: %s: …%s…", w.pos, w.path, w.phrase)
	}
	t.Errorf("diagnostics:%s\nwant:%s", got.String(), exp.String())
}

// mustParse parses src and fails the test on any diagnostic.
func mustParse(t *testing.T, src string) *spec.Foundation {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

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
