package monitoring

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// Clients builds the clients of the monitoring layer's kinds in an
// account (by AWS ID, resolved by kinds.Env.At) and Region. Tests set
// fakes with kinds.SetClients[monitoring.Clients].
type Clients interface {
	SNS(w estate.Location) SNSAPI
	CloudWatch(w estate.Location) CloudWatchAPI
	EventBridge(w estate.Location) EventBridgeAPI
	MetricFilters(w estate.Location) MetricFilterAPI
}

// sessionClients are the real clients of the monitoring layer: the
// session's own credentials in the management account, the access role
// assumed in members.
type sessionClients struct{ session *awsx.Session }

var _ Clients = sessionClients{}

func (c sessionClients) cfg(w estate.Location) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.session, Account: string(w.Account), Region: w.Region}
}

func (c sessionClients) SNS(w estate.Location) SNSAPI { return c.cfg(w).SNS() }
func (c sessionClients) CloudWatch(w estate.Location) CloudWatchAPI {
	return c.cfg(w).CloudWatch()
}
func (c sessionClients) EventBridge(w estate.Location) EventBridgeAPI {
	return c.cfg(w).EventBridge()
}
func (c sessionClients) MetricFilters(w estate.Location) MetricFilterAPI {
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

// monitoringAt returns the clients of the apply and the place they work
// in: the account of a change's attributes, resolved, and its Region.
func monitoringAt(env *kinds.Env, account estate.AccountKey, region string) (Clients, estate.Location, error) {
	c, err := kinds.ClientsOf(env, "monitoring", func(s *awsx.Session) Clients { return sessionClients{s} })
	if err != nil {
		return nil, estate.Location{}, err
	}
	w, err := env.At(estate.Where{Account: account, Region: region})
	return c, w, err
}
