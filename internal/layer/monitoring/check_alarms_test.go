package monitoring

import (
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"
)

// Names in the monitored foundation, as the spec's defaults make them.
const (
	secTopic     = "groundwork-security-notifications"
	rootRule     = "groundwork-root-sign-in"
	trailGroup   = "/groundwork/cloudtrail"
	homeTopicARN = "arn:aws:sns:eu-west-1:000000000000:" + secTopic
	eastTopicARN = "arn:aws:sns:us-east-1:000000000000:" + secTopic
)

var (
	monHome = estate.Where{Account: audittest.MgmtKey, Region: audittest.Home}
	monEast = estate.Where{Account: audittest.MgmtKey, Region: "us-east-1"}
)

// monitored is the recommended foundation with the monitoring layer of the
// defaults read: the security topic in the home Region and in us-east-1,
// each with a confirmed e-mail subscription, a metric filter and an alarm
// per library entry on the trail's log group, and the root sign-in rule
// in us-east-1. Every check passes on it.
func monitored() *estate.Estate {
	e := audittest.Foundation()
	e.HomeRegion, e.Regions = audittest.Home, []string{audittest.Home, audittest.Other}
	m := estate.NewMonitoring()
	for _, t := range []struct {
		w   estate.Where
		arn string
	}{{monHome, homeTopicARN}, {monEast, eastTopicARN}} {
		m.Topics[t.w.Key(secTopic)] = &estate.Topic{Where: t.w, Name: secTopic, ARN: t.arn,
			Subscriptions: []estate.Subscription{{Protocol: "email", Endpoint: "security@example.com", ARN: t.arn + ":1"}}}
		m.Expected.Topics = append(m.Expected.Topics, estate.Placement{Where: t.w, Name: secTopic})
	}
	for _, entry := range filterpattern.Library() {
		f := &estate.MetricFilter{Where: monHome, LogGroup: trailGroup, Name: entry.Name + "Filter", Pattern: entry.Pattern,
			Namespace: "LogMetrics", MetricName: entry.Name}
		m.MetricFilters[monHome.Key(estate.FilterKey(trailGroup, f.Name))] = f
		a := &estate.Alarm{Where: monHome, Name: entry.Name + "Alarm", Namespace: "LogMetrics", MetricName: entry.Name,
			Statistic: "Sum", Period: 300, Threshold: 1, Comparison: "GreaterThanOrEqualToThreshold", EvaluationPeriods: 1,
			ActionsEnabled: true, AlarmActions: []string{homeTopicARN}}
		m.Alarms[monHome.Key(a.Name)] = a
		m.Expected.Patterns = append(m.Expected.Patterns, entry.Name)
	}
	m.EventRules[monEast.Key(rootRule)] = &estate.EventRule{Where: monEast, Name: rootRule, State: "ENABLED",
		EventPattern: rootSignInEventPattern(), Targets: []string{eastTopicARN}}
	m.Expected.Rules = []estate.Placement{{Where: monEast, Name: rootRule}}
	m.Expected.LogGroup = estate.Placement{Where: monHome, Name: trailGroup}
	e.Monitoring = m
	return e
}

func homeTopic(e *estate.Estate) *estate.Topic { return e.Monitoring.Topics[monHome.Key(secTopic)] }
func eastTopic(e *estate.Estate) *estate.Topic { return e.Monitoring.Topics[monEast.Key(secTopic)] }
func monAlarm(e *estate.Estate, pattern string) *estate.Alarm {
	return e.Monitoring.Alarms[monHome.Key(pattern+"Alarm")]
}
func monFilterKey(pattern string) string {
	return monHome.Key(estate.FilterKey(trailGroup, pattern+"Filter"))
}

// pend makes every subscription of a topic wait for confirmation.
func pend(t *estate.Topic) {
	for i := range t.Subscriptions {
		t.Subscriptions[i].ARN, t.Subscriptions[i].Pending = estate.PendingConfirmation, true
	}
}

func TestMonitoredFoundationIsClean(t *testing.T) {
	audittest.Clean(t, "monitored foundation", monitored())
}

func TestMonitoringChecksRegistered(t *testing.T) {
	want := []string{"GW-MON-001", "GW-MON-002", "GW-MON-003", "GW-MON-004"}
	for _, pc := range patternChecks {
		want = append(want, pc.id)
	}
	audittest.Registered(t, "GW-MON-", want)
}

