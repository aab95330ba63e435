package awssim

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/groundwork-aws/groundwork/internal/awsx"
)

// memberConfig is the SDK's configuration as member i, through the keys
// AssumeRole hands out.
func memberConfig(t *testing.T, url string, i int) aws.Config {
	t.Helper()
	creds, err := sts.NewFromConfig(config(url, "testing")).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + MemberID(i) + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("t")})
	if err != nil {
		t.Fatal(err)
	}
	return config(url, aws.ToString(creds.Credentials.AccessKeyId))
}

// What a write changes, later reads see, in the account and Region
// written to only.
func TestWritesAreReadBack(t *testing.T) {
	srv := httptest.NewServer(New(Org{Accounts: 5, Regions: []string{"eu-west-1", "us-east-1"}, Bare: true, Limits: map[string]Bucket{}}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cfg := memberConfig(t, srv.URL, 4)

	users := iam.NewFromConfig(cfg)
	if _, err := users.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{}); !awsx.ErrorCodeIs(err, "NoSuchEntity") {
		t.Fatalf("a bare account's password policy: %v, want NoSuchEntity", err)
	}
	if _, err := users.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(17), RequireSymbols: true}); err != nil {
		t.Fatal(err)
	}
	pol, err := users.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if err != nil || aws.ToInt32(pol.PasswordPolicy.MinimumPasswordLength) != 17 || !pol.PasswordPolicy.RequireSymbols {
		t.Errorf("password policy after the update: %+v, %v", pol, err)
	}

	config := configservice.NewFromConfig(cfg)
	if _, err := config.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{ConfigurationRecorder: &cfgtypes.ConfigurationRecorder{
		Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::" + MemberID(4) + ":role/r")}}); err != nil {
		t.Fatal(err)
	}
	recs, err := config.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	if err != nil || len(recs.ConfigurationRecorders) != 1 || aws.ToString(recs.ConfigurationRecorders[0].Name) != "default" {
		t.Errorf("recorders after the put: %+v, %v", recs, err)
	}
	other := configservice.NewFromConfig(cfg, func(o *configservice.Options) { o.Region = "us-east-1" })
	if recs, err := other.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{}); err != nil || len(recs.ConfigurationRecorders) != 0 {
		t.Errorf("recorders of another Region: %+v, %v; want none", recs, err)
	}

	buckets := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := buckets.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("logs-x")}); err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs-x/*"}]}`
	if _, err := buckets.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("logs-x"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	got, err := buckets.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("logs-x")})
	if err != nil || aws.ToString(got.Policy) != policy {
		t.Errorf("bucket policy: %v, %v", aws.ToString(got.Policy), err)
	}
	status, err := buckets.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("logs-x")})
	if err != nil || !aws.ToBool(status.PolicyStatus.IsPublic) {
		t.Errorf("policy status of a policy granting everyone: %+v, %v; want public", status, err)
	}
	if _, err := s3.NewFromConfig(memberConfig(t, srv.URL, 3), func(o *s3.Options) { o.UsePathStyle = true }).
		CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("logs-x")}); !awsx.ErrorCodeIs(err, "BucketAlreadyExists") {
		t.Errorf("another account making the same bucket: %v, want BucketAlreadyExists", err)
	}
}

// A bare account's default VPC goes only once what is in it is gone, as
// EC2 refuses; then it is no longer listed.
func TestDefaultVPCDeletion(t *testing.T) {
	srv := httptest.NewServer(New(Org{Accounts: 1, Regions: []string{"eu-west-1"}, Bare: true, Limits: map[string]Bucket{}}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	api := ec2.NewFromConfig(memberConfig(t, srv.URL, 0))
	vpcs, err := api.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("isDefault"), Values: []string{"true"}}}})
	if err != nil || len(vpcs.Vpcs) != 1 {
		t.Fatalf("default VPCs: %+v, %v", vpcs, err)
	}
	id := vpcs.Vpcs[0].VpcId
	if _, err := api.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: id}); !awsx.ErrorCodeIs(err, "DependencyViolation") {
		t.Errorf("deleting a VPC with subnets: %v, want DependencyViolation", err)
	}
	filter := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{aws.ToString(id)}}}
	subnets, err := api.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: filter})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subnets.Subnets {
		if _, err := api.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: s.SubnetId}); err != nil {
			t.Fatal(err)
		}
	}
	gws, err := api.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{
		Filters: []ec2types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{aws.ToString(id)}}}})
	if err != nil || len(gws.InternetGateways) != 1 {
		t.Fatalf("gateways: %+v, %v", gws, err)
	}
	if _, err := api.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: gws.InternetGateways[0].InternetGatewayId, VpcId: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: id}); err != nil {
		t.Fatal(err)
	}
	if vpcs, err := api.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil || len(vpcs.Vpcs) != 0 {
		t.Errorf("VPCs after the deletion: %+v, %v; want none", vpcs, err)
	}
}

// The IAM credential report is generated, in progress for a while, then
// read with a row per user; the management account's baselined IAM has
// its user.
func TestCredentialReport(t *testing.T) {
	srv := httptest.NewServer(New(Org{Accounts: 1, Regions: []string{"eu-west-1"}, Limits: map[string]Bucket{}}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	api := iam.NewFromConfig(config(srv.URL, "testing"))
	if _, err := api.GetCredentialReport(ctx, &iam.GetCredentialReportInput{}); !awsx.ErrorCodeIs(err, "ReportNotPresent") {
		t.Fatalf("before generation: %v, want ReportNotPresent", err)
	}
	gen, err := api.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	if err != nil || gen.State != "STARTED" {
		t.Fatalf("generate: %+v, %v", gen, err)
	}
	if _, err := api.GetCredentialReport(ctx, &iam.GetCredentialReportInput{}); !awsx.ErrorCodeIs(err, "ReportInProgress") {
		t.Errorf("at once: %v, want ReportInProgress", err)
	}
	srvState := srv.Config.Handler.(*Server).acct(Management)
	srvState.mu.Lock()
	srvState.iam().reportAt = srvState.iam().reportAt.Add(-2 * reportDelay) // generated a while ago
	srvState.mu.Unlock()
	out, err := api.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil || !strings.Contains(string(out.Content), "\nbreak-glass,arn:aws:iam::"+Management+":user/break-glass,") {
		t.Errorf("report: %q, %v; want the management account's user", out.Content, err)
	}
}
