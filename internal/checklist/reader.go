package checklist

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
)

// Reader opens the AWS APIs the detectors call. Its methods are called
// concurrently and must be cheap: they build clients, the calls are made
// by the detectors.
type Reader interface {
	// IAM is the IAM API of one account: the management account's own
	// credentials for it, the access role for a member; accountID "" is
	// the account of the Reader's own credentials.
	IAM(accountID string) IAMAPI
	// Account is the Account Management API of the management account.
	Account() AccountAPI
	// SNS is the SNS API of the management account in its home Region,
	// where the alarm topics live.
	SNS() SNSAPI
	// CostExplorer is the Cost Explorer API of the management account.
	CostExplorer() CostExplorerAPI
	// CloudWatch is the CloudWatch API of the management account in
	// us-east-1, where AWS publishes the billing metrics.
	CloudWatch() CloudWatchAPI
	// Support is the AWS Support API of the management account, which
	// answers in us-east-1.
	Support() SupportAPI
	// SSOAdmin is the IAM Identity Center admin API of the management
	// account in its home Region.
	SSOAdmin() SSOAdminAPI
}

// SupportAPI is the Support call the support plan detector makes. It
// returns nil when the plan answers, and the service's error otherwise:
// SubscriptionRequiredException on Basic support.
type SupportAPI interface {
	DescribeSeverityLevels(ctx context.Context) error
}

// SSOAdminAPI is the part of the IAM Identity Center admin client the
// Identity Center detector calls.
type SSOAdminAPI interface {
	ListInstances(context.Context, *ssoadmin.ListInstancesInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error)
}

// IAMAPI is the part of the IAM client the root user detectors call.
type IAMAPI interface {
	GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error)
	ListVirtualMFADevices(context.Context, *iam.ListVirtualMFADevicesInput, ...func(*iam.Options)) (*iam.ListVirtualMFADevicesOutput, error)
}

// AccountAPI is the part of the Account Management client the contact
// detectors call, always about the caller's own account (no AccountId).
type AccountAPI interface {
	GetAlternateContact(context.Context, *account.GetAlternateContactInput, ...func(*account.Options)) (*account.GetAlternateContactOutput, error)
	GetContactInformation(context.Context, *account.GetContactInformationInput, ...func(*account.Options)) (*account.GetContactInformationOutput, error)
}

// SNSAPI is the part of the SNS client the subscription detector calls.
type SNSAPI interface {
	ListSubscriptions(context.Context, *sns.ListSubscriptionsInput, ...func(*sns.Options)) (*sns.ListSubscriptionsOutput, error)
}

// CostExplorerAPI is the part of the Cost Explorer client the Cost
// Explorer detector calls.
type CostExplorerAPI interface {
	GetCostAndUsage(context.Context, *costexplorer.GetCostAndUsageInput, ...func(*costexplorer.Options)) (*costexplorer.GetCostAndUsageOutput, error)
}

// CloudWatchAPI is the part of the CloudWatch client the billing alerts
// detector calls.
type CloudWatchAPI interface {
	ListMetrics(context.Context, *cloudwatch.ListMetricsInput, ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error)
}

var (
	_ SSOAdminAPI     = (*ssoadmin.Client)(nil)
	_ CloudWatchAPI   = (*cloudwatch.Client)(nil)
	_ IAMAPI          = (*iam.Client)(nil)
	_ AccountAPI      = (*account.Client)(nil)
	_ SNSAPI          = (*sns.Client)(nil)
	_ CostExplorerAPI = (*costexplorer.Client)(nil)
)
