package kinds

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// MonitoringClients builds the clients of the monitoring layer's kinds in
// an account (by AWS ID, resolved by Env) and Region.
type MonitoringClients interface {
	SNS(w estate.Where) SNSAPI
	CloudWatch(w estate.Where) CloudWatchAPI
	EventBridge(w estate.Where) EventBridgeAPI
	MetricFilters(w estate.Where) MetricFilterAPI
}

// SessionMonitoringClients are the real clients of the monitoring layer:
// the session's own credentials in the management account, the access
// role assumed in members.
type SessionMonitoringClients struct {
	Session *awsx.Session
}

var _ MonitoringClients = SessionMonitoringClients{}

func (c SessionMonitoringClients) cfg(w estate.Where) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Account: w.Account, Region: w.Region}
}

func (c SessionMonitoringClients) SNS(w estate.Where) SNSAPI { return c.cfg(w).SNS() }
func (c SessionMonitoringClients) CloudWatch(w estate.Where) CloudWatchAPI {
	return c.cfg(w).CloudWatch()
}
func (c SessionMonitoringClients) EventBridge(w estate.Where) EventBridgeAPI {
	return c.cfg(w).EventBridge()
}
func (c SessionMonitoringClients) MetricFilters(w estate.Where) MetricFilterAPI {
	return c.cfg(w).Logs()
}

// The parts of the service clients the monitoring kinds call.

type SNSAPI interface {
	CreateTopic(context.Context, *sns.CreateTopicInput, ...func(*sns.Options)) (*sns.CreateTopicOutput, error)
	SetTopicAttributes(context.Context, *sns.SetTopicAttributesInput, ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(context.Context, *sns.ListSubscriptionsByTopicInput, ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
	Subscribe(context.Context, *sns.SubscribeInput, ...func(*sns.Options)) (*sns.SubscribeOutput, error)
}

type CloudWatchAPI interface {
	PutMetricAlarm(context.Context, *cloudwatch.PutMetricAlarmInput, ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error)
}

type EventBridgeAPI interface {
	PutRule(context.Context, *eventbridge.PutRuleInput, ...func(*eventbridge.Options)) (*eventbridge.PutRuleOutput, error)
	PutTargets(context.Context, *eventbridge.PutTargetsInput, ...func(*eventbridge.Options)) (*eventbridge.PutTargetsOutput, error)
}

// MetricFilterAPI is the part of CloudWatch Logs that manages metric
// filters; the log group itself is the logging layer's (LogsAPI).
type MetricFilterAPI interface {
	DescribeMetricFilters(context.Context, *cloudwatchlogs.DescribeMetricFiltersInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error)
	PutMetricFilter(context.Context, *cloudwatchlogs.PutMetricFilterInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutMetricFilterOutput, error)
}

var (
	_ SNSAPI          = (*sns.Client)(nil)
	_ CloudWatchAPI   = (*cloudwatch.Client)(nil)
	_ EventBridgeAPI  = (*eventbridge.Client)(nil)
	_ MetricFilterAPI = (*cloudwatchlogs.Client)(nil)
)

var errNoMonitoringClients = errors.New("no monitoring clients: Env.Monitoring is not set")

// monitoringAt resolves the account of a change's attributes and returns
// the place its clients work in.
func (e *Env) monitoringAt(account, region string) (estate.Where, error) {
	if e.Monitoring == nil {
		return estate.Where{}, errNoMonitoringClients
	}
	return e.at(estate.Where{Account: account, Region: region})
}
