package monitoring

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"
)

// The pattern checks: judged without a monitoring section in the spec on
// what the layer's survey found watching the trails' log groups, and the
// one code path both situations share.

const (
	seenGroup    = "aws-cloudtrail-logs"
	seenTopicARN = "arn:aws:sns:eu-west-1:000000000000:alerts"
	seenGroupRes = "log-group/" + seenGroup + " (management eu-west-1)"
	orgTrailRes  = "trail/groundwork-org-trail (management eu-west-1)"
)

var seenAt = estate.Where{Account: audittest.MgmtKey, Region: audittest.Home}

// orgTrailARN is the organization trail of trailed.
const orgTrailARN = "arn:aws:cloudtrail:eu-west-1:000000000000:trail/groundwork-org-trail"

// trailed is the recommended foundation with its organization trail as
// the logging layer's survey reads it: once, under the management account
// and its home Region, multi-Region, validated and encrypted, seen from
// every account and Region and known to be logging (its status read
// where it is homed and owned), with global service events. It delivers
// to no log group. Of the rest of the logging layer only the organization
// aggregator is read, in the security-tooling account: the logging
// layer's checks of what was not read say nothing.
func trailed() *estate.Estate {
	e := audittest.Foundation()
	e.HomeRegion, e.Regions = audittest.Home, []string{audittest.Home, audittest.Other}
	l := estate.NewLogging()
	org := &estate.Trail{Where: seenAt, Name: "groundwork-org-trail", ARN: orgTrailARN, HomeRegion: audittest.Home,
		MultiRegion: true, Organization: true, GlobalServiceEvents: true, LogFileValidation: true,
		KMSKey: "arn:aws:kms:eu-west-1:222222222222:key/k1", Logging: true, StatusRead: true}
	for _, key := range slices.Sorted(slices.Values(audittest.AccountKeys())) {
		for _, region := range e.Regions {
			w := estate.Where{Account: estate.AccountKey(key), Region: region}
			l.TrailsRead = append(l.TrailsRead, w)
			org.SeenIn = append(org.SeenIn, w)
		}
	}
	l.Trails[seenAt.Key(org.Name)] = org
	agg := estate.Where{Account: audittest.ToolingKey, Region: audittest.Home}
	l.Aggregators[agg.Key("organization")] = &estate.Aggregator{Where: agg, Name: "organization", Organization: true, AllRegions: true}
	e.Logging = l
	return e
}

// orgTrail is the organization trail of trailed.
func orgTrail(e *estate.Estate) *estate.Trail {
	return e.Logging.Trails[seenAt.Key("groundwork-org-trail")]
}

// ownTrail gives an account (key, AWS ID id) a multi-Region trail of its
// own that is logging, homed in the home Region; edit, when not nil,
// changes it first.
func ownTrail(key, id string, edit func(t *estate.Trail)) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		at := estate.Where{Account: estate.AccountKey(key), Region: audittest.Home}
		t := &estate.Trail{Where: at, Name: "local", ARN: "arn:aws:cloudtrail:eu-west-1:" + id + ":trail/local",
			HomeRegion: audittest.Home, MultiRegion: true, GlobalServiceEvents: true, LogFileValidation: true, KMSKey: "k",
			Logging: true, StatusRead: true,
			SeenIn: []estate.Where{at}}
		if edit != nil {
			edit(t)
		}
		e.Logging.Trails[at.Key(t.Name)] = t
	}
}

// logGroupARN is the ARN of a log group in the foundation, as a trail's
// CloudWatchLogsLogGroupArn names it.
func logGroupARN(e *estate.Estate, lg estate.Placement) string {
	return "arn:aws:logs:" + lg.Region + ":" + audit.WhereID(e, lg.Account) + ":log-group:" + lg.Name + ":*"
}

