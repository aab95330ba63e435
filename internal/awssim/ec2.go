package awssim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// ec2State is an account's EC2 in one Region.
type ec2State struct {
	vpcs       []*vpc
	groups     []*securityGroup
	instances  []instance
	ebsDefault bool
	flowLogs   []string // VPC IDs with a flow log
	peering    bool     // a route through a VPC peering connection
}

type vpc struct {
	id, cidr   string
	isDefault  bool
	subnets    []string
	gateway    string // attached internet gateway
	interfaces int    // network interfaces in use
}

type securityGroup struct {
	id, name, vpc string
	// ingress are the rules: protocol, from, to, CIDR.
	ingress [][4]string
}

type instance struct {
	id, tokens string
}

// ec2Of is the account's EC2 in region, generated on first use: the
// caller holds a.mu.
func (a *account) ec2(region string) *ec2State {
	st, ok := a.coll(region, "ec2")["state"].(*ec2State)
	if !ok {
		st = newEC2(a, region)
		a.coll(region, "ec2")["state"] = st
	}
	return st
}

// newEC2 generates an account's EC2 in a Region. A bare account has its
// default VPC (three subnets, an internet gateway, the default security
// group) and EBS encryption by default off. A baselined one has no
// default VPC, EBS encryption by default on, and a workload has its own
// VPC with a web and an app security group, flow logs and one instance.
// Flaws: every 20th workload's app group opens SSH to the world, every
// 40th keeps its default VPC, every 16th has no flow log and an
// instance with IMDSv1.
func newEC2(a *account, region string) *ec2State {
	st := &ec2State{}
	tag := fmt.Sprintf("%s%02d", a.id[len(a.id)-6:], slices.Index(a.org.Regions, region)+1)
	if !a.baselined() || a.flawed(40) {
		v := &vpc{id: "vpc-d" + tag, cidr: "172.31.0.0/16", isDefault: true, gateway: "igw-d" + tag}
		for z := range 3 {
			v.subnets = append(v.subnets, fmt.Sprintf("subnet-d%s%d", tag, z))
		}
		st.vpcs = append(st.vpcs, v)
		st.groups = append(st.groups, &securityGroup{id: "sg-d" + tag, name: "default", vpc: v.id})
	}
	if !a.baselined() {
		return st
	}
	st.ebsDefault = true
	if a.index < Foundation {
		return st
	}
	v := &vpc{id: "vpc-w" + tag, cidr: "10.0.0.0/16", interfaces: 2}
	for z := range 3 {
		v.subnets = append(v.subnets, fmt.Sprintf("subnet-w%s%d", tag, z))
	}
	st.vpcs = append(st.vpcs, v)
	st.groups = append(st.groups,
		&securityGroup{id: "sg-w" + tag, name: "default", vpc: v.id},
		&securityGroup{id: "sg-web" + tag, name: "web", vpc: v.id, ingress: [][4]string{{"tcp", "443", "443", "0.0.0.0/0"}}},
		&securityGroup{id: "sg-app" + tag, name: "app", vpc: v.id, ingress: [][4]string{{"tcp", "8080", "8080", "10.0.0.0/16"}}})
	if a.flawed(20) {
		st.groups[len(st.groups)-1].ingress = append(st.groups[len(st.groups)-1].ingress, [4]string{"tcp", "22", "22", "0.0.0.0/0"})
	}
	tokens := "required"
	if a.flawed(16) {
		tokens = "optional"
	} else {
		st.flowLogs = append(st.flowLogs, v.id)
	}
	st.instances = append(st.instances, instance{id: "i-" + tag, tokens: tokens})
	return st
}

