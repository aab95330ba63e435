package billing_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	budgettypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cur "github.com/aws/aws-sdk-go-v2/service/costandusagereportservice"
	curtypes "github.com/aws/aws-sdk-go-v2/service/costandusagereportservice/types"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/billing"
	"github.com/groundwork-aws/groundwork/internal/layer/logging/loggingtest"
)

// billingFake is the management account's billing services as the billing
// kinds see them, in memory: Budgets, CloudWatch alarms, SNS topics, the
// Cost and Usage Report API and Cost Explorer's cost allocation tags. It
// stands in for what moto 5.2 lacks (UpdateBudget, CreateSubscriber,
// DeleteSubscriber, DescribeSubscribersForNotification, the whole Cost and
// Usage Report API, ListCostAllocationTags and
// UpdateCostAllocationTagsStatus) and answers the way AWS documents: a
// budget name is unique, a notification is known by its trigger, an
// unseen tag key cannot be activated. Values still holding a ${...}
// reference are refused. Every call is counted by operation.
type billingFake struct {
	mu      sync.Mutex
	account string
	calls   map[string]int
	budgets map[string]*billingFakeBudget
	topics  map[string]*billingFakeTopic // by ARN
	alarms  map[string]*cloudwatch.PutMetricAlarmInput
	reports map[string]curtypes.ReportDefinition
	// tags are the user-defined keys billing has seen, by status.
	tags map[string]cetypes.CostAllocationTagStatus
	// keys holds the report bucket, through the logging layer's fake S3.
	keys *loggingtest.KeyStore
}

type billingFakeBudget struct {
	def           budgettypes.Budget
	notifications []*billingFakeNotification
}

type billingFakeNotification struct {
	n    budgettypes.Notification
	subs []budgettypes.Subscriber
}

type billingFakeTopic struct {
	region, name, policy string
	subs                 []string
}

func newBillingFake(account string) *billingFake {
	return &billingFake{account: account, calls: map[string]int{}, budgets: map[string]*billingFakeBudget{},
		topics: map[string]*billingFakeTopic{}, alarms: map[string]*cloudwatch.PutMetricAlarmInput{},
		reports: map[string]curtypes.ReportDefinition{}, tags: map[string]cetypes.CostAllocationTagStatus{},
		keys: loggingtest.NewKeyStore()}
}

func (f *billingFake) enter(op string) {
	f.mu.Lock()
	f.calls[op]++
}

func (f *billingFake) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// writes counts the calls that are not reads, S3's included.
func (f *billingFake) writes() map[string]int {
	f.mu.Lock()
	out := map[string]int{}
	for op, n := range f.calls {
		if !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Describe") {
			out[op] = n
		}
	}
	f.mu.Unlock()
	maps.Copy(out, f.keys.Writes())
	return out
}

func (f *billingFake) resetCalls() {
	f.mu.Lock()
	f.calls = map[string]int{}
	f.mu.Unlock()
	f.keys.ResetCalls()
}

func billingFakeRefs(values ...string) error {
	for _, v := range values {
		if strings.Contains(v, "${") {
			return loggingtest.APIError("ValidationException", "unresolved reference in "+v)
		}
	}
	return nil
}

func billingNotificationKey(n *budgettypes.Notification) string {
	return estate.BudgetNotification{Type: string(n.NotificationType), Comparison: string(n.ComparisonOperator),
		Threshold: n.Threshold, ThresholdType: string(n.ThresholdType)}.Key()
}

