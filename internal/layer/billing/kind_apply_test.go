package billing_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/billing"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// billingChange returns the plan's change of a kind.
func billingChange(t *testing.T, p *plan.Plan, kind string) plan.Change {
	t.Helper()
	for _, ch := range p.Changes {
		if ch.Kind == kind {
			return ch
		}
	}
	t.Fatalf("no %s change in %v", kind, billingAddresses(p))
	return plan.Change{}
}

// A budget made between plan and apply (an interrupted run, someone in
// the console) is adopted: CreateBudget answers DuplicateRecordException,
// and apply puts the limit (UpdateBudget, a moto gap) and adds the
// notifications it lacks.
func TestApplyBudgetAdoptsOneMadeSinceThePlan(t *testing.T) {
	desired, actual := billingEstates(t, billingSpec)
	create := billingChange(t, billingPlan(t, desired, actual), billing.KindBudget)
	f := newBillingFake(billingMgmt)
	f.budgets[billingBudget] = &billingFakeBudget{
		def: budgettypes.Budget{BudgetName: aws.String(billingBudget), BudgetType: "COST", TimeUnit: "MONTHLY",
			BudgetLimit: &budgettypes.Spend{Amount: aws.String("5"), Unit: aws.String("USD")}},
		notifications: []*billingFakeNotification{{
			n:    budgettypes.Notification{NotificationType: "ACTUAL", ComparisonOperator: "GREATER_THAN", Threshold: 80, ThresholdType: "PERCENTAGE"},
			subs: []budgettypes.Subscriber{{SubscriptionType: "SNS", Address: aws.String(billingHomeARN)}}}},
	}
	if err := kindstest.ApplyChange(t, billingEnv(t, f, actual), create); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"CreateBudget": 1, "UpdateBudget": 1, "CreateNotification": 1}
	if got := f.writes(); !reflect.DeepEqual(got, want) {
		t.Errorf("writes %v, want %v", got, want)
	}
	observed := f.observe(actual, &estate.Billing{})
	if b := observed.Billing.Budgets[billingBudget]; b.Limit != "1000" || len(b.Notifications) != 2 {
		t.Errorf("adopted budget %+v", b)
	}
}

// A report made between plan and apply is modified instead
// (DuplicateReportNameException; the Cost and Usage Report API is a moto
// gap).
func TestApplyCostReportMadeSinceThePlanIsModified(t *testing.T) {
	desired, actual := billingEstates(t, billingSpec)
	create := billingChange(t, billingPlan(t, desired, actual), billing.KindCostReport)
	f := newBillingFake(billingMgmt)
	f.reports[billing.DefaultCostReport] = f.reports["x"] // the zero definition, under the name
	if err := kindstest.ApplyChange(t, billingEnv(t, f, actual), create); err != nil {
		t.Fatal(err)
	}
	if got, want := f.writes(), map[string]int{"PutReportDefinition": 1, "ModifyReportDefinition": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("writes %v, want %v", got, want)
	}
	r := f.reports[billing.DefaultCostReport]
	if r.TimeUnit != "HOURLY" || aws.ToString(r.S3Bucket) != billingBucket || aws.ToString(r.S3Prefix) != "cur-hourly" ||
		len(r.AdditionalArtifacts) != 1 || r.AdditionalArtifacts[0] != "ATHENA" {
		t.Errorf("report %+v", r)
	}
}

