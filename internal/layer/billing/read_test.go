package billing

// An internal test: it runs readWith with fakes of the billing read
// APIs, including those moto 5.2 lacks (DescribeSubscribersForNotification,
// DescribeReportDefinitions, ListCostAllocationTags).

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	cur "github.com/aws/aws-sdk-go-v2/service/costandusagereportservice"
	curtypes "github.com/aws/aws-sdk-go-v2/service/costandusagereportservice/types"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
)

const (
	bilMgmt    = "111111111111"
	bilHomeARN = "arn:aws:sns:eu-west-1:" + bilMgmt + ":billing"
	bilEastARN = "arn:aws:sns:us-east-1:" + bilMgmt + ":billing"
	bilBucket  = "aws-cur-" + bilMgmt + "-eu-west-1"
)

// bilFake is the management account's billing services for reading. It is
// filled before use; fail makes an operation answer an error; calls are
// counted under a lock.
type bilFake struct {
	budgets       []budgettypes.Budget
	notifications map[string][]budgettypes.Notification
	subscribers   map[string][]budgettypes.Subscriber // by budget name
	alarms        []cwtypes.MetricAlarm
	topics        map[string][]snstypes.Subscription // by ARN
	policies      map[string]string                  // by topic ARN
	reports       []curtypes.ReportDefinition
	tags          map[string]cetypes.CostAllocationTagStatus
	bucketPolicy  string // the report bucket's; "" when it does not exist
	billingAlerts bool   // AWS publishes EstimatedCharges
	fail          map[string]error

	mu    sync.Mutex
	calls map[string]int
}

func newBilFake() *bilFake {
	return &bilFake{notifications: map[string][]budgettypes.Notification{}, subscribers: map[string][]budgettypes.Subscriber{},
		topics: map[string][]snstypes.Subscription{}, policies: map[string]string{}, tags: map[string]cetypes.CostAllocationTagStatus{},
		fail: map[string]error{}, calls: map[string]int{}}
}

func (f *bilFake) call(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op]++
	return f.fail[op]
}

func (f *bilFake) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *bilFake) Budgets() budgetsReadAPI                       { return bilBudgets{f} }
func (f *bilFake) Alarms(region string) alarmReadAPI             { return bilAlarms{f, region} }
func (f *bilFake) Topics(string) topicReadAPI                    { return bilTopics{f} }
func (f *bilFake) CostReports() costReportReadAPI                { return bilReports{f} }
func (f *bilFake) CostAllocationTags() costAllocationTagsReadAPI { return bilTags{f} }
func (f *bilFake) S3(string) logging.BucketReadAPI               { return bilS3{f} }

var _ readClients = (*bilFake)(nil)

type bilBudgets struct{ f *bilFake }

// DescribeBudgets answers one budget a page, to exercise the paginator.
func (c bilBudgets) DescribeBudgets(_ context.Context, in *budgets.DescribeBudgetsInput, _ ...func(*budgets.Options)) (*budgets.DescribeBudgetsOutput, error) {
	if err := c.f.call("DescribeBudgets"); err != nil {
		return nil, err
	}
	if aws.ToString(in.AccountId) != bilMgmt {
		return nil, inventorytest.APIError("AccessDeniedException")
	}
	i, _ := strconv.Atoi(aws.ToString(in.NextToken))
	if i >= len(c.f.budgets) {
		return &budgets.DescribeBudgetsOutput{}, nil
	}
	out := &budgets.DescribeBudgetsOutput{Budgets: c.f.budgets[i : i+1]}
	if i+1 < len(c.f.budgets) {
		out.NextToken = aws.String(strconv.Itoa(i + 1))
	}
	return out, nil
}

func (c bilBudgets) DescribeNotificationsForBudget(_ context.Context, in *budgets.DescribeNotificationsForBudgetInput, _ ...func(*budgets.Options)) (*budgets.DescribeNotificationsForBudgetOutput, error) {
	if err := c.f.call("DescribeNotificationsForBudget"); err != nil {
		return nil, err
	}
	return &budgets.DescribeNotificationsForBudgetOutput{Notifications: c.f.notifications[aws.ToString(in.BudgetName)]}, nil
}