func init() {
	serve("ec2", map[string]handler{
		"DescribeVpcs":                 ec2Read((*ec2State).describeVpcs),
		"DescribeSubnets":              ec2Read((*ec2State).describeSubnets),
		"DescribeInternetGateways":     ec2Read((*ec2State).describeGateways),
		"DescribeSecurityGroups":       ec2Read((*ec2State).describeSecurityGroups),
		"DescribeNetworkAcls":          ec2Read((*ec2State).describeNetworkACLs),
		"DescribeNetworkInterfaces":    ec2Read((*ec2State).describeNetworkInterfaces),
		"DescribeFlowLogs":             ec2Read((*ec2State).describeFlowLogs),
		"DescribeInstances":            ec2Read((*ec2State).describeInstances),
		"DescribeRouteTables":          ec2Read((*ec2State).describeRouteTables),
		"GetEbsEncryptionByDefault":    ec2Read((*ec2State).getEBSDefault),
		"EnableEbsEncryptionByDefault": ec2Write((*ec2State).enableEBSDefault),
		"DeleteSubnet":                 ec2Write((*ec2State).deleteSubnet),
		"DetachInternetGateway":        ec2Write((*ec2State).detachGateway),
		"DeleteInternetGateway":        ec2Write(func(*ec2State, *call) (string, string) { return "<return>true</return>", "" }),
		"DeleteVpc":                    ec2Write((*ec2State).deleteVpc),
	})
}

// An EC2 operation answers the inside of its response, or an error code.
type ec2Op func(st *ec2State, c *call) (result, code string)

func ec2Read(op ec2Op) handler  { return ec2Handler(op, false) }
func ec2Write(op ec2Op) handler { return ec2Handler(op, true) }

func ec2Handler(op ec2Op, write bool) handler {
	return func(s *Server, w http.ResponseWriter, c *call) {
		a := s.lock(c)
		result, code := op(a.ec2(c.region), c)
		a.mu.Unlock()
		if code != "" {
			writeError(w, c, http.StatusBadRequest, code, "the resource "+code)
			return
		}
		if write {
			s.Writes.Add(1)
		}
		writeEC2(w, c, result)
	}
}

// filter is the values of a request's filter by name; ok false when the
// request has no such filter.
func (c *call) filter(name string) (values []string, ok bool) {
	for i := 1; ; i++ {
		n := c.form.Get(fmt.Sprintf("Filter.%d.Name", i))
		if n == "" {
			return nil, false
		}
		if n == name {
			return c.members(fmt.Sprintf("Filter.%d.Value", i)), true
		}
	}
}

// matches tells whether value passes the request's filter name (or the
// request has none).
func (c *call) matches(name, value string) bool {
	values, ok := c.filter(name)
	return !ok || slices.Contains(values, value)
}

func (st *ec2State) describeVpcs(c *call) (string, string) {
	ids := c.members("VpcId")
	var b strings.Builder
	for _, v := range st.vpcs {
		if len(ids) > 0 && !slices.Contains(ids, v.id) || !c.matches("isDefault", fmt.Sprint(v.isDefault)) || !c.matches("vpc-id", v.id) {
			continue
		}
		fmt.Fprintf(&b, "<item>%s%s%s%s<isDefault>%t</isDefault><cidrBlockAssociationSet><item>%s%s<cidrBlockState><state>associated</state></cidrBlockState></item></cidrBlockAssociationSet></item>",
			el("vpcId", v.id), el("ownerId", c.account), el("state", "available"), el("cidrBlock", v.cidr), v.isDefault,
			el("associationId", "vpc-cidr-assoc-"+v.id[4:]), el("cidrBlock", v.cidr))
	}
	if len(ids) > 0 && b.Len() == 0 {
		return "", "InvalidVpcID.NotFound"
	}
	return "<vpcSet>" + b.String() + "</vpcSet>", ""
}

func (st *ec2State) describeSubnets(c *call) (string, string) {
	var b strings.Builder
	for _, v := range st.vpcs {
		if !c.matches("vpc-id", v.id) {
			continue
		}
		for i, s := range v.subnets {
			fmt.Fprintf(&b, "<item>%s%s%s%s</item>", el("subnetId", s), el("vpcId", v.id),
				el("cidrBlock", fmt.Sprintf("%s.%d.0/20", strings.Join(strings.Split(v.cidr, ".")[:2], "."), 16*i)),
				el("availabilityZone", c.region+string(rune('a'+i))))
		}
	}
	return "<subnetSet>" + b.String() + "</subnetSet>", ""
}

