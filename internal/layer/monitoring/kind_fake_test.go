package monitoring_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/monitoring"
)

// fakeMonitoringCloud is SNS, CloudWatch alarms, EventBridge rules and
// CloudWatch Logs metric filters in many accounts and Regions, behind the
// monitoring kinds' narrow interfaces. It follows AWS where moto 5.2.5
// does not:
//
//   - Subscribe of an e-mail address leaves the subscription pending
//     ("PendingConfirmation") until confirmed; moto confirms at once.
//   - PutMetricFilter replaces the filter of that name; moto appends a
//     second one.
//
// State is keyed by estate.Where.Key with the account ID. It counts calls
// per operation and can fail PutTargets entries.
type fakeMonitoringCloud struct {
	mu      sync.Mutex
	topics  map[string]*fakeTopic // by topic ARN
	filters map[string]logstypes.MetricFilter
	alarms  map[string]*cloudwatch.PutMetricAlarmInput
	rules   map[string]*fakeRule
	// failTargets makes PutTargets report every entry as failed.
	failTargets bool
	calls       map[string]int
}

type fakeTopic struct {
	policy string
	subs   []snstypes.Subscription
}

type fakeRule struct {
	in      eventbridge.PutRuleInput
	targets []ebtypes.Target
}

func newFakeMonitoringCloud() *fakeMonitoringCloud {
	return &fakeMonitoringCloud{topics: map[string]*fakeTopic{}, filters: map[string]logstypes.MetricFilter{},
		alarms: map[string]*cloudwatch.PutMetricAlarmInput{}, rules: map[string]*fakeRule{}, calls: map[string]int{}}
}

// enter counts a call and takes the lock; the caller unlocks.
func (f *fakeMonitoringCloud) enter(op string) {
	f.mu.Lock()
	f.calls[op]++
}

func (f *fakeMonitoringCloud) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *fakeMonitoringCloud) SNS(w estate.Location) monitoring.SNSAPI {
	return fakeMonitoringClient{f, w}
}
func (f *fakeMonitoringCloud) CloudWatch(w estate.Location) monitoring.CloudWatchAPI {
	return fakeMonitoringClient{f, w}
}
func (f *fakeMonitoringCloud) EventBridge(w estate.Location) monitoring.EventBridgeAPI {
	return fakeMonitoringClient{f, w}
}
func (f *fakeMonitoringCloud) MetricFilters(w estate.Location) monitoring.MetricFilterAPI {
	return fakeMonitoringClient{f, w}
}

var _ monitoring.Clients = (*fakeMonitoringCloud)(nil)

// confirmAll confirms every pending subscription, as following the link
// in each confirmation e-mail would.
func (f *fakeMonitoringCloud) confirmAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for arn, t := range f.topics {
		for i := range t.subs {
			t.subs[i].SubscriptionArn = aws.String(fmt.Sprintf("%s:sub-%d", arn, i))
		}
	}
}

type fakeMonitoringClient struct {
	f *fakeMonitoringCloud
	w estate.Location
}

func (c fakeMonitoringClient) CreateTopic(_ context.Context, in *sns.CreateTopicInput, _ ...func(*sns.Options)) (*sns.CreateTopicOutput, error) {
	c.f.enter("CreateTopic")
	defer c.f.mu.Unlock()
	arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", c.w.Region, string(c.w.Account), aws.ToString(in.Name))
	if _, ok := c.f.topics[arn]; !ok {
		c.f.topics[arn] = &fakeTopic{policy: `{"Version":"2008-10-17","Statement":[]}`}
	}
	return &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
}

func (c fakeMonitoringClient) topic(arn string) (*fakeTopic, error) {
	t, ok := c.f.topics[arn]
	if !ok {
		return nil, &snstypes.NotFoundException{Message: aws.String("Topic does not exist")}
	}
	return t, nil
}

func (c fakeMonitoringClient) SetTopicAttributes(_ context.Context, in *sns.SetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error) {
	c.f.enter("SetTopicAttributes")
	defer c.f.mu.Unlock()
	t, err := c.topic(aws.ToString(in.TopicArn))
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.AttributeName) == "Policy" {
		if strings.Contains(aws.ToString(in.AttributeValue), "${") {
			return nil, fmt.Errorf("InvalidParameter: policy with an unresolved reference: %s", aws.ToString(in.AttributeValue))
		}
		t.policy = aws.ToString(in.AttributeValue)
	}
	return &sns.SetTopicAttributesOutput{}, nil
}

