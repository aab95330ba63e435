package audit

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestTaggingChecks(t *testing.T) {
	const org = "organization/o-abc123"
	tagPolicy := func(e *estate.Estate) *estate.Policy { return policyNamed(e, "groundwork-tagging") }
	runCases(t, guarded, map[string]checkCase{
		"001 passes on the root": {check: "GW-TAG-001"},
		"001 passes on every top-level OU": {
			check: "GW-TAG-001",
			edit: func(e *estate.Estate) {
				tagPolicy(e).Targets = []string{"Exceptions", "Infrastructure", "Sandbox", "Security", "Workloads"}
			},
		},
		"001 not enabled": {
			check: "GW-TAG-001",
			edit:  func(e *estate.Estate) { e.Org.EnabledPolicyTypes = []string{estate.PolicyTypeSCP} },
			want:  []string{org}, msg: "TAG_POLICY policy type is not enabled",
		},
		"001 attached nowhere": {
			check: "GW-TAG-001",
			edit:  func(e *estate.Estate) { tagPolicy(e).Targets = nil },
			want:  []string{org}, msg: "no tag policy is attached to the root or to any top-level OU",
		},
		"001 only nested OUs do not count": {
			check: "GW-TAG-001",
			edit:  func(e *estate.Estate) { tagPolicy(e).Targets = []string{"Workloads/Prod"} },
			want:  []string{org},
		},
		"001 an SCP is not a tag policy": {
			check: "GW-TAG-001",
			edit: func(e *estate.Estate) {
				delete(e.Org.Policies, estate.PolicyKey(estate.PolicyTypeTag, "groundwork-tagging"))
			},
			want: []string{org},
		},
		"001 some top-level OUs lack one": {
			check: "GW-TAG-001",
			edit:  func(e *estate.Estate) { tagPolicy(e).Targets = []string{"Infrastructure", "Security", "Workloads"} },
			want:  []string{"ou/Root/Exceptions", "ou/Root/Sandbox"}, msg: "no tag policy is attached to Root/Exceptions or to the root",
		},

		"002 passes": {check: "GW-TAG-002"},
		"002 passes for tags not read": {
			check: "GW-TAG-002",
			edit:  func(e *estate.Estate) { acct(e, "payments-dev").Tags = nil },
		},
		"002 other accounts need not": {
			check: "GW-TAG-002",
			edit: func(e *estate.Estate) {
				add(e, "777777777777", "network", "Infrastructure", estate.RoleNone, "").Tags = map[string]string{}
			},
		},
		"002 closing accounts are ignored": {
			check: "GW-TAG-002",
			edit: func(e *estate.Estate) {
				a := add(e, "777777777777", "old", "Workloads/Prod", estate.RoleWorkload, "prod")
				a.Tags, a.Status = map[string]string{}, "SUSPENDED"
			},
		},
		"002 untagged workload": {
			check: "GW-TAG-002",
			edit:  func(e *estate.Estate) { acct(e, "payments-dev").Tags = map[string]string{} },
			want:  []string{"account/555555555555 (payments-dev)"}, msg: "lacks the Owner and Environment tags",
		},
		"002 empty value and wrong case": {
			check: "GW-TAG-002",
			edit: func(e *estate.Estate) {
				acct(e, "payments-prod").Tags = map[string]string{"Owner": " ", "environment": "Prod"}
			},
			want: []string{"account/444444444444 (payments-prod)"},
			msg:  "lacks the Owner and Environment tags of the tagging dictionary (tag keys are case-sensitive; it has environment)",
		},
		"002 unannotated account under Workloads": {
			check: "GW-TAG-002",
			edit: func(e *estate.Estate) {
				add(e, "777777777777", "data", "Workloads/Apps", estate.RoleNone, "").Tags = map[string]string{"Owner": "data-team"}
			},
			want: []string{"account/777777777777 (data)"}, msg: "lacks the Environment tag of",
		},
	})
}