func (st *ec2State) describeGateways(c *call) (string, string) {
	var b strings.Builder
	for _, v := range st.vpcs {
		if v.gateway == "" || !c.matches("attachment.vpc-id", v.id) {
			continue
		}
		fmt.Fprintf(&b, "<item>%s<attachmentSet><item>%s%s</item></attachmentSet></item>", el("internetGatewayId", v.gateway),
			el("vpcId", v.id), el("state", "available"))
	}
	return "<internetGatewaySet>" + b.String() + "</internetGatewaySet>", ""
}

func (st *ec2State) describeSecurityGroups(c *call) (string, string) {
	var b strings.Builder
	for _, g := range st.groups {
		if !c.matches("vpc-id", g.vpc) {
			continue
		}
		fmt.Fprintf(&b, "<item>%s%s%s%s%s<ipPermissions>", el("ownerId", c.account), el("groupId", g.id), el("groupName", g.name),
			el("groupDescription", g.name), el("vpcId", g.vpc))
		if g.name == "default" {
			// The default group lets its own members in, as AWS makes it.
			fmt.Fprintf(&b, "<item>%s<groups><item>%s%s</item></groups><ipRanges/></item>", el("ipProtocol", "-1"), el("userId", c.account), el("groupId", g.id))
		}
		for _, r := range g.ingress {
			fmt.Fprintf(&b, "<item>%s%s%s<groups/><ipRanges><item>%s</item></ipRanges></item>", el("ipProtocol", r[0]), el("fromPort", r[1]),
				el("toPort", r[2]), el("cidrIp", r[3]))
		}
		fmt.Fprintf(&b, "</ipPermissions><ipPermissionsEgress><item>%s<groups/><ipRanges><item>%s</item></ipRanges></item></ipPermissionsEgress></item>",
			el("ipProtocol", "-1"), el("cidrIp", "0.0.0.0/0"))
	}
	return "<securityGroupInfo>" + b.String() + "</securityGroupInfo>", ""
}

// describeNetworkACLs answers each VPC's default ACL, which allows all
// traffic in and out, as AWS makes it.
func (st *ec2State) describeNetworkACLs(c *call) (string, string) {
	var b strings.Builder
	for _, v := range st.vpcs {
		if !c.matches("vpc-id", v.id) {
			continue
		}
		b.WriteString("<item>" + el("networkAclId", "acl-"+v.id[4:]) + el("vpcId", v.id) + "<default>true</default><entrySet>")
		for _, egress := range []bool{false, true} {
			fmt.Fprintf(&b, "<item><ruleNumber>100</ruleNumber><protocol>-1</protocol><ruleAction>allow</ruleAction><egress>%t</egress>%s</item>", egress, el("cidrBlock", "0.0.0.0/0"))
			fmt.Fprintf(&b, "<item><ruleNumber>32767</ruleNumber><protocol>-1</protocol><ruleAction>deny</ruleAction><egress>%t</egress>%s</item>", egress, el("cidrBlock", "0.0.0.0/0"))
		}
		b.WriteString("</entrySet></item>")
	}
	return "<networkAclSet>" + b.String() + "</networkAclSet>", ""
}

func (st *ec2State) describeNetworkInterfaces(c *call) (string, string) {
	var b strings.Builder
	for _, v := range st.vpcs {
		if !c.matches("vpc-id", v.id) {
			continue
		}
		for i := range v.interfaces {
			fmt.Fprintf(&b, "<item>%s%s%s</item>", el("networkInterfaceId", fmt.Sprintf("eni-%s%d", v.id[4:], i)), el("vpcId", v.id), el("status", "in-use"))
		}
	}
	return "<networkInterfaceSet>" + b.String() + "</networkInterfaceSet>", ""
}

