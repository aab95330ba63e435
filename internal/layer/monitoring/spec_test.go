package monitoring_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/monitoring"

	// Whole foundations: every section registered, as in the CLI.
	_ "github.com/groundwork-aws/groundwork/internal/layer/all"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

// monBase is a spec with the accounts and the logging layer monitoring
// needs; the monitoring section starts at line 8.
const monBase = `version: 1
organization: {id: primary, email_domain: example.com, home_region: eu-west-1, regions: [eu-west-1, us-east-1]}
units: {Security: {}}
accounts:
  log-archive: {unit: Security, role: log-archive}
  security-tooling: {unit: Security, role: security-tooling}
logging: {}
`

const monToolingKey = "aws-security-tooling-primary@example.com"

func TestMonitoringIsBuiltOnlyWhenWritten(t *testing.T) {
	if m := spectest.MustParse(t, monBase).Desired().Monitoring; m != nil {
		t.Errorf("a spec without a monitoring section builds %+v", m)
	}
	if m := spectest.MustParse(t, monBase+"monitoring: {disabled: true}\n").Desired().Monitoring; m != nil {
		t.Errorf("monitoring.disabled builds %+v", m)
	}
	// Disabled, it needs no logging layer either.
	spectest.MustParse(t, spectest.Minimal+"monitoring: {disabled: true}\n")
}

func TestMonitoringDefaults(t *testing.T) {
	f := spectest.MustParse(t, monBase+"monitoring: {}\n")
	if got := monitoring.SpecOf(f).SecurityTopic.Subscribers; !slices.Equal(got, []string{"aws-management-account-primary-security@example.com"}) {
		t.Errorf("default subscribers = %q; want the management account's security contact convention", got)
	}
	m := f.Desired().Monitoring
	if m == nil {
		t.Fatal("monitoring: {} builds nothing")
	}
	home := estate.Where{Account: estate.ManagementKey, Region: "eu-west-1"}
	east := estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
	library := filterpattern.Library()

	// The alarms' topic beside the trail's log group, and a copy in
	// us-east-1 for the root sign-in rule.
	wantTopics := []estate.Placement{{Where: home, Name: monitoring.DefaultSecurityTopic}, {Where: east, Name: monitoring.DefaultSecurityTopic}}
	if !slices.Equal(m.Expected.Topics, wantTopics) || len(m.Topics) != 2 {
		t.Fatalf("topics %+v, expected %+v", m.Topics, m.Expected.Topics)
	}
	topic := m.Topics[home.Key(monitoring.DefaultSecurityTopic)]
	if topic.ARN != "arn:aws:sns:eu-west-1:${account-id:management}:groundwork-security-notifications" {
		t.Errorf("topic ARN %q", topic.ARN)
	}
	if len(topic.Subscriptions) != 1 || topic.Subscriptions[0] != (estate.Subscription{Protocol: "email", Endpoint: "aws-management-account-primary-security@example.com"}) {
		t.Errorf("subscriptions %+v", topic.Subscriptions)
	}
	checkTopicPolicy(t, topic.Policy, topic.ARN)

	if m.Expected.LogGroup != (estate.Placement{Where: home, Name: logging.DefaultLogGroup}) {
		t.Errorf("log group %+v", m.Expected.LogGroup)
	}
	if len(m.MetricFilters) != len(library) || len(m.Alarms) != len(library) || !slices.Equal(m.Expected.Patterns, filterpattern.Names()) {
		t.Fatalf("%d filters, %d alarms, patterns %q; want one each per library entry", len(m.MetricFilters), len(m.Alarms), m.Expected.Patterns)
	}
	for _, e := range library {
		f := m.MetricFilters[home.Key(estate.FilterKey(logging.DefaultLogGroup, e.Name+"Filter"))]
		if f == nil {
			t.Errorf("no filter %sFilter", e.Name)
			continue
		}
		// Every deployed pattern is the library's, which the engine parses.
		if f.Pattern != e.Pattern || f.Namespace != "LogMetrics" || f.MetricName != e.Name {
			t.Errorf("filter %+v", f)
		}
		if _, err := filterpattern.Parse(f.Pattern); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		a := m.Alarms[home.Key(e.Name+"Alarm")]
		if a == nil {
			t.Errorf("no alarm %sAlarm", e.Name)
			continue
		}
		want := estate.Alarm{Where: home, Name: e.Name + "Alarm", Description: a.Description, Namespace: "LogMetrics",
			MetricName: e.Name, Statistic: "Sum", Period: 300, Threshold: 1, Comparison: "GreaterThanOrEqualToThreshold",
			EvaluationPeriods: 1, TreatMissingData: "notBreaching", ActionsEnabled: true, AlarmActions: []string{topic.ARN}}
		if !alarmEqual(*a, want) {
			t.Errorf("alarm %+v\nwant  %+v", *a, want)
		}
		if len(a.Description) > 1024 || !strings.Contains(a.Description, e.Guidance[0]) {
			t.Errorf("%s description %q", a.Name, a.Description)
		}
	}

	rule := m.EventRules[east.Key(monitoring.RootLoginRuleName)]
	if rule == nil || !slices.Equal(m.Expected.Rules, []estate.Placement{{Where: east, Name: monitoring.RootLoginRuleName}}) {
		t.Fatalf("rules %+v, expected %+v", m.EventRules, m.Expected.Rules)
	}
	eastTopic := m.Topics[east.Key(monitoring.DefaultSecurityTopic)]
	if rule.State != "ENABLED" || !slices.Equal(rule.Targets, []string{eastTopic.ARN}) {
		t.Errorf("rule %+v", rule)
	}
	var pattern struct {
		DetailType []string `json:"detail-type"`
		Detail     struct {
			UserIdentity struct{ Type []string } `json:"userIdentity"`
		} `json:"detail"`
	}
	if err := json.Unmarshal([]byte(rule.EventPattern), &pattern); err != nil ||
		!slices.Equal(pattern.DetailType, []string{"AWS Console Sign In via CloudTrail"}) || !slices.Equal(pattern.Detail.UserIdentity.Type, []string{"Root"}) {
		t.Errorf("event pattern %s (%v)", rule.EventPattern, err)
	}
}

