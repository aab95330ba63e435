package billing_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/billing"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// billingSpec builds every part of the billing layer, in a home Region
// other than us-east-1 so that the billing alarm needs a topic of its own.
const billingSpec = `version: 1
organization: {id: primary, email_domain: example.com, home_region: eu-west-1}
units: {Security: {}}
billing:
  topic: {subscribers: [finance@example.com]}
  budget: {monthly_usd: 1000}
  billing_alarm: {threshold_usd: 500}
`

const (
	billingMgmt    = "111111111111"
	billingHomeARN = "arn:aws:sns:eu-west-1:" + billingMgmt + ":groundwork-billing-notifications"
	billingEastARN = "arn:aws:sns:us-east-1:" + billingMgmt + ":groundwork-billing-notifications"
	billingBucket  = "aws-cur-" + billingMgmt + "-eu-west-1"
	billingBudget  = "groundwork-monthly-cost"
	actualTrigger  = "ACTUAL/GREATER_THAN/80/PERCENTAGE"
	forecastTrig   = "FORECASTED/GREATER_THAN/100/PERCENTAGE"
)

var billingKinds = []string{billing.KindBillingTopic, billing.KindBudget, billing.KindBillingAlarm,
	billing.KindCostReportBucket, billing.KindCostReport, billing.KindCostAllocationTags}

// billingEstates returns the desired estate of src and an actual estate
// where the organization exists and nothing of the billing layer does.
func billingEstates(t *testing.T, src string) (desired, actual *estate.Estate) {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	actual = estate.New()
	actual.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: billingMgmt}
	actual.Units["Security"] = &estate.Unit{ID: "ou-1", Path: "Security"}
	return f.Desired(), actual
}

// billingPlan is the plan's billing changes, and its billing notes.
func billingPlan(t *testing.T, desired, actual *estate.Estate) *plan.Plan {
	t.Helper()
	p := kinds.Plan(desired, actual)
	var changes []plan.Change
	for _, ch := range p.Changes {
		if slices.Contains(billingKinds, ch.Kind) {
			changes = append(changes, ch)
		}
	}
	p.Changes = changes
	if err := p.Validate(); err != nil {
		t.Fatalf("billing changes do not stand alone: %v", err)
	}
	return p
}

func billingAddresses(p *plan.Plan) []string {
	var out []string
	for _, ch := range p.Changes {
		out = append(out, ch.Action.String()+" "+ch.Address)
	}
	return out
}

// billingFakeWithTags is the fake with the tagging dictionary's keys seen
// by billing and inactive, as in an account whose resources carry them.
func billingFakeWithTags() *billingFake {
	f := newBillingFake(billingMgmt)
	for _, k := range spec.DefaultTagKeys {
		f.tags[k] = cetypes.CostAllocationTagStatusInactive
	}
	return f
}

func billingEnv(t *testing.T, f *billingFake, actual *estate.Estate) *kinds.Env {
	env := &kinds.Env{Log: t.Logf}
	kinds.SetClients[billing.Clients](env, billingFakeClients{f})
	kinds.SetClients(env, f.keys.Clients())
	env.SeedActual(actual)
	return env
}

// billingApply applies the plan with the fakes and fails the test on any
// failed change.
func billingApply(t *testing.T, f *billingFake, actual *estate.Estate, p *plan.Plan) {
	t.Helper()
	rep, err := apply.Run(context.Background(), billingEnv(t, f, actual), p, apply.Options{})
	if err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
	if n := rep.Count(apply.Applied); n != len(p.Changes) {
		t.Fatalf("%d of %d changes applied: %+v", n, len(p.Changes), rep)
	}
}

// billingBuilt applies billingSpec to a fresh fake and returns it with the
// estates.
func billingBuilt(t *testing.T) (f *billingFake, desired, actual *estate.Estate) {
	t.Helper()
	desired, actual = billingEstates(t, billingSpec)
	f = billingFakeWithTags()
	billingApply(t, f, actual, billingPlan(t, desired, actual))
	f.resetCalls()
	return f, desired, actual
}

