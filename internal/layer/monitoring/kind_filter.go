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

// KindMetricFilter manages the metric filters on the organization trail's
// log group: each counts the events that match a pattern of the
// filter-pattern library as a metric (value 1 per match, no default value,
// guidance 000). PutMetricFilter replaces a filter of the same name on
// AWS; apply reads the filter first and writes only when it differs,
// because moto 5.2.5 appends a second filter of the same name instead.
const KindMetricFilter = "metric-filter"

// metricValue is what a filter publishes per matching event.
const metricValue = "1"

// MetricFilterAddress is the address of a metric filter:
// "metric-filter/<account>/<region>/<log group>:<name>".
func MetricFilterAddress(w estate.Where, logGroup, name string) string {
	return kinds.Address(KindMetricFilter, kinds.WhereAddress(w)+"/"+estate.FilterKey(logGroup, name))
}

func init() {
	kinds.Register(kinds.Registration{Name: KindMetricFilter, Diff: diffMetricFilters, Apply: applyMetricFilter})
}

// metricFilterValue is the filter a metric filter change puts: each
// matching event publishes metricValue to the metric.
type metricFilterValue struct {
	Filter estate.MetricFilter `json:"filter"`
}

func metricFilterAttrs(f *estate.MetricFilter) plan.Attrs {
	return plan.Attrs{"account": string(f.Account), "region": f.Region, "log_group": f.LogGroup, "name": f.Name,
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
	var notes []string
	for _, key := range slices.Sorted(maps.Keys(have)) {
		if a := have[key]; a.Copies > 1 {
			notes = append(notes, fmt.Sprintf("duplicate: %d metric filters are named %s on log group %s in %s; groundwork sees the last one only: delete the others (aws logs delete-metric-filter deletes them one at a time)",
				a.Copies, a.Name, a.LogGroup, a.Where))
		}
	}
	for _, key := range slices.Sorted(maps.Keys(desired.Monitoring.MetricFilters)) {
		d := desired.Monitoring.MetricFilters[key]
		after := metricFilterAttrs(d)
		ch := plan.SetValue(plan.Change{Address: MetricFilterAddress(d.Where, d.LogGroup, d.Name), Kind: KindMetricFilter,
			Group: kinds.UnitOf(desired, d.Account), After: after,
			DependsOn: append(kinds.AccountDeps(d.Account), logging.LogGroupAddress(d.Where, d.LogGroup))}, metricFilterValue{Filter: *d})
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
	return changes, notes
}

func applyMetricFilter(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[metricFilterValue](ch)
	if err != nil {
		return err
	}
	f := v.Filter
	cl, w, err := monitoringAt(env, f.Account, f.Region)
	if err != nil {
		return fmt.Errorf("metric filter %s: %w", f.Name, err)
	}
	api := cl.MetricFilters(w)
	same, err := metricFilterInPlace(ctx, api, f)
	if err != nil {
		return fmt.Errorf("read metric filter %s of %s in %s: %w", f.Name, f.LogGroup, w, err)
	}
	if same {
		return nil
	}
	// AWS replaces a filter of the same name, but the SDK does not send a
	// lost PutMetricFilter again (awsx.NonIdempotent: moto appends a
	// second filter of the name): a lost response is looked for first.
	put := func(ctx context.Context) error {
		_, err := api.PutMetricFilter(ctx, &cloudwatchlogs.PutMetricFilterInput{
			LogGroupName: aws.String(f.LogGroup), FilterName: aws.String(f.Name), FilterPattern: aws.String(f.Pattern),
			MetricTransformations: []types.MetricTransformation{{MetricName: aws.String(f.MetricName),
				MetricNamespace: aws.String(f.Namespace), MetricValue: aws.String(metricValue)}},
		})
		return err
	}
	look := func(ctx context.Context) (bool, error) { return metricFilterInPlace(ctx, api, f) }
	if err := env.CreateOnce(ctx, fmt.Sprintf("metric filter %s on %s in %s", f.Name, f.LogGroup, w), put, look); err != nil {
		return fmt.Errorf("put metric filter %s on %s in %s: %w", f.Name, f.LogGroup, w, err)
	}
	return nil
}

// metricFilterInPlace reports whether the log group already holds the
// filter exactly as f describes it. A missing log group is not an error
// here: PutMetricFilter then says so.
func metricFilterInPlace(ctx context.Context, api MetricFilterAPI, f estate.MetricFilter) (bool, error) {
	pages := cloudwatchlogs.NewDescribeMetricFiltersPaginator(api, &cloudwatchlogs.DescribeMetricFiltersInput{
		LogGroupName: aws.String(f.LogGroup), FilterNamePrefix: aws.String(f.Name)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		var missing *types.ResourceNotFoundException
		if errors.As(err, &missing) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		for _, got := range page.MetricFilters {
			if aws.ToString(got.FilterName) != f.Name || aws.ToString(got.FilterPattern) != f.Pattern || len(got.MetricTransformations) != 1 {
				continue
			}
			t := got.MetricTransformations[0]
			if aws.ToString(t.MetricName) == f.MetricName && aws.ToString(t.MetricNamespace) == f.Namespace &&
				aws.ToString(t.MetricValue) == metricValue && t.DefaultValue == nil {
				return true, nil
			}
		}
	}
	return false, nil
}
