package audit

import (
	"errors"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// FuzzParseSuppressions checks that no input makes the suppressions
// loader panic, and that every input either loads or fails with
// Diagnostics that each name the file and a position, and say something.
func FuzzParseSuppressions(f *testing.F) {
	for _, s := range []string{
		"version: 1\nsuppressions:\n  - check: GW-HRD-004\n    resource: \"account/*\"\n    reason: vending flow\n    expires: 2027-03-31\n",
		"version: 1\nsuppressions: []\n---\n",
		"version: 1\nsuppressions: [{check: X, reason: r, expires: 31/03/2027, resource: \"[a]\"}]\n",
		"version: 2\n", "", "---", "- a\n", "version: 1\nsuppressions: [[[[\n", "\xef\xbb\xbfversion: 1\nsuppressions: []\n",
		"version: 1\nsuppressions:\n  - &e {check: A, reason: r, expires: 2027-01-01}\n  - *e\n",
	} {
		f.Add([]byte(s))
	}
	known := func(id string) bool { return id == "GW-HRD-004" }
	f.Fuzz(func(t *testing.T, src []byte) {
		sups, err := ParseSuppressions("s.yaml", src, known)
		if err == nil {
			for _, s := range sups {
				if s.CheckID == "" || s.Resource == "" || s.Reason == "" || s.Expires.IsZero() {
					t.Errorf("loaded an incomplete suppression %+v", s)
				}
			}
			return
		}
		var ds spec.Diagnostics
		if !errors.As(err, &ds) || len(ds) == 0 {
			t.Fatalf("error %T (%v), want non-empty spec.Diagnostics", err, err)
		}
		for _, d := range ds {
			if d.File != "s.yaml" || d.Message == "" || d.Line < 1 || d.Column < 1 {
				t.Errorf("diagnostic %+v lacks its file, position or message", d)
			}
		}
	})
}
