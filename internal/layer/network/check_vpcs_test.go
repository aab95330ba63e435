package network

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The network checks over plain estates: netClean passes every one, and
// each case breaks it in one way.

const (
	vpcMgmtID, vpcProdID, vpcOldID = "000000000000", "444444444444", "555555555555"
	vpcProd, vpcOld                = "prod@example.com", "old@example.com"
	vpcRegion                      = "eu-west-1"
)

var (
	vpcProdAt = estate.Where{Account: vpcProd, Region: vpcRegion}
	vpcMgmtAt = estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
	vpcOldAt  = estate.Where{Account: vpcOld, Region: vpcRegion}
)

// Resources of netClean's groups and ACL.
const (
	netWebRes     = "sg/444444444444/eu-west-1/sg-web (web)"
	netDefaultRes = "sg/444444444444/eu-west-1/sg-default (default)"
	netACLRes     = "nacl/444444444444/eu-west-1/acl-prod"
)

func tcpPorts(from, to int32) estate.Traffic {
	return estate.Traffic{Protocol: "tcp", FromPort: from, ToPort: to}
}

var allTraffic = estate.Traffic{Protocol: estate.AllProtocols, FromPort: -1, ToPort: -1}

// netClean is an organization whose network passes every check: in
// prod, a VPC whose default group has no rules, a web group open to the
// world on 443 only and to the app group on 5432, and a network ACL that
// denies SSH and RDP from anywhere before allowing everything; in the
// management account, a VPC with an empty default group and an ACL that
// allows only 443. Each VPC has an active flow log.
func netClean() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", ManagementAccountID: vpcMgmtID}
	e.Accounts["mgmt@example.com"] = &estate.Account{ID: vpcMgmtID, Name: "management", Email: "mgmt@example.com", Status: "ACTIVE"}
	e.Accounts[vpcProd] = &estate.Account{ID: vpcProdID, Name: "prod", Email: vpcProd, Status: "ACTIVE"}
	e.Accounts[vpcOld] = &estate.Account{ID: vpcOldID, Name: "old", Email: vpcOld, Status: "SUSPENDED"}
	n := estate.NewNetwork()
	n.Accounts = []string{estate.ManagementKey, vpcOld, vpcProd}
	n.Regions = []string{vpcRegion, "us-east-1"}
	n.VPCs[vpcProdAt.Key("vpc-prod")] = &estate.VPC{Where: vpcProdAt, ID: "vpc-prod",
		IPv4: []string{"10.0.0.0/16", "100.64.0.0/20"}, IPv6: []string{"2600:1f18:aaaa:bb00::/56"},
		FlowLogs: []estate.FlowLog{{ID: "fl-prod", Status: estate.FlowLogActive, TrafficType: "ALL", DestinationType: "s3"}}}
	n.VPCs[vpcMgmtAt.Key("vpc-mgmt")] = &estate.VPC{Where: vpcMgmtAt, ID: "vpc-mgmt", IPv4: []string{"172.31.0.0/16"}, Default: true,
		FlowLogs: []estate.FlowLog{{ID: "fl-mgmt", Status: estate.FlowLogActive, TrafficType: "REJECT", DestinationType: "cloud-watch-logs"}}}
	n.SecurityGroups[vpcProdAt.Key("sg-default")] = &estate.SecurityGroup{Where: vpcProdAt, ID: "sg-default", Name: "default", VPC: "vpc-prod", Default: true}
	n.SecurityGroups[vpcProdAt.Key("sg-web")] = &estate.SecurityGroup{Where: vpcProdAt, ID: "sg-web", Name: "web", VPC: "vpc-prod",
		Ingress: []estate.SecurityGroupRule{
			{Traffic: tcpPorts(443, 443), IPv4: []string{estate.AnyIPv4}, IPv6: []string{estate.AnyIPv6}},
			{Traffic: tcpPorts(5432, 5432), Groups: []string{"sg-app"}, PrefixLists: []string{"pl-corp"}},
		},
		Egress: []estate.SecurityGroupRule{{Traffic: allTraffic, IPv4: []string{estate.AnyIPv4}}}}
	n.SecurityGroups[vpcMgmtAt.Key("sg-mgmt-default")] = &estate.SecurityGroup{Where: vpcMgmtAt, ID: "sg-mgmt-default", Name: "default", VPC: "vpc-mgmt", Default: true}
	n.NetworkACLs[vpcProdAt.Key("acl-prod")] = &estate.NetworkACL{Where: vpcProdAt, ID: "acl-prod", VPC: "vpc-prod", Default: true,
		Ingress: []estate.ACLEntry{
			{Traffic: estate.Traffic{Protocol: "6", FromPort: 22, ToPort: 22}, RuleNumber: 10, CIDR: estate.AnyIPv4},
			{Traffic: estate.Traffic{Protocol: "6", FromPort: 3389, ToPort: 3389}, RuleNumber: 11, CIDR: estate.AnyIPv4},
			{Traffic: estate.Traffic{Protocol: "6", FromPort: 22, ToPort: 22}, RuleNumber: 12, CIDR: estate.AnyIPv6},
			{Traffic: estate.Traffic{Protocol: "6", FromPort: 3389, ToPort: 3389}, RuleNumber: 13, CIDR: estate.AnyIPv6},
			{Traffic: allTraffic, RuleNumber: 100, Allow: true, CIDR: estate.AnyIPv4},
			{Traffic: allTraffic, RuleNumber: 101, Allow: true, CIDR: estate.AnyIPv6},
			{Traffic: allTraffic, RuleNumber: 32767, CIDR: estate.AnyIPv4},
			{Traffic: allTraffic, RuleNumber: 32768, CIDR: estate.AnyIPv6},
		}}
	n.NetworkACLs[vpcMgmtAt.Key("acl-mgmt")] = &estate.NetworkACL{Where: vpcMgmtAt, ID: "acl-mgmt", VPC: "vpc-mgmt",
		Ingress: []estate.ACLEntry{
			{Traffic: estate.Traffic{Protocol: "6", FromPort: 443, ToPort: 443}, RuleNumber: 100, Allow: true, CIDR: estate.AnyIPv4},
			{Traffic: allTraffic, RuleNumber: 32767, CIDR: estate.AnyIPv4},
		}}
	e.Network = n
	return e
}

