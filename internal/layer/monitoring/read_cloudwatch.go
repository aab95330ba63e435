package monitoring

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// maxAlarmNames is how many names one DescribeAlarms may ask for.
const maxAlarmNames = 100

// readAlarms reads the metric alarms the desired layer names, by name, in
// batches of maxAlarmNames per account and Region, paged. Alarms under
// other names are not read.
func readAlarms(ctx context.Context, g *errgroup.Group, r *monitoringRead) {
	names := map[estate.Where][]string{}
	for _, a := range r.want.Alarms {
		names[a.Where] = append(names[a.Where], a.Name)
	}
	for at, list := range names {
		w, ok := r.at(at)
		if !ok {
			continue
		}
		slices.Sort(list)
		for batch := range slices.Chunk(list, maxAlarmNames) {
			g.Go(func() error {
				pages := cloudwatch.NewDescribeAlarmsPaginator(r.clients.CloudWatch(w), &cloudwatch.DescribeAlarmsInput{
					AlarmNames: batch, AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm}})
				var found []*estate.Alarm
				for pages.HasMorePages() {
					page, err := pages.NextPage(ctx)
					if err != nil {
						return fmt.Errorf("read alarms in %s: %w", w, err)
					}
					for _, ma := range page.MetricAlarms {
						found = append(found, alarmOf(at, ma))
					}
				}
				r.locked(func(m *estate.Monitoring) {
					for _, a := range found {
						m.Alarms[at.Key(a.Name)] = a
					}
				})
				return nil
			})
		}
	}
}

func alarmOf(at estate.Where, ma types.MetricAlarm) *estate.Alarm {
	actions := slices.Clone(ma.AlarmActions)
	slices.Sort(actions)
	return &estate.Alarm{Where: at, Name: aws.ToString(ma.AlarmName), Description: aws.ToString(ma.AlarmDescription),
		Namespace: aws.ToString(ma.Namespace), MetricName: aws.ToString(ma.MetricName), Statistic: string(ma.Statistic),
		Period: int(aws.ToInt32(ma.Period)), Threshold: aws.ToFloat64(ma.Threshold), Comparison: string(ma.ComparisonOperator),
		EvaluationPeriods: int(aws.ToInt32(ma.EvaluationPeriods)), TreatMissingData: aws.ToString(ma.TreatMissingData),
		ActionsEnabled: aws.ToBool(ma.ActionsEnabled), AlarmActions: actions}
}
