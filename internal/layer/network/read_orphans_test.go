package network

import (
	"maps"
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestDropOrphans(t *testing.T) {
	at := estate.Where{Account: "management", Region: "eu-west-1"}
	n := estate.NewNetwork()
	n.VPCs[at.Key("vpc-live")] = &estate.VPC{Where: at, ID: "vpc-live"}
	n.SecurityGroups[at.Key("sg-live")] = &estate.SecurityGroup{Where: at, ID: "sg-live", VPC: "vpc-live"}
	n.SecurityGroups[at.Key("sg-gone")] = &estate.SecurityGroup{Where: at, ID: "sg-gone", VPC: "vpc-gone"}
	n.SecurityGroups[at.Key("sg-classic")] = &estate.SecurityGroup{Where: at, ID: "sg-classic"}
	n.NetworkACLs[at.Key("acl-live")] = &estate.NetworkACL{Where: at, ID: "acl-live", VPC: "vpc-live"}
	n.NetworkACLs[at.Key("acl-gone")] = &estate.NetworkACL{Where: at, ID: "acl-gone", VPC: "vpc-gone"}
	// The same VPC ID in another place is another VPC.
	other := estate.Where{Account: "management", Region: "us-east-1"}
	n.NetworkACLs[other.Key("acl-elsewhere")] = &estate.NetworkACL{Where: other, ID: "acl-elsewhere", VPC: "vpc-live"}

	dropOrphans(n)
	if got, want := slices.Sorted(maps.Keys(n.SecurityGroups)), []string{at.Key("sg-classic"), at.Key("sg-live")}; !slices.Equal(got, want) {
		t.Errorf("security groups = %q, want %q", got, want)
	}
	if got, want := slices.Sorted(maps.Keys(n.NetworkACLs)), []string{at.Key("acl-live")}; !slices.Equal(got, want) {
		t.Errorf("network ACLs = %q, want %q", got, want)
	}
}