func TestPlanBillingCreate(t *testing.T) {
	desired, actual := billingEstates(t, billingSpec)
	p := billingPlan(t, desired, actual)
	want := []string{
		"create billing-alarm/us-east-1/groundwork-estimated-charges",
		"create billing-topic/eu-west-1/groundwork-billing-notifications",
		"create billing-topic/us-east-1/groundwork-billing-notifications",
		"create budget/groundwork-monthly-cost",
		"create cost-allocation-tags/management",
		"create cost-report-bucket/" + billingBucket,
		"create cost-report/groundwork-cur-hourly",
	}
	if got := billingAddresses(p); !reflect.DeepEqual(got, want) {
		t.Fatalf("changes\n%v\nwant\n%v", got, want)
	}
	deps := map[string][]string{
		billing.BudgetAddress(billingBudget):                                  {billing.BillingTopicAddress("eu-west-1", billing.DefaultBillingTopic)},
		billing.BillingAlarmAddress("us-east-1", billing.DefaultBillingAlarm): {billing.BillingTopicAddress("us-east-1", billing.DefaultBillingTopic)},
		billing.CostReportAddress(billing.DefaultCostReport):                  {billing.CostReportBucketAddress(billingBucket)},
	}
	for _, ch := range p.Changes {
		if !reflect.DeepEqual(ch.DependsOn, deps[ch.Address]) {
			t.Errorf("%s depends on %v, want %v", ch.Address, ch.DependsOn, deps[ch.Address])
		}
		if ch.Group != "" {
			t.Errorf("%s is shown under %q, want the root: it lives in the management account", ch.Address, ch.Group)
		}
		for k, v := range ch.After {
			if strings.Contains(v, "${") {
				t.Errorf("%s %s holds an unresolved reference: %s", ch.Address, k, v)
			}
		}
	}
	budget := p.Changes[3].After
	for _, trig := range []string{actualTrigger, forecastTrig} {
		if got := budget["notification."+trig]; got != "SNS:"+billingHomeARN {
			t.Errorf("budget notification %s goes to %q, want the home Region's topic", trig, got)
		}
	}
	if got := p.Changes[0].After["actions"]; got != billingEastARN {
		t.Errorf("alarm actions %q, want the us-east-1 topic", got)
	}
	if !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, "Receive CloudWatch Billing Alerts") }) {
		t.Errorf("the plan does not name the manual step the billing alarm needs: %v", p.Notes)
	}
}

func TestPlanBillingNothingWhenNotAskedFor(t *testing.T) {
	desired, actual := billingEstates(t, "version: 1\norganization: {id: primary, email_domain: example.com, home_region: eu-west-1}\nunits: {Security: {}}\n")
	if p := billingPlan(t, desired, actual); len(p.Changes) != 0 || len(p.Notes) != 0 {
		t.Errorf("changes %v, notes %v without a billing section", billingAddresses(p), p.Notes)
	}
	desired, actual = billingEstates(t, billingSpec+"  cur: {enabled: false}\n  cost_allocation_tags: false\n")
	for _, ch := range billingPlan(t, desired, actual).Changes {
		if ch.Kind == billing.KindCostReport || ch.Kind == billing.KindCostReportBucket || ch.Kind == billing.KindCostAllocationTags {
			t.Errorf("%s planned although turned off", ch.Address)
		}
	}
}

// Building the layer from nothing, then reading it back, plans nothing
// more: every kind reads back what it wrote, from the plan Diff made and
// from the same plan saved to JSON and read back.
func TestApplyBillingThenNoChanges(t *testing.T) {
	for name, saved := range map[string]bool{"plan in memory": false, "saved plan": true} {
		t.Run(name, func(t *testing.T) { testApplyBillingThenNoChanges(t, saved) })
	}
}

// billingSaved is p as apply reads it back from plan.json when saved is
// set, p itself otherwise.
func billingSaved(t *testing.T, p *plan.Plan, saved bool) *plan.Plan {
	t.Helper()
	if !saved {
		return p
	}
	return kindstest.Saved(t, p)
}

func testApplyBillingThenNoChanges(t *testing.T, saved bool) {
	desired, actual := billingEstates(t, billingSpec)
	f := billingFakeWithTags()
	billingApply(t, f, actual, billingSaved(t, billingPlan(t, desired, actual), saved))
	for op, want := range map[string]int{
		"CreateTopic": 2, "SetTopicAttributes": 2, "Subscribe": 2, "CreateBudget": 1, "PutMetricAlarm": 1,
		"PutReportDefinition": 1, "ListCostAllocationTags": 1, "UpdateCostAllocationTagsStatus": 1,
		"CreateBucket": 1, "PutBucketPolicy": 1, "PutBucketEncryption": 1, "PutPublicAccessBlock": 1,
	} {
		if got := f.count(op) + f.keys.Count(op); got != want {
			t.Errorf("%s called %d times, want %d", op, got, want)
		}
	}
	if b := f.keys.Bucket(billingBucket); b == nil || b.Account != billingMgmt || b.Region != "eu-west-1" || b.SSE != "AES256" ||
		!strings.Contains(b.Policy, "billingreports.amazonaws.com") || strings.Contains(b.Policy, "${") {
		t.Errorf("report bucket %+v", b)
	}
	observed := f.observe(actual, desired.Billing)
	p := billingPlan(t, desired, observed)
	if len(p.Changes) != 0 {
		t.Fatalf("changes after apply: %v\n%+v", billingAddresses(p), p.Changes)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "manual step") {
		t.Errorf("notes %v, want only the billing alerts step", p.Notes)
	}
}