// TestPatternChecksCoverLibrary: every library entry has its check, in
// library order, so a pattern added to the library fails here until it
// gets one.
func TestPatternChecksCoverLibrary(t *testing.T) {
	var names []string
	for _, pc := range patternChecks {
		names = append(names, pc.name)
	}
	if !slices.Equal(names, filterpattern.Names()) {
		t.Errorf("pattern checks cover %q, library has %q", names, filterpattern.Names())
	}
}

func TestPatternCheckControls(t *testing.T) {
	tests := map[string]struct {
		cis, nist []string
		guidance  string
	}{
		"GW-MON-010": {[]string{"4.3"}, []string{"DE.CM-3"}, "000 Configure management account alerting; 003 Logging and Auditing"},
		"GW-MON-011": {nil, []string{"DE.CM-3"}, "001 Console sign-in; 003 Logging and Auditing"},
		// The library's CIS v1.2.0 label is not a v3.0.0 control.
		"GW-MON-012": {nil, []string{"DE.CM-3"}, "001 Access denied errors; 003 Logging and Auditing"},
		"GW-MON-013": {[]string{"4.1"}, []string{"DE.CM-7"}, "003 Logging and Auditing"},
		"GW-MON-021": {[]string{"4.10"}, []string{"DE.CM-1"}, "003 Logging and Auditing"},
		"GW-MON-026": {[]string{"4.15"}, []string{"DE.CM-7"}, "003 Logging and Auditing"},
	}
	seen := 0
	for _, c := range audit.Checks() {
		tt, ok := tests[c.ID]
		if !ok {
			continue
		}
		seen++
		if cis, nist := c.ControlsBy(audit.FrameworkCIS), c.ControlsBy(audit.FrameworkNIST); !slices.Equal(cis, tt.cis) ||
			!slices.Equal(nist, tt.nist) || c.Guidance != tt.guidance {
			t.Errorf("%s: CIS %q, NIST CSF %q, guidance %q; want %q, %q and %q", c.ID, cis, nist, c.Guidance, tt.cis, tt.nist, tt.guidance)
		}
	}
	if seen != len(tests) {
		t.Errorf("%d of the %d checks are registered", seen, len(tests))
	}
}

func TestMonitoringTopicChecks(t *testing.T) {
	const homeRes = "topic/" + secTopic + " (management eu-west-1)"
	const eastRes = "topic/" + secTopic + " (management us-east-1)"
	audittest.RunCases(t, monitored, map[string]audittest.Case{
		"001 passes": {Check: "GW-MON-001"},
		"001 topic missing": {
			Check: "GW-MON-001",
			Edit:  func(e *estate.Estate) { delete(e.Monitoring.Topics, monEast.Key(secTopic)) },
			Want:  []string{eastRes}, Msg: "does not exist",
		},
		"001 only expected topics count": {
			Check: "GW-MON-001",
			Edit: func(e *estate.Estate) {
				delete(e.Monitoring.Topics, monEast.Key(secTopic))
				e.Monitoring.Expected.Topics = e.Monitoring.Expected.Topics[:1]
			},
		},

		"002 passes": {Check: "GW-MON-002"},
		"002 one confirmed of two is enough": {
			Check: "GW-MON-002",
			Edit: func(e *estate.Estate) {
				t := homeTopic(e)
				t.Subscriptions = append(t.Subscriptions, estate.Subscription{Protocol: "email", Endpoint: "soc@example.com",
					ARN: estate.PendingConfirmation, Pending: true})
			},
		},
		"002 every subscription pending": {
			Check: "GW-MON-002",
			Edit:  func(e *estate.Estate) { pend(homeTopic(e)) },
			Want:  []string{homeRes}, Msg: "no confirmed subscription (1 pending: security@example.com)",
		},
		"002 no subscription": {
			Check: "GW-MON-002",
			Edit:  func(e *estate.Estate) { eastTopic(e).Subscriptions = nil },
			Want:  []string{eastRes}, Msg: "topic has no subscription",
		},
		"002 a missing topic is GW-MON-001's": {
			Check: "GW-MON-002",
			Edit:  func(e *estate.Estate) { delete(e.Monitoring.Topics, monHome.Key(secTopic)) },
		},
	})
}

