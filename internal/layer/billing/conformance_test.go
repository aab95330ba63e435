package billing_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/billing"
)

// Every billing kind passes the kinds conformance suite, from nothing
// and from a billing layer drifted in every kind.
func TestConformance(t *testing.T) {
	desired := func() *estate.Estate { d, _ := billingEstates(t, billingSpec); return d }
	fake := func(f *billingFake) kindstest.Fake {
		_, base := billingEstates(t, billingSpec)
		return kindstest.FakeFuncs{
			InstallFunc: func(env *kinds.Env) {
				kinds.SetClients[billing.Clients](env, billingFakeClients{f})
				kinds.SetClients(env, f.keys.Clients())
			},
			ObserveFunc: func() *estate.Estate { return f.observe(base, desired().Billing) },
			WritesFunc: func() int {
				n := 0
				for _, c := range f.writes() {
					n += c
				}
				return n
			},
		}
	}
	starts := []kindstest.Start{
		{Name: "nothing", New: func(t *testing.T) kindstest.Fake { return fake(billingFakeWithTags()) }},
		{Name: "drifted", New: func(t *testing.T) kindstest.Fake {
			f, _, _ := billingBuilt(t)
			b := f.budgets[billingBudget]
			b.def.BudgetLimit.Amount = aws.String("2000")
			b.notifications[0].subs = []budgettypes.Subscriber{{SubscriptionType: "EMAIL", Address: aws.String("me@example.com")}}
			f.topics[billingHomeARN].policy = `{"Id":"__default_policy_ID"}`
			f.topics[billingEastARN].subs = nil
			a := f.alarms[billing.DefaultBillingAlarm]
			a.Threshold, a.AlarmActions = aws.Float64(5000), nil
			r := f.reports[billing.DefaultCostReport]
			r.TimeUnit = "DAILY"
			f.reports[billing.DefaultCostReport] = r
			f.keys.Bucket(billingBucket).Policy = ""
			f.tags["Owner"] = cetypes.CostAllocationTagStatusInactive
			return fake(f)
		}},
	}
	var cases []kindstest.Case
	for _, kind := range billingKinds {
		cases = append(cases, kindstest.Case{Kind: kind, Desired: desired, Starts: starts})
	}
	kindstest.RunPackage(t, "github.com/groundwork-aws/groundwork/internal/layer/billing", cases)
}
