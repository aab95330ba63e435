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