func TestRootSignInRuleCheck(t *testing.T) {
	const res = "event-rule/" + rootRule + " (management us-east-1)"
	rule := func(e *estate.Estate) *estate.EventRule { return e.Monitoring.EventRules[monEast.Key(rootRule)] }
	audittest.RunCases(t, monitored, map[string]audittest.Case{
		"passes": {Check: "GW-MON-003"},
		"missing": {
			Check: "GW-MON-003",
			Edit:  func(e *estate.Estate) { delete(e.Monitoring.EventRules, monEast.Key(rootRule)) },
			Want:  []string{res}, Msg: "a root user sign-in to management notifies nobody",
		},
		"disabled": {
			Check: "GW-MON-003",
			Edit:  func(e *estate.Estate) { rule(e).State = "DISABLED" },
			Want:  []string{res}, Msg: "rule is disabled",
		},
		"its topic is unconfirmed": {
			Check: "GW-MON-003",
			Edit:  func(e *estate.Estate) { pend(eastTopic(e)) },
			Want:  []string{res}, Msg: "targets no topic with a confirmed subscription",
		},
		"it targets a topic that was not read": {
			Check: "GW-MON-003",
			Edit:  func(e *estate.Estate) { rule(e).Targets = []string{"arn:aws:sns:us-east-1:000000000000:elsewhere"} },
			Want:  []string{res},
		},
		"not asked for": {
			Check: "GW-MON-003",
			Edit: func(e *estate.Estate) {
				delete(e.Monitoring.EventRules, monEast.Key(rootRule))
				e.Monitoring.Expected.Rules = nil
			},
		},
	})
}

func TestPatternChecks(t *testing.T) {
	const (
		groupRes  = "log-group/" + trailGroup + " (management eu-west-1)"
		filterRes = "metric-filter/RootUserActivityFilter (management eu-west-1)"
		alarmRes  = "alarm/RootUserActivityAlarm (management eu-west-1)"
	)
	audittest.RunCases(t, monitored, map[string]audittest.Case{
		"passes": {Check: "GW-MON-010"},
		"no filter": {
			Check: "GW-MON-010",
			Edit:  func(e *estate.Estate) { delete(e.Monitoring.MetricFilters, monFilterKey("RootUserActivity")) },
			Want:  []string{groupRes}, Msg: "no metric filter on the trail's log group uses the RootUserActivity pattern: nothing watches for root user activity",
		},
		"a filter with another pattern does not count": {
			Check: "GW-MON-010",
			Edit: func(e *estate.Estate) {
				e.Monitoring.MetricFilters[monFilterKey("RootUserActivity")].Pattern = `{ $.userIdentity.type = "Root" }`
			},
			Want: []string{groupRes},
		},
		"a filter on another log group does not count": {
			Check: "GW-MON-010",
			Edit: func(e *estate.Estate) {
				e.Monitoring.MetricFilters[monFilterKey("RootUserActivity")].LogGroup = "/other"
			},
			Want: []string{groupRes},
		},
		"the exact pattern under another name counts": {
			Check: "GW-MON-010",
			Edit: func(e *estate.Estate) {
				f := e.Monitoring.MetricFilters[monFilterKey("RootUserActivity")]
				f.Name, f.MetricName = "CIS-4.3", "RootActivity"
				a := monAlarm(e, "RootUserActivity")
				a.Name, a.MetricName = "cis-4-3", "RootActivity"
			},
		},
		"no alarm": {
			Check: "GW-MON-010",
			Edit:  func(e *estate.Estate) { delete(e.Monitoring.Alarms, monHome.Key("RootUserActivityAlarm")) },
			Want:  []string{filterRes}, Msg: "no alarm watches the metric LogMetrics/RootUserActivity",
		},
		"an alarm on another metric does not count": {
			Check: "GW-MON-010",
			Edit:  func(e *estate.Estate) { monAlarm(e, "RootUserActivity").Namespace = "Other" },
			Want:  []string{filterRes},
		},
		"the alarm's topic is unconfirmed": {
			Check: "GW-MON-010",
			Edit:  func(e *estate.Estate) { pend(homeTopic(e)) },
			Want:  []string{alarmRes}, Msg: "notifies no topic with a confirmed subscription, so it counts as missing",
		},
		"the alarm notifies a topic that was not read": {
			Check: "GW-MON-010",
			Edit: func(e *estate.Estate) {
				monAlarm(e, "RootUserActivity").AlarmActions = []string{"arn:aws:sns:eu-west-1:000000000000:elsewhere"}
			},
			Want: []string{alarmRes},
		},
		"the alarm's actions are disabled": {
			Check: "GW-MON-010",
			Edit:  func(e *estate.Estate) { monAlarm(e, "RootUserActivity").ActionsEnabled = false },
			Want:  []string{alarmRes}, Msg: "has its actions disabled",
		},
		"not selected": {
			Check: "GW-MON-010",
			Edit: func(e *estate.Estate) {
				delete(e.Monitoring.MetricFilters, monFilterKey("RootUserActivity"))
				e.Monitoring.Expected.Patterns = slices.DeleteFunc(e.Monitoring.Expected.Patterns, func(n string) bool { return n == "RootUserActivity" })
			},
		},
		"other patterns are judged on their own": {
			Check: "GW-MON-021",
			Edit:  func(e *estate.Estate) { delete(e.Monitoring.MetricFilters, monFilterKey("RootUserActivity")) },
		},
		"a closing trail account is not judged": {
			Check: "GW-MON-016",
			Edit: func(e *estate.Estate) {
				e.Monitoring.Expected.LogGroup.Where = estate.Where{Account: audittest.SandboxKey, Region: audittest.Home}
				audittest.Account(e, "sandbox-ana").Status = "SUSPENDED"
			},
		},
	})
}

