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
// site: log groups of e.Monitoring, each with its metric filters and the
// alarms at its place on their metrics (watchedGroup). The spec's
// monitoring section, when it has one, only says what to judge:
//
//   - for a pattern it selects, groundwork's own extras included, the log
//     group it names;
//   - for any other pattern CIS names, with or without a spec, the log
//     groups the multi-Region trails that are logging deliver to, once per
//     account that homes such a trail (an organization trail counts once,
//     in the account that owns it), as the layer's survey read them; a log
//     group or topic it did not read leaves the account unjudged rather
//     than failed, and an account without such a trail is GW-TRL-001's to
//     report. groundwork's own extras have no yardstick without the spec
//     (needsSelection).
//
// An alarm counts when it notifies a topic the layer read with a
// confirmed subscription; a topic it did not read (outside the audit)
// leaves the site unjudged.

// watchedGroup is a log group with its metric filters and the alarms at
// its place on their metrics.
type watchedGroup struct {
	estate.Placement
	filters []*estate.MetricFilter
	alarms  []*estate.Alarm
}

// site is what one pattern judgement covers.
type site struct {
	// groups are the log groups the pattern may be watched on: it passes
	// when one of them watches it.
	groups []*watchedGroup
	// silent are the trails that deliver to no log group, named when no
	// group is left to judge; unread says a group that should be judged
	// was not read, which leaves the site unjudged unless another passes.
	silent []*estate.Trail
	unread bool
	// label names a group in the finding of a missing filter.
	label func(lg *watchedGroup) string
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

// needsSelection says why a pattern of groundwork's own (no CIS control
// names it) cannot be judged: only a spec that selects it asks for it.
func needsSelection(entry filterpattern.Entry) func(*estate.Estate) string {
	return func(e *estate.Estate) string {
		if cisPattern(entry) || e.Monitoring == nil || slices.Contains(e.Monitoring.Expected.Patterns, entry.Name) {
			return ""
		}
		return fmt.Sprintf("%s is groundwork's own pattern, not a CIS control: it is judged where a spec's monitoring.alarms selects it",
			entry.Name)
	}
}

// patternSites are the sites an entry is judged on: the spec's log group
// when the spec selects the entry, else the trails' log groups for a
// pattern CIS names.
func patternSites(e *estate.Estate, entry filterpattern.Entry) []site {
	m := e.Monitoring
	if m == nil {
		return nil
	}
	topic := func(arn string) (bool, bool) {
		if t := m.TopicByARN(arn); t != nil {
			return t.Confirmed(), false
		}
		return false, m.LogGroups != nil && strings.Contains(arn, ":sns:") && !slices.Contains(m.AbsentTopics, arn)
	}
	if slices.Contains(m.Expected.Patterns, entry.Name) {
		lg := m.Expected.LogGroup
		if audit.Leaving(e, lg.Where) {
			return nil
		}
		return []site{{
			groups: []*watchedGroup{groupOf(m, lg)},
			label:  func(*watchedGroup) string { return "the trail's log group" },
			topic:  topic,
		}}
	}
	if m.LogGroups == nil || !cisPattern(entry) {
		return nil
	}
	label := func(lg *watchedGroup) string {
		return fmt.Sprintf("log group %s, where the account's trail delivers,", lg.Name)
	}
	accounts, byAccount := loggingTrailsByAccount(e)
	var out []site
	for _, key := range accounts {
		s := site{label: label, topic: topic}
		for _, t := range byAccount[key] {
			p, ok := trailLogGroup(e, t)
			if !ok {
				s.silent = append(s.silent, t)
				continue
			}
			if _, ok := m.LogGroups[p.Key(p.Name)]; !ok {
				s.unread = true
				continue
			}
			if !slices.ContainsFunc(s.groups, func(g *watchedGroup) bool { return g.Placement == p }) {
				s.groups = append(s.groups, groupOf(m, p))
			}
		}
		out = append(out, s)
	}
	return out
}

// groupOf is a log group of the layer with its metric filters, and the
// alarms at its place on their metrics.
func groupOf(m *estate.Monitoring, lg estate.Placement) *watchedGroup {
	g := &watchedGroup{Placement: lg}
	for _, f := range audit.SortedValues(m.MetricFilters) {
		if f.Where == lg.Where && f.LogGroup == lg.Name {
			g.filters = append(g.filters, f)
		}
	}
	for _, a := range audit.SortedValues(m.Alarms) {
		if a.Where == lg.Where && slices.ContainsFunc(g.filters, func(f *estate.MetricFilter) bool {
			return a.Namespace == f.Namespace && a.MetricName == f.MetricName
		}) {
			g.alarms = append(g.alarms, a)
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
		var filters []*estate.MetricFilter
		for _, f := range lg.filters {
			if samePattern(f.Pattern, entry.Pattern) && f.MetricName != "" {
				filters = append(filters, f)
			}
		}
		if len(filters) == 0 {
			noFilter = append(noFilter, audit.PlacedFinding(e, "log-group", lg.Name, lg.Where,
				fmt.Sprintf("no metric filter on %s uses the %s pattern: nothing watches for %s", s.label(lg), entry.Name, what)))
			continue
		}
		var alarms []*estate.Alarm
		for _, a := range lg.alarms {
			if slices.ContainsFunc(filters, func(f *estate.MetricFilter) bool {
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

// loggingTrailsByAccount returns the multi-Region trails that are logging
// (loggingTrails), grouped by the account that owns them, in account
// order, without those of accounts leaving the organization.
func loggingTrailsByAccount(e *estate.Estate) (accounts []string, trails map[string][]*estate.Trail) {
	trails = map[string][]*estate.Trail{}
	for _, t := range loggingTrails(e) {
		if audit.Leaving(e, t.Where) {
			continue
		}
		if _, ok := trails[string(t.Account)]; !ok {
			accounts = append(accounts, string(t.Account))
		}
		trails[string(t.Account)] = append(trails[string(t.Account)], t)
	}
	return accounts, trails
}

// layerKey is the layer's key of an account that another layer keys by
// e-mail: estate.ManagementKey for the management account.
func layerKey(e *estate.Estate, key estate.AccountKey) estate.AccountKey {
	if a, ok := e.Accounts[string(key)]; ok && e.IsManagement(a) {
		return estate.ManagementKey
	}
	return key
}