func TestBillingDrift(t *testing.T) {
	budgetOf := func(f *billingFake) *billingFakeBudget { return f.budgets[billingBudget] }
	notificationOf := func(f *billingFake, typ string) *billingFakeNotification {
		for _, n := range budgetOf(f).notifications {
			if string(n.n.NotificationType) == typ {
				return n
			}
		}
		return nil
	}
	tests := map[string]struct {
		drift func(f *billingFake)
		// observed edits what the inventory reports, for what it cannot read.
		observed func(e *estate.Estate)
		// change is the one change wanted ("" for none), reason a phrase
		// of its reason, note a phrase of a note.
		change, reason, note string
		// calls are the writes apply must make, exactly.
		calls map[string]int
	}{
		"budget limit changed by hand: UpdateBudget (moto gap)": {
			drift:  func(f *billingFake) { budgetOf(f).def.BudgetLimit.Amount = aws.String("2000") },
			change: "update budget/" + billingBudget, reason: "differs from the spec: limit",
			calls: map[string]int{"UpdateBudget": 1},
		},
		"forecast notification removed by hand": {
			drift: func(f *billingFake) {
				b := budgetOf(f)
				b.notifications = slices.DeleteFunc(b.notifications, func(n *billingFakeNotification) bool { return n.n.NotificationType == "FORECASTED" })
			},
			change: "update budget/" + billingBudget, reason: "adds notification " + forecastTrig,
			calls: map[string]int{"CreateNotification": 1},
		},
		"notification added by hand to groundwork's budget": {
			drift: func(f *billingFake) {
				b := budgetOf(f)
				b.notifications = append(b.notifications, &billingFakeNotification{
					n:    budgettypes.Notification{NotificationType: "ACTUAL", ComparisonOperator: "GREATER_THAN", Threshold: 50, ThresholdType: "PERCENTAGE"},
					subs: []budgettypes.Subscriber{{SubscriptionType: "EMAIL", Address: aws.String("me@example.com")}}})
			},
			change: "update budget/" + billingBudget, reason: "removes notification ACTUAL/GREATER_THAN/50/PERCENTAGE",
			calls: map[string]int{"DeleteNotification": 1},
		},
		"subscriber replaced: CreateSubscriber and DeleteSubscriber (moto gaps)": {
			drift: func(f *billingFake) {
				notificationOf(f, "ACTUAL").subs = []budgettypes.Subscriber{{SubscriptionType: "EMAIL", Address: aws.String("me@example.com")}}
			},
			change: "update budget/" + billingBudget, reason: "subscribers of " + actualTrigger,
			calls: map[string]int{"CreateSubscriber": 1, "DeleteSubscriber": 1},
		},
		"subscribers unread, as on moto, are not compared": {
			drift: func(f *billingFake) {
				notificationOf(f, "ACTUAL").subs = []budgettypes.Subscriber{{SubscriptionType: "EMAIL", Address: aws.String("me@example.com")}}
			},
			observed: func(e *estate.Estate) {
				for i := range e.Billing.Budgets[billingBudget].Notifications {
					e.Billing.Budgets[billingBudget].Notifications[i].Subscribers = nil
				}
			},
			note: "the subscribers of its notifications " + actualTrigger + ", " + forecastTrig + " were not read",
		},
		"budgets unread": {
			observed: func(e *estate.Estate) { e.Billing.Budgets = nil },
			note:     "budget " + billingBudget + ": the budgets were not read",
		},
		"topic policy put back to the default": {
			drift:  func(f *billingFake) { f.topics[billingHomeARN].policy = `{"Id":"__default_policy_ID"}` },
			change: "update billing-topic/eu-west-1/groundwork-billing-notifications", reason: "differs from the spec: policy",
			calls: map[string]int{"CreateTopic": 1, "SetTopicAttributes": 1},
		},
		"subscriber unsubscribed": {
			drift:  func(f *billingFake) { f.topics[billingEastARN].subs = nil },
			change: "update billing-topic/us-east-1/groundwork-billing-notifications", reason: "subscribes finance@example.com",
			calls: map[string]int{"CreateTopic": 1, "Subscribe": 1},
		},
		"a subscriber the spec does not list is left alone": {
			drift: func(f *billingFake) {
				f.topics[billingHomeARN].subs = append(f.topics[billingHomeARN].subs, "cfo@example.com")
			},
			note: "subscribers the spec does not list (cfo@example.com); groundwork leaves them subscribed",
		},
		"topic deleted": {
			drift:  func(f *billingFake) { delete(f.topics, billingHomeARN) },
			change: "create billing-topic/eu-west-1/groundwork-billing-notifications",
			calls:  map[string]int{"CreateTopic": 1, "SetTopicAttributes": 1, "Subscribe": 1},
		},
		"alarm threshold raised and action removed": {
			drift: func(f *billingFake) {
				a := f.alarms[billing.DefaultBillingAlarm]
				a.Threshold, a.AlarmActions = aws.Float64(5000), nil
			},
			change: "update billing-alarm/us-east-1/groundwork-estimated-charges", reason: "differs from the spec: actions, threshold_usd",
			calls: map[string]int{"PutMetricAlarm": 1},
		},
		"report made daily: ModifyReportDefinition (moto gap)": {
			drift: func(f *billingFake) {
				r := f.reports[billing.DefaultCostReport]
				r.TimeUnit = "DAILY"
				f.reports[billing.DefaultCostReport] = r
			},
			change: "update cost-report/groundwork-cur-hourly", reason: "differs from the spec: time_unit",
			calls: map[string]int{"ModifyReportDefinition": 1},
		},
		"report deleted: PutReportDefinition (moto gap)": {
			drift:  func(f *billingFake) { delete(f.reports, billing.DefaultCostReport) },
			change: "create cost-report/groundwork-cur-hourly",
			calls:  map[string]int{"PutReportDefinition": 1},
		},
		"report definitions unread": {
			observed: func(e *estate.Estate) { e.Billing.Reports = nil },
			note:     "the report definitions were not read",
		},
		"report bucket policy removed": {
			drift:  func(f *billingFake) { f.keys.Bucket(billingBucket).Policy = "" },
			change: "update cost-report-bucket/" + billingBucket, reason: "differs from the spec: policy",
			calls: map[string]int{"PutBucketPolicy": 1},
		},
		"a lifecycle put on the report bucket by hand is left alone": {
			drift: func(f *billingFake) {
				f.keys.Bucket(billingBucket).Lifecycle = []s3types.LifecycleRule{{Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(400)}}}
			},
		},
		"tag deactivated: UpdateCostAllocationTagsStatus (moto gap)": {
			drift:  func(f *billingFake) { f.tags["Owner"] = cetypes.CostAllocationTagStatusInactive },
			change: "update cost-allocation-tags/management", reason: "inactive cost allocation tags",
			calls: map[string]int{"UpdateCostAllocationTagsStatus": 1},
		},
		"a key billing has not seen is noted, not planned": {
			drift: func(f *billingFake) { delete(f.tags, "Compliance") },
			note:  "cost allocation tags Compliance: AWS has not seen these keys on any resource yet",
		},
		"cost allocation tags unread": {
			observed: func(e *estate.Estate) { e.Billing.CostAllocationTags = nil },
			note:     "cost allocation tags: their status was not read",
		},
	}
	for name, tt := range tests {
		for _, saved := range []bool{false, true} {
			if saved {
				name += " (saved plan)"
			}
			t.Run(name, func(t *testing.T) {
				f, desired, actual := billingBuilt(t)
				if tt.drift != nil {
					tt.drift(f)
				}
				observed := f.observe(actual, desired.Billing)
				if tt.observed != nil {
					tt.observed(observed)
				}
				p := billingPlan(t, desired, observed)
				if tt.note != "" && !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, tt.note) }) {
					t.Errorf("notes %q lack %q", p.Notes, tt.note)
				}
				if tt.change == "" {
					if len(p.Changes) != 0 {
						t.Errorf("changes %v, want none", billingAddresses(p))
					}
					return
				}
				if got := billingAddresses(p); !reflect.DeepEqual(got, []string{tt.change}) {
					t.Fatalf("changes %v, want %s", got, tt.change)
				}
				if !strings.Contains(p.Changes[0].Reason, tt.reason) {
					t.Errorf("reason %q lacks %q", p.Changes[0].Reason, tt.reason)
				}
				billingApply(t, f, actual, billingSaved(t, p, saved))
				if got := f.writes(); !reflect.DeepEqual(got, tt.calls) {
					t.Errorf("apply wrote %v, want %v", got, tt.calls)
				}
				if p := billingPlan(t, desired, f.observe(actual, desired.Billing)); len(p.Changes) != 0 {
					t.Errorf("changes after repair: %v", billingAddresses(p))
				}
			})
		}
	}
}
