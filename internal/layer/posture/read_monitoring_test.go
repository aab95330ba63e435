package posture

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

// What watches the trails' log groups, read through fakes: the
// organization trail (multi-Region, logging) delivers to org-logs in the
// management account; the web account's own trail, single-Region and not
// logging, to web-logs, which is not read. Filters and alarms come in two
// pages each; of the topics the alarm notifies, one has a confirmed
// subscription on its second page, one only a pending one, one is gone
// and one is in an account outside the read.

const (
	pwOrgGroup     = "arn:aws:logs:us-east-1:" + pstMgmtID + ":log-group:org-logs:*"
	pwWebGroup     = "arn:aws:logs:eu-west-1:" + pstWebID + ":log-group:web-logs:*"
	pwConfirmed    = "arn:aws:sns:us-east-1:" + pstMgmtID + ":confirmed"
	pwPending      = "arn:aws:sns:us-east-1:" + pstMgmtID + ":pending"
	pwGone         = "arn:aws:sns:us-east-1:" + pstMgmtID + ":gone"
	pwOutside      = "arn:aws:sns:us-east-1:999999999999:outside"
	pwRootActivity = `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`
)

// pwFake is pstFake with the monitoring read clients.
type pwFake struct {
	*pstFake
	alarmsErr error // answered by DescribeAlarms when set
}

var _ monitoringClients = (*pwFake)(nil)

func (f *pwFake) CloudTrail(w estate.Location) trailReadAPI {
	return pwTrail{pstTrail{f.pstFake, w}}
}
func (f *pwFake) MetricFilters(w estate.Location) metricFilterReadAPI { return pwLogs{f, w} }
func (f *pwFake) CloudWatch(w estate.Location) alarmReadAPI           { return pwAlarms{f, w} }
func (f *pwFake) SNS(w estate.Location) topicReadAPI                  { return pwSNS{f, w} }

// pwTrail gives pstTrail's trails their log groups.
type pwTrail struct{ pstTrail }

func (c pwTrail) DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, opts ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	out, err := c.pstTrail.DescribeTrails(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	for i, t := range out.TrailList {
		group := pwOrgGroup
		if aws.ToString(t.Name) == "local" {
			group = pwWebGroup
		}
		out.TrailList[i].CloudWatchLogsLogGroupArn = aws.String(group)
	}
	return out, nil
}

type pwLogs struct {
	f *pwFake
	w estate.Location
}

func (c pwLogs) DescribeMetricFilters(_ context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
	if err := c.f.enter("DescribeMetricFilters", c.w); err != nil {
		return nil, err
	}
	if c.w != (estate.Location{Account: pstMgmtID, Region: pstHome}) || aws.ToString(in.LogGroupName) != "org-logs" {
		return nil, inventorytest.APIError("ResourceNotFoundException")
	}
	metric := func(ns, name string) logstypes.MetricTransformation {
		return logstypes.MetricTransformation{MetricNamespace: aws.String(ns), MetricName: aws.String(name), MetricValue: aws.String("1")}
	}
	if in.NextToken == nil {
		return &cloudwatchlogs.DescribeMetricFiltersOutput{NextToken: aws.String("2"), MetricFilters: []logstypes.MetricFilter{
			{FilterName: aws.String("root"), FilterPattern: aws.String("{ $.eventName = x }"),
				MetricTransformations: []logstypes.MetricTransformation{metric("CIS", "Root")}},
			{FilterName: aws.String("two-metrics"), FilterPattern: aws.String("{ $.a = 1 }"),
				MetricTransformations: []logstypes.MetricTransformation{metric("CIS", "A"), metric("CIS", "B")}},
		}}, nil
	}
	// moto repeats a filter that was put again; the later one is in force.
	return &cloudwatchlogs.DescribeMetricFiltersOutput{MetricFilters: []logstypes.MetricFilter{
		{FilterName: aws.String("root"), FilterPattern: aws.String(pwRootActivity),
			MetricTransformations: []logstypes.MetricTransformation{metric("CIS", "Root")}},
	}}, nil
}

type pwAlarms struct {
	f *pwFake
	w estate.Location
}

func (c pwAlarms) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if err := c.f.enter("DescribeAlarms", c.w); err != nil {
		return nil, err
	}
	if c.f.alarmsErr != nil {
		return nil, c.f.alarmsErr
	}
	if in.NextToken == nil {
		return &cloudwatch.DescribeAlarmsOutput{NextToken: aws.String("2"), MetricAlarms: []cwtypes.MetricAlarm{
			{AlarmName: aws.String("cpu"), Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"),
				ActionsEnabled: aws.Bool(true), AlarmActions: []string{pwConfirmed}},
		}}, nil
	}
	return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: []cwtypes.MetricAlarm{
		{AlarmName: aws.String("root-alarm"), Namespace: aws.String("CIS"), MetricName: aws.String("Root"),
			ActionsEnabled: aws.Bool(true), AlarmActions: []string{pwPending, pwConfirmed, pwGone, pwOutside}},
	}}, nil
}

type pwSNS struct {
	f *pwFake
	w estate.Location
}

