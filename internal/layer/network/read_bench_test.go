package network

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

// The network read over the whole estate. Every account has, in each
// Region, one VPC with its default security group, one other group, one
// network ACL and a flow log.
//
//	go test -run '^$' -bench ReadNetwork -benchtime 3x ./internal/layer/network

func BenchmarkReadNetwork(b *testing.B) {
	f := &inventorytest.Calls{}
	inventorytest.Bench(b, f, func(e *estate.Estate, scope estate.Scope, opts inventory.Options) error {
		if err := readWith(context.Background(), benchNetwork{f}, e, scope, opts); err != nil {
			return err
		}
		if n := len(e.Network.Accounts); n != inventorytest.BenchAccounts {
			return fmt.Errorf("network read in %d accounts, want %d", n, inventorytest.BenchAccounts)
		}
		return nil
	})
}

type benchNetwork struct{ f *inventorytest.Calls }

func (c benchNetwork) EC2(w estate.Location) ec2ReadAPI { return benchEC2{c.f, w} }

type benchEC2 struct {
	f *inventorytest.Calls
	w estate.Location
}

func (c benchEC2) DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	c.f.Call()
	return &ec2.DescribeVpcsOutput{Vpcs: []ec2types.Vpc{{VpcId: aws.String("vpc-1"), CidrBlock: aws.String("10.0.0.0/16"),
		IsDefault: aws.Bool(false)}}}, nil
}

func (c benchEC2) DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	c.f.Call()
	return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: []ec2types.SecurityGroup{
		{GroupId: aws.String("sg-default"), GroupName: aws.String("default"), VpcId: aws.String("vpc-1")},
		{GroupId: aws.String("sg-web"), GroupName: aws.String("web"), VpcId: aws.String("vpc-1"),
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
				IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}},
	}}, nil
}

func (c benchEC2) DescribeNetworkAcls(context.Context, *ec2.DescribeNetworkAclsInput, ...func(*ec2.Options)) (*ec2.DescribeNetworkAclsOutput, error) {
	c.f.Call()
	return &ec2.DescribeNetworkAclsOutput{NetworkAcls: []ec2types.NetworkAcl{{NetworkAclId: aws.String("acl-1"),
		VpcId: aws.String("vpc-1"), IsDefault: aws.Bool(true)}}}, nil
}

func (c benchEC2) DescribeFlowLogs(context.Context, *ec2.DescribeFlowLogsInput, ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error) {
	c.f.Call()
	return &ec2.DescribeFlowLogsOutput{FlowLogs: []ec2types.FlowLog{{FlowLogId: aws.String("fl-1"), ResourceId: aws.String("vpc-1"),
		FlowLogStatus: aws.String("ACTIVE"), TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeS3}}}, nil
}
