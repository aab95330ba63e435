package billing

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindBillingAlarm manages the estimated-charges alarm of guidance 001: a
// CloudWatch alarm in us-east-1, where AWS publishes the AWS/Billing
// EstimatedCharges metric, that notifies the billing topic of that
// Region. PutMetricAlarm creates or replaces an alarm by name, so the
// change is idempotent. AWS publishes the metric only after the
// management account turns on "Receive CloudWatch Billing Alerts" in its
// Billing preferences, which no API does: the plan says so.
const KindBillingAlarm = "billing-alarm"

// billingAlertsNote is the manual step the billing alarm needs.
const billingAlertsNote = "manual step: turn on Billing preferences > Alert preferences > Receive CloudWatch Billing Alerts in the " +
	"management account's console; until then AWS publishes no AWS/Billing EstimatedCharges metric and the billing alarm never fires"

// BillingAlarmAddress is the address of a billing alarm.
func BillingAlarmAddress(region, name string) string {
	return kinds.Address(KindBillingAlarm, region+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindBillingAlarm, Diff: diffBillingAlarms, Apply: applyBillingAlarm})
}

// billingAlarmValue is the alarm a billing alarm change puts, with its
// actions resolved as far as the plan knows them; Apply resolves the rest.
type billingAlarmValue struct {
	Alarm estate.BillingAlarm `json:"alarm"`
}

// billingAlarmActions are the alarm's actions resolved against actual.
func billingAlarmActions(a *estate.BillingAlarm, actual *estate.Estate) []string {
	var actions []string
	for _, act := range a.Actions {
		actions = append(actions, kinds.ResolveActual(act, actual))
	}
	return actions
}

func billingAlarmAttrs(a *estate.BillingAlarm, actual *estate.Estate) plan.Attrs {
	actions := billingAlarmActions(a, actual)
	return plan.Attrs{"account": string(a.Account), "region": a.Region, "name": a.Name,
		"metric":             billingNamespace + " " + billingMetric + " Currency=" + a.Currency,
		"statistic":          a.Statistic,
		"period":             strconv.Itoa(a.Period),
		"evaluation_periods": strconv.Itoa(a.Evaluation),
		"comparison":         a.Comparison,
		"threshold_usd":      estate.FormatAmount(a.Threshold),
		"actions":            strings.Join(actions, ","),
		"actions_enabled":    strconv.FormatBool(a.ActionsEnabled),
	}
}

func diffBillingAlarms(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Billing == nil || len(desired.Billing.Alarms) == 0 {
		return nil, nil
	}
	var have map[string]*estate.BillingAlarm
	if actual.Billing != nil {
		have = actual.Billing.Alarms
	}
	var changes []plan.Change
	for _, name := range slices.Sorted(maps.Keys(desired.Billing.Alarms)) {
		d := desired.Billing.Alarms[name]
		after := billingAlarmAttrs(d, actual)
		var deps []string
		for _, t := range desired.Billing.Topics {
			if t.Region == d.Region {
				deps = append(deps, BillingTopicAddress(t.Region, t.Name))
			}
		}
		want := *d
		want.Actions = billingAlarmActions(d, actual)
		ch := plan.SetValue(plan.Change{Address: BillingAlarmAddress(d.Region, d.Name), Kind: KindBillingAlarm,
			Group: kinds.UnitOf(desired, d.Account), After: after, DependsOn: billingDeps(deps...)}, billingAlarmValue{Alarm: want})
		a, exists := have[name]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		before := billingAlarmAttrs(a, actual)
		if drift := kinds.DifferingAttrs(before, after, kinds.SortedAttrKeys(after, "")); len(drift) > 0 {
			ch.Action, ch.Before = plan.Update, before
			ch.Reason = "differs from the spec: " + strings.Join(drift, ", ")
			changes = append(changes, ch)
		}
	}
	return changes, []string{billingAlertsNote}
}

func applyBillingAlarm(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[billingAlarmValue](ch)
	if err != nil {
		return err
	}
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	a := v.Alarm
	var actions []string
	for _, act := range a.Actions {
		arn, err := env.Resolve(act)
		if err != nil {
			return fmt.Errorf("billing alarm %s: %w", a.Name, err)
		}
		actions = append(actions, arn)
	}
	if _, err := cl.Alarms(a.Region).PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName:          aws.String(a.Name),
		AlarmDescription:   aws.String("groundwork: the month's estimated charges passed " + estate.FormatAmount(a.Threshold) + " " + a.Currency),
		Namespace:          aws.String(billingNamespace),
		MetricName:         aws.String(billingMetric),
		Dimensions:         []types.Dimension{{Name: aws.String("Currency"), Value: aws.String(a.Currency)}},
		Statistic:          types.Statistic(a.Statistic),
		Period:             aws.Int32(int32(a.Period)),
		EvaluationPeriods:  aws.Int32(int32(a.Evaluation)),
		Threshold:          aws.Float64(a.Threshold),
		ComparisonOperator: types.ComparisonOperator(a.Comparison),
		AlarmActions:       actions,
		ActionsEnabled:     aws.Bool(a.ActionsEnabled),
	}); err != nil {
		return fmt.Errorf("put billing alarm %s in %s: %w", a.Name, a.Region, err)
	}
	return nil
}
