// Package spectest holds the helpers the tests of foundation.yaml share:
// the spec package's own and those of every layer's section. A test
// binary that parses whole foundations registers the sections it needs
// itself (a blank import of internal/layer/all).
package spectest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// Minimal is the smallest valid spec. Cases append to it, so their own
// lines start at 4.
const Minimal = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1}
units: {Security: {}, Workloads: {units: {Prod: {}}}, Sandbox: {}}
`

// Want is one expected diagnostic, written {pos, path, phrase}: where it
// points ("line:column"), the field path it names, and a phrase its
// message must contain. An array rather than a struct, so that the tables
// of cases stay one short line per diagnostic.
type Want [3]string

// ParseError parses src as foundation.yaml and returns the Diagnostics it
// must fail with.
func ParseError(t testing.TB, src string) spec.Diagnostics {
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

// CheckDiagnostics asserts that parsing src reports exactly wants, in
// order.
func CheckDiagnostics(t testing.TB, src string, wants []Want) {
	t.Helper()
	ds := ParseError(t, src)
	ok := len(ds) == len(wants)
	for i := 0; ok && i < len(ds); i++ {
		d, w := ds[i], wants[i]
		ok = d.File == "foundation.yaml" &&
			fmt.Sprintf("%d:%d", d.Line, d.Column) == w[0] &&
			d.Path == w[1] &&
			strings.Contains(d.Message, w[2])
	}
	if ok {
		return
	}
	var got, exp strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&got, "\n\t%s", d.Error())
	}
	for _, w := range wants {
		fmt.Fprintf(&exp, "\n\tfoundation.yaml:%s: %s: …%s…", w[0], w[1], w[2])
	}
	t.Errorf("diagnostics:%s\nwant:%s", got.String(), exp.String())
}

// MustParse parses src and fails the test on any diagnostic.
func MustParse(t testing.TB, src string) *spec.Foundation {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}
