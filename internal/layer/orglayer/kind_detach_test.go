package orglayer_test

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
)

// A detach that fails says it was detaching: "attach legacy to Workloads"
// on a delete sent readers looking for an attachment that never was.
func TestDetachErrorsSayDetach(t *testing.T) {
	org, l := newOrgLayerFakes()
	l.enable(scp)
	l.addPolicy("p-legacy", "legacy", scp, `{"Statement":[]}`, "ou-wl")
	actual := actualEstate(org, l)
	desired := desiredWith(func(ol *estate.OrgLayer) { ol.EnabledPolicyTypes = []string{scp} })
	ch := kindstest.Planned(t, desired, actual, orglayer.AttachmentAddress(scp, "legacy", "Workloads"))
	// An apply that knows no ID for the OU (it was not seeded with the
	// estate read) cannot name the target.
	err := kindstest.ApplyChange(t, orgLayerEnv(t, org, l), ch)
	if err == nil {
		t.Fatal("the detach succeeded without the OU's ID")
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "detach legacy from Workloads: ") || strings.Contains(msg, "attach legacy to") {
		t.Errorf("detach error %q, want it worded as a detach", msg)
	}
}
