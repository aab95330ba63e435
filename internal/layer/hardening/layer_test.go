package hardening

import (
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestWholeEstateNamesEveryAccountOfTheScope(t *testing.T) {
	actual := estate.New()
	actual.Organization = &estate.Organization{ManagementAccountID: "111111111111", ManagementAccountEmail: "mgmt@example.com"}
	actual.Accounts["mgmt@example.com"] = &estate.Account{ID: "111111111111", Email: "mgmt@example.com", Status: "ACTIVE"}
	actual.Accounts["a@example.com"] = &estate.Account{ID: "222222222222", Email: "a@example.com", Status: "ACTIVE"}
	s := estate.Scope{Accounts: []string{"a@example.com", "mgmt@example.com"}, Regions: []string{"us-east-1", "eu-west-1"}, HomeRegion: "us-east-1"}
	h := wholeEstate(actual, s)
	if want := []string{"a@example.com", estate.ManagementKey}; !slices.Equal(h.Accounts, want) {
		t.Errorf("hardening accounts = %v, want %v", h.Accounts, want)
	}
	if h.HomeRegion != "us-east-1" || !slices.Equal(h.Regions, []string{"us-east-1", "eu-west-1"}) {
		t.Errorf("hardening Regions = %v home %s", h.Regions, h.HomeRegion)
	}
	if len(h.PasswordPolicies) != 0 || len(h.PublicAccessBlocks) != 0 || h.DeleteDefaultVPCs {
		t.Errorf("the hardening read wants changes: %+v", h)
	}
}
