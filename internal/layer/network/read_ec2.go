package network

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// defaultGroupName is the name of a VPC's default security group: EC2
// gives it to the group it creates with the VPC and refuses it for any
// other, so the name alone tells the default group.
const defaultGroupName = "default"

// vpcs reads the VPCs of one account and Region (at: the account by key;
// w: by ID), a read the hardening layer shares (inventory.VPCs).
func (r *networkRead) vpcs(ctx context.Context, at estate.Where, w estate.Location) error {
	vpcs, err := inventory.VPCs(ctx, r.shared, w, r.clients.EC2(w))
	if err != nil {
		return fmt.Errorf("read the VPCs of %s: %w", w, err)
	}
	for _, v := range vpcs {
		vpc := vpcOf(at, v)
		r.locked(func(n *estate.Network) { n.VPCs[at.Key(vpc.ID)] = vpc })
	}
	return nil
}

// vpcOf converts a VPC: its primary IPv4 block first, then the other
// blocks that are associated (a block on its way out no longer routes).
func vpcOf(at estate.Where, v types.Vpc) *estate.VPC {
	vpc := &estate.VPC{Where: at, ID: aws.ToString(v.VpcId), Default: aws.ToBool(v.IsDefault)}
	primary := aws.ToString(v.CidrBlock)
	if primary != "" {
		vpc.IPv4 = append(vpc.IPv4, primary)
	}
	var more []string
	for _, b := range v.CidrBlockAssociationSet {
		cidr := aws.ToString(b.CidrBlock)
		if cidr == "" || cidr == primary || (b.CidrBlockState != nil && b.CidrBlockState.State != types.VpcCidrBlockStateCodeAssociated) {
			continue
		}
		more = append(more, cidr)
	}
	slices.Sort(more)
	vpc.IPv4 = append(vpc.IPv4, slices.Compact(more)...)
	for _, b := range v.Ipv6CidrBlockAssociationSet {
		cidr := aws.ToString(b.Ipv6CidrBlock)
		if cidr == "" || (b.Ipv6CidrBlockState != nil && b.Ipv6CidrBlockState.State != types.VpcCidrBlockStateCodeAssociated) {
			continue
		}
		vpc.IPv6 = append(vpc.IPv6, cidr)
	}
	slices.Sort(vpc.IPv6)
	vpc.IPv6 = slices.Compact(vpc.IPv6)
	return vpc
}

// vpcFlowLogPrefix starts the ID of a VPC. DescribeFlowLogs has no filter
// by resource type, so the logs of subnets ("subnet-") and network
// interfaces ("eni-") are told apart by the ID of what they capture.
const vpcFlowLogPrefix = "vpc-"

// vpcFlowLogs reads the flow logs of one account and Region and keeps
// those that capture a whole VPC: a log on one subnet or interface leaves
// the rest of the VPC unrecorded.
func (r *networkRead) vpcFlowLogs(ctx context.Context, at estate.Where, w estate.Location) error {
	pages := ec2.NewDescribeFlowLogsPaginator(r.clients.EC2(w), &ec2.DescribeFlowLogsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("read the flow logs of %s: %w", w, err)
		}
		for _, l := range page.FlowLogs {
			vpc := aws.ToString(l.ResourceId)
			if !strings.HasPrefix(vpc, vpcFlowLogPrefix) {
				continue
			}
			fl := estate.FlowLog{ID: aws.ToString(l.FlowLogId), Status: aws.ToString(l.FlowLogStatus),
				TrafficType: string(l.TrafficType), DestinationType: string(l.LogDestinationType)}
			r.locked(func(*estate.Network) { r.flowLogs[at.Key(vpc)] = append(r.flowLogs[at.Key(vpc)], fl) })
		}
	}
	return nil
}

// securityGroups reads the security groups of one account and Region.
func (r *networkRead) securityGroups(ctx context.Context, at estate.Where, w estate.Location) error {
	pages := ec2.NewDescribeSecurityGroupsPaginator(r.clients.EC2(w), &ec2.DescribeSecurityGroupsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("read the security groups of %s: %w", w, err)
		}
		for _, g := range page.SecurityGroups {
			sg := &estate.SecurityGroup{
				Where: at, ID: aws.ToString(g.GroupId), Name: aws.ToString(g.GroupName), VPC: aws.ToString(g.VpcId),
				Default: aws.ToString(g.GroupName) == defaultGroupName,
				Ingress: rulesOf(g.IpPermissions, string(w.Account)), Egress: rulesOf(g.IpPermissionsEgress, string(w.Account)),
			}
			r.locked(func(n *estate.Network) { n.SecurityGroups[at.Key(sg.ID)] = sg })
		}
	}
	return nil
}

