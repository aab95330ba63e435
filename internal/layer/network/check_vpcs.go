package network

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The network checks: security groups and network ACLs that open remote
// administration to the internet, default security groups that let
// traffic through, security-group rules that name addresses inside their
// own VPC where a group reference would do (CIS AWS Foundations v3.0.0
// section 5, guidance 003 and 004), and VPCs whose traffic no flow log
// records (CIS 3.7). They judge e.Network, read in
// every account and operational Region whatever the spec describes, and
// return no findings when it is nil: the layer was not read, which says
// nothing about the network.

// adminPorts are the remote administration ports CIS 5.1 to 5.3 name:
// SSH and RDP, both over TCP.
var adminPorts = []struct {
	port int32
	name string
}{{22, "SSH"}, {3389, "RDP"}}

var networkControls = []string{"NIST CSF PR.AC-5"}

func init() {
	audit.Register(audit.Check{
		ID:       "GW-NET-001",
		Title:    "No security group open to 0.0.0.0/0 on remote administration ports",
		Severity: audit.High,
		Guidance: "003 Logging and Auditing; 004 Compliance Alignment",
		Controls: append([]string{"CIS AWS Foundations Benchmark v3.0.0 5.2"}, networkControls...),
		Rationale: "A security group that lets any IPv4 address reach SSH or RDP puts the instance's login in front of " +
			"every scanner on the internet: one weak password, leaked key or unpatched server is enough.",
		Remediation: "manual: remove the rule, or narrow its source to known addresses; reach instances through " +
			"AWS Systems Manager Session Manager or a bastion's security group instead",
		Reads: []string{"network"},
		Run:   checkOpenAdminPorts(estate.AnyIPv4),
	})
	audit.Register(audit.Check{
		ID:       "GW-NET-002",
		Title:    "No security group open to ::/0 on remote administration ports",
		Severity: audit.High,
		Guidance: "003 Logging and Auditing; 004 Compliance Alignment",
		Controls: append([]string{"CIS AWS Foundations Benchmark v3.0.0 5.3"}, networkControls...),
		Rationale: "A security group that lets any IPv6 address reach SSH or RDP exposes the login to the whole IPv6 " +
			"internet, and is easily missed by reviews that only look for 0.0.0.0/0.",
		Remediation: "manual: remove the ::/0 source from the rule, or narrow it to known addresses; reach instances " +
			"through AWS Systems Manager Session Manager or a bastion's security group instead",
		Reads: []string{"network"},
		Run:   checkOpenAdminPorts(estate.AnyIPv6),
	})
	audit.Register(audit.Check{
		ID:       "GW-NET-003",
		Title:    "No network ACL lets the internet in on remote administration ports",
		Severity: audit.Medium,
		Guidance: "004 Compliance Alignment",
		Controls: append([]string{"CIS AWS Foundations Benchmark v3.0.0 5.1"}, networkControls...),
		Rationale: "A network ACL that admits SSH or RDP from anywhere leaves the subnet's security groups as the only " +
			"barrier: one permissive group then exposes the login to the internet.",
		Remediation: "manual: in the network ACL, deny TCP 22 and 3389 from 0.0.0.0/0 and ::/0 with a rule numbered " +
			"below the allowing one, or narrow the allowing rule to the ports and addresses the subnet serves",
		Reads: []string{"network"},
		Run:   checkACLAdminPorts,
	})
	audit.Register(audit.Check{
		ID:       "GW-NET-004",
		Title:    "Default security groups restrict all traffic",
		Severity: audit.Medium,
		Guidance: "004 Compliance Alignment",
		Controls: append([]string{"CIS AWS Foundations Benchmark v3.0.0 5.4"}, networkControls...),
		Rationale: "Whatever is launched without a security group chosen joins the VPC's default group; rules there " +
			"give it network access nobody designed for it.",
		Remediation: "manual: remove every inbound and outbound rule of the default security group (it cannot be " +
			"deleted) and give resources security groups of their own",
		Reads: []string{"network"},
		Run:   checkDefaultSecurityGroups,
	})
	audit.Register(audit.Check{
		ID:       "GW-NET-005",
		Title:    "Security groups reference groups, not addresses inside their VPC",
		Severity: audit.Low,
		Guidance: "004 Adopt Security Group Referencing; 004 Security Group Rule based on Source Security Group",
		Controls: networkControls,
		Rationale: "A rule that admits a CIDR range inside its own VPC admits whatever is given an address there " +
			"later, not the workload meant; group references follow the workload as addresses change.",
		Remediation: "manual: replace each listed CIDR source with the security group of the resources that should " +
			"connect (for example a database-client group), then remove the CIDR rule",
		Reads: []string{"network"},
		Run:   checkInternalCIDRs,
	})
	audit.Register(audit.Check{
		ID:       "GW-NET-006",
		Title:    "VPC flow logging on in every VPC",
		Severity: audit.Medium,
		Guidance: "003 Logging and Auditing; 004 Compliance Alignment",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.7", "NIST CSF DE.CM-1", "NIST CSF DE.AE-3"},
		Rationale: "Without a flow log nobody can tell afterwards which addresses an instance talked to: rejected " +
			"probes, data leaving for an unknown host and lateral movement between subnets go unseen.",
		Remediation: "manual: create a flow log for the VPC (EC2 CreateFlowLogs, resource type VPC, traffic type ALL or " +
			"REJECT) delivering to CloudWatch Logs or to an S3 bucket in the Log Archive account; or delete a VPC nobody " +
			"uses: for default VPCs, keep hardening.delete_default_vpcs: true and run groundwork apply --allow-delete",
		Reads: []string{"network"},
		Run:   checkFlowLogs,
	})
}