func (c pwSNS) ListSubscriptionsByTopic(_ context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	if err := c.f.enter("ListSubscriptionsByTopic", c.w); err != nil {
		return nil, err
	}
	arn := aws.ToString(in.TopicArn)
	if !strings.Contains(arn, ":"+c.w.Region+":"+string(c.w.Account)+":") {
		return nil, errors.New("topic " + arn + " read from " + c.w.String())
	}
	pending := snstypes.Subscription{SubscriptionArn: aws.String(estate.PendingConfirmation), Protocol: aws.String("email")}
	switch {
	case arn == pwGone:
		return nil, inventorytest.APIError("NotFound")
	case arn == pwConfirmed && in.NextToken == nil:
		return &sns.ListSubscriptionsByTopicOutput{NextToken: aws.String("2"), Subscriptions: []snstypes.Subscription{pending}}, nil
	case arn == pwConfirmed:
		return &sns.ListSubscriptionsByTopicOutput{Subscriptions: []snstypes.Subscription{
			{SubscriptionArn: aws.String(arn + ":sub-1"), Protocol: aws.String("email")}}}, nil
	default:
		return &sns.ListSubscriptionsByTopicOutput{Subscriptions: []snstypes.Subscription{pending}}, nil
	}
}

func TestCollectPostureMonitoring(t *testing.T) {
	f := &pwFake{pstFake: newPstFake()}
	e, err := collectPosture(t, f.pstFake, inventory.Options{Width: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Posture.LogGroups) != 0 {
		t.Errorf("clients without the monitoring read read log groups: %s", dump(e.Posture.LogGroups))
	}

	f = &pwFake{pstFake: newPstFake()}
	e, scope := pstEstate()
	if err := readWith(context.Background(), f, e, scope, inventory.Options{Width: 3}); err != nil {
		t.Fatal(err)
	}
	p := e.Posture
	var groups []string
	for _, tr := range p.SortedTrails() {
		if tr.LogGroup != nil {
			groups = append(groups, tr.Name+"@"+string(tr.Account)+" "+tr.Region+" -> "+string(tr.LogGroup.Account)+" "+tr.LogGroup.Region+" "+tr.LogGroup.Name)
		}
	}
	want := []string{
		"org@" + estate.ManagementKey + " " + pstOther + " -> " + estate.ManagementKey + " " + pstHome + " org-logs",
		"org@" + estate.ManagementKey + " " + pstHome + " -> " + estate.ManagementKey + " " + pstHome + " org-logs",
		"local@" + pstWeb + " " + pstOther + " -> " + pstWeb + " " + pstOther + " web-logs",
		"org@" + pstWeb + " " + pstOther + " -> " + estate.ManagementKey + " " + pstHome + " org-logs",
		"org@" + pstWeb + " " + pstHome + " -> " + estate.ManagementKey + " " + pstHome + " org-logs",
	}
	if !slices.Equal(groups, want) {
		t.Errorf("trail log groups =\n%s\nwant\n%s", strings.Join(groups, "\n"), strings.Join(want, "\n"))
	}

	// Read once, in the log group's account and Region, though four
	// places see the organization trail; web-logs is not read.
	if n := f.count("DescribeMetricFilters"); n != 2 {
		t.Errorf("DescribeMetricFilters called %d times, want the two pages of org-logs once", n)
	}
	if n := f.calls["DescribeAlarms "+pstMgmtID+" "+pstHome]; n != 2 || f.count("DescribeAlarms") != 2 {
		t.Errorf("DescribeAlarms called %d times in the log group's place (%d in all), want its two pages", n, f.count("DescribeAlarms"))
	}
	want1 := &estate.PostureLogGroup{Where: estate.Where{Account: estate.ManagementKey, Region: pstHome}, Name: "org-logs",
		Filters: []*estate.PostureMetricFilter{
			{Name: "root", Pattern: pwRootActivity, Namespace: "CIS", MetricName: "Root"},
			{Name: "two-metrics", Pattern: "{ $.a = 1 }"},
		},
		Alarms: []*estate.PostureAlarm{{Name: "root-alarm", Namespace: "CIS", MetricName: "Root", ActionsEnabled: true,
			AlarmActions: []string{pwConfirmed, pwGone, pwPending, pwOutside}}},
	}
	if got := p.LogGroups[want1.Key(want1.Name)]; len(p.LogGroups) != 1 || dump(got) != dump(want1) {
		t.Errorf("log groups = %s, want only %s", dump(p.LogGroups), dump(want1))
	}
	wantTopics := map[string]*estate.PostureTopic{
		pwConfirmed: {ARN: pwConfirmed, Confirmed: true},
		pwPending:   {ARN: pwPending},
		pwGone:      {ARN: pwGone},
	}
	if dump(p.Topics) != dump(wantTopics) {
		t.Errorf("topics = %s, want %s (the topic outside the read not read)", dump(p.Topics), dump(wantTopics))
	}
}

func TestCollectPostureMonitoringUnsupported(t *testing.T) {
	t.Cleanup(setCredentialReportPoll(time.Millisecond, 5))
	f := &pwFake{pstFake: newPstFake(), alarmsErr: inventorytest.APIError("InternalFailure")}
	var warnings []string
	e, scope := pstEstate()
	err := readWith(context.Background(), f, e, scope, inventory.Options{Width: 1,
		Warn: func(err error) { warnings = append(warnings, err.Error()) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Posture.LogGroups) != 0 || len(e.Posture.Topics) != 0 {
		t.Errorf("log groups %s and topics %s recorded though the alarms could not be read",
			dump(e.Posture.LogGroups), dump(e.Posture.Topics))
	}
	if !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, "CloudWatch alarms") }) {
		t.Errorf("warnings = %q, want one for the alarms", warnings)
	}

	for _, op := range []string{"DescribeMetricFilters", "DescribeAlarms", "ListSubscriptionsByTopic"} {
		f := &pwFake{pstFake: newPstFake()}
		f.failOp = op
		e, scope := pstEstate()
		err := readWith(context.Background(), f, e, scope, inventory.Options{Width: 2})
		if err == nil || !strings.Contains(err.Error(), "AccessDenied") || e.Posture != nil {
			t.Errorf("%s refused: err = %v, posture set = %t; want the error and no layer", op, err, e.Posture != nil)
		}
	}
}