// ListSubscriptionsByTopic returns one subscription per page, to exercise
// paging.
func (c fakeMonitoringClient) ListSubscriptionsByTopic(_ context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	c.f.enter("ListSubscriptionsByTopic")
	defer c.f.mu.Unlock()
	t, err := c.topic(aws.ToString(in.TopicArn))
	if err != nil {
		return nil, err
	}
	i := 0
	if in.NextToken != nil {
		fmt.Sscan(aws.ToString(in.NextToken), &i)
	}
	out := &sns.ListSubscriptionsByTopicOutput{}
	if i < len(t.subs) {
		out.Subscriptions = t.subs[i : i+1]
	}
	if i+1 < len(t.subs) {
		out.NextToken = aws.String(fmt.Sprint(i + 1))
	}
	return out, nil
}

func (c fakeMonitoringClient) Subscribe(_ context.Context, in *sns.SubscribeInput, _ ...func(*sns.Options)) (*sns.SubscribeOutput, error) {
	c.f.enter("Subscribe")
	defer c.f.mu.Unlock()
	t, err := c.topic(aws.ToString(in.TopicArn))
	if err != nil {
		return nil, err
	}
	t.subs = append(t.subs, snstypes.Subscription{Protocol: in.Protocol, Endpoint: in.Endpoint, TopicArn: in.TopicArn,
		SubscriptionArn: aws.String(estate.PendingConfirmation)})
	return &sns.SubscribeOutput{SubscriptionArn: aws.String("pending confirmation")}, nil
}

func (c fakeMonitoringClient) PutMetricAlarm(_ context.Context, in *cloudwatch.PutMetricAlarmInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error) {
	c.f.enter("PutMetricAlarm")
	defer c.f.mu.Unlock()
	for _, arn := range in.AlarmActions {
		if _, ok := c.f.topics[arn]; !ok {
			return nil, fmt.Errorf("ValidationError: alarm action %s is not a topic", arn)
		}
	}
	c.f.alarms[c.w.Key(aws.ToString(in.AlarmName))] = in
	return &cloudwatch.PutMetricAlarmOutput{}, nil
}

func (c fakeMonitoringClient) PutRule(_ context.Context, in *eventbridge.PutRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutRuleOutput, error) {
	c.f.enter("PutRule")
	defer c.f.mu.Unlock()
	key := c.w.Key(aws.ToString(in.Name))
	r, ok := c.f.rules[key]
	if !ok {
		r = &fakeRule{}
		c.f.rules[key] = r
	}
	r.in = *in
	return &eventbridge.PutRuleOutput{RuleArn: aws.String("arn:aws:events:" + c.w.Region + ":" + string(c.w.Account) + ":rule/" + aws.ToString(in.Name))}, nil
}

func (c fakeMonitoringClient) PutTargets(_ context.Context, in *eventbridge.PutTargetsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutTargetsOutput, error) {
	c.f.enter("PutTargets")
	defer c.f.mu.Unlock()
	r, ok := c.f.rules[c.w.Key(aws.ToString(in.Rule))]
	if !ok {
		return nil, &ebtypes.ResourceNotFoundException{Message: aws.String("Rule does not exist")}
	}
	if c.f.failTargets {
		out := &eventbridge.PutTargetsOutput{FailedEntryCount: int32(len(in.Targets))}
		for _, t := range in.Targets {
			out.FailedEntries = append(out.FailedEntries, ebtypes.PutTargetsResultEntry{TargetId: t.Id,
				ErrorCode: aws.String("AccessDeniedException"), ErrorMessage: aws.String("not allowed")})
		}
		return out, nil
	}
	for _, t := range in.Targets {
		i := slices.IndexFunc(r.targets, func(x ebtypes.Target) bool { return aws.ToString(x.Id) == aws.ToString(t.Id) })
		if i >= 0 {
			r.targets[i] = t
		} else {
			r.targets = append(r.targets, t)
		}
	}
	return &eventbridge.PutTargetsOutput{}, nil
}