// observe reads the fake into a copy of base the way the inventory does,
// subscribers included (AWS answers DescribeSubscribersForNotification).
func (f *billingFake) observe(base *estate.Estate, want *estate.Billing) *estate.Estate {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := *base
	b := estate.NewBilling()
	e.Billing = b
	for name, fb := range f.budgets {
		out := &estate.Budget{Name: name, Type: string(fb.def.BudgetType), TimeUnit: string(fb.def.TimeUnit),
			Limit: aws.ToString(fb.def.BudgetLimit.Amount), LimitUnit: aws.ToString(fb.def.BudgetLimit.Unit),
			Notifications: []estate.BudgetNotification{}}
		for _, n := range fb.notifications {
			bn := estate.BudgetNotification{Type: string(n.n.NotificationType), Comparison: string(n.n.ComparisonOperator),
				Threshold: n.n.Threshold, ThresholdType: string(n.n.ThresholdType), Subscribers: []estate.BudgetSubscriber{}}
			for _, s := range n.subs {
				bn.Subscribers = append(bn.Subscribers, estate.BudgetSubscriber{Type: string(s.SubscriptionType), Address: aws.ToString(s.Address)})
			}
			slices.SortFunc(bn.Subscribers, func(a, b estate.BudgetSubscriber) int { return strings.Compare(a.Type+a.Address, b.Type+b.Address) })
			out.Notifications = append(out.Notifications, bn)
		}
		slices.SortFunc(out.Notifications, func(a, b estate.BudgetNotification) int { return strings.Compare(a.Key(), b.Key()) })
		b.Budgets[name] = out
	}
	for key, t := range want.Topics {
		got := &estate.BillingTopic{Where: t.Where, Name: t.Name}
		arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", t.Region, f.account, t.Name)
		if ft, ok := f.topics[arn]; ok {
			got.Exists, got.ARN, got.Policy = true, arn, ft.policy
			for _, s := range ft.subs {
				got.Subscriptions = append(got.Subscriptions, estate.BillingSubscription{Protocol: "email", Endpoint: s, Confirmed: true})
			}
		}
		b.Topics[key] = got
	}
	for name, a := range f.alarms {
		out := &estate.BillingAlarm{Where: estate.Where{Account: estate.ManagementKey, Region: estate.BillingRegion}, Name: name,
			Statistic: string(a.Statistic), Period: int(aws.ToInt32(a.Period)), Evaluation: int(aws.ToInt32(a.EvaluationPeriods)),
			Threshold: aws.ToFloat64(a.Threshold), Comparison: string(a.ComparisonOperator),
			Actions: slices.Sorted(slices.Values(a.AlarmActions)), ActionsEnabled: aws.ToBool(a.ActionsEnabled)}
		if len(a.Dimensions) > 0 {
			out.Currency = aws.ToString(a.Dimensions[0].Value)
		}
		b.Alarms[name] = out
	}
	if want.Reports != nil {
		b.Reports = map[string]*estate.CostReport{}
		for name, d := range f.reports {
			r := &estate.CostReport{Name: name, TimeUnit: string(d.TimeUnit), Format: string(d.Format), Compression: string(d.Compression),
				Bucket: aws.ToString(d.S3Bucket), Prefix: aws.ToString(d.S3Prefix), BucketRegion: string(d.S3Region),
				Versioning: string(d.ReportVersioning), RefreshClosed: aws.ToBool(d.RefreshClosedReports)}
			for _, s := range d.AdditionalSchemaElements {
				r.Schema = append(r.Schema, string(s))
			}
			for _, s := range d.AdditionalArtifacts {
				r.Artifacts = append(r.Artifacts, string(s))
			}
			b.Reports[name] = r
		}
	}
	if want.ReportBucket != nil {
		name, _ := estate.Resolve(want.ReportBucket.Name, base.Lookup)
		if got := f.keys.Bucket(name); got != nil {
			out := &estate.Bucket{Where: want.ReportBucket.Where, Name: name, Exists: true, Policy: got.Policy, SSE: got.SSE,
				KMSKey: got.KMSKey, Versioning: got.Versioning == s3types.BucketVersioningStatusEnabled}
			if p := got.BlockPublic; p != nil {
				out.BlockPublicAccess = *p.BlockPublicAcls && *p.IgnorePublicAcls && *p.BlockPublicPolicy && *p.RestrictPublicBuckets
			}
			for _, r := range got.Lifecycle {
				if r.Expiration != nil {
					out.ExpireDays = int(*r.Expiration.Days)
				}
			}
			b.ReportBucket = out
		}
	}
	if want.CostAllocationTags != nil {
		b.CostAllocationTags = map[string]string{}
		for k := range want.CostAllocationTags {
			b.CostAllocationTags[k] = estate.CostTagUnseen
			if s, ok := f.tags[k]; ok {
				b.CostAllocationTags[k] = string(s)
			}
		}
	}
	return &e
}