// watch makes the organization trail deliver to a log group which the
// monitoring layer's survey found watched, for every library entry, by a
// filter with its pattern and an alarm notifying a topic with a confirmed
// subscription: CIS section 4 is then met.
func watch(e *estate.Estate) {
	lg := estate.Placement{Where: seenAt, Name: seenGroup}
	orgTrail(e).LogGroupARN = logGroupARN(e, lg)
	m := estate.NewMonitoring()
	m.LogGroups = map[string]estate.Placement{lg.Key(lg.Name): lg}
	for _, entry := range filterpattern.Library() {
		m.MetricFilters[lg.Key(estate.FilterKey(lg.Name, entry.Name))] = &estate.MetricFilter{Where: lg.Where, LogGroup: lg.Name,
			Name: entry.Name, Pattern: entry.Pattern, Namespace: "CISBenchmark", MetricName: entry.Name + "Count", Copies: 1}
		m.Alarms[lg.Key(entry.Name+"-alarm")] = &estate.Alarm{Where: lg.Where, Name: entry.Name + "-alarm", Namespace: "CISBenchmark",
			MetricName: entry.Name + "Count", ActionsEnabled: true, AlarmActions: []string{seenTopicARN}}
	}
	m.Topics[seenAt.Key("alerts")] = &estate.Topic{Where: seenAt, Name: "alerts", ARN: seenTopicARN,
		Subscriptions: []estate.Subscription{{Protocol: "email", Endpoint: "security@example.com", ARN: seenTopicARN + ":1"}}}
	// The survey found the root sign-in rule too.
	m.EventRules[monEast.Key("root")] = &estate.EventRule{Where: monEast, Name: "root", State: "ENABLED",
		EventPattern: rootSignInEventPattern(), Targets: []string{seenTopicARN}}
	e.Monitoring = m
}

// watched is the trailed foundation with its trail's log group watched.
func watched() *estate.Estate {
	e := trailed()
	watch(e)
	return e
}

// seenFilter returns the filter of the entry on the watched log group.
func seenFilter(e *estate.Estate, name string) *estate.MetricFilter {
	return e.Monitoring.MetricFilters[seenAt.Key(estate.FilterKey(seenGroup, name))]
}

func seenAlarm(e *estate.Estate, name string) *estate.Alarm {
	return e.Monitoring.Alarms[seenAt.Key(name+"-alarm")]
}

// cisPatternChecks are the IDs of the pattern checks of entries CIS names.
func cisPatternChecks(t *testing.T) (cis, extra []string) {
	t.Helper()
	for _, pc := range patternChecks {
		entry, _ := filterpattern.Lookup(pc.name)
		if cisPattern(entry) {
			cis = append(cis, pc.id)
		} else {
			extra = append(extra, pc.id)
		}
	}
	if len(cis) != 15 {
		t.Fatalf("%d pattern checks of CIS entries, want the 15 of v3.0.0 4.1 to 4.15", len(cis))
	}
	return cis, extra
}

func TestWatchedTrailIsClean(t *testing.T) {
	audittest.Clean(t, "watched trail", watched())
}

