package orglayer_test

import (
	"context"
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// TestOrgLayerSavedPlanRoundTrips applies the plan Diff made and the same
// plan saved and read back, each to fakes in the same state, and wants the
// same writes from both: every kind's typed value survives plan.json whole.
func TestOrgLayerSavedPlanRoundTrips(t *testing.T) {
	tests := map[string]struct {
		setup func(l *fakeOrgLayer) // what AWS holds before the apply
		kinds []string              // the kinds the plan must exercise
	}{
		"created": {
			kinds: []string{orglayer.KindPolicyType, orglayer.KindPolicy, orglayer.KindAttachment,
				orglayer.KindTrustedAccess, orglayer.KindDelegatedAdmin, orglayer.KindContact},
		},
		"updated and deleted": {
			setup: func(l *fakeOrgLayer) {
				l.enable(scp)
				l.trusted[configSvc], l.trusted[ssoSvc] = true, true
				l.addPolicy(baselineID, "baseline", scp, `{"Version":"2012-10-17","Statement":[]}`, "r-root")
				l.addPolicy("p-old", "old", scp, baselineDoc, "ou-sec")
				l.admins[configSvc] = kindstest.PaymentsID
				l.contacts[kindstest.ManagementID] = map[string]estate.Contact{estate.ContactSecurity: logSecurity}
			},
			kinds: []string{orglayer.KindPolicy, orglayer.KindAttachment, orglayer.KindDelegatedAdmin, orglayer.KindContact},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fakes := func() (*kindstest.FakeOrg, *fakeOrgLayer) {
				org, l := newOrgLayerFakes()
				if tt.setup != nil {
					tt.setup(l)
				}
				return org, l
			}
			desired := desiredOrgEstate()
			// Member accounts' contacts need trusted access for the
			// account management service.
			desired.Org.TrustedServices = append(desired.Org.TrustedServices, "account.amazonaws.com")
			org, l := fakes()
			p := kinds.Plan(desired, actualEstate(org, l))
			actions := map[string][]plan.Action{}
			for _, ch := range p.Changes {
				actions[ch.Kind] = append(actions[ch.Kind], ch.Action)
			}
			for _, kind := range tt.kinds {
				if len(actions[kind]) == 0 {
					t.Errorf("the plan has no %s change", kind)
				}
			}
			saved := kindstest.Saved(t, p)
			inMemory := roundTripWrites(t, org, l, p)
			org, l = fakes()
			fromFile := roundTripWrites(t, org, l, saved)
			if len(inMemory) == 0 {
				t.Fatal("the plan wrote nothing")
			}
			if !slices.Equal(inMemory, fromFile) {
				t.Errorf("the saved plan writes otherwise:\n in memory %q\n from file %q", inMemory, fromFile)
			}
		})
	}
}

// roundTripWrites applies p to the fakes, deletes allowed, one change at a
// time so that IDs are handed out in the same order, and returns the
// writes, sorted.
func roundTripWrites(t *testing.T, org *kindstest.FakeOrg, l *fakeOrgLayer, p *plan.Plan) []string {
	t.Helper()
	env := orgLayerEnv(t, org, l)
	env.Seed(actualEstate(org, l))
	if rep, err := apply.Run(context.Background(), env, p, apply.Options{Width: 1, AllowDelete: true}); err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
	checkNoRefusals(t, l)
	writes := l.writeLog()
	slices.Sort(writes)
	return writes
}
