package posture

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// monitoringClients builds the clients of the posture layer's read
// of what watches the trails' log groups (CIS AWS Foundations v3.0.0
// section 4). It is an ability a readClients may have, found by type
// assertion: clients without it read no log groups, and the section's
// checks then make no judgement on the posture layer.
type monitoringClients interface {
	MetricFilters(w estate.Location) metricFilterReadAPI
	CloudWatch(w estate.Location) alarmReadAPI
	SNS(w estate.Location) topicReadAPI
}

// metricFilterReadAPI is the part of the CloudWatch Logs client the
// posture layer reads: a log group's metric filters.
type metricFilterReadAPI interface {
	DescribeMetricFilters(context.Context, *cloudwatchlogs.DescribeMetricFiltersInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error)
}

// alarmReadAPI is the part of the CloudWatch client the posture layer
// reads: the alarms on the filters' metrics.
type alarmReadAPI interface {
	DescribeAlarms(context.Context, *cloudwatch.DescribeAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

// topicReadAPI is the part of the SNS client the posture layer
// reads: whether anyone confirmed a subscription to a topic.
type topicReadAPI interface {
	ListSubscriptionsByTopic(context.Context, *sns.ListSubscriptionsByTopicInput, ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
}

var (
	_ metricFilterReadAPI = (*cloudwatchlogs.Client)(nil)
	_ alarmReadAPI        = (*cloudwatch.Client)(nil)
	_ topicReadAPI        = (*sns.Client)(nil)
	_ monitoringClients   = sessionReadClients{}
)

func (c sessionReadClients) MetricFilters(w estate.Location) metricFilterReadAPI {
	return c.At(w).Logs()
}
func (c sessionReadClients) CloudWatch(w estate.Location) alarmReadAPI {
	return c.At(w).CloudWatch()
}
func (c sessionReadClients) SNS(w estate.Location) topicReadAPI { return c.At(w).SNS() }

// monitoring reads, once per log group, the log groups that multi-Region
// trails that are logging deliver to, in the log group's account and
// Region: its metric filters and the metric alarms on their metrics.
// Then, once per topic, whether each SNS topic those alarms notify has a
// confirmed subscription, in the topic's account and Region. Log groups
// and topics in accounts the read does not cover are not read.
func (r *postureRead) monitoring(ctx context.Context) error {
	mc, ok := r.clients.(monitoringClients)
	if !ok {
		return nil
	}
	ids := map[estate.AccountKey]estate.AccountID{}
	for id, key := range r.accountKeys {
		ids[key] = id
	}
	groups := map[string]estate.Placement{}
	for _, t := range r.out.SortedTrails() {
		if t.MultiRegion && t.Logging != nil && *t.Logging && t.LogGroup != nil {
			groups[t.LogGroup.Key(t.LogGroup.Name)] = *t.LogGroup
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.opts.Limit())
	for _, lg := range groups {
		id, ok := ids[lg.Account]
		if !ok {
			continue // outside the read
		}
		g.Go(func() error { return r.logGroup(gctx, mc, lg, estate.Location{Account: id, Region: lg.Region}) })
	}
	if err := g.Wait(); err != nil {
		return err
	}

	topics := map[string]bool{}
	for _, lg := range r.out.LogGroups {
		for _, a := range lg.Alarms {
			for _, arn := range a.AlarmActions {
				topics[arn] = true
			}
		}
	}
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(r.opts.Limit())
	for arn := range topics {
		parts := strings.SplitN(arn, ":", 6)
		if len(parts) < 6 || parts[2] != "sns" || r.accountKeys[estate.AccountID(parts[4])] == "" {
			continue // not a topic, or one outside the read
		}
		g.Go(func() error {
			return r.topic(gctx, mc, arn, estate.Location{Account: estate.AccountID(parts[4]), Region: parts[3]})
		})
	}
	return g.Wait()
}

// logGroup reads one log group's metric filters, paged, and the metric
// alarms at its place on their metrics. A group that does not exist is
// recorded without filters: nothing watches it. moto 5.2.5 appends a
// filter again on every PutMetricFilter of a name that exists, where AWS
// replaces it; the later one, the one in force, wins here.
func (r *postureRead) logGroup(ctx context.Context, mc monitoringClients, lg estate.Placement, at estate.Location) error {
	what := fmt.Sprintf("the metric filters of log group %s in %s", lg.Name, at)
	group := &estate.PostureLogGroup{Where: lg.Where, Name: lg.Name}
	byName := map[string]*estate.PostureMetricFilter{}
	pages := cloudwatchlogs.NewDescribeMetricFiltersPaginator(mc.MetricFilters(at),
		&cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String(lg.Name)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
			break
		}
		if r.unknown(err, readMonitoring, at, what) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("describe %s: %w", what, err)
		}
		for _, mf := range page.MetricFilters {
			f := &estate.PostureMetricFilter{Name: aws.ToString(mf.FilterName), Pattern: aws.ToString(mf.FilterPattern)}
			if len(mf.MetricTransformations) == 1 {
				t := mf.MetricTransformations[0]
				f.Namespace, f.MetricName = aws.ToString(t.MetricNamespace), aws.ToString(t.MetricName)
			}
			byName[f.Name] = f
		}
	}
	metrics := map[[2]string]bool{}
	for _, f := range byName {
		group.Filters = append(group.Filters, f)
		if f.MetricName != "" {
			metrics[[2]string{f.Namespace, f.MetricName}] = true
		}
	}
	slices.SortFunc(group.Filters, func(a, b *estate.PostureMetricFilter) int { return strings.Compare(a.Name, b.Name) })
	if len(metrics) > 0 {
		alarms, err := r.alarms(ctx, mc, at, metrics)
		if err != nil || alarms == nil {
			return err
		}
		group.Alarms = alarms
	}
	r.locked(func(p *estate.Posture) { p.LogGroups[lg.Key(lg.Name)] = group })
	return nil
}

// alarms reads the metric alarms at a place, paged, and keeps those on
// one of metrics (namespace, name). It returns nil, nil when the service
// cannot answer, having warned; an empty slice when no alarm matches.
func (r *postureRead) alarms(ctx context.Context, mc monitoringClients, at estate.Location, metrics map[[2]string]bool) ([]*estate.PostureAlarm, error) {
	what := "the CloudWatch alarms of " + at.String()
	found := []*estate.PostureAlarm{}
	pages := cloudwatch.NewDescribeAlarmsPaginator(mc.CloudWatch(at),
		&cloudwatch.DescribeAlarmsInput{AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm}})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if r.unknown(err, readMonitoring, at, what) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("describe %s: %w", what, err)
		}
		for _, ma := range page.MetricAlarms {
			a := &estate.PostureAlarm{Name: aws.ToString(ma.AlarmName), Namespace: aws.ToString(ma.Namespace),
				MetricName: aws.ToString(ma.MetricName), ActionsEnabled: aws.ToBool(ma.ActionsEnabled),
				AlarmActions: slices.Sorted(slices.Values(ma.AlarmActions))}
			if metrics[[2]string{a.Namespace, a.MetricName}] {
				found = append(found, a)
			}
		}
	}
	slices.SortFunc(found, func(a, b *estate.PostureAlarm) int { return cmp.Compare(a.Name, b.Name) })
	return found, nil
}

// topic reads whether a topic has a confirmed subscription: one whose ARN
// is not PendingConfirmation. A topic that does not exist has none.
func (r *postureRead) topic(ctx context.Context, mc monitoringClients, arn string, at estate.Location) error {
	what := "the subscriptions of topic " + arn
	t := &estate.PostureTopic{ARN: arn}
	pages := sns.NewListSubscriptionsByTopicPaginator(mc.SNS(at), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	for pages.HasMorePages() && !t.Confirmed {
		page, err := pages.NextPage(ctx)
		if awsx.ErrorCodeIs(err, "NotFound", "NotFoundException") {
			break
		}
		if r.unknown(err, readMonitoring, at, what) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
		t.Confirmed = slices.ContainsFunc(page.Subscriptions, func(s snstypes.Subscription) bool {
			arn := aws.ToString(s.SubscriptionArn)
			return arn != "" && arn != estate.PendingConfirmation
		})
	}
	r.locked(func(p *estate.Posture) { p.Topics[arn] = t })
	return nil
}
