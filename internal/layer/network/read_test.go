package network

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// The network layer, read through a fake of the four EC2 reads. The fake
// answers one item per page, so every read must follow NextToken to see
// everything.

const (
	netMgmtID, netWebID, netOldID = "111111111111", "333333333333", "444444444444"
	netWeb, netOld, netNew        = "aws-web-prod-primary@example.com", "aws-old-prod-primary@example.com", "aws-new-prod-primary@example.com"
)

// netEstate is an organization with the management account, web-prod,
// old-prod (closing) and no new-prod yet; netScope asks for all four, one
// twice, in two Regions.
func netEstate() (*estate.Estate, estate.Scope) {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: netMgmtID}
	e.Accounts[netWeb] = &estate.Account{ID: netWebID, Email: netWeb, Status: "ACTIVE"}
	e.Accounts[netOld] = &estate.Account{ID: netOldID, Email: netOld, Status: "PENDING_CLOSURE"}
	return e, estate.Scope{Accounts: []string{netWeb, estate.ManagementKey, netOld, netNew, netWeb},
		Regions: []string{"us-east-1", "eu-west-1"}, HomeRegion: "us-east-1"}
}

type netPlace struct {
	vpcs   []ec2types.Vpc
	groups []ec2types.SecurityGroup
	acls   []ec2types.NetworkAcl
	logs   []ec2types.FlowLog
}

// netFake holds each place's network by account ID and Region, counts
// calls by operation and account, and tracks the reads in flight.
type netFake struct {
	mu          sync.Mutex
	calls       map[string]int
	inFlight    int
	maxInFlight int
	places      map[estate.Location]*netPlace
	failOp      string
}

func (f *netFake) enter(op string, w estate.Location) (func(), error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op+" "+string(w.Account)]++
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	done := func() { f.mu.Lock(); f.inFlight--; f.mu.Unlock() }
	if op == f.failOp {
		return done, &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "no"}
	}
	return done, nil
}

func (f *netFake) EC2(w estate.Location) ec2ReadAPI { return netEC2{f, w} }

type netEC2 struct {
	f *netFake
	w estate.Location
}

// netPage returns the item at the token's index and the next token: one item
// per page.
func netPage[T any](items []T, token *string) ([]T, *string) {
	i := 0
	if token != nil {
		i, _ = strconv.Atoi(*token)
	}
	if i >= len(items) {
		return nil, nil
	}
	var next *string
	if i+1 < len(items) {
		next = aws.String(strconv.Itoa(i + 1))
	}
	return items[i : i+1], next
}

func (c netEC2) place() *netPlace {
	if p := c.f.places[c.w]; p != nil {
		return p
	}
	return &netPlace{}
}

func (c netEC2) DescribeVpcs(_ context.Context, in *ec2.DescribeVpcsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	done, err := c.f.enter("DescribeVpcs", c.w)
	defer done()
	if err != nil {
		return nil, err
	}
	items, next := netPage(c.place().vpcs, in.NextToken)
	return &ec2.DescribeVpcsOutput{Vpcs: items, NextToken: next}, nil
}

func (c netEC2) DescribeSecurityGroups(_ context.Context, in *ec2.DescribeSecurityGroupsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	done, err := c.f.enter("DescribeSecurityGroups", c.w)
	defer done()
	if err != nil {
		return nil, err
	}
	items, next := netPage(c.place().groups, in.NextToken)
	return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: items, NextToken: next}, nil
}

func (c netEC2) DescribeNetworkAcls(_ context.Context, in *ec2.DescribeNetworkAclsInput, _ ...func(*ec2.Options)) (*ec2.DescribeNetworkAclsOutput, error) {
	done, err := c.f.enter("DescribeNetworkAcls", c.w)
	defer done()
	if err != nil {
		return nil, err
	}
	items, next := netPage(c.place().acls, in.NextToken)
	return &ec2.DescribeNetworkAclsOutput{NetworkAcls: items, NextToken: next}, nil
}

