package monitoring

import (
	"fmt"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"

	// The posture layer's checks judge the trails these checks read:
	// registered here, they show where one layer hands over to the other.
	_ "github.com/groundwork-aws/groundwork/internal/layer/posture"
	"github.com/groundwork-aws/groundwork/internal/layer/posture/posturetest"
)

// The pattern checks: judged without a monitoring section in the spec on
// what the layer's survey found watching the trails' log groups, and the
// one code path both situations share.

const (
	postureGroup    = "aws-cloudtrail-logs"
	postureTopicARN = "arn:aws:sns:eu-west-1:000000000000:alerts"
	postureGroupRes = "log-group/" + postureGroup + " (management eu-west-1)"
	orgTrailRes     = "trail/groundwork-org-trail (management eu-west-1)"
)

var postureAt = estate.Where{Account: audittest.MgmtKey, Region: audittest.Home}

// watch makes the posture layer's organization trail deliver to a log
// group which the monitoring layer's survey found watched, for every
// library entry, by a filter with its pattern and an alarm notifying a
// topic with a confirmed subscription: CIS section 4 is then met.
func watch(e *estate.Estate) {
	lg := estate.Placement{Where: postureAt, Name: postureGroup}
	for _, ts := range e.Posture.Trails {
		for _, t := range ts {
			if t.ARN == posturetest.OrgTrailARN {
				t.LogGroup = &lg
			}
		}
	}
	m := estate.NewMonitoring()
	m.LogGroups = map[string]estate.Placement{lg.Key(lg.Name): lg}
	for _, entry := range filterpattern.Library() {
		m.MetricFilters[lg.Key(estate.FilterKey(lg.Name, entry.Name))] = &estate.MetricFilter{Where: lg.Where, LogGroup: lg.Name,
			Name: entry.Name, Pattern: entry.Pattern, Namespace: "CISBenchmark", MetricName: entry.Name + "Count", Copies: 1}
		m.Alarms[lg.Key(entry.Name+"-alarm")] = &estate.Alarm{Where: lg.Where, Name: entry.Name + "-alarm", Namespace: "CISBenchmark",
			MetricName: entry.Name + "Count", ActionsEnabled: true, AlarmActions: []string{postureTopicARN}}
	}
	m.Topics[postureAt.Key("alerts")] = &estate.Topic{Where: postureAt, Name: "alerts", ARN: postureTopicARN,
		Subscriptions: []estate.Subscription{{Protocol: "email", Endpoint: "security@example.com", ARN: postureTopicARN + ":1"}}}
	// The survey found the root sign-in rule too.
	m.EventRules[monEast.Key("root")] = &estate.EventRule{Where: monEast, Name: "root", State: "ENABLED",
		EventPattern: rootSignInEventPattern(), Targets: []string{postureTopicARN}}
	e.Monitoring = m
}

// watched is the trailed foundation with its trail's log group watched.
func watched() *estate.Estate {
	e := posturetest.Trailed()
	watch(e)
	return e
}

// postureFilter returns the filter of the entry on the watched log group.
func postureFilter(e *estate.Estate, name string) *estate.MetricFilter {
	return e.Monitoring.MetricFilters[postureAt.Key(estate.FilterKey(postureGroup, name))]
}

