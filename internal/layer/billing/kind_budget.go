package billing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// BudgetAddress is the address of a budget.
func BudgetAddress(name string) string { return kinds.Address(kinds.KindBudget, name) }

func init() {
	kinds.Register(kinds.Registration{Name: kinds.KindBudget, Diff: diffBudgets, Apply: applyBudget})
}

// budgetNotificationPrefix starts the attribute of each notification:
// "notification.FORECASTED/GREATER_THAN/100/PERCENTAGE" = "SNS:arn...".
const budgetNotificationPrefix = "notification."

// budgetUnread is the value of a notification whose subscribers were not
// read.
const budgetUnread = "(not read)"

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
		ch := plan.Change{Address: BudgetAddress(d.Name), Kind: kinds.KindBudget, Group: kinds.UnitOf(desired, estate.ManagementKey),
			After: after, DependsOn: billingDeps(deps...)}
		if actual.Billing != nil && have == nil {
			notes = append(notes, fmt.Sprintf("budget %s: the budgets were not read, so it is not planned", d.Name))
			continue
		}
		a, exists := have[d.Name]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
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
			ch.Action, ch.Before = plan.Update, before
			ch.Reason = "differs from the spec: " + strings.Join(drift, ", ")
			changes = append(changes, ch)
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

// budgetNotification parses a notification attribute key back into the
// trigger AWS knows it by.
func budgetNotification(key string) (*types.Notification, error) {
	parts := strings.Split(strings.TrimPrefix(key, budgetNotificationPrefix), "/")
	if len(parts) != 4 {
		return nil, fmt.Errorf("malformed notification %q", key)
	}
	threshold, err := strconv.ParseFloat(parts[2], 64)
	if err != nil {
		return nil, fmt.Errorf("notification %q: threshold: %w", key, err)
	}
	return &types.Notification{NotificationType: types.NotificationType(parts[0]),
		ComparisonOperator: types.ComparisonOperator(parts[1]), Threshold: threshold,
		ThresholdType: types.ThresholdType(parts[3])}, nil
}

// budgetSubscribers parses a notification's value, resolving references.
func budgetSubscribers(env *kinds.Env, value string) ([]types.Subscriber, error) {
	var out []types.Subscriber
	for _, s := range billingSplit(value) {
		typ, addr, ok := strings.Cut(s, ":")
		if !ok {
			return nil, fmt.Errorf("malformed subscriber %q", s)
		}
		addr, err := env.Resolve(addr)
		if err != nil {
			return nil, err
		}
		out = append(out, types.Subscriber{SubscriptionType: types.SubscriptionType(typ), Address: aws.String(addr)})
	}
	return out, nil
}

// budgetLimit parses "1000 USD".
func budgetLimit(a plan.Attrs) *types.Spend {
	amount, unit, _ := strings.Cut(a["limit"], " ")
	return &types.Spend{Amount: aws.String(amount), Unit: aws.String(unit)}
}

func budgetDefinition(a plan.Attrs) *types.Budget {
	return &types.Budget{BudgetName: aws.String(a["name"]), BudgetType: types.BudgetType(a["type"]),
		TimeUnit: types.TimeUnit(a["time_unit"]), BudgetLimit: budgetLimit(a)}
}

func applyBudget(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	a := ch.After
	name := a["name"]
	acct, err := env.ManagementID()
	if err != nil {
		return fmt.Errorf("budget %s: %w", name, err)
	}
	api := cl.Budgets()
	if ch.Action == plan.Update {
		return updateBudget(ctx, env, api, acct, ch.Before, a)
	}
	in := &budgets.CreateBudgetInput{AccountId: aws.String(acct), Budget: budgetDefinition(a)}
	for _, k := range kinds.SortedAttrKeys(a, budgetNotificationPrefix) {
		n, err := budgetNotification(k)
		if err != nil {
			return fmt.Errorf("budget %s: %w", name, err)
		}
		subs, err := budgetSubscribers(env, a[k])
		if err != nil {
			return fmt.Errorf("budget %s: %w", name, err)
		}
		in.NotificationsWithSubscribers = append(in.NotificationsWithSubscribers, types.NotificationWithSubscribers{Notification: n, Subscribers: subs})
	}
	_, err = api.CreateBudget(ctx, in)
	var dup *types.DuplicateRecordException
	switch {
	case errors.As(err, &dup):
		// Made since the plan read the account (an interrupted run, or
		// someone else): adopt it, putting the limit and the notifications
		// it lacks. Its subscribers are not read, so not compared.
		env.Logf("budget %s exists already; groundwork adopts it", name)
		before, err := budgetNotificationsNow(ctx, api, acct, name)
		if err != nil {
			return err
		}
		before["limit"] = "" // unknown: put it
		return updateBudget(ctx, env, api, acct, before, a)
	case err != nil:
		return fmt.Errorf("create budget %s: %w", name, err)
	}
	env.Logf("created budget %s", name)
	return nil
}