func (c netEC2) DescribeFlowLogs(_ context.Context, in *ec2.DescribeFlowLogsInput, _ ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error) {
	done, err := c.f.enter("DescribeFlowLogs", c.w)
	defer done()
	if err != nil {
		return nil, err
	}
	items, next := netPage(c.place().logs, in.NextToken)
	return &ec2.DescribeFlowLogsOutput{FlowLogs: items, NextToken: next}, nil
}

func flowLog(id, resource string, traffic ec2types.TrafficType, dest ec2types.LogDestinationType) ec2types.FlowLog {
	return ec2types.FlowLog{FlowLogId: aws.String(id), ResourceId: aws.String(resource), FlowLogStatus: aws.String("ACTIVE"),
		TrafficType: traffic, LogDestinationType: dest}
}

func tcp(from, to int32) (*string, *int32, *int32) {
	return aws.String("tcp"), aws.Int32(from), aws.Int32(to)
}

// netState gives web-prod in eu-west-1 a VPC with a second IPv4 block (and
// one being removed), an IPv6 block, its default group and ACL, and a web
// group, and flow logs: two of the VPC (listed out of order) and one of a
// subnet; the management account in us-east-1 a default VPC with nothing
// else but a flow log of a VPC that was deleted since; every other place
// nothing.
func netState() *netFake {
	web := estate.Location{Account: netWebID, Region: "eu-west-1"}
	mgmt := estate.Location{Account: netMgmtID, Region: "us-east-1"}
	sshProto, sshFrom, sshTo := tcp(22, 22)
	httpsProto, httpsFrom, httpsTo := tcp(443, 443)
	return &netFake{calls: map[string]int{}, places: map[estate.Location]*netPlace{
		web: {
			vpcs: []ec2types.Vpc{{
				VpcId: aws.String("vpc-web"), CidrBlock: aws.String("10.1.0.0/16"), IsDefault: aws.Bool(false),
				CidrBlockAssociationSet: []ec2types.VpcCidrBlockAssociation{
					{CidrBlock: aws.String("10.1.0.0/16"), CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeAssociated}},
					{CidrBlock: aws.String("100.64.0.0/20"), CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeAssociated}},
					{CidrBlock: aws.String("10.9.0.0/16"), CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeDisassociating}},
				},
				Ipv6CidrBlockAssociationSet: []ec2types.VpcIpv6CidrBlockAssociation{{Ipv6CidrBlock: aws.String("2600:1f18::/56"),
					Ipv6CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeAssociated}}},
			}},
			groups: []ec2types.SecurityGroup{
				{GroupId: aws.String("sg-default"), GroupName: aws.String("default"), VpcId: aws.String("vpc-web"),
					IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"),
						UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String("sg-default"), UserId: aws.String(netWebID)}}}},
					IpPermissionsEgress: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}},
				{GroupId: aws.String("sg-web"), GroupName: aws.String("web"), VpcId: aws.String("vpc-web"),
					IpPermissions: []ec2types.IpPermission{
						{IpProtocol: httpsProto, FromPort: httpsFrom, ToPort: httpsTo,
							IpRanges:      []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}},
							Ipv6Ranges:    []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}},
							PrefixListIds: []ec2types.PrefixListId{{PrefixListId: aws.String("pl-1")}}},
						{IpProtocol: sshProto, FromPort: sshFrom, ToPort: sshTo,
							IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.1.2.0/24")}, {CidrIp: aws.String("10.1.1.0/24")}},
							UserIdGroupPairs: []ec2types.UserIdGroupPair{
								{GroupId: aws.String("sg-bastion"), UserId: aws.String(netWebID)},
								{GroupId: aws.String("sg-shared"), UserId: aws.String(netMgmtID)}}},
					}},
			},
			acls: []ec2types.NetworkAcl{{NetworkAclId: aws.String("acl-web"), VpcId: aws.String("vpc-web"), IsDefault: aws.Bool(true),
				Entries: []ec2types.NetworkAclEntry{
					{RuleNumber: aws.Int32(32767), Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionDeny, Egress: aws.Bool(false), CidrBlock: aws.String("0.0.0.0/0")},
					{RuleNumber: aws.Int32(100), Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionAllow, Egress: aws.Bool(true), CidrBlock: aws.String("0.0.0.0/0")},
					{RuleNumber: aws.Int32(110), Protocol: aws.String("6"), RuleAction: ec2types.RuleActionAllow, Egress: aws.Bool(false),
						Ipv6CidrBlock: aws.String("::/0"), PortRange: &ec2types.PortRange{From: aws.Int32(3389), To: aws.Int32(3389)}},
					{RuleNumber: aws.Int32(90), Protocol: aws.String("6"), RuleAction: ec2types.RuleActionDeny, Egress: aws.Bool(false),
						CidrBlock: aws.String("0.0.0.0/0"), PortRange: &ec2types.PortRange{From: aws.Int32(22), To: aws.Int32(22)}},
				}}},
			logs: []ec2types.FlowLog{
				flowLog("fl-web-s3", "vpc-web", ec2types.TrafficTypeReject, ec2types.LogDestinationTypeS3),
				flowLog("fl-subnet", "subnet-web", ec2types.TrafficTypeAll, ec2types.LogDestinationTypeCloudWatchLogs),
				flowLog("fl-web-cw", "vpc-web", ec2types.TrafficTypeAll, ec2types.LogDestinationTypeCloudWatchLogs),
			},
		},
		mgmt: {
			vpcs: []ec2types.Vpc{{VpcId: aws.String("vpc-mgmt"), CidrBlock: aws.String("172.31.0.0/16"), IsDefault: aws.Bool(true)}},
			logs: []ec2types.FlowLog{flowLog("fl-gone", "vpc-gone", ec2types.TrafficTypeAll, ec2types.LogDestinationTypeS3)},
		},
	}}
}