func (c bilBudgets) DescribeSubscribersForNotification(_ context.Context, in *budgets.DescribeSubscribersForNotificationInput, _ ...func(*budgets.Options)) (*budgets.DescribeSubscribersForNotificationOutput, error) {
	if err := c.f.call("DescribeSubscribersForNotification"); err != nil {
		return nil, err
	}
	subs := c.f.subscribers[aws.ToString(in.BudgetName)+"/"+string(in.Notification.NotificationType)]
	return &budgets.DescribeSubscribersForNotificationOutput{Subscribers: subs}, nil
}

type bilAlarms struct {
	f      *bilFake
	region string
}

func (c bilAlarms) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if err := c.f.call("DescribeAlarms " + c.region); err != nil {
		return nil, err
	}
	return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: c.f.alarms}, nil
}

// ListMetrics lists the EstimatedCharges metric when billing alerts are on.
func (c bilAlarms) ListMetrics(_ context.Context, in *cloudwatch.ListMetricsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error) {
	if err := c.f.call("ListMetrics " + c.region); err != nil {
		return nil, err
	}
	out := &cloudwatch.ListMetricsOutput{}
	if c.f.billingAlerts && aws.ToString(in.Namespace) == "AWS/Billing" && aws.ToString(in.MetricName) == "EstimatedCharges" {
		out.Metrics = []cwtypes.Metric{{Namespace: in.Namespace, MetricName: in.MetricName,
			Dimensions: []cwtypes.Dimension{{Name: aws.String("Currency"), Value: aws.String("USD")}}}}
	}
	return out, nil
}

type bilTopics struct{ f *bilFake }

func (c bilTopics) GetTopicAttributes(_ context.Context, in *sns.GetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	if err := c.f.call("GetTopicAttributes"); err != nil {
		return nil, err
	}
	arn := aws.ToString(in.TopicArn)
	if _, ok := c.f.policies[arn]; !ok {
		return nil, &snstypes.NotFoundException{Message: aws.String("Topic does not exist")}
	}
	return &sns.GetTopicAttributesOutput{Attributes: map[string]string{"TopicArn": arn, "Policy": c.f.policies[arn]}}, nil
}

func (c bilTopics) ListSubscriptionsByTopic(_ context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	if err := c.f.call("ListSubscriptionsByTopic"); err != nil {
		return nil, err
	}
	return &sns.ListSubscriptionsByTopicOutput{Subscriptions: c.f.topics[aws.ToString(in.TopicArn)]}, nil
}

type bilReports struct{ f *bilFake }

func (c bilReports) DescribeReportDefinitions(_ context.Context, in *cur.DescribeReportDefinitionsInput, _ ...func(*cur.Options)) (*cur.DescribeReportDefinitionsOutput, error) {
	if err := c.f.call("DescribeReportDefinitions"); err != nil {
		return nil, err
	}
	return &cur.DescribeReportDefinitionsOutput{ReportDefinitions: c.f.reports}, nil
}

type bilTags struct{ f *bilFake }

func (c bilTags) ListCostAllocationTags(_ context.Context, in *costexplorer.ListCostAllocationTagsInput, _ ...func(*costexplorer.Options)) (*costexplorer.ListCostAllocationTagsOutput, error) {
	if err := c.f.call("ListCostAllocationTags"); err != nil {
		return nil, err
	}
	if len(in.TagKeys) > costTagsFilterMax || in.Type != cetypes.CostAllocationTagTypeUserDefined {
		return nil, inventorytest.APIError("ValidationException")
	}
	out := &costexplorer.ListCostAllocationTagsOutput{}
	for _, k := range in.TagKeys {
		if s, ok := c.f.tags[k]; ok {
			out.CostAllocationTags = append(out.CostAllocationTags, cetypes.CostAllocationTag{TagKey: aws.String(k), Status: s})
		}
	}
	return out, nil
}

// bilS3 serves the report bucket: its policy, SSE-S3 and the public access
// block, and nothing else configured.
type bilS3 struct{ f *bilFake }

