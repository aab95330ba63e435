package billing_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/billing"

	// Whole foundations: every section registered, as in the CLI.
	_ "github.com/groundwork-aws/groundwork/internal/layer/all"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

const mgmtRef = "${account-id:management}"

func TestBillingIsBuiltOnlyWhenWritten(t *testing.T) {
	if d := spectest.MustParse(t, spectest.Minimal).Desired(); d.Billing != nil {
		t.Errorf("a spec without billing builds %+v", d.Billing)
	}
	if d := spectest.MustParse(t, spectest.Minimal+"billing: {disabled: true}\n").Desired(); d.Billing != nil {
		t.Errorf("billing.disabled builds %+v", d.Billing)
	}
}

func TestBillingDefaults(t *testing.T) {
	f := spectest.MustParse(t, spectest.Minimal+"billing: {}\n")
	b := billing.SpecOf(f)
	if b.Topic.Name != billing.DefaultBillingTopic || b.Budget != nil || b.BillingAlarm != nil || !*b.CUR.Enabled ||
		b.CUR.Name != billing.DefaultCostReport || b.CUR.Prefix != "cur-hourly" || !*b.CostAllocationTags {
		t.Errorf("defaults: %+v", b)
	}
	// No contacts section: the billing contact by convention.
	if want := []string{"aws-management-account-primary-billing@example.com"}; !reflect.DeepEqual(b.Topic.Subscribers, want) {
		t.Errorf("subscribers %v, want %v", b.Topic.Subscribers, want)
	}
	d := f.Desired().Billing
	topic := d.Topics[estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}.Key(billing.DefaultBillingTopic)]
	if topic == nil || len(d.Topics) != 1 {
		t.Fatalf("topics %v, want the billing topic in the home Region", d.Topics)
	}
	for _, want := range []string{"budgets.amazonaws.com", "cloudwatch.amazonaws.com", "arn:aws:budgets::" + mgmtRef + ":*",
		"arn:aws:sns:us-east-1:" + mgmtRef + ":groundwork-billing-notifications"} {
		if !strings.Contains(topic.Policy, want) {
			t.Errorf("topic policy lacks %s: %s", want, topic.Policy)
		}
	}
	if len(d.Budgets) != 0 || len(d.Alarms) != 0 {
		t.Errorf("budgets %v, alarms %v: both need an amount, so neither is a default", d.Budgets, d.Alarms)
	}
	rep := d.Reports[billing.DefaultCostReport]
	wantRep := &estate.CostReport{Name: billing.DefaultCostReport, TimeUnit: "HOURLY", Format: "Parquet", Compression: "Parquet",
		Schema: []string{"RESOURCES"}, Artifacts: []string{"ATHENA"}, Bucket: "aws-cur-" + mgmtRef + "-us-east-1",
		Prefix: "cur-hourly", BucketRegion: "us-east-1", Versioning: "OVERWRITE_REPORT", RefreshClosed: true}
	if !reflect.DeepEqual(rep, wantRep) {
		t.Errorf("report %+v\nwant %+v", rep, wantRep)
	}
	bucket := d.ReportBucket
	if bucket == nil || bucket.Name != wantRep.Bucket || bucket.Account != estate.ManagementKey || bucket.SSE != "AES256" ||
		!bucket.BlockPublicAccess || !strings.Contains(bucket.Policy, "billingreports.amazonaws.com") ||
		!strings.Contains(bucket.Policy, "arn:aws:cur:us-east-1:"+mgmtRef+":definition/*") {
		t.Errorf("report bucket %+v", bucket)
	}
	// The tagging dictionary, required keys and keys with values.
	var keys []string
	for k, status := range d.CostAllocationTags {
		if status != estate.CostTagActive {
			t.Errorf("tag %s wanted %q", k, status)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"BusinessUnit", "Compliance", "CostCenter", "Environment", "FinancialOwner", "Owner"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("cost allocation tags %v, want %v", keys, want)
	}
}

func TestBillingSubscriberFollowsTheContacts(t *testing.T) {
	f := spectest.MustParse(t, spectest.Minimal+"contacts:\n  phone: \"+1-555-0100\"\n  billing: {email: finance@example.com}\nbilling: {}\n")
	if want := []string{"finance@example.com"}; !reflect.DeepEqual(billing.SpecOf(f).Topic.Subscribers, want) {
		t.Errorf("subscribers %v, want the billing contact %v", billing.SpecOf(f).Topic.Subscribers, want)
	}
}

