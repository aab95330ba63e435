package billing

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The metric billing alarms watch.
const (
	billingNamespace = "AWS/Billing"
	billingMetric    = "EstimatedCharges"
)

// alarmsPageSize is the largest page DescribeAlarms serves.
const alarmsPageSize = 100

// collectBillingAlarms reads the metric alarms of the management account
// in estate.BillingRegion, where the EstimatedCharges metric is, and keeps
// those on it: one call per 100 alarms. The audit asks whether any exists,
// the plan compares its own by name.
func collectBillingAlarms(ctx context.Context, g *errgroup.Group, r *billingRead) {
	g.Go(func() error {
		pages := cloudwatch.NewDescribeAlarmsPaginator(r.clients.Alarms(estate.BillingRegion),
			&cloudwatch.DescribeAlarmsInput{MaxRecords: aws.Int32(alarmsPageSize)})
		var found []*estate.BillingAlarm
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("read alarms of %s in %s: %w", r.mgmtID, estate.BillingRegion, err)
			}
			for _, m := range page.MetricAlarms {
				if aws.ToString(m.Namespace) != billingNamespace || aws.ToString(m.MetricName) != billingMetric {
					continue
				}
				a := &estate.BillingAlarm{Where: estate.Where{Account: estate.ManagementKey, Region: estate.BillingRegion},
					Name: aws.ToString(m.AlarmName), ARN: aws.ToString(m.AlarmArn), Statistic: string(m.Statistic),
					Period: int(aws.ToInt32(m.Period)), Evaluation: int(aws.ToInt32(m.EvaluationPeriods)),
					Threshold: aws.ToFloat64(m.Threshold), Comparison: string(m.ComparisonOperator),
					Actions: slices.Sorted(slices.Values(m.AlarmActions)), ActionsEnabled: aws.ToBool(m.ActionsEnabled)}
				for _, d := range m.Dimensions {
					if aws.ToString(d.Name) == "Currency" {
						a.Currency = aws.ToString(d.Value)
					}
				}
				found = append(found, a)
			}
		}
		r.locked(func(out *estate.Billing) {
			for _, a := range found {
				out.Alarms[a.Name] = a
			}
		})
		return nil
	})
}

// collectBillingMetric asks, in a survey, whether AWS publishes the
// EstimatedCharges metric in estate.BillingRegion: one ListMetrics call.
// AWS publishes it only while the management account's Billing
// preferences receive CloudWatch billing alerts, a setting no API reads
// or writes; until then no estimated-charges alarm can fire. ListMetrics
// lists a metric that received data in the last two weeks, and AWS
// publishes this one several times a day.
func collectBillingMetric(ctx context.Context, g *errgroup.Group, r *billingRead) {
	if !r.survey {
		return
	}
	g.Go(func() error {
		out, err := r.clients.Alarms(estate.BillingRegion).ListMetrics(ctx, &cloudwatch.ListMetricsInput{
			Namespace: aws.String(billingNamespace), MetricName: aws.String(billingMetric)})
		if awsx.Unimplemented(err) {
			r.gap(false, readMetrics, "whether AWS publishes the EstimatedCharges metric", "ListMetrics",
				"whether billing alerts are on is not judged", err)
			return nil
		}
		if err != nil {
			return fmt.Errorf("list the %s %s metrics of %s in %s: %w", billingNamespace, billingMetric, r.mgmtID, estate.BillingRegion, err)
		}
		on := len(out.Metrics) > 0
		r.locked(func(b *estate.Billing) { b.BillingAlerts = &on })
		return nil
	})
}