func webGroup(e *estate.Estate) *estate.SecurityGroup {
	return e.Network.SecurityGroups[vpcProdAt.Key("sg-web")]
}

func addIngress(r estate.SecurityGroupRule) func(e *estate.Estate) {
	return func(e *estate.Estate) { g := webGroup(e); g.Ingress = append(g.Ingress, r) }
}

// setACL replaces the inbound entries of prod's ACL.
func setACL(entries ...estate.ACLEntry) func(e *estate.Estate) {
	return func(e *estate.Estate) { e.Network.NetworkACLs[vpcProdAt.Key("acl-prod")].Ingress = entries }
}

func aclEntry(rule int32, allow bool, t estate.Traffic, cidr string) estate.ACLEntry {
	return estate.ACLEntry{Traffic: t, RuleNumber: rule, Allow: allow, CIDR: cidr}
}

// placedInResource holds every network finding to an account and Region
// that its resource names.
func placedInResource(t *testing.T, _ audittest.Case, f audit.Finding) {
	t.Helper()
	if f.Account == "" || f.Region == "" || !strings.Contains(f.Resource, "/"+f.Account+"/"+f.Region+"/") {
		t.Errorf("finding %q: account %q, Region %q not set or not its resource's", f.Resource, f.Account, f.Region)
	}
}

// oldGroup puts a group open on every port to both families into the
// closing account, whose resources the checks ignore.
func oldGroup(e *estate.Estate) {
	e.Network.SecurityGroups[vpcOldAt.Key("sg-old")] = &estate.SecurityGroup{Where: vpcOldAt, ID: "sg-old", Name: "default", VPC: "vpc-old", Default: true,
		Ingress: []estate.SecurityGroupRule{{Traffic: allTraffic, IPv4: []string{estate.AnyIPv4, "10.0.0.0/24"}, IPv6: []string{estate.AnyIPv6}}}}
	e.Network.VPCs[vpcOldAt.Key("vpc-old")] = &estate.VPC{Where: vpcOldAt, ID: "vpc-old", IPv4: []string{"10.0.0.0/16"}}
	e.Network.NetworkACLs[vpcOldAt.Key("acl-old")] = &estate.NetworkACL{Where: vpcOldAt, ID: "acl-old", VPC: "vpc-old",
		Ingress: []estate.ACLEntry{aclEntry(100, true, allTraffic, estate.AnyIPv4)}}
}