func TestBillingBudgetAndAlarm(t *testing.T) {
	f := spectest.MustParse(t, `version: 1
organization: {id: primary, email_domain: example.com, home_region: eu-west-1}
units: {Security: {}}
tagging: {required: [Owner], values: {}}
billing:
  topic: {name: money, subscribers: [finance@example.com, cfo@example.com]}
  budget: {monthly_usd: 2500, forecast_percent: 90}
  billing_alarm: {threshold_usd: 3000}
  cur: {enabled: false}
`)
	d := f.Desired().Billing
	home := estate.Where{Account: estate.ManagementKey, Region: "eu-west-1"}
	east := estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
	// CloudWatch notifies only a topic of the alarm's Region, and the
	// EstimatedCharges metric lives in us-east-1: the topic is there too.
	if len(d.Topics) != 2 || d.Topics[home.Key("money")] == nil || d.Topics[east.Key("money")] == nil {
		t.Fatalf("topics %v, want money in eu-west-1 and us-east-1", d.Topics)
	}
	want := []estate.BillingSubscription{{Protocol: "email", Endpoint: "cfo@example.com"}, {Protocol: "email", Endpoint: "finance@example.com"}}
	if got := d.Topics[east.Key("money")].Subscriptions; !reflect.DeepEqual(got, want) {
		t.Errorf("subscriptions %+v, want %+v", got, want)
	}
	b := d.Budgets[billing.DefaultBudgetName]
	sub := []estate.BudgetSubscriber{{Type: "SNS", Address: "arn:aws:sns:eu-west-1:" + mgmtRef + ":money"}}
	wantBudget := &estate.Budget{Name: billing.DefaultBudgetName, Type: "COST", TimeUnit: "MONTHLY", Limit: "2500", LimitUnit: "USD",
		Notifications: []estate.BudgetNotification{
			{Type: "ACTUAL", Comparison: "GREATER_THAN", Threshold: 80, ThresholdType: "PERCENTAGE", Subscribers: sub},
			{Type: "FORECASTED", Comparison: "GREATER_THAN", Threshold: 90, ThresholdType: "PERCENTAGE", Subscribers: sub},
		}}
	if !reflect.DeepEqual(b, wantBudget) {
		t.Errorf("budget %+v\nwant %+v", b, wantBudget)
	}
	a := d.Alarms[billing.DefaultBillingAlarm]
	if a == nil || a.Where != east || a.Threshold != 3000 || a.Currency != "USD" || a.Period != 21600 ||
		!reflect.DeepEqual(a.Actions, []string{"arn:aws:sns:us-east-1:" + mgmtRef + ":money"}) {
		t.Errorf("alarm %+v", a)
	}
	if d.Reports != nil || d.ReportBucket != nil {
		t.Errorf("cur.enabled false builds %v %v", d.Reports, d.ReportBucket)
	}
	if !reflect.DeepEqual(d.CostAllocationTags, map[string]string{"Owner": estate.CostTagActive}) {
		t.Errorf("cost allocation tags %v", d.CostAllocationTags)
	}
}

func TestBillingCostAllocationTagsOff(t *testing.T) {
	d := spectest.MustParse(t, spectest.Minimal+"billing: {cost_allocation_tags: false}\n").Desired().Billing
	if d.CostAllocationTags != nil {
		t.Errorf("cost_allocation_tags false builds %v", d.CostAllocationTags)
	}
}

func TestBillingValidation(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []spectest.Want
	}{
		"budget without an amount": {
			src:   "billing:\n  budget: {actual_percent: 50}\n",
			wants: []spectest.Want{{"5:3", "billing.budget.monthly_usd", "required: the monthly budget in US dollars"}},
		},
		"budget written empty": {
			src:   "billing:\n  budget:\n",
			wants: []spectest.Want{{"5:3", "billing.budget.monthly_usd", "required"}},
		},
		"thresholds out of range": {
			src: "billing:\n  budget: {monthly_usd: 10, actual_percent: 0, forecast_percent: 5000}\n",
			wants: []spectest.Want{
				{"5:45", "billing.budget.actual_percent", "0 is not a share of the budget from 1 to 1000"},
				{"5:66", "billing.budget.forecast_percent", "5000 is not a share"},
			},
		},
		"alarm without a threshold": {
			src:   "billing:\n  billing_alarm: {name: spend}\n",
			wants: []spectest.Want{{"5:3", "billing.billing_alarm.threshold_usd", "required"}},
		},
		"topic name and subscribers": {
			src: "billing:\n  topic: {name: \"bad name\", subscribers: [finance@example.com, not-an-address, Finance@Example.com]}\n",
			wants: []spectest.Want{
				{"5:17", "billing.topic.name", "is not an SNS topic name"},
				{"5:64", "billing.topic.subscribers[1]", `"not-an-address" is not an e-mail address`},
				{"5:80", "billing.topic.subscribers[2]", "listed twice"},
			},
		},
		"no subscribers": {
			src:   "billing:\n  topic: {subscribers: []}\n",
			wants: []spectest.Want{{"5:24", "billing.topic.subscribers", "list at least one address"}},
		},
		"report settings": {
			src: "billing:\n  cur: {name: \"cur hourly\", prefix: \"a b\", bucket: Bad_Bucket}\n",
			wants: []spectest.Want{
				{"5:15", "billing.cur.name", "is not a report name"},
				{"5:37", "billing.cur.prefix", "is not a report path prefix"},
				{"5:52", "billing.cur.bucket", "is not an S3 bucket name"},
			},
		},
		"unknown field": {
			src:   "billing:\n  budgets: {}\n",
			wants: []spectest.Want{{"5:3", "billing.budgets", `unknown field "budgets"; expected one of: billing_alarm, budget, cost_allocation_tags, cur, disabled, topic (did you mean "budget"?)`}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { spectest.CheckDiagnostics(t, spectest.Minimal+tt.src, tt.wants) })
	}
}

func TestBillingDisabledIsNotValidated(t *testing.T) {
	spectest.MustParse(t, spectest.Minimal+"billing:\n  disabled: true\n  budget: {}\n  cur: {name: \"a b\"}\n")
}

func TestBillingReportOffIsNotValidated(t *testing.T) {
	spectest.MustParse(t, spectest.Minimal+"billing:\n  cur: {enabled: false, name: \"a b\"}\n")
}
