package billing

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The billing checks: the management account watches its spending with a
// budget that warns on the forecast, an estimated-charges alarm, a
// billing topic someone has subscribed to, an hourly Cost and Usage
// Report, and the tagging dictionary active as cost allocation tags
// (guidance 000, 001 and 003). Each judges one part of e.Billing, which
// the audit reads with or without a spec, and says nothing when that part
// was not read (nil): the endpoint could not answer, and the part is
// reported not read. Only the cost allocation tags need the spec: its
// tagging dictionary says which keys should be active.

func init() {
	audit.Register(audit.Check{
		ID:       "GW-BIL-001",
		Title:    "A cost budget in the management account",
		Severity: audit.Medium,
		Guidance: "003 Billing and Cost Monitoring; 001 Budget alarm",
		Controls: []string{"NIST CSF DE.AE-5"},
		Rationale: "Without a budget, unplanned spending, whether a mistake or stolen credentials running expensive " +
			"resources, is found only on the monthly bill.",
		Remediation: "set billing.budget.monthly_usd in foundation.yaml and run groundwork apply, which creates a monthly cost budget " +
			"that notifies the billing topic on actual and forecasted spend",
		Reads: []string{readBudgets},
		Run:   checkBudget,
	})
	audit.Register(audit.Check{
		ID:       "GW-BIL-002",
		Title:    "Every cost budget notifies on forecasted spend",
		Severity: audit.Medium,
		Guidance: "003 Billing and Cost Monitoring",
		Controls: []string{"NIST CSF DE.AE-5"},
		Rationale: "A budget that notifies only on actual spend speaks once the money is gone; a forecast notification " +
			"warns while there is still time to act.",
		Remediation: "for groundwork's budget keep billing.budget.forecast_percent (default 100) in foundation.yaml and run groundwork apply; " +
			"add a FORECASTED notification to any other budget in the Budgets console",
		Reads: []string{readBudgets},
		Run:   checkBudgetForecast,
	})
	audit.Register(audit.Check{
		ID:       "GW-BIL-003",
		Title:    "Billing topic with a confirmed subscription",
		Severity: audit.Medium,
		Guidance: "003 Billing and Cost Monitoring; 001 Other manual tasks",
		Controls: []string{"NIST CSF DE.DP-4"},
		Rationale: "Budget and billing alarm notifications go to the billing topic; with no confirmed subscriber they " +
			"are published and lost, and cost warnings reach nobody.",
		Remediation: "list the billing distribution list under billing.topic.subscribers in foundation.yaml and run groundwork apply, " +
			"then confirm the subscription from the e-mail AWS sends (a manual step; an unconfirmed one expires after three days " +
			"and the next apply subscribes the address again)",
		// The topics a budget notifies are known from its subscribers.
		Reads: []string{readTopics, readSubscribers},
		Run:   checkBillingTopic,
	})
	audit.Register(audit.Check{
		ID:       "GW-BIL-004",
		Title:    "Estimated-charges billing alarm",
		Severity: audit.Low,
		Guidance: "001 Budget alarm",
		Controls: []string{"NIST CSF DE.AE-5"},
		Rationale: "The estimated-charges alarm reacts to the total bill across every service within hours, without " +
			"anyone having to foresee which service will run away; without it a spike waits for a budget or the " +
			"invoice.",
		Remediation: "set billing.billing_alarm.threshold_usd in foundation.yaml and run groundwork apply; turn on Billing preferences > " +
			"Receive CloudWatch Billing Alerts in the management account (a manual step), without which AWS publishes no EstimatedCharges metric",
		Reads: []string{readAlarms},
		Run:   checkBillingAlarm,
	})
	audit.Register(audit.Check{
		ID:       "GW-BIL-005",
		Title:    "Hourly Cost and Usage Report with Athena integration",
		Severity: audit.Low,
		Guidance: "000 Setup Cost and Usage Reports; 003 Billing and Cost Monitoring",
		Rationale: "Only the Cost and Usage Report keeps cost by hour and resource; without it, an unexpected charge " +
			"cannot be traced to the account, resource and hour it came from.",
		Remediation: "keep billing.cur in foundation.yaml (enabled by default: hourly, resource IDs, Parquet for Amazon Athena, under the " +
			"prefix cur-hourly) and run groundwork apply",
		Reads: []string{readReports},
		Run:   checkCostReport,
	})
	audit.Register(audit.Check{
		ID:       "GW-BIL-006",
		Title:    "Tagging dictionary keys active as cost allocation tags",
		Severity: audit.Low,
		Guidance: "000 Enable Cost Allocation Tags; 000 Create a tagging dictionary",
		Rationale: "Tags not activated for cost allocation do not appear in Cost Explorer or the Cost and Usage Report, " +
			"so costs cannot be charged back to owners, business units or cost centers.",
		Remediation: "keep billing.cost_allocation_tags (default true) in foundation.yaml and run groundwork apply; AWS can activate a key " +
			"only after it has seen it on a resource, so tag resources with the dictionary's keys first",
		Reads: []string{readTags},
		Needs: needsTagDictionary,
		Run:   checkCostAllocationTags,
	})
	audit.Register(audit.Check{
		ID:       "GW-BIL-007",
		Title:    "CloudWatch billing alerts are on",
		Severity: audit.Low,
		Guidance: "001 Budget alarm",
		Controls: []string{"NIST CSF DE.AE-5"},
		Rationale: "AWS publishes the EstimatedCharges metric only while the management account receives CloudWatch " +
			"billing alerts; until then no estimated-charges alarm can fire, however it is set.",
		Remediation: "in the management account, Billing and Cost Management > Billing preferences > Alert preferences > Edit > " +
			"Receive CloudWatch Billing Alerts > Save (a manual step no API takes; groundwork checklist shows it as CL-011); " +
			"the metric appears in us-east-1 within hours",
		Reads: []string{readMetrics},
		Run:   checkBillingAlerts,
	})
}

