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
		{Name: "Workloads", Policies: make([]string, MaxSCPsPerTarget+1)},
		{Name: "Exceptions"},
	})
	if len(got) != 2 || !strings.HasPrefix(got[0].Message, "Workloads ") || !strings.HasPrefix(got[1].Message, "Exceptions ") {
		t.Errorf("CheckTargets = %v", got)
	}
}
