package policy

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheckAttachmentLimit(t *testing.T) {
	for n := 1; n <= MaxSCPsPerTarget; n++ {
		if p := CheckAttachmentLimit("Workloads", n); p != nil {
			t.Errorf("CheckAttachmentLimit(%d) = %v, want nil", n, p)
		}
	}
	p := CheckAttachmentLimit("Workloads/Prod", MaxSCPsPerTarget+1)
	if p == nil || p.Statement != -1 || !strings.Contains(p.Error(), fmt.Sprintf("Workloads/Prod would have %d SCPs attached directly, FullAWSAccess included; AWS allows at most %d", MaxSCPsPerTarget+1, MaxSCPsPerTarget)) {
		t.Errorf("CheckAttachmentLimit(%d) = %v", MaxSCPsPerTarget+1, p)
	}
	if p := CheckAttachmentLimit("Sandbox", 0); p == nil || !strings.Contains(p.Message, "at least one") {
		t.Errorf("CheckAttachmentLimit(0) = %v", p)
	}
	got := CheckTargets([]Target{
		{Name: "Security", Policies: []string{"FullAWSAccess", "PreventMemberLeaveOrg"}},
		{Name: "Workloads", Policies: []string{"a", "b", "c", "d", "e", "FullAWSAccess"}},
		{Name: "Exceptions"},
	})
	// A target over the limit is named with its policies, so that the
	// reader sees which to combine.
	if len(got) != 2 || !strings.HasPrefix(got[0].Message, "Workloads (a, b, c, d, e, FullAWSAccess) would have 6 SCPs") ||
		!strings.HasPrefix(got[1].Message, "Exceptions would have no SCP") {
		t.Errorf("CheckTargets = %v", got)
	}
}
