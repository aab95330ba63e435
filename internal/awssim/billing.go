package awssim

import "net/http"

// Billing is the management account's: a monthly budget with an alert
// at 80 % of actual spend, no Cost and Usage Report (a finding), the
// workloads' tags activated for cost allocation. Served read-only: the
// baselines measured do not write billing.
func init() {
	serve("budgets", map[string]handler{
		"DescribeBudgets": jsonRead(func(a *account, _ *call) (any, string) {
			if !a.baselined() {
				return map[string]any{"Budgets": []any{}}, ""
			}
			return map[string]any{"Budgets": []any{map[string]any{"BudgetName": "monthly-cost", "BudgetType": "COST", "TimeUnit": "MONTHLY",
				"BudgetLimit": map[string]any{"Amount": "100000.0", "Unit": "USD"}, "TimePeriod": map[string]any{"Start": 1.7e9}}}}, ""
		}),
		"DescribeNotificationsForBudget": jsonRead(func(*account, *call) (any, string) {
			return map[string]any{"Notifications": []any{budgetAlert}}, ""
		}),
		"DescribeSubscribersForNotification": jsonRead(func(*account, *call) (any, string) {
			return map[string]any{"Subscribers": []any{map[string]any{"SubscriptionType": "EMAIL", "Address": "aws-billing@example.com"}}}, ""
		}),
	})
	serve("cur", map[string]handler{
		"DescribeReportDefinitions": jsonRead(func(*account, *call) (any, string) {
			return map[string]any{"ReportDefinitions": []any{}}, ""
		}),
	})
	serve("ce", map[string]handler{
		"ListCostAllocationTags": jsonRead(func(a *account, c *call) (any, string) {
			tags := []any{}
			if a.baselined() {
				for _, k := range []string{"Environment", "Owner"} {
					tags = append(tags, map[string]any{"TagKey": k, "Type": "UserDefined", "Status": "Active"})
				}
			}
			return map[string]any{"CostAllocationTags": tags}, ""
		}),
		"GetCostAndUsage": func(_ *Server, w http.ResponseWriter, _ *call) {
			writeJSON(w, map[string]any{"ResultsByTime": []any{map[string]any{"TimePeriod": map[string]any{"Start": "2024-01-01", "End": "2024-02-01"},
				"Total": map[string]any{"UnblendedCost": map[string]any{"Amount": "1234.56", "Unit": "USD"}}, "Estimated": false}}})
		},
	})
}

var budgetAlert = map[string]any{"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0, "ThresholdType": "PERCENTAGE"}
