package billing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindBudget manages the cost budgets of the spec (guidance 003: budgets
// with notifications when forecasted spending exceeds the budget): the
// limit, and notifications whose one subscriber is the billing topic.
//
// A new budget is made with its notifications in one CreateBudget call.
// Changes to a budget are UpdateBudget for the limit, CreateNotification
// and DeleteNotification for notifications the spec adds or drops (a
// notification is known by its trigger: type, comparison, threshold), and
// CreateSubscriber and DeleteSubscriber for a notification's
// subscribers. The budget is groundwork's, named by the spec, so a
// notification on it the spec does not list is removed. Budgets the spec
// does not name are left alone.
//
// moto 5.2 lacks UpdateBudget, CreateSubscriber, DeleteSubscriber and
// DescribeSubscribersForNotification; the kinds tests cover them with a
// fake. Where the inventory could not read a notification's subscribers
// they are not compared, and the plan says so.
const KindBudget = "budget"

// BudgetAddress is the address of a budget.
func BudgetAddress(name string) string { return kinds.Address(KindBudget, name) }

func init() {
	kinds.Register(kinds.Registration{Name: KindBudget, Diff: diffBudgets, Apply: applyBudget})
}

// budgetNotificationPrefix starts the attribute of each notification:
// "notification.FORECASTED/GREATER_THAN/100/PERCENTAGE" = "SNS:arn...".
const budgetNotificationPrefix = "notification."

// budgetUnread is the value of a notification whose subscribers were not
// read.
const budgetUnread = "(not read)"

// budgetValue is the budget a budget change makes, its notifications'
// subscribers resolved as far as the plan knows them (Apply resolves the
// rest). Was is the budget as the plan read it, for an update, so that
// Apply changes only what differs; a notification of Was without
// subscribers had them unread, and they are left alone.
type budgetValue struct {
	Budget estate.Budget  `json:"budget"`
	Was    *estate.Budget `json:"was,omitempty"`
}

// budgetResolved is b with its notifications sorted by trigger and their
// subscribers resolved against actual and sorted as the plan shows them.
func budgetResolved(b *estate.Budget, actual *estate.Estate) *estate.Budget {
	out := *b
	out.Notifications = make([]estate.BudgetNotification, 0, len(b.Notifications))
	for _, n := range b.Notifications {
		if n.Subscribers != nil {
			subs := make([]estate.BudgetSubscriber, 0, len(n.Subscribers))
			for _, s := range n.Subscribers {
				subs = append(subs, estate.BudgetSubscriber{Type: s.Type, Address: kinds.ResolveActual(s.Address, actual)})
			}
			slices.SortFunc(subs, func(x, y estate.BudgetSubscriber) int {
				return strings.Compare(x.Type+":"+x.Address, y.Type+":"+y.Address)
			})
			n.Subscribers = subs
		}
		out.Notifications = append(out.Notifications, n)
	}
	slices.SortFunc(out.Notifications, func(x, y estate.BudgetNotification) int { return strings.Compare(x.Key(), y.Key()) })
	return &out
}

func budgetAttrs(b *estate.Budget, actual *estate.Estate) plan.Attrs {
	a := plan.Attrs{"account": estate.ManagementKey, "name": b.Name, "type": b.Type, "time_unit": b.TimeUnit,
		"limit": b.Limit + " " + b.LimitUnit}
	for _, n := range b.Notifications {
		v := budgetUnread
		if n.Subscribers != nil {
			var subs []string
			for _, s := range n.Subscribers {
				subs = append(subs, s.Type+":"+kinds.ResolveActual(s.Address, actual))
			}
			slices.Sort(subs)
			v = strings.Join(subs, ",")
		}
		a[budgetNotificationPrefix+n.Key()] = v
	}
	return a
}

func diffBudgets(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Billing == nil {
		return nil, nil
	}
	var have map[string]*estate.Budget
	if actual.Billing != nil {
		have = actual.Billing.Budgets
	}
	var changes []plan.Change
	var notes []string
	for _, d := range desired.Billing.SortedBudgets() {
		after := budgetAttrs(d, actual)
		deps := budgetTopicDeps(d)
		v := budgetValue{Budget: *budgetResolved(d, actual)}
		ch := plan.Change{Address: BudgetAddress(d.Name), Kind: KindBudget, Group: kinds.UnitOf(desired, estate.ManagementKey),
			After: after, DependsOn: billingDeps(deps...)}
		if actual.Billing != nil && have == nil {
			notes = append(notes, fmt.Sprintf("budget %s: the budgets were not read, so it is not planned", d.Name))
			continue
		}
		a, exists := have[d.Name]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, plan.SetValue(ch, v))
			continue
		}
		before := budgetAttrs(a, actual)
		var drift []string
		for _, f := range []string{"type", "time_unit", "limit"} {
			if before[f] != after[f] {
				drift = append(drift, f)
			}
		}
		var unread []string
		for _, k := range kinds.SortedAttrKeys(after, budgetNotificationPrefix) {
			trigger := strings.TrimPrefix(k, budgetNotificationPrefix)
			switch b, ok := before[k]; {
			case !ok:
				drift = append(drift, "adds notification "+trigger)
			case b == budgetUnread:
				unread = append(unread, trigger)
				before[k] = after[k] // shown as is: not known to differ
			case b != after[k]:
				drift = append(drift, "subscribers of "+trigger)
			}
		}
		if len(unread) > 0 {
			notes = append(notes, fmt.Sprintf("budget %s: the subscribers of its notifications %s were not read, so they are not compared",
				d.Name, strings.Join(unread, ", ")))
		}
		for _, k := range kinds.SortedAttrKeys(before, budgetNotificationPrefix) {
			if _, ok := after[k]; !ok {
				drift = append(drift, "removes notification "+strings.TrimPrefix(k, budgetNotificationPrefix))
			}
		}
		if len(drift) > 0 {
			v.Was = budgetResolved(a, actual)
			ch.Action, ch.Before = plan.Update, before
			ch.Reason = "differs from the spec: " + strings.Join(drift, ", ")
			changes = append(changes, plan.SetValue(ch, v))
		}
	}
	return changes, notes
}