// budgetNotificationsNow reads the notifications a budget has, as
// attributes whose subscribers are unread.
func budgetNotificationsNow(ctx context.Context, api BudgetsAPI, acct, name string) (plan.Attrs, error) {
	out := plan.Attrs{}
	var token *string
	for {
		page, err := api.DescribeNotificationsForBudget(ctx, &budgets.DescribeNotificationsForBudgetInput{
			AccountId: aws.String(acct), BudgetName: aws.String(name), NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("read notifications of budget %s: %w", name, err)
		}
		for _, n := range page.Notifications {
			key := estate.BudgetNotification{Type: string(n.NotificationType), Comparison: string(n.ComparisonOperator),
				Threshold: n.Threshold, ThresholdType: string(n.ThresholdType)}.Key()
			out[budgetNotificationPrefix+key] = budgetUnread
		}
		if token = page.NextToken; token == nil || *token == "" {
			return out, nil
		}
	}
}

// updateBudget makes the budget match after, changing only what differs
// from before: each call below is a put, or a create or delete of one
// notification or subscriber that the next plan would otherwise show.
func updateBudget(ctx context.Context, env *kinds.Env, api BudgetsAPI, acct string, before, after plan.Attrs) error {
	name := after["name"]
	if before["type"] != after["type"] || before["time_unit"] != after["time_unit"] || before["limit"] != after["limit"] {
		if _, err := api.UpdateBudget(ctx, &budgets.UpdateBudgetInput{AccountId: aws.String(acct), NewBudget: budgetDefinition(after)}); err != nil {
			return fmt.Errorf("update budget %s: %w", name, err)
		}
	}
	for _, k := range kinds.SortedAttrKeys(before, budgetNotificationPrefix) {
		if _, keep := after[k]; keep {
			continue
		}
		n, err := budgetNotification(k)
		if err != nil {
			return fmt.Errorf("budget %s: %w", name, err)
		}
		if _, err := api.DeleteNotification(ctx, &budgets.DeleteNotificationInput{AccountId: aws.String(acct),
			BudgetName: aws.String(name), Notification: n}); err != nil && !budgetNotFound(err) {
			return fmt.Errorf("delete notification %s of budget %s: %w", strings.TrimPrefix(k, budgetNotificationPrefix), name, err)
		}
	}
	for _, k := range kinds.SortedAttrKeys(after, budgetNotificationPrefix) {
		n, err := budgetNotification(k)
		if err != nil {
			return fmt.Errorf("budget %s: %w", name, err)
		}
		want, err := budgetSubscribers(env, after[k])
		if err != nil {
			return fmt.Errorf("budget %s: %w", name, err)
		}
		trigger := strings.TrimPrefix(k, budgetNotificationPrefix)
		had, exists := before[k]
		if !exists {
			_, err := api.CreateNotification(ctx, &budgets.CreateNotificationInput{AccountId: aws.String(acct),
				BudgetName: aws.String(name), Notification: n, Subscribers: want})
			var dup *types.DuplicateRecordException
			if err != nil && !errors.As(err, &dup) {
				return fmt.Errorf("create notification %s of budget %s: %w", trigger, name, err)
			}
			continue
		}
		if had == budgetUnread || had == after[k] {
			continue
		}
		have, err := budgetSubscribers(env, had)
		if err != nil {
			return fmt.Errorf("budget %s: %w", name, err)
		}
		if err := budgetSetSubscribers(ctx, api, acct, name, n, have, want); err != nil {
			return fmt.Errorf("subscribers of notification %s of budget %s: %w", trigger, name, err)
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
