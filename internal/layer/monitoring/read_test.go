package monitoring

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

const (
	monTopic    = "groundwork-security-notifications"
	monTopicARN = "arn:aws:sns:us-east-1:111111111111:" + monTopic
	monRule     = "groundwork-root-sign-in"
	monGroup    = "/groundwork/cloudtrail"
)

var monAt = estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}

// fakeMonitoringReads answers the monitoring reads of the management
// account from canned data, the way AWS does (a pending e-mail
// subscription has the ARN PendingConfirmation), and one item per page
// so that every read pages. It records each call with its place.
type fakeMonitoringReads struct {
	mu      sync.Mutex
	subs    []snstypes.Subscription // of monTopicARN; nil topic when noTopic
	noTopic bool
	filters []logstypes.MetricFilter // on monGroup, in the order AWS returns them
	alarms  map[string]cwtypes.MetricAlarm
	rule    *eventbridge.DescribeRuleOutput // nil: no rule
	targets []ebtypes.Target
	listed  []ebtypes.Rule // what ListRules lists in us-east-1, one a page
	err     error          // returned by DescribeAlarms
	calls   map[string]int
	where   map[string][]estate.Location
	names   [][]string // AlarmNames of each DescribeAlarms
}

func (f *fakeMonitoringReads) call(op string, w estate.Location) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls, f.where = map[string]int{}, map[string][]estate.Location{}
	}
	f.calls[op]++
	f.where[op] = append(f.where[op], w)
}

func (f *fakeMonitoringReads) SNS(w estate.Location) snsReadAPI { return monReadClient{f, w} }
func (f *fakeMonitoringReads) MetricFilters(w estate.Location) metricFilterReadAPI {
	return monReadClient{f, w}
}
func (f *fakeMonitoringReads) CloudWatch(w estate.Location) alarmReadAPI {
	return monReadClient{f, w}
}
func (f *fakeMonitoringReads) EventBridge(w estate.Location) eventBridgeReadAPI {
	return monReadClient{f, w}
}

type monReadClient struct {
	f *fakeMonitoringReads
	w estate.Location
}

// monPage returns the index a NextToken asks for.
func monPage(token *string) int {
	i := 0
	if token != nil {
		fmt.Sscan(*token, &i)
	}
	return i
}

func monNext(i, n int) *string {
	if i+1 < n {
		return aws.String(fmt.Sprint(i + 1))
	}
	return nil
}

func (c monReadClient) GetTopicAttributes(_ context.Context, in *sns.GetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	c.f.call("GetTopicAttributes", c.w)
	if c.f.noTopic || aws.ToString(in.TopicArn) != monTopicARN {
		return nil, &snstypes.NotFoundException{Message: aws.String("Topic does not exist")}
	}
	return &sns.GetTopicAttributesOutput{Attributes: map[string]string{"TopicArn": monTopicARN, "Policy": `{"Statement":[]}`}}, nil
}

func (c monReadClient) ListSubscriptionsByTopic(_ context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	c.f.call("ListSubscriptionsByTopic", c.w)
	i := monPage(in.NextToken)
	out := &sns.ListSubscriptionsByTopicOutput{NextToken: monNext(i, len(c.f.subs))}
	if i < len(c.f.subs) {
		out.Subscriptions = c.f.subs[i : i+1]
	}
	return out, nil
}

func (c monReadClient) DescribeMetricFilters(_ context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
	c.f.call("DescribeMetricFilters", c.w)
	if aws.ToString(in.LogGroupName) != monGroup {
		return nil, &logstypes.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
	}
	i := monPage(in.NextToken)
	out := &cloudwatchlogs.DescribeMetricFiltersOutput{NextToken: monNext(i, len(c.f.filters))}
	if i < len(c.f.filters) {
		out.MetricFilters = c.f.filters[i : i+1]
	}
	return out, nil
}

