package inventory_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
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
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// The whole-estate reads of the audit (the posture, network and hardening
// layers) over an organization of 1000 accounts in 4 Regions, through
// fakes that answer at once after a fixed latency per call, to model a
// round trip. Every account looks alike: its credential report lists
// audBenchUsers IAM users, it owns audBenchBuckets buckets, and in each
// Region it has one customer-managed KMS key, sees the organization trail,
// and has one VPC with its default security group, one other group, one
// network ACL and a flow log; the password policy, Block Public Access and root
// summary are set, and the default VPCs are gone. The management account
// runs no workloads. Each benchmark reports the calls one read makes.
//
//	go test -run '^$' -bench 'Posture|Network|Hardening' -benchtime 3x ./internal/inventory

const (
	audBenchAccounts = 1000 // the management account and 999 members
	audBenchLatency  = time.Millisecond
	audBenchUsers    = 2
	audBenchBuckets  = 2
	audBenchMgmtID   = "100000000000"
)

var audBenchRegions = []string{"us-east-1", "us-east-2", "eu-west-1", "eu-central-1"}

// audBenchEstate is the organization the reads run over, and their scope.
func audBenchEstate() (*estate.Estate, estate.Scope) {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-bench", RootID: "r-bench", FeatureSet: "ALL", ManagementAccountID: audBenchMgmtID}
	scope := estate.Scope{Accounts: []string{estate.ManagementKey}, Regions: audBenchRegions, HomeRegion: audBenchRegions[0]}
	for n := 1; n < audBenchAccounts; n++ {
		email := fmt.Sprintf("acct-%d@example.com", n)
		e.Accounts[email] = &estate.Account{ID: fmt.Sprintf("%012d", 100000000000+n), Email: email, Status: "ACTIVE"}
		scope.Accounts = append(scope.Accounts, email)
	}
	return e, scope
}

// audBenchWidths are the widths measured: one read in flight, eight, and
// the default when it is neither.
func audBenchWidths() []int {
	ws := []int{1, 8}
	if inventory.DefaultWidth != 1 && inventory.DefaultWidth != 8 {
		ws = append(ws, inventory.DefaultWidth)
	}
	return ws
}

// audBenchFake counts the calls of every client built from it and sleeps
// audBenchLatency in each. It is safe for concurrent use.
type audBenchFake struct {
	calls atomic.Int64
}

func (f *audBenchFake) call() {
	f.calls.Add(1)
	time.Sleep(audBenchLatency)
}

// audBenchRun runs collect at each width and reports the calls per read.
func audBenchRun(b *testing.B, f *audBenchFake, collect func(e *estate.Estate, scope estate.Scope, opts inventory.Options) error) {
	for _, width := range audBenchWidths() {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			f.calls.Store(0)
			runs := 0
			for b.Loop() {
				e, scope := audBenchEstate()
				if err := collect(e, scope, inventory.Options{Width: width}); err != nil {
					b.Fatal(err)
				}
				runs++
			}
			b.ReportMetric(float64(f.calls.Load())/float64(runs), "calls/op")
		})
	}
}

func BenchmarkCollectPostureWith(b *testing.B) {
	f := &audBenchFake{}
	audBenchRun(b, f, func(e *estate.Estate, scope estate.Scope, opts inventory.Options) error {
		if err := inventory.CollectPostureWith(context.Background(), audPosture{f}, e, scope, opts); err != nil {
			return err
		}
		if n := len(e.Posture.Accounts); n != audBenchAccounts {
			return fmt.Errorf("posture read in %d accounts, want %d", n, audBenchAccounts)
		}
		return nil
	})
}

func BenchmarkCollectNetworkWith(b *testing.B) {
	f := &audBenchFake{}
	audBenchRun(b, f, func(e *estate.Estate, scope estate.Scope, opts inventory.Options) error {
		if err := inventory.CollectNetworkWith(context.Background(), audNetwork{f}, e, scope, opts); err != nil {
			return err
		}
		if n := len(e.Network.Accounts); n != audBenchAccounts {
			return fmt.Errorf("network read in %d accounts, want %d", n, audBenchAccounts)
		}
		return nil
	})
}

