package monitoring

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// metricValue is what a filter publishes per matching event.
const metricValue = "1"

// MetricFilterAddress is the address of a metric filter:
// "metric-filter/<account>/<region>/<log group>:<name>".
func MetricFilterAddress(w estate.Where, logGroup, name string) string {
	return kinds.Address(kinds.KindMetricFilter, kinds.WhereAddress(w)+"/"+estate.FilterKey(logGroup, name))
}

func init() {
	kinds.Register(kinds.Registration{Name: kinds.KindMetricFilter, Diff: diffMetricFilters, Apply: applyMetricFilter})
}

func metricFilterAttrs(f *estate.MetricFilter) plan.Attrs {
	return plan.Attrs{"account": f.Account, "region": f.Region, "log_group": f.LogGroup, "name": f.Name,
		"pattern": f.Pattern, "namespace": f.Namespace, "metric_name": f.MetricName, "metric_value": metricValue}
}

func diffMetricFilters(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Monitoring == nil {
		return nil, nil
	}
	have := map[string]*estate.MetricFilter{}
	if actual.Monitoring != nil {
		have = actual.Monitoring.MetricFilters
	}
	var changes []plan.Change
	for _, key := range slices.Sorted(maps.Keys(desired.Monitoring.MetricFilters)) {
		d := desired.Monitoring.MetricFilters[key]
		after := metricFilterAttrs(d)
		ch := plan.Change{Address: MetricFilterAddress(d.Where, d.LogGroup, d.Name), Kind: kinds.KindMetricFilter,
			Group: kinds.UnitOf(desired, d.Account), After: after,
			DependsOn: append(kinds.AccountDeps(d.Account), logging.LogGroupAddress(d.Where, d.LogGroup))}
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		if before := metricFilterAttrs(a); !maps.Equal(before, after) {
			ch.Action, ch.Before = plan.Update, before
			changes = append(changes, ch)
		}
	}
	return changes, nil
}

func applyMetricFilter(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	a := ch.After
	cl, w, err := monitoringAt(env, a["account"], a["region"])
	if err != nil {
		return fmt.Errorf("metric filter %s: %w", a["name"], err)
	}
	api := cl.MetricFilters(w)
	same, err := metricFilterInPlace(ctx, api, a)
	if err != nil {
		return fmt.Errorf("read metric filter %s of %s in %s: %w", a["name"], a["log_group"], w, err)
	}
	if same {
		return nil
	}
	if _, err := api.PutMetricFilter(ctx, &cloudwatchlogs.PutMetricFilterInput{
		LogGroupName: aws.String(a["log_group"]), FilterName: aws.String(a["name"]), FilterPattern: aws.String(a["pattern"]),
		MetricTransformations: []types.MetricTransformation{{MetricName: aws.String(a["metric_name"]),
			MetricNamespace: aws.String(a["namespace"]), MetricValue: aws.String(a["metric_value"])}},
	}); err != nil {
		return fmt.Errorf("put metric filter %s on %s in %s: %w", a["name"], a["log_group"], w, err)
	}
	return nil
}

// metricFilterInPlace reports whether the log group already holds the
// filter exactly as the attributes describe it. A missing log group is
// not an error here: PutMetricFilter then says so.
func metricFilterInPlace(ctx context.Context, api MetricFilterAPI, a plan.Attrs) (bool, error) {
	pages := cloudwatchlogs.NewDescribeMetricFiltersPaginator(api, &cloudwatchlogs.DescribeMetricFiltersInput{
		LogGroupName: aws.String(a["log_group"]), FilterNamePrefix: aws.String(a["name"])})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		var missing *types.ResourceNotFoundException
		if errors.As(err, &missing) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		for _, f := range page.MetricFilters {
			if aws.ToString(f.FilterName) != a["name"] || aws.ToString(f.FilterPattern) != a["pattern"] || len(f.MetricTransformations) != 1 {
				continue
			}
			t := f.MetricTransformations[0]
			if aws.ToString(t.MetricName) == a["metric_name"] && aws.ToString(t.MetricNamespace) == a["namespace"] &&
				aws.ToString(t.MetricValue) == a["metric_value"] && t.DefaultValue == nil {
				return true, nil
			}
		}
	}
	return false, nil
}
