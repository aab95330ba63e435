package monitoring_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/monitoring"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// monitoringKinds are the kinds of the monitoring layer, in the order
// their dependencies allow applying them.
var monitoringKinds = []string{monitoring.KindTopic, monitoring.KindMetricFilter, monitoring.KindAlarm, monitoring.KindEventRule}

const (
	monMgmtID = "111111111111"
	monTopic  = "groundwork-security-notifications"
	monHome   = "eu-west-1"
)

var (
	monHomeAt = estate.Where{Account: estate.ManagementKey, Region: monHome}
	monEastAt = estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
	// monAccounts maps the fake's account IDs back to estate account keys.
	monAccounts = map[string]string{monMgmtID: estate.ManagementKey}
)

// monitoringSpec is the logging layer's test spec in home Region
// eu-west-1 (so the root sign-in rule gets a topic of its own in
// us-east-1); the monitoring section is appended.
const monitoringSpec = `version: 1
organization: {id: primary, email_domain: example.com, home_region: eu-west-1, regions: [eu-west-1, us-east-1]}
units: {Security: {}}
accounts:
  log-archive: {unit: Security, role: log-archive}
  security-tooling: {unit: Security, role: security-tooling}
logging: {}
`

// monitoringEstates returns the desired estate of monitoringSpec with the
// monitoring section given, and an actual estate where the organization
// and accounts exist.
func monitoringEstates(t *testing.T, monitoring string) (desired, actual *estate.Estate) {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(monitoringSpec+monitoring))
	if err != nil {
		t.Fatal(err)
	}
	desired = f.Desired()
	actual = estate.New()
	actual.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: monMgmtID}
	actual.Units["Security"] = &estate.Unit{ID: "ou-1", Path: "Security"}
	actual.Accounts["aws-log-archive-primary@example.com"] = &estate.Account{ID: "222222222222", Email: "aws-log-archive-primary@example.com", Name: "log-archive-primary", Unit: "Security", Status: "ACTIVE"}
	actual.Accounts["aws-security-tooling-primary@example.com"] = &estate.Account{ID: "333333333333", Email: "aws-security-tooling-primary@example.com", Name: "security-tooling-primary", Unit: "Security", Status: "ACTIVE"}
	return desired, actual
}

// monitoringPlan returns the monitoring changes of a plan of desired
// against actual, checked to be a valid plan.
func monitoringPlan(t *testing.T, desired, actual *estate.Estate) (map[string]plan.Change, []string) {
	t.Helper()
	p := kinds.Plan(desired, actual)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	out := map[string]plan.Change{}
	for _, ch := range p.Changes {
		if slices.Contains(monitoringKinds, ch.Kind) {
			out[ch.Address] = ch
		}
	}
	return out, p.Notes
}