func BenchmarkCollectHardeningWith(b *testing.B) {
	f := &audBenchFake{}
	audBenchRun(b, f, func(e *estate.Estate, scope estate.Scope, opts inventory.Options) error {
		// What the audit reads when the spec has no hardening section.
		want := estate.NewHardening()
		want.Accounts, want.Regions, want.HomeRegion = scope.Accounts, scope.Regions, scope.HomeRegion
		if err := inventory.CollectHardeningWith(context.Background(), audHardening{f}, e, want, opts); err != nil {
			return err
		}
		if n := len(e.Hardening.Accounts); n != audBenchAccounts {
			return fmt.Errorf("hardening read in %d accounts, want %d", n, audBenchAccounts)
		}
		return nil
	})
}

// The posture layer's clients.

type audPosture struct{ f *audBenchFake }

func (c audPosture) IAM(w estate.Where) inventory.PostureIAMReadAPI          { return audIAM{c.f, w} }
func (c audPosture) S3(w estate.Where) inventory.PostureS3ReadAPI            { return audS3{c.f, w} }
func (c audPosture) KMS(w estate.Where) inventory.PostureKMSReadAPI          { return audKMS{c.f, w} }
func (c audPosture) CloudTrail(w estate.Where) inventory.PostureTrailReadAPI { return audTrail{c.f, w} }
func (c audPosture) EC2(estate.Where) inventory.InstanceReadAPI              { return audWorkloads{c.f} }
func (c audPosture) RDS(estate.Where) inventory.DBInstanceReadAPI            { return audWorkloads{c.f} }
func (c audPosture) Lambda(estate.Where) inventory.FunctionReadAPI           { return audWorkloads{c.f} }
func (c audPosture) ECS(estate.Where) inventory.ECSClusterReadAPI            { return audECS{c.f} }
func (c audPosture) EKS(estate.Where) inventory.EKSClusterReadAPI            { return audEKS{c.f} }

type audIAM struct {
	f *audBenchFake
	w estate.Where
}

func (c audIAM) GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error) {
	c.f.call()
	return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeComplete}, nil
}

func (c audIAM) GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error) {
	c.f.call()
	var report strings.Builder
	report.WriteString("user,arn,user_creation_time,password_enabled,password_last_used,mfa_active," +
		"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date," +
		"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n")
	fmt.Fprintf(&report, "<root_account>,arn:aws:iam::%s:root,2024-01-01T00:00:00+00:00,not_supported,N/A,true,false,N/A,N/A,false,N/A,N/A\n", c.w.Account)
	for i := range audBenchUsers {
		fmt.Fprintf(&report, "user%d,arn:aws:iam::%s:user/user%d,2024-01-01T00:00:00+00:00,true,2024-06-01T00:00:00+00:00,true,"+
			"true,2024-05-01T00:00:00+00:00,2024-06-01T00:00:00+00:00,false,N/A,N/A\n", i, c.w.Account, i)
	}
	return &iam.GetCredentialReportOutput{Content: []byte(report.String()), ReportFormat: iamtypes.ReportFormatTypeTextCsv}, nil
}

func (c audIAM) ListAttachedUserPolicies(context.Context, *iam.ListAttachedUserPoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error) {
	c.f.call()
	return &iam.ListAttachedUserPoliciesOutput{}, nil
}

func (c audIAM) ListUserPolicies(context.Context, *iam.ListUserPoliciesInput, ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	c.f.call()
	return &iam.ListUserPoliciesOutput{}, nil
}

type audS3 struct {
	f *audBenchFake
	w estate.Where
}

func (c audS3) ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	c.f.call()
	out := &s3.ListBucketsOutput{}
	for i := range audBenchBuckets {
		out.Buckets = append(out.Buckets, s3types.Bucket{Name: aws.String(fmt.Sprintf("bucket-%s-%d", c.w.Account, i)),
			BucketRegion: aws.String(c.w.Region)})
	}
	return out, nil
}

