package awsx

import (
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The clients of one account and Region. Each call builds a client on the
// cached credentials, which is cheap; S3 is addressed path-style when an
// endpoint override asks for it.

func (c ConfigFor) KMS() *kms.Client { return kms.NewFromConfig(c.Config()) }

func (c ConfigFor) S3() *s3.Client {
	return s3.NewFromConfig(c.Config(), func(o *s3.Options) { o.UsePathStyle = c.Session.PathStyle() })
}

func (c ConfigFor) CloudTrail() *cloudtrail.Client { return cloudtrail.NewFromConfig(c.Config()) }

func (c ConfigFor) ConfigService() *configservice.Client {
	return configservice.NewFromConfig(c.Config())
}

func (c ConfigFor) IAM() *iam.Client { return iam.NewFromConfig(c.Config()) }

func (c ConfigFor) Logs() *cloudwatchlogs.Client { return cloudwatchlogs.NewFromConfig(c.Config()) }