func TestNetworkChecksPassCleanNetwork(t *testing.T) {
	e := netClean()
	oldGroup(e)
	for _, c := range audit.Checks() {
		if !strings.HasPrefix(c.ID, "GW-NET-") {
			continue
		}
		if fs := audittest.RunCheck(t, c.ID, e); len(fs) != 0 {
			t.Errorf("%s on a clean network: %+v", c.ID, fs)
		}
		if fs := audittest.RunCheck(t, c.ID, estate.New()); len(fs) != 0 {
			t.Errorf("%s without a network layer: %+v", c.ID, fs)
		}
	}
}

func TestOpenAdminPortsIPv4(t *testing.T) {
	world := []string{estate.AnyIPv4}
	audittest.RunCases(t, netClean, map[string]audittest.Case{
		"ssh open": {Check: "GW-NET-001", Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv4: world}),
			Want: []string{netWebRes}, Msg: "lets 0.0.0.0/0 reach SSH (22) (inbound tcp 22)"},
		"rdp open": {Check: "GW-NET-001", Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(3389, 3389), IPv4: world}),
			Want: []string{netWebRes}, Msg: "RDP (3389)"},
		"443 open only": {Check: "GW-NET-001", Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(443, 443), IPv4: world})},
		"range covering both": {Check: "GW-NET-001", Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(0, 65535), IPv4: world}),
			Want: []string{netWebRes}, Msg: "RDP (3389) and SSH (22) (inbound tcp 0-65535)"},
		"range ending below 22": {Check: "GW-NET-001", Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(0, 21), IPv4: world})},
		"range between the ports": {Check: "GW-NET-001",
			Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(23, 3388), IPv4: world})},
		"all protocols": {Check: "GW-NET-001", Edit: addIngress(estate.SecurityGroupRule{Traffic: allTraffic, IPv4: world}),
			Want: []string{netWebRes}, Msg: "(inbound all traffic)"},
		"udp range": {Check: "GW-NET-001",
			Edit: addIngress(estate.SecurityGroupRule{Traffic: estate.Traffic{Protocol: "udp", FromPort: 0, ToPort: 65535}, IPv4: world})},
		"ssh from a narrower block": {Check: "GW-NET-001",
			Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv4: []string{"203.0.113.0/24"}})},
		"ssh from ::/0 only": {Check: "GW-NET-001",
			Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv6: []string{estate.AnyIPv6}})},
		"ssh outbound to the world": {Check: "GW-NET-001", Edit: func(e *estate.Estate) {
			g := webGroup(e)
			g.Egress = append(g.Egress, estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv4: world})
		}},
		"closing account ignored": {Check: "GW-NET-001", Edit: oldGroup},
	}, audittest.EveryMessage, placedInResource)
}

func TestOpenAdminPortsIPv6(t *testing.T) {
	world := []string{estate.AnyIPv6}
	audittest.RunCases(t, netClean, map[string]audittest.Case{
		"ssh open": {Check: "GW-NET-002", Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv6: world}),
			Want: []string{netWebRes}, Msg: "lets ::/0 reach SSH (22)"},
		"rdp in a range": {Check: "GW-NET-002", Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(3000, 4000), IPv6: world}),
			Want: []string{netWebRes}, Msg: "RDP (3389) (inbound tcp 3000-4000)"},
		"all protocols": {Check: "GW-NET-002", Edit: addIngress(estate.SecurityGroupRule{Traffic: allTraffic, IPv6: world}),
			Want: []string{netWebRes}, Msg: "RDP (3389) and SSH (22)"},
		"443 open only":      {Check: "GW-NET-002", Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(443, 443), IPv6: world})},
		"ssh from 0.0.0.0/0": {Check: "GW-NET-002", Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv4: []string{estate.AnyIPv4}})},
		"ssh from a narrower block": {Check: "GW-NET-002",
			Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv6: []string{"2001:db8::/32"}})},
	}, audittest.EveryMessage, placedInResource)
}

