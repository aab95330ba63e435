package monitoring

import (
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"
)

// The pattern checks without a monitoring section in the spec: CIS AWS
// Foundations v3.0.0 section 4 asks every account's logging trail to feed
// a log group watched by the prescribed filters and alarms, whoever set
// them up, so the checks fall back to what the posture layer read. Each
// account that homes a multi-Region trail that is logging (an
// organization trail counts once, in the account that owns it) is judged
// on the log groups those trails deliver to; an account without such a
// trail is GW-TRL-001's to report.

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
// grouped by the account that owns them, in account order. The layer
// reads whether a trail logs only where it is homed and owned, so each
// trail counts once there, however many accounts see it.
func loggingTrailsByAccount(e *estate.Estate) (accounts []string, trails map[string][]*estate.PostureTrail) {
	trails = map[string][]*estate.PostureTrail{}
	seen := map[string]bool{}
	for _, t := range e.Posture.SortedTrails() {
		if !t.MultiRegion || t.Logging == nil || !*t.Logging || seen[t.ARN] || audit.Leaving(e, t.Where) {
			continue
		}
		seen[t.ARN] = true
		if _, ok := trails[t.Account]; !ok {
			accounts = append(accounts, t.Account)
		}
		trails[t.Account] = append(trails[t.Account], t)
	}
	return accounts, trails
}

// checkPatternOnPosture judges one CIS entry on the posture layer, once
// per account that homes a multi-Region trail that is logging.
func checkPatternOnPosture(e *estate.Estate, entry filterpattern.Entry, what string) []audit.Finding {
	if e.Posture == nil || !cisPattern(entry) {
		return nil
	}
	accounts, byAccount := loggingTrailsByAccount(e)
	var out []audit.Finding
	for _, key := range accounts {
		if f, ok := judgeAccountPattern(e, byAccount[key], entry, what); ok {
			out = append(out, f)
		}
	}
	return out
}

// judgeAccountPattern judges an account's logging trails: the pattern
// passes when any log group they deliver to has a filter with it, an
// alarm on that filter's metric with actions enabled, and the alarm
// notifies a topic with a confirmed subscription. Otherwise the finding
// names how far the best log group got. A log group or topic the layer
// did not read leaves the account unjudged rather than failed.
func judgeAccountPattern(e *estate.Estate, trails []*estate.PostureTrail, entry filterpattern.Entry, what string) (audit.Finding, bool) {
	var groups []*estate.PostureLogGroup
	var silent []string
	unread := false
	for _, t := range trails {
		if t.LogGroup == nil {
			silent = append(silent, t.Name)
			continue
		}
		lg, ok := e.Posture.LogGroups[t.LogGroup.Key(t.LogGroup.Name)]
		if !ok {
			unread = true
			continue
		}
		if !slices.Contains(groups, lg) {
			groups = append(groups, lg)
		}
	}
	if len(groups) == 0 {
		if unread {
			return audit.Finding{}, false
		}
		t := trails[0]
		subject := "trail " + t.Name + " delivers"
		if len(silent) > 1 {
			subject = "trails " + audit.NameList(silent) + " deliver"
		}
		return audit.PlacedFinding(e, "trail", t.Name, estate.Where{Account: t.Account, Region: t.HomeRegion},
			fmt.Sprintf("%s to no CloudWatch Logs log group: no metric filter can watch for %s", subject, what)), true
	}

	var noFilter, noAlarm, quiet []audit.Finding
	for _, lg := range groups {
		var filters []*estate.PostureMetricFilter
		for _, f := range lg.Filters {
			if samePattern(f.Pattern, entry.Pattern) && f.MetricName != "" {
				filters = append(filters, f)
			}
		}
		if len(filters) == 0 {
			noFilter = append(noFilter, audit.PlacedFinding(e, "log-group", lg.Name, lg.Where,
				fmt.Sprintf("no metric filter on log group %s, where the account's trail delivers, uses the %s pattern: nothing watches for %s",
					lg.Name, entry.Name, what)))
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
				t, ok := e.Posture.Topics[arn]
				if !ok && strings.Contains(arn, ":sns:") {
					unread = true
				}
				if ok && t.Confirmed {
					return audit.Finding{}, false
				}
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