func TestPlanMonitoringFromScratch(t *testing.T) {
	desired, actual := monitoringEstates(t, "monitoring: {}\n")
	changes, _ := monitoringPlan(t, desired, actual)
	n := len(filterpattern.Library())
	// Two topics, a filter and an alarm per library entry, one rule.
	if want := 2 + 2*n + 1; len(changes) != want {
		t.Fatalf("%d monitoring changes, want %d", len(changes), want)
	}
	for addr, ch := range changes {
		if ch.Action != plan.Create {
			t.Errorf("%s: %s, want create", addr, ch.Action)
		}
		if ch.Group != "" {
			t.Errorf("%s shown under %q, want the root (management account)", addr, ch.Group)
		}
	}
	topicARN := "arn:aws:sns:eu-west-1:" + monMgmtID + ":" + monTopic
	topic := changes[monitoring.TopicAddress(monHomeAt, monTopic)]
	if topic.After["arn"] != topicARN || topic.After["subscribers"] != "aws-management-account-primary-security@example.com" ||
		strings.Contains(topic.After["policy"], "${") || !strings.Contains(topic.Reason, "confirmation e-mail") {
		t.Errorf("topic change %+v", topic)
	}
	filter := changes[monitoring.MetricFilterAddress(monHomeAt, logging.DefaultLogGroup, "RootUserActivityFilter")]
	entry, _ := filterpattern.Lookup("RootUserActivity")
	if filter.After["pattern"] != entry.Pattern || filter.After["namespace"] != "LogMetrics" || filter.After["metric_value"] != "1" {
		t.Errorf("filter change %+v", filter)
	}
	if !slices.Contains(filter.DependsOn, logging.LogGroupAddress(monHomeAt, logging.DefaultLogGroup)) {
		t.Errorf("filter does not wait for the trail's log group: %q", filter.DependsOn)
	}
	alarm := changes[monitoring.AlarmAddress(monHomeAt, "RootUserActivityAlarm")]
	if alarm.After["alarm_actions"] != topicARN || alarm.After["threshold"] != "1" || alarm.After["period"] != "300" ||
		alarm.After["comparison"] != "GreaterThanOrEqualToThreshold" || alarm.After["statistic"] != "Sum" {
		t.Errorf("alarm change %+v", alarm)
	}
	for _, dep := range []string{filter.Address, topic.Address} {
		if !slices.Contains(alarm.DependsOn, dep) {
			t.Errorf("alarm does not wait for %s: %q", dep, alarm.DependsOn)
		}
	}
	rule := changes[monitoring.EventRuleAddress(monEastAt, monitoring.RootLoginRuleName)]
	if rule.After["targets"] != "arn:aws:sns:us-east-1:"+monMgmtID+":"+monTopic ||
		!slices.Contains(rule.DependsOn, monitoring.TopicAddress(monEastAt, monTopic)) {
		t.Errorf("rule change %+v", rule)
	}
}

// TestPlanMonitoringOffline: without an organization, ARNs keep their
// references and every change is still a valid create.
func TestPlanMonitoringOffline(t *testing.T) {
	desired, _ := monitoringEstates(t, "monitoring: {}\n")
	changes, _ := monitoringPlan(t, desired, estate.New())
	topic := changes[monitoring.TopicAddress(monHomeAt, monTopic)]
	if !strings.Contains(topic.After["arn"], "${account-id:management}") {
		t.Errorf("offline topic ARN %q", topic.After["arn"])
	}
}

// applied applies every monitoring change of a plan in dependency order
// against the fake and returns what the inventory would read afterwards.
func applied(t *testing.T, cloud *fakeMonitoringCloud, desired, actual *estate.Estate) *estate.Monitoring {
	t.Helper()
	changes, _ := monitoringPlan(t, desired, actual)
	env := &kinds.Env{Log: t.Logf}
	kinds.SetClients[monitoring.Clients](env, cloud)
	env.SeedActual(actual)
	for _, kind := range monitoringKinds {
		for _, addr := range sortedMapKeys(changes) {
			if ch := changes[addr]; ch.Kind == kind {
				if err := kindstest.ApplyChange(t, env, ch); err != nil {
					t.Fatalf("%s: %v", addr, err)
				}
			}
		}
	}
	return cloud.monitoring(monAccounts, desired.Monitoring.Expected)
}

func TestApplyMonitoringConverges(t *testing.T) {
	desired, actual := monitoringEstates(t, "monitoring: {}\n")
	cloud := newFakeMonitoringCloud()
	actual.Monitoring = applied(t, cloud, desired, actual)
	n := len(filterpattern.Library())
	for op, want := range map[string]int{"CreateTopic": 2, "SetTopicAttributes": 2, "Subscribe": 2,
		"PutMetricFilter": n, "PutMetricAlarm": n, "PutRule": 1, "PutTargets": 1} {
		if got := cloud.count(op); got != want {
			t.Errorf("%s called %d times, want %d", op, got, want)
		}
	}
	// What apply made is what the spec asks for: the next plan is empty,
	// and notes the subscriptions nobody has confirmed yet.
	changes, notes := monitoringPlan(t, desired, actual)
	if len(changes) != 0 {
		t.Errorf("changes after apply: %v", sortedMapKeys(changes))
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "has not confirmed its subscription") {
		t.Errorf("notes: %q", notes)
	}
	cloud.confirmAll()
	actual.Monitoring = cloud.monitoring(monAccounts, desired.Monitoring.Expected)
	if changes, notes := monitoringPlan(t, desired, actual); len(changes) != 0 || len(notes) != 0 {
		t.Errorf("after confirmation: changes %v, notes %q", sortedMapKeys(changes), notes)
	}
}