func costBudgets(b *estate.Billing) []*estate.Budget {
	var out []*estate.Budget
	for _, budget := range b.SortedBudgets() {
		if budget.Type == "COST" {
			out = append(out, budget)
		}
	}
	return out
}

func checkBudget(e *estate.Estate) []audit.Finding {
	if e.Billing == nil || e.Billing.Budgets == nil || len(costBudgets(e.Billing)) > 0 {
		return nil
	}
	msg := "the management account has no budget: nothing warns when spending runs past what was planned"
	if n := len(e.Billing.Budgets); n > 0 {
		msg = fmt.Sprintf("the management account has %d budget(s), none of them a cost budget: nothing warns when spending runs past what was planned", n)
	}
	return []audit.Finding{audit.ManagementFinding(e, msg)}
}

// checkBudgetForecast reports each cost budget whose notifications were
// read and include none on forecasted spend.
func checkBudgetForecast(e *estate.Estate) []audit.Finding {
	if e.Billing == nil || e.Billing.Budgets == nil {
		return nil
	}
	var out []audit.Finding
	for _, b := range costBudgets(e.Billing) {
		if b.Notifications == nil || slices.ContainsFunc(b.Notifications, func(n estate.BudgetNotification) bool { return n.Type == "FORECASTED" }) {
			continue
		}
		msg := "the budget has no notification at all: it warns nobody"
		if len(b.Notifications) > 0 {
			msg = "the budget notifies only on actual spend: a month heading past the budget is noticed only once the money is spent"
		}
		out = append(out, audit.Finding{Resource: "budget/" + b.Name, Message: msg, Account: audit.WhereID(e, estate.ManagementKey)})
	}
	return out
}

// checkBillingTopic reports billing topics, those the spec names and those
// a budget or billing alarm notifies, that do not exist or that no
// confirmed subscription reads.
func checkBillingTopic(e *estate.Estate) []audit.Finding {
	if e.Billing == nil {
		return nil
	}
	var out []audit.Finding
	for _, t := range audit.SortedValues(e.Billing.Topics) {
		at := func(msg string) audit.Finding { return audit.PlacedFinding(e, "topic", t.Name, t.Where, msg) }
		if !t.Exists {
			out = append(out, at("the billing topic does not exist: the budgets and billing alarms that notify it have nowhere to send notifications"))
			continue
		}
		var pending []string
		confirmed := false
		for _, s := range t.Subscriptions {
			if s.Confirmed {
				confirmed = true
			} else {
				pending = append(pending, s.Endpoint)
			}
		}
		switch {
		case confirmed:
		case len(pending) > 0:
			out = append(out, at(fmt.Sprintf("no subscription to the billing topic is confirmed "+
				"(pending: %s): its notifications reach nobody until someone confirms from the e-mail AWS sent", strings.Join(pending, ", "))))
		default:
			out = append(out, at("nobody subscribes to the billing topic: its notifications reach nobody"))
		}
	}
	return out
}

