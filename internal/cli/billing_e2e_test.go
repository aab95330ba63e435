package cli

// End-to-end tests of the billing layer against moto: the billing topic,
// the budget and the estimated-charges alarm, each checked with the AWS
// CLI in the management account.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// billingSection is the billing layer the tests build. The Cost and Usage
// Report and the cost allocation tags are turned off: moto 5.2 has no Cost
// and Usage Report API and no Cost Explorer cost allocation tag
// operations, so a plan against it could not read them and would stop
// (inventory.CollectBilling refuses to plan a part it cannot read). The
// kinds and inventory tests cover both with fakes.
const billingSection = `
billing:
  topic: { subscribers: [finance@example.com] }
  budget: { monthly_usd: 1000 }
  billing_alarm: { threshold_usd: 500 }
  cur: { enabled: false }
  cost_allocation_tags: false
`

// withBilling puts billingSection in place of any billing section the
// foundation has.
func withBilling(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, "foundation.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	if start := strings.Index(s, "\nbilling:"); start >= 0 {
		// The section runs to the next top-level key or comment.
		end := len(s)
		if m := billingTopLevelRE.FindStringIndex(s[start+1:]); m != nil {
			end = start + 1 + m[0]
		}
		s = s[:start] + s[end:]
	}
	if err := os.WriteFile(path, []byte(s+billingSection), 0o644); err != nil {
		t.Fatal(err)
	}
}

var billingTopLevelRE = regexp.MustCompile(`\n[a-z#]`)

func billingManagementID(t *testing.T, m *testenv.Server) string {
	t.Helper()
	var org struct {
		Organization struct{ MasterAccountId string }
	}
	if err := json.Unmarshal(m.AWS(t, "organizations", "describe-organization"), &org); err != nil {
		t.Fatal(err)
	}
	return org.Organization.MasterAccountId
}

type billingNotificationJSON struct {
	NotificationType, ComparisonOperator, ThresholdType string
	Threshold                                           float64
}

func budgetNotifications(t *testing.T, m *testenv.Server, mgmt string) map[string]float64 {
	t.Helper()
	var out struct{ Notifications []billingNotificationJSON }
	json.Unmarshal(m.AWS(t, "budgets", "describe-notifications-for-budget", "--account-id", mgmt,
		"--budget-name", "groundwork-monthly-cost"), &out)
	got := map[string]float64{}
	for _, n := range out.Notifications {
		if n.ComparisonOperator != "GREATER_THAN" || n.ThresholdType != "PERCENTAGE" {
			t.Errorf("notification %+v, want GREATER_THAN a PERCENTAGE", n)
		}
		got[n.NotificationType] = n.Threshold
	}
	return got
}

