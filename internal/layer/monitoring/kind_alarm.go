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

// AlarmAddress is the address of an alarm at w: "alarm/<account>/<region>/<name>".
func AlarmAddress(w estate.Where, name string) string {
	return kinds.Address(kinds.KindAlarm, kinds.WhereAddress(w)+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: kinds.KindAlarm, Diff: diffAlarms, Apply: applyAlarm})
}

func alarmAttrs(al *estate.Alarm, actual *estate.Estate) plan.Attrs {
	actions := make([]string, 0, len(al.AlarmActions))
	for _, arn := range al.AlarmActions {
		actions = append(actions, kinds.ResolveActual(arn, actual))
	}
	slices.Sort(actions)
	return plan.Attrs{"account": al.Account, "region": al.Region, "name": al.Name, "description": al.Description,
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
		ch := plan.Change{Address: AlarmAddress(d.Where, d.Name), Kind: kinds.KindAlarm, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: alarmDeps(desired.Monitoring, d)}
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
	a := ch.After
	cl, w, err := monitoringAt(env, a["account"], a["region"])
	if err != nil {
		return fmt.Errorf("alarm %s: %w", a["name"], err)
	}
	var actions []string
	for _, arn := range splitList(a["alarm_actions"]) {
		resolved, err := env.Resolve(arn)
		if err != nil {
			return fmt.Errorf("alarm %s: %w", a["name"], err)
		}
		actions = append(actions, resolved)
	}
	in := &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(a["name"]), AlarmDescription: aws.String(a["description"]),
		Namespace: aws.String(a["namespace"]), MetricName: aws.String(a["metric_name"]),
		Statistic:          types.Statistic(a["statistic"]),
		ComparisonOperator: types.ComparisonOperator(a["comparison"]),
		TreatMissingData:   aws.String(a["treat_missing_data"]),
		ActionsEnabled:     aws.Bool(a["actions_enabled"] == "true"),
		AlarmActions:       actions,
	}
	for _, n := range []struct {
		attr string
		set  func(float64)
	}{
		{"period", func(v float64) { in.Period = aws.Int32(int32(v)) }},
		{"evaluation_periods", func(v float64) { in.EvaluationPeriods = aws.Int32(int32(v)) }},
		{"threshold", func(v float64) { in.Threshold = aws.Float64(v) }},
	} {
		v, err := strconv.ParseFloat(a[n.attr], 64)
		if err != nil {
			return fmt.Errorf("alarm %s: %s %q: %w", a["name"], n.attr, a[n.attr], err)
		}
		n.set(v)
	}
	if _, err := cl.CloudWatch(w).PutMetricAlarm(ctx, in); err != nil {
		return fmt.Errorf("put alarm %s in %s: %w", a["name"], w, err)
	}
	return nil
}