// Cost allocation tags (a moto gap): apply reads the keys' status first,
// activates the inactive ones 20 at a time, and leaves the keys AWS has
// not seen for a later apply.
func TestApplyCostAllocationTagsInBatches(t *testing.T) {
	var keys []string
	for i := range 45 {
		keys = append(keys, fmt.Sprintf("Key%02d", i))
	}
	src := strings.Replace(billingSpec, "units: {Security: {}}\n", "units: {Security: {}}\ntagging: {required: ["+strings.Join(keys, ", ")+"], values: {}}\n", 1)
	desired, actual := billingEstates(t, src)
	// Planned before the billing layer was read: every key.
	ch := billingChange(t, billingPlan(t, desired, actual), billing.KindCostAllocationTags)
	if ch.Action != plan.Create || len(ch.After) != 46 {
		t.Fatalf("change %s with %d attributes", ch.Action, len(ch.After))
	}
	f := newBillingFake(billingMgmt)
	for _, k := range keys[:43] {
		f.tags[k] = cetypes.CostAllocationTagStatusInactive
	}
	f.tags[keys[43]] = cetypes.CostAllocationTagStatusActive
	if err := kindstest.ApplyChange(t, billingEnv(t, f, actual), ch); err != nil {
		t.Fatal(err)
	}
	if got := f.count("UpdateCostAllocationTagsStatus"); got != 3 {
		t.Errorf("UpdateCostAllocationTagsStatus called %d times, want 3 (20, 20, 3 keys)", got)
	}
	for _, k := range keys[:44] {
		if f.tags[k] != cetypes.CostAllocationTagStatusActive {
			t.Errorf("%s is %s", k, f.tags[k])
		}
	}
	if _, ok := f.tags[keys[44]]; ok {
		t.Errorf("an unseen key was activated")
	}
}

// billingTagErrors is Cost Explorer answering every activation with a
// per-key error, as UpdateCostAllocationTagsStatus does for a key it
// cannot activate.
type billingTagErrors struct{ billingFakeCostTags }

func (c billingTagErrors) UpdateCostAllocationTagsStatus(_ context.Context, in *costexplorer.UpdateCostAllocationTagsStatusInput, _ ...func(*costexplorer.Options)) (*costexplorer.UpdateCostAllocationTagsStatusOutput, error) {
	out := &costexplorer.UpdateCostAllocationTagsStatusOutput{}
	for _, e := range in.CostAllocationTagsStatus {
		out.Errors = append(out.Errors, cetypes.UpdateCostAllocationTagsStatusError{TagKey: e.TagKey,
			Code: aws.String("TagKeysNotFoundException"), Message: aws.String("gone")})
	}
	return out, nil
}

type billingTagErrorClients struct{ billingFakeClients }

func (c billingTagErrorClients) CostAllocationTags() billing.CostAllocationTagsAPI {
	return billingTagErrors{billingFakeCostTags{c.f}}
}

func TestApplyCostAllocationTagsReportsPerKeyErrors(t *testing.T) {
	f, desired, actual := billingBuilt(t)
	f.tags["Owner"] = cetypes.CostAllocationTagStatusInactive
	ch := billingChange(t, billingPlan(t, desired, f.observe(actual, desired.Billing)), billing.KindCostAllocationTags)
	env := billingEnv(t, f, actual)
	kinds.SetClients[billing.Clients](env, billingTagErrorClients{billingFakeClients{f}})
	err := kindstest.ApplyChange(t, env, ch)
	if err == nil || !strings.Contains(err.Error(), "Owner: TagKeysNotFoundException gone") {
		t.Errorf("error %v, want the per-key error", err)
	}
}

// Every billing change needs the management account's ID, which only the
// organization gives.
func TestApplyBillingWithoutTheOrganizationFails(t *testing.T) {
	desired, _ := billingEstates(t, billingSpec)
	// As planned before the organization existed: references stay.
	p := kinds.Plan(desired, estate.New())
	env := billingEnv(t, newBillingFake(billingMgmt), estate.New())
	for _, kind := range []string{billing.KindBudget, billing.KindBillingAlarm, billing.KindBillingTopic, billing.KindCostReport} {
		ch := billingChange(t, p, kind)
		if !strings.Contains(fmt.Sprintf("%#v", ch.Value), estate.AccountIDRef(estate.ManagementKey)) {
			t.Errorf("%s: the value %+v holds no reference to the management account's ID", ch.Address, ch.Value)
		}
		if err := kindstest.ApplyChange(t, env, ch); err == nil {
			t.Errorf("%s applied without the management account's ID", ch.Address)
		}
	}
}