func (s bilS3) exists(name *string) error {
	if s.f.bucketPolicy == "" || aws.ToString(name) != bilBucket {
		return &s3types.NotFound{}
	}
	return nil
}

func (s bilS3) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	return &s3.HeadBucketOutput{}, s.exists(in.Bucket)
}
func (s bilS3) GetBucketPolicy(_ context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	return &s3.GetBucketPolicyOutput{Policy: aws.String(s.f.bucketPolicy)}, s.exists(in.Bucket)
}
func (s bilS3) GetBucketVersioning(_ context.Context, in *s3.GetBucketVersioningInput, _ ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	return &s3.GetBucketVersioningOutput{}, s.exists(in.Bucket)
}
func (s bilS3) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"}}}}}, s.exists(in.Bucket)
}
func (s bilS3) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	on := aws.Bool(true)
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on}}, s.exists(in.Bucket)
}
func (s bilS3) GetBucketLifecycleConfiguration(_ context.Context, in *s3.GetBucketLifecycleConfigurationInput, _ ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error) {
	if err := s.exists(in.Bucket); err != nil {
		return nil, err
	}
	return nil, inventorytest.APIError("NoSuchLifecycleConfiguration")
}

var (
	bilHome = estate.Where{Account: estate.ManagementKey, Region: "eu-west-1"}
	bilEast = estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
)

// bilWant is a desired billing layer: the topic in eu-west-1 and its copy
// in us-east-1, the budget "groundwork", a report and its bucket, and
// three dictionary keys.
func bilWant() *estate.Billing {
	w := estate.NewBilling()
	w.Topics[bilHome.Key("billing")] = &estate.BillingTopic{Where: bilHome, Name: "billing", Exists: true}
	w.Topics[bilEast.Key("billing")] = &estate.BillingTopic{Where: bilEast, Name: "billing", Exists: true}
	w.Budgets["groundwork"] = &estate.Budget{Name: "groundwork"}
	w.Reports = map[string]*estate.CostReport{"cur": {Name: "cur"}}
	w.ReportBucket = &estate.Bucket{Where: bilHome, Name: "aws-cur-" + estate.AccountIDRef(estate.ManagementKey) + "-eu-west-1", Exists: true}
	w.CostAllocationTags = map[string]string{"Owner": estate.CostTagActive, "CostCenter": estate.CostTagActive, "Compliance": estate.CostTagActive}
	return w
}

func bilEstate() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", ManagementAccountID: bilMgmt}
	return e
}

func bilNotification(typ string, threshold float64) budgettypes.Notification {
	return budgettypes.Notification{NotificationType: budgettypes.NotificationType(typ), ComparisonOperator: "GREATER_THAN",
		Threshold: threshold, ThresholdType: "PERCENTAGE"}
}

