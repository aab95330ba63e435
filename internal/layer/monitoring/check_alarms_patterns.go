package monitoring

import (
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"
)

// The pattern checks, one code path over one model. CIS AWS Foundations
// v3.0.0 section 4 asks that the log group a trail delivers to be watched,
// for each pattern it prescribes, by a metric filter with exactly that
// pattern (Security Hub passes CloudWatch.1 to .14 only for "the exact
// metric filters prescribed by CIS"), an alarm on the filter's metric, and
// the alarm notifying a topic someone confirmed. Each judgement is of a
// site: log groups as estate.PostureLogGroup values (the group, its
// filters and the alarms on their metrics). The spec's monitoring section,
// when it has one, only says what to judge:
//
//   - with it (e.Monitoring read), the patterns it selects, groundwork's
//     own extras included, on the log group it names, as the monitoring
//     layer read that group; only the topics it names, which that layer
//     read, count as reaching someone;
//   - without it, the patterns CIS names, on the log groups the
//     multi-Region trails that are logging deliver to, once per account
//     that homes such a trail (an organization trail counts once, in the
//     account that owns it), as the posture layer read them; a log group
//     or topic it did not read leaves the account unjudged rather than
//     failed, and an account without such a trail is GW-TRL-001's to
//     report.

// site is what one pattern judgement covers.
type site struct {
	// groups are the log groups the pattern may be watched on: it passes
	// when one of them watches it.
	groups []*estate.PostureLogGroup
	// silent are the trails that deliver to no log group, named when no
	// group is left to judge; unread says a group that should be judged
	// was not read, which leaves the site unjudged unless another passes.
	silent []*estate.PostureTrail
	unread bool
	// label names a group in the finding of a missing filter.
	label func(lg *estate.PostureLogGroup) string
	// topic says whether an alarm action reaches someone (a topic with a
	// confirmed subscription) and whether it is a topic that was not read.
	topic func(arn string) (confirmed, unread bool)
}

// checkPattern judges one library entry on every site the estate has for
// it.
func checkPattern(entry filterpattern.Entry, what string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		var out []audit.Finding
		for _, s := range patternSites(e, entry) {
			if f, ok := judgeSite(e, s, entry, what); ok {
				out = append(out, f)
			}
		}
		return out
	}
}

// patternSites are the sites an entry is judged on: the spec's, when the
// monitoring layer was read, else the posture layer's.
func patternSites(e *estate.Estate, entry filterpattern.Entry) []site {
	if m := e.Monitoring; m != nil {
		lg := m.Expected.LogGroup
		if !slices.Contains(m.Expected.Patterns, entry.Name) || audit.Leaving(e, lg.Where) {
			return nil
		}
		return []site{{
			groups: []*estate.PostureLogGroup{expectedGroup(m)},
			label:  func(*estate.PostureLogGroup) string { return "the trail's log group" },
			topic: func(arn string) (bool, bool) {
				t := m.TopicByARN(arn)
				return t != nil && t.Confirmed(), false
			},
		}}
	}
	if e.Posture == nil || !cisPattern(entry) {
		return nil
	}
	topic := func(arn string) (bool, bool) {
		t, ok := e.Posture.Topics[arn]
		return ok && t.Confirmed, !ok && strings.Contains(arn, ":sns:")
	}
	label := func(lg *estate.PostureLogGroup) string {
		return fmt.Sprintf("log group %s, where the account's trail delivers,", lg.Name)
	}
	accounts, byAccount := loggingTrailsByAccount(e)
	var out []site
	for _, key := range accounts {
		s := site{label: label, topic: topic}
		for _, t := range byAccount[key] {
			if t.LogGroup == nil {
				s.silent = append(s.silent, t)
				continue
			}
			lg, ok := e.Posture.LogGroups[t.LogGroup.Key(t.LogGroup.Name)]
			switch {
			case !ok:
				s.unread = true
			case !slices.Contains(s.groups, lg):
				s.groups = append(s.groups, lg)
			}
		}
		out = append(out, s)
	}
	return out
}

// expectedGroup is the log group the spec names as the monitoring layer
// read it: its metric filters there, and the alarms there on their
// metrics.
func expectedGroup(m *estate.Monitoring) *estate.PostureLogGroup {
	lg := m.Expected.LogGroup
	g := &estate.PostureLogGroup{Where: lg.Where, Name: lg.Name}
	for _, f := range audit.SortedValues(m.MetricFilters) {
		if f.Where == lg.Where && f.LogGroup == lg.Name {
			g.Filters = append(g.Filters, &estate.PostureMetricFilter{Name: f.Name, Pattern: f.Pattern, Namespace: f.Namespace,
				MetricName: f.MetricName})
		}
	}
	for _, a := range audit.SortedValues(m.Alarms) {
		if a.Where == lg.Where && slices.ContainsFunc(g.Filters, func(f *estate.PostureMetricFilter) bool {
			return a.Namespace == f.Namespace && a.MetricName == f.MetricName
		}) {
			g.Alarms = append(g.Alarms, &estate.PostureAlarm{Name: a.Name, Namespace: a.Namespace, MetricName: a.MetricName,
				ActionsEnabled: a.ActionsEnabled, AlarmActions: a.AlarmActions})
		}
	}
	return g
}

