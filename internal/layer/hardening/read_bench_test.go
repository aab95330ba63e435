package hardening

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

// The hardening read over the whole estate, as the audit reads it when the
// spec has no hardening section. In every account the password policy,
// Block Public Access and root summary are set, and the default VPCs are
// gone.
//
//	go test -run '^$' -bench ReadHardening -benchtime 3x ./internal/layer/hardening

func BenchmarkReadHardening(b *testing.B) {
	f := &inventorytest.Calls{}
	inventorytest.Bench(b, f, func(e *estate.Estate, scope estate.Scope, opts inventory.Options) error {
		want := estate.NewHardening()
		want.Accounts, want.Regions, want.HomeRegion = scope.Accounts, scope.Regions, scope.HomeRegion
		if err := readWith(context.Background(), benchHardening{f}, e, want, opts); err != nil {
			return err
		}
		if n := len(e.Hardening.Accounts); n != inventorytest.BenchAccounts {
			return fmt.Errorf("hardening read in %d accounts, want %d", n, inventorytest.BenchAccounts)
		}
		return nil
	})
}

type benchHardening struct{ f *inventorytest.Calls }

func (c benchHardening) IAM(estate.Location) iamReadAPI { return benchIAM{c.f} }
func (c benchHardening) S3Control(estate.Location) publicAccessBlockReadAPI {
	return benchS3Control{c.f}
}
func (c benchHardening) EC2(estate.Location) ec2ReadAPI { return benchEC2{c.f} }
func (c benchHardening) Caller(context.Context) (string, error) {
	c.f.Call()
	return "arn:aws:iam::" + inventorytest.BenchMgmtID + ":role/groundwork", nil
}

type benchIAM struct{ f *inventorytest.Calls }

func (c benchIAM) GetAccountPasswordPolicy(context.Context, *iam.GetAccountPasswordPolicyInput, ...func(*iam.Options)) (*iam.GetAccountPasswordPolicyOutput, error) {
	c.f.Call()
	return &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(14),
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, RequireNumbers: true, RequireSymbols: true,
		MaxPasswordAge: aws.Int32(90), PasswordReusePrevention: aws.Int32(24), AllowUsersToChangePassword: true}}, nil
}

func (c benchIAM) GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	c.f.Call()
	return &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}}, nil
}

func (c benchIAM) ListUsers(context.Context, *iam.ListUsersInput, ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	c.f.Call()
	return &iam.ListUsersOutput{}, nil
}

type benchS3Control struct{ f *inventorytest.Calls }

func (c benchS3Control) GetPublicAccessBlock(context.Context, *s3control.GetPublicAccessBlockInput, ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	c.f.Call()
	t := aws.Bool(true)
	return &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{
		BlockPublicAcls: t, IgnorePublicAcls: t, BlockPublicPolicy: t, RestrictPublicBuckets: t}}, nil
}

// benchEC2 finds no default VPC, as after groundwork apply --allow-delete.
type benchEC2 struct{ f *inventorytest.Calls }

func (c benchEC2) DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	c.f.Call()
	return &ec2.DescribeVpcsOutput{}, nil
}

func (c benchEC2) DescribeNetworkInterfaces(context.Context, *ec2.DescribeNetworkInterfacesInput, ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	c.f.Call()
	return &ec2.DescribeNetworkInterfacesOutput{}, nil
}

func (c benchEC2) GetEbsEncryptionByDefault(context.Context, *ec2.GetEbsEncryptionByDefaultInput, ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error) {
	c.f.Call()
	return &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(true)}, nil
}

// benchIAM's support role is as groundwork makes it.
func (c benchIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	c.f.Call()
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, Path: aws.String("/org-admin/"),
		AssumeRolePolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + inventorytest.BenchMgmtID + `:root"},"Action":"sts:AssumeRole"}]}`)}}, nil
}

func (c benchIAM) ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	c.f.Call()
	return &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSSupportAccess")}}}, nil
}