// billingFakeClients hands out the fake's clients.
type billingFakeClients struct{ f *billingFake }

var _ billing.Clients = billingFakeClients{}

func (c billingFakeClients) Budgets() billing.BudgetsAPI { return billingFakeBudgets{c.f} }
func (c billingFakeClients) Alarms(region string) billing.BillingAlarmAPI {
	return billingFakeAlarms{c.f, region}
}
func (c billingFakeClients) Topics(region string) billing.BillingTopicAPI {
	return billingFakeTopics{c.f, region}
}
func (c billingFakeClients) CostReports() billing.CostReportAPI { return billingFakeReports{c.f} }
func (c billingFakeClients) CostAllocationTags() billing.CostAllocationTagsAPI {
	return billingFakeCostTags{c.f}
}

// billingFakeBudgets is AWS Budgets.
type billingFakeBudgets struct{ f *billingFake }

// budget returns the budget of the request, checking the account; f.mu is held.
func (c billingFakeBudgets) budget(account, name *string) (*billingFakeBudget, error) {
	if aws.ToString(account) != c.f.account {
		return nil, loggingtest.APIError("AccessDeniedException", "account "+aws.ToString(account))
	}
	b, ok := c.f.budgets[aws.ToString(name)]
	if !ok {
		return nil, &budgettypes.NotFoundException{Message: aws.String("no budget " + aws.ToString(name))}
	}
	return b, nil
}

func (b *billingFakeBudget) notification(n *budgettypes.Notification) *billingFakeNotification {
	for _, x := range b.notifications {
		if billingNotificationKey(&x.n) == billingNotificationKey(n) {
			return x
		}
	}
	return nil
}

func billingFakeSubscribers(subs []budgettypes.Subscriber) error {
	for _, s := range subs {
		if err := billingFakeRefs(aws.ToString(s.Address)); err != nil {
			return err
		}
	}
	return nil
}

func (c billingFakeBudgets) CreateBudget(_ context.Context, in *budgets.CreateBudgetInput, _ ...func(*budgets.Options)) (*budgets.CreateBudgetOutput, error) {
	c.f.enter("CreateBudget")
	defer c.f.mu.Unlock()
	if aws.ToString(in.AccountId) != c.f.account {
		return nil, loggingtest.APIError("AccessDeniedException", "account "+aws.ToString(in.AccountId))
	}
	name := aws.ToString(in.Budget.BudgetName)
	if _, ok := c.f.budgets[name]; ok {
		return nil, &budgettypes.DuplicateRecordException{Message: aws.String("budget " + name + " exists")}
	}
	b := &billingFakeBudget{def: *in.Budget}
	for _, n := range in.NotificationsWithSubscribers {
		if err := billingFakeSubscribers(n.Subscribers); err != nil {
			return nil, err
		}
		b.notifications = append(b.notifications, &billingFakeNotification{n: *n.Notification, subs: slices.Clone(n.Subscribers)})
	}
	c.f.budgets[name] = b
	return &budgets.CreateBudgetOutput{}, nil
}

func (c billingFakeBudgets) UpdateBudget(_ context.Context, in *budgets.UpdateBudgetInput, _ ...func(*budgets.Options)) (*budgets.UpdateBudgetOutput, error) {
	c.f.enter("UpdateBudget")
	defer c.f.mu.Unlock()
	b, err := c.budget(in.AccountId, in.NewBudget.BudgetName)
	if err != nil {
		return nil, err
	}
	b.def = *in.NewBudget
	return &budgets.UpdateBudgetOutput{}, nil
}

