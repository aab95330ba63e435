package billing

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/costandusagereportservice"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
)

// readClients builds the read clients of the billing layer, all in
// the management account; Budgets, the Cost and Usage Report API and Cost
// Explorer answer in estate.BillingRegion.
type readClients interface {
	Budgets() budgetsReadAPI
	Alarms(region string) alarmReadAPI
	Topics(region string) topicReadAPI
	CostReports() costReportReadAPI
	CostAllocationTags() costAllocationTagsReadAPI
	S3(region string) logging.BucketReadAPI
}

// sessionReadClients are the real read clients of a session, whose
// own credentials are the management account's.
type sessionReadClients struct{ Session *awsx.Session }

var _ readClients = sessionReadClients{}

func (c sessionReadClients) at(region string) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Region: region}
}

func (c sessionReadClients) Budgets() budgetsReadAPI {
	return c.at(estate.BillingRegion).Budgets()
}
func (c sessionReadClients) Alarms(region string) alarmReadAPI {
	return c.at(region).CloudWatch()
}
func (c sessionReadClients) Topics(region string) topicReadAPI {
	return c.at(region).SNS()
}
func (c sessionReadClients) CostReports() costReportReadAPI {
	return c.at(estate.BillingRegion).CostAndUsageReports()
}
func (c sessionReadClients) CostAllocationTags() costAllocationTagsReadAPI {
	return c.at(estate.BillingRegion).CostExplorer()
}
func (c sessionReadClients) S3(region string) logging.BucketReadAPI { return c.at(region).S3() }

// The read parts of the billing clients.

type budgetsReadAPI interface {
	DescribeBudgets(context.Context, *budgets.DescribeBudgetsInput, ...func(*budgets.Options)) (*budgets.DescribeBudgetsOutput, error)
	DescribeNotificationsForBudget(context.Context, *budgets.DescribeNotificationsForBudgetInput, ...func(*budgets.Options)) (*budgets.DescribeNotificationsForBudgetOutput, error)
	DescribeSubscribersForNotification(context.Context, *budgets.DescribeSubscribersForNotificationInput, ...func(*budgets.Options)) (*budgets.DescribeSubscribersForNotificationOutput, error)
}