// budgetTopicDeps are the topics a budget's notifications go to: a
// budget refers to its topic by ARN, "arn:aws:sns:REGION:ACCOUNT:NAME",
// where ACCOUNT may still be a reference holding a colon.
func budgetTopicDeps(b *estate.Budget) []string {
	var deps []string
	for _, n := range b.Notifications {
		for _, s := range n.Subscribers {
			rest, ok := strings.CutPrefix(s.Address, "arn:aws:sns:")
			region, _, _ := strings.Cut(rest, ":")
			if s.Type == "SNS" && ok && region != "" {
				deps = append(deps, BillingTopicAddress(region, rest[strings.LastIndexByte(rest, ':')+1:]))
			}
		}
	}
	slices.Sort(deps)
	return slices.Compact(deps)
}

// budgetNotification is the trigger AWS knows a notification by.
func budgetNotification(n estate.BudgetNotification) *types.Notification {
	return &types.Notification{NotificationType: types.NotificationType(n.Type),
		ComparisonOperator: types.ComparisonOperator(n.Comparison), Threshold: n.Threshold,
		ThresholdType: types.ThresholdType(n.ThresholdType)}
}

// budgetSubscribers are a notification's subscribers, references resolved.
func budgetSubscribers(env *kinds.Env, subs []estate.BudgetSubscriber) ([]types.Subscriber, error) {
	var out []types.Subscriber
	for _, s := range subs {
		addr, err := env.Resolve(s.Address)
		if err != nil {
			return nil, err
		}
		out = append(out, types.Subscriber{SubscriptionType: types.SubscriptionType(s.Type), Address: aws.String(addr)})
	}
	return out, nil
}

func budgetDefinition(b estate.Budget) *types.Budget {
	return &types.Budget{BudgetName: aws.String(b.Name), BudgetType: types.BudgetType(b.Type),
		TimeUnit: types.TimeUnit(b.TimeUnit), BudgetLimit: &types.Spend{Amount: aws.String(b.Limit), Unit: aws.String(b.LimitUnit)}}
}

func applyBudget(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[budgetValue](ch)
	if err != nil {
		return err
	}
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	name := v.Budget.Name
	acct, err := env.ManagementID()
	if err != nil {
		return fmt.Errorf("budget %s: %w", name, err)
	}
	api := cl.Budgets()
	if ch.Action == plan.Update {
		if v.Was == nil {
			return fmt.Errorf("budget %s: the update does not say what the budget was; make the plan again", name)
		}
		return updateBudget(ctx, env, api, acct, *v.Was, v.Budget)
	}
	in := &budgets.CreateBudgetInput{AccountId: aws.String(acct), Budget: budgetDefinition(v.Budget)}
	for _, n := range v.Budget.Notifications {
		subs, err := budgetSubscribers(env, n.Subscribers)
		if err != nil {
			return fmt.Errorf("budget %s: %w", name, err)
		}
		in.NotificationsWithSubscribers = append(in.NotificationsWithSubscribers,
			types.NotificationWithSubscribers{Notification: budgetNotification(n), Subscribers: subs})
	}
	_, err = api.CreateBudget(ctx, in)
	var dup *types.DuplicateRecordException
	switch {
	case errors.As(err, &dup):
		// Made since the plan read the account (an interrupted run, or
		// someone else): adopt it, putting the limit and the notifications
		// it lacks. Its subscribers are not read, so not compared.
		env.Logf("budget %s exists already; groundwork adopts it", name)
		was, err := budgetNotificationsNow(ctx, api, acct, name)
		if err != nil {
			return err
		}
		return updateBudget(ctx, env, api, acct, was, v.Budget)
	case err != nil:
		return fmt.Errorf("create budget %s: %w", name, err)
	}
	env.Logf("created budget %s", name)
	return nil
}

