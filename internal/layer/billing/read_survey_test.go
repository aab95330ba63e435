package billing

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

// surveyed runs the survey of f with want and returns the layer read and
// what was warned about.
func surveyed(t *testing.T, f *bilFake, want *estate.Billing) (*estate.Billing, []error) {
	t.Helper()
	e := bilEstate()
	var warned inventorytest.Warnings
	if err := surveyWith(context.Background(), f, e, want, inventory.Options{Warn: warned.Warn}); err != nil {
		t.Fatal(err)
	}
	if e.Billing == nil {
		t.Fatal("nothing surveyed")
	}
	return e.Billing, warned.Errors()
}

// Without a spec the survey reads everything of the management account's
// billing it can judge: every budget with the subscribers of its
// notifications, the EstimatedCharges alarms, the topics both notify, the
// report definitions and whether billing alerts are on; not the cost
// allocation tags, which only the spec's dictionary names.
func TestSurveyBillingWithoutSpec(t *testing.T) {
	f := bilFilled()
	f.billingAlerts = true
	// A topic of another account is not the management account's to read.
	f.alarms[1].AlarmActions = append(f.alarms[1].AlarmActions, "arn:aws:sns:us-east-1:222222222222:elsewhere")
	f.subscribers["team/ACTUAL"] = []budgettypes.Subscriber{{SubscriptionType: "SNS", Address: aws.String("arn:aws:sns:eu-west-1:" + bilMgmt + ":team")}}
	f.policies["arn:aws:sns:eu-west-1:"+bilMgmt+":team"] = `{}`
	b, warnings := surveyed(t, f, nil)
	if len(warnings) != 0 {
		t.Errorf("warnings %v", warnings)
	}
	if got := slices.Sorted(maps.Keys(b.Budgets)); !slices.Equal(got, []string{"groundwork", "team"}) {
		t.Errorf("budgets %v", got)
	}
	if subs := b.Budgets["team"].Notifications[0].Subscribers; len(subs) != 1 {
		t.Errorf("the subscribers of a budget no spec names were not read: %+v", b.Budgets["team"].Notifications)
	}
	if len(b.Alarms) != 1 || b.Alarms["charges"] == nil {
		t.Errorf("alarms %v", b.Alarms)
	}
	// The alarm's topic in us-east-1 (absent), the budgets' in eu-west-1.
	wantTopics := map[string]bool{bilEast.Key("billing"): false, bilHome.Key("billing"): true, bilHome.Key("team"): true}
	if len(b.Topics) != len(wantTopics) {
		t.Errorf("topics %v, want %v", slices.Sorted(maps.Keys(b.Topics)), wantTopics)
	}
	for key, exists := range wantTopics {
		if tp := b.Topics[key]; tp == nil || tp.Exists != exists {
			t.Errorf("topic %s: %+v, want exists %v", key, tp, exists)
		}
	}
	if b.Topics[bilHome.Key("billing")].ARN != bilHomeARN || len(b.Topics[bilHome.Key("billing")].Subscriptions) != 2 {
		t.Errorf("topic %+v", b.Topics[bilHome.Key("billing")])
	}
	if len(b.Reports) != 1 || b.ReportBucket != nil {
		t.Errorf("reports %v, bucket %v: every definition, and no bucket nobody named", b.Reports, b.ReportBucket)
	}
	if b.CostAllocationTags != nil || b.TagDictionary || f.count("ListCostAllocationTags") != 0 {
		t.Errorf("tags read without a dictionary: %v", b.CostAllocationTags)
	}
	if b.BillingAlerts == nil || !*b.BillingAlerts || f.count("ListMetrics us-east-1") != 1 {
		t.Errorf("billing alerts %v after %d calls", b.BillingAlerts, f.count("ListMetrics us-east-1"))
	}

	f = bilFilled() // billing alerts off
	if b, _ := surveyed(t, f, nil); b.BillingAlerts == nil || *b.BillingAlerts {
		t.Errorf("billing alerts %v, want false", b.BillingAlerts)
	}
}

