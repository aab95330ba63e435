package kinds

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/costandusagereportservice"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// BillingClients builds the clients of the billing layer's kinds. Every
// billing resource lives in the management account, so only the Region
// varies; Budgets, the Cost and Usage Report API and Cost Explorer answer
// in estate.BillingRegion alone.
type BillingClients interface {
	Budgets() BudgetsAPI
	Alarms(region string) BillingAlarmAPI
	Topics(region string) BillingTopicAPI
	CostReports() CostReportAPI
	CostAllocationTags() CostAllocationTagsAPI
}

// SessionBillingClients are the real clients of the billing layer: the
// session's own credentials, which are the management account's.
type SessionBillingClients struct {
	Session *awsx.Session
}

var _ BillingClients = SessionBillingClients{}

func (c SessionBillingClients) at(region string) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Region: region}
}

func (c SessionBillingClients) Budgets() BudgetsAPI { return c.at(estate.BillingRegion).Budgets() }
func (c SessionBillingClients) Alarms(region string) BillingAlarmAPI {
	return c.at(region).CloudWatch()
}
func (c SessionBillingClients) Topics(region string) BillingTopicAPI {
	return c.at(region).SNS()
}
func (c SessionBillingClients) CostReports() CostReportAPI {
	return c.at(estate.BillingRegion).CostAndUsageReports()
}
func (c SessionBillingClients) CostAllocationTags() CostAllocationTagsAPI {
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
	return append(accountDeps(estate.ManagementKey), extra...)
}

// managementID resolves the management account's ID, which Budgets
// takes as a parameter and ARNs hold.
func (e *Env) managementID() (string, error) {
	id, ok := e.lookup(estate.RefAccountID, estate.ManagementKey)
	if !ok {
		return "", fmt.Errorf("the management account's ID is not known yet; the organization should have been created earlier in this apply")
	}
	return id, nil
}
