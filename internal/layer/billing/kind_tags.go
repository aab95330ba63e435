package billing

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindCostAllocationTags activates the tagging dictionary's keys as cost
// allocation tags in the management account (guidance 000 "Enable Cost
// Allocation Tags"), so that Cost Explorer and the Cost and Usage Report
// break costs down by them. AWS can activate a user-defined key only
// after it has seen it on a resource (up to 24 hours after tagging): such
// keys are noted, not planned, and a later apply activates them. Apply
// reads the keys' status again first and activates those still inactive;
// activating an active key changes nothing, so the change is idempotent.
// groundwork never deactivates a tag. moto 5.2 has no cost allocation tag
// API: the kinds tests cover it with a fake.
const KindCostAllocationTags = "cost-allocation-tags"

// CostAllocationTagsAddress is the address of the management account's
// cost allocation tags.
const CostAllocationTagsAddress = KindCostAllocationTags + "/" + estate.ManagementKey

// The limits of the Cost Explorer calls: UpdateCostAllocationTagsStatus
// takes 20 keys, ListCostAllocationTags filters on 100.
const (
	costTagsUpdateBatch = 20
	costTagsListBatch   = 100
)

const costTagPrefix = "tag."

// costAllocationTagsValue lists the keys a change activates, as far as
// AWS has seen them by the time it applies.
type costAllocationTagsValue struct {
	Keys []string `json:"keys"`
}

func init() {
	kinds.Register(kinds.Registration{Name: KindCostAllocationTags, Diff: diffCostAllocationTags, Apply: applyCostAllocationTags})
}

func diffCostAllocationTags(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Billing == nil || desired.Billing.CostAllocationTags == nil {
		return nil, nil
	}
	want := desired.Billing.CostAllocationTags
	ch := plan.Change{Address: CostAllocationTagsAddress, Kind: KindCostAllocationTags,
		Group: kinds.UnitOf(desired, estate.ManagementKey), After: plan.Attrs{"account": estate.ManagementKey}, DependsOn: billingDeps()}
	if actual.Billing == nil {
		// Nothing read (no organization yet): every key, as far as is
		// known; apply activates those AWS has seen by then.
		keys := slices.Sorted(maps.Keys(want))
		for _, k := range keys {
			ch.After[costTagPrefix+k] = estate.CostTagActive
		}
		ch.Action = plan.Create
		return []plan.Change{plan.SetValue(ch, costAllocationTagsValue{Keys: keys})}, nil
	}
	have := actual.Billing.CostAllocationTags
	if have == nil {
		return nil, []string{"cost allocation tags: their status was not read, so they are not planned"}
	}
	ch.Before = plan.Attrs{"account": estate.ManagementKey}
	var unseen, inactive []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		switch have[k] {
		case estate.CostTagActive:
		case estate.CostTagInactive:
			inactive = append(inactive, k)
			ch.Before[costTagPrefix+k] = estate.CostTagInactive
			ch.After[costTagPrefix+k] = estate.CostTagActive
		default:
			unseen = append(unseen, k)
		}
	}
	var notes []string
	if len(unseen) > 0 {
		notes = append(notes, fmt.Sprintf("cost allocation tags %s: AWS has not seen these keys on any resource yet and can activate "+
			"a key only after it has (up to 24 hours after tagging); a later apply activates them", strings.Join(unseen, ", ")))
	}
	if len(inactive) == 0 {
		return nil, notes
	}
	ch.Action = plan.Update
	ch.Reason = "inactive cost allocation tags"
	return []plan.Change{plan.SetValue(ch, costAllocationTagsValue{Keys: inactive})}, notes
}

func applyCostAllocationTags(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[costAllocationTagsValue](ch)
	if err != nil {
		return err
	}
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	keys := v.Keys
	api := cl.CostAllocationTags()
	status, err := costTagStatus(ctx, api, keys)
	if err != nil {
		return err
	}
	var inactive, unseen []string
	for _, k := range keys {
		switch status[k] {
		case estate.CostTagActive:
		case estate.CostTagInactive:
			inactive = append(inactive, k)
		default:
			unseen = append(unseen, k)
		}
	}
	if len(unseen) > 0 {
		env.Logf("cost allocation tags %s: not seen on any resource yet; a later apply activates them", strings.Join(unseen, ", "))
	}
	for start := 0; start < len(inactive); start += costTagsUpdateBatch {
		batch := inactive[start:min(start+costTagsUpdateBatch, len(inactive))]
		in := &costexplorer.UpdateCostAllocationTagsStatusInput{}
		for _, k := range batch {
			in.CostAllocationTagsStatus = append(in.CostAllocationTagsStatus,
				types.CostAllocationTagStatusEntry{TagKey: aws.String(k), Status: types.CostAllocationTagStatusActive})
		}
		out, err := api.UpdateCostAllocationTagsStatus(ctx, in)
		if err != nil {
			return fmt.Errorf("activate cost allocation tags %s: %w", strings.Join(batch, ", "), err)
		}
		if len(out.Errors) > 0 {
			var msgs []string
			for _, e := range out.Errors {
				msgs = append(msgs, fmt.Sprintf("%s: %s %s", aws.ToString(e.TagKey), aws.ToString(e.Code), aws.ToString(e.Message)))
			}
			return fmt.Errorf("activate cost allocation tags: %s", strings.Join(msgs, "; "))
		}
	}
	return nil
}

// costTagStatus reads the status of the user-defined keys; a key AWS does
// not list is absent from the result.
func costTagStatus(ctx context.Context, api CostAllocationTagsAPI, keys []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(keys); start += costTagsListBatch {
		batch := keys[start:min(start+costTagsListBatch, len(keys))]
		pages := costexplorer.NewListCostAllocationTagsPaginator(api, &costexplorer.ListCostAllocationTagsInput{
			TagKeys: batch, Type: types.CostAllocationTagTypeUserDefined})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("read cost allocation tags: %w", err)
			}
			for _, t := range page.CostAllocationTags {
				out[aws.ToString(t.TagKey)] = string(t.Status)
			}
		}
	}
	return out, nil
}
