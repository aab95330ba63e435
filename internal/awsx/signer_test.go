package awsx

import (
	"context"
	"reflect"
	"testing"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
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
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Every client of a session signs through the session's one signer (S3's
// through its own), and that signer is built as the SDK builds each
// service's default one: the same options, so the same signatures. A
// constructor that builds its own signer again, or an SDK release whose
// default signer for a service changes, fails here.
func TestClientsShareTheSessionSigner(t *testing.T) {
	testEnv(t, "")
	s, err := Load(context.Background(), Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	member := ConfigFor{Session: s, Account: "222222222222", Management: "111111111111", Region: "eu-west-1"}
	cfg := member.Config()
	// fresh is what the session's signers are before any use, to compare
	// with the SDK's defaults (a used signer holds derived keys).
	fs := &Session{Base: s.Base}
	fs.initSigners()
	fresh := fs.signers
	for name, tc := range map[string]struct {
		got, sdk any
		s3       bool
	}{
		"AccountManagement":   {member.AccountManagement().Options().HTTPSignerV4, account.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"AccessAnalyzer":      {member.AccessAnalyzer().Options().HTTPSignerV4, accessanalyzer.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"Budgets":             {member.Budgets().Options().HTTPSignerV4, budgets.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"CloudTrail":          {member.CloudTrail().Options().HTTPSignerV4, cloudtrail.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"CloudWatch":          {member.CloudWatch().Options().HTTPSignerV4, cloudwatch.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"ConfigService":       {member.ConfigService().Options().HTTPSignerV4, configservice.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"CostAndUsageReports": {member.CostAndUsageReports().Options().HTTPSignerV4, costandusagereportservice.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"CostExplorer":        {member.CostExplorer().Options().HTTPSignerV4, costexplorer.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"EC2":                 {member.EC2().Options().HTTPSignerV4, ec2.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"ECS":                 {member.ECS().Options().HTTPSignerV4, ecs.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"EFS":                 {member.EFS().Options().HTTPSignerV4, efs.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"EKS":                 {member.EKS().Options().HTTPSignerV4, eks.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"EventBridge":         {member.EventBridge().Options().HTTPSignerV4, eventbridge.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"IAM":                 {member.IAM().Options().HTTPSignerV4, iam.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"IdentityStore":       {member.IdentityStore().Options().HTTPSignerV4, identitystore.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"KMS":                 {member.KMS().Options().HTTPSignerV4, kms.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"Lambda":              {member.Lambda().Options().HTTPSignerV4, lambda.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"Logs":                {member.Logs().Options().HTTPSignerV4, cloudwatchlogs.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"Macie":               {member.Macie().Options().HTTPSignerV4, macie2.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"Organizations":       {member.Organizations().Options().HTTPSignerV4, organizations.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"RDS":                 {member.RDS().Options().HTTPSignerV4, rds.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"S3":                  {member.S3().Options().HTTPSignerV4, s3.NewFromConfig(cfg).Options().HTTPSignerV4, true},
		"S3Control":           {member.S3Control().Options().HTTPSignerV4, s3control.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"SecurityHub":         {member.SecurityHub().Options().HTTPSignerV4, securityhub.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"SNS":                 {member.SNS().Options().HTTPSignerV4, sns.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"SSOAdmin":            {member.SSOAdmin().Options().HTTPSignerV4, ssoadmin.NewFromConfig(cfg).Options().HTTPSignerV4, false},
		"STS":                 {member.STS().Options().HTTPSignerV4, sts.NewFromConfig(cfg).Options().HTTPSignerV4, false},
	} {
		shared, want := s.signer(), fresh[0]
		if tc.s3 {
			shared, want = s.s3Signer(), fresh[1]
		}
		if tc.got != any(shared) {
			t.Errorf("%s: the client signs with a signer of its own, want the session's", name)
		}
		if sdk, ok := tc.sdk.(*v4.Signer); !ok || !reflect.DeepEqual(sdk, want) {
			t.Errorf("%s: the SDK's default signer %#v differs from the session's %#v", name, tc.sdk, want)
		}
	}
	// Two accounts' clients in two Regions share it.
	other := ConfigFor{Session: s, Account: "333333333333", Management: "111111111111", Region: "us-west-2"}
	if member.EC2().Options().HTTPSignerV4 != other.IAM().Options().HTTPSignerV4 {
		t.Errorf("clients of two accounts sign with two signers")
	}
}
