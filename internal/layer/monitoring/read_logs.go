package monitoring

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// readMetricFilters reads every metric filter on each log group the
// desired filters use, one paged DescribeMetricFilters per group: the
// audit looks for the library's patterns under any filter name, and only
// filters with one metric transformation publish a metric it can follow.
// moto 5.2.5 appends a filter again on every PutMetricFilter of a name
// that exists, where AWS replaces it; the later one, the one in force,
// wins here, and Copies counts them all so that a duplicate is never
// hidden.
func readMetricFilters(ctx context.Context, g *errgroup.Group, r *monitoringRead) {
	readGroupFilters(ctx, g, r, filterGroups(r.want))
}

// filterGroups are the log groups the filters of m are on.
func filterGroups(m *estate.Monitoring) map[estate.Placement]bool {
	groups := map[estate.Placement]bool{}
	for _, f := range m.MetricFilters {
		groups[estate.Placement{Where: f.Where, Name: f.LogGroup}] = true
	}
	return groups
}

// readGroupFilters reads every metric filter of each of groups, as
// readMetricFilters does.
func readGroupFilters(ctx context.Context, g *errgroup.Group, r *monitoringRead, groups map[estate.Placement]bool) {
	for lg := range groups {
		w, ok := r.at(lg.Where)
		if !ok {
			continue
		}
		g.Go(func() error {
			pages := cloudwatchlogs.NewDescribeMetricFiltersPaginator(r.clients.MetricFilters(w),
				&cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String(lg.Name)})
			found := map[string]*estate.MetricFilter{}
			for pages.HasMorePages() {
				page, err := pages.NextPage(ctx)
				if awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
					return nil // no log group, no filters
				}
				if err != nil {
					return fmt.Errorf("read metric filters of %s in %s: %w", lg.Name, w, err)
				}
				for _, mf := range page.MetricFilters {
					f := &estate.MetricFilter{Where: lg.Where, LogGroup: lg.Name, Name: aws.ToString(mf.FilterName),
						Pattern: aws.ToString(mf.FilterPattern)}
					if len(mf.MetricTransformations) == 1 {
						t := mf.MetricTransformations[0]
						f.Namespace, f.MetricName = aws.ToString(t.MetricNamespace), aws.ToString(t.MetricName)
					}
					key := lg.Where.Key(estate.FilterKey(lg.Name, f.Name))
					f.Copies = 1
					if prev := found[key]; prev != nil {
						f.Copies = prev.Copies + 1
					}
					found[key] = f
				}
			}
			r.locked(func(m *estate.Monitoring) {
				for k, f := range found {
					m.MetricFilters[k] = f
				}
			})
			return nil
		})
	}
}