func postureAlarm(e *estate.Estate, name string) *estate.Alarm {
	return e.Monitoring.Alarms[postureAt.Key(name+"-alarm")]
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

func TestWatchedPostureIsClean(t *testing.T) {
	audittest.Clean(t, "watched posture", watched())
}

func TestPatternChecksOnPosture(t *testing.T) {
	audittest.RunCases(t, watched, map[string]audittest.Case{
		"passes": {Check: "GW-MON-013"},
		"pattern spaced differently passes": {
			Check: "GW-MON-015",
			Edit: func(e *estate.Estate) {
				f := postureFilter(e, "IAMPolicyChanges")
				f.Pattern = strings.ReplaceAll(f.Pattern, " || ", "  ||\n")
			},
		},
		"no filter": {
			Check: "GW-MON-016",
			Edit:  func(e *estate.Estate) { clear(e.Monitoring.MetricFilters) },
			Want:  []string{postureGroupRes}, Msg: "uses the CloudTrailChanges pattern: nothing watches for CloudTrail configuration changes",
		},
		"filter with another pattern": {
			Check: "GW-MON-013",
			Edit: func(e *estate.Estate) {
				// AccessDenied's is v1.2.0's pattern, not the one v3.0.0 4.1 prescribes.
				ad, _ := filterpattern.Lookup("AccessDenied")
				postureFilter(e, "UnauthorizedAPICalls").Pattern = ad.Pattern
			},
			Want: []string{postureGroupRes}, Msg: "no metric filter on log group " + postureGroup,
		},
		"no alarm": {
			Check: "GW-MON-010",
			Edit:  func(e *estate.Estate) { postureAlarm(e, "RootUserActivity").MetricName = "Other" },
			Want:  []string{"metric-filter/RootUserActivity (management eu-west-1)"},
			Msg:   "no alarm watches the metric CISBenchmark/RootUserActivityCount",
		},
		"alarm actions disabled": {
			Check: "GW-MON-018",
			Edit:  func(e *estate.Estate) { postureAlarm(e, "DisableOrDeleteCMK").ActionsEnabled = false },
			Want:  []string{"alarm/DisableOrDeleteCMK-alarm (management eu-west-1)"},
			Msg:   "alarm has its actions disabled",
		},
		"topic without a confirmed subscription": {
			Check: "GW-MON-026",
			Edit:  func(e *estate.Estate) { e.Monitoring.Topics[postureAt.Key("alerts")].Subscriptions[0].Pending = true },
			Want:  []string{"alarm/OrganizationsChanges-alarm (management eu-west-1)"},
			Msg:   "alarm notifies no topic with a confirmed subscription",
		},
		"alarm notifying no topic": {
			Check: "GW-MON-021",
			Edit:  func(e *estate.Estate) { postureAlarm(e, "SecurityGroupChanges").AlarmActions = nil },
			Want:  []string{"alarm/SecurityGroupChanges-alarm (management eu-west-1)"},
			Msg:   "notifies no topic with a confirmed subscription",
		},
		"topic not read": {
			Check: "GW-MON-021",
			Edit:  func(e *estate.Estate) { delete(e.Monitoring.Topics, postureAt.Key("alerts")) },
		},
		"topic absent": {
			Check: "GW-MON-021",
			Edit: func(e *estate.Estate) {
				delete(e.Monitoring.Topics, postureAt.Key("alerts"))
				e.Monitoring.AbsentTopics = []string{postureTopicARN}
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
			Edit:  func(e *estate.Estate) { unwatch(e); posturetest.OrgTrail(e).Logging = new(false) },
		},
		"single-Region trail": {
			Check: "GW-MON-024",
			Edit: func(e *estate.Estate) {
				unwatch(e)
				for _, ts := range e.Posture.Trails {
					ts[0].MultiRegion = false
				}
			},
		},
		"each account's own trail judged": {
			Check: "GW-MON-024",
			Edit: func(e *estate.Estate) {
				posturetest.OwnTrail(audittest.ProdKey, "444444444444", nil)(e)
				posturetest.OwnTrail(audittest.DevKey, "555555555555", func(t *estate.PostureTrail) { t.Name = "dev-trail" })(e)
			},
			Want: []string{"trail/dev-trail (payments-dev eu-west-1)", "trail/local (payments-prod eu-west-1)"},
			Msg:  "trail dev-trail delivers to no CloudWatch Logs log group",
		},
		"trails of an account named together": {
			Check: "GW-MON-024",
			Edit: func(e *estate.Estate) {
				at := estate.PlaceKey(audittest.MgmtKey, audittest.Home)
				org := e.Posture.Trails[at]
				posturetest.OwnTrail(audittest.MgmtKey, "000000000000", nil)(e)
				e.Posture.Trails[at] = append(org, e.Posture.Trails[at]...)
				unwatch(e)
			},
			Want: []string{"trail/groundwork-org-trail (management eu-west-1)"},
			Msg:  "trails groundwork-org-trail and local deliver to no CloudWatch Logs log group",
		},
	}, audittest.NamesAccount, namesRegion)
}

// unwatch leaves the organization trail delivering to no log group.
func unwatch(e *estate.Estate) {
	for _, ts := range e.Posture.Trails {
		for _, t := range ts {
			t.LogGroup = nil
		}
	}
}

func namesRegion(t *testing.T, _ audittest.Case, f audit.Finding) {
	t.Helper()
	if f.Region == "" {
		t.Errorf("finding %+v names no Region", f)
	}
}

// TestEveryCISPatternJudgedOnPosture: a trail delivering to no log group
// fails each CIS pattern check once, for the one account owning the
// organization trail however many see it, and none of groundwork's own
// extras.
func TestEveryCISPatternJudgedOnPosture(t *testing.T) {
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
	posturetest.OrgTrail(e).Logging = new(false)
	for _, id := range cis {
		if fs := audittest.RunCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s: findings = %+v without a logging trail", id, fs)
		}
	}
	e.Posture = nil
	for _, id := range cis {
		if fs := audittest.RunCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s: findings = %+v without a posture layer", id, fs)
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

// TestSpecMonitoringOverridesPosture: with a monitoring layer the checks
// judge it alone, whatever the posture layer shows.
func TestSpecMonitoringOverridesPosture(t *testing.T) {
	cis, _ := cisPatternChecks(t)
	e := monitored()
	e.Posture = posturetest.Trailed().Posture // its trail delivers to no log group
	for _, id := range cis {
		if fs := audittest.RunCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s judged the posture layer beside the monitoring layer: %+v", id, fs)
		}
	}
	delete(e.Monitoring.Alarms, monHome.Key("RootUserActivityAlarm"))
	fs := audittest.RunCheck(t, "GW-MON-010", e)
	if len(fs) != 1 || !strings.HasPrefix(fs[0].Resource, "metric-filter/RootUserActivityFilter") {
		t.Errorf("GW-MON-010 = %+v, want the monitoring layer's missing alarm", fs)
	}
}

// specAndPosture is the monitored foundation as the audit's survey reads
// it: the trail delivers to the group the spec names, which the survey
// read too.
func specAndPosture() *estate.Estate {
	e := monitored()
	e.Posture = posturetest.Trailed().Posture
	lg := e.Monitoring.Expected.LogGroup
	for _, ts := range e.Posture.Trails {
		for _, t := range ts {
			t.LogGroup = &lg
		}
	}
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
				e := specAndPosture()
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
	e := specAndPosture()
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
	if r := audit.Run(monitored()); len(r.Unjudged) != 0 {
		t.Errorf("with a spec selecting every pattern: unjudged %v", r.Unjudged)
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
