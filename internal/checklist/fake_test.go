package checklist

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

// fake is a Reader whose answers are func fields; newFake answers as a
// foundation where every detectable step is done. It counts the account
// summaries read, by account.
type fake struct {
	summary     func(accountID string) (*iam.GetAccountSummaryOutput, error)
	listMFA     func(in *iam.ListVirtualMFADevicesInput) (*iam.ListVirtualMFADevicesOutput, error)
	contact     func() (*account.GetContactInformationOutput, error)
	alternate   func(in *account.GetAlternateContactInput) (*account.GetAlternateContactOutput, error)
	subscribers func(in *sns.ListSubscriptionsInput) (*sns.ListSubscriptionsOutput, error)
	cost        func() (*costexplorer.GetCostAndUsageOutput, error)
	metrics     func(in *cloudwatch.ListMetricsInput) (*cloudwatch.ListMetricsOutput, error)
	// support and instances stand in for the Support API, which moto
	// does not implement (DescribeSeverityLevels), and sso-admin's
	// ListInstances.
	support   func() error
	instances func() (*ssoadmin.ListInstancesOutput, error)

	mu        sync.Mutex
	summaries map[string]int
}

var _ Reader = (*fake)(nil)

func newFake() *fake {
	return &fake{
		summary: func(string) (*iam.GetAccountSummaryOutput, error) {
			return &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{keyMFA: 1, keyKeys: 0, keyPassword: 1, "Users": 0}}, nil
		},
		listMFA: func(*iam.ListVirtualMFADevicesInput) (*iam.ListVirtualMFADevicesOutput, error) {
			return &iam.ListVirtualMFADevicesOutput{}, nil
		},
		contact: func() (*account.GetContactInformationOutput, error) {
			return &account.GetContactInformationOutput{ContactInformation: &acctypes.ContactInformation{
				FullName: aws.String("Cloud Team"), CompanyName: aws.String("Example Corp"), PhoneNumber: aws.String("+15550100"),
				AddressLine1: aws.String("1 Main St"), City: aws.String("Springfield"), PostalCode: aws.String("12345"), CountryCode: aws.String("US"),
			}}, nil
		},
		alternate: func(in *account.GetAlternateContactInput) (*account.GetAlternateContactOutput, error) {
			return &account.GetAlternateContactOutput{AlternateContact: &acctypes.AlternateContact{
				AlternateContactType: in.AlternateContactType,
				EmailAddress:         aws.String("aws-" + string(in.AlternateContactType) + "@example.com"),
			}}, nil
		},
		subscribers: func(*sns.ListSubscriptionsInput) (*sns.ListSubscriptionsOutput, error) {
			return &sns.ListSubscriptionsOutput{Subscriptions: []snstypes.Subscription{{
				SubscriptionArn: aws.String("arn:aws:sns:us-east-1:111111111111:alarms:abc"), Protocol: aws.String("email"),
				Endpoint: aws.String("security@example.com"), TopicArn: aws.String("arn:aws:sns:us-east-1:111111111111:alarms"),
			}}}, nil
		},
		cost: func() (*costexplorer.GetCostAndUsageOutput, error) { return &costexplorer.GetCostAndUsageOutput{}, nil },
		metrics: func(in *cloudwatch.ListMetricsInput) (*cloudwatch.ListMetricsOutput, error) {
			if aws.ToString(in.Namespace) != "AWS/Billing" || aws.ToString(in.MetricName) != "EstimatedCharges" {
				return &cloudwatch.ListMetricsOutput{}, nil
			}
			return &cloudwatch.ListMetricsOutput{Metrics: []cwtypes.Metric{{Namespace: in.Namespace, MetricName: in.MetricName,
				Dimensions: []cwtypes.Dimension{{Name: aws.String("Currency"), Value: aws.String("USD")}}}}}, nil
		},
		support: func() error { return nil },
		instances: func() (*ssoadmin.ListInstancesOutput, error) {
			return &ssoadmin.ListInstancesOutput{Instances: []ssotypes.InstanceMetadata{{
				InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-1"), IdentityStoreId: aws.String("d-1")}}}, nil
		},

		summaries: map[string]int{},
	}
}

func (f *fake) IAM(accountID string) IAMAPI   { return fakeIAM{f: f, account: accountID} }
func (f *fake) Account() AccountAPI           { return fakeAccount{f} }
func (f *fake) SNS() SNSAPI                   { return fakeSNS{f} }
func (f *fake) CostExplorer() CostExplorerAPI { return fakeCE{f} }
func (f *fake) CloudWatch() CloudWatchAPI     { return fakeCW{f} }
func (f *fake) Support() SupportAPI           { return fakeSupport{f} }
func (f *fake) SSOAdmin() SSOAdminAPI         { return fakeSSOAdmin{f} }

type fakeSupport struct{ f *fake }

func (c fakeSupport) DescribeSeverityLevels(context.Context) error { return c.f.support() }

type fakeSSOAdmin struct{ f *fake }

func (c fakeSSOAdmin) ListInstances(context.Context, *ssoadmin.ListInstancesInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error) {
	return c.f.instances()
}

type fakeCW struct{ f *fake }

func (c fakeCW) ListMetrics(_ context.Context, in *cloudwatch.ListMetricsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error) {
	return c.f.metrics(in)
}

func (f *fake) countSummary(accountID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.summaries[accountID]++
}

func (f *fake) summaryReads(accountID string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.summaries[accountID]
}

type fakeIAM struct {
	f       *fake
	account string
}

func (c fakeIAM) GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	c.f.countSummary(c.account)
	return c.f.summary(c.account)
}

func (c fakeIAM) ListVirtualMFADevices(_ context.Context, in *iam.ListVirtualMFADevicesInput, _ ...func(*iam.Options)) (*iam.ListVirtualMFADevicesOutput, error) {
	return c.f.listMFA(in)
}

type fakeAccount struct{ f *fake }

func (c fakeAccount) GetContactInformation(context.Context, *account.GetContactInformationInput, ...func(*account.Options)) (*account.GetContactInformationOutput, error) {
	return c.f.contact()
}

func (c fakeAccount) GetAlternateContact(_ context.Context, in *account.GetAlternateContactInput, _ ...func(*account.Options)) (*account.GetAlternateContactOutput, error) {
	return c.f.alternate(in)
}

type fakeSNS struct{ f *fake }

func (c fakeSNS) ListSubscriptions(_ context.Context, in *sns.ListSubscriptionsInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsOutput, error) {
	return c.f.subscribers(in)
}

type fakeCE struct{ f *fake }

func (c fakeCE) GetCostAndUsage(context.Context, *costexplorer.GetCostAndUsageInput, ...func(*costexplorer.Options)) (*costexplorer.GetCostAndUsageOutput, error) {
	return c.f.cost()
}
