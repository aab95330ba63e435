package audit

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The retired check IDs of this package's tests: GW-OLD-001 became
// GW-NEW-001, which the renamed GW-OLDER-001 points to through it.
func init() {
	RegisterAlias("GW-OLD-001", "GW-NEW-001", "the fact is judged on every trail")
	RegisterAlias("GW-OLDER-001", "GW-OLD-001", "renamed twice")
}

func TestAlias(t *testing.T) {
	a, ok := Alias("GW-OLD-001")
	if !ok || a.Now != "GW-NEW-001" || a.Note != "the fact is judged on every trail" {
		t.Errorf("Alias(GW-OLD-001) = %+v, %v", a, ok)
	}
	if a, ok := Alias("GW-OLDER-001"); !ok || a.ID != "GW-OLDER-001" || a.Now != "GW-NEW-001" {
		t.Errorf("Alias(GW-OLDER-001) = %+v, %v; want it to follow the chain to GW-NEW-001", a, ok)
	}
	if _, ok := Alias("GW-NEW-001"); ok {
		t.Error("a current ID is an alias")
	}
	if got := CurrentID("GW-OLD-001"); got != "GW-NEW-001" {
		t.Errorf("CurrentID(GW-OLD-001) = %s", got)
	}
	if got := CurrentID("GW-HRD-004"); got != "GW-HRD-004" {
		t.Errorf("CurrentID(GW-HRD-004) = %s", got)
	}
	var ids []string
	for _, a := range Aliases() {
		ids = append(ids, a.ID+">"+a.Now)
	}
	if !slices.Contains(ids, "GW-OLD-001>GW-NEW-001") || !slices.Contains(ids, "GW-OLDER-001>GW-NEW-001") {
		t.Errorf("Aliases() = %q", ids)
	}
	for _, c := range Checks() {
		if strings.HasPrefix(c.ID, "GW-OLD") {
			t.Errorf("Checks() lists the alias %s as a check", c.ID)
		}
	}
}

func TestRegisterAliasPanics(t *testing.T) {
	tests := map[string]struct {
		checks     []string
		aliases    [][3]string
		aliasFirst bool
	}{
		"empty ID":            {aliases: [][3]string{{"", "GW-X-001", "n"}}},
		"empty target":        {aliases: [][3]string{{"GW-X-001", " ", "n"}}},
		"no note":             {aliases: [][3]string{{"GW-X-001", "GW-Y-001", ""}}},
		"itself":              {aliases: [][3]string{{"GW-X-001", "GW-X-001", "n"}}},
		"twice":               {aliases: [][3]string{{"GW-X-001", "GW-Y-001", "n"}, {"GW-X-001", "GW-Z-001", "n"}}},
		"a cycle":             {aliases: [][3]string{{"GW-X-001", "GW-Y-001", "n"}, {"GW-Y-001", "GW-X-001", "n"}}},
		"a check's ID":        {checks: []string{"GW-X-001"}, aliases: [][3]string{{"GW-X-001", "GW-Y-001", "n"}}},
		"a check after alias": {aliases: [][3]string{{"GW-X-001", "GW-Y-001", "n"}}, checks: []string{"GW-X-001"}, aliasFirst: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := &registry{checks: map[string]Check{}, aliases: map[string]CheckAlias{}}
			defer func() {
				if recover() == nil {
					t.Error("did not panic")
				}
			}()
			registerChecks := func() {
				for _, id := range tt.checks {
					r.register(Check{ID: id, Run: func(*estate.Estate) []Finding { return nil }})
				}
			}
			if !tt.aliasFirst {
				registerChecks()
			}
			for _, a := range tt.aliases {
				r.alias(CheckAlias{ID: a[0], Now: a[1], Note: a[2]})
			}
			registerChecks()
		})
	}
}

// TestSuppressByRetiredID: a suppression naming a retired check ID mutes
// the findings of the check that replaced it, and the run says to rename
// it, where.
func TestSuppressByRetiredID(t *testing.T) {
	now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
	f := Finding{CheckID: "GW-NEW-001", Severity: Medium, Resource: "trail/org (management eu-west-1)"}
	other := Finding{CheckID: "GW-NEW-002", Severity: Medium, Resource: "trail/org (management eu-west-1)"}
	r := Result{Findings: []Finding{f, other}}
	old := Suppression{CheckID: "GW-OLD-001", Resource: "trail/org *", Reason: "moving", Expires: date("2026-12-31"), Source: "s.yaml:3"}
	r.Suppress([]Suppression{old}, now)
	if len(r.Suppressed) != 1 || r.Suppressed[0].CheckID != "GW-NEW-001" || r.Suppressed[0].Suppression.CheckID != "GW-OLD-001" {
		t.Errorf("suppressed = %+v, want GW-NEW-001's finding muted by the GW-OLD-001 suppression", r.Suppressed)
	}
	if len(r.Findings) != 1 || r.Findings[0].CheckID != "GW-NEW-002" {
		t.Errorf("findings = %+v, want GW-NEW-002's alone", r.Findings)
	}
	want := "GW-OLD-001 is now GW-NEW-001: the fact is judged on every trail; rename it in s.yaml:3"
	if len(r.Notices) != 1 || r.Notices[0].Kind != NoticeRenamed || r.Notices[0].Message != want {
		t.Errorf("notices = %+v, want one %q: %q", r.Notices, NoticeRenamed, want)
	}

	// Renamed and matching nothing: both notices, the rename first.
	r = Result{Findings: []Finding{other}}
	r.Suppress([]Suppression{old}, now)
	var kinds []string
	for _, n := range r.Notices {
		kinds = append(kinds, n.Kind)
	}
	if !slices.Equal(kinds, []string{NoticeRenamed, NoticeUnused}) {
		t.Errorf("notices = %q, want renamed then unused", kinds)
	}
}

// TestParseSuppressionsAcceptsRetiredIDs: a retired ID is a known check
// when the check that replaced it is; an unknown ID is still refused.
func TestParseSuppressionsAcceptsRetiredIDs(t *testing.T) {
	known := func(id string) bool { return id == "GW-NEW-001" }
	src := "version: 1\nsuppressions:\n  - check: GW-OLD-001\n    reason: moving\n    expires: 2027-01-01\n" +
		"  - check: GW-OLDER-001\n    reason: moving\n    expires: 2027-01-01\n"
	got, err := ParseSuppressions("s.yaml", []byte(src), known)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].CheckID != "GW-OLD-001" || got[1].CheckID != "GW-OLDER-001" {
		t.Errorf("got %+v, want the IDs as written", got)
	}
	_, err = ParseSuppressions("s.yaml", []byte("version: 1\nsuppressions:\n  - check: GW-GONE-001\n    reason: x\n    expires: 2027-01-01\n"), known)
	if err == nil || !strings.Contains(err.Error(), `unknown check "GW-GONE-001"`) {
		t.Errorf("an unknown ID: %v", err)
	}
}
