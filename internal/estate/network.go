package estate

import (
	"maps"
	"net/netip"
	"slices"
	"strings"
)

// Network is the network layer of an organization as the audit reads it
// over a Scope: the VPCs (with their flow logs), security groups and
// network ACLs of every account and Region. It is actual only: groundwork does not manage
// workload networks, it judges them. Accounts are named as everywhere in
// the estate: by e-mail key, or ManagementKey for the management account.
type Network struct {
	// Accounts and Regions are where the layer was read, sorted.
	Accounts []string
	Regions  []string
	// VPCs, SecurityGroups and NetworkACLs are keyed by Where.Key of their
	// ID: "management/eu-west-1/vpc-0abc".
	VPCs           map[string]*VPC
	SecurityGroups map[string]*SecurityGroup
	NetworkACLs    map[string]*NetworkACL
}

// NewNetwork returns an empty network layer.
func NewNetwork() *Network {
	return &Network{VPCs: map[string]*VPC{}, SecurityGroups: map[string]*SecurityGroup{}, NetworkACLs: map[string]*NetworkACL{}}
}

// VPC is a virtual private cloud.
type VPC struct {
	Where
	ID string
	// IPv4 and IPv6 are the CIDR blocks associated with the VPC, the
	// primary IPv4 block first; blocks being disassociated are left out.
	IPv4    []string
	IPv6    []string `json:",omitempty"`
	Default bool
	// FlowLogs are the flow logs that capture the VPC's traffic, whatever
	// their status, by ID.
	FlowLogs []FlowLog `json:",omitempty"`
}

// FlowLog is a VPC flow log, as EC2 describes it.
type FlowLog struct {
	ID string
	// Status is EC2's FlowLogStatus: FlowLogActive for a log that records.
	Status string
	// TrafficType is what is captured: "ACCEPT", "REJECT" or "ALL".
	TrafficType string
	// DestinationType is where records go: "cloud-watch-logs", "s3" or
	// "kinesis-data-firehose".
	DestinationType string `json:",omitempty"`
}

// FlowLogActive is the Status of a flow log that records traffic.
const FlowLogActive = "ACTIVE"

// ActiveFlowLogs returns the VPC's flow logs that record traffic.
func (v *VPC) ActiveFlowLogs() []FlowLog {
	var out []FlowLog
	for _, l := range v.FlowLogs {
		if l.Status == FlowLogActive {
			out = append(out, l)
		}
	}
	return out
}

// Contains reports whether the CIDR block lies wholly inside one of the
// VPC's blocks: "10.0.1.0/24" is inside a VPC of 10.0.0.0/16, and so is
// "10.0.0.5/32". A block that does not parse is inside nothing.
func (v *VPC) Contains(cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	for _, block := range slices.Concat(v.IPv4, v.IPv6) {
		b, err := netip.ParsePrefix(block)
		if err == nil && b.Bits() <= p.Bits() && b.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// SecurityGroup is an EC2 security group.
type SecurityGroup struct {
	Where
	ID   string
	Name string
	VPC  string
	// Default marks the VPC's default group, the one every network
	// interface launched without a group joins.
	Default bool
	Ingress []SecurityGroupRule `json:",omitempty"`
	Egress  []SecurityGroupRule `json:",omitempty"`
}

// Label names the group for people: "sg-0abc (web)".
func (g *SecurityGroup) Label() string {
	if g.Name == "" {
		return g.ID
	}
	return g.ID + " (" + g.Name + ")"
}

// Traffic is what a rule matches: a protocol and, for TCP and UDP, a port
// range.
type Traffic struct {
	// Protocol is as EC2 gives it: a name ("tcp", "udp", "icmp") for
	// security groups, a number ("6", "17") for network ACLs, and "-1" for
	// every protocol.
	Protocol string
	// FromPort and ToPort bound the ports, inclusive; for ICMP they are
	// the type and code. Both are -1 when EC2 gives none, as for "-1".
	FromPort int32
	ToPort   int32
}

// AllProtocols is the Protocol of traffic of every protocol.
const AllProtocols = "-1"

// ReachesTCP reports whether the traffic includes TCP to the port: every
// protocol does, and TCP does when the port is in its range.
func (t Traffic) ReachesTCP(port int32) bool {
	switch strings.ToLower(t.Protocol) {
	case AllProtocols, "all":
		return true
	case "tcp", "6":
		if t.FromPort == -1 && t.ToPort == -1 {
			return true // no range given: all ports
		}
		return t.FromPort <= port && port <= t.ToPort
	}
	return false
}

// SecurityGroupRule is one permission of a security group: the traffic
// and every source (ingress) or destination (egress) it is allowed from or
// to, each list sorted.
type SecurityGroupRule struct {
	Traffic
	IPv4 []string `json:",omitempty"`
	IPv6 []string `json:",omitempty"`
	// Groups are the referenced security groups by ID, prefixed by the
	// owning account's ID and "/" when another account owns them.
	Groups      []string `json:",omitempty"`
	PrefixLists []string `json:",omitempty"`
}

// The CIDR blocks that stand for every address.
const (
	AnyIPv4 = "0.0.0.0/0"
	AnyIPv6 = "::/0"
)

// NetworkACL is a network ACL and its inbound entries: the audit judges
// what reaches a subnet, not what leaves it.
type NetworkACL struct {
	Where
	ID      string
	VPC     string
	Default bool
	// Ingress are the inbound entries by rule number, the order the ACL
	// evaluates them in; the final "*" entry, which denies the rest, is
	// rule number 32767.
	Ingress []ACLEntry `json:",omitempty"`
}

// ACLEntry is one entry of a network ACL.
type ACLEntry struct {
	Traffic
	RuleNumber int32
	Allow      bool
	// CIDR is the IPv4 or IPv6 block the entry matches.
	CIDR string
}

// SortedVPCs returns the VPCs by account, Region and ID.
func (n *Network) SortedVPCs() []*VPC { return sortedByKey(n.VPCs) }

// SortedSecurityGroups returns the security groups by account, Region
// and ID.
func (n *Network) SortedSecurityGroups() []*SecurityGroup { return sortedByKey(n.SecurityGroups) }

// SortedNetworkACLs returns the network ACLs by account, Region and ID.
func (n *Network) SortedNetworkACLs() []*NetworkACL { return sortedByKey(n.NetworkACLs) }

// VPCOf returns the VPC a security group or network ACL at w is in; nil
// when it was not read.
func (n *Network) VPCOf(w Where, id string) *VPC { return n.VPCs[w.Key(id)] }

func sortedByKey[V any](m map[string]V) []V {
	out := make([]V, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}
