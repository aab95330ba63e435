package monitoring

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

// KindAlarm manages the CloudWatch alarms on the metric filters' metrics
// (guidance 000: Sum over 5 minutes, static threshold >= 1), each
// notifying the security topic. PutMetricAlarm creates or replaces the
// alarm of that name, so the change is idempotent.
const KindAlarm = "alarm"

// AlarmAddress is the address of an alarm at w: "alarm/<account>/<region>/<name>".
func AlarmAddress(w estate.Where, name string) string {
	return kinds.Address(KindAlarm, kinds.WhereAddress(w)+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindAlarm, Diff: diffAlarms, Apply: applyAlarm})
}

// alarmValue is the alarm an alarm change puts. Its actions are resolved
// as far as the plan knows them; Apply resolves the rest.
type alarmValue struct {
	Alarm estate.Alarm `json:"alarm"`
}

// resolvedActions are the alarm's actions resolved against actual, sorted.
func resolvedActions(al *estate.Alarm, actual *estate.Estate) []string {
	actions := make([]string, 0, len(al.AlarmActions))
	for _, arn := range al.AlarmActions {
		actions = append(actions, kinds.ResolveActual(arn, actual))
	}
	slices.Sort(actions)
	return actions
}

func alarmAttrs(al *estate.Alarm, actual *estate.Estate) plan.Attrs {
	actions := resolvedActions(al, actual)
	return plan.Attrs{"account": string(al.Account), "region": al.Region, "name": al.Name, "description": al.Description,
		"namespace": al.Namespace, "metric_name": al.MetricName, "statistic": al.Statistic,
		"period": strconv.Itoa(al.Period), "threshold": strconv.FormatFloat(al.Threshold, 'g', -1, 64),
		"comparison": al.Comparison, "evaluation_periods": strconv.Itoa(al.EvaluationPeriods),
		"treat_missing_data": al.TreatMissingData, "actions_enabled": strconv.FormatBool(al.ActionsEnabled),
		"alarm_actions": strings.Join(actions, ",")}
}

func diffAlarms(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Monitoring == nil {
		return nil, nil
	}
	have := map[string]*estate.Alarm{}
	if actual.Monitoring != nil {
		have = actual.Monitoring.Alarms
	}
	var changes []plan.Change
	for _, key := range slices.Sorted(maps.Keys(desired.Monitoring.Alarms)) {
		d := desired.Monitoring.Alarms[key]
		after := alarmAttrs(d, actual)
		want := *d
		want.AlarmActions = resolvedActions(d, actual)
		ch := plan.SetValue(plan.Change{Address: AlarmAddress(d.Where, d.Name), Kind: KindAlarm, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: alarmDeps(desired.Monitoring, d)}, alarmValue{Alarm: want})
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		if before := alarmAttrs(a, actual); !maps.Equal(before, after) {
			ch.Action, ch.Before = plan.Update, before
			changes = append(changes, ch)
		}
	}
	return changes, nil
}

// alarmDeps are what an alarm waits for: its account, the filter that
// publishes its metric (an alarm on a metric nothing publishes yet is
// valid, but pointless) and the topics it notifies.
func alarmDeps(m *estate.Monitoring, al *estate.Alarm) []string {
	deps := kinds.AccountDeps(al.Account)
	for _, key := range slices.Sorted(maps.Keys(m.MetricFilters)) {
		f := m.MetricFilters[key]
		if f.Where == al.Where && f.Namespace == al.Namespace && f.MetricName == al.MetricName {
			deps = append(deps, MetricFilterAddress(f.Where, f.LogGroup, f.Name))
		}
	}
	return append(deps, topicDeps(m, al.AlarmActions)...)
}

// topicDeps are the topic changes for the ARNs a resource notifies.
func topicDeps(m *estate.Monitoring, arns []string) []string {
	var deps []string
	for _, key := range slices.Sorted(maps.Keys(m.Topics)) {
		if t := m.Topics[key]; slices.Contains(arns, t.ARN) {
			deps = append(deps, TopicAddress(t.Where, t.Name))
		}
	}
	return deps
}

func applyAlarm(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[alarmValue](ch)
	if err != nil {
		return err
	}
	al := v.Alarm
	cl, w, err := monitoringAt(env, al.Account, al.Region)
	if err != nil {
		return fmt.Errorf("alarm %s: %w", al.Name, err)
	}
	var actions []string
	for _, arn := range al.AlarmActions {
		resolved, err := env.Resolve(arn)
		if err != nil {
			return fmt.Errorf("alarm %s: %w", al.Name, err)
		}
		actions = append(actions, resolved)
	}
	in := &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(al.Name), AlarmDescription: aws.String(al.Description),
		Namespace: aws.String(al.Namespace), MetricName: aws.String(al.MetricName),
		Statistic:          types.Statistic(al.Statistic),
		Period:             aws.Int32(int32(al.Period)),
		EvaluationPeriods:  aws.Int32(int32(al.EvaluationPeriods)),
		Threshold:          aws.Float64(al.Threshold),
		ComparisonOperator: types.ComparisonOperator(al.Comparison),
		TreatMissingData:   aws.String(al.TreatMissingData),
		ActionsEnabled:     aws.Bool(al.ActionsEnabled),
		AlarmActions:       actions,
	}
	if _, err := cl.CloudWatch(w).PutMetricAlarm(ctx, in); err != nil {
		return fmt.Errorf("put alarm %s in %s: %w", al.Name, w, err)
	}
	return nil
}