func (c billingFakeBudgets) DescribeNotificationsForBudget(_ context.Context, in *budgets.DescribeNotificationsForBudgetInput, _ ...func(*budgets.Options)) (*budgets.DescribeNotificationsForBudgetOutput, error) {
	c.f.enter("DescribeNotificationsForBudget")
	defer c.f.mu.Unlock()
	b, err := c.budget(in.AccountId, in.BudgetName)
	if err != nil {
		return nil, err
	}
	out := &budgets.DescribeNotificationsForBudgetOutput{}
	for _, n := range b.notifications {
		out.Notifications = append(out.Notifications, n.n)
	}
	return out, nil
}

func (c billingFakeBudgets) CreateNotification(_ context.Context, in *budgets.CreateNotificationInput, _ ...func(*budgets.Options)) (*budgets.CreateNotificationOutput, error) {
	c.f.enter("CreateNotification")
	defer c.f.mu.Unlock()
	b, err := c.budget(in.AccountId, in.BudgetName)
	if err != nil {
		return nil, err
	}
	if b.notification(in.Notification) != nil {
		return nil, &budgettypes.DuplicateRecordException{Message: aws.String("notification exists")}
	}
	if err := billingFakeSubscribers(in.Subscribers); err != nil {
		return nil, err
	}
	b.notifications = append(b.notifications, &billingFakeNotification{n: *in.Notification, subs: slices.Clone(in.Subscribers)})
	return &budgets.CreateNotificationOutput{}, nil
}

func (c billingFakeBudgets) DeleteNotification(_ context.Context, in *budgets.DeleteNotificationInput, _ ...func(*budgets.Options)) (*budgets.DeleteNotificationOutput, error) {
	c.f.enter("DeleteNotification")
	defer c.f.mu.Unlock()
	b, err := c.budget(in.AccountId, in.BudgetName)
	if err != nil {
		return nil, err
	}
	n := b.notification(in.Notification)
	if n == nil {
		return nil, &budgettypes.NotFoundException{Message: aws.String("no such notification")}
	}
	b.notifications = slices.DeleteFunc(b.notifications, func(x *billingFakeNotification) bool { return x == n })
	return &budgets.DeleteNotificationOutput{}, nil
}

func (c billingFakeBudgets) CreateSubscriber(_ context.Context, in *budgets.CreateSubscriberInput, _ ...func(*budgets.Options)) (*budgets.CreateSubscriberOutput, error) {
	c.f.enter("CreateSubscriber")
	defer c.f.mu.Unlock()
	b, err := c.budget(in.AccountId, in.BudgetName)
	if err != nil {
		return nil, err
	}
	n := b.notification(in.Notification)
	if n == nil {
		return nil, &budgettypes.NotFoundException{Message: aws.String("no such notification")}
	}
	if err := billingFakeSubscribers([]budgettypes.Subscriber{*in.Subscriber}); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(n.subs, func(s budgettypes.Subscriber) bool {
		return s.SubscriptionType == in.Subscriber.SubscriptionType && aws.ToString(s.Address) == aws.ToString(in.Subscriber.Address)
	}) {
		return nil, &budgettypes.DuplicateRecordException{Message: aws.String("subscriber exists")}
	}
	n.subs = append(n.subs, *in.Subscriber)
	return &budgets.CreateSubscriberOutput{}, nil
}

func (c billingFakeBudgets) DeleteSubscriber(_ context.Context, in *budgets.DeleteSubscriberInput, _ ...func(*budgets.Options)) (*budgets.DeleteSubscriberOutput, error) {
	c.f.enter("DeleteSubscriber")
	defer c.f.mu.Unlock()
	b, err := c.budget(in.AccountId, in.BudgetName)
	if err != nil {
		return nil, err
	}
	n := b.notification(in.Notification)
	if n == nil {
		return nil, &budgettypes.NotFoundException{Message: aws.String("no such notification")}
	}
	isIt := func(s budgettypes.Subscriber) bool {
		return s.SubscriptionType == in.Subscriber.SubscriptionType && aws.ToString(s.Address) == aws.ToString(in.Subscriber.Address)
	}
	if !slices.ContainsFunc(n.subs, isIt) {
		return nil, &budgettypes.NotFoundException{Message: aws.String("no such subscriber")}
	}
	if len(n.subs) == 1 {
		return nil, &budgettypes.InvalidParameterException{Message: aws.String("a notification keeps at least one subscriber")}
	}
	n.subs = slices.DeleteFunc(n.subs, isIt)
	return &budgets.DeleteSubscriberOutput{}, nil
}