// networkResource names a network resource "kind/account-id/region/id",
// followed by " (name)" when it has one.
func networkResource(e *estate.Estate, kind string, w estate.Where, id, name string) string {
	r := fmt.Sprintf("%s/%s/%s/%s", kind, audit.AccountID(e, w.Account), w.Region, id)
	if name != "" {
		r += " (" + name + ")"
	}
	return r
}

// networkFinding is a finding about the resource at w.
func networkFinding(e *estate.Estate, kind string, w estate.Where, id, name, message string) audit.Finding {
	return audit.Finding{Resource: networkResource(e, kind, w, id, name), Message: message,
		Account: audit.AccountID(e, w.Account), Region: w.Region}
}

// networkGroups returns the security groups of accounts that are not
// closing, sorted; nil when the layer was not read.
func networkGroups(e *estate.Estate) []*estate.SecurityGroup {
	if e.Network == nil {
		return nil
	}
	var out []*estate.SecurityGroup
	for _, g := range e.Network.SortedSecurityGroups() {
		if !audit.Leaving(e, g.Where) {
			out = append(out, g)
		}
	}
	return out
}

// trafficLabel says what a rule matches: "all traffic", "tcp 22",
// "tcp 0-65535".
func trafficLabel(t estate.Traffic) string {
	switch {
	case t.Protocol == estate.AllProtocols:
		return "all traffic"
	case t.Protocol == "6":
		t.Protocol = "tcp" // network ACLs number protocols
	}
	switch {
	case t.FromPort == -1 && t.ToPort == -1:
		return t.Protocol
	case t.FromPort == t.ToPort:
		return fmt.Sprintf("%s %d", t.Protocol, t.FromPort)
	}
	return fmt.Sprintf("%s %d-%d", t.Protocol, t.FromPort, t.ToPort)
}

// checkOpenAdminPorts reports the security groups with an inbound rule
// that lets any address (anyCIDR, 0.0.0.0/0 or ::/0) reach SSH or RDP,
// whether the rule names the port, a range around it or every protocol.
func checkOpenAdminPorts(anyCIDR string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		var out []audit.Finding
		for _, g := range networkGroups(e) {
			var open, rules []string
			for _, r := range g.Ingress {
				sources := r.IPv4
				if anyCIDR == estate.AnyIPv6 {
					sources = r.IPv6
				}
				if !slices.Contains(sources, anyCIDR) {
					continue
				}
				reached := false
				for _, p := range adminPorts {
					if r.ReachesTCP(p.port) {
						reached = true
						if name := fmt.Sprintf("%s (%d)", p.name, p.port); !slices.Contains(open, name) {
							open = append(open, name)
						}
					}
				}
				if reached {
					rules = append(rules, trafficLabel(r.Traffic))
				}
			}
			if len(open) == 0 {
				continue
			}
			slices.Sort(open)
			out = append(out, networkFinding(e, "sg", g.Where, g.ID, g.Name, fmt.Sprintf(
				"security group %s in %s lets %s reach %s (inbound %s): the login faces the whole internet",
				g.Label(), g.VPC, anyCIDR, strings.Join(open, " and "), strings.Join(rules, ", "))))
		}
		return out
	}
}

