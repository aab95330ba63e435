package audit

import (
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

const billTopicARN = "arn:aws:sns:us-east-1:000000000000:groundwork-billing-notifications"

var billTopicAt = estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}

// billed is the guarded foundation with the billing layer of guidance
// 000, 001 and 003 read: a cost budget with actual and forecast
// notifications, a confirmed billing topic, the estimated-charges alarm,
// an hourly report for Athena, and the dictionary's keys active. Every
// check passes on it.
func billed() *estate.Estate {
	e := guarded()
	b := estate.NewBilling()
	sub := []estate.BudgetSubscriber{{Type: "SNS", Address: billTopicARN}}
	b.Budgets["groundwork-monthly-cost"] = &estate.Budget{Name: "groundwork-monthly-cost", Type: "COST", TimeUnit: "MONTHLY",
		Limit: "1000", LimitUnit: "USD", Notifications: []estate.BudgetNotification{
			{Type: "ACTUAL", Comparison: "GREATER_THAN", Threshold: 80, ThresholdType: "PERCENTAGE", Subscribers: sub},
			{Type: "FORECASTED", Comparison: "GREATER_THAN", Threshold: 100, ThresholdType: "PERCENTAGE", Subscribers: sub},
		}}
	b.Topics[billTopicAt.Key("groundwork-billing-notifications")] = &estate.BillingTopic{Where: billTopicAt,
		Name: "groundwork-billing-notifications", ARN: billTopicARN, Exists: true,
		Subscriptions: []estate.BillingSubscription{{Protocol: "email", Endpoint: "finance@example.com", Confirmed: true}}}
	b.Alarms["groundwork-estimated-charges"] = &estate.BillingAlarm{Where: billTopicAt, Name: "groundwork-estimated-charges",
		Threshold: 500, Currency: "USD", Actions: []string{billTopicARN}, ActionsEnabled: true}
	b.Reports = map[string]*estate.CostReport{"groundwork-cur-hourly": {Name: "groundwork-cur-hourly", TimeUnit: "HOURLY",
		Format: "Parquet", Artifacts: []string{"ATHENA"}, Schema: []string{"RESOURCES"}}}
	b.CostAllocationTags = map[string]string{"Owner": estate.CostTagActive, "CostCenter": estate.CostTagActive}
	e.Billing = b
	return e
}

var billingChecks = []string{"GW-BIL-001", "GW-BIL-002", "GW-BIL-003", "GW-BIL-004", "GW-BIL-005", "GW-BIL-006"}

func TestBilledFoundationIsClean(t *testing.T) {
	if r := Run(billed()); len(r.Findings) != 0 {
		t.Errorf("findings on the billed foundation: %+v", r.Findings)
	}
}

func TestBillingChecksRegistered(t *testing.T) {
	var got []string
	for _, c := range Checks() {
		if strings.HasPrefix(c.ID, "GW-BIL-") {
			got = append(got, c.ID)
			if c.Guidance == "" || c.Remediation == "" {
				t.Errorf("%s lacks guidance or remediation", c.ID)
			}
		}
	}
	if !slices.Equal(got, billingChecks) {
		t.Errorf("GW-BIL checks = %q, want %q", got, billingChecks)
	}
}

// A part that was not read says nothing: the spec did not ask for it, or
// the endpoint could not answer (moto lacks the report and tag APIs).
func TestUnreadBillingIsNotAFinding(t *testing.T) {
	empty := func(e *estate.Estate) {
		e.Billing.Budgets = map[string]*estate.Budget{}
		e.Billing.Topics = map[string]*estate.BillingTopic{}
		e.Billing.Alarms = map[string]*estate.BillingAlarm{}
		e.Billing.Reports = map[string]*estate.CostReport{}
		e.Billing.CostAllocationTags = map[string]string{"Owner": estate.CostTagInactive}
	}
	for name, unread := range map[string]func(e *estate.Estate){
		"layer": func(e *estate.Estate) { e.Billing = nil },
		"parts": func(e *estate.Estate) {
			e.Billing.Budgets, e.Billing.Topics, e.Billing.Alarms, e.Billing.Reports, e.Billing.CostAllocationTags = nil, nil, nil, nil, nil
		},
	} {
		e := billed()
		empty(e)
		unread(e)
		for _, id := range billingChecks {
			if fs := runCheck(t, id, e); len(fs) != 0 {
				t.Errorf("%s unread: %s found %+v", name, id, fs)
			}
		}
	}
	// Subscribers unread on moto do not hide a missing forecast.
	e := billed()
	for i := range e.Billing.Budgets["groundwork-monthly-cost"].Notifications {
		e.Billing.Budgets["groundwork-monthly-cost"].Notifications[i].Subscribers = nil
	}
	if fs := runCheck(t, "GW-BIL-002", e); len(fs) != 0 {
		t.Errorf("unread subscribers: %+v", fs)
	}
}

