package monitoring

import (
	"context"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// readClients builds the read clients of the monitoring layer in an
// account (by AWS ID) and Region.
type readClients interface {
	SNS(w estate.Location) snsReadAPI
	MetricFilters(w estate.Location) metricFilterReadAPI
	CloudWatch(w estate.Location) alarmReadAPI
	EventBridge(w estate.Location) eventBridgeReadAPI
}

// The read parts of the clients of the monitoring layer.

type snsReadAPI interface {
	GetTopicAttributes(context.Context, *sns.GetTopicAttributesInput, ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(context.Context, *sns.ListSubscriptionsByTopicInput, ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
}

type metricFilterReadAPI interface {
	DescribeMetricFilters(context.Context, *cloudwatchlogs.DescribeMetricFiltersInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error)
}

type alarmReadAPI interface {
	DescribeAlarms(context.Context, *cloudwatch.DescribeAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

type eventBridgeReadAPI interface {
	ListRules(context.Context, *eventbridge.ListRulesInput, ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error)
	DescribeRule(context.Context, *eventbridge.DescribeRuleInput, ...func(*eventbridge.Options)) (*eventbridge.DescribeRuleOutput, error)
	ListTargetsByRule(context.Context, *eventbridge.ListTargetsByRuleInput, ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error)
}

var (
	_ snsReadAPI          = (*sns.Client)(nil)
	_ metricFilterReadAPI = (*cloudwatchlogs.Client)(nil)
	_ alarmReadAPI        = (*cloudwatch.Client)(nil)
	_ eventBridgeReadAPI  = (*eventbridge.Client)(nil)
)

// sessionReadClients are the real read clients of a session.
type sessionReadClients struct{ inventory.Configs }

var _ readClients = sessionReadClients{}

func (c sessionReadClients) SNS(w estate.Location) snsReadAPI { return c.At(w).SNS() }
func (c sessionReadClients) MetricFilters(w estate.Location) metricFilterReadAPI {
	return c.At(w).Logs()
}
func (c sessionReadClients) CloudWatch(w estate.Location) alarmReadAPI {
	return c.At(w).CloudWatch()
}
func (c sessionReadClients) EventBridge(w estate.Location) eventBridgeReadAPI {
	return c.At(w).EventBridge()
}

// Read reads the monitoring layer that want describes into
// actual.Monitoring, through r's session.
func Read(ctx context.Context, r inventory.Reader, actual *estate.Estate, want *estate.Monitoring) error {
	return readWith(ctx, sessionReadClients{r.Configs(actual)}, actual, want, r.Options())
}

// monitoringRead is one collection of the monitoring layer: the estate
// being filled, what to look for, and a guarded result.
type monitoringRead struct {
	clients readClients
	e       *estate.Estate
	want    *estate.Monitoring
	mu      sync.Mutex
	out     *estate.Monitoring
	// scoped are the accounts a survey covers, by AWS ID, each with its
	// key in the layer (estate.ManagementKey for the management account).
	scoped map[estate.AccountID]estate.AccountKey
}

// at resolves the account of w to its ID; ok is false for an account that
// does not exist, whose resources are therefore absent.
func (r *monitoringRead) at(w estate.Where) (estate.Location, bool) {
	id, ok := r.e.Lookup(estate.RefAccountID, string(w.Account))
	return estate.Location{Account: estate.AccountID(id), Region: w.Region}, ok
}

func (r *monitoringRead) locked(f func(m *estate.Monitoring)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// readWith reads the monitoring layer that want (the desired layer)
// describes into e.Monitoring: the topics it names with their
// subscriptions, every metric filter on the log groups its filters use,
// the alarms and EventBridge rules it names with their targets. It copies
// want's Expected onto the result, for the audit. Reads run concurrently,
// opts.Width at a time. Nothing is read without an organization.
func readWith(ctx context.Context, clients readClients, e *estate.Estate, want *estate.Monitoring, opts inventory.Options) error {
	if e.Organization == nil || want == nil {
		return nil
	}
	opts.Progressf("reading the monitoring layer: %d topics, %d metric filters, %d alarms, %d rules",
		len(want.Topics), len(want.MetricFilters), len(want.Alarms), len(want.EventRules))
	r := &monitoringRead{clients: clients, e: e, want: want, out: estate.NewMonitoring()}
	g, gctx := opts.Group(ctx)
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
