package awsx

import (
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/costandusagereportservice"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// One constructor per AWS service, for one account and Region. Each call
// builds a client on the cached credentials, which is cheap. The services
// that need more than the configuration have files of their own:
// CloudWatch (clients_cloudwatch.go, a protocol pin) and S3 Control
// (clients_s3control.go, an endpoint fix-up). S3 is addressed path-style
// when an endpoint override asks for it.
//
// Budgets, the Cost and Usage Report API, Cost Explorer, Organizations and
// Account are served from one Region (us-east-1) whatever the Region of
// the configuration: the caller picks it in ConfigFor.

// AccountManagement returns the client of the Account Management service
// (alternate contacts and the like); ConfigFor's Account field names the
// account it is built for.
func (c ConfigFor) AccountManagement() *account.Client { return account.NewFromConfig(c.Config()) }

func (c ConfigFor) Budgets() *budgets.Client { return budgets.NewFromConfig(c.Config()) }

func (c ConfigFor) CloudTrail() *cloudtrail.Client { return cloudtrail.NewFromConfig(c.Config()) }

func (c ConfigFor) ConfigService() *configservice.Client {
	return configservice.NewFromConfig(c.Config())
}

func (c ConfigFor) CostAndUsageReports() *costandusagereportservice.Client {
	return costandusagereportservice.NewFromConfig(c.Config())
}

func (c ConfigFor) CostExplorer() *costexplorer.Client { return costexplorer.NewFromConfig(c.Config()) }

func (c ConfigFor) EC2() *ec2.Client { return ec2.NewFromConfig(c.Config()) }

func (c ConfigFor) ECS() *ecs.Client { return ecs.NewFromConfig(c.Config()) }

func (c ConfigFor) EKS() *eks.Client { return eks.NewFromConfig(c.Config()) }

func (c ConfigFor) EventBridge() *eventbridge.Client { return eventbridge.NewFromConfig(c.Config()) }

func (c ConfigFor) IAM() *iam.Client { return iam.NewFromConfig(c.Config()) }

func (c ConfigFor) KMS() *kms.Client { return kms.NewFromConfig(c.Config()) }

func (c ConfigFor) Lambda() *lambda.Client { return lambda.NewFromConfig(c.Config()) }

func (c ConfigFor) Logs() *cloudwatchlogs.Client { return cloudwatchlogs.NewFromConfig(c.Config()) }

func (c ConfigFor) Organizations() *organizations.Client {
	return organizations.NewFromConfig(c.Config())
}

func (c ConfigFor) RDS() *rds.Client { return rds.NewFromConfig(c.Config()) }

func (c ConfigFor) S3() *s3.Client {
	return s3.NewFromConfig(c.Config(), func(o *s3.Options) { o.UsePathStyle = c.Session.PathStyle() })
}

func (c ConfigFor) SNS() *sns.Client { return sns.NewFromConfig(c.Config()) }

func (c ConfigFor) STS() *sts.Client { return sts.NewFromConfig(c.Config()) }