// bilFilled is an account with everything of the billing layer, and more.
func bilFilled() *bilFake {
	f := newBilFake()
	f.budgets = []budgettypes.Budget{
		{BudgetName: aws.String("groundwork"), BudgetType: "COST", TimeUnit: "MONTHLY",
			BudgetLimit: &budgettypes.Spend{Amount: aws.String("1000.0"), Unit: aws.String("USD")}},
		{BudgetName: aws.String("team"), BudgetType: "USAGE", TimeUnit: "DAILY",
			BudgetLimit: &budgettypes.Spend{Amount: aws.String("12.5"), Unit: aws.String("GB")}},
	}
	f.notifications["groundwork"] = []budgettypes.Notification{bilNotification("FORECASTED", 100), bilNotification("ACTUAL", 80)}
	f.notifications["team"] = []budgettypes.Notification{bilNotification("ACTUAL", 100)}
	sub := []budgettypes.Subscriber{{SubscriptionType: "SNS", Address: aws.String(bilHomeARN)}}
	f.subscribers["groundwork/ACTUAL"] = sub
	f.subscribers["groundwork/FORECASTED"] = append([]budgettypes.Subscriber{{SubscriptionType: "EMAIL", Address: aws.String("me@example.com")}}, sub...)
	f.alarms = []cwtypes.MetricAlarm{
		{AlarmName: aws.String("cpu"), Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization")},
		{AlarmName: aws.String("charges"), Namespace: aws.String("AWS/Billing"), MetricName: aws.String("EstimatedCharges"),
			Statistic: "Maximum", Period: aws.Int32(21600), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(500),
			ComparisonOperator: "GreaterThanThreshold", AlarmActions: []string{bilEastARN}, ActionsEnabled: aws.Bool(true),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("Currency"), Value: aws.String("USD")}}},
	}
	f.policies[bilHomeARN] = `{"Statement":[]}`
	f.topics[bilHomeARN] = []snstypes.Subscription{
		{Protocol: aws.String("email"), Endpoint: aws.String("z@example.com"), SubscriptionArn: aws.String("PendingConfirmation")},
		{Protocol: aws.String("email"), Endpoint: aws.String("a@example.com"), SubscriptionArn: aws.String(bilHomeARN + ":1")},
	}
	f.reports = []curtypes.ReportDefinition{{ReportName: aws.String("cur"), TimeUnit: "HOURLY", Format: "Parquet", Compression: "Parquet",
		AdditionalSchemaElements: []curtypes.SchemaElement{"RESOURCES"}, AdditionalArtifacts: []curtypes.AdditionalArtifact{"ATHENA"},
		S3Bucket: aws.String(bilBucket), S3Prefix: aws.String("cur-hourly"), S3Region: "eu-west-1",
		ReportVersioning: "OVERWRITE_REPORT", RefreshClosedReports: aws.Bool(true)}}
	f.bucketPolicy = `{"Statement":[]}`
	f.tags["Owner"] = cetypes.CostAllocationTagStatusActive
	f.tags["CostCenter"] = cetypes.CostAllocationTagStatusInactive
	return f
}