func TestBillingChecks(t *testing.T) {
	budget := func(e *estate.Estate) *estate.Budget { return e.Billing.Budgets["groundwork-monthly-cost"] }
	topic := func(e *estate.Estate) *estate.BillingTopic {
		return e.Billing.Topics[billTopicAt.Key("groundwork-billing-notifications")]
	}
	const topicRes = "topic/groundwork-billing-notifications (management us-east-1)"
	runCases(t, billed, map[string]checkCase{
		"001 passes": {check: "GW-BIL-001"},
		"001 no budget": {
			check: "GW-BIL-001",
			edit:  func(e *estate.Estate) { e.Billing.Budgets = map[string]*estate.Budget{} },
			want:  []string{mgmtResource}, msg: "the management account has no budget",
		},
		"001 only a usage budget": {
			check: "GW-BIL-001",
			edit:  func(e *estate.Estate) { budget(e).Type = "USAGE" },
			want:  []string{mgmtResource}, msg: "1 budget(s), none of them a cost budget",
		},

		"002 passes": {check: "GW-BIL-002"},
		"002 actual spend only": {
			check: "GW-BIL-002",
			edit:  func(e *estate.Estate) { budget(e).Notifications = budget(e).Notifications[:1] },
			want:  []string{"budget/groundwork-monthly-cost"}, msg: "notifies only on actual spend",
		},
		"002 no notification at all": {
			check: "GW-BIL-002",
			edit: func(e *estate.Estate) {
				budget(e).Notifications = []estate.BudgetNotification{}
				e.Billing.Budgets["team"] = &estate.Budget{Name: "team", Type: "COST", Notifications: []estate.BudgetNotification{{Type: "FORECASTED"}}}
			},
			want: []string{"budget/groundwork-monthly-cost"}, msg: "no notification at all",
		},
		"002 a usage budget is not judged": {
			check: "GW-BIL-002",
			edit: func(e *estate.Estate) {
				e.Billing.Budgets["gb"] = &estate.Budget{Name: "gb", Type: "USAGE", Notifications: []estate.BudgetNotification{}}
			},
		},

		"003 passes": {check: "GW-BIL-003"},
		"003 only pending": {
			check: "GW-BIL-003",
			edit: func(e *estate.Estate) {
				topic(e).Subscriptions = []estate.BillingSubscription{{Protocol: "email", Endpoint: "finance@example.com"}}
			},
			want: []string{topicRes}, msg: "no subscription to the billing topic is confirmed (pending: finance@example.com)",
		},
		"003 nobody": {
			check: "GW-BIL-003",
			edit:  func(e *estate.Estate) { topic(e).Subscriptions = nil },
			want:  []string{topicRes}, msg: "nobody subscribes to the billing topic",
		},
		"003 one confirmed is enough": {
			check: "GW-BIL-003",
			edit: func(e *estate.Estate) {
				topic(e).Subscriptions = append(topic(e).Subscriptions, estate.BillingSubscription{Protocol: "email", Endpoint: "cfo@example.com"})
			},
		},
		"003 no topic": {
			check: "GW-BIL-003",
			edit: func(e *estate.Estate) {
				*topic(e) = estate.BillingTopic{Where: billTopicAt, Name: "groundwork-billing-notifications"}
			},
			want: []string{topicRes}, msg: "the billing topic does not exist",
		},

		"004 passes": {check: "GW-BIL-004"},
		"004 no alarm": {
			check: "GW-BIL-004",
			edit:  func(e *estate.Estate) { e.Billing.Alarms = map[string]*estate.BillingAlarm{} },
			want:  []string{mgmtResource}, msg: "no CloudWatch alarm on AWS/Billing EstimatedCharges in us-east-1",
		},
		"004 an alarm that notifies nobody": {
			check: "GW-BIL-004",
			edit:  func(e *estate.Estate) { e.Billing.Alarms["groundwork-estimated-charges"].ActionsEnabled = false },
			want:  []string{mgmtResource}, msg: "the EstimatedCharges alarms groundwork-estimated-charges notify nobody",
		},

		"005 passes": {check: "GW-BIL-005"},
		"005 no report": {
			check: "GW-BIL-005",
			edit:  func(e *estate.Estate) { e.Billing.Reports = map[string]*estate.CostReport{} },
			want:  []string{mgmtResource}, msg: "no Cost and Usage Report",
		},
		"005 a daily report without Athena": {
			check: "GW-BIL-005",
			edit: func(e *estate.Estate) {
				r := e.Billing.Reports["groundwork-cur-hourly"]
				r.TimeUnit, r.Artifacts = "DAILY", nil
			},
			want: []string{mgmtResource}, msg: "no Cost and Usage Report is hourly with the Athena integration: groundwork-cur-hourly (daily, no integration)",
		},

		"006 passes": {check: "GW-BIL-006"},
		"006 inactive and unseen keys": {
			check: "GW-BIL-006",
			edit: func(e *estate.Estate) {
				e.Billing.CostAllocationTags["CostCenter"] = estate.CostTagInactive
				e.Billing.CostAllocationTags["Compliance"] = estate.CostTagUnseen
			},
			want: []string{mgmtResource}, msg: "(inactive: CostCenter; not yet seen on any resource: Compliance)",
		},
	})
}