// With a spec the survey reads what the spec names besides: its topics,
// the report bucket and the dictionary's cost allocation tags.
func TestSurveyBillingWithSpec(t *testing.T) {
	f := bilFilled()
	want := bilWant()
	delete(want.Topics, bilEast.Key("billing"))
	want.Topics[bilHome.Key("spec-only")] = &estate.BillingTopic{Where: bilHome, Name: "spec-only", Exists: true}
	b, _ := surveyed(t, f, want)
	for _, key := range []string{bilEast.Key("billing"), bilHome.Key("billing"), bilHome.Key("spec-only")} {
		if b.Topics[key] == nil {
			t.Errorf("topic %s not read: %v", key, slices.Sorted(maps.Keys(b.Topics)))
		}
	}
	if b.ReportBucket == nil || !b.TagDictionary || len(b.CostAllocationTags) != 3 {
		t.Errorf("the spec's parts were not read: bucket %v, tags %v", b.ReportBucket, b.CostAllocationTags)
	}
	// Each topic once, whoever names it.
	if n := f.count("GetTopicAttributes"); n != 3 {
		t.Errorf("GetTopicAttributes called %d times, want 3", n)
	}
	// The spec's own part is untouched.
	if want.Reports == nil || len(want.Topics) != 2 {
		t.Errorf("the survey changed the desired layer: %+v", want)
	}
}

// moto lacks DescribeSubscribersForNotification: the survey still judges
// every budget and the alarm's topics, and only the subscribers (and so
// the topics budgets notify) are reported not read.
func TestSurveyBillingSubscribersGap(t *testing.T) {
	f := bilFilled()
	f.fail["DescribeSubscribersForNotification"] = inventorytest.MotoGap()
	f.alarms[1].AlarmActions = []string{bilHomeARN}
	b, warnings := surveyed(t, f, nil)
	var parts []string
	for _, w := range warnings {
		var nr *inventory.NotReadError
		if !errors.As(w, &nr) {
			t.Fatalf("warning %v is no NotReadError", w)
		}
		parts = append(parts, nr.Read)
	}
	if !slices.Equal(parts, []string{readSubscribers, readSubscribers}) {
		t.Errorf("not read: %v, want the subscribers of each budget", parts)
	}
	if len(b.Budgets) != 2 || b.Budgets["groundwork"].Notifications == nil || b.Alarms["charges"] == nil {
		t.Errorf("budgets and alarms must still be read: %s", bilJSON(b))
	}
	if tp := b.Topics[bilHome.Key("billing")]; tp == nil || !tp.Exists {
		t.Errorf("the alarm's topic was not read: %v", slices.Sorted(maps.Keys(b.Topics)))
	}
	if !strings.Contains(strings.Join(b.Unread, " "), "the topics they name are not judged") {
		t.Errorf("unread %q does not say what the gap costs", b.Unread)
	}
}

// An endpoint without ListMetrics leaves only GW-BIL-007's part unread;
// a refusal fails the survey, as any other read's does.
func TestSurveyBillingMetricsGap(t *testing.T) {
	f := bilFilled()
	f.fail["ListMetrics us-east-1"] = inventorytest.MotoGap()
	b, warnings := surveyed(t, f, nil)
	var nr *inventory.NotReadError
	if b.BillingAlerts != nil || len(warnings) != 1 || !errors.As(warnings[0], &nr) || nr.Read != readMetrics {
		t.Errorf("billing alerts %v, warnings %v", b.BillingAlerts, warnings)
	}
	f = bilFilled()
	f.fail["ListMetrics us-east-1"] = inventorytest.APIError("AccessDenied")
	if err := surveyWith(context.Background(), f, bilEstate(), nil, inventory.Options{Warn: func(error) {}}); err == nil {
		t.Error("a refused ListMetrics did not fail the survey")
	}
}

// The plan's read (Read) asks for none of what only the audit judges.
func TestReadBillingLeavesTheSurveyParts(t *testing.T) {
	f := bilFilled()
	f.alarms = append(f.alarms, cwtypes.MetricAlarm{AlarmName: aws.String("other"), Namespace: aws.String("AWS/Billing"),
		MetricName: aws.String("EstimatedCharges"), AlarmActions: []string{"arn:aws:sns:us-east-1:" + bilMgmt + ":other"}})
	f.topics["arn:aws:sns:us-east-1:"+bilMgmt+":other"] = []snstypes.Subscription{}
	e := bilEstate()
	if err := readWith(context.Background(), f, e, bilWant(), inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	if f.count("ListMetrics us-east-1") != 0 || e.Billing.BillingAlerts != nil || len(e.Billing.Topics) != 2 {
		t.Errorf("the plan's read surveyed: metrics %d, topics %v", f.count("ListMetrics us-east-1"), slices.Sorted(maps.Keys(e.Billing.Topics)))
	}
}