// checkACLAdminPorts reports the network ACLs that let SSH or RDP in from
// 0.0.0.0/0 or ::/0. An ACL applies the lowest-numbered entry that matches,
// so for each port and address family the entries are walked in order
// until one for the whole family decides: a lower-numbered deny shadows a
// later allow. Entries for narrower blocks neither expose the port to the
// whole internet nor close it to the whole internet, and are passed over.
func checkACLAdminPorts(e *estate.Estate) []audit.Finding {
	if e.Network == nil {
		return nil
	}
	var out []audit.Finding
	for _, acl := range e.Network.SortedNetworkACLs() {
		if audit.Leaving(e, acl.Where) {
			continue
		}
		var open []string
		for _, anyCIDR := range []string{estate.AnyIPv4, estate.AnyIPv6} {
			for _, p := range adminPorts {
				if en, ok := aclAdmits(acl.Ingress, anyCIDR, p.port); ok {
					open = append(open, fmt.Sprintf("%s (%d) from %s by rule %d (%s)", p.name, p.port, anyCIDR, en.RuleNumber, trafficLabel(en.Traffic)))
				}
			}
		}
		if len(open) == 0 {
			continue
		}
		kind := "network ACL " + acl.ID
		if acl.Default {
			kind = "default network ACL " + acl.ID
		}
		out = append(out, networkFinding(e, "nacl", acl.Where, acl.ID, "", fmt.Sprintf(
			"%s of %s admits %s: only security groups stand between the subnets' logins and the internet",
			kind, acl.VPC, strings.Join(open, "; "))))
	}
	return out
}

// aclAdmits returns the entry that decides whether TCP traffic from the
// whole address family anyCIDR reaches the port, when that entry allows
// it. Entries must be in rule-number order, as estate.NetworkACL keeps
// them.
func aclAdmits(entries []estate.ACLEntry, anyCIDR string, port int32) (estate.ACLEntry, bool) {
	for _, en := range entries {
		if en.CIDR != anyCIDR || !en.ReachesTCP(port) {
			continue
		}
		return en, en.Allow
	}
	return estate.ACLEntry{}, false
}

// checkDefaultSecurityGroups reports the default security groups that
// have any rule at all: CIS 5.4 asks for them empty.
func checkDefaultSecurityGroups(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, g := range networkGroups(e) {
		if !g.Default || (len(g.Ingress) == 0 && len(g.Egress) == 0) {
			continue
		}
		var rules []string
		for _, r := range g.Ingress {
			rules = append(rules, "inbound "+trafficLabel(r.Traffic))
		}
		for _, r := range g.Egress {
			rules = append(rules, "outbound "+trafficLabel(r.Traffic))
		}
		out = append(out, networkFinding(e, "sg", g.Where, g.ID, g.Name, fmt.Sprintf(
			"the default security group of %s has rules (%s): anything launched without a group chosen gets that access",
			g.VPC, strings.Join(rules, ", "))))
	}
	return out
}

// checkInternalCIDRs reports, once per security group, the inbound CIDR
// sources that lie inside the group's own VPC (guidance 004: reference
// the source's security group instead). Groups whose VPC was not read are
// passed over: there is nothing to compare with.
func checkInternalCIDRs(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, g := range networkGroups(e) {
		vpc := e.Network.VPCOf(g.Where, g.VPC)
		if vpc == nil {
			continue
		}
		var inside []string
		for _, r := range g.Ingress {
			for _, cidr := range slices.Concat(r.IPv4, r.IPv6) {
				if vpc.Contains(cidr) && !slices.Contains(inside, cidr) {
					inside = append(inside, cidr)
				}
			}
		}
		if len(inside) == 0 {
			continue
		}
		slices.Sort(inside)
		out = append(out, networkFinding(e, "sg", g.Where, g.ID, g.Name, fmt.Sprintf(
			"security group %s admits %s, inside its VPC %s (%s): reference the security groups of the sources instead",
			g.Label(), strings.Join(inside, ", "), vpc.ID, strings.Join(slices.Concat(vpc.IPv4, vpc.IPv6), ", "))))
	}
	return out
}

// checkFlowLogs reports the VPCs without an active flow log of their own,
// naming any flow logs they have that are not active. A log on a subnet
// or network interface does not count: the rest of the VPC goes
// unrecorded.
func checkFlowLogs(e *estate.Estate) []audit.Finding {
	if e.Network == nil {
		return nil
	}
	var out []audit.Finding
	for _, v := range e.Network.SortedVPCs() {
		if audit.Leaving(e, v.Where) || len(v.ActiveFlowLogs()) > 0 {
			continue
		}
		kind := "VPC " + v.ID
		if v.Default {
			kind = "default VPC " + v.ID
		}
		why := "no flow log"
		if len(v.FlowLogs) > 0 {
			var inactive []string
			for _, l := range v.FlowLogs {
				inactive = append(inactive, fmt.Sprintf("%s is %s", l.ID, cmp.Or(l.Status, "of no status")))
			}
			why = "no active flow log (" + strings.Join(inactive, ", ") + ")"
		}
		out = append(out, networkFinding(e, "vpc", v.Where, v.ID, "", fmt.Sprintf(
			"%s has %s: its traffic is not recorded, so connections in and out of it cannot be traced",
			kind, why)))
	}
	return out
}