// budgetNotificationsNow reads the notifications a budget has, their
// subscribers unread, as a budget whose definition is unknown (so that
// updateBudget puts it).
func budgetNotificationsNow(ctx context.Context, api BudgetsAPI, acct, name string) (estate.Budget, error) {
	out := estate.Budget{Name: name}
	var token *string
	for {
		page, err := api.DescribeNotificationsForBudget(ctx, &budgets.DescribeNotificationsForBudgetInput{
			AccountId: aws.String(acct), BudgetName: aws.String(name), NextToken: token})
		if err != nil {
			return out, fmt.Errorf("read notifications of budget %s: %w", name, err)
		}
		for _, n := range page.Notifications {
			out.Notifications = append(out.Notifications, estate.BudgetNotification{Type: string(n.NotificationType),
				Comparison: string(n.ComparisonOperator), Threshold: n.Threshold, ThresholdType: string(n.ThresholdType)})
		}
		if token = page.NextToken; token == nil || *token == "" {
			return out, nil
		}
	}
}

// updateBudget makes the budget what want says, changing only what
// differs from was: each call below is a put, or a create or delete of
// one notification or subscriber that the next plan would otherwise show.
func updateBudget(ctx context.Context, env *kinds.Env, api BudgetsAPI, acct string, was, want estate.Budget) error {
	name := want.Name
	if was.Type != want.Type || was.TimeUnit != want.TimeUnit || was.Limit != want.Limit || was.LimitUnit != want.LimitUnit {
		if _, err := api.UpdateBudget(ctx, &budgets.UpdateBudgetInput{AccountId: aws.String(acct), NewBudget: budgetDefinition(want)}); err != nil {
			return fmt.Errorf("update budget %s: %w", name, err)
		}
	}
	byTrigger := func(b estate.Budget, key string) (estate.BudgetNotification, bool) {
		i := slices.IndexFunc(b.Notifications, func(n estate.BudgetNotification) bool { return n.Key() == key })
		if i < 0 {
			return estate.BudgetNotification{}, false
		}
		return b.Notifications[i], true
	}
	for _, n := range was.Notifications {
		if _, keep := byTrigger(want, n.Key()); keep {
			continue
		}
		if _, err := api.DeleteNotification(ctx, &budgets.DeleteNotificationInput{AccountId: aws.String(acct),
			BudgetName: aws.String(name), Notification: budgetNotification(n)}); err != nil && !budgetNotFound(err) {
			return fmt.Errorf("delete notification %s of budget %s: %w", n.Key(), name, err)
		}
	}
	for _, n := range want.Notifications {
		subs, err := budgetSubscribers(env, n.Subscribers)
		if err != nil {
			return fmt.Errorf("budget %s: %w", name, err)
		}
		had, exists := byTrigger(was, n.Key())
		if !exists {
			_, err := api.CreateNotification(ctx, &budgets.CreateNotificationInput{AccountId: aws.String(acct),
				BudgetName: aws.String(name), Notification: budgetNotification(n), Subscribers: subs})
			var dup *types.DuplicateRecordException
			if err != nil && !errors.As(err, &dup) {
				return fmt.Errorf("create notification %s of budget %s: %w", n.Key(), name, err)
			}
			continue
		}
		if had.Subscribers == nil || slices.Equal(had.Subscribers, n.Subscribers) {
			continue // unread, or as wanted
		}
		have, err := budgetSubscribers(env, had.Subscribers)
		if err != nil {
			return fmt.Errorf("budget %s: %w", name, err)
		}
		if err := budgetSetSubscribers(ctx, api, acct, name, budgetNotification(n), have, subs); err != nil {
			return fmt.Errorf("subscribers of notification %s of budget %s: %w", n.Key(), name, err)
		}
	}
	return nil
}

// budgetSetSubscribers adds the subscribers a notification lacks before
// it removes the ones it should not have, so that it never has none
// (AWS refuses to remove a notification's last subscriber).
func budgetSetSubscribers(ctx context.Context, api BudgetsAPI, acct, name string, n *types.Notification, have, want []types.Subscriber) error {
	same := func(a, b types.Subscriber) bool {
		return a.SubscriptionType == b.SubscriptionType && aws.ToString(a.Address) == aws.ToString(b.Address)
	}
	for _, s := range want {
		if slices.ContainsFunc(have, func(h types.Subscriber) bool { return same(h, s) }) {
			continue
		}
		_, err := api.CreateSubscriber(ctx, &budgets.CreateSubscriberInput{AccountId: aws.String(acct), BudgetName: aws.String(name),
			Notification: n, Subscriber: &s})
		var dup *types.DuplicateRecordException
		if err != nil && !errors.As(err, &dup) {
			return fmt.Errorf("add %s: %w", aws.ToString(s.Address), err)
		}
	}
	for _, s := range have {
		if slices.ContainsFunc(want, func(w types.Subscriber) bool { return same(w, s) }) {
			continue
		}
		if _, err := api.DeleteSubscriber(ctx, &budgets.DeleteSubscriberInput{AccountId: aws.String(acct), BudgetName: aws.String(name),
			Notification: n, Subscriber: &s}); err != nil && !budgetNotFound(err) {
			return fmt.Errorf("remove %s: %w", aws.ToString(s.Address), err)
		}
	}
	return nil
}

func budgetNotFound(err error) bool {
	var nf *types.NotFoundException
	return errors.As(err, &nf)
}