func (c audS3) GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	c.f.call()
	return &s3.GetBucketLocationOutput{}, nil
}

func (c audS3) GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	c.f.call()
	t := aws.Bool(true)
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: t, IgnorePublicAcls: t, BlockPublicPolicy: t, RestrictPublicBuckets: t}}, nil
}

func (c audS3) GetBucketPolicyStatus(context.Context, *s3.GetBucketPolicyStatusInput, ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error) {
	c.f.call()
	return &s3.GetBucketPolicyStatusOutput{PolicyStatus: &s3types.PolicyStatus{IsPublic: aws.Bool(false)}}, nil
}

func (c audS3) GetBucketAcl(context.Context, *s3.GetBucketAclInput, ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	c.f.call()
	return &s3.GetBucketAclOutput{Grants: []s3types.Grant{{
		Grantee:    &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: aws.String("owner")},
		Permission: s3types.PermissionFullControl}}}, nil
}

type audKMS struct {
	f *audBenchFake
	w estate.Where
}

func (c audKMS) ListKeys(context.Context, *kms.ListKeysInput, ...func(*kms.Options)) (*kms.ListKeysOutput, error) {
	c.f.call()
	return &kms.ListKeysOutput{Keys: []kmstypes.KeyListEntry{{KeyId: aws.String("key-" + c.w.Account)}}}, nil
}

func (c audKMS) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	c.f.call()
	return &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{
		KeyId: in.KeyId, Arn: aws.String("arn:aws:kms:" + c.w.Region + ":" + c.w.Account + ":key/" + aws.ToString(in.KeyId)),
		KeyManager: kmstypes.KeyManagerTypeCustomer, KeyState: kmstypes.KeyStateEnabled,
		KeySpec: kmstypes.KeySpecSymmetricDefault, Origin: kmstypes.OriginTypeAwsKms}}, nil
}

func (c audKMS) GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	c.f.call()
	return &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: true}, nil
}

type audTrail struct {
	f *audBenchFake
	w estate.Where
}

// DescribeTrails answers with the organization trail: the management
// account's own in the home Region, a replica or shadow elsewhere.
func (c audTrail) DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	c.f.call()
	return &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{{
		Name: aws.String("org"), TrailARN: aws.String("arn:aws:cloudtrail:" + audBenchRegions[0] + ":" + audBenchMgmtID + ":trail/org"),
		HomeRegion: aws.String(audBenchRegions[0]), IsMultiRegionTrail: aws.Bool(true), IsOrganizationTrail: aws.Bool(true),
		LogFileValidationEnabled: aws.Bool(true), KmsKeyId: aws.String("arn:aws:kms:us-east-1:" + audBenchMgmtID + ":key/trail"),
	}}}, nil
}

func (c audTrail) GetTrailStatus(context.Context, *cloudtrail.GetTrailStatusInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	c.f.call()
	return &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(true)}, nil
}

// audWorkloads, audECS and audEKS find no workloads.
type audWorkloads struct{ f *audBenchFake }

func (c audWorkloads) DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	c.f.call()
	return &ec2.DescribeInstancesOutput{}, nil
}

func (c audWorkloads) DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	c.f.call()
	return &rds.DescribeDBInstancesOutput{}, nil
}

func (c audWorkloads) ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error) {
	c.f.call()
	return &lambda.ListFunctionsOutput{}, nil
}

type audECS struct{ f *audBenchFake }

func (c audECS) ListClusters(context.Context, *ecs.ListClustersInput, ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	c.f.call()
	return &ecs.ListClustersOutput{}, nil
}

type audEKS struct{ f *audBenchFake }

func (c audEKS) ListClusters(context.Context, *eks.ListClustersInput, ...func(*eks.Options)) (*eks.ListClustersOutput, error) {
	c.f.call()
	return &eks.ListClustersOutput{}, nil
}

// The network layer's client.

type audNetwork struct{ f *audBenchFake }

func (c audNetwork) EC2(w estate.Where) inventory.NetworkReadAPI { return audEC2{c.f, w} }