// rulesOf converts a group's permissions, sorted by protocol and ports;
// owner is the ID of the account the group is in, so that only references
// to other accounts' groups carry an account.
func rulesOf(ps []types.IpPermission, owner string) []estate.SecurityGroupRule {
	var out []estate.SecurityGroupRule
	for _, p := range ps {
		r := estate.SecurityGroupRule{Traffic: trafficOf(aws.ToString(p.IpProtocol), p.FromPort, p.ToPort)}
		for _, ip := range p.IpRanges {
			r.IPv4 = append(r.IPv4, aws.ToString(ip.CidrIp))
		}
		for _, ip := range p.Ipv6Ranges {
			r.IPv6 = append(r.IPv6, aws.ToString(ip.CidrIpv6))
		}
		for _, pair := range p.UserIdGroupPairs {
			ref := aws.ToString(pair.GroupId)
			if user := aws.ToString(pair.UserId); user != "" && user != owner {
				ref = user + "/" + ref
			}
			r.Groups = append(r.Groups, ref)
		}
		for _, pl := range p.PrefixListIds {
			r.PrefixLists = append(r.PrefixLists, aws.ToString(pl.PrefixListId))
		}
		for _, list := range []*[]string{&r.IPv4, &r.IPv6, &r.Groups, &r.PrefixLists} {
			slices.Sort(*list)
			*list = slices.Compact(*list)
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b estate.SecurityGroupRule) int { return compareTraffic(a.Traffic, b.Traffic) })
	return out
}

// trafficOf converts a protocol and the optional port bounds EC2 gives
// with it; missing bounds become -1. Security groups name protocols in
// lower case ("tcp"), so the name is lowered to compare alike.
func trafficOf(protocol string, from, to *int32) estate.Traffic {
	t := estate.Traffic{Protocol: strings.ToLower(protocol), FromPort: -1, ToPort: -1}
	if from != nil {
		t.FromPort = *from
	}
	if to != nil {
		t.ToPort = *to
	}
	return t
}

func compareTraffic(a, b estate.Traffic) int {
	return cmp.Or(strings.Compare(a.Protocol, b.Protocol), cmp.Compare(a.FromPort, b.FromPort), cmp.Compare(a.ToPort, b.ToPort))
}

// networkACLs reads the network ACLs of one account and Region, keeping
// their inbound entries.
func (r *networkRead) networkACLs(ctx context.Context, at estate.Where, w estate.Location) error {
	pages := ec2.NewDescribeNetworkAclsPaginator(r.clients.EC2(w), &ec2.DescribeNetworkAclsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("read the network ACLs of %s: %w", w, err)
		}
		for _, a := range page.NetworkAcls {
			acl := &estate.NetworkACL{Where: at, ID: aws.ToString(a.NetworkAclId), VPC: aws.ToString(a.VpcId), Default: aws.ToBool(a.IsDefault)}
			for _, en := range a.Entries {
				if aws.ToBool(en.Egress) {
					continue
				}
				var from, to *int32
				if en.PortRange != nil {
					from, to = en.PortRange.From, en.PortRange.To
				}
				cidr := aws.ToString(en.CidrBlock)
				if cidr == "" {
					cidr = aws.ToString(en.Ipv6CidrBlock)
				}
				acl.Ingress = append(acl.Ingress, estate.ACLEntry{
					Traffic:    trafficOf(aws.ToString(en.Protocol), from, to),
					RuleNumber: aws.ToInt32(en.RuleNumber), Allow: en.RuleAction == types.RuleActionAllow, CIDR: cidr,
				})
			}
			slices.SortStableFunc(acl.Ingress, func(x, y estate.ACLEntry) int {
				return cmp.Or(cmp.Compare(x.RuleNumber, y.RuleNumber), strings.Compare(x.CIDR, y.CIDR))
			})
			r.locked(func(n *estate.Network) { n.NetworkACLs[at.Key(acl.ID)] = acl })
		}
	}
	return nil
}
