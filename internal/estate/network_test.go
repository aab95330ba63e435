package estate

import (
	"reflect"
	"testing"
)

func TestVPCContains(t *testing.T) {
	v := &VPC{ID: "vpc-1", IPv4: []string{"10.0.0.0/16", "100.64.0.0/20"}, IPv6: []string{"2600:1f18:aaaa:bb00::/56"}}
	for cidr, want := range map[string]bool{
		"10.0.0.0/16":                true,
		"10.0.1.0/24":                true,
		"10.0.255.7/32":              true,
		"100.64.15.0/24":             true,
		"10.0.0.0/8":                 false, // wider than the VPC
		"10.1.0.0/24":                false,
		"100.64.16.0/24":             false,
		"0.0.0.0/0":                  false,
		"2600:1f18:aaaa:bb10::/64":   true,
		"2600:1f18:aaaa:cc00::/64":   false,
		"::/0":                       false,
		"not a block":                false,
		"2600:1f18:aaaa:bb00::1/128": true,
	} {
		if got := v.Contains(cidr); got != want {
			t.Errorf("Contains(%q) = %v, want %v", cidr, got, want)
		}
	}
	if (&VPC{}).Contains("10.0.0.0/24") {
		t.Error("a VPC without blocks contains nothing")
	}
}

func TestTrafficReachesTCP(t *testing.T) {
	for name, tt := range map[string]struct {
		traffic Traffic
		port    int32
		want    bool
	}{
		"all protocols":         {Traffic{Protocol: "-1", FromPort: -1, ToPort: -1}, 22, true},
		"tcp exact":             {Traffic{Protocol: "tcp", FromPort: 22, ToPort: 22}, 22, true},
		"tcp other port":        {Traffic{Protocol: "tcp", FromPort: 443, ToPort: 443}, 22, false},
		"tcp range covering":    {Traffic{Protocol: "tcp", FromPort: 0, ToPort: 65535}, 3389, true},
		"tcp range below":       {Traffic{Protocol: "tcp", FromPort: 1024, ToPort: 65535}, 22, false},
		"tcp range ending at":   {Traffic{Protocol: "tcp", FromPort: 3000, ToPort: 3389}, 3389, true},
		"tcp without range":     {Traffic{Protocol: "tcp", FromPort: -1, ToPort: -1}, 22, true},
		"acl protocol number":   {Traffic{Protocol: "6", FromPort: 20, ToPort: 25}, 22, true},
		"udp":                   {Traffic{Protocol: "udp", FromPort: 0, ToPort: 65535}, 22, false},
		"acl udp number":        {Traffic{Protocol: "17", FromPort: 3389, ToPort: 3389}, 3389, false},
		"icmp":                  {Traffic{Protocol: "icmp", FromPort: -1, ToPort: -1}, 22, false},
		"upper-case tcp":        {Traffic{Protocol: "TCP", FromPort: 22, ToPort: 22}, 22, true},
		"tcp range just beyond": {Traffic{Protocol: "tcp", FromPort: 23, ToPort: 3388}, 22, false},
	} {
		t.Run(name, func(t *testing.T) {
			if got := tt.traffic.ReachesTCP(tt.port); got != tt.want {
				t.Errorf("%+v.ReachesTCP(%d) = %v, want %v", tt.traffic, tt.port, got, tt.want)
			}
		})
	}
}

func TestNetworkSorted(t *testing.T) {
	n := NewNetwork()
	for _, w := range []Where{{"b", "us-east-1"}, {"a", "us-east-1"}, {"a", "eu-west-1"}} {
		n.SecurityGroups[w.Key("sg-2")] = &SecurityGroup{Where: w, ID: "sg-2"}
		n.SecurityGroups[w.Key("sg-1")] = &SecurityGroup{Where: w, ID: "sg-1"}
		n.VPCs[w.Key("vpc-1")] = &VPC{Where: w, ID: "vpc-1"}
		n.NetworkACLs[w.Key("acl-1")] = &NetworkACL{Where: w, ID: "acl-1"}
	}
	var got []string
	for _, g := range n.SortedSecurityGroups() {
		got = append(got, g.Key(g.ID))
	}
	want := []string{"a/eu-west-1/sg-1", "a/eu-west-1/sg-2", "a/us-east-1/sg-1", "a/us-east-1/sg-2", "b/us-east-1/sg-1", "b/us-east-1/sg-2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SortedSecurityGroups = %q, want %q", got, want)
	}
	if v := n.SortedVPCs(); len(v) != 3 || v[0].Where != (Where{"a", "eu-west-1"}) || v[2].Where != (Where{"b", "us-east-1"}) {
		t.Errorf("SortedVPCs out of order: %+v", v)
	}
	if a := n.SortedNetworkACLs(); len(a) != 3 || a[1].Where != (Where{"a", "us-east-1"}) {
		t.Errorf("SortedNetworkACLs out of order: %+v", a)
	}
	if n.VPCOf(Where{"a", "us-east-1"}, "vpc-1") == nil || n.VPCOf(Where{"a", "us-east-1"}, "vpc-9") != nil {
		t.Error("VPCOf finds the VPC by place and ID only")
	}
	if got := (&SecurityGroup{ID: "sg-1", Name: "web"}).Label(); got != "sg-1 (web)" {
		t.Errorf("Label = %q", got)
	}
}

func TestVPCActiveFlowLogs(t *testing.T) {
	v := &VPC{ID: "vpc-1", FlowLogs: []FlowLog{
		{ID: "fl-off", Status: "INACTIVE", TrafficType: "ALL"},
		{ID: "fl-on", Status: FlowLogActive, TrafficType: "REJECT", DestinationType: "s3"},
		{ID: "fl-blank"},
	}}
	want := []FlowLog{{ID: "fl-on", Status: FlowLogActive, TrafficType: "REJECT", DestinationType: "s3"}}
	if got := v.ActiveFlowLogs(); !reflect.DeepEqual(got, want) {
		t.Errorf("ActiveFlowLogs() = %+v, want %+v", got, want)
	}
	if got := (&VPC{ID: "vpc-2"}).ActiveFlowLogs(); got != nil {
		t.Errorf("a VPC without flow logs has active ones: %+v", got)
	}
}