// judgeSite judges a site: the pattern passes when any of its log groups
// has a filter with it, an alarm on that filter's metric with actions
// enabled, and the alarm notifies a topic with a confirmed subscription.
// Otherwise the finding names how far the best log group got: a quiet
// alarm, then a filter without an alarm, then a group without the filter;
// a site whose trails deliver to no log group names them.
func judgeSite(e *estate.Estate, s site, entry filterpattern.Entry, what string) (audit.Finding, bool) {
	if len(s.groups) == 0 {
		if s.unread || len(s.silent) == 0 {
			return audit.Finding{}, false
		}
		t := s.silent[0]
		subject := "trail " + t.Name + " delivers"
		if len(s.silent) > 1 {
			var names []string
			for _, t := range s.silent {
				names = append(names, t.Name)
			}
			subject = "trails " + audit.NameList(names) + " deliver"
		}
		return audit.PlacedFinding(e, "trail", t.Name, estate.Where{Account: t.Account, Region: t.HomeRegion},
			fmt.Sprintf("%s to no CloudWatch Logs log group: no metric filter can watch for %s", subject, what)), true
	}

	unread := s.unread
	var noFilter, noAlarm, quiet []audit.Finding
	for _, lg := range s.groups {
		var filters []*estate.PostureMetricFilter
		for _, f := range lg.Filters {
			if samePattern(f.Pattern, entry.Pattern) && f.MetricName != "" {
				filters = append(filters, f)
			}
		}
		if len(filters) == 0 {
			noFilter = append(noFilter, audit.PlacedFinding(e, "log-group", lg.Name, lg.Where,
				fmt.Sprintf("no metric filter on %s uses the %s pattern: nothing watches for %s", s.label(lg), entry.Name, what)))
			continue
		}
		var alarms []*estate.PostureAlarm
		for _, a := range lg.Alarms {
			if slices.ContainsFunc(filters, func(f *estate.PostureMetricFilter) bool {
				return a.Namespace == f.Namespace && a.MetricName == f.MetricName
			}) {
				alarms = append(alarms, a)
			}
		}
		if len(alarms) == 0 {
			f := filters[0]
			noAlarm = append(noAlarm, audit.PlacedFinding(e, "metric-filter", f.Name, lg.Where,
				fmt.Sprintf("no alarm watches the metric %s/%s: nobody hears of %s", f.Namespace, f.MetricName, what)))
			continue
		}
		for _, a := range alarms {
			if !a.ActionsEnabled {
				continue
			}
			for _, arn := range a.AlarmActions {
				confirmed, unknown := s.topic(arn)
				if confirmed {
					return audit.Finding{}, false
				}
				unread = unread || unknown
			}
		}
		a := alarms[0]
		why := "notifies no topic with a confirmed subscription"
		if !a.ActionsEnabled {
			why = "has its actions disabled"
		}
		quiet = append(quiet, audit.PlacedFinding(e, "alarm", a.Name, lg.Where,
			fmt.Sprintf("alarm %s, so it counts as missing: nobody hears of %s", why, what)))
	}
	if unread {
		return audit.Finding{}, false
	}
	for _, fs := range [][]audit.Finding{quiet, noAlarm, noFilter} {
		if len(fs) > 0 {
			return fs[0], true
		}
	}
	return audit.Finding{}, false
}

// cisPattern reports whether CIS v3.0.0 names the entry's pattern: only
// those are judged without a spec, groundwork's own extras are not.
func cisPattern(entry filterpattern.Entry) bool {
	return slices.ContainsFunc(entry.Guidance, func(l string) bool { return strings.HasPrefix(l, audit.FrameworkCIS+" ") })
}

// samePattern compares filter patterns as CloudWatch Logs reads them:
// runs of whitespace between terms do not matter.
func samePattern(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

// loggingTrailsByAccount returns the multi-Region trails that are logging,
// grouped by the account that owns them, in account order. The posture
// layer reads whether a trail logs only where it is homed and owned, so
// each trail counts once there, however many accounts see it.
func loggingTrailsByAccount(e *estate.Estate) (accounts []string, trails map[string][]*estate.PostureTrail) {
	trails = map[string][]*estate.PostureTrail{}
	seen := map[string]bool{}
	for _, t := range e.Posture.SortedTrails() {
		if !t.MultiRegion || t.Logging == nil || !*t.Logging || seen[t.ARN] || audit.Leaving(e, t.Where) {
			continue
		}
		seen[t.ARN] = true
		if _, ok := trails[string(t.Account)]; !ok {
			accounts = append(accounts, string(t.Account))
		}
		trails[string(t.Account)] = append(trails[string(t.Account)], t)
	}
	return accounts, trails
}