func (c monReadClient) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	c.f.call("DescribeAlarms", c.w)
	if c.f.err != nil {
		return nil, c.f.err
	}
	if !slices.Equal(in.AlarmTypes, []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm}) {
		return nil, errors.New("the inventory asked for composite alarms")
	}
	c.f.mu.Lock()
	if in.NextToken == nil {
		c.f.names = append(c.f.names, in.AlarmNames)
	}
	c.f.mu.Unlock()
	var found []cwtypes.MetricAlarm
	for _, n := range in.AlarmNames {
		if a, ok := c.f.alarms[n]; ok {
			found = append(found, a)
		}
	}
	if len(in.AlarmNames) == 0 { // every alarm, by name
		for _, n := range slices.Sorted(maps.Keys(c.f.alarms)) {
			found = append(found, c.f.alarms[n])
		}
	}
	i := monPage(in.NextToken)
	out := &cloudwatch.DescribeAlarmsOutput{NextToken: monNext(i, len(found))}
	if i < len(found) {
		out.MetricAlarms = found[i : i+1]
	}
	return out, nil
}

func (c monReadClient) DescribeRule(_ context.Context, in *eventbridge.DescribeRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.DescribeRuleOutput, error) {
	c.f.call("DescribeRule", c.w)
	if c.f.rule == nil || aws.ToString(in.Name) != aws.ToString(c.f.rule.Name) {
		return nil, &ebtypes.ResourceNotFoundException{Message: aws.String("Rule does not exist.")}
	}
	return c.f.rule, nil
}

func (c monReadClient) ListRules(_ context.Context, in *eventbridge.ListRulesInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error) {
	c.f.call("ListRules", c.w)
	if c.w.Region != "us-east-1" {
		return &eventbridge.ListRulesOutput{}, nil
	}
	i := monPage(in.NextToken)
	out := &eventbridge.ListRulesOutput{NextToken: monNext(i, len(c.f.listed))}
	if i < len(c.f.listed) {
		out.Rules = c.f.listed[i : i+1]
	}
	return out, nil
}

func (c monReadClient) ListTargetsByRule(_ context.Context, in *eventbridge.ListTargetsByRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error) {
	c.f.call("ListTargetsByRule", c.w)
	i := monPage(in.NextToken)
	out := &eventbridge.ListTargetsByRuleOutput{NextToken: monNext(i, len(c.f.targets))}
	if i < len(c.f.targets) {
		out.Targets = c.f.targets[i : i+1]
	}
	return out, nil
}

// monWant is a desired monitoring layer in the management account: the
// topic, two filters and alarms, the rule.
func monWant() *estate.Monitoring {
	m := estate.NewMonitoring()
	arn := "arn:aws:sns:us-east-1:${account-id:management}:" + monTopic
	m.Topics[monAt.Key(monTopic)] = &estate.Topic{Where: monAt, Name: monTopic, ARN: arn}
	for _, n := range []string{"RootUserActivity", "CloudTrailChanges"} {
		m.MetricFilters[monAt.Key(estate.FilterKey(monGroup, n+"Filter"))] = &estate.MetricFilter{Where: monAt,
			LogGroup: monGroup, Name: n + "Filter", Namespace: "LogMetrics", MetricName: n}
		m.Alarms[monAt.Key(n+"Alarm")] = &estate.Alarm{Where: monAt, Name: n + "Alarm"}
		m.Expected.Patterns = append(m.Expected.Patterns, n)
	}
	m.EventRules[monAt.Key(monRule)] = &estate.EventRule{Where: monAt, Name: monRule, Targets: []string{arn}}
	m.Expected.Topics = []estate.Placement{{Where: monAt, Name: monTopic}}
	m.Expected.Rules = []estate.Placement{{Where: monAt, Name: monRule}}
	m.Expected.LogGroup = estate.Placement{Where: monAt, Name: monGroup}
	return m
}

func monOrg() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", ManagementAccountID: "111111111111"}
	return e
}

func filter(name, pattern, metric string) logstypes.MetricFilter {
	return logstypes.MetricFilter{FilterName: aws.String(name), FilterPattern: aws.String(pattern), LogGroupName: aws.String(monGroup),
		MetricTransformations: []logstypes.MetricTransformation{{MetricName: aws.String(metric),
			MetricNamespace: aws.String("LogMetrics"), MetricValue: aws.String("1")}}}
}

