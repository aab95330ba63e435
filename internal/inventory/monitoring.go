package inventory

import (
	"context"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// MonitoringClients builds the read clients of the monitoring layer in an
// account (by AWS ID) and Region.
type MonitoringClients interface {
	SNS(w estate.Where) SNSReadAPI
	MetricFilters(w estate.Where) MetricFilterReadAPI
	CloudWatch(w estate.Where) CloudWatchReadAPI
	EventBridge(w estate.Where) EventBridgeReadAPI
}

// The read parts of the clients of the monitoring layer.

type SNSReadAPI interface {
	GetTopicAttributes(context.Context, *sns.GetTopicAttributesInput, ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(context.Context, *sns.ListSubscriptionsByTopicInput, ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
}

type MetricFilterReadAPI interface {
	DescribeMetricFilters(context.Context, *cloudwatchlogs.DescribeMetricFiltersInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error)
}

type CloudWatchReadAPI interface {
	DescribeAlarms(context.Context, *cloudwatch.DescribeAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

type EventBridgeReadAPI interface {
	DescribeRule(context.Context, *eventbridge.DescribeRuleInput, ...func(*eventbridge.Options)) (*eventbridge.DescribeRuleOutput, error)
	ListTargetsByRule(context.Context, *eventbridge.ListTargetsByRuleInput, ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error)
}

var (
	_ SNSReadAPI          = (*sns.Client)(nil)
	_ MetricFilterReadAPI = (*cloudwatchlogs.Client)(nil)
	_ CloudWatchReadAPI   = (*cloudwatch.Client)(nil)
	_ EventBridgeReadAPI  = (*eventbridge.Client)(nil)
)

// SessionMonitoringClients are the real read clients of a session.
type SessionMonitoringClients struct {
	Session      *awsx.Session
	ManagementID string
}

var _ MonitoringClients = SessionMonitoringClients{}

func (c SessionMonitoringClients) cfg(w estate.Where) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Account: w.Account, Management: c.ManagementID, Region: w.Region}
}

func (c SessionMonitoringClients) SNS(w estate.Where) SNSReadAPI { return c.cfg(w).SNS() }
func (c SessionMonitoringClients) MetricFilters(w estate.Where) MetricFilterReadAPI {
	return c.cfg(w).Logs()
}
func (c SessionMonitoringClients) CloudWatch(w estate.Where) CloudWatchReadAPI {
	return c.cfg(w).CloudWatch()
}
func (c SessionMonitoringClients) EventBridge(w estate.Where) EventBridgeReadAPI {
	return c.cfg(w).EventBridge()
}

// CollectMonitoring reads the monitoring layer that want describes into
// e.Monitoring, through the session's clients.
func CollectMonitoring(ctx context.Context, s *awsx.Session, e *estate.Estate, want *estate.Monitoring, opts Options) error {
	mgmt := ""
	if e.Organization != nil {
		mgmt = e.Organization.ManagementAccountID
	}
	return ReadMonitoring(ctx, SessionMonitoringClients{Session: s, ManagementID: mgmt}, e, want, opts)
}

// monitoringRead is one collection of the monitoring layer: the estate
// being filled, what to look for, and a guarded result.
type monitoringRead struct {
	clients MonitoringClients
	e       *estate.Estate
	want    *estate.Monitoring
	mu      sync.Mutex
	out     *estate.Monitoring
}

// at resolves the account of w to its ID; ok is false for an account that
// does not exist, whose resources are therefore absent.
func (r *monitoringRead) at(w estate.Where) (estate.Where, bool) {
	id, ok := r.e.Lookup(estate.RefAccountID, w.Account)
	return estate.Where{Account: id, Region: w.Region}, ok
}

func (r *monitoringRead) locked(f func(m *estate.Monitoring)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// ReadMonitoring reads the monitoring layer that want (the desired layer)
// describes into e.Monitoring: the topics it names with their
// subscriptions, every metric filter on the log groups its filters use,
// the alarms and EventBridge rules it names with their targets. It copies
// want's Expected onto the result, for the audit. Reads run concurrently,
// opts.Width at a time. Nothing is read without an organization.
func ReadMonitoring(ctx context.Context, clients MonitoringClients, e *estate.Estate, want *estate.Monitoring, opts Options) error {
	if e.Organization == nil || want == nil {
		return nil
	}
	opts.progress("reading the monitoring layer: %d topics, %d metric filters, %d alarms, %d rules",
		len(want.Topics), len(want.MetricFilters), len(want.Alarms), len(want.EventRules))
	r := &monitoringRead{clients: clients, e: e, want: want, out: estate.NewMonitoring()}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.width())
	readTopics(gctx, g, r)
	readMetricFilters(gctx, g, r)
	readAlarms(gctx, g, r)
	readEventRules(gctx, g, r)
	if err := g.Wait(); err != nil {
		return err
	}
	x := want.Expected
	r.out.Expected = estate.MonitoringExpected{Topics: slices.Clone(x.Topics), Patterns: slices.Clone(x.Patterns),
		LogGroup: x.LogGroup, Rules: slices.Clone(x.Rules)}
	e.Monitoring = r.out
	return nil
}
