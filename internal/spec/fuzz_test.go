package spec_test

import (
	"errors"
	"os"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// FuzzParse checks that no input makes Parse panic, and that every input
// either loads, giving a Foundation whose Desired estate can be built, or
// fails with Diagnostics that each say something.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile(examplePath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	for _, seed := range []string{
		"",
		minimal,
		"version: 1\n---\nversion: 1\n",
		"0000\n---",
		minimal + "---\n",
		"- a\n- b\n",
		minimal + "accounts:\n  a: *nope\n",
		minimal + "accounts:\n  a: &a {unit: Security}\n  b:\n    <<: *a\n",
		minimal + "logging: {trail: {}}\n",
		minimal + "accounts:\n  pay-prod: {unit: Workloads/Prod, role: workload, workload: pay, environment: 1}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fd, err := spec.Parse("foundation.yaml", src)
		if err == nil {
			if fd == nil {
				t.Fatal("Parse returned neither a Foundation nor an error")
			}
			fd.Desired()
			return
		}
		var ds spec.Diagnostics
		if !errors.As(err, &ds) || len(ds) == 0 {
			t.Fatalf("Parse error %T (%v), want non-empty spec.Diagnostics", err, err)
		}
		for _, d := range ds {
			if d.Message == "" || d.File != "foundation.yaml" {
				t.Errorf("diagnostic %+v has no message or the wrong file", d)
			}
		}
	})
}
