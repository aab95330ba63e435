package audit_test

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

func TestSetUnreadKeepsTheChecksThatReadItFromPassing(t *testing.T) {
	none := func(*estate.Estate) []audit.Finding { return nil }
	r := audit.Result{
		Checks: []audit.Check{
			{ID: "GW-T-001", Run: none},                                                    // core: reads nothing
			{ID: "GW-T-002", Reads: []string{"hardening"}, Run: none},                      // not read anywhere
			{ID: "GW-T-003", Reads: []string{"organization/policies"}, Run: none},          // its part was read
			{ID: "GW-T-004", Reads: []string{"organization"}, Run: none},                   // a part of it was not
			{ID: "GW-T-005", Reads: []string{"posture/kms", "hardening/roots"}, Run: none}, // failed, and not evaluated
		},
		Findings: []audit.Finding{{CheckID: "GW-T-005", Resource: "key/1"}},
	}
	hardening := inventory.Unread{Read: "hardening", Code: "AccessDenied"}
	contacts := inventory.Unread{Read: "organization/contacts", Account: "1"}
	r.SetUnread([]inventory.Unread{contacts, hardening, hardening})

	if r.Complete() || len(r.Unread) != 2 || r.Unread[0] != hardening {
		t.Errorf("Unread = %+v, want hardening then contacts, once each", r.Unread)
	}
	want := map[string]audit.Status{
		"GW-T-001": audit.StatusPassed, "GW-T-002": audit.StatusNotEvaluated, "GW-T-003": audit.StatusPassed,
		"GW-T-004": audit.StatusNotEvaluated, "GW-T-005": audit.StatusFailed,
	}
	for id, st := range want {
		if got := r.Status(id); got != st {
			t.Errorf("Status(%s) = %s, want %s", id, got, st)
		}
	}
	if got := r.NotEvaluated["GW-T-005"]; len(got) != 1 || got[0] != hardening {
		t.Errorf("GW-T-005 not evaluated for %+v, want the hardening layer", got)
	}
	if ev, not := r.Evaluated(); ev != 3 || not != 2 {
		t.Errorf("Evaluated = %d, %d; want 3, 2", ev, not)
	}
}

// A part not named (an error no layer claimed) keeps every check that
// reads anything from passing, and the core checks run as ever.
func TestUnnamedUnreadCoversEveryLayerCheck(t *testing.T) {
	none := func(*estate.Estate) []audit.Finding { return nil }
	r := audit.Result{Checks: []audit.Check{{ID: "GW-T-001", Run: none}, {ID: "GW-T-002", Reads: []string{"network"}, Run: none}}}
	r.SetUnread([]inventory.Unread{{Message: "boom"}})
	if r.Status("GW-T-001") != audit.StatusPassed || r.Status("GW-T-002") != audit.StatusNotEvaluated {
		t.Errorf("statuses %s, %s", r.Status("GW-T-001"), r.Status("GW-T-002"))
	}
}

func TestRunWithoutUnreadIsComplete(t *testing.T) {
	r := audit.Run(estate.New())
	if !r.Complete() || r.NotEvaluated != nil {
		t.Errorf("a run told of nothing unread is incomplete: %+v", r.Unread)
	}
	r = audit.Run(estate.New(), inventory.Unread{Read: audit.ReadPlan + "/hardening", Code: "AccessDenied"})
	if r.Complete() || r.Status("GW-DRF-001") != audit.StatusNotEvaluated {
		t.Errorf("a layer the plan could not compare leaves drift %s", r.Status("GW-DRF-001"))
	}
}

// A check that cannot be judged on the estate (Check.Needs) is not run
// and is not evaluated, with its reason, whatever its Run would say; it
// leaves the audit complete, since nothing went unread.
func TestNeedsKeepsAnUnjudgeableCheckFromPassing(t *testing.T) {
	fires := func(*estate.Estate) []audit.Finding { return []audit.Finding{{Resource: "x"}} }
	noSpec := func(e *estate.Estate) string {
		if e.HomeRegion == "" {
			return "the home Region is named in foundation.yaml"
		}
		return ""
	}
	cs := []audit.Check{
		{ID: "GW-T-001", Needs: noSpec, Run: fires},
		{ID: "GW-T-002", Run: fires},
	}
	r := audit.RunChecks(cs, estate.New(), nil)
	if got := r.Status("GW-T-001"); got != audit.StatusNotEvaluated {
		t.Errorf("Status(GW-T-001) = %s, want not evaluated", got)
	}
	if r.Unjudged["GW-T-001"] != "the home Region is named in foundation.yaml" {
		t.Errorf("Unjudged = %v", r.Unjudged)
	}
	if len(r.Findings) != 1 || r.Findings[0].CheckID != "GW-T-002" || !r.Complete() {
		t.Errorf("findings %+v, complete %v; want GW-T-002's alone, complete", r.Findings, r.Complete())
	}
	if ev, not := r.Evaluated(); ev != 1 || not != 1 {
		t.Errorf("Evaluated = %d, %d; want 1, 1", ev, not)
	}

	e := estate.New()
	e.HomeRegion = "eu-west-1"
	if r := audit.RunChecks(cs, e, nil); len(r.Findings) != 2 || r.Unjudged != nil {
		t.Errorf("with a home Region: findings %+v, unjudged %v; want both checks judged", r.Findings, r.Unjudged)
	}
}