// billingFakeAlarms is CloudWatch in one Region; the billing alarm belongs in
// us-east-1 alone.
type billingFakeAlarms struct {
	f      *billingFake
	region string
}

func (c billingFakeAlarms) PutMetricAlarm(_ context.Context, in *cloudwatch.PutMetricAlarmInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error) {
	c.f.enter("PutMetricAlarm")
	defer c.f.mu.Unlock()
	if c.region != estate.BillingRegion {
		return nil, loggingtest.APIError("ValidationError", "no EstimatedCharges metric in "+c.region)
	}
	for _, a := range in.AlarmActions {
		if !strings.HasPrefix(a, "arn:aws:sns:"+c.region+":") {
			return nil, loggingtest.APIError("ValidationError", "alarm action "+a+" is not a topic of "+c.region)
		}
	}
	if err := billingFakeRefs(in.AlarmActions...); err != nil {
		return nil, err
	}
	cp := *in
	c.f.alarms[aws.ToString(in.AlarmName)] = &cp
	return &cloudwatch.PutMetricAlarmOutput{}, nil
}

// billingFakeTopics is SNS in one Region.
type billingFakeTopics struct {
	f      *billingFake
	region string
}

func (c billingFakeTopics) CreateTopic(_ context.Context, in *sns.CreateTopicInput, _ ...func(*sns.Options)) (*sns.CreateTopicOutput, error) {
	c.f.enter("CreateTopic")
	defer c.f.mu.Unlock()
	arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", c.region, c.f.account, aws.ToString(in.Name))
	if _, ok := c.f.topics[arn]; !ok {
		c.f.topics[arn] = &billingFakeTopic{region: c.region, name: aws.ToString(in.Name), policy: `{"Id":"__default_policy_ID"}`}
	}
	return &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
}

func (c billingFakeTopics) topic(arn *string) (*billingFakeTopic, error) {
	t, ok := c.f.topics[aws.ToString(arn)]
	if !ok || t.region != c.region {
		return nil, loggingtest.APIError("NotFound", "Topic does not exist")
	}
	return t, nil
}

func (c billingFakeTopics) SetTopicAttributes(_ context.Context, in *sns.SetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error) {
	c.f.enter("SetTopicAttributes")
	defer c.f.mu.Unlock()
	t, err := c.topic(in.TopicArn)
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.AttributeName) != "Policy" {
		return nil, loggingtest.APIError("InvalidParameter", "attribute "+aws.ToString(in.AttributeName))
	}
	if err := loggingtest.CheckDocument(aws.ToString(in.AttributeValue)); err != nil {
		return nil, loggingtest.APIError("InvalidParameter", err.Error())
	}
	t.policy = aws.ToString(in.AttributeValue)
	return &sns.SetTopicAttributesOutput{}, nil
}

func (c billingFakeTopics) Subscribe(_ context.Context, in *sns.SubscribeInput, _ ...func(*sns.Options)) (*sns.SubscribeOutput, error) {
	c.f.enter("Subscribe")
	defer c.f.mu.Unlock()
	t, err := c.topic(in.TopicArn)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(t.subs, aws.ToString(in.Endpoint)) {
		t.subs = append(t.subs, aws.ToString(in.Endpoint))
	}
	return &sns.SubscribeOutput{SubscriptionArn: aws.String("pending confirmation")}, nil
}

// billingFakeReports is the Cost and Usage Report API.
type billingFakeReports struct{ f *billingFake }