func (c fakeMonitoringClient) DescribeMetricFilters(_ context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
	c.f.enter("DescribeMetricFilters")
	defer c.f.mu.Unlock()
	out := &cloudwatchlogs.DescribeMetricFiltersOutput{}
	for _, key := range sortedMapKeys(c.f.filters) {
		mf := c.f.filters[key]
		if strings.HasPrefix(key, c.w.Key("")) && aws.ToString(mf.LogGroupName) == aws.ToString(in.LogGroupName) &&
			strings.HasPrefix(aws.ToString(mf.FilterName), aws.ToString(in.FilterNamePrefix)) {
			out.MetricFilters = append(out.MetricFilters, mf)
		}
	}
	return out, nil
}

func (c fakeMonitoringClient) PutMetricFilter(_ context.Context, in *cloudwatchlogs.PutMetricFilterInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutMetricFilterOutput, error) {
	c.f.enter("PutMetricFilter")
	defer c.f.mu.Unlock()
	c.f.filters[c.w.Key(estate.FilterKey(aws.ToString(in.LogGroupName), aws.ToString(in.FilterName)))] = logstypes.MetricFilter{
		FilterName: in.FilterName, FilterPattern: in.FilterPattern, LogGroupName: in.LogGroupName,
		MetricTransformations: in.MetricTransformations}
	return &cloudwatchlogs.PutMetricFilterOutput{}, nil
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// monitoring returns what the inventory would read of the fake, for the
// accounts in keys (account ID -> account key).
func (f *fakeMonitoringCloud) monitoring(keys map[string]string, expected estate.MonitoringExpected) *estate.Monitoring {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := estate.NewMonitoring()
	m.Expected = expected
	split := func(key string) (estate.Where, string) {
		parts := strings.SplitN(key, "/", 3)
		return estate.Where{Account: estate.AccountKey(keys[parts[0]]), Region: parts[1]}, parts[2]
	}
	for arn, t := range f.topics {
		parts := strings.Split(arn, ":")
		w := estate.Where{Account: estate.AccountKey(keys[parts[4]]), Region: parts[3]}
		topic := &estate.Topic{Where: w, Name: parts[5], ARN: arn, Policy: t.policy}
		for _, s := range t.subs {
			topic.Subscriptions = append(topic.Subscriptions, estate.Subscription{Protocol: aws.ToString(s.Protocol),
				Endpoint: aws.ToString(s.Endpoint), ARN: aws.ToString(s.SubscriptionArn),
				Pending: aws.ToString(s.SubscriptionArn) == estate.PendingConfirmation})
		}
		estate.SortSubscriptions(topic.Subscriptions)
		m.Topics[w.Key(topic.Name)] = topic
	}
	for key, mf := range f.filters {
		w, _ := split(key)
		t := mf.MetricTransformations[0]
		fl := &estate.MetricFilter{Where: w, LogGroup: aws.ToString(mf.LogGroupName), Name: aws.ToString(mf.FilterName),
			Pattern: aws.ToString(mf.FilterPattern), Namespace: aws.ToString(t.MetricNamespace), MetricName: aws.ToString(t.MetricName)}
		m.MetricFilters[w.Key(estate.FilterKey(fl.LogGroup, fl.Name))] = fl
	}
	for key, in := range f.alarms {
		w, name := split(key)
		actions := slices.Clone(in.AlarmActions)
		slices.Sort(actions)
		m.Alarms[w.Key(name)] = &estate.Alarm{Where: w, Name: name, Description: aws.ToString(in.AlarmDescription),
			Namespace: aws.ToString(in.Namespace), MetricName: aws.ToString(in.MetricName), Statistic: string(in.Statistic),
			Period: int(aws.ToInt32(in.Period)), Threshold: aws.ToFloat64(in.Threshold), Comparison: string(in.ComparisonOperator),
			EvaluationPeriods: int(aws.ToInt32(in.EvaluationPeriods)), TreatMissingData: aws.ToString(in.TreatMissingData),
			ActionsEnabled: aws.ToBool(in.ActionsEnabled), AlarmActions: actions}
	}
	for key, r := range f.rules {
		w, name := split(key)
		rule := &estate.EventRule{Where: w, Name: name, Description: aws.ToString(r.in.Description),
			EventPattern: aws.ToString(r.in.EventPattern), State: string(r.in.State)}
		for _, t := range r.targets {
			rule.Targets = append(rule.Targets, aws.ToString(t.Arn))
		}
		slices.Sort(rule.Targets)
		m.EventRules[w.Key(name)] = rule
	}
	return m
}
