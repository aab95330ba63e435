package awsx

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
)

// CloudWatch returns the CloudWatch client of the account and Region.
//
// go.mod pins github.com/aws/aws-sdk-go-v2/service/cloudwatch at v1.51.1
// on purpose, and this file is what makes it a direct dependency. From
// v1.53.0 on, the SDK speaks the Smithy RPC v2 CBOR protocol to
// CloudWatch. AWS accepts it, but moto 5.2.x, the independent AWS API
// implementation the integration tests and the demo run against, serves
// CloudWatch over the AWS query protocol only and fails a CBOR request.
// v1.51.1 is the newest release available to this build that still speaks
// the query protocol, which AWS keeps serving, so one client works against
// both and the end-to-end tests check alarms through the code real AWS
// gets. The alternatives were worse: a hand-written query client would
// duplicate the SDK, and leaving alarms out of the integration tests
// would leave the write that makes the whole layer useful unverified.
// Before raising the version, check that the moto pinned in
// scripts/requirements.txt speaks RPC v2 CBOR for CloudWatch.
func (c ConfigFor) CloudWatch() *cloudwatch.Client {
	return client(c, "cloudwatch", func(cfg aws.Config) *cloudwatch.Client {
		return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) { o.HTTPSignerV4 = c.Session.signer() })
	})
}