// checkBillingAlarm reports a management account without an alarm on the
// estimated charges that notifies someone.
func checkBillingAlarm(e *estate.Estate) []audit.Finding {
	if e.Billing == nil || e.Billing.Alarms == nil {
		return nil
	}
	var silent []string
	for _, a := range audit.SortedValues(e.Billing.Alarms) {
		if a.ActionsEnabled && len(a.Actions) > 0 {
			return nil
		}
		silent = append(silent, a.Name)
	}
	msg := fmt.Sprintf("no CloudWatch alarm on AWS/Billing EstimatedCharges in %s: runaway charges surface only on the bill", estate.BillingRegion)
	if len(silent) > 0 {
		msg = fmt.Sprintf("the EstimatedCharges alarms %s notify nobody (no alarm actions, or actions disabled): runaway charges surface only on the bill",
			strings.Join(silent, ", "))
	}
	f := audit.ManagementFinding(e, msg)
	f.Region = estate.BillingRegion
	return []audit.Finding{f}
}

// checkCostReport reports a management account without a Cost and Usage
// Report, or whose reports are none of them hourly with the Athena
// integration.
func checkCostReport(e *estate.Estate) []audit.Finding {
	if e.Billing == nil || e.Billing.Reports == nil {
		return nil
	}
	if len(e.Billing.Reports) == 0 {
		return []audit.Finding{audit.ManagementFinding(e, "no Cost and Usage Report: the most detailed cost and usage data, by hour and resource, is not kept")}
	}
	var names []string
	for _, r := range audit.SortedValues(e.Billing.Reports) {
		if r.TimeUnit == "HOURLY" && slices.Contains(r.Artifacts, "ATHENA") {
			return nil
		}
		artifacts := "no integration"
		if len(r.Artifacts) > 0 {
			artifacts = "integration " + audit.NameList(r.Artifacts)
		}
		names = append(names, fmt.Sprintf("%s (%s, %s)", r.Name, strings.ToLower(r.TimeUnit), artifacts))
	}
	return []audit.Finding{audit.ManagementFinding(e, "no Cost and Usage Report is hourly with the Athena integration: "+strings.Join(names, "; "))}
}

// checkCostAllocationTags reports the tagging dictionary's keys that are
// not active cost allocation tags, telling inactive keys from keys AWS
// has not seen on any resource.
func checkCostAllocationTags(e *estate.Estate) []audit.Finding {
	if e.Billing == nil || e.Billing.CostAllocationTags == nil {
		return nil
	}
	var inactive, unseen []string
	for _, k := range slices.Sorted(maps.Keys(e.Billing.CostAllocationTags)) {
		switch e.Billing.CostAllocationTags[k] {
		case estate.CostTagActive:
		case estate.CostTagInactive:
			inactive = append(inactive, k)
		default:
			unseen = append(unseen, k)
		}
	}
	var parts []string
	if len(inactive) > 0 {
		parts = append(parts, "inactive: "+audit.NameList(inactive))
	}
	if len(unseen) > 0 {
		parts = append(parts, "not yet seen on any resource: "+audit.NameList(unseen))
	}
	if len(parts) == 0 {
		return nil
	}
	return []audit.Finding{audit.ManagementFinding(e, "tagging dictionary keys are not active cost allocation tags ("+strings.Join(parts, "; ")+
		"): Cost Explorer and the Cost and Usage Report cannot break costs down by them")}
}

// needsTagDictionary says why GW-BIL-006 has no yardstick: which keys
// should be cost allocation tags is the tagging dictionary's to say, and
// the spec that holds it did not ask for them.
func needsTagDictionary(e *estate.Estate) string {
	if e.Billing == nil || e.Billing.CostAllocationTags != nil || e.Billing.TagDictionary {
		return ""
	}
	return "only the spec's tagging dictionary says which tag keys should be active cost allocation tags: audit with a " +
		"foundation.yaml whose tagging section lists them and whose billing section keeps cost_allocation_tags on"
}

// checkBillingAlerts reports a management account for which AWS publishes
// no EstimatedCharges metric.
func checkBillingAlerts(e *estate.Estate) []audit.Finding {
	if e.Billing == nil || e.Billing.BillingAlerts == nil || *e.Billing.BillingAlerts {
		return nil
	}
	msg := fmt.Sprintf("AWS publishes no %s metric in %s: billing alerts are off in the Billing preferences (or were turned on "+
		"within the last hours), so no estimated-charges alarm can fire", "AWS/Billing EstimatedCharges", estate.BillingRegion)
	f := audit.ManagementFinding(e, msg)
	f.Region = estate.BillingRegion
	return []audit.Finding{f}
}
