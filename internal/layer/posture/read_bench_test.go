package posture

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

// The posture read over the whole estate. Every account looks alike: its
// credential report lists benchUsers IAM users, it owns benchBuckets
// buckets, and in each Region it has one customer-managed KMS key. The
// management account runs no workloads.
//
//	go test -run '^$' -bench ReadPosture -benchtime 3x ./internal/layer/posture

const (
	benchUsers   = 2
	benchBuckets = 2
)

func BenchmarkReadPosture(b *testing.B) {
	f := &inventorytest.Calls{}
	inventorytest.Bench(b, f, func(e *estate.Estate, scope estate.Scope, opts inventory.Options) error {
		if err := readWith(context.Background(), benchPosture{f}, e, scope, opts); err != nil {
			return err
		}
		if n := len(e.Posture.Accounts); n != inventorytest.BenchAccounts {
			return fmt.Errorf("posture read in %d accounts, want %d", n, inventorytest.BenchAccounts)
		}
		return nil
	})
}

type benchPosture struct{ f *inventorytest.Calls }

func (c benchPosture) IAM(w estate.Location) iamReadAPI       { return benchIAM{c.f, w} }
func (c benchPosture) S3(w estate.Location) s3ReadAPI         { return benchS3{c.f, w} }
func (c benchPosture) KMS(w estate.Location) kmsReadAPI       { return benchKMS{c.f, w} }
func (c benchPosture) EC2(estate.Location) instanceReadAPI    { return benchWorkloads{c.f} }
func (c benchPosture) RDS(estate.Location) dbInstanceReadAPI  { return benchWorkloads{c.f} }
func (c benchPosture) Lambda(estate.Location) functionReadAPI { return benchWorkloads{c.f} }
func (c benchPosture) ECS(estate.Location) ecsClusterReadAPI  { return benchECS{c.f} }
func (c benchPosture) EKS(estate.Location) eksClusterReadAPI  { return benchEKS{c.f} }

type benchIAM struct {
	f *inventorytest.Calls
	w estate.Location
}

func (c benchIAM) GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error) {
	c.f.Call()
	return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeComplete}, nil
}

func (c benchIAM) GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error) {
	c.f.Call()
	var report strings.Builder
	report.WriteString("user,arn,user_creation_time,password_enabled,password_last_used,mfa_active," +
		"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date," +
		"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n")
	fmt.Fprintf(&report, "<root_account>,arn:aws:iam::%s:root,2024-01-01T00:00:00+00:00,not_supported,N/A,true,false,N/A,N/A,false,N/A,N/A\n", string(c.w.Account))
	for i := range benchUsers {
		fmt.Fprintf(&report, "user%d,arn:aws:iam::%s:user/user%d,2024-01-01T00:00:00+00:00,true,2024-06-01T00:00:00+00:00,true,"+
			"true,2024-05-01T00:00:00+00:00,2024-06-01T00:00:00+00:00,false,N/A,N/A\n", i, string(c.w.Account), i)
	}
	return &iam.GetCredentialReportOutput{Content: []byte(report.String()), ReportFormat: iamtypes.ReportFormatTypeTextCsv}, nil
}

func (c benchIAM) ListAttachedUserPolicies(context.Context, *iam.ListAttachedUserPoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error) {
	c.f.Call()
	return &iam.ListAttachedUserPoliciesOutput{}, nil
}

func (c benchIAM) ListUserPolicies(context.Context, *iam.ListUserPoliciesInput, ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	c.f.Call()
	return &iam.ListUserPoliciesOutput{}, nil
}

type benchS3 struct {
	f *inventorytest.Calls
	w estate.Location
}

func (c benchS3) ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	c.f.Call()
	out := &s3.ListBucketsOutput{}
	for i := range benchBuckets {
		out.Buckets = append(out.Buckets, s3types.Bucket{Name: aws.String(fmt.Sprintf("bucket-%s-%d", string(c.w.Account), i)),
			BucketRegion: aws.String(c.w.Region)})
	}
	return out, nil
}

func (c benchS3) GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	c.f.Call()
	return &s3.GetBucketLocationOutput{}, nil
}

func (c benchS3) GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	c.f.Call()
	t := aws.Bool(true)
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: t, IgnorePublicAcls: t, BlockPublicPolicy: t, RestrictPublicBuckets: t}}, nil
}

func (c benchS3) GetBucketPolicyStatus(context.Context, *s3.GetBucketPolicyStatusInput, ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error) {
	c.f.Call()
	return &s3.GetBucketPolicyStatusOutput{PolicyStatus: &s3types.PolicyStatus{IsPublic: aws.Bool(false)}}, nil
}

func (c benchS3) GetBucketAcl(context.Context, *s3.GetBucketAclInput, ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	c.f.Call()
	return &s3.GetBucketAclOutput{Grants: []s3types.Grant{{
		Grantee:    &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: aws.String("owner")},
		Permission: s3types.PermissionFullControl}}}, nil
}

type benchKMS struct {
	f *inventorytest.Calls
	w estate.Location
}

func (c benchKMS) ListKeys(context.Context, *kms.ListKeysInput, ...func(*kms.Options)) (*kms.ListKeysOutput, error) {
	c.f.Call()
	return &kms.ListKeysOutput{Keys: []kmstypes.KeyListEntry{{KeyId: aws.String("key-" + string(c.w.Account))}}}, nil
}

func (c benchKMS) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	c.f.Call()
	return &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{
		KeyId: in.KeyId, Arn: aws.String("arn:aws:kms:" + c.w.Region + ":" + string(c.w.Account) + ":key/" + aws.ToString(in.KeyId)),
		KeyManager: kmstypes.KeyManagerTypeCustomer, KeyState: kmstypes.KeyStateEnabled,
		KeySpec: kmstypes.KeySpecSymmetricDefault, Origin: kmstypes.OriginTypeAwsKms}}, nil
}

func (c benchKMS) GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	c.f.Call()
	return &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: true}, nil
}

// benchWorkloads, benchECS and benchEKS find no workloads.
type benchWorkloads struct{ f *inventorytest.Calls }

func (c benchWorkloads) DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	c.f.Call()
	return &ec2.DescribeInstancesOutput{}, nil
}

func (c benchWorkloads) DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	c.f.Call()
	return &rds.DescribeDBInstancesOutput{}, nil
}

func (c benchWorkloads) ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error) {
	c.f.Call()
	return &lambda.ListFunctionsOutput{}, nil
}

type benchECS struct{ f *inventorytest.Calls }

func (c benchECS) ListClusters(context.Context, *ecs.ListClustersInput, ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	c.f.Call()
	return &ecs.ListClustersOutput{}, nil
}

type benchEKS struct{ f *inventorytest.Calls }

func (c benchEKS) ListClusters(context.Context, *eks.ListClustersInput, ...func(*eks.Options)) (*eks.ListClustersOutput, error) {
	c.f.Call()
	return &eks.ListClustersOutput{}, nil
}
