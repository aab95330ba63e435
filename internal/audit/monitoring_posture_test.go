package audit

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"
)

// The pattern checks judged on the posture layer, without a monitoring
// section in the spec.

const (
	postureGroup    = "aws-cloudtrail-logs"
	postureTopicARN = "arn:aws:sns:eu-west-1:000000000000:alerts"
	postureGroupRes = "log-group/" + postureGroup + " (management eu-west-1)"
	orgTrailRes     = "trail/groundwork-org-trail (management eu-west-1)"
)

// watch makes the posture layer's organization trail deliver to a log
// group watched, for every library entry, by a filter with its pattern
// and an alarm notifying a topic with a confirmed subscription: CIS
// section 4 is then met.
func watch(e *estate.Estate) {
	p := e.Posture
	lg := estate.Placement{Where: estate.Where{Account: mgmtKey, Region: home}, Name: postureGroup}
	for _, ts := range p.Trails {
		for _, t := range ts {
			if t.ARN == orgTrailARN {
				t.LogGroup = &lg
			}
		}
	}
	group := &estate.PostureLogGroup{Where: lg.Where, Name: lg.Name}
	for _, entry := range filterpattern.Library() {
		group.Filters = append(group.Filters, &estate.PostureMetricFilter{Name: entry.Name, Pattern: entry.Pattern,
			Namespace: "CISBenchmark", MetricName: entry.Name + "Count"})
		group.Alarms = append(group.Alarms, &estate.PostureAlarm{Name: entry.Name + "-alarm", Namespace: "CISBenchmark",
			MetricName: entry.Name + "Count", ActionsEnabled: true, AlarmActions: []string{postureTopicARN}})
	}
	p.LogGroups[lg.Key(lg.Name)] = group
	p.Topics[postureTopicARN] = &estate.PostureTopic{ARN: postureTopicARN, Confirmed: true}
}

// watched is the postured foundation with its trail's log group watched.
func watched() *estate.Estate {
	e := postured()
	watch(e)
	return e
}

func postureGroupOf(e *estate.Estate) *estate.PostureLogGroup {
	return e.Posture.LogGroups[estate.Where{Account: mgmtKey, Region: home}.Key(postureGroup)]
}

// postureFilter returns the filter of the entry on the watched log group.
func postureFilter(e *estate.Estate, name string) *estate.PostureMetricFilter {
	for _, f := range postureGroupOf(e).Filters {
		if f.Name == name {
			return f
		}
	}
	panic("no filter " + name)
}

func postureAlarm(e *estate.Estate, name string) *estate.PostureAlarm {
	for _, a := range postureGroupOf(e).Alarms {
		if a.Name == name+"-alarm" {
			return a
		}
	}
	panic("no alarm " + name)
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
	if r := Run(watched()); len(r.Findings) != 0 {
		t.Errorf("findings on the watched posture: %+v", r.Findings)
	}
}