func TestCollectNetwork(t *testing.T) {
	e, scope := netEstate()
	f := netState()
	var progress []string
	opts := inventory.Options{Width: 2, Progress: func(format string, args ...any) { progress = append(progress, format) }}
	if err := readWith(context.Background(), f, e, scope, opts); err != nil {
		t.Fatal(err)
	}
	n := e.Network
	if n == nil {
		t.Fatal("no network layer")
	}
	// new-prod does not exist and old-prod is closing: neither is read;
	// web-prod, named twice, is read once.
	if want := []string{netWeb, estate.ManagementKey}; !reflect.DeepEqual(n.Accounts, want) {
		t.Errorf("accounts = %q, want %q", n.Accounts, want)
	}
	if want := []string{"eu-west-1", "us-east-1"}; !reflect.DeepEqual(n.Regions, want) {
		t.Errorf("regions = %q, want %q", n.Regions, want)
	}
	// One call per place and operation, plus one per further page: two
	// groups and three flow logs in web-prod eu-west-1.
	for op, want := range map[string]int{"DescribeVpcs": 4, "DescribeSecurityGroups": 5, "DescribeNetworkAcls": 4, "DescribeFlowLogs": 6} {
		if got := f.calls[op+" "+netWebID] + f.calls[op+" "+netMgmtID]; got != want {
			t.Errorf("%s called %d times, want %d (%v)", op, got, want, f.calls)
		}
	}
	if f.calls["DescribeVpcs "+netOldID] != 0 {
		t.Error("the closing account was read")
	}
	if f.maxInFlight > 2 {
		t.Errorf("%d reads in flight, more than the width 2", f.maxInFlight)
	}
	if len(progress) != 1 {
		t.Errorf("progress = %q", progress)
	}

	web := estate.Where{Account: netWeb, Region: "eu-west-1"}
	mgmt := estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
	// The VPC's own flow logs by ID; the subnet's and the deleted VPC's
	// are dropped.
	wantVPCs := map[string]*estate.VPC{
		web.Key("vpc-web"): {Where: web, ID: "vpc-web", IPv4: []string{"10.1.0.0/16", "100.64.0.0/20"}, IPv6: []string{"2600:1f18::/56"},
			FlowLogs: []estate.FlowLog{
				{ID: "fl-web-cw", Status: "ACTIVE", TrafficType: "ALL", DestinationType: "cloud-watch-logs"},
				{ID: "fl-web-s3", Status: "ACTIVE", TrafficType: "REJECT", DestinationType: "s3"},
			}},
		mgmt.Key("vpc-mgmt"): {Where: mgmt, ID: "vpc-mgmt", IPv4: []string{"172.31.0.0/16"}, Default: true},
	}
	if !reflect.DeepEqual(n.VPCs, wantVPCs) {
		t.Errorf("VPCs = %+v, want %+v", n.VPCs, wantVPCs)
	}
	all := estate.Traffic{Protocol: "-1", FromPort: -1, ToPort: -1}
	wantGroups := map[string]*estate.SecurityGroup{
		web.Key("sg-default"): {Where: web, ID: "sg-default", Name: "default", VPC: "vpc-web", Default: true,
			Ingress: []estate.SecurityGroupRule{{Traffic: all, Groups: []string{"sg-default"}}},
			Egress:  []estate.SecurityGroupRule{{Traffic: all, IPv4: []string{"0.0.0.0/0"}}}},
		// Rules sorted by protocol and ports; sources sorted; a group of
		// another account named with its account.
		web.Key("sg-web"): {Where: web, ID: "sg-web", Name: "web", VPC: "vpc-web", Ingress: []estate.SecurityGroupRule{
			{Traffic: estate.Traffic{Protocol: "tcp", FromPort: 22, ToPort: 22}, IPv4: []string{"10.1.1.0/24", "10.1.2.0/24"},
				Groups: []string{netMgmtID + "/sg-shared", "sg-bastion"}},
			{Traffic: estate.Traffic{Protocol: "tcp", FromPort: 443, ToPort: 443}, IPv4: []string{"0.0.0.0/0"}, IPv6: []string{"::/0"},
				PrefixLists: []string{"pl-1"}},
		}},
	}
	if !reflect.DeepEqual(n.SecurityGroups, wantGroups) {
		t.Errorf("security groups = %+v, want %+v", n.SecurityGroups, wantGroups)
	}
	// Inbound entries only, in rule-number order.
	wantACLs := map[string]*estate.NetworkACL{web.Key("acl-web"): {Where: web, ID: "acl-web", VPC: "vpc-web", Default: true, Ingress: []estate.ACLEntry{
		{Traffic: estate.Traffic{Protocol: "6", FromPort: 22, ToPort: 22}, RuleNumber: 90, CIDR: "0.0.0.0/0"},
		{Traffic: estate.Traffic{Protocol: "6", FromPort: 3389, ToPort: 3389}, RuleNumber: 110, Allow: true, CIDR: "::/0"},
		{Traffic: all, RuleNumber: 32767, CIDR: "0.0.0.0/0"},
	}}}
	if !reflect.DeepEqual(n.NetworkACLs, wantACLs) {
		t.Errorf("network ACLs = %+v, want %+v", n.NetworkACLs, wantACLs)
	}
}

func TestCollectNetworkFailures(t *testing.T) {
	for _, op := range []string{"DescribeVpcs", "DescribeSecurityGroups", "DescribeNetworkAcls", "DescribeFlowLogs"} {
		t.Run(op, func(t *testing.T) {
			e, scope := netEstate()
			f := netState()
			f.failOp = op
			err := readWith(context.Background(), f, e, scope, inventory.Options{})
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "UnauthorizedOperation" {
				t.Fatalf("error = %v, want the UnauthorizedOperation wrapped", err)
			}
			if e.Network != nil {
				t.Error("a failed read left a layer behind")
			}
		})
	}
}

func TestCollectNetworkWithoutOrganization(t *testing.T) {
	e, scope := netEstate()
	e.Organization = nil
	f := netState()
	if err := readWith(context.Background(), f, e, scope, inventory.Options{}); err != nil || e.Network != nil {
		t.Errorf("err %v, layer %+v", err, e.Network)
	}
	if len(f.calls) != 0 {
		t.Errorf("calls without an organization: %v", f.calls)
	}
}