func TestACLAdminPorts(t *testing.T) {
	ssh := estate.Traffic{Protocol: "6", FromPort: 22, ToPort: 22}
	rdp := estate.Traffic{Protocol: "6", FromPort: 3389, ToPort: 3389}
	audittest.RunCases(t, netClean, map[string]audittest.Case{
		"allow all without denies": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(100, true, allTraffic, estate.AnyIPv4), aclEntry(32767, false, allTraffic, estate.AnyIPv4)),
			Want: []string{netACLRes}, Msg: "SSH (22) from 0.0.0.0/0 by rule 100 (all traffic); RDP (3389) from 0.0.0.0/0 by rule 100"},
		"deny before allow": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(50, false, ssh, estate.AnyIPv4), aclEntry(60, false, rdp, estate.AnyIPv4), aclEntry(100, true, allTraffic, estate.AnyIPv4))},
		"deny after allow": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(100, true, allTraffic, estate.AnyIPv4), aclEntry(150, false, ssh, estate.AnyIPv4)),
			Want: []string{netACLRes}, Msg: "SSH (22) from 0.0.0.0/0 by rule 100"},
		"deny of ssh only": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(50, false, ssh, estate.AnyIPv4), aclEntry(100, true, allTraffic, estate.AnyIPv4)),
			Want: []string{netACLRes}, Msg: "admits RDP (3389) from 0.0.0.0/0 by rule 100 (all traffic):"},
		"deny of a narrower block does not close it": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(50, false, allTraffic, "10.0.0.0/8"), aclEntry(100, true, rdp, estate.AnyIPv4)),
			Want: []string{netACLRes}, Msg: "admits RDP (3389) from 0.0.0.0/0 by rule 100 (tcp 3389):"},
		"allow from a narrower block": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(100, true, ssh, "203.0.113.0/24"), aclEntry(32767, false, allTraffic, estate.AnyIPv4))},
		"allow of 443 only": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(100, true, estate.Traffic{Protocol: "6", FromPort: 443, ToPort: 443}, estate.AnyIPv4))},
		"port range covering 3389": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(100, true, estate.Traffic{Protocol: "6", FromPort: 1024, ToPort: 65535}, estate.AnyIPv4)),
			Want: []string{netACLRes}, Msg: "admits RDP (3389) from 0.0.0.0/0 by rule 100 (tcp 1024-65535):"},
		"udp allow": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(100, true, estate.Traffic{Protocol: "17", FromPort: 0, ToPort: 65535}, estate.AnyIPv4))},
		"ipv6 allow with ipv4 denies": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(10, false, allTraffic, estate.AnyIPv4), aclEntry(101, true, ssh, estate.AnyIPv6)),
			Want: []string{netACLRes}, Msg: "admits SSH (22) from ::/0 by rule 101 (tcp 22):"},
		"ipv6 deny before ipv6 allow": {Check: "GW-NET-003",
			Edit: setACL(aclEntry(10, false, allTraffic, estate.AnyIPv6), aclEntry(101, true, allTraffic, estate.AnyIPv6))},
		"default ACL named": {Check: "GW-NET-003", Edit: setACL(aclEntry(100, true, allTraffic, estate.AnyIPv4)),
			Want: []string{netACLRes}, Msg: "default network ACL acl-prod of vpc-prod admits"},
		"closing account ignored": {Check: "GW-NET-003", Edit: oldGroup},
	}, audittest.EveryMessage, placedInResource)
}

func TestDefaultSecurityGroups(t *testing.T) {
	mgmtDefaultRes := "sg/000000000000/us-east-1/sg-mgmt-default (default)"
	audittest.RunCases(t, netClean, map[string]audittest.Case{
		"default rules as created": {Check: "GW-NET-004", Edit: func(e *estate.Estate) {
			g := e.Network.SecurityGroups[vpcProdAt.Key("sg-default")]
			g.Ingress = []estate.SecurityGroupRule{{Traffic: allTraffic, Groups: []string{"sg-default"}}}
			g.Egress = []estate.SecurityGroupRule{{Traffic: allTraffic, IPv4: []string{estate.AnyIPv4}}}
		}, Want: []string{netDefaultRes}, Msg: "has rules (inbound all traffic, outbound all traffic)"},
		"egress only, in the management account": {Check: "GW-NET-004", Edit: func(e *estate.Estate) {
			g := e.Network.SecurityGroups[vpcMgmtAt.Key("sg-mgmt-default")]
			g.Egress = []estate.SecurityGroupRule{{Traffic: tcpPorts(443, 443), IPv4: []string{estate.AnyIPv4}}}
		}, Want: []string{mgmtDefaultRes}, Msg: "(outbound tcp 443)"},
		"rules on a group that is not default": {Check: "GW-NET-004",
			Edit: addIngress(estate.SecurityGroupRule{Traffic: allTraffic, IPv4: []string{estate.AnyIPv4}})},
		"closing account ignored": {Check: "GW-NET-004", Edit: oldGroup},
	}, audittest.EveryMessage, placedInResource)
}

