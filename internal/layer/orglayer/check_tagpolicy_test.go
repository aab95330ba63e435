package orglayer

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestTagPolicyCheck(t *testing.T) {
	const org = "organization/o-abc123"
	tagPolicy := func(e *estate.Estate) *estate.Policy { return policyNamed(e, "groundwork-tagging") }
	audittest.RunCases(t, guarded, map[string]audittest.Case{
		"001 passes on the root": {Check: "GW-TAG-001"},
		"001 passes on every top-level OU": {
			Check: "GW-TAG-001",
			Edit: func(e *estate.Estate) {
				tagPolicy(e).Targets = []string{"Exceptions", "Infrastructure", "Sandbox", "Security", "Workloads"}
			},
		},
		"001 not enabled": {
			Check: "GW-TAG-001",
			Edit:  func(e *estate.Estate) { e.Org.EnabledPolicyTypes = []string{estate.PolicyTypeSCP} },
			Want:  []string{org}, Msg: "TAG_POLICY policy type is not enabled",
		},
		"001 attached nowhere": {
			Check: "GW-TAG-001",
			Edit:  func(e *estate.Estate) { tagPolicy(e).Targets = nil },
			Want:  []string{org}, Msg: "no tag policy is attached to the root or to any top-level OU",
		},
		"001 only nested OUs do not count": {
			Check: "GW-TAG-001",
			Edit:  func(e *estate.Estate) { tagPolicy(e).Targets = []string{"Workloads/Prod"} },
			Want:  []string{org},
		},
		"001 an SCP is not a tag policy": {
			Check: "GW-TAG-001",
			Edit: func(e *estate.Estate) {
				delete(e.Org.Policies, estate.PolicyKey(estate.PolicyTypeTag, "groundwork-tagging"))
			},
			Want: []string{org},
		},
		"001 some top-level OUs lack one": {
			Check: "GW-TAG-001",
			Edit:  func(e *estate.Estate) { tagPolicy(e).Targets = []string{"Infrastructure", "Security", "Workloads"} },
			Want:  []string{"ou/Root/Exceptions", "ou/Root/Sandbox"}, Msg: "no tag policy is attached to Root/Exceptions or to the root",
		},
	})
}