func TestPatternChecksOnPosture(t *testing.T) {
	runCases(t, watched, map[string]checkCase{
		"passes": {check: "GW-MON-013"},
		"pattern spaced differently passes": {
			check: "GW-MON-015",
			edit: func(e *estate.Estate) {
				f := postureFilter(e, "IAMPolicyChanges")
				f.Pattern = strings.ReplaceAll(f.Pattern, " || ", "  ||\n")
			},
		},
		"no filter": {
			check: "GW-MON-016",
			edit: func(e *estate.Estate) {
				g := postureGroupOf(e)
				g.Filters = g.Filters[:0]
			},
			want: []string{postureGroupRes}, msg: "uses the CloudTrailChanges pattern: nothing watches for CloudTrail configuration changes",
		},
		"filter with another pattern": {
			check: "GW-MON-013",
			edit: func(e *estate.Estate) {
				// AccessDenied's is v1.2.0's pattern, not the one v3.0.0 4.1 prescribes.
				ad, _ := filterpattern.Lookup("AccessDenied")
				postureFilter(e, "UnauthorizedAPICalls").Pattern = ad.Pattern
			},
			want: []string{postureGroupRes}, msg: "no metric filter on log group " + postureGroup,
		},
		"no alarm": {
			check: "GW-MON-010",
			edit:  func(e *estate.Estate) { postureAlarm(e, "RootUserActivity").MetricName = "Other" },
			want:  []string{"metric-filter/RootUserActivity (management eu-west-1)"},
			msg:   "no alarm watches the metric CISBenchmark/RootUserActivityCount",
		},
		"alarm actions disabled": {
			check: "GW-MON-018",
			edit:  func(e *estate.Estate) { postureAlarm(e, "DisableOrDeleteCMK").ActionsEnabled = false },
			want:  []string{"alarm/DisableOrDeleteCMK-alarm (management eu-west-1)"},
			msg:   "alarm has its actions disabled",
		},
		"topic without a confirmed subscription": {
			check: "GW-MON-026",
			edit:  func(e *estate.Estate) { e.Posture.Topics[postureTopicARN].Confirmed = false },
			want:  []string{"alarm/OrganizationsChanges-alarm (management eu-west-1)"},
			msg:   "alarm notifies no topic with a confirmed subscription",
		},
		"alarm notifying no topic": {
			check: "GW-MON-021",
			edit:  func(e *estate.Estate) { postureAlarm(e, "SecurityGroupChanges").AlarmActions = nil },
			want:  []string{"alarm/SecurityGroupChanges-alarm (management eu-west-1)"},
			msg:   "notifies no topic with a confirmed subscription",
		},
		"topic not read": {
			check: "GW-MON-021",
			edit:  func(e *estate.Estate) { delete(e.Posture.Topics, postureTopicARN) },
		},
		"log group not read": {
			check: "GW-MON-021",
			edit:  func(e *estate.Estate) { clear(e.Posture.LogGroups) },
		},
		"trail delivers to no log group": {
			check: "GW-MON-024",
			edit:  unwatch,
			want:  []string{orgTrailRes},
			msg:   "trail groundwork-org-trail delivers to no CloudWatch Logs log group: no metric filter can watch for route table changes",
		},
		"trail not logging": {
			check: "GW-MON-024",
			edit:  func(e *estate.Estate) { unwatch(e); seenOrgTrail(e).Logging = ptr(false) },
		},
		"single-Region trail": {
			check: "GW-MON-024",
			edit: func(e *estate.Estate) {
				unwatch(e)
				for _, ts := range e.Posture.Trails {
					ts[0].MultiRegion = false
				}
			},
		},
		"each account's own trail judged": {
			check: "GW-MON-024",
			edit: func(e *estate.Estate) {
				ownTrail(prodKey, "444444444444", nil)(e)
				ownTrail(devKey, "555555555555", func(t *estate.PostureTrail) { t.Name = "dev-trail" })(e)
			},
			want: []string{"trail/dev-trail (payments-dev eu-west-1)", "trail/local (payments-prod eu-west-1)"},
			msg:  "trail dev-trail delivers to no CloudWatch Logs log group",
		},
		"trails of an account named together": {
			check: "GW-MON-024",
			edit: func(e *estate.Estate) {
				at := estate.PlaceKey(mgmtKey, home)
				org := e.Posture.Trails[at]
				ownTrail(mgmtKey, "000000000000", nil)(e)
				e.Posture.Trails[at] = append(org, e.Posture.Trails[at]...)
				unwatch(e)
			},
			want: []string{"trail/groundwork-org-trail (management eu-west-1)"},
			msg:  "trails groundwork-org-trail and local deliver to no CloudWatch Logs log group",
		},
	}, namesAccount, namesRegion)
}

// unwatch leaves the organization trail delivering to no log group.
func unwatch(e *estate.Estate) {
	for _, ts := range e.Posture.Trails {
		for _, t := range ts {
			t.LogGroup = nil
		}
	}
}

func namesRegion(t *testing.T, _ checkCase, f Finding) {
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
		if fs := runCheck(t, id, e); len(fs) != 1 || fs[0].Resource != orgTrailRes || fs[0].Account != "000000000000" || fs[0].Region != home {
			t.Errorf("%s: findings = %+v, want one on %s", id, fs, orgTrailRes)
		}
	}
	for _, id := range extra {
		if fs := runCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s judges a pattern CIS does not name without a spec: %+v", id, fs)
		}
	}
}

// TestNoPatternJudgementWithoutLoggingTrail: with no trail logging, the
// pattern checks leave the judgement to GW-TRL-001.
func TestNoPatternJudgementWithoutLoggingTrail(t *testing.T) {
	cis, _ := cisPatternChecks(t)
	e := watched()
	unwatch(e)
	seenOrgTrail(e).Logging = ptr(false)
	for _, id := range cis {
		if fs := runCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s: findings = %+v without a logging trail", id, fs)
		}
	}
	if fs := runCheck(t, "GW-TRL-001", e); len(fs) == 0 {
		t.Error("GW-TRL-001 does not report the trail that is not logging")
	}
	e.Posture = nil
	for _, id := range cis {
		if fs := runCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s: findings = %+v without a posture layer", id, fs)
		}
	}
}

// TestSpecMonitoringOverridesPosture: with a monitoring layer the checks
// judge it alone, whatever the posture layer shows.
func TestSpecMonitoringOverridesPosture(t *testing.T) {
	cis, _ := cisPatternChecks(t)
	e := monitored()
	e.Posture = postured().Posture // its trail delivers to no log group
	for _, id := range cis {
		if fs := runCheck(t, id, e); len(fs) != 0 {
			t.Errorf("%s judged the posture layer beside the monitoring layer: %+v", id, fs)
		}
	}
	delete(e.Monitoring.Alarms, monHome.Key("RootUserActivityAlarm"))
	fs := runCheck(t, "GW-MON-010", e)
	if len(fs) != 1 || !strings.HasPrefix(fs[0].Resource, "metric-filter/RootUserActivityFilter") {
		t.Errorf("GW-MON-010 = %+v, want the monitoring layer's missing alarm", fs)
	}
}