type alarmReadAPI interface {
	DescribeAlarms(context.Context, *cloudwatch.DescribeAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
	ListMetrics(context.Context, *cloudwatch.ListMetricsInput, ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error)
}

type topicReadAPI interface {
	GetTopicAttributes(context.Context, *sns.GetTopicAttributesInput, ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(context.Context, *sns.ListSubscriptionsByTopicInput, ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
}

type costReportReadAPI interface {
	DescribeReportDefinitions(context.Context, *costandusagereportservice.DescribeReportDefinitionsInput, ...func(*costandusagereportservice.Options)) (*costandusagereportservice.DescribeReportDefinitionsOutput, error)
}

type costAllocationTagsReadAPI interface {
	ListCostAllocationTags(context.Context, *costexplorer.ListCostAllocationTagsInput, ...func(*costexplorer.Options)) (*costexplorer.ListCostAllocationTagsOutput, error)
}

var (
	_ budgetsReadAPI            = (*budgets.Client)(nil)
	_ alarmReadAPI              = (*cloudwatch.Client)(nil)
	_ topicReadAPI              = (*sns.Client)(nil)
	_ costReportReadAPI         = (*costandusagereportservice.Client)(nil)
	_ costAllocationTagsReadAPI = (*costexplorer.Client)(nil)
)

// billingRead is one collection of the billing layer: what to look for,
// the management account's ID, and a guarded result.
type billingRead struct {
	clients readClients
	e       *estate.Estate
	want    *estate.Billing
	mgmtID  string
	width   int
	// survey is the audit's read (Survey): the subscribers of every
	// budget, the topics every billing notification goes to, the report
	// definitions and whether AWS publishes the EstimatedCharges metric,
	// whatever want names.
	survey bool

	mu  sync.Mutex
	out *estate.Billing
	// unreadable are the parts that could not be read at all (left nil
	// in out); unread, details within a part that was read. Each is an
	// inventory.NotReadError naming the part (one of the read constants).
	unreadable []error
	unread     []error
}

// What the layer's checks read (audit.Check.Reads), and the parts its
// reads record as not read (inventory.NotReadError) where the endpoint
// lacks an operation.
const (
	readBudgets     = "billing/budgets"
	readSubscribers = "billing/subscribers" // the plan's, and the survey's way to the topics budgets notify
	readTopics      = "billing/topics"
	readAlarms      = "billing/alarms"
	readReports     = "billing/reports"
	readTags        = "billing/tags"
	readMetrics     = "billing/metrics"
)

func (r *billingRead) locked(f func(b *estate.Billing)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// gap records what an operation the endpoint lacks left unread, and what
// follows from it. A part the plan cannot do without is unreadable; a
// detail is only unread. e.Billing.Unread gets the description alone, not
// the SDK's error text (attempt counts, request IDs), so that it stays the
// same from one read to the next and so does the estate's fingerprint.
func (r *billingRead) gap(part bool, read, what, op, consequence string, err error) {
	desc := fmt.Sprintf("%s were not read (%s): the endpoint answered %s with HTTP 500 and no AWS error code, which is how an "+
		"endpoint lacking the operation answers, as moto 5.2 does", what, consequence, op)
	nr := inventory.NotRead(read, r.mgmtID, "", fmt.Errorf("%s: %w", desc, err))
	r.mu.Lock()
	defer r.mu.Unlock()
	if part {
		r.unreadable = append(r.unreadable, nr)
	} else {
		r.unread = append(r.unread, nr)
	}
	r.out.Unread = append(r.out.Unread, desc)
}

// billingCollector reads one part of the billing layer, adding its reads
// to the group.
type billingCollector func(ctx context.Context, g *errgroup.Group, r *billingRead)

var billingCollectors = []billingCollector{collectBudgets, collectBillingAlarms, collectCostReports, collectCostAllocationTags, collectBillingMetric}

// Read reads the billing layer that want describes into
// actual.Billing, through r's session, in the management account: every budget (with its
// notifications, and the subscribers of the budgets want names), every
// EstimatedCharges alarm, the topics want names, and, when want asks for
// them, the report definitions, the report bucket and the cost allocation
// tags. Reads run concurrently, r.Width at a time.
//
// An operation the endpoint lacks (moto lacks several) does not fail the
// read. A part it leaves unread (the report definitions, the cost
// allocation tags) stays nil and is passed to r.Warn; without Warn,
// Read returns an error naming the gap, since a plan cannot be
// made without the part. A detail it leaves unread (the subscribers of a
// budget's notifications) stays nil, is named in actual.Billing.Unread for
// the plan to note, and is passed to r.Warn when set. Against AWS, which
// has every operation, none of this happens.
func Read(ctx context.Context, r inventory.Reader, actual *estate.Estate, want *estate.Billing) error {
	return readWith(ctx, sessionReadClients{Session: r.Session}, actual, want, r.Options())
}

// Survey reads the billing layer the audit judges into actual.Billing,
// with or without a spec (want is nil without one): what Read reads for
// want, and besides, whatever want names, the subscribers of every
// budget's notifications, every topic of the management account a budget
// or an EstimatedCharges alarm notifies (after those are read), every
// report definition, and whether AWS publishes the EstimatedCharges
// metric (estate.Billing.BillingAlerts). The cost allocation tags are
// read only for the tagging dictionary want names: without it nothing
// says which keys should be active (estate.Billing.TagDictionary).
// Gaps of the endpoint are handled as Read handles them; r.Warn must be
// set.
func Survey(ctx context.Context, r inventory.Reader, actual *estate.Estate, want *estate.Billing) error {
	return surveyWith(ctx, sessionReadClients{Session: r.Session}, actual, want, r.Options())
}

// surveyWith is Survey through clients.
func surveyWith(ctx context.Context, clients readClients, e *estate.Estate, want *estate.Billing, opts inventory.Options) error {
	w := estate.NewBilling()
	if want != nil {
		w = &estate.Billing{Topics: want.Topics, Budgets: want.Budgets, Alarms: want.Alarms, Reports: want.Reports,
			ReportBucket: want.ReportBucket, CostAllocationTags: want.CostAllocationTags}
	}
	if w.Reports == nil {
		w.Reports = map[string]*estate.CostReport{}
	}
	return read(ctx, clients, e, w, opts, true)
}

// readWith is Read through clients.
func readWith(ctx context.Context, clients readClients, e *estate.Estate, want *estate.Billing, opts inventory.Options) error {
	return read(ctx, clients, e, want, opts, false)
}

// read reads the billing layer, as Read, or as Survey when survey.
func read(ctx context.Context, clients readClients, e *estate.Estate, want *estate.Billing, opts inventory.Options, survey bool) error {
	if e.Organization == nil || e.Organization.ManagementAccountID == "" || want == nil {
		return nil
	}
	opts.Progressf("reading the billing layer of the management account")
	r := &billingRead{clients: clients, e: e, want: want, mgmtID: e.Organization.ManagementAccountID,
		width: opts.Limit(), out: estate.NewBilling(), survey: survey}
	r.out.TagDictionary = want.CostAllocationTags != nil
	g, gctx := opts.Group(ctx)
	for _, c := range billingCollectors {
		c(gctx, g, r)
	}
	if !survey {
		collectBillingTopics(gctx, g, r, want.Topics)
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if survey {
		// The topics are known only once the budgets and alarms that
		// notify them are.
		g, gctx = opts.Group(ctx)
		collectBillingTopics(gctx, g, r, r.notifiedTopics())
		if err := g.Wait(); err != nil {
			return err
		}
	}
	if len(r.unreadable) > 0 && opts.Warn == nil {
		var parts []error
		for _, err := range r.unreadable {
			parts = append(parts, errors.Unwrap(err))
		}
		return fmt.Errorf("read the billing layer: %w", errors.Join(parts...))
	}
	sort.Strings(r.out.Unread)
	e.Billing = r.out
	if opts.Warn != nil {
		for _, err := range append(r.unreadable, r.unread...) {
			opts.Warn(err)
		}
	}
	return nil
}