func TestPatternChecksOnTrails(t *testing.T) {
	audittest.RunCases(t, watched, map[string]audittest.Case{
		"passes": {Check: "GW-MON-013"},
		"pattern spaced differently passes": {
			Check: "GW-MON-015",
			Edit: func(e *estate.Estate) {
				f := seenFilter(e, "IAMPolicyChanges")
				f.Pattern = strings.ReplaceAll(f.Pattern, " || ", "  ||\n")
			},
		},
		"no filter": {
			Check: "GW-MON-016",
			Edit:  func(e *estate.Estate) { clear(e.Monitoring.MetricFilters) },
			Want:  []string{seenGroupRes}, Msg: "uses the CloudTrailChanges pattern: nothing watches for CloudTrail configuration changes",
		},
		"filter with another pattern": {
			Check: "GW-MON-013",
			Edit: func(e *estate.Estate) {
				// AccessDenied's is v1.2.0's pattern, not the one v3.0.0 4.1 prescribes.
				ad, _ := filterpattern.Lookup("AccessDenied")
				seenFilter(e, "UnauthorizedAPICalls").Pattern = ad.Pattern
			},
			Want: []string{seenGroupRes}, Msg: "no metric filter on log group " + seenGroup,
		},
		"no alarm": {
			Check: "GW-MON-010",
			Edit:  func(e *estate.Estate) { seenAlarm(e, "RootUserActivity").MetricName = "Other" },
			Want:  []string{"metric-filter/RootUserActivity (management eu-west-1)"},
			Msg:   "no alarm watches the metric CISBenchmark/RootUserActivityCount",
		},
		"alarm actions disabled": {
			Check: "GW-MON-018",
			Edit:  func(e *estate.Estate) { seenAlarm(e, "DisableOrDeleteCMK").ActionsEnabled = false },
			Want:  []string{"alarm/DisableOrDeleteCMK-alarm (management eu-west-1)"},
			Msg:   "alarm has its actions disabled",
		},
		"topic without a confirmed subscription": {
			Check: "GW-MON-026",
			Edit:  func(e *estate.Estate) { e.Monitoring.Topics[seenAt.Key("alerts")].Subscriptions[0].Pending = true },
			Want:  []string{"alarm/OrganizationsChanges-alarm (management eu-west-1)"},
			Msg:   "alarm notifies no topic with a confirmed subscription",
		},
		"alarm notifying no topic": {
			Check: "GW-MON-021",
			Edit:  func(e *estate.Estate) { seenAlarm(e, "SecurityGroupChanges").AlarmActions = nil },
			Want:  []string{"alarm/SecurityGroupChanges-alarm (management eu-west-1)"},
			Msg:   "notifies no topic with a confirmed subscription",
		},
		"topic not read": {
			Check: "GW-MON-021",
			Edit:  func(e *estate.Estate) { delete(e.Monitoring.Topics, seenAt.Key("alerts")) },
		},
		"topic absent": {
			Check: "GW-MON-021",
			Edit: func(e *estate.Estate) {
				delete(e.Monitoring.Topics, seenAt.Key("alerts"))
				e.Monitoring.AbsentTopics = []string{seenTopicARN}
			},
			Want: []string{"alarm/SecurityGroupChanges-alarm (management eu-west-1)"},
			Msg:  "notifies no topic with a confirmed subscription",
		},
		"log group not read": {
			Check: "GW-MON-021",
			Edit:  func(e *estate.Estate) { clear(e.Monitoring.LogGroups) },
		},
		"trail delivers to no log group": {
			Check: "GW-MON-024",
			Edit:  unwatch,
			Want:  []string{orgTrailRes},
			Msg:   "trail groundwork-org-trail delivers to no CloudWatch Logs log group: no metric filter can watch for route table changes",
		},
		"trail not logging": {
			Check: "GW-MON-024",
			Edit:  func(e *estate.Estate) { unwatch(e); orgTrail(e).Logging = false },
		},
		"single-Region trail": {
			Check: "GW-MON-024",
			Edit: func(e *estate.Estate) {
				unwatch(e)
				for _, t := range e.Logging.Trails {
					t.MultiRegion = false
				}
			},
		},
		"each account's own trail judged": {
			Check: "GW-MON-024",
			Edit: func(e *estate.Estate) {
				ownTrail(audittest.ProdKey, "444444444444", nil)(e)
				ownTrail(audittest.DevKey, "555555555555", func(t *estate.Trail) { t.Name = "dev-trail" })(e)
			},
			Want: []string{"trail/dev-trail (payments-dev eu-west-1)", "trail/local (payments-prod eu-west-1)"},
			Msg:  "trail dev-trail delivers to no CloudWatch Logs log group",
		},
		"trails of an account named together": {
			Check: "GW-MON-024",
			Edit: func(e *estate.Estate) {
				ownTrail(audittest.MgmtKey, "000000000000", nil)(e)
				unwatch(e)
			},
			Want: []string{"trail/groundwork-org-trail (management eu-west-1)"},
			Msg:  "trails groundwork-org-trail and local deliver to no CloudWatch Logs log group",
		},
	}, audittest.NamesAccount, namesRegion)
}