func (st *ec2State) describeFlowLogs(*call) (string, string) {
	var b strings.Builder
	for _, id := range st.flowLogs {
		fmt.Fprintf(&b, "<item>%s%s%s%s%s</item>", el("flowLogId", "fl-"+id[4:]), el("flowLogStatus", "ACTIVE"), el("resourceId", id),
			el("trafficType", "ALL"), el("logDestinationType", "cloud-watch-logs"))
	}
	return "<flowLogSet>" + b.String() + "</flowLogSet>", ""
}

func (st *ec2State) describeInstances(c *call) (string, string) {
	var b strings.Builder
	for _, in := range st.instances {
		if !c.matches("instance-state-name", "running") {
			continue
		}
		fmt.Fprintf(&b, "<item>%s%s<instancesSet><item>%s<instanceState><code>16</code><name>running</name></instanceState>"+
			"<metadataOptions>%s%s</metadataOptions><iamInstanceProfile>%s</iamInstanceProfile></item></instancesSet></item>",
			el("reservationId", "r-"+in.id[2:]), el("ownerId", c.account), el("instanceId", in.id),
			el("httpTokens", in.tokens), el("httpEndpoint", "enabled"), el("arn", "arn:aws:iam::"+c.account+":instance-profile/app"))
	}
	return "<reservationSet>" + b.String() + "</reservationSet>", ""
}

func (st *ec2State) describeRouteTables(c *call) (string, string) {
	var b strings.Builder
	for _, v := range st.vpcs {
		fmt.Fprintf(&b, "<item>%s%s<routeSet><item>%s%s%s</item>", el("routeTableId", "rtb-"+v.id[4:]), el("vpcId", v.id),
			el("destinationCidrBlock", v.cidr), el("gatewayId", "local"), el("state", "active"))
		if v.gateway != "" {
			fmt.Fprintf(&b, "<item>%s%s%s</item>", el("destinationCidrBlock", "0.0.0.0/0"), el("gatewayId", v.gateway), el("state", "active"))
		}
		b.WriteString("</routeSet><associationSet/></item>")
	}
	return "<routeTableSet>" + b.String() + "</routeTableSet>", ""
}

func (st *ec2State) getEBSDefault(*call) (string, string) {
	return fmt.Sprintf("<ebsEncryptionByDefault>%t</ebsEncryptionByDefault>", st.ebsDefault), ""
}

func (st *ec2State) enableEBSDefault(*call) (string, string) {
	st.ebsDefault = true
	return "<ebsEncryptionByDefault>true</ebsEncryptionByDefault>", ""
}

func (st *ec2State) deleteSubnet(c *call) (string, string) {
	id := c.form.Get("SubnetId")
	for _, v := range st.vpcs {
		if i := slices.Index(v.subnets, id); i >= 0 {
			v.subnets = slices.Delete(v.subnets, i, i+1)
			return "<return>true</return>", ""
		}
	}
	return "", "InvalidSubnetID.NotFound"
}

func (st *ec2State) detachGateway(c *call) (string, string) {
	for _, v := range st.vpcs {
		if v.id == c.form.Get("VpcId") && v.gateway == c.form.Get("InternetGatewayId") {
			v.gateway = ""
			return "<return>true</return>", ""
		}
	}
	return "", "Gateway.NotAttached"
}

// deleteVpc deletes a VPC that has no subnet, gateway or network
// interface left; its default security group and ACL go with it.
func (st *ec2State) deleteVpc(c *call) (string, string) {
	id := c.form.Get("VpcId")
	i := slices.IndexFunc(st.vpcs, func(v *vpc) bool { return v.id == id })
	if i < 0 {
		return "", "InvalidVpcID.NotFound"
	}
	if v := st.vpcs[i]; len(v.subnets) > 0 || v.gateway != "" || v.interfaces > 0 {
		return "", "DependencyViolation"
	}
	st.vpcs = slices.Delete(st.vpcs, i, i+1)
	st.groups = slices.DeleteFunc(st.groups, func(g *securityGroup) bool { return g.vpc == id })
	return "<return>true</return>", ""
}
