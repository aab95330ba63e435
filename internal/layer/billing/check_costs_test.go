package billing

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

const billTopicARN = "arn:aws:sns:us-east-1:000000000000:groundwork-billing-notifications"

// mgmtResource names the management account, where the billing layer lives.
const mgmtResource = "account/000000000000 (management)"

var billTopicAt = estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}

// billed is the recommended foundation with the billing layer of guidance
// 000, 001 and 003 read: a cost budget with actual and forecast
// notifications, a confirmed billing topic, the estimated-charges alarm,
// an hourly report for Athena, and the dictionary's keys active. Every
// check passes on it.
func billed() *estate.Estate {
	e := audittest.Foundation()
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
	b.TagDictionary = true
	on := true
	b.BillingAlerts = &on
	e.Billing = b
	return e
}

var billingChecks = []string{"GW-BIL-001", "GW-BIL-002", "GW-BIL-003", "GW-BIL-004", "GW-BIL-005", "GW-BIL-006", "GW-BIL-007"}

func TestBilledFoundationIsClean(t *testing.T) {
	audittest.Clean(t, "billed foundation", billed())
}

func TestBillingChecksRegistered(t *testing.T) {
	audittest.Documented(t, audittest.Registered(t, "GW-BIL-", billingChecks))
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
			e.Billing.BillingAlerts = nil
		},
	} {
		e := billed()
		empty(e)
		unread(e)
		for _, id := range billingChecks {
			if fs := audittest.RunCheck(t, id, e); len(fs) != 0 {
				t.Errorf("%s unread: %s found %+v", name, id, fs)
			}
		}
	}
	// Subscribers unread on moto do not hide a missing forecast.
	e := billed()
	for i := range e.Billing.Budgets["groundwork-monthly-cost"].Notifications {
		e.Billing.Budgets["groundwork-monthly-cost"].Notifications[i].Subscribers = nil
	}
	if fs := audittest.RunCheck(t, "GW-BIL-002", e); len(fs) != 0 {
		t.Errorf("unread subscribers: %+v", fs)
	}
}

func TestBillingChecks(t *testing.T) {
	budget := func(e *estate.Estate) *estate.Budget { return e.Billing.Budgets["groundwork-monthly-cost"] }
	topic := func(e *estate.Estate) *estate.BillingTopic {
		return e.Billing.Topics[billTopicAt.Key("groundwork-billing-notifications")]
	}
	const topicRes = "topic/groundwork-billing-notifications (management us-east-1)"
	audittest.RunCases(t, billed, map[string]audittest.Case{
		"001 passes": {Check: "GW-BIL-001"},
		"001 no budget": {
			Check: "GW-BIL-001",
			Edit:  func(e *estate.Estate) { e.Billing.Budgets = map[string]*estate.Budget{} },
			Want:  []string{mgmtResource}, Msg: "the management account has no budget",
		},
		"001 only a usage budget": {
			Check: "GW-BIL-001",
			Edit:  func(e *estate.Estate) { budget(e).Type = "USAGE" },
			Want:  []string{mgmtResource}, Msg: "1 budget(s), none of them a cost budget",
		},

		"002 passes": {Check: "GW-BIL-002"},
		"002 actual spend only": {
			Check: "GW-BIL-002",
			Edit:  func(e *estate.Estate) { budget(e).Notifications = budget(e).Notifications[:1] },
			Want:  []string{"budget/groundwork-monthly-cost"}, Msg: "notifies only on actual spend",
		},
		"002 no notification at all": {
			Check: "GW-BIL-002",
			Edit: func(e *estate.Estate) {
				budget(e).Notifications = []estate.BudgetNotification{}
				e.Billing.Budgets["team"] = &estate.Budget{Name: "team", Type: "COST", Notifications: []estate.BudgetNotification{{Type: "FORECASTED"}}}
			},
			Want: []string{"budget/groundwork-monthly-cost"}, Msg: "no notification at all",
		},
		"002 a usage budget is not judged": {
			Check: "GW-BIL-002",
			Edit: func(e *estate.Estate) {
				e.Billing.Budgets["gb"] = &estate.Budget{Name: "gb", Type: "USAGE", Notifications: []estate.BudgetNotification{}}
			},
		},

		"003 passes": {Check: "GW-BIL-003"},
		"003 only pending": {
			Check: "GW-BIL-003",
			Edit: func(e *estate.Estate) {
				topic(e).Subscriptions = []estate.BillingSubscription{{Protocol: "email", Endpoint: "finance@example.com"}}
			},
			Want: []string{topicRes}, Msg: "no subscription to the billing topic is confirmed (pending: finance@example.com)",
		},
		"003 nobody": {
			Check: "GW-BIL-003",
			Edit:  func(e *estate.Estate) { topic(e).Subscriptions = nil },
			Want:  []string{topicRes}, Msg: "nobody subscribes to the billing topic",
		},
		"003 one confirmed is enough": {
			Check: "GW-BIL-003",
			Edit: func(e *estate.Estate) {
				topic(e).Subscriptions = append(topic(e).Subscriptions, estate.BillingSubscription{Protocol: "email", Endpoint: "cfo@example.com"})
			},
		},
		"003 no topic": {
			Check: "GW-BIL-003",
			Edit: func(e *estate.Estate) {
				*topic(e) = estate.BillingTopic{Where: billTopicAt, Name: "groundwork-billing-notifications"}
			},
			Want: []string{topicRes}, Msg: "the billing topic does not exist",
		},

		"004 passes": {Check: "GW-BIL-004"},
		"004 no alarm": {
			Check: "GW-BIL-004",
			Edit:  func(e *estate.Estate) { e.Billing.Alarms = map[string]*estate.BillingAlarm{} },
			Want:  []string{mgmtResource}, Msg: "no CloudWatch alarm on AWS/Billing EstimatedCharges in us-east-1",
		},
		"004 an alarm that notifies nobody": {
			Check: "GW-BIL-004",
			Edit:  func(e *estate.Estate) { e.Billing.Alarms["groundwork-estimated-charges"].ActionsEnabled = false },
			Want:  []string{mgmtResource}, Msg: "the EstimatedCharges alarms groundwork-estimated-charges notify nobody",
		},

		"005 passes": {Check: "GW-BIL-005"},
		"005 no report": {
			Check: "GW-BIL-005",
			Edit:  func(e *estate.Estate) { e.Billing.Reports = map[string]*estate.CostReport{} },
			Want:  []string{mgmtResource}, Msg: "no Cost and Usage Report",
		},
		"005 a daily report without Athena": {
			Check: "GW-BIL-005",
			Edit: func(e *estate.Estate) {
				r := e.Billing.Reports["groundwork-cur-hourly"]
				r.TimeUnit, r.Artifacts = "DAILY", nil
			},
			Want: []string{mgmtResource}, Msg: "no Cost and Usage Report is hourly with the Athena integration: groundwork-cur-hourly (daily, no integration)",
		},

		"006 passes": {Check: "GW-BIL-006"},
		"006 inactive and unseen keys": {
			Check: "GW-BIL-006",
			Edit: func(e *estate.Estate) {
				e.Billing.CostAllocationTags["CostCenter"] = estate.CostTagInactive
				e.Billing.CostAllocationTags["Compliance"] = estate.CostTagUnseen
			},
			Want: []string{mgmtResource}, Msg: "(inactive: CostCenter; not yet seen on any resource: Compliance)",
		},

		"007 passes": {Check: "GW-BIL-007"},
		"007 no EstimatedCharges metric": {
			Check: "GW-BIL-007",
			Edit:  func(e *estate.Estate) { *e.Billing.BillingAlerts = false },
			Want:  []string{mgmtResource}, Msg: "AWS publishes no AWS/Billing EstimatedCharges metric in us-east-1",
		},

		// Topics the survey found because a budget or an alarm notifies
		// them are judged like the spec's.
		"003 a topic an alarm notifies, unsubscribed": {
			Check: "GW-BIL-003",
			Edit: func(e *estate.Estate) {
				e.Billing.Topics[billTopicAt.Key("ops")] = &estate.BillingTopic{Where: billTopicAt, Name: "ops", Exists: true,
					ARN: "arn:aws:sns:us-east-1:000000000000:ops"}
			},
			Want: []string{"topic/ops (management us-east-1)"}, Msg: "nobody subscribes to the billing topic",
		},
	})
}

