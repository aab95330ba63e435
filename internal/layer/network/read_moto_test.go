package network

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// TestCollectNetworkMoto builds a network in moto through the SDK, in the
// management account and, through the access role, in a member account,
// then reads it with survey and audits it with the network checks.
//
// moto 5.2 quirks met here:
//   - every account and Region starts with a default VPC (172.31.0.0/16),
//     its default security group and its default network ACL, as in AWS;
//   - the default security group of a VPC gets only its outbound rule
//     (all traffic to 0.0.0.0/0): AWS also creates an inbound rule
//     allowing all traffic from the group itself, so the test adds it;
//   - a default network ACL has rule 100 allowing all traffic and rule
//     32767 denying the rest, as in AWS; a network ACL created with
//     CreateNetworkAcl has only the entries added to it, where AWS also
//     gives it the rule 32767 "deny everything" entries. Those change
//     nothing the checks decide, since no entry follows them;
//   - CreateFlowLogs to CloudWatch Logs needs a role ARN but not the log
//     group: without one the log's DeliverLogsStatus is FAILED, and its
//     FlowLogStatus ACTIVE all the same, as in AWS; DescribeFlowLogs has
//     no filter by resource type, in AWS or moto.
func TestCollectNetworkMoto(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	ctx := context.Background()
	s, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region, AccessRole: policy.DefaultAccessRole})
	if err != nil {
		t.Fatal(err)
	}
	org := organizations.NewFromConfig(s.Config("", "", ""))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	const memberEmail = "aws-web-prod-primary@example.com"
	if _, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("web-prod"), Email: aws.String(memberEmail)}); err != nil {
		t.Fatal(err) // moto creates accounts synchronously
	}
	e, err := inventory.CollectOrganization(ctx, org, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mgmtID := e.Organization.ManagementAccountID
	member := e.Accounts[memberEmail]
	if member == nil || member.ID == "" {
		t.Fatalf("member account not read: %+v", e.Accounts)
	}
	client := func(account string) *ec2.Client {
		return awsx.ConfigFor{Session: s, Account: account, Management: mgmtID, Region: testenv.Region}.EC2()
	}
	api := client(mgmtID)

	vpcID := createVPC(t, api, "10.20.0.0/16")
	memberVPC := createVPC(t, client(member.ID), "10.30.0.0/16")
	defaultSG := defaultGroup(t, api, vpcID)
	// The inbound rule AWS gives every default group and moto leaves out.
	authorize(t, api, defaultSG, ec2types.IpPermission{IpProtocol: aws.String("-1"),
		UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(defaultSG)}}})
	sshOpen := createGroup(t, api, vpcID, "ssh-open")
	authorize(t, api, sshOpen, ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}})
	db := createGroup(t, api, vpcID, "db")
	authorize(t, api, db, ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432),
		IpRanges:         []ec2types.IpRange{{CidrIp: aws.String("10.20.1.0/24")}},
		UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(sshOpen)}}})
	acl, err := api.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: aws.String(vpcID)})
	if err != nil {
		t.Fatal(err)
	}
	aclID := aws.ToString(acl.NetworkAcl.NetworkAclId)
	for _, en := range []ec2.CreateNetworkAclEntryInput{
		{RuleNumber: aws.Int32(100), Protocol: aws.String("6"), RuleAction: ec2types.RuleActionAllow, Egress: aws.Bool(false),
			CidrBlock: aws.String("0.0.0.0/0"), PortRange: &ec2types.PortRange{From: aws.Int32(3389), To: aws.Int32(3389)}},
		{RuleNumber: aws.Int32(90), Protocol: aws.String("6"), RuleAction: ec2types.RuleActionDeny, Egress: aws.Bool(false),
			CidrBlock: aws.String("0.0.0.0/0"), PortRange: &ec2types.PortRange{From: aws.Int32(22), To: aws.Int32(22)}},
		{RuleNumber: aws.Int32(100), Protocol: aws.String("-1"), RuleAction: ec2types.RuleActionAllow, Egress: aws.Bool(true),
			CidrBlock: aws.String("0.0.0.0/0")},
	} {
		en.NetworkAclId = aws.String(aclID)
		// The SDK sends a create again when the connection breaks after
		// the request went out (moto's server sometimes closes a kept-alive
		// connection as it is reused); the entry the first attempt made is
		// the one wanted.
		if _, err := api.CreateNetworkAclEntry(ctx, &en); err != nil && !awsx.ErrorCodeIs(err, "NetworkAclEntryAlreadyExists") {
			t.Fatal(err)
		}
	}

	fl, err := api.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceType: ec2types.FlowLogsResourceTypeVpc,
		ResourceIds: []string{vpcID}, TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeCloudWatchLogs,
		LogGroupName: aws.String("vpc-flow-logs"), DeliverLogsPermissionArn: aws.String("arn:aws:iam::" + mgmtID + ":role/vpc-flow-logs")})
	if err != nil || len(fl.FlowLogIds) != 1 {
		t.Fatalf("create the flow log: %v, %+v", err, fl)
	}
	flowLogID := fl.FlowLogIds[0]

	scope := estate.Scope{Accounts: []string{estate.ManagementKey, memberEmail}, Regions: []string{testenv.Region}, HomeRegion: testenv.Region}
	if err := survey(ctx, inventory.Reader{Session: s}, e, scope); err != nil {
		t.Fatal(err)
	}
	n := e.Network
	if want := []string{memberEmail, estate.ManagementKey}; !reflect.DeepEqual(n.Accounts, want) {
		t.Errorf("accounts = %q, want %q", n.Accounts, want)
	}
	at := estate.Where{Account: estate.ManagementKey, Region: testenv.Region}
	memberAt := estate.Where{Account: memberEmail, Region: testenv.Region}
	if got, want := n.VPCs[at.Key(vpcID)], (&estate.VPC{Where: at, ID: vpcID, IPv4: []string{"10.20.0.0/16"},
		FlowLogs: []estate.FlowLog{{ID: flowLogID, Status: "ACTIVE", TrafficType: "ALL", DestinationType: "cloud-watch-logs"}}}); !reflect.DeepEqual(got, want) {
		t.Errorf("VPC = %s, want %s", jsonOf(got), jsonOf(want))
	}
	if got, want := n.VPCs[memberAt.Key(memberVPC)], (&estate.VPC{Where: memberAt, ID: memberVPC, IPv4: []string{"10.30.0.0/16"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("member VPC = %s, want %s (read through the access role)", jsonOf(got), jsonOf(want))
	}
	if n.VPCs[at.Key(memberVPC)] != nil || n.VPCs[memberAt.Key(vpcID)] != nil {
		t.Error("a VPC was read in the wrong account")
	}
	defaults := 0
	for _, v := range n.SortedVPCs() {
		if v.Default {
			defaults++
			if !slices.Equal(v.IPv4, []string{"172.31.0.0/16"}) {
				t.Errorf("default VPC %s has blocks %q", v.ID, v.IPv4)
			}
		}
		if v.ID != vpcID && len(v.FlowLogs) != 0 {
			t.Errorf("VPC %s has flow logs %+v, only %s has one", v.ID, v.FlowLogs, vpcID)
		}
	}
	if defaults != 2 {
		t.Errorf("%d default VPCs read, want one per account", defaults)
	}

	all := estate.Traffic{Protocol: "-1", FromPort: -1, ToPort: -1}
	everywhere := []estate.SecurityGroupRule{{Traffic: all, IPv4: []string{"0.0.0.0/0"}}}
	wantGroups := map[string]*estate.SecurityGroup{
		defaultSG: {Where: at, ID: defaultSG, Name: "default", VPC: vpcID, Default: true,
			Ingress: []estate.SecurityGroupRule{{Traffic: all, Groups: []string{defaultSG}}}, Egress: everywhere},
		sshOpen: {Where: at, ID: sshOpen, Name: "ssh-open", VPC: vpcID, Egress: everywhere,
			Ingress: []estate.SecurityGroupRule{{Traffic: estate.Traffic{Protocol: "tcp", FromPort: 22, ToPort: 22}, IPv4: []string{"0.0.0.0/0"}}}},
		db: {Where: at, ID: db, Name: "db", VPC: vpcID, Egress: everywhere,
			Ingress: []estate.SecurityGroupRule{{Traffic: estate.Traffic{Protocol: "tcp", FromPort: 5432, ToPort: 5432},
				IPv4: []string{"10.20.1.0/24"}, Groups: []string{sshOpen}}}},
	}
	for id, want := range wantGroups {
		if got := n.SecurityGroups[at.Key(id)]; !reflect.DeepEqual(got, want) {
			t.Errorf("group %s = %s, want %s", want.Name, jsonOf(got), jsonOf(want))
		}
	}
	wantACL := &estate.NetworkACL{Where: at, ID: aclID, VPC: vpcID, Ingress: []estate.ACLEntry{
		{Traffic: estate.Traffic{Protocol: "6", FromPort: 22, ToPort: 22}, RuleNumber: 90, CIDR: "0.0.0.0/0"},
		{Traffic: estate.Traffic{Protocol: "6", FromPort: 3389, ToPort: 3389}, RuleNumber: 100, Allow: true, CIDR: "0.0.0.0/0"},
	}} // AWS would end with rule 32767 denying all: see the moto quirks above
	if got := n.NetworkACLs[at.Key(aclID)]; !reflect.DeepEqual(got, wantACL) {
		t.Errorf("network ACL = %s, want %s", jsonOf(got), jsonOf(wantACL))
	}

	// The network checks over what was read: the open group, the ACL's
	// RDP allow (its SSH deny comes first), every default group (moto's
	// outbound rule, and the inbound one added above) and every default
	// ACL, two per account (rule 100 allows all), the database group's
	// internal block, and every VPC but the one with the flow log.
	got := map[string][]string{}
	for _, f := range audit.Run(e).Findings {
		if strings.HasPrefix(f.CheckID, "GW-NET-") {
			got[f.CheckID] = append(got[f.CheckID], f.Resource)
		}
	}
	res := func(w estate.Where, kind, id, name string) string {
		acct := mgmtID
		if w.Account == memberEmail {
			acct = member.ID
		}
		r := kind + "/" + acct + "/" + w.Region + "/" + id
		if name != "" {
			r += " (" + name + ")"
		}
		return r
	}
	if want := []string{res(at, "sg", sshOpen, "ssh-open")}; !slices.Equal(got["GW-NET-001"], want) {
		t.Errorf("GW-NET-001 = %q, want %q", got["GW-NET-001"], want)
	}
	if len(got["GW-NET-002"]) != 0 {
		t.Errorf("GW-NET-002 = %q, want none", got["GW-NET-002"])
	}
	if !slices.Contains(got["GW-NET-003"], res(at, "nacl", aclID, "")) || len(got["GW-NET-003"]) != 5 {
		t.Errorf("GW-NET-003 = %q, want %s and the four default ACLs", got["GW-NET-003"], aclID)
	}
	if !slices.Contains(got["GW-NET-004"], res(at, "sg", defaultSG, "default")) || len(got["GW-NET-004"]) != 4 {
		t.Errorf("GW-NET-004 = %q, want the four default groups", got["GW-NET-004"])
	}
	if want := []string{res(at, "sg", db, "db")}; !slices.Equal(got["GW-NET-005"], want) {
		t.Errorf("GW-NET-005 = %q, want %q", got["GW-NET-005"], want)
	}
	if slices.Contains(got["GW-NET-006"], res(at, "vpc", vpcID, "")) || !slices.Contains(got["GW-NET-006"], res(memberAt, "vpc", memberVPC, "")) ||
		len(got["GW-NET-006"]) != 3 {
		t.Errorf("GW-NET-006 = %q, want %s and the two default VPCs, not %s", got["GW-NET-006"], memberVPC, vpcID)
	}
}

// jsonOf shows a value in full: %+v would print only the account and
// Region of the estate.Where each network resource embeds.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func createVPC(t *testing.T, api *ec2.Client, cidr string) string {
	t.Helper()
	out, err := api.CreateVpc(context.Background(), &ec2.CreateVpcInput{CidrBlock: aws.String(cidr)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Vpc.VpcId)
}

func createGroup(t *testing.T, api *ec2.Client, vpcID, name string) string {
	t.Helper()
	out, err := api.CreateSecurityGroup(context.Background(), &ec2.CreateSecurityGroupInput{
		GroupName: aws.String(name), Description: aws.String(name), VpcId: aws.String(vpcID)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.GroupId)
}

func defaultGroup(t *testing.T, api *ec2.Client, vpcID string) string {
	t.Helper()
	out, err := api.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpcID}}, {Name: aws.String("group-name"), Values: []string{"default"}}}})
	if err != nil || len(out.SecurityGroups) != 1 {
		t.Fatalf("default group of %s: %v, %d groups", vpcID, err, len(out.SecurityGroups))
	}
	return aws.ToString(out.SecurityGroups[0].GroupId)
}

func authorize(t *testing.T, api *ec2.Client, group string, p ec2types.IpPermission) {
	t.Helper()
	if _, err := api.AuthorizeSecurityGroupIngress(context.Background(), &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String(group), IpPermissions: []ec2types.IpPermission{p}}); err != nil {
		t.Fatal(err)
	}
}