func alarmEqual(a, b estate.Alarm) bool { return reflect.DeepEqual(a, b) }

// checkTopicPolicy: the owner administers the topic; CloudWatch,
// EventBridge and Budgets may publish only on behalf of its account.
func checkTopicPolicy(t *testing.T, policy, arn string) {
	t.Helper()
	var doc struct {
		Statement []struct {
			Sid, Effect string
			Principal   map[string]string
			Action      any
			Resource    string
			Condition   map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		t.Fatalf("policy: %v\n%s", err, policy)
	}
	services := map[string]bool{}
	for _, s := range doc.Statement {
		if s.Resource != arn || s.Effect != "Allow" {
			t.Errorf("statement %s: %+v", s.Sid, s)
		}
		if svc := s.Principal["Service"]; svc != "" {
			services[svc] = true
			if s.Action != "sns:Publish" || s.Condition["StringEquals"]["aws:SourceAccount"] != "${account-id:management}" {
				t.Errorf("statement %s lets %s do %v under %v", s.Sid, svc, s.Action, s.Condition)
			}
		} else if s.Principal["AWS"] != "arn:aws:iam::${account-id:management}:root" {
			t.Errorf("statement %s principal %v", s.Sid, s.Principal)
		}
	}
	for _, svc := range []string{"cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com"} {
		if !services[svc] {
			t.Errorf("policy lacks %s", svc)
		}
	}
}

func TestMonitoringSettings(t *testing.T) {
	f := spectest.MustParse(t, monBase+`monitoring:
  namespace: Org/Security
  security_topic:
    name: sec-alerts
    subscribers: [soc@example.com, aws-security@example.com]
  alarms: [RootUserActivity, CloudTrailChanges]
  root_login_rule: false
`)
	m := f.Desired().Monitoring
	home := estate.Where{Account: estate.ManagementKey, Region: "eu-west-1"}
	if len(m.Topics) != 1 || len(m.EventRules) != 0 || len(m.Expected.Rules) != 0 {
		t.Errorf("without the root sign-in rule, one topic and no rule: %+v %+v", m.Topics, m.EventRules)
	}
	topic := m.Topics[home.Key("sec-alerts")]
	if topic == nil || len(topic.Subscriptions) != 2 || topic.Subscriptions[0].Endpoint != "aws-security@example.com" {
		t.Fatalf("topic %+v", topic)
	}
	if !slices.Equal(m.Expected.Patterns, []string{"RootUserActivity", "CloudTrailChanges"}) || len(m.Alarms) != 2 {
		t.Errorf("patterns %q, %d alarms", m.Expected.Patterns, len(m.Alarms))
	}
	if a := m.Alarms[home.Key("CloudTrailChangesAlarm")]; a == nil || a.Namespace != "Org/Security" {
		t.Errorf("alarm %+v", a)
	}

	// No alarms at all is a choice; the topic and rule stay.
	m = spectest.MustParse(t, monBase+"monitoring: {alarms: []}\n").Desired().Monitoring
	if len(m.Alarms) != 0 || len(m.MetricFilters) != 0 || len(m.EventRules) != 1 {
		t.Errorf("alarms: [] builds %d alarms, %d filters, %d rules", len(m.Alarms), len(m.MetricFilters), len(m.EventRules))
	}
}

// TestMonitoringFollowsTheTrail: the layer lives where the trail's log
// group does; the root sign-in rule stays in the management account; a
// home Region of us-east-1 needs one topic.
func TestMonitoringFollowsTheTrail(t *testing.T) {
	src := strings.Replace(monBase, "home_region: eu-west-1, regions: [eu-west-1, us-east-1]", "home_region: us-east-1", 1)
	m := spectest.MustParse(t, src+"monitoring: {}\n").Desired().Monitoring
	if len(m.Topics) != 1 {
		t.Errorf("home Region us-east-1: %d topics, want 1", len(m.Topics))
	}

	src = strings.Replace(monBase, "logging: {}", `services:
  trusted_access: [cloudtrail.amazonaws.com]
  delegated_admins: {cloudtrail.amazonaws.com: security-tooling}
logging: {trail: {account: security-tooling}}`, 1)
	m = spectest.MustParse(t, src+"monitoring: {}\n").Desired().Monitoring
	tooling := estate.Where{Account: monToolingKey, Region: "eu-west-1"}
	if m.Expected.LogGroup.Where != tooling {
		t.Errorf("log group at %v, want the trail's account %v", m.Expected.LogGroup.Where, tooling)
	}
	for _, a := range m.Alarms {
		if a.Where != tooling || !strings.Contains(a.AlarmActions[0], ":${account-id:"+monToolingKey+"}:") {
			t.Errorf("alarm %s at %v notifies %q", a.Name, a.Where, a.AlarmActions)
		}
	}
	for _, r := range m.EventRules {
		if r.Where != (estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}) {
			t.Errorf("rule %s at %v", r.Name, r.Where)
		}
	}
}