// GW-BIL-006 has a yardstick only where the spec gave its tagging
// dictionary: without one it is not evaluated, with the reason, never
// passed; with one, or with the dictionary's tags unreadable (reported
// not read instead), it is judged.
func TestCostAllocationTagsNeedTheDictionary(t *testing.T) {
	var check audit.Check
	for _, c := range audit.Checks() {
		if c.ID == "GW-BIL-006" {
			check = c
		}
	}
	e := billed()
	e.Billing.CostAllocationTags, e.Billing.TagDictionary = nil, false
	if why := check.Needs(e); !strings.Contains(why, "tagging dictionary") {
		t.Errorf("without a dictionary: needs %q", why)
	}
	r := audit.Run(e)
	if r.Status("GW-BIL-006") != audit.StatusNotEvaluated || r.Unjudged["GW-BIL-006"] == "" {
		t.Errorf("without a dictionary: %s, unjudged %q", r.Status("GW-BIL-006"), r.Unjudged["GW-BIL-006"])
	}
	e.Billing.TagDictionary = true // asked for, unreadable
	if why := check.Needs(e); why != "" {
		t.Errorf("with a dictionary: needs %q", why)
	}
	if why := check.Needs(billed()); why != "" {
		t.Errorf("read: needs %q", why)
	}
}

// TestFindingPlaces: billing findings name the management account, and
// the Region of regional resources.
func TestFindingPlaces(t *testing.T) {
	audittest.RunPlaces(t, map[string]audittest.PlaceCase{
		"budget missing": {Clean: billed, Check: "GW-BIL-001", Edit: func(e *estate.Estate) { clear(e.Billing.Budgets) },
			Want: audittest.Place{Resource: "account/000000000000 (management)", Account: "000000000000"}},
		"billing alarm missing": {Clean: billed, Check: "GW-BIL-004", Edit: func(e *estate.Estate) { clear(e.Billing.Alarms) },
			Want: audittest.Place{Resource: "account/000000000000 (management)", Account: "000000000000", Region: estate.BillingRegion}},
		"billing topic unsubscribed": {Clean: billed, Check: "GW-BIL-003", Edit: func(e *estate.Estate) {
			for _, t := range e.Billing.Topics {
				t.Subscriptions = nil
			}
		}, Want: audittest.Place{Resource: "topic/groundwork-billing-notifications (management us-east-1)", Account: "000000000000", Region: "us-east-1"}},
	})
}