func TestCollectBilling(t *testing.T) {
	f := bilFilled()
	e := bilEstate()
	if err := readWith(context.Background(), f, e, bilWant(), inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	snsSub := estate.BudgetSubscriber{Type: "SNS", Address: bilHomeARN}
	want := &estate.Billing{
		Topics: map[string]*estate.BillingTopic{
			bilHome.Key("billing"): {Where: bilHome, Name: "billing", ARN: bilHomeARN, Policy: `{"Statement":[]}`, Exists: true,
				Subscriptions: []estate.BillingSubscription{
					{Protocol: "email", Endpoint: "a@example.com", Confirmed: true},
					{Protocol: "email", Endpoint: "z@example.com"},
				}},
			bilEast.Key("billing"): {Where: bilEast, Name: "billing"},
		},
		Budgets: map[string]*estate.Budget{
			"groundwork": {Name: "groundwork", Type: "COST", TimeUnit: "MONTHLY", Limit: "1000", LimitUnit: "USD",
				Notifications: []estate.BudgetNotification{
					{Type: "ACTUAL", Comparison: "GREATER_THAN", Threshold: 80, ThresholdType: "PERCENTAGE", Subscribers: []estate.BudgetSubscriber{snsSub}},
					{Type: "FORECASTED", Comparison: "GREATER_THAN", Threshold: 100, ThresholdType: "PERCENTAGE",
						Subscribers: []estate.BudgetSubscriber{{Type: "EMAIL", Address: "me@example.com"}, snsSub}},
				}},
			// Not the spec's: notifications for the audit, no subscribers.
			"team": {Name: "team", Type: "USAGE", TimeUnit: "DAILY", Limit: "12.5", LimitUnit: "GB",
				Notifications: []estate.BudgetNotification{{Type: "ACTUAL", Comparison: "GREATER_THAN", Threshold: 100, ThresholdType: "PERCENTAGE"}}},
		},
		Alarms: map[string]*estate.BillingAlarm{"charges": {Where: bilEast, Name: "charges", Statistic: "Maximum", Period: 21600,
			Evaluation: 1, Threshold: 500, Comparison: "GreaterThanThreshold", Currency: "USD", Actions: []string{bilEastARN}, ActionsEnabled: true}},
		Reports: map[string]*estate.CostReport{"cur": {Name: "cur", TimeUnit: "HOURLY", Format: "Parquet", Compression: "Parquet",
			Schema: []string{"RESOURCES"}, Artifacts: []string{"ATHENA"}, Bucket: bilBucket, Prefix: "cur-hourly", BucketRegion: "eu-west-1",
			Versioning: "OVERWRITE_REPORT", RefreshClosed: true}},
		ReportBucket:       &estate.Bucket{Where: bilHome, Name: bilBucket, Policy: `{"Statement":[]}`, SSE: "AES256", BlockPublicAccess: true, Exists: true},
		CostAllocationTags: map[string]string{"Owner": estate.CostTagActive, "CostCenter": estate.CostTagInactive, "Compliance": estate.CostTagUnseen},
		TagDictionary:      true,
	}
	if !reflect.DeepEqual(e.Billing, want) {
		t.Errorf("billing\n%s\nwant\n%s", bilJSON(e.Billing), bilJSON(want))
	}
	for op, n := range map[string]int{"DescribeBudgets": 2, "DescribeNotificationsForBudget": 2, "DescribeSubscribersForNotification": 2,
		"DescribeAlarms us-east-1": 1, "GetTopicAttributes": 2, "ListSubscriptionsByTopic": 1,
		"DescribeReportDefinitions": 1, "ListCostAllocationTags": 1} {
		if got := f.count(op); got != n {
			t.Errorf("%s called %d times, want %d", op, got, n)
		}
	}
}

func bilJSON(b *estate.Billing) string {
	var sb strings.Builder
	for _, part := range []any{b.Topics, b.Budgets, b.Alarms, b.Reports, b.ReportBucket, b.CostAllocationTags, b.Unread} {
		b, _ := json.Marshal(part)
		sb.Write(append(b, '\n'))
	}
	return sb.String()
}

// moto lacks DescribeSubscribersForNotification. The budget is read, its
// subscribers are not, and the plan and audit go on: the gap is named in
// Unread and passed to Warn when set, never an error.
func TestCollectBillingSubscribersGap(t *testing.T) {
	for _, warn := range []bool{false, true} {
		f := bilFilled()
		f.fail["DescribeSubscribersForNotification"] = inventorytest.MotoGap()
		e := bilEstate()
		var warned inventorytest.Warnings
		opts := inventory.Options{}
		if warn {
			opts.Warn = warned.Warn
		}
		if err := readWith(context.Background(), f, e, bilWant(), opts); err != nil {
			t.Fatalf("warn %v: %v", warn, err)
		}
		warnings := warned.Errors()
		b := e.Billing.Budgets["groundwork"]
		if len(b.Notifications) != 2 || b.Notifications[0].Subscribers != nil || b.Notifications[1].Subscribers != nil {
			t.Errorf("notifications %+v, want both with unread (nil) subscribers", b.Notifications)
		}
		if got := f.count("DescribeSubscribersForNotification"); got != 1 {
			t.Errorf("DescribeSubscribersForNotification called %d times: the first answer tells the operation is missing", got)
		}
		// The SDK's error text changes from read to read; the estate's
		// fingerprint must not.
		if len(e.Billing.Unread) != 1 || !strings.Contains(e.Billing.Unread[0], "DescribeSubscribersForNotification") ||
			!strings.Contains(e.Billing.Unread[0], "moto") || strings.Contains(e.Billing.Unread[0], "deserialization") {
			t.Errorf("unread %q", e.Billing.Unread)
		}
		if warn && len(warnings) == 1 && !strings.Contains(warnings[0].Error(), "deserialization") {
			t.Errorf("the warning %v lacks the SDK's error", warnings[0])
		}
		if warn != (len(warnings) == 1) {
			t.Errorf("warn %v: warnings %v", warn, warnings)
		}
	}
}

// moto lacks the Cost and Usage Report API and the cost allocation tag
// operations. Without Warn (plan, apply) the read fails naming the gap;
// with it (audit) those parts stay nil and are warned about, the rest is
// read.
func TestCollectBillingPartGaps(t *testing.T) {
	f := bilFilled()
	f.fail["DescribeReportDefinitions"] = inventorytest.MotoGap()
	f.fail["ListCostAllocationTags"] = inventorytest.MotoGap()
	e := bilEstate()
	err := readWith(context.Background(), f, e, bilWant(), inventory.Options{})
	if err == nil || !strings.Contains(err.Error(), "DescribeReportDefinitions") || !strings.Contains(err.Error(), "ListCostAllocationTags") ||
		!strings.Contains(err.Error(), "moto") {
		t.Fatalf("error %v, want one naming both gaps", err)
	}
	if e.Billing != nil {
		t.Errorf("a failed read left a billing layer")
	}

	e = bilEstate()
	var warned inventorytest.Warnings
	if err := readWith(context.Background(), f, e, bilWant(), inventory.Options{Warn: warned.Warn}); err != nil {
		t.Fatal(err)
	}
	warnings := warned.Strings()
	if e.Billing.Reports != nil || e.Billing.CostAllocationTags != nil {
		t.Errorf("unreadable parts are not nil: %v %v", e.Billing.Reports, e.Billing.CostAllocationTags)
	}
	if len(e.Billing.Budgets) != 2 || e.Billing.ReportBucket == nil || len(e.Billing.Alarms) != 1 {
		t.Errorf("the readable parts were not read: %s", bilJSON(e.Billing))
	}
	if len(warnings) != 2 || len(e.Billing.Unread) != 2 {
		t.Errorf("warnings %q, unread %q", warnings, e.Billing.Unread)
	}
}

func TestCollectBillingReadsOnlyWhatIsWanted(t *testing.T) {
	f := bilFilled()
	want := bilWant()
	want.Reports, want.ReportBucket, want.CostAllocationTags = nil, nil, nil
	e := bilEstate()
	if err := readWith(context.Background(), f, e, want, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"DescribeReportDefinitions", "ListCostAllocationTags"} {
		if n := f.count(op); n != 0 {
			t.Errorf("%s called %d times though not wanted", op, n)
		}
	}
	if e.Billing.Reports != nil || e.Billing.ReportBucket != nil || e.Billing.CostAllocationTags != nil {
		t.Errorf("parts not wanted were filled")
	}
	// Without an organization there is no management account to read.
	e = estate.New()
	if err := readWith(context.Background(), f, e, bilWant(), inventory.Options{}); err != nil || e.Billing != nil {
		t.Errorf("without an organization: %v %+v", err, e.Billing)
	}
}

func TestCollectBillingFailsOnOtherErrors(t *testing.T) {
	for _, op := range []string{"DescribeBudgets", "DescribeSubscribersForNotification", "DescribeAlarms us-east-1", "GetTopicAttributes",
		"DescribeReportDefinitions", "ListCostAllocationTags"} {
		f := bilFilled()
		f.fail[op] = inventorytest.APIError("AccessDeniedException")
		e := bilEstate()
		err := readWith(context.Background(), f, e, bilWant(), inventory.Options{Warn: func(error) {}})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
			t.Errorf("%s denied: error %v", op, err)
		}
	}
}

// Budgets may answer NotFoundException for an account without budgets or
// a budget without notifications: that is none, not a failure.
func TestCollectBillingNotFoundIsNone(t *testing.T) {
	f := bilFilled()
	f.fail["DescribeBudgets"] = &budgettypes.NotFoundException{Message: aws.String("no budgets")}
	e := bilEstate()
	if err := readWith(context.Background(), f, e, bilWant(), inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	if e.Billing.Budgets == nil || len(e.Billing.Budgets) != 0 {
		t.Errorf("budgets %v, want read and empty", e.Billing.Budgets)
	}

	f = bilFilled()
	f.fail["DescribeNotificationsForBudget"] = &budgettypes.NotFoundException{Message: aws.String("no notifications")}
	e = bilEstate()
	if err := readWith(context.Background(), f, e, bilWant(), inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	if n := e.Billing.Budgets["groundwork"].Notifications; n == nil || len(n) != 0 {
		t.Errorf("notifications %v, want read and empty", n)
	}
}
