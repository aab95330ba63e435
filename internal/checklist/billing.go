package checklist

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	"github.com/aws/smithy-go"
)

// The billing steps of the management account: IAM access to billing,
// billing and tax details, the support plan, Cost Explorer and the billing
// alerts preference. Cost Explorer can be read through an API, the
// billing alerts preference through what it makes AWS publish, and the
// support plan through the Support API, which answers
// SubscriptionRequiredException on Basic support and only on it.

func init() {
	register(step{
		ID:          "CL-005",
		Title:       "IAM user and role access to billing information",
		Guidance:    "000 Allow AWS Identity and Access Management (IAM) role access to billing",
		ConsolePath: "sign in as the root user > account menu (top right) > Account > IAM user and role access to Billing information > Edit > Activate IAM Access",
		Scope:       scopeManagement,
		Manual: "verify by hand: until it is activated, no IAM user or role (Identity Center ones included) sees billing, " +
			"whatever their permissions; member accounts inherit the setting",
	})
	register(step{
		ID:          "CL-006",
		Title:       "Billing and tax information of the management account",
		Guidance:    "000 Configure billing and tax information",
		ConsolePath: "Billing and Cost Management > Payments > Payment preferences; Billing and Cost Management > Tax settings",
		Scope:       scopeManagement,
		Manual:      "verify by hand: payment method, billing contact and tax registration; the management account pays for the whole organization",
	})
	register(step{
		ID:          "CL-009",
		Title:       "Support plan chosen",
		Guidance:    "000 Select AWS support tier; 003 Communication with AWS",
		ConsolePath: "sign in as the root user > Support Center > Support plans > Change plan",
		Scope:       scopeManagement,
		Detect:      detectSupportPlan,
	})
	register(step{
		ID:       "CL-010",
		Title:    "Cost Explorer enabled",
		Guidance: "000 Enable Cost Explorer",
		ConsolePath: "Billing and Cost Management > Cost Explorer (opening it the first time enables it; " +
			"data for the organization appears within about 24 hours)",
		Scope:  scopeManagement,
		Detect: detectCostExplorer,
	})
	register(step{
		ID:          "CL-011",
		Title:       "Receive CloudWatch Billing Alerts",
		Guidance:    "001 Budget alarm",
		ConsolePath: "Billing and Cost Management > Billing preferences > Alert preferences > Edit > Receive CloudWatch Billing Alerts > Save",
		Scope:       scopeManagement,
		Detect:      detectBillingAlerts,
	})
}

// notEnabled is what Cost Explorer's AccessDeniedException says when the
// account never enabled it, as opposed to a caller without permission.
const notEnabled = "not enabled for cost explorer"

// detectCostExplorer asks for one day of cost. Cost Explorer answers only
// once enabled. The request is billed (USD 0.01), once per run.
func detectCostExplorer(ctx context.Context, e *env, _ Account) (Status, string) {
	now := time.Now().UTC()
	_, err := e.r.CostExplorer().GetCostAndUsage(ctx, &costexplorer.GetCostAndUsageInput{
		Granularity: types.GranularityDaily,
		Metrics:     []string{"UnblendedCost"},
		TimePeriod: &types.DateInterval{
			Start: aws.String(now.AddDate(0, 0, -1).Format(time.DateOnly)),
			End:   aws.String(now.Format(time.DateOnly)),
		},
	})
	var unavailable *types.DataUnavailableException
	var ae smithy.APIError
	switch {
	case err == nil:
		return Done, "Cost Explorer answers"
	case errors.As(err, &unavailable):
		return Unknown, "Cost Explorer has no data yet (it may have been enabled less than a day ago): " + err.Error()
	case errors.As(err, &ae) && strings.HasPrefix(ae.ErrorCode(), "AccessDenied"):
		if strings.Contains(strings.ToLower(ae.ErrorMessage()), notEnabled) {
			return Todo, "Cost Explorer is not enabled: " + ae.ErrorMessage()
		}
		return Unknown, "access denied: Cost Explorer is off or the caller lacks ce:GetCostAndUsage: " + err.Error()
	}
	return Unknown, "get cost and usage: " + err.Error()
}

// The metric AWS publishes only while billing alerts are on.
const (
	billingNamespace = "AWS/Billing"
	billingMetric    = "EstimatedCharges"
)

// detectBillingAlerts lists the EstimatedCharges metric in us-east-1
// (one ListMetrics call). No API reads the "Receive CloudWatch Billing
// Alerts" preference, but AWS publishes the metric only while it is on,
// several times a day; ListMetrics lists metrics that received data in
// the last two weeks. Just after the preference is turned on, the metric
// may not be there yet.
func detectBillingAlerts(ctx context.Context, e *env, _ Account) (Status, string) {
	out, err := e.r.CloudWatch().ListMetrics(ctx, &cloudwatch.ListMetricsInput{
		Namespace: aws.String(billingNamespace), MetricName: aws.String(billingMetric)})
	switch {
	case err != nil:
		return Unknown, "list metrics: " + err.Error()
	case len(out.Metrics) == 0:
		return Todo, "AWS publishes no " + billingNamespace + " " + billingMetric + " metric in us-east-1: billing alerts are off " +
			"(or were turned on within the last hours), so an estimated-charges alarm never fires"
	}
	return Done, "AWS publishes the " + billingNamespace + " " + billingMetric + " metric in us-east-1"
}

// detectSupportPlan asks the Support API for its severity levels, which
// every plan but Basic answers. A plan above Basic is done; whether it is
// the plan the organization means to have is its own decision.
func detectSupportPlan(ctx context.Context, e *env, _ Account) (Status, string) {
	err := e.r.Support().DescribeSeverityLevels(ctx)
	var ae smithy.APIError
	switch {
	case err == nil:
		return Done, "the Support API answers: the account has a support plan above Basic (Developer, Business or Enterprise)"
	case errors.As(err, &ae) && ae.ErrorCode() == "SubscriptionRequiredException":
		return Todo, "the account is on Basic support (the Support API answers SubscriptionRequiredException): choose " +
			"Business or Enterprise now if you mean to have it, rather than during an incident"
	}
	return Unknown, "describe severity levels: " + err.Error()
}
