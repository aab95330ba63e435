package awsx

import (
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/costandusagereportservice"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// The clients of the billing layer, which lives in the management account.
// Budgets, the Cost and Usage Report API and Cost Explorer are served from
// us-east-1 whatever the Region of the configuration: the caller passes it.
// The CloudWatch and SNS constructors carry a Billing prefix so that they
// stay apart from the monitoring layer's clients of the same services.

func (c ConfigFor) Budgets() *budgets.Client { return budgets.NewFromConfig(c.Config()) }

func (c ConfigFor) CostAndUsageReports() *costandusagereportservice.Client {
	return costandusagereportservice.NewFromConfig(c.Config())
}

func (c ConfigFor) CostExplorer() *costexplorer.Client { return costexplorer.NewFromConfig(c.Config()) }

// BillingCloudWatch is pinned to service/cloudwatch v1.51.1 by go.mod: later
// versions speak RPCv2 CBOR, which moto does not (see clients_monitoring.go).
func (c ConfigFor) BillingCloudWatch() *cloudwatch.Client {
	return cloudwatch.NewFromConfig(c.Config())
}

func (c ConfigFor) BillingSNS() *sns.Client { return sns.NewFromConfig(c.Config()) }