func TestInternalCIDRs(t *testing.T) {
	audittest.RunCases(t, netClean, map[string]audittest.Case{
		"internal blocks listed once": {Check: "GW-NET-005", Edit: func(e *estate.Estate) {
			g := webGroup(e)
			g.Ingress = append(g.Ingress,
				estate.SecurityGroupRule{Traffic: tcpPorts(8080, 8080), IPv4: []string{"10.0.2.0/24", "10.0.1.0/24", "203.0.113.0/24"}},
				estate.SecurityGroupRule{Traffic: tcpPorts(9090, 9090), IPv4: []string{"10.0.1.0/24", "100.64.1.5/32"}})
		}, Want: []string{netWebRes},
			Msg: "admits 10.0.1.0/24, 10.0.2.0/24, 100.64.1.5/32, inside its VPC vpc-prod (10.0.0.0/16, 100.64.0.0/20, 2600:1f18:aaaa:bb00::/56)"},
		"internal ipv6 block": {Check: "GW-NET-005",
			Edit: addIngress(estate.SecurityGroupRule{Traffic: allTraffic, IPv6: []string{"2600:1f18:aaaa:bb01::/64"}}),
			Want: []string{netWebRes}, Msg: "admits 2600:1f18:aaaa:bb01::/64, inside"},
		"the whole VPC block": {Check: "GW-NET-005",
			Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv4: []string{"10.0.0.0/16"}}),
			Want: []string{netWebRes}, Msg: "admits 10.0.0.0/16, inside"},
		"a block wider than the VPC": {Check: "GW-NET-005",
			Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv4: []string{"10.0.0.0/8"}})},
		"a block of another network": {Check: "GW-NET-005",
			Edit: addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv4: []string{"10.1.0.0/24", "192.168.0.0/24"}})},
		"an internal block outbound": {Check: "GW-NET-005", Edit: func(e *estate.Estate) {
			g := webGroup(e)
			g.Egress = append(g.Egress, estate.SecurityGroupRule{Traffic: tcpPorts(5432, 5432), IPv4: []string{"10.0.3.0/24"}})
		}},
		"the VPC was not read": {Check: "GW-NET-005", Edit: func(e *estate.Estate) {
			delete(e.Network.VPCs, vpcProdAt.Key("vpc-prod"))
			addIngress(estate.SecurityGroupRule{Traffic: tcpPorts(22, 22), IPv4: []string{"10.0.1.0/24"}})(e)
		}},
		"closing account ignored": {Check: "GW-NET-005", Edit: oldGroup},
	}, audittest.EveryMessage, placedInResource)
}

func TestFlowLogs(t *testing.T) {
	const prodVPC, mgmtVPC = "vpc/444444444444/eu-west-1/vpc-prod", "vpc/000000000000/us-east-1/vpc-mgmt"
	prod := func(e *estate.Estate) *estate.VPC { return e.Network.VPCs[vpcProdAt.Key("vpc-prod")] }
	audittest.RunCases(t, netClean, map[string]audittest.Case{
		"no flow log": {Check: "GW-NET-006", Edit: func(e *estate.Estate) { prod(e).FlowLogs = nil },
			Want: []string{prodVPC}, Msg: "VPC vpc-prod has no flow log: its traffic is not recorded"},
		"default VPC without flow logs": {Check: "GW-NET-006",
			Edit: func(e *estate.Estate) { e.Network.VPCs[vpcMgmtAt.Key("vpc-mgmt")].FlowLogs = nil },
			Want: []string{mgmtVPC}, Msg: "default VPC vpc-mgmt has no flow log"},
		"only an inactive flow log": {Check: "GW-NET-006", Edit: func(e *estate.Estate) {
			prod(e).FlowLogs = []estate.FlowLog{{ID: "fl-off", Status: "INACTIVE", TrafficType: "ALL"}}
		}, Want: []string{prodVPC}, Msg: "has no active flow log (fl-off is INACTIVE): its traffic is not recorded"},
		"an active flow log beside an inactive one": {Check: "GW-NET-006", Edit: func(e *estate.Estate) {
			v := prod(e)
			v.FlowLogs = append([]estate.FlowLog{{ID: "fl-off", Status: "INACTIVE"}}, v.FlowLogs...)
		}},
		"every VPC without flow logs, in order": {Check: "GW-NET-006", Edit: func(e *estate.Estate) {
			for _, v := range e.Network.VPCs {
				v.FlowLogs = nil
			}
		}, Want: []string{mgmtVPC, prodVPC}},
		"VPCs not read": {Check: "GW-NET-006", Edit: func(e *estate.Estate) {
			prod(e).FlowLogs = nil
			e.Network.VPCs = map[string]*estate.VPC{}
		}},
		"closing account ignored": {Check: "GW-NET-006", Edit: oldGroup},
	}, audittest.EveryMessage, placedInResource)
}
