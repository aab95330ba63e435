package all_test

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer"
	_ "github.com/groundwork-aws/groundwork/internal/layer/all"
)

func TestPlanViewHidesLayersThePlanDoesNotRead(t *testing.T) {
	actual := estate.New()
	actual.Org, actual.Logging, actual.Hardening = &estate.OrgLayer{}, estate.NewLogging(), estate.NewHardening()
	desired := estate.New()
	desired.Hardening = estate.NewHardening()
	v := layer.PlanView(actual, layer.WantedBy(desired))
	if v.Org != nil || v.Logging != nil || v.Hardening == nil {
		t.Errorf("plan view: org %v logging %v hardening %v", v.Org, v.Logging, v.Hardening)
	}
	if actual.Org == nil || actual.Logging == nil {
		t.Error("PlanView changed the audited estate")
	}
}

// A desired estate asks for exactly the layers it holds, in read order:
// the organization layer before logging, logging before monitoring, which
// watches its trail.
func TestWantedByFollowsTheDesiredEstate(t *testing.T) {
	desired := estate.New()
	if got := layer.WantedBy(desired); len(got) != 0 {
		t.Errorf("an empty desired estate wants %v", got)
	}
	desired.Org, desired.Logging, desired.Monitoring = estate.NewOrgLayer(), estate.NewLogging(), estate.NewMonitoring()
	desired.Billing, desired.Hardening = estate.NewBilling(), estate.NewHardening()
	got := layer.WantedBy(desired)
	want := []string{"organization", "logging", "monitoring", "billing", "hardening"}
	if len(got) != len(want) {
		t.Fatalf("WantedBy = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("WantedBy = %v, want %v", got, want)
		}
	}
	desired = estate.New()
	desired.Accounts["a@example.com"] = &estate.Account{Contacts: map[string]estate.Contact{}}
	if got := layer.WantedBy(desired); len(got) != 1 || got[0] != "organization" {
		t.Errorf("contacts alone: WantedBy = %v, want the organization layer", got)
	}
}