// TestApplyMonitoringAgainIsHarmless: a change applied a second time
// (after a failure elsewhere, or a saved plan run twice) subscribes no
// address again and rewrites no metric filter.
func TestApplyMonitoringAgainIsHarmless(t *testing.T) {
	desired, actual := monitoringEstates(t, "monitoring: {alarms: [RootUserActivity]}\n")
	cloud := newFakeMonitoringCloud()
	changes, _ := monitoringPlan(t, desired, actual)
	env := &kinds.Env{Log: t.Logf}
	kinds.SetClients[monitoring.Clients](env, cloud)
	env.SeedActual(actual)
	for range 2 {
		for _, kind := range monitoringKinds {
			for _, addr := range sortedMapKeys(changes) {
				if ch := changes[addr]; ch.Kind == kind {
					if err := kindstest.ApplyChange(t, env, ch); err != nil {
						t.Fatalf("%s: %v", addr, err)
					}
				}
			}
		}
	}
	for op, want := range map[string]int{"Subscribe": 2, "PutMetricFilter": 1, "DescribeMetricFilters": 2} {
		if got := cloud.count(op); got != want {
			t.Errorf("%s called %d times, want %d", op, got, want)
		}
	}
}

func TestPlanMonitoringDrift(t *testing.T) {
	topicKey := monHomeAt.Key(monTopic)
	filterKey := monHomeAt.Key(estate.FilterKey(logging.DefaultLogGroup, "RootUserActivityFilter"))
	alarmKey := monHomeAt.Key("RootUserActivityAlarm")
	ruleKey := monEastAt.Key(monitoring.RootLoginRuleName)
	tests := map[string]struct {
		edit func(m *estate.Monitoring)
		// want maps the address of each change to its action; reason
		// and note are phrases the change's reason and the notes hold.
		want   map[string]plan.Action
		reason string
		note   string
	}{
		"nothing changed": {edit: func(*estate.Monitoring) {}},
		"topic policy replaced": {
			edit: func(m *estate.Monitoring) { m.Topics[topicKey].Policy = `{"Version":"2012-10-17","Statement":[]}` },
			want: map[string]plan.Action{monitoring.TopicAddress(monHomeAt, monTopic): plan.Update},
		},
		"topic deleted": {
			edit: func(m *estate.Monitoring) { delete(m.Topics, topicKey) },
			want: map[string]plan.Action{monitoring.TopicAddress(monHomeAt, monTopic): plan.Create},
		},
		"subscriber removed": {
			edit:   func(m *estate.Monitoring) { m.Topics[topicKey].Subscriptions = nil },
			want:   map[string]plan.Action{monitoring.TopicAddress(monHomeAt, monTopic): plan.Update},
			reason: "subscribes aws-management-account-primary-security@example.com",
		},
		"subscriber in other case is the same address": {
			edit: func(m *estate.Monitoring) {
				m.Topics[topicKey].Subscriptions[0].Endpoint = "AWS-Management-Account-Primary-Security@Example.com"
			},
		},
		"extra subscriber is left alone": {
			edit: func(m *estate.Monitoring) {
				t := m.Topics[topicKey]
				t.Subscriptions = append(t.Subscriptions, estate.Subscription{Protocol: "email", Endpoint: "ops@example.com", ARN: "arn:x"})
			},
		},
		"pending subscriber is noted, not subscribed again": {
			edit: func(m *estate.Monitoring) {
				m.Topics[topicKey].Subscriptions[0].Pending = true
				m.Topics[topicKey].Subscriptions[0].ARN = estate.PendingConfirmation
			},
			note: "aws-management-account-primary-security@example.com has not confirmed its subscription",
		},
		"filter pattern changed": {
			edit: func(m *estate.Monitoring) { m.MetricFilters[filterKey].Pattern = `{ $.userIdentity.type = "Root" }` },
			want: map[string]plan.Action{monitoring.MetricFilterAddress(monHomeAt, logging.DefaultLogGroup, "RootUserActivityFilter"): plan.Update},
		},
		"extra filter is left alone": {
			edit: func(m *estate.Monitoring) {
				m.MetricFilters[monHomeAt.Key(estate.FilterKey(logging.DefaultLogGroup, "Mine"))] = &estate.MetricFilter{Where: monHomeAt,
					LogGroup: logging.DefaultLogGroup, Name: "Mine", Pattern: "{ $.x = 1 }"}
			},
		},
		"alarm threshold raised": {
			edit: func(m *estate.Monitoring) { m.Alarms[alarmKey].Threshold = 5 },
			want: map[string]plan.Action{monitoring.AlarmAddress(monHomeAt, "RootUserActivityAlarm"): plan.Update},
		},
		"alarm actions disabled": {
			edit: func(m *estate.Monitoring) { m.Alarms[alarmKey].ActionsEnabled = false },
			want: map[string]plan.Action{monitoring.AlarmAddress(monHomeAt, "RootUserActivityAlarm"): plan.Update},
		},
		"alarm notifies another topic": {
			edit: func(m *estate.Monitoring) {
				m.Alarms[alarmKey].AlarmActions = []string{"arn:aws:sns:eu-west-1:111111111111:other"}
			},
			want: map[string]plan.Action{monitoring.AlarmAddress(monHomeAt, "RootUserActivityAlarm"): plan.Update},
		},
		"alarm deleted": {
			edit: func(m *estate.Monitoring) { delete(m.Alarms, alarmKey) },
			want: map[string]plan.Action{monitoring.AlarmAddress(monHomeAt, "RootUserActivityAlarm"): plan.Create},
		},
		"rule disabled": {
			edit: func(m *estate.Monitoring) { m.EventRules[ruleKey].State = "DISABLED" },
			want: map[string]plan.Action{monitoring.EventRuleAddress(monEastAt, monitoring.RootLoginRuleName): plan.Update},
		},
		"rule pattern changed": {
			edit: func(m *estate.Monitoring) { m.EventRules[ruleKey].EventPattern = `{"source":["aws.signin"]}` },
			want: map[string]plan.Action{monitoring.EventRuleAddress(monEastAt, monitoring.RootLoginRuleName): plan.Update},
		},
		"rule pattern reformatted is the same": {
			edit: func(m *estate.Monitoring) {
				m.EventRules[ruleKey].EventPattern = kinds.PrettyJSON(m.EventRules[ruleKey].EventPattern)
			},
		},
		"rule lost its target": {
			edit: func(m *estate.Monitoring) { m.EventRules[ruleKey].Targets = nil },
			want: map[string]plan.Action{monitoring.EventRuleAddress(monEastAt, monitoring.RootLoginRuleName): plan.Update},
		},
		"extra rule target is left alone": {
			edit: func(m *estate.Monitoring) {
				r := m.EventRules[ruleKey]
				r.Targets = append(r.Targets, "arn:aws:sqs:us-east-1:111111111111:audit")
			},
		},
	}
	desired, base := monitoringEstates(t, "monitoring: {}\n")
	cloud := newFakeMonitoringCloud()
	built := applied(t, cloud, desired, base)
	cloud.confirmAll()
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, actual := monitoringEstates(t, "")
			actual.Monitoring = cloud.monitoring(monAccounts, built.Expected)
			tt.edit(actual.Monitoring)
			changes, notes := monitoringPlan(t, desired, actual)
			got := map[string]plan.Action{}
			for addr, ch := range changes {
				got[addr] = ch.Action
				if tt.reason != "" && !strings.Contains(ch.Reason, tt.reason) {
					t.Errorf("%s: reason %q, want %q", addr, ch.Reason, tt.reason)
				}
				if ch.Action == plan.Update && len(ch.Before) == 0 {
					t.Errorf("%s: an update without Before", addr)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("changes %v, want %v", got, tt.want)
			}
			for addr, action := range tt.want {
				if got[addr] != action {
					t.Errorf("%s: %v, want %v (all: %v)", addr, got[addr], action, got)
				}
			}
			if tt.note != "" && (len(notes) != 1 || !strings.Contains(notes[0], tt.note)) {
				t.Errorf("notes %q, want one with %q", notes, tt.note)
			}
			if tt.note == "" && len(notes) != 0 {
				t.Errorf("unexpected notes %q", notes)
			}
		})
	}
}