type audEC2 struct {
	f *audBenchFake
	w estate.Where
}

func (c audEC2) DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	c.f.call()
	return &ec2.DescribeVpcsOutput{Vpcs: []ec2types.Vpc{{VpcId: aws.String("vpc-1"), CidrBlock: aws.String("10.0.0.0/16"),
		IsDefault: aws.Bool(false)}}}, nil
}

func (c audEC2) DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	c.f.call()
	return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: []ec2types.SecurityGroup{
		{GroupId: aws.String("sg-default"), GroupName: aws.String("default"), VpcId: aws.String("vpc-1")},
		{GroupId: aws.String("sg-web"), GroupName: aws.String("web"), VpcId: aws.String("vpc-1"),
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
				IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}},
	}}, nil
}

func (c audEC2) DescribeNetworkAcls(context.Context, *ec2.DescribeNetworkAclsInput, ...func(*ec2.Options)) (*ec2.DescribeNetworkAclsOutput, error) {
	c.f.call()
	return &ec2.DescribeNetworkAclsOutput{NetworkAcls: []ec2types.NetworkAcl{{NetworkAclId: aws.String("acl-1"),
		VpcId: aws.String("vpc-1"), IsDefault: aws.Bool(true)}}}, nil
}

func (c audEC2) DescribeFlowLogs(context.Context, *ec2.DescribeFlowLogsInput, ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error) {
	c.f.call()
	return &ec2.DescribeFlowLogsOutput{FlowLogs: []ec2types.FlowLog{{FlowLogId: aws.String("fl-1"), ResourceId: aws.String("vpc-1"),
		FlowLogStatus: aws.String("ACTIVE"), TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeS3}}}, nil
}

// The hardening layer's clients.

type audHardening struct{ f *audBenchFake }

func (c audHardening) IAM(estate.Where) inventory.HardeningIAMReadAPI { return audHrdIAM{c.f} }
func (c audHardening) S3Control(estate.Where) inventory.PublicAccessBlockReadAPI {
	return audHrdS3Control{c.f}
}
func (c audHardening) EC2(estate.Where) inventory.DefaultVPCReadAPI { return audHrdEC2{c.f} }
func (c audHardening) Caller(context.Context) (string, error) {
	c.f.call()
	return "arn:aws:iam::" + audBenchMgmtID + ":role/groundwork", nil
}

type audHrdIAM struct{ f *audBenchFake }

func (c audHrdIAM) GetAccountPasswordPolicy(context.Context, *iam.GetAccountPasswordPolicyInput, ...func(*iam.Options)) (*iam.GetAccountPasswordPolicyOutput, error) {
	c.f.call()
	return &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(14),
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, RequireNumbers: true, RequireSymbols: true,
		MaxPasswordAge: aws.Int32(90), PasswordReusePrevention: aws.Int32(24), AllowUsersToChangePassword: true}}, nil
}

func (c audHrdIAM) GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	c.f.call()
	return &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}}, nil
}

func (c audHrdIAM) ListUsers(context.Context, *iam.ListUsersInput, ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	c.f.call()
	return &iam.ListUsersOutput{}, nil
}

type audHrdS3Control struct{ f *audBenchFake }

func (c audHrdS3Control) GetPublicAccessBlock(context.Context, *s3control.GetPublicAccessBlockInput, ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	c.f.call()
	t := aws.Bool(true)
	return &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{
		BlockPublicAcls: t, IgnorePublicAcls: t, BlockPublicPolicy: t, RestrictPublicBuckets: t}}, nil
}

// audHrdEC2 finds no default VPC, as after groundwork apply --allow-delete.
type audHrdEC2 struct{ f *audBenchFake }

func (c audHrdEC2) DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	c.f.call()
	return &ec2.DescribeVpcsOutput{}, nil
}

func (c audHrdEC2) DescribeNetworkInterfaces(context.Context, *ec2.DescribeNetworkInterfacesInput, ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	c.f.call()
	return &ec2.DescribeNetworkInterfacesOutput{}, nil
}
