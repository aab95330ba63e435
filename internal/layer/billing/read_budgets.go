package billing

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// budgetsPageSize is the largest page DescribeBudgets and the notification
// and subscriber lists serve.
const budgetsPageSize = 100

// budgetsNotFound is how Budgets may answer a list with nothing in it (an
// account without budgets, a budget without notifications), and a budget
// deleted while it is read: none.
const budgetsNotFound = "NotFoundException"

// collectBudgets reads every budget of the management account (one call
// per 100), the notifications of each (one call each), and the
// subscribers of each notification of the budgets the desired layer
// names, or of every budget in a survey (one call per notification): the
// audit judges every budget and the topics they notify, the plan compares
// only its own. moto answers DescribeBudgets and
// DescribeNotificationsForBudget but lacks
// DescribeSubscribersForNotification; the subscribers are then unread.
func collectBudgets(ctx context.Context, g *errgroup.Group, r *billingRead) {
	g.Go(func() error {
		api := r.clients.Budgets()
		var found []*estate.Budget
		pages := budgets.NewDescribeBudgetsPaginator(api, &budgets.DescribeBudgetsInput{AccountId: aws.String(r.mgmtID),
			MaxResults: aws.Int32(budgetsPageSize)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if awsx.ErrorCodeIs(err, budgetsNotFound) {
				break
			}
			if err != nil {
				return fmt.Errorf("read budgets of %s: %w", r.mgmtID, err)
			}
			for _, b := range page.Budgets {
				found = append(found, budgetOf(b))
			}
		}
		// The notifications of each budget, a few budgets at a time: the
		// group that runs this read is not free to take more reads.
		each, ectx := errgroup.WithContext(ctx)
		each.SetLimit(r.width)
		for _, b := range found {
			_, own := r.want.Budgets[b.Name]
			each.Go(func() error { return readBudgetNotifications(ectx, r, api, b, own || r.survey) })
		}
		if err := each.Wait(); err != nil {
			return err
		}
		r.locked(func(out *estate.Billing) {
			for _, b := range found {
				out.Budgets[b.Name] = b
			}
		})
		return nil
	})
}

func budgetOf(b types.Budget) *estate.Budget {
	out := &estate.Budget{Name: aws.ToString(b.BudgetName), Type: string(b.BudgetType), TimeUnit: string(b.TimeUnit)}
	if l := b.BudgetLimit; l != nil {
		out.Limit, out.LimitUnit = aws.ToString(l.Amount), aws.ToString(l.Unit)
		// AWS answers "1000.0" for a limit of 1000.
		if v, err := strconv.ParseFloat(out.Limit, 64); err == nil {
			out.Limit = estate.FormatAmount(v)
		}
	}
	return out
}

// readBudgetNotifications fills b.Notifications, with subscribers when
// withSubscribers.
func readBudgetNotifications(ctx context.Context, r *billingRead, api budgetsReadAPI, b *estate.Budget, withSubscribers bool) error {
	pages := budgets.NewDescribeNotificationsForBudgetPaginator(api, &budgets.DescribeNotificationsForBudgetInput{
		AccountId: aws.String(r.mgmtID), BudgetName: aws.String(b.Name), MaxResults: aws.Int32(budgetsPageSize)})
	var raw []types.Notification
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if awsx.ErrorCodeIs(err, budgetsNotFound) {
			break
		}
		if err != nil {
			return fmt.Errorf("read notifications of budget %s: %w", b.Name, err)
		}
		raw = append(raw, page.Notifications...)
	}
	b.Notifications = []estate.BudgetNotification{}
	for _, n := range raw {
		b.Notifications = append(b.Notifications, estate.BudgetNotification{Type: string(n.NotificationType),
			Comparison: string(n.ComparisonOperator), Threshold: n.Threshold, ThresholdType: string(n.ThresholdType)})
	}
	sort.Slice(b.Notifications, func(i, j int) bool { return b.Notifications[i].Key() < b.Notifications[j].Key() })
	if !withSubscribers {
		return nil
	}
	// One notification after another: when the endpoint lacks the
	// operation, the first answer says so for all of them.
	for _, n := range raw {
		subs, err := readBudgetSubscribers(ctx, r, api, b.Name, n)
		if awsx.Unimplemented(err) {
			for j := range b.Notifications {
				b.Notifications[j].Subscribers = nil
			}
			r.gap(false, readSubscribers, "the subscribers of budget "+b.Name+"'s notifications", "DescribeSubscribersForNotification",
				subscribersConsequence(r.survey), err)
			return nil
		}
		if err != nil {
			return err
		}
		key := estate.BudgetNotification{Type: string(n.NotificationType), Comparison: string(n.ComparisonOperator),
			Threshold: n.Threshold, ThresholdType: string(n.ThresholdType)}.Key()
		for j := range b.Notifications {
			if b.Notifications[j].Key() == key {
				b.Notifications[j].Subscribers = subs
			}
		}
	}
	return nil
}

func readBudgetSubscribers(ctx context.Context, r *billingRead, api budgetsReadAPI, name string, n types.Notification) ([]estate.BudgetSubscriber, error) {
	pages := budgets.NewDescribeSubscribersForNotificationPaginator(api, &budgets.DescribeSubscribersForNotificationInput{
		AccountId: aws.String(r.mgmtID), BudgetName: aws.String(name), MaxResults: aws.Int32(budgetsPageSize),
		Notification: &types.Notification{NotificationType: n.NotificationType, ComparisonOperator: n.ComparisonOperator,
			Threshold: n.Threshold, ThresholdType: n.ThresholdType}})
	subs := []estate.BudgetSubscriber{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if awsx.Unimplemented(err) {
			return nil, err
		}
		if awsx.ErrorCodeIs(err, budgetsNotFound) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read subscribers of budget %s: %w", name, err)
		}
		for _, s := range page.Subscribers {
			subs = append(subs, estate.BudgetSubscriber{Type: string(s.SubscriptionType), Address: aws.ToString(s.Address)})
		}
	}
	slices.SortFunc(subs, func(a, b estate.BudgetSubscriber) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Address, b.Address))
	})
	return subs, nil
}

// subscribersConsequence says what unread subscribers cost: the plan
// cannot compare them, and the survey cannot follow them to the topics
// they name.
func subscribersConsequence(survey bool) string {
	if survey {
		return "they are not compared with the spec, and the topics they name are not judged"
	}
	return "they are not compared with the spec"
}
