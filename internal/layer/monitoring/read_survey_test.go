package monitoring

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

const mgmtEmail = "aws-management@example.com"

// surveyOrg is an organization whose management account homes, as the
// logging layer's survey read them, a multi-Region trail that is logging
// and delivers to monGroup, a single-Region trail that delivers to
// another group, and a multi-Region trail whose status was not read
// delivering to a third.
func surveyOrg() *estate.Estate {
	e := monOrg()
	e.Accounts[mgmtEmail] = &estate.Account{ID: "111111111111", Name: "management", Email: mgmtEmail, Status: "ACTIVE"}
	at := estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
	group := func(name string) string { return "arn:aws:logs:us-east-1:111111111111:log-group:" + name + ":*" }
	e.Logging = estate.NewLogging()
	for _, t := range []*estate.Trail{
		{Where: at, Name: "org", ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org", HomeRegion: "us-east-1",
			MultiRegion: true, Logging: true, StatusRead: true, LogGroupARN: group(monGroup)},
		{Where: at, Name: "local", ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/local", HomeRegion: "us-east-1",
			Logging: true, StatusRead: true, LogGroupARN: group("elsewhere")},
		{Where: at, Name: "unread", ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/unread", HomeRegion: "us-east-1",
			MultiRegion: true, LogGroupARN: group("unknown")},
	} {
		e.Logging.Trails[at.Key(t.Name)] = t
	}
	return e
}

var surveyScope = estate.Scope{Accounts: []string{mgmtEmail}, Regions: []string{"us-east-1"}, HomeRegion: "eu-west-1"}