func TestReadMonitoring(t *testing.T) {
	f := &fakeMonitoringReads{
		subs: []snstypes.Subscription{
			{Protocol: aws.String("email"), Endpoint: aws.String("soc@example.com"), SubscriptionArn: aws.String(estate.PendingConfirmation)},
			{Protocol: aws.String("email"), Endpoint: aws.String("aws-security@example.com"), SubscriptionArn: aws.String(monTopicARN + ":abc")},
		},
		filters: []logstypes.MetricFilter{
			filter("RootUserActivityFilter", "{ old }", "RootUserActivity"),
			filter("Mine", "{ $.eventName = CreateTrail }", "Mine"),
			// moto appends on a second put of the same name; the later
			// filter is the one in force.
			filter("RootUserActivityFilter", "{ new }", "RootUserActivity"),
		},
		alarms: map[string]cwtypes.MetricAlarm{"RootUserActivityAlarm": {AlarmName: aws.String("RootUserActivityAlarm"),
			Namespace: aws.String("LogMetrics"), MetricName: aws.String("RootUserActivity"), Statistic: cwtypes.StatisticSum,
			Period: aws.Int32(300), Threshold: aws.Float64(1), EvaluationPeriods: aws.Int32(1),
			ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold, TreatMissingData: aws.String("notBreaching"),
			ActionsEnabled: aws.Bool(true), AlarmActions: []string{monTopicARN, "arn:aws:sns:us-east-1:111111111111:a-first"}}},
		rule: &eventbridge.DescribeRuleOutput{Name: aws.String(monRule), State: ebtypes.RuleStateEnabled,
			EventPattern: aws.String(`{"detail-type":["AWS Console Sign In via CloudTrail"]}`), Description: aws.String("d")},
		targets: []ebtypes.Target{{Id: aws.String("b"), Arn: aws.String(monTopicARN)}, {Id: aws.String("a"), Arn: aws.String("arn:aws:sqs:x")}},
	}
	e := monOrg()
	want := monWant()
	if err := readWith(context.Background(), f, e, want, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	m := e.Monitoring
	if m == nil {
		t.Fatal("nothing read")
	}
	topic := m.Topics[monAt.Key(monTopic)]
	wantSubs := []estate.Subscription{
		{Protocol: "email", Endpoint: "aws-security@example.com", ARN: monTopicARN + ":abc"},
		{Protocol: "email", Endpoint: "soc@example.com", ARN: estate.PendingConfirmation, Pending: true},
	}
	if topic == nil || topic.ARN != monTopicARN || topic.Where != monAt || topic.Policy != `{"Statement":[]}` || !reflect.DeepEqual(topic.Subscriptions, wantSubs) {
		t.Errorf("topic %#v", topic)
	}
	if !topic.Confirmed() {
		t.Errorf("a topic with one confirmed subscription is not Confirmed")
	}
	if len(m.MetricFilters) != 2 {
		t.Errorf("filters %v", m.MetricFilters)
	}
	if fl := m.MetricFilters[monAt.Key(estate.FilterKey(monGroup, "RootUserActivityFilter"))]; fl == nil || fl.Pattern != "{ new }" ||
		fl.Namespace != "LogMetrics" || fl.MetricName != "RootUserActivity" || fl.Where != monAt || fl.Copies != 2 {
		t.Errorf("filter %#v (two of that name, the duplicate counted)", fl)
	}
	if fl := m.MetricFilters[monAt.Key(estate.FilterKey(monGroup, "Mine"))]; fl == nil || fl.Copies != 1 {
		t.Errorf("filter %#v", fl)
	}
	alarm := m.Alarms[monAt.Key("RootUserActivityAlarm")]
	wantAlarm := &estate.Alarm{Where: monAt, Name: "RootUserActivityAlarm", Namespace: "LogMetrics", MetricName: "RootUserActivity",
		Statistic: "Sum", Period: 300, Threshold: 1, Comparison: "GreaterThanOrEqualToThreshold", EvaluationPeriods: 1,
		TreatMissingData: "notBreaching", ActionsEnabled: true,
		AlarmActions: []string{"arn:aws:sns:us-east-1:111111111111:a-first", monTopicARN}}
	if !reflect.DeepEqual(alarm, wantAlarm) || len(m.Alarms) != 1 {
		t.Errorf("alarm %#v\nwant %#v", alarm, wantAlarm)
	}
	rule := m.EventRules[monAt.Key(monRule)]
	if rule == nil || rule.State != "ENABLED" || rule.Description != "d" || !slices.Equal(rule.Targets, []string{monTopicARN, "arn:aws:sqs:x"}) {
		t.Errorf("rule %s %q %q %q", rule.Name, rule.State, rule.Description, rule.Targets)
	}
	if !reflect.DeepEqual(m.Expected, want.Expected) {
		t.Errorf("expected %+v, want %+v", m.Expected, want.Expected)
	}
	// Every read happens in the management account, by ID.
	for op, ws := range f.where {
		for _, w := range ws {
			if w != (estate.Location{Account: "111111111111", Region: "us-east-1"}) {
				t.Errorf("%s read in %v", op, w)
			}
		}
	}
	for op, n := range map[string]int{"GetTopicAttributes": 1, "ListSubscriptionsByTopic": 2, "DescribeMetricFilters": 3,
		"DescribeAlarms": 1, "DescribeRule": 1, "ListTargetsByRule": 2} {
		if f.calls[op] != n {
			t.Errorf("%s: %d calls, want %d", op, f.calls[op], n)
		}
	}
}

func TestReadMonitoringAbsent(t *testing.T) {
	f := &fakeMonitoringReads{noTopic: true}
	e := monOrg()
	want := monWant()
	want.MetricFilters[monAt.Key("elsewhere:F")] = &estate.MetricFilter{Where: monAt, LogGroup: "elsewhere", Name: "F"}
	if err := readWith(context.Background(), f, e, want, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	m := e.Monitoring
	if len(m.Topics)+len(m.MetricFilters)+len(m.Alarms)+len(m.EventRules) != 0 {
		t.Errorf("read from nothing: %+v", m)
	}
	if f.calls["ListTargetsByRule"] != 0 || f.calls["ListSubscriptionsByTopic"] != 0 {
		t.Errorf("listed what does not exist: %v", f.calls)
	}
	if len(m.Expected.Patterns) != 2 {
		t.Errorf("an empty layer keeps what is expected of it: %+v", m.Expected)
	}
}

func TestReadMonitoringSkips(t *testing.T) {
	tests := map[string]struct {
		e    *estate.Estate
		want *estate.Monitoring
	}{
		"no organization": {e: estate.New(), want: monWant()},
		"nothing wanted":  {e: monOrg()},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := &fakeMonitoringReads{}
			if err := readWith(context.Background(), f, tt.e, tt.want, inventory.Options{}); err != nil {
				t.Fatal(err)
			}
			if tt.e.Monitoring != nil || len(f.calls) != 0 {
				t.Errorf("read %v into %+v", f.calls, tt.e.Monitoring)
			}
		})
	}
	// An account that does not exist yet has nothing to read.
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc"} // management ID unknown
	f := &fakeMonitoringReads{}
	if err := readWith(context.Background(), f, e, monWant(), inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 0 || e.Monitoring == nil || len(e.Monitoring.Topics) != 0 {
		t.Errorf("read %v in an unknown account", f.calls)
	}
}

func TestReadMonitoringBatchesAlarms(t *testing.T) {
	want := monWant()
	for i := range 150 {
		n := fmt.Sprintf("A%03d", i)
		want.Alarms[monAt.Key(n)] = &estate.Alarm{Where: monAt, Name: n}
	}
	f := &fakeMonitoringReads{alarms: map[string]cwtypes.MetricAlarm{}}
	if err := readWith(context.Background(), f, monOrg(), want, inventory.Options{Width: 2}); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, names := range f.names {
		if len(names) > 100 {
			t.Errorf("DescribeAlarms asked for %d names; AWS takes 100", len(names))
		}
		total += len(names)
	}
	if len(f.names) != 2 || total != 152 {
		t.Errorf("%d calls for %d names, want 2 for 152", len(f.names), total)
	}
}

func TestReadMonitoringError(t *testing.T) {
	f := &fakeMonitoringReads{err: errors.New("AccessDenied: no cloudwatch:DescribeAlarms")}
	err := readWith(context.Background(), f, monOrg(), monWant(), inventory.Options{})
	if err == nil || !strings.Contains(err.Error(), "read alarms in 111111111111 us-east-1: AccessDenied") {
		t.Errorf("error %v", err)
	}
}
