package orglayer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

// A tag policy declared from a file is a TAG_POLICY of the desired estate
// with its attachments: plan creates and attaches it where it is missing,
// and plans nothing for it where it is live as declared.
func TestPlanTagPolicyFromFile(t *testing.T) {
	f, err := loadDir(t, spectest.Minimal+"tagging: {policy: {disabled: true}}\npolicies:\n  scps: {}\n  tag_policies:\n"+
		"    cost: {file: tag-policies/cost.json, description: Cost centers, attach: [Workloads, management]}\n",
		map[string]string{"tag-policies/cost.json": costTagPolicy})
	if err != nil {
		t.Fatal(err)
	}
	desired := f.Desired()
	key := estate.PolicyKey(estate.PolicyTypeTag, "cost")
	p := desired.Org.Policies[key]
	if p == nil {
		t.Fatalf("no tag policy cost in %v", desired.Org.Policies)
	}
	mgmt := estate.EmailKey(f.Organization.Management.Email)
	if p.Content != costTagPolicy || p.Description != "Cost centers" || !slices.Equal(p.Targets, []string{"Workloads", mgmt}) {
		t.Errorf("tag policy = %+v", p)
	}
	if !slices.Contains(desired.Org.EnabledPolicyTypes, estate.PolicyTypeTag) {
		t.Errorf("policy types = %v: tag policies are not enabled", desired.Org.EnabledPolicyTypes)
	}
	costChanges := func(actual *estate.Estate) []string {
		var out []string
		for _, ch := range kinds.Plan(desired, actual).Changes {
			if strings.Contains(ch.Address, "cost") && !ch.Adopt {
				out = append(out, fmt.Sprint(ch.Action, " ", ch.Address))
			}
		}
		slices.Sort(out)
		return out
	}

	// Missing: created and attached to both targets.
	missing := f.Desired()
	delete(missing.Org.Policies, key)
	want := []string{
		fmt.Sprint(plan.Create, " ", orglayer.AttachmentAddress(estate.PolicyTypeTag, "cost", "Workloads")),
		fmt.Sprint(plan.Create, " ", orglayer.AttachmentAddress(estate.PolicyTypeTag, "cost", mgmt)),
		fmt.Sprint(plan.Create, " ", orglayer.PolicyAddress(estate.PolicyTypeTag, "cost")),
	}
	slices.Sort(want)
	if got := costChanges(missing); !slices.Equal(got, want) {
		t.Errorf("changes = %q, want %q", got, want)
	}

	// Live as declared (another layout of the same document): nothing.
	live := f.Desired()
	lp := live.Org.Policies[key]
	lp.ID, lp.Source = "p-cost", ""
	lp.Content = "{\n  \"tags\": {\"costcenter\": {\"tag_value\": {\"@@append\": [\"100\", \"200\"]}, \"tag_key\": {\"@@assign\": \"CostCenter\"}}}\n}\n"
	if got := costChanges(live); len(got) != 0 {
		t.Errorf("changes for a live tag policy as declared: %q", got)
	}
}