// surveyFake has, on monGroup, the CIS 4.3 filter and an alarm on its
// metric notifying the security topic (pending) and a topic that does not
// exist; an alarm on another metric; a root sign-in rule and another rule.
func surveyFake() *fakeMonitoringReads {
	root, _ := json.Marshal(map[string]any{"detail-type": []string{"AWS Console Sign In via CloudTrail"},
		"detail": map[string]any{"userIdentity": map[string]any{"type": []string{"Root"}}}})
	return &fakeMonitoringReads{
		subs: []snstypes.Subscription{{Protocol: aws.String("email"), Endpoint: aws.String("soc@example.com"),
			SubscriptionArn: aws.String(estate.PendingConfirmation)}},
		filters: []logstypes.MetricFilter{filter("root-usage", "{ $.userIdentity.type = \"Root\" }", "RootUsage")},
		alarms: map[string]cwtypes.MetricAlarm{
			"root-usage": {AlarmName: aws.String("root-usage"), Namespace: aws.String("LogMetrics"), MetricName: aws.String("RootUsage"),
				ActionsEnabled: aws.Bool(true), AlarmActions: []string{monTopicARN, "arn:aws:sns:us-east-1:111111111111:gone"}},
			"cpu": {AlarmName: aws.String("cpu"), Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization")},
		},
		listed: []ebtypes.Rule{
			{Name: aws.String("deploys"), EventPattern: aws.String(`{"source":["aws.codedeploy"]}`), State: ebtypes.RuleStateEnabled},
			{Name: aws.String(monRule), EventPattern: aws.String(string(root)), State: ebtypes.RuleStateEnabled},
		},
		rule:    &eventbridge.DescribeRuleOutput{Name: aws.String(monRule), EventPattern: aws.String(string(root)), State: ebtypes.RuleStateEnabled},
		targets: []ebtypes.Target{{Id: aws.String("t"), Arn: aws.String(monTopicARN)}},
	}
}

// Without a spec the survey reads what watches the logging trails' log
// groups, the root sign-in rules of the management account and the
// topics both notify, all in the layer's terms (the management account
// as estate.ManagementKey).
func TestSurveyMonitoringWithoutSpec(t *testing.T) {
	f := surveyFake()
	e := surveyOrg()
	if err := surveyWith(context.Background(), f, e, surveyScope, nil, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	m := e.Monitoring
	lg := estate.Placement{Where: monAt, Name: monGroup}
	if len(m.LogGroups) != 1 || m.LogGroups[lg.Key(lg.Name)] != lg {
		t.Errorf("log groups %v, want only %v (neither the single-Region trail's nor that of a trail not known to log is watched for CIS)",
			m.LogGroups, lg)
	}
	if f := m.MetricFilters[monAt.Key(estate.FilterKey(monGroup, "root-usage"))]; f == nil || f.MetricName != "RootUsage" {
		t.Errorf("filters %v", m.MetricFilters)
	}
	if len(m.Alarms) != 1 || m.Alarms[monAt.Key("root-usage")] == nil {
		t.Errorf("alarms %v, want only the one on the filter's metric", m.Alarms)
	}
	if r := m.EventRules[monAt.Key(monRule)]; len(m.EventRules) != 1 || r == nil || !slices.Equal(r.Targets, []string{monTopicARN}) {
		t.Errorf("rules %v, want only the root sign-in rule with its target", m.EventRules)
	}
	if tp := m.Topics[monAt.Key(monTopic)]; len(m.Topics) != 1 || tp == nil || tp.Confirmed() {
		t.Errorf("topics %v, want the security topic, pending", m.Topics)
	}
	if !slices.Equal(m.AbsentTopics, []string{"arn:aws:sns:us-east-1:111111111111:gone"}) {
		t.Errorf("absent topics %v", m.AbsentTopics)
	}
	// The rules are listed in us-east-1 and the home Region; the topic is
	// read once though both the alarm and the rule notify it.
	var listed []string
	for _, w := range f.where["ListRules"] {
		listed = append(listed, w.Region)
	}
	listed = slices.Compact(slices.Sorted(slices.Values(listed)))
	if !slices.Equal(listed, []string{"eu-west-1", "us-east-1"}) || f.calls["GetTopicAttributes"] != 2 {
		t.Errorf("ListRules in %v, GetTopicAttributes %d times", listed, f.calls["GetTopicAttributes"])
	}
}

// With a spec the survey adds what it found to what the spec names, and
// reads the spec's log group once.
func TestSurveyMonitoringWithSpec(t *testing.T) {
	f := surveyFake()
	e := surveyOrg()
	want := monWant()
	if err := surveyWith(context.Background(), f, e, surveyScope, want, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	m := e.Monitoring
	if !slices.Equal(m.Expected.Patterns, want.Expected.Patterns) || len(m.LogGroups) != 1 {
		t.Errorf("expected %+v, log groups %v", m.Expected, m.LogGroups)
	}
	if n := f.calls["DescribeMetricFilters"]; n != 1 {
		t.Errorf("DescribeMetricFilters called %d times, want 1: the spec's group is the trail's", n)
	}
	if n := f.calls["ListTargetsByRule"]; n != 1 {
		t.Errorf("ListTargetsByRule called %d times: the spec's rule, found again by the survey, is read once", n)
	}
}

// An account outside the survey is not read.
func TestSurveyMonitoringOutsideScope(t *testing.T) {
	f := surveyFake()
	e := surveyOrg()
	if err := surveyWith(context.Background(), f, e, estate.Scope{Regions: []string{"us-east-1"}, HomeRegion: "us-east-1"}, nil,
		inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 0 || e.Monitoring == nil || e.Monitoring.LogGroups == nil || len(e.Monitoring.LogGroups) != 0 {
		t.Errorf("read %v outside the scope; layer %+v", f.calls, e.Monitoring)
	}
}

func TestMatchesRootSignIn(t *testing.T) {
	for pattern, want := range map[string]bool{
		rootSignInEventPattern():                                                                                true,
		`{"detail-type":["AWS Console Sign In via CloudTrail"]}`:                                                true,
		`{"source":["aws.signin"],"detail-type":["AWS Console Sign In via CloudTrail"]}`:                        true,
		`{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["IAMUser"]}}}`: false,
		`{"source":["aws.ec2"],"detail-type":["AWS Console Sign In via CloudTrail"]}`:                           false,
		`{"detail-type":["AWS API Call via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`:           false,
		`not json`: false,
	} {
		if got := matchesRootSignIn(pattern); got != want {
			t.Errorf("matchesRootSignIn(%s) = %v, want %v", pattern, got, want)
		}
	}
}