func billingFakeReportValid(d *curtypes.ReportDefinition) error {
	if err := billingFakeRefs(aws.ToString(d.S3Bucket)); err != nil {
		return err
	}
	// AWS: the Athena integration needs Parquet and an overwritten report.
	if slices.Contains(d.AdditionalArtifacts, curtypes.AdditionalArtifactAthena) &&
		(d.Format != curtypes.ReportFormatParquet || d.ReportVersioning != curtypes.ReportVersioningOverwriteReport) {
		return &curtypes.ValidationException{Message: aws.String("Athena needs Parquet and OVERWRITE_REPORT")}
	}
	return nil
}

func (c billingFakeReports) PutReportDefinition(_ context.Context, in *cur.PutReportDefinitionInput, _ ...func(*cur.Options)) (*cur.PutReportDefinitionOutput, error) {
	c.f.enter("PutReportDefinition")
	defer c.f.mu.Unlock()
	name := aws.ToString(in.ReportDefinition.ReportName)
	if _, ok := c.f.reports[name]; ok {
		return nil, &curtypes.DuplicateReportNameException{Message: aws.String("report " + name + " exists")}
	}
	if err := billingFakeReportValid(in.ReportDefinition); err != nil {
		return nil, err
	}
	c.f.reports[name] = *in.ReportDefinition
	return &cur.PutReportDefinitionOutput{}, nil
}

func (c billingFakeReports) ModifyReportDefinition(_ context.Context, in *cur.ModifyReportDefinitionInput, _ ...func(*cur.Options)) (*cur.ModifyReportDefinitionOutput, error) {
	c.f.enter("ModifyReportDefinition")
	defer c.f.mu.Unlock()
	name := aws.ToString(in.ReportName)
	if _, ok := c.f.reports[name]; !ok {
		return nil, &curtypes.ValidationException{Message: aws.String("no report " + name)}
	}
	if err := billingFakeReportValid(in.ReportDefinition); err != nil {
		return nil, err
	}
	c.f.reports[name] = *in.ReportDefinition
	return &cur.ModifyReportDefinitionOutput{}, nil
}

// billingFakeCostTags is Cost Explorer's cost allocation tags.
type billingFakeCostTags struct{ f *billingFake }

func (c billingFakeCostTags) ListCostAllocationTags(_ context.Context, in *costexplorer.ListCostAllocationTagsInput, _ ...func(*costexplorer.Options)) (*costexplorer.ListCostAllocationTagsOutput, error) {
	c.f.enter("ListCostAllocationTags")
	defer c.f.mu.Unlock()
	if len(in.TagKeys) > 100 {
		return nil, loggingtest.APIError("ValidationException", "more than 100 tag keys")
	}
	out := &costexplorer.ListCostAllocationTagsOutput{}
	for _, k := range in.TagKeys {
		if s, ok := c.f.tags[k]; ok {
			out.CostAllocationTags = append(out.CostAllocationTags, cetypes.CostAllocationTag{TagKey: aws.String(k), Status: s,
				Type: cetypes.CostAllocationTagTypeUserDefined})
		}
	}
	return out, nil
}

func (c billingFakeCostTags) UpdateCostAllocationTagsStatus(_ context.Context, in *costexplorer.UpdateCostAllocationTagsStatusInput, _ ...func(*costexplorer.Options)) (*costexplorer.UpdateCostAllocationTagsStatusOutput, error) {
	c.f.enter("UpdateCostAllocationTagsStatus")
	defer c.f.mu.Unlock()
	if len(in.CostAllocationTagsStatus) > 20 {
		return nil, loggingtest.APIError("ValidationException", "more than 20 entries")
	}
	out := &costexplorer.UpdateCostAllocationTagsStatusOutput{}
	for _, e := range in.CostAllocationTagsStatus {
		k := aws.ToString(e.TagKey)
		if _, ok := c.f.tags[k]; !ok {
			out.Errors = append(out.Errors, cetypes.UpdateCostAllocationTagsStatusError{TagKey: aws.String(k),
				Code: aws.String("TagKeysNotFoundException"), Message: aws.String("tag key not found")})
			continue
		}
		c.f.tags[k] = e.Status
	}
	return out, nil
}