// unwatch leaves the organization trail delivering to no log group.
func unwatch(e *estate.Estate) {
	for _, t := range e.Logging.Trails {
		t.LogGroupARN = ""
	}
}

func namesRegion(t *testing.T, _ audittest.Case, f audit.Finding) {
	t.Helper()
	if f.Region == "" {
		t.Errorf("finding %+v names no Region", f)
	}
}

// TestEveryCISPatternJudgedOnTrails: a trail delivering to no log group
// fails each CIS pattern check once, for the one account owning the
// organization trail however many see it, and none of groundwork's own
// extras.
func TestEveryCISPatternJudgedOnTrails(t *testing.T) {
	cis, extra := cisPatternChecks(t)
	e := watched()
	unwatch(e)
	for _, id := range cis {
		if fs := audittest.RunCheck(t, id, e); len(fs) != 1 || fs[0].Resource != orgTrailRes || fs[0].Account != "000000000000" || fs[0].Region != audittest.Home {
			t.Errorf("%s: findings = %+v, want one on %s", id, fs, orgTrailRes)
		}
	}
	for _, id := range extra {
		if fs := audittest.RunCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s judges a pattern CIS does not name without a spec: %+v", id, fs)
		}
	}
}

// TestNoPatternJudgementWithoutLoggingTrail: with no trail logging, the
// pattern checks leave the judgement to GW-TRL-001 (the logging layer's,
// tested there).
func TestNoPatternJudgementWithoutLoggingTrail(t *testing.T) {
	cis, _ := cisPatternChecks(t)
	e := watched()
	unwatch(e)
	orgTrail(e).Logging = false
	for _, id := range cis {
		if fs := audittest.RunCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s: findings = %+v without a logging trail", id, fs)
		}
	}
	e.Logging = nil
	for _, id := range cis {
		if fs := audittest.RunCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s: findings = %+v without a logging layer", id, fs)
		}
	}
	e = watched()
	unwatch(e)
	e.Monitoring = nil
	for _, id := range cis {
		if fs := audittest.RunCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s: findings = %+v without a monitoring layer read", id, fs)
		}
	}
}

// TestSpecMonitoringOverridesTrails: with a monitoring layer the checks
// judge it alone, whatever the trails the logging layer's survey found.
func TestSpecMonitoringOverridesTrails(t *testing.T) {
	cis, _ := cisPatternChecks(t)
	e := monitored()
	e.Logging = trailed().Logging // its trail delivers to no log group
	for _, id := range cis {
		if fs := audittest.RunCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s judged the surveyed trails beside the monitoring section: %+v", id, fs)
		}
	}
	delete(e.Monitoring.Alarms, monHome.Key("RootUserActivityAlarm"))
	fs := audittest.RunCheck(t, "GW-MON-010", e)
	if len(fs) != 1 || !strings.HasPrefix(fs[0].Resource, "metric-filter/RootUserActivityFilter") {
		t.Errorf("GW-MON-010 = %+v, want the monitoring layer's missing alarm", fs)
	}
}

// specAndTrail is the monitored foundation as the audit's survey reads
// it: the trail delivers to the group the spec names, which the survey
// read too.
func specAndTrail() *estate.Estate {
	e := monitored()
	e.Logging = trailed().Logging
	lg := e.Monitoring.Expected.LogGroup
	orgTrail(e).LogGroupARN = logGroupARN(e, lg)
	e.Monitoring.LogGroups = map[string]estate.Placement{lg.Key(lg.Name): lg}
	return e
}