// TestPendingSubscriptionsFailEveryAlarm is the state right after apply on
// AWS, before anyone confirms: CIS counts every alarm as missing.
func TestPendingSubscriptionsFailEveryAlarm(t *testing.T) {
	e := monitored()
	pend(homeTopic(e))
	pend(eastTopic(e))
	var ids []string
	for _, f := range audit.Run(e).Findings {
		ids = append(ids, f.CheckID)
	}
	slices.Sort(ids)
	want := []string{"GW-MON-002", "GW-MON-002", "GW-MON-003"}
	for _, pc := range patternChecks {
		want = append(want, pc.id)
	}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("findings %q, want %q", ids, want)
	}
}

func TestUnreadMonitoringIsNotAFinding(t *testing.T) {
	for _, c := range audit.Checks() {
		if !strings.HasPrefix(c.ID, "GW-MON-") {
			continue
		}
		e := monitored()
		e.Monitoring = nil
		if fs := audittest.RunCheck(t, c.ID, e); len(fs) != 0 {
			t.Errorf("%s: findings without a monitoring layer: %+v", c.ID, fs)
		}
		// A layer read empty where nothing was expected is clean too.
		e.Monitoring = estate.NewMonitoring()
		if fs := audittest.RunCheck(t, c.ID, e); len(fs) != 0 {
			t.Errorf("%s: findings on a layer that expects nothing: %+v", c.ID, fs)
		}
	}
}

// TestFindingPlaces: monitoring findings name the account (by ID) and
// Region of the resource they are about.
func TestFindingPlaces(t *testing.T) {
	audittest.RunPlaces(t, map[string]audittest.PlaceCase{
		"security topic missing": {Clean: monitored, Check: "GW-MON-001",
			Edit: func(e *estate.Estate) { delete(e.Monitoring.Topics, monEast.Key(secTopic)) },
			Want: audittest.Place{Resource: "topic/" + secTopic + " (management us-east-1)", Account: "000000000000", Region: "us-east-1"}},
		"alarm missing": {Clean: monitored, Check: "GW-MON-010", Edit: func(e *estate.Estate) { clear(e.Monitoring.Alarms) },
			Want: audittest.Place{Resource: "metric-filter/RootUserActivityFilter (management " + audittest.Home + ")", Account: "000000000000", Region: audittest.Home}},
	})
}

// Two metric filters of one name, as a retried PutMetricFilter leaves on
// moto, are a plan note and a finding, not hidden behind the one in
// force.
func TestDuplicateMetricFilters(t *testing.T) {
	e := monitored()
	var key string
	for k := range e.Monitoring.MetricFilters {
		if key == "" || k < key {
			key = k
		}
	}
	if key == "" {
		t.Fatal("the monitored foundation has no filters")
	}
	audittest.Clean(t, "single filters", e)
	f := e.Monitoring.MetricFilters[key]
	f.Copies = 2
	var found []string
	for _, fd := range audit.Run(e).Findings {
		if fd.CheckID == "GW-MON-004" {
			found = append(found, fd.Message)
		}
	}
	if want := "2 metric filters are named " + f.Name + " on log group " + f.LogGroup; len(found) != 1 || found[0] != want {
		t.Errorf("GW-MON-004 findings %q, want [%q]", found, want)
	}
	desired := estate.New()
	desired.Monitoring = estate.NewMonitoring()
	_, notes := diffMetricFilters(desired, e)
	if len(notes) != 1 || !strings.Contains(notes[0], "duplicate: 2 metric filters are named "+f.Name) {
		t.Errorf("plan notes %q", notes)
	}
}