func TestMonitoringDefaultSubscriberFollowsContacts(t *testing.T) {
	f := spectest.MustParse(t, monBase+"contacts: {phone: \"+1-555-0100\", security: {email: soc@example.com}}\nmonitoring: {}\n")
	if got := monitoring.SpecOf(f).SecurityTopic.Subscribers; !slices.Equal(got, []string{"soc@example.com"}) {
		t.Errorf("subscribers = %q, want the organization's security contact", got)
	}
}

func TestMonitoringValidation(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []spectest.Want
	}{
		"no logging section": {
			src:   spectest.Minimal + "monitoring: {}\n",
			wants: []spectest.Want{{"4:13", "monitoring", "needs the logging layer"}},
		},
		"logging disabled": {
			src:   strings.Replace(monBase, "logging: {}", "logging: {disabled: true}", 1) + "monitoring: {}\n",
			wants: []spectest.Want{{"8:13", "monitoring", "logging.disabled must not be true"}},
		},
		"trail not in CloudWatch Logs": {
			src:   strings.Replace(monBase, "logging: {}", "logging: {trail: {cloudwatch_logs: false}}", 1) + "monitoring: {}\n",
			wants: []spectest.Want{{"8:13", "monitoring", "logging.trail.cloudwatch_logs is false"}},
		},
		"bad names": {
			src: monBase + `monitoring:
  namespace: "AWS/Logs"
  security_topic: {name: "sec alerts"}
`,
			wants: []spectest.Want{
				{"9:14", "monitoring.namespace", "not a CloudWatch namespace"},
				{"10:26", "monitoring.security_topic.name", "not an SNS topic name"},
			},
		},
		"namespace with a colon": {
			src:   monBase + "monitoring: {namespace: \"a:b\"}\n",
			wants: []spectest.Want{{"8:25", "monitoring.namespace", "without ':'"}},
		},
		"subscribers": {
			src: monBase + `monitoring:
  security_topic:
    subscribers: [soc@example.com, not-an-address, SOC@example.com]
`,
			wants: []spectest.Want{
				{"10:36", "monitoring.security_topic.subscribers[1]", "not an e-mail address"},
				{"10:52", "monitoring.security_topic.subscribers[2]", "listed twice"},
			},
		},
		"no subscribers": {
			src:   monBase + "monitoring: {security_topic: {subscribers: []}}\n",
			wants: []spectest.Want{{"8:44", "monitoring.security_topic.subscribers", "at least one subscriber"}},
		},
		"default subscriber is not an address": {
			src: strings.Replace(monBase, "regions: [eu-west-1, us-east-1]}",
				"regions: [eu-west-1, us-east-1], management: {name: \"Main Account\", exempt_from_naming: true}}", 1) + "monitoring: {}\n",
			wants: []spectest.Want{{"8:1", "monitoring.security_topic.subscribers", `"Main Account-security@example.com" made from the management account name`}},
		},
		"alarms": {
			src: monBase + `monitoring:
  alarms: [RootUserActivity, rootuseractivity, CloudTrailChange, RootUserActivity, NoSuchThing]
`,
			wants: []spectest.Want{
				{"9:30", "monitoring.alarms[1]", `not in the filter-pattern library (groundwork filter list shows it) (did you mean "RootUserActivity"?)`},
				{"9:48", "monitoring.alarms[2]", `(did you mean "CloudTrailChanges"?)`},
				{"9:66", "monitoring.alarms[3]", "listed twice"},
				{"9:84", "monitoring.alarms[4]", `"NoSuchThing" is not in the filter-pattern library`},
			},
		},
		// The decoder takes a list only: leaving alarms out means every
		// library entry.
		"alarms as a word": {
			src:   monBase + "monitoring: {alarms: all}\n",
			wants: []spectest.Want{{"8:22", "monitoring.alarms", "expected a list, found a string"}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { spectest.CheckDiagnostics(t, tt.src, tt.wants) })
	}
}
