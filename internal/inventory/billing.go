package inventory

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
)

// BillingReadClients builds the read clients of the billing layer, all in
// the management account; Budgets, the Cost and Usage Report API and Cost
// Explorer answer in estate.BillingRegion.
type BillingReadClients interface {
	Budgets() BudgetsReadAPI
	Alarms(region string) BillingAlarmReadAPI
	Topics(region string) BillingTopicReadAPI
	CostReports() CostReportReadAPI
	CostAllocationTags() CostAllocationTagsReadAPI
	S3(region string) S3ReadAPI
}

// SessionBillingReadClients are the real read clients of a session, whose
// own credentials are the management account's.
type SessionBillingReadClients struct{ Session *awsx.Session }

var _ BillingReadClients = SessionBillingReadClients{}

func (c SessionBillingReadClients) at(region string) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Region: region}
}

func (c SessionBillingReadClients) Budgets() BudgetsReadAPI {
	return c.at(estate.BillingRegion).Budgets()
}
func (c SessionBillingReadClients) Alarms(region string) BillingAlarmReadAPI {
	return c.at(region).CloudWatch()
}
func (c SessionBillingReadClients) Topics(region string) BillingTopicReadAPI {
	return c.at(region).SNS()
}
func (c SessionBillingReadClients) CostReports() CostReportReadAPI {
	return c.at(estate.BillingRegion).CostAndUsageReports()
}
func (c SessionBillingReadClients) CostAllocationTags() CostAllocationTagsReadAPI {
	return c.at(estate.BillingRegion).CostExplorer()
}
func (c SessionBillingReadClients) S3(region string) S3ReadAPI { return c.at(region).S3() }

// The read parts of the billing clients.

type BudgetsReadAPI interface {
	DescribeBudgets(context.Context, *budgets.DescribeBudgetsInput, ...func(*budgets.Options)) (*budgets.DescribeBudgetsOutput, error)
	DescribeNotificationsForBudget(context.Context, *budgets.DescribeNotificationsForBudgetInput, ...func(*budgets.Options)) (*budgets.DescribeNotificationsForBudgetOutput, error)
	DescribeSubscribersForNotification(context.Context, *budgets.DescribeSubscribersForNotificationInput, ...func(*budgets.Options)) (*budgets.DescribeSubscribersForNotificationOutput, error)
}

type BillingAlarmReadAPI interface {
	DescribeAlarms(context.Context, *cloudwatch.DescribeAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

type BillingTopicReadAPI interface {
	GetTopicAttributes(context.Context, *sns.GetTopicAttributesInput, ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(context.Context, *sns.ListSubscriptionsByTopicInput, ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
}

type CostReportReadAPI interface {
	DescribeReportDefinitions(context.Context, *costandusagereportservice.DescribeReportDefinitionsInput, ...func(*costandusagereportservice.Options)) (*costandusagereportservice.DescribeReportDefinitionsOutput, error)
}

type CostAllocationTagsReadAPI interface {
	ListCostAllocationTags(context.Context, *costexplorer.ListCostAllocationTagsInput, ...func(*costexplorer.Options)) (*costexplorer.ListCostAllocationTagsOutput, error)
}

var (
	_ BudgetsReadAPI            = (*budgets.Client)(nil)
	_ BillingAlarmReadAPI       = (*cloudwatch.Client)(nil)
	_ BillingTopicReadAPI       = (*sns.Client)(nil)
	_ CostReportReadAPI         = (*costandusagereportservice.Client)(nil)
	_ CostAllocationTagsReadAPI = (*costexplorer.Client)(nil)
)

// billingRead is one collection of the billing layer: what to look for,
// the management account's ID, and a guarded result.
type billingRead struct {
	clients BillingReadClients
	e       *estate.Estate
	want    *estate.Billing
	mgmtID  string
	width   int

	mu  sync.Mutex
	out *estate.Billing
	// unreadable are the parts that could not be read at all (left nil
	// in out); unread, details within a part that was read.
	unreadable []error
	unread     []error
}

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
func (r *billingRead) gap(part bool, what, op, consequence string, err error) {
	desc := fmt.Sprintf("%s were not read (%s): the endpoint answered %s with HTTP 500 and no AWS error code, which is how an "+
		"endpoint lacking the operation answers, as moto 5.2 does", what, consequence, op)
	r.mu.Lock()
	defer r.mu.Unlock()
	if part {
		r.unreadable = append(r.unreadable, fmt.Errorf("%s: %w", desc, err))
	} else {
		r.unread = append(r.unread, fmt.Errorf("%s: %w", desc, err))
	}
	r.out.Unread = append(r.out.Unread, desc)
}

// billingCollector reads one part of the billing layer, adding its reads
// to the group.
type billingCollector func(ctx context.Context, g *errgroup.Group, r *billingRead)

var billingCollectors = []billingCollector{collectBudgets, collectBillingAlarms, collectBillingTopics, collectCostReports, collectCostAllocationTags}

// CollectBilling reads the billing layer that want describes into
// e.Billing, in the management account: every budget (with its
// notifications, and the subscribers of the budgets want names), every
// EstimatedCharges alarm, the topics want names, and, when want asks for
// them, the report definitions, the report bucket and the cost allocation
// tags. Reads run concurrently, opts.Width at a time.
//
// An operation the endpoint lacks (moto lacks several) does not fail the
// read. A part it leaves unread (the report definitions, the cost
// allocation tags) stays nil and is passed to opts.Warn; without Warn,
// CollectBilling returns an error naming the gap, since a plan cannot be
// made without the part. A detail it leaves unread (the subscribers of a
// budget's notifications) stays nil, is named in e.Billing.Unread for the
// plan to note, and is passed to opts.Warn when set. Against AWS, which
// has every operation, none of this happens.
func CollectBilling(ctx context.Context, s *awsx.Session, e *estate.Estate, want *estate.Billing, opts Options) error {
	return collectBilling(ctx, SessionBillingReadClients{Session: s}, e, want, opts)
}

func collectBilling(ctx context.Context, clients BillingReadClients, e *estate.Estate, want *estate.Billing, opts Options) error {
	if e.Organization == nil || e.Organization.ManagementAccountID == "" || want == nil {
		return nil
	}
	opts.progress("reading the billing layer of the management account")
	r := &billingRead{clients: clients, e: e, want: want, mgmtID: e.Organization.ManagementAccountID,
		width: opts.width(), out: estate.NewBilling()}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.width())
	for _, c := range billingCollectors {
		c(gctx, g, r)
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if len(r.unreadable) > 0 && opts.Warn == nil {
		return fmt.Errorf("read the billing layer: %w", errors.Join(r.unreadable...))
	}
	sort.Strings(r.out.Unread)
	e.Billing = r.out
	if opts.Warn != nil {
		for _, err := range append(r.unreadable, r.unread...) {
			opts.Warn(fmt.Errorf("billing layer: %w", err))
		}
	}
	return nil
}