// TestApplyMonitoringRepairs: applying the plan of a drifted layer puts
// it back, without touching what the spec does not name.
func TestApplyMonitoringRepairs(t *testing.T) {
	desired, actual := monitoringEstates(t, "monitoring: {}\n")
	cloud := newFakeMonitoringCloud()
	applied(t, cloud, desired, actual)
	cloud.mu.Lock()
	for _, r := range cloud.rules {
		r.in.State = "DISABLED"
	}
	for _, a := range cloud.alarms {
		a.Threshold = nil
	}
	cloud.mu.Unlock()
	actual.Monitoring = cloud.monitoring(monAccounts, desired.Monitoring.Expected)
	m := applied(t, cloud, desired, actual)
	for _, r := range m.EventRules {
		if r.State != "ENABLED" {
			t.Errorf("rule %s still %s", r.Name, r.State)
		}
	}
	for _, a := range m.Alarms {
		if a.Threshold != 1 {
			t.Errorf("alarm %s threshold %v", a.Name, a.Threshold)
		}
	}
}

func TestApplyMonitoringErrors(t *testing.T) {
	desired, actual := monitoringEstates(t, "monitoring: {}\n")
	changes, _ := monitoringPlan(t, desired, actual)
	rule := changes[monitoring.EventRuleAddress(monEastAt, monitoring.RootLoginRuleName)]
	topic := changes[monitoring.TopicAddress(monHomeAt, monTopic)]
	tests := map[string]struct {
		env     func() *kinds.Env
		change  plan.Change
		wantErr string
	}{
		"no monitoring clients": {
			env:     func() *kinds.Env { e := &kinds.Env{}; e.SeedActual(actual); return e },
			change:  topic,
			wantErr: "no monitoring clients",
		},
		"account unknown": {
			env: func() *kinds.Env {
				e := &kinds.Env{}
				kinds.SetClients[monitoring.Clients](e, newFakeMonitoringCloud())
				return e
			},
			change:  topic,
			wantErr: "account management does not exist yet",
		},
		"targets refused": {
			env: func() *kinds.Env {
				cloud := newFakeMonitoringCloud()
				cloud.failTargets = true
				e := &kinds.Env{}
				kinds.SetClients[monitoring.Clients](e, cloud)
				e.SeedActual(actual)
				return e
			},
			change:  rule,
			wantErr: "1 failed: " + monTopic + ": AccessDeniedException",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			k, _ := kinds.Lookup(tt.change.Kind)
			err := k.Apply(context.Background(), tt.env(), tt.change)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestTargetID(t *testing.T) {
	tests := map[string]string{
		"arn:aws:sns:us-east-1:111111111111:groundwork-security-notifications": "groundwork-security-notifications",
		"arn:aws:sns:us-east-1:111111111111:a.b_c":                             "a.b_c",
		"arn:aws:sqs:us-east-1:111111111111:" + strings.Repeat("x", 80):        strings.Repeat("x", 64),
		"arn:aws:lambda:us-east-1:111111111111:function/f+1":                   "f-1",
	}
	for arn, want := range tests {
		if got := monitoring.TargetID(arn); got != want {
			t.Errorf("TargetID(%q) = %q, want %q", arn, got, want)
		}
	}
}
