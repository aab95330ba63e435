package cli

// End-to-end tests of the monitoring layer against moto: the security
// topic, a metric filter and an alarm per filter-pattern library entry on
// the trail's log group, and the root sign-in rule, each checked with the
// AWS CLI. The alarms go through the CloudWatch client groundwork builds
// (service/cloudwatch v1.51.1, which speaks the query protocol moto
// serves), so these tests also prove that client talks to moto.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/filterpattern"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// withMonitoring adds the monitoring layer, all defaults, to a foundation
// that has the logging layer.
func withMonitoring(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, "foundation.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "\nmonitoring:") {
		src = append(src, []byte("\nmonitoring: {}\n")...)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The names the defaults give, for a management account moto calls
// 123456789012 (its default account, the one the test credentials are in).
const (
	monTopic      = "groundwork-security-notifications"
	monSubscriber = "aws-management-account-primary-security@example.com"
	monRule       = "groundwork-root-sign-in"
	monLogGroup   = "/groundwork/cloudtrail"
)

// cliMetricFilter is a metric filter as aws logs describe-metric-filters
// prints it.
type cliMetricFilter struct {
	FilterName, FilterPattern, LogGroupName string
	MetricTransformations                   []struct{ MetricName, MetricNamespace, MetricValue string }
}

func managementID(t *testing.T, m *testenv.Server) string {
	t.Helper()
	var id struct{ Account string }
	if err := json.Unmarshal(m.AWS(t, "sts", "get-caller-identity"), &id); err != nil || id.Account == "" {
		t.Fatalf("sts get-caller-identity: %v", err)
	}
	return id.Account
}

func TestMonitoringLayerIsBuiltAndSeenByTheAWSCLI(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withLogging(t, dir)
	withMonitoring(t, dir)
	library := filterpattern.Library()

	out, _ := mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{
		"+ topic management/us-east-1/" + monTopic,
		"+ metric-filter management/us-east-1/" + monLogGroup + ":RootUserActivityFilter",
		"+ alarm management/us-east-1/RootUserActivityAlarm",
		"+ event-rule management/us-east-1/" + monRule,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("first plan lacks %q:\n%s", want, out)
		}
	}
	out, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats")
	if !strings.Contains(out, " 0 failed") {
		t.Fatalf("apply:\n%s\n%s", out, errOut)
	}
	// One PutMetricAlarm per library entry went through the CloudWatch
	// client, and the AWS CLI sees the alarms below.
	if want := " CloudWatch PutMetricAlarm"; !strings.Contains(errOut, want) {
		t.Errorf("apply made no CloudWatch PutMetricAlarm calls:\n%s", errOut)
	}
	mgmt := managementID(t, m)
	topicARN := "arn:aws:sns:us-east-1:" + mgmt + ":" + monTopic

	var filters struct{ MetricFilters []cliMetricFilter }
	json.Unmarshal(m.AWS(t, "logs", "describe-metric-filters", "--log-group-name", monLogGroup), &filters)
	if len(filters.MetricFilters) != len(library) {
		t.Errorf("%d metric filters on %s, want one per library entry (%d): %+v", len(filters.MetricFilters), monLogGroup, len(library), filters)
	}
	for _, e := range library {
		i := slices.IndexFunc(filters.MetricFilters, func(f cliMetricFilter) bool { return f.FilterName == e.Name+"Filter" })
		if i < 0 {
			t.Errorf("no metric filter %sFilter", e.Name)
			continue
		}
		f := filters.MetricFilters[i]
		if f.FilterPattern != e.Pattern {
			t.Errorf("%s: pattern %q, want the library's %q", f.FilterName, f.FilterPattern, e.Pattern)
		}
		if mt := f.MetricTransformations; len(mt) != 1 || mt[0].MetricName != e.Name || mt[0].MetricNamespace != "LogMetrics" || mt[0].MetricValue != "1" {
			t.Errorf("%s: transformations %+v", f.FilterName, mt)
		}
	}

	var alarms struct {
		MetricAlarms []struct {
			AlarmName, Namespace, MetricName, Statistic, ComparisonOperator string
			Period, EvaluationPeriods                                       int
			Threshold                                                       float64
			AlarmActions                                                    []string
		}
	}
	json.Unmarshal(m.AWS(t, "cloudwatch", "describe-alarms"), &alarms)
	if len(alarms.MetricAlarms) != len(library) {
		t.Errorf("%d alarms, want one per library entry (%d)", len(alarms.MetricAlarms), len(library))
	}
	for _, a := range alarms.MetricAlarms {
		if !strings.HasSuffix(a.AlarmName, "Alarm") || a.MetricName+"Alarm" != a.AlarmName || a.Namespace != "LogMetrics" ||
			a.Statistic != "Sum" || a.Period != 300 || a.EvaluationPeriods != 1 || a.Threshold != 1 ||
			a.ComparisonOperator != "GreaterThanOrEqualToThreshold" || !slices.Equal(a.AlarmActions, []string{topicARN}) {
			t.Errorf("alarm: %+v", a)
		}
	}

	var attrs struct{ Attributes map[string]string }
	json.Unmarshal(m.AWS(t, "sns", "get-topic-attributes", "--topic-arn", topicARN), &attrs)
	for _, want := range []string{"cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com", `"aws:SourceAccount":"` + mgmt + `"`} {
		if !strings.Contains(attrs.Attributes["Policy"], want) {
			t.Errorf("topic policy lacks %s: %s", want, attrs.Attributes["Policy"])
		}
	}
	var subs struct {
		Subscriptions []struct{ Protocol, Endpoint, SubscriptionArn string }
	}
	json.Unmarshal(m.AWS(t, "sns", "list-subscriptions-by-topic", "--topic-arn", topicARN), &subs)
	if len(subs.Subscriptions) != 1 || subs.Subscriptions[0].Protocol != "email" || subs.Subscriptions[0].Endpoint != monSubscriber {
		t.Errorf("subscriptions of %s: %+v", monTopic, subs)
	}

	var rules struct {
		Rules []struct{ Name, EventPattern, State string }
	}
	json.Unmarshal(m.AWS(t, "events", "list-rules", "--region", "us-east-1"), &rules)
	if len(rules.Rules) != 1 || rules.Rules[0].Name != monRule || rules.Rules[0].State != "ENABLED" ||
		!strings.Contains(rules.Rules[0].EventPattern, "AWS Console Sign In via CloudTrail") || !strings.Contains(rules.Rules[0].EventPattern, `"Root"`) {
		t.Errorf("rules: %+v", rules)
	}
	var targets struct{ Targets []struct{ Id, Arn string } }
	json.Unmarshal(m.AWS(t, "events", "list-targets-by-rule", "--rule", monRule), &targets)
	if len(targets.Targets) != 1 || targets.Targets[0].Arn != topicARN {
		t.Errorf("targets of %s: %+v", monRule, targets)
	}

	out, _ = mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if !strings.Contains(out, "No changes.") {
		t.Errorf("re-plan:\n%s", out)
	}
	// moto 5.2.5 confirms an e-mail subscription as soon as it is made
	// (its Subscribe never answers "pending confirmation"), so the audit
	// finds the layer complete. On AWS the address must follow the link
	// first, and until then the audit reports GW-MON-002, GW-MON-003 and
	// every GW-MON-01x: the unit tests cover that with pending
	// subscriptions.
	if got, want := auditFindings(t, dir), wantFindings(unhardened, unbilled, unaccessed); got != want {
		t.Errorf("audit after building the monitoring layer = %s, want %s", got, want)
	}
	_, errOut = mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats")
	if !strings.Contains(errOut, " 0 writes)") {
		t.Errorf("second apply wrote:\n%s", errOut)
	}
}

func TestMonitoringDriftIsPlannedAndAudited(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withLogging(t, dir)
	withMonitoring(t, dir)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")

	// By hand: delete an alarm and disable the root sign-in rule.
	m.AWS(t, "cloudwatch", "delete-alarms", "--alarm-names", "RootUserActivityAlarm")
	m.AWS(t, "events", "disable-rule", "--name", monRule)

	out, _ := mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{
		"+ alarm management/us-east-1/RootUserActivityAlarm",
		"~ event-rule management/us-east-1/" + monRule,
		"Plan: 1 to create, 1 to update, 0 to delete.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("drift plan lacks %q:\n%s", want, out)
		}
	}
	ids := auditFindings(t, dir)
	for _, want := range []string{"GW-MON-003", "GW-MON-010"} {
		if !strings.Contains(ids, want) {
			t.Errorf("audit of the drift lacks %s: %s", want, ids)
		}
	}
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if got, want := auditFindings(t, dir), wantFindings(unhardened, unbilled, unaccessed); got != want {
		t.Errorf("audit after repair = %s, want %s", got, want)
	}
}
