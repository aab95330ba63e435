package awsx

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/costandusagereportservice"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// One constructor per AWS service, for one account and Region. Clients are
// cached in the Session per account, Region and service (see client), so
// that every change in an account shares one client and with it one
// adaptive rate limiter and retry budget. The services
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
func (c ConfigFor) AccountManagement() *account.Client {
	return client(c, "account", func(cfg aws.Config) *account.Client {
		return account.NewFromConfig(cfg, func(o *account.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

// AccessAnalyzer returns the client of IAM Access Analyzer, a regional
// service.
func (c ConfigFor) AccessAnalyzer() *accessanalyzer.Client {
	return client(c, "accessanalyzer", func(cfg aws.Config) *accessanalyzer.Client {
		return accessanalyzer.NewFromConfig(cfg, func(o *accessanalyzer.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) Budgets() *budgets.Client {
	return client(c, "budgets", func(cfg aws.Config) *budgets.Client {
		return budgets.NewFromConfig(cfg, func(o *budgets.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) CloudTrail() *cloudtrail.Client {
	return client(c, "cloudtrail", func(cfg aws.Config) *cloudtrail.Client {
		return cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) ConfigService() *configservice.Client {
	return client(c, "configservice", func(cfg aws.Config) *configservice.Client {
		return configservice.NewFromConfig(cfg, func(o *configservice.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) CostAndUsageReports() *costandusagereportservice.Client {
	return client(c, "costandusagereportservice", func(cfg aws.Config) *costandusagereportservice.Client {
		return costandusagereportservice.NewFromConfig(cfg, func(o *costandusagereportservice.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) CostExplorer() *costexplorer.Client {
	return client(c, "costexplorer", func(cfg aws.Config) *costexplorer.Client {
		return costexplorer.NewFromConfig(cfg, func(o *costexplorer.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) EC2() *ec2.Client {
	return client(c, "ec2", func(cfg aws.Config) *ec2.Client {
		return ec2.NewFromConfig(cfg, func(o *ec2.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) ECS() *ecs.Client {
	return client(c, "ecs", func(cfg aws.Config) *ecs.Client {
		return ecs.NewFromConfig(cfg, func(o *ecs.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) EFS() *efs.Client {
	return client(c, "efs", func(cfg aws.Config) *efs.Client {
		return efs.NewFromConfig(cfg, func(o *efs.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) EKS() *eks.Client {
	return client(c, "eks", func(cfg aws.Config) *eks.Client {
		return eks.NewFromConfig(cfg, func(o *eks.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) EventBridge() *eventbridge.Client {
	return client(c, "eventbridge", func(cfg aws.Config) *eventbridge.Client {
		return eventbridge.NewFromConfig(cfg, func(o *eventbridge.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) IAM() *iam.Client {
	return client(c, "iam", func(cfg aws.Config) *iam.Client {
		return iam.NewFromConfig(cfg, func(o *iam.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

// IdentityStore returns the client of the IAM Identity Center identity
// store (users, groups, memberships), served in the instance's Region.
func (c ConfigFor) IdentityStore() *identitystore.Client {
	return client(c, "identitystore", func(cfg aws.Config) *identitystore.Client {
		return identitystore.NewFromConfig(cfg, func(o *identitystore.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) KMS() *kms.Client {
	return client(c, "kms", func(cfg aws.Config) *kms.Client {
		return kms.NewFromConfig(cfg, func(o *kms.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) Lambda() *lambda.Client {
	return client(c, "lambda", func(cfg aws.Config) *lambda.Client {
		return lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) Logs() *cloudwatchlogs.Client {
	return client(c, "cloudwatchlogs", func(cfg aws.Config) *cloudwatchlogs.Client {
		return cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

// Macie returns the client of Amazon Macie, a regional service.
func (c ConfigFor) Macie() *macie2.Client {
	return client(c, "macie2", func(cfg aws.Config) *macie2.Client {
		return macie2.NewFromConfig(cfg, func(o *macie2.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) Organizations() *organizations.Client {
	return client(c, "organizations", func(cfg aws.Config) *organizations.Client {
		return organizations.NewFromConfig(cfg, func(o *organizations.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) RDS() *rds.Client {
	return client(c, "rds", func(cfg aws.Config) *rds.Client {
		return rds.NewFromConfig(cfg, func(o *rds.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) S3() *s3.Client {
	return client(c, "s3", func(cfg aws.Config) *s3.Client {
		return s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = c.Session.PathStyle()
			o.HTTPSignerV4 = c.Session.s3Signer()
		})
	})
}

func (c ConfigFor) SecurityHub() *securityhub.Client {
	return client(c, "securityhub", func(cfg aws.Config) *securityhub.Client {
		return securityhub.NewFromConfig(cfg, func(o *securityhub.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) SNS() *sns.Client {
	return client(c, "sns", func(cfg aws.Config) *sns.Client {
		return sns.NewFromConfig(cfg, func(o *sns.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

// SSOAdmin returns the client of the IAM Identity Center admin API
// (instances, permission sets, account assignments), served in the
// instance's Region.
func (c ConfigFor) SSOAdmin() *ssoadmin.Client {
	return client(c, "ssoadmin", func(cfg aws.Config) *ssoadmin.Client {
		return ssoadmin.NewFromConfig(cfg, func(o *ssoadmin.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

func (c ConfigFor) STS() *sts.Client {
	return client(c, "sts", func(cfg aws.Config) *sts.Client {
		return sts.NewFromConfig(cfg, func(o *sts.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}

// clientKey names one cached client.
type clientKey struct{ account, management, region, service string }

// client returns the session's client of service for c, built with
// build on first use.
func client[T any](c ConfigFor, service string, build func(aws.Config) T) T {
	s := c.Session
	key := clientKey{c.Account, c.Management, c.Region, service}
	s.mu.Lock()
	if cl, ok := s.clients[key].(T); ok {
		s.mu.Unlock()
		return cl
	}
	s.mu.Unlock()
	// Config takes s.mu itself; two callers may build one client each at
	// once, and the first stored wins.
	cl := build(c.Config())
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.clients[key].(T); ok {
		return old
	}
	if s.clients == nil {
		s.clients = map[clientKey]any{}
	}
	s.clients[key] = cl
	return cl
}