// TestOnePatternPath: a flaw of the watched log group gives the same
// finding, on the same resource, whether the spec has a monitoring
// section (which names the group) or not (the group the trail delivers
// to); only how the missing filter's finding names the group differs.
func TestOnePatternPath(t *testing.T) {
	tests := map[string]struct {
		edit     func(m *estate.Monitoring)
		resource string
		msg      map[bool]string // by whether the spec has a monitoring section
	}{
		"no filter": {
			edit:     func(m *estate.Monitoring) { delete(m.MetricFilters, monFilterKey("RootUserActivity")) },
			resource: "log-group/" + trailGroup + " (management eu-west-1)",
			msg: map[bool]string{
				true: "no metric filter on the trail's log group uses the RootUserActivity pattern: nothing watches for root user activity",
				false: "no metric filter on log group " + trailGroup + ", where the account's trail delivers, uses the RootUserActivity " +
					"pattern: nothing watches for root user activity",
			},
		},
		"no alarm": {
			edit:     func(m *estate.Monitoring) { delete(m.Alarms, monHome.Key("RootUserActivityAlarm")) },
			resource: "metric-filter/RootUserActivityFilter (management eu-west-1)",
			msg:      map[bool]string{true: "no alarm watches the metric LogMetrics/RootUserActivity: nobody hears of root user activity"},
		},
		"alarm actions disabled": {
			edit:     func(m *estate.Monitoring) { m.Alarms[monHome.Key("RootUserActivityAlarm")].ActionsEnabled = false },
			resource: "alarm/RootUserActivityAlarm (management eu-west-1)",
			msg:      map[bool]string{true: "alarm has its actions disabled, so it counts as missing: nobody hears of root user activity"},
		},
	}
	for name, tt := range tests {
		if tt.msg[false] == "" {
			tt.msg[false] = tt.msg[true]
		}
		for _, withSpec := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/monitoring section %v", name, withSpec), func(t *testing.T) {
				e := specAndTrail()
				tt.edit(e.Monitoring)
				if !withSpec {
					e.Monitoring.Expected = estate.MonitoringExpected{}
				}
				fs := audittest.RunCheck(t, "GW-MON-010", e)
				if len(fs) != 1 || fs[0].Resource != tt.resource || fs[0].Message != tt.msg[withSpec] ||
					fs[0].Account != "000000000000" || fs[0].Region != audittest.Home {
					t.Errorf("findings = %+v\nwant one on %s: %q", fs, tt.resource, tt.msg[withSpec])
				}
			})
		}
	}
	e := specAndTrail()
	if r := audit.Run(e); len(r.Findings) != 0 {
		t.Errorf("findings with the spec: %+v", r.Findings)
	}
	e.Monitoring.Expected = estate.MonitoringExpected{}
	if r := audit.Run(e); len(r.Findings) != 0 {
		t.Errorf("findings without the spec: %+v", r.Findings)
	}
}

// TestExtraPatternsNeedTheSpec: groundwork's own patterns have no
// yardstick without a spec that selects them: not evaluated, with the
// reason, never passed; the CIS ones are judged.
func TestExtraPatternsNeedTheSpec(t *testing.T) {
	cis, extra := cisPatternChecks(t)
	e := watched()
	r := audit.Run(e)
	for _, id := range extra {
		if r.Status(id) != audit.StatusNotEvaluated || !strings.Contains(r.Unjudged[id], "monitoring.alarms") {
			t.Errorf("%s without a spec: %s, unjudged %q", id, r.Status(id), r.Unjudged[id])
		}
	}
	for _, id := range cis {
		if r.Status(id) != audit.StatusPassed {
			t.Errorf("%s on a watched trail: %s", id, r.Status(id))
		}
	}
	// Only the monitoring checks are asked: another layer's check may
	// need a spec of its own section.
	r = audit.Run(monitored())
	for _, id := range append(extra, cis...) {
		if u, ok := r.Unjudged[id]; ok {
			t.Errorf("with a spec selecting every pattern: %s unjudged: %s", id, u)
		}
	}
}

// TestPatternSpacingWithSpec: with a monitoring section too, a filter
// pattern counts as CloudWatch Logs reads it, whatever the spacing.
func TestPatternSpacingWithSpec(t *testing.T) {
	e := monitored()
	f := e.Monitoring.MetricFilters[monFilterKey("IAMPolicyChanges")]
	f.Pattern = strings.ReplaceAll(f.Pattern, " || ", "  ||\n")
	if fs := audittest.RunCheck(t, "GW-MON-015", e); len(fs) != 0 {
		t.Errorf("findings = %+v", fs)
	}
}
