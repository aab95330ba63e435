package billing

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/costandusagereportservice"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// Clients builds the clients of the billing layer's kinds. Tests set
// fakes with kinds.SetClients[billing.Clients]. Every
// billing resource lives in the management account, so only the Region
// varies; Budgets, the Cost and Usage Report API and Cost Explorer answer
// in estate.BillingRegion alone.
type Clients interface {
	Budgets() BudgetsAPI
	Alarms(region string) BillingAlarmAPI
	Topics(region string) BillingTopicAPI
	CostReports() CostReportAPI
	CostAllocationTags() CostAllocationTagsAPI
}

// sessionClients are the real clients of the billing layer: the
// session's own credentials, which are the management account's.
type sessionClients struct{ session *awsx.Session }

var _ Clients = sessionClients{}

func (c sessionClients) at(region string) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.session, Region: region}
}

func (c sessionClients) Budgets() BudgetsAPI { return c.at(estate.BillingRegion).Budgets() }
func (c sessionClients) Alarms(region string) BillingAlarmAPI {
	return c.at(region).CloudWatch()
}
func (c sessionClients) Topics(region string) BillingTopicAPI {
	return c.at(region).SNS()
}
func (c sessionClients) CostReports() CostReportAPI {
	return c.at(estate.BillingRegion).CostAndUsageReports()
}
func (c sessionClients) CostAllocationTags() CostAllocationTagsAPI {
	return c.at(estate.BillingRegion).CostExplorer()
}

// The parts of the clients the billing kinds call. moto 5.2 lacks some
// of them (see each kind); tests cover those with narrow fakes.

type BudgetsAPI interface {
	CreateBudget(context.Context, *budgets.CreateBudgetInput, ...func(*budgets.Options)) (*budgets.CreateBudgetOutput, error)
	UpdateBudget(context.Context, *budgets.UpdateBudgetInput, ...func(*budgets.Options)) (*budgets.UpdateBudgetOutput, error)
	DescribeNotificationsForBudget(context.Context, *budgets.DescribeNotificationsForBudgetInput, ...func(*budgets.Options)) (*budgets.DescribeNotificationsForBudgetOutput, error)
	CreateNotification(context.Context, *budgets.CreateNotificationInput, ...func(*budgets.Options)) (*budgets.CreateNotificationOutput, error)
	DeleteNotification(context.Context, *budgets.DeleteNotificationInput, ...func(*budgets.Options)) (*budgets.DeleteNotificationOutput, error)
	CreateSubscriber(context.Context, *budgets.CreateSubscriberInput, ...func(*budgets.Options)) (*budgets.CreateSubscriberOutput, error)
	DeleteSubscriber(context.Context, *budgets.DeleteSubscriberInput, ...func(*budgets.Options)) (*budgets.DeleteSubscriberOutput, error)
}

type BillingAlarmAPI interface {
	PutMetricAlarm(context.Context, *cloudwatch.PutMetricAlarmInput, ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error)
}

type BillingTopicAPI interface {
	CreateTopic(context.Context, *sns.CreateTopicInput, ...func(*sns.Options)) (*sns.CreateTopicOutput, error)
	SetTopicAttributes(context.Context, *sns.SetTopicAttributesInput, ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error)
	Subscribe(context.Context, *sns.SubscribeInput, ...func(*sns.Options)) (*sns.SubscribeOutput, error)
}

type CostReportAPI interface {
	PutReportDefinition(context.Context, *costandusagereportservice.PutReportDefinitionInput, ...func(*costandusagereportservice.Options)) (*costandusagereportservice.PutReportDefinitionOutput, error)
	ModifyReportDefinition(context.Context, *costandusagereportservice.ModifyReportDefinitionInput, ...func(*costandusagereportservice.Options)) (*costandusagereportservice.ModifyReportDefinitionOutput, error)
}

type CostAllocationTagsAPI interface {
	ListCostAllocationTags(context.Context, *costexplorer.ListCostAllocationTagsInput, ...func(*costexplorer.Options)) (*costexplorer.ListCostAllocationTagsOutput, error)
	UpdateCostAllocationTagsStatus(context.Context, *costexplorer.UpdateCostAllocationTagsStatusInput, ...func(*costexplorer.Options)) (*costexplorer.UpdateCostAllocationTagsStatusOutput, error)
}

var (
	_ BudgetsAPI            = (*budgets.Client)(nil)
	_ BillingAlarmAPI       = (*cloudwatch.Client)(nil)
	_ BillingTopicAPI       = (*sns.Client)(nil)
	_ CostReportAPI         = (*costandusagereportservice.Client)(nil)
	_ CostAllocationTagsAPI = (*costexplorer.Client)(nil)
)

// billingDeps are the changes every billing resource waits for: the
// organization, whose management account they live in and whose ID their
// ARNs and policies hold.
func billingDeps(extra ...string) []string {
	return append(kinds.AccountDeps(estate.ManagementKey), extra...)
}

// clientsOf returns the clients set on env, else the session's.
func clientsOf(env *kinds.Env) (Clients, error) {
	return kinds.ClientsOf(env, "billing", func(s *awsx.Session) Clients { return sessionClients{s} })
}