func TestBillingLayerIsBuiltAndSeenByTheAWSCLI(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withBilling(t, dir)
	out, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	for _, want := range []string{"+ billing-topic us-east-1/groundwork-billing-notifications", "+ budget groundwork-monthly-cost",
		"+ billing-alarm us-east-1/groundwork-estimated-charges", "manual step: turn on Billing preferences", " 0 failed"} {
		if !strings.Contains(out, want) {
			t.Fatalf("apply lacks %q:\n%s\n%s", want, out, errOut)
		}
	}
	mgmt := billingManagementID(t, m)
	topicARN := "arn:aws:sns:us-east-1:" + mgmt + ":groundwork-billing-notifications"

	// The topic, its policy and its subscription.
	var attrs struct{ Attributes struct{ Policy string } }
	json.Unmarshal(m.AWS(t, "sns", "get-topic-attributes", "--topic-arn", topicARN), &attrs)
	for _, want := range []string{"budgets.amazonaws.com", "cloudwatch.amazonaws.com", `"aws:SourceAccount":"` + mgmt + `"`} {
		if !strings.Contains(attrs.Attributes.Policy, want) {
			t.Errorf("topic policy lacks %s: %s", want, attrs.Attributes.Policy)
		}
	}
	var subs struct {
		Subscriptions []struct{ Protocol, Endpoint string }
	}
	json.Unmarshal(m.AWS(t, "sns", "list-subscriptions-by-topic", "--topic-arn", topicARN), &subs)
	if len(subs.Subscriptions) != 1 || subs.Subscriptions[0].Protocol != "email" || subs.Subscriptions[0].Endpoint != "finance@example.com" {
		t.Errorf("subscriptions: %+v", subs)
	}

	// The budget and its notifications.
	var budgets struct {
		Budgets []struct {
			BudgetName, BudgetType, TimeUnit string
			BudgetLimit                      struct{ Amount, Unit string }
		}
	}
	json.Unmarshal(m.AWS(t, "budgets", "describe-budgets", "--account-id", mgmt), &budgets)
	if len(budgets.Budgets) != 1 {
		t.Fatalf("budgets: %+v", budgets)
	}
	if b := budgets.Budgets[0]; b.BudgetName != "groundwork-monthly-cost" || b.BudgetType != "COST" || b.TimeUnit != "MONTHLY" ||
		b.BudgetLimit.Amount != "1000" || b.BudgetLimit.Unit != "USD" {
		t.Errorf("budget: %+v", b)
	}
	if got := budgetNotifications(t, m, mgmt); len(got) != 2 || got["ACTUAL"] != 80 || got["FORECASTED"] != 100 {
		t.Errorf("budget notifications: %v, want ACTUAL 80 and FORECASTED 100", got)
	}

	// The alarm, in us-east-1, notifying the topic.
	var alarms struct {
		MetricAlarms []struct {
			Namespace, MetricName, Statistic, ComparisonOperator string
			Threshold                                            float64
			Period                                               int
			AlarmActions                                         []string
			Dimensions                                           []struct{ Name, Value string }
		}
	}
	json.Unmarshal(m.AWS(t, "cloudwatch", "describe-alarms", "--region", "us-east-1", "--alarm-names", "groundwork-estimated-charges"), &alarms)
	if len(alarms.MetricAlarms) != 1 {
		t.Fatalf("alarms: %+v", alarms)
	}
	if a := alarms.MetricAlarms[0]; a.Namespace != "AWS/Billing" || a.MetricName != "EstimatedCharges" || a.Threshold != 500 ||
		a.Statistic != "Maximum" || a.ComparisonOperator != "GreaterThanThreshold" || a.Period != 21600 ||
		len(a.AlarmActions) != 1 || a.AlarmActions[0] != topicARN || len(a.Dimensions) != 1 || a.Dimensions[0].Value != "USD" {
		t.Errorf("alarm: %+v", a)
	}

	// Nothing left to do. moto lacks DescribeSubscribersForNotification:
	// the plan says the budget's subscribers went uncompared.
	out, _ = mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	for _, want := range []string{"No changes.", "the subscribers of its notifications ACTUAL/GREATER_THAN/80/PERCENTAGE, FORECASTED/GREATER_THAN/100/PERCENTAGE were not read"} {
		if !strings.Contains(out, want) {
			t.Errorf("re-plan lacks %q:\n%s", want, out)
		}
	}
	// The audit finds nothing in the billing layer just built (moto
	// confirms e-mail subscriptions at once).
	if got, want := auditFindingsUnread(t, dir, motoBillingUnread...), wantFindings(unhardened, untrailed, unalerted); got != want {
		t.Errorf("audit after building the billing layer = %s, want %s", got, want)
	}
	_, errOut = mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats")
	if !strings.Contains(errOut, " 0 writes)") {
		t.Errorf("second apply wrote:\n%s", errOut)
	}
}

// motoBillingUnread is what an audit of the billing layer cannot read on
// moto, which lacks DescribeSubscribersForNotification: the subscribers
// of the budget's notifications, so the plan cannot compare the billing
// layer with the spec either, and the audit is incomplete.
var motoBillingUnread = []string{"billing/subscribers", "plan/billing"}

func TestBillingDriftIsPlannedAndAudited(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withBilling(t, dir)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	mgmt := billingManagementID(t, m)

	// By hand: drop the forecast notification, raise the alarm's
	// threshold and strip its action.
	m.AWS(t, "budgets", "delete-notification", "--account-id", mgmt, "--budget-name", "groundwork-monthly-cost", "--notification",
		`{"NotificationType":"FORECASTED","ComparisonOperator":"GREATER_THAN","Threshold":100,"ThresholdType":"PERCENTAGE"}`)
	m.AWS(t, "cloudwatch", "put-metric-alarm", "--region", "us-east-1", "--alarm-name", "groundwork-estimated-charges",
		"--namespace", "AWS/Billing", "--metric-name", "EstimatedCharges", "--dimensions", "Name=Currency,Value=USD",
		"--statistic", "Maximum", "--period", "21600", "--evaluation-periods", "1", "--threshold", "5000",
		"--comparison-operator", "GreaterThanThreshold")

	out, _ := mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{"~ budget groundwork-monthly-cost", "adds notification FORECASTED/GREATER_THAN/100/PERCENTAGE",
		"~ billing-alarm us-east-1/groundwork-estimated-charges", "actions, threshold_usd"} {
		if !strings.Contains(out, want) {
			t.Errorf("drift plan lacks %q:\n%s", want, out)
		}
	}
	ids := auditFindingsUnread(t, dir, motoBillingUnread...)
	for _, want := range []string{"GW-BIL-002", "GW-BIL-004"} {
		if !strings.Contains(ids, want) {
			t.Errorf("audit of the drift lacks %s: %s", want, ids)
		}
	}

	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if got := budgetNotifications(t, m, mgmt); got["FORECASTED"] != 100 {
		t.Errorf("apply did not restore the forecast notification: %v", got)
	}
	if got, want := auditFindingsUnread(t, dir, motoBillingUnread...), wantFindings(unhardened, untrailed, unalerted); got != want {
		t.Errorf("audit after repair = %s, want %s", got, want)
	}
}
