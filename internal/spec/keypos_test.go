package spec_test

import (
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

func TestKeyPos(t *testing.T) {
	src := "version: 1\norganization:\n  id: primary\n  email_domain: example.com\n  home_region: us-east-1\nunits:\n  Security: {}\n  Workloads:\n    units:\n      Prod: {}\naccounts:\n  log-archive:\n    unit: Security\n    role: log-archive\n"
	f, err := spec.Parse("foundation.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]spec.Pos{
		"accounts.log-archive":       {Line: 12, Column: 3},
		"units.Workloads.units.Prod": {Line: 10, Column: 7},
		"organization":               {Line: 2, Column: 1},
		"accounts.nope":              {},
	} {
		if got := f.KeyPos(path); got != want {
			t.Errorf("KeyPos(%q) = %+v, want %+v", path, got, want)
		}
	}
	if got := f.Pos("accounts.log-archive"); got.Line != 13 {
		t.Errorf("Pos(accounts.log-archive) = %+v, want the first field's line 13", got)
	}
	want := []string{"units", "units.Security", "units.Workloads", "units.Workloads.units", "units.Workloads.units.Prod"}
	if got := f.KeyPaths("units"); !slices.Equal(got, want) {
		t.Errorf("KeyPaths(units) = %v, want %v", got, want)
	}
}
