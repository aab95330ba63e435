package monitoring

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// Survey reads the monitoring layer the audit judges into
// actual.Monitoring, with or without a spec (want is nil without one):
// what Read reads for want, and besides, over scope, what watches the
// trails of the organization as it is (CIS AWS Foundations v3.0.0
// section 4): the metric filters of every log group a multi-Region trail
// that is logging delivers to, the metric alarms at that group's place on
// those filters' metrics, the EventBridge rules of the management account
// that match root user sign-ins in us-east-1 (where CloudTrail records
// them) and in the home Region, with their targets, and every SNS topic
// those alarms and rules notify, with its subscriptions. The trails are
// logging layer's, surveyed first: see loggingTrails.
func Survey(ctx context.Context, r inventory.Reader, scope estate.Scope, actual *estate.Estate, want *estate.Monitoring) error {
	return surveyWith(ctx, sessionReadClients{r.Configs(actual)}, actual, scope, want, r.Options())
}

// surveyWith is Survey through clients.
func surveyWith(ctx context.Context, clients readClients, e *estate.Estate, scope estate.Scope, want *estate.Monitoring, opts inventory.Options) error {
	if e.Organization == nil {
		return nil
	}
	if err := readWith(ctx, clients, e, want, opts); err != nil {
		return err
	}
	m := e.Monitoring
	if m == nil {
		m = estate.NewMonitoring()
	}
	m.LogGroups = map[string]estate.Placement{}
	s := &monitoringRead{clients: clients, e: e, out: m}
	s.scoped = map[estate.AccountID]estate.AccountKey{}
	for _, a := range inventory.ActiveAccounts(e, scope.Accounts) {
		key := a.Key
		if string(a.ID) == e.Organization.ManagementAccountID {
			key = estate.ManagementKey
		}
		s.scoped[a.ID] = key
	}
	groups := s.trailLogGroups()
	opts.Progressf("surveying the monitoring layer: %d log groups trails deliver to, root sign-in rules", len(groups))

	// The groups' filters, and the rules: then the alarms on the
	// filters' metrics; then the topics both notify.
	g, gctx := opts.Group(ctx)
	unread := map[estate.Placement]bool{}
	read := map[estate.Placement]bool{}
	if want != nil {
		read = filterGroups(want) // every filter on them is read already
	}
	for _, lg := range groups {
		s.out.LogGroups[lg.Key(lg.Name)] = lg
		if !read[lg] {
			unread[lg] = true
		}
	}
	readGroupFilters(gctx, g, s, unread)
	mgmt := estate.AccountID(e.Organization.ManagementAccountID)
	if _, ok := s.scoped[mgmt]; ok {
		for _, region := range slices.Compact(slices.Sorted(slices.Values([]string{RootSignInRegion, scope.HomeRegion}))) {
			if region == "" {
				continue
			}
			g.Go(func() error { return s.rootSignInRules(gctx, estate.Location{Account: mgmt, Region: region}) })
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	g, gctx = opts.Group(ctx)
	s.watchingAlarms(gctx, g)
	if err := g.Wait(); err != nil {
		return err
	}
	g, gctx = opts.Group(ctx)
	s.notifiedTopics(gctx, g)
	if err := g.Wait(); err != nil {
		return err
	}
	slices.Sort(m.AbsentTopics)
	e.Monitoring = m
	return nil
}

// loggingTrails returns the multi-Region trails that are logging, as the
// logging layer's survey read them (each once, under its owner and home
// Region, its status read there), sorted by place and name. It is the one
// place the monitoring layer reads the trails another layer found.
func loggingTrails(e *estate.Estate) []*estate.Trail {
	if e.Logging == nil {
		return nil
	}
	var out []*estate.Trail
	for _, t := range e.Logging.Trails {
		if t.MultiRegion && t.StatusRead && t.Logging {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *estate.Trail) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// trailLogGroup places the log group t delivers to in the layer's terms:
// its account by the key the estate knows it by (estate.ManagementKey for
// the management account), or by its AWS ID when the organization has no
// such account. ok is false when the trail delivers to none.
func trailLogGroup(e *estate.Estate, t *estate.Trail) (estate.Placement, bool) {
	at, name, ok := t.LogGroupAt()
	if !ok {
		return estate.Placement{}, false
	}
	key := estate.AccountKey(at.Account)
	for k, a := range e.Accounts {
		if a.ID == string(at.Account) {
			key = layerKey(e, estate.AccountKey(k))
			break
		}
	}
	return estate.Placement{Where: estate.Where{Account: key, Region: at.Region}, Name: name}, true
}

// trailLogGroups are the log groups the logging trails deliver to in the
// accounts of the survey.
func (s *monitoringRead) trailLogGroups() []estate.Placement {
	found := map[string]estate.Placement{}
	for _, t := range loggingTrails(s.e) {
		lg, ok := trailLogGroup(s.e, t)
		if !ok {
			continue
		}
		if lg, ok := s.placed(lg); ok {
			found[lg.Key(lg.Name)] = lg
		}
	}
	return slices.Collect(maps.Values(found))
}

// placed puts a placement read by another layer (its account an account
// key, or an AWS ID outside that read) in the layer's terms: the
// management account as estate.ManagementKey. ok is false for an account
// outside the survey.
func (s *monitoringRead) placed(p estate.Placement) (estate.Placement, bool) {
	id := estate.AccountID(p.Account)
	if a, ok := s.e.Accounts[string(p.Account)]; ok {
		id = estate.AccountID(a.ID)
	} else if p.Account == estate.ManagementKey {
		id = estate.AccountID(s.e.Organization.ManagementAccountID)
	}
	key, ok := s.scoped[id]
	p.Account = key
	return p, ok
}

// rootSignInRules lists the rules of the default event bus at a place of
// the management account, paged, and reads the targets of each that
// matches root user console sign-ins and that the spec's read has not.
func (s *monitoringRead) rootSignInRules(ctx context.Context, w estate.Location) error {
	api := s.clients.EventBridge(w)
	at := estate.Where{Account: estate.ManagementKey, Region: w.Region}
	in := &eventbridge.ListRulesInput{}
	for {
		page, err := api.ListRules(ctx, in)
		if err != nil {
			return fmt.Errorf("list event rules in %s: %w", w, err)
		}
		for _, r := range page.Rules {
			name := aws.ToString(r.Name)
			if !matchesRootSignIn(aws.ToString(r.EventPattern)) {
				continue
			}
			var known bool
			s.locked(func(m *estate.Monitoring) { _, known = m.EventRules[at.Key(name)] })
			if known {
				continue
			}
			rule, err := readEventRule(ctx, api, w, &estate.EventRule{Where: at, Name: name})
			if err != nil {
				return err
			}
			if rule != nil {
				s.locked(func(m *estate.Monitoring) { m.EventRules[at.Key(name)] = rule })
			}
		}
		if aws.ToString(page.NextToken) == "" || aws.ToString(page.NextToken) == aws.ToString(in.NextToken) {
			return nil
		}
		in.NextToken = page.NextToken
	}
}

// matchesRootSignIn reports whether an event pattern matches the console
// sign-ins of the root user: its detail-type names "AWS Console Sign In
// via CloudTrail", its source (if it names one) aws.signin, and its
// userIdentity type (if it filters on one) Root.
func matchesRootSignIn(pattern string) bool {
	var p struct {
		DetailType []string `json:"detail-type"`
		Source     []string `json:"source"`
		Detail     struct {
			UserIdentity struct {
				Type []any `json:"type"`
			} `json:"userIdentity"`
		} `json:"detail"`
	}
	if json.Unmarshal([]byte(pattern), &p) != nil || !slices.Contains(p.DetailType, rootSignInPattern) {
		return false
	}
	if len(p.Source) > 0 && !slices.Contains(p.Source, "aws.signin") {
		return false
	}
	types := p.Detail.UserIdentity.Type
	return len(types) == 0 || slices.Contains(types, any("Root"))
}

// watchingAlarms reads the metric alarms at each place of a surveyed log
// group (one paged DescribeAlarms per account and Region) and keeps those
// on the metric of one of the groups' filters there.
func (s *monitoringRead) watchingAlarms(ctx context.Context, g *errgroup.Group) {
	metrics := map[estate.Where]map[[2]string]bool{}
	for _, f := range s.out.MetricFilters {
		if _, ok := s.out.LogGroups[f.Where.Key(f.LogGroup)]; !ok || f.MetricName == "" {
			continue
		}
		if metrics[f.Where] == nil {
			metrics[f.Where] = map[[2]string]bool{}
		}
		metrics[f.Where][[2]string{f.Namespace, f.MetricName}] = true
	}
	for at, watched := range metrics {
		w, ok := s.at(at)
		if !ok {
			continue
		}
		g.Go(func() error {
			pages := cloudwatch.NewDescribeAlarmsPaginator(s.clients.CloudWatch(w), &cloudwatch.DescribeAlarmsInput{
				AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm}, MaxRecords: aws.Int32(maxAlarmNames)})
			var found []*estate.Alarm
			for pages.HasMorePages() {
				page, err := pages.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("read alarms in %s: %w", w, err)
				}
				for _, ma := range page.MetricAlarms {
					if watched[[2]string{aws.ToString(ma.Namespace), aws.ToString(ma.MetricName)}] {
						found = append(found, alarmOf(at, ma))
					}
				}
			}
			s.locked(func(m *estate.Monitoring) {
				for _, a := range found {
					m.Alarms[at.Key(a.Name)] = a
				}
			})
			return nil
		})
	}
}

// notifiedTopics reads each SNS topic an alarm or a root sign-in rule of
// the layer notifies and that is not read yet, in its account and Region
// when the survey covers that account: the topic and its subscriptions,
// or its absence.
func (s *monitoringRead) notifiedTopics(ctx context.Context, g *errgroup.Group) {
	arns := map[string]bool{}
	for _, a := range s.out.Alarms {
		for _, arn := range a.AlarmActions {
			arns[arn] = true
		}
	}
	for _, r := range s.out.EventRules {
		for _, arn := range r.Targets {
			arns[arn] = true
		}
	}
	for arn := range arns {
		parts := strings.SplitN(arn, ":", 6)
		if len(parts) < 6 || parts[2] != "sns" || parts[3] == "" || strings.Contains(parts[5], ":") || s.out.TopicByARN(arn) != nil {
			continue
		}
		key, ok := s.scoped[estate.AccountID(parts[4])]
		if !ok {
			continue // outside the survey
		}
		w := estate.Location{Account: estate.AccountID(parts[4]), Region: parts[3]}
		want := &estate.Topic{Where: estate.Where{Account: key, Region: parts[3]}, Name: parts[5]}
		g.Go(func() error {
			t, err := readTopic(ctx, s.clients.SNS(w), w, want, arn)
			if err != nil {
				return err
			}
			s.locked(func(m *estate.Monitoring) {
				if t == nil {
					m.AbsentTopics = append(m.AbsentTopics, arn)
					return
				}
				m.Topics[want.Key(want.Name)] = t
			})
			return nil
		})
	}
}
