package kinds_test

import (
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
)

// orgWrites are the operations of the fake organization that change it.
var orgWrites = []string{"CreateOrganization", "EnableAllFeatures", "CreateOrganizationalUnit", "DeleteOrganizationalUnit",
	"CreateAccount", "MoveAccount", "TagResource"}

// observeOrg reads the fake organization the way the inventory reads
// AWS: the organization, its units and accounts with their tags.
func observeOrg(f *kindstest.FakeOrg) *estate.Estate {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	e := estate.New()
	if !f.InUse {
		return e
	}
	e.Organization = &estate.Organization{ID: "o-fake", RootID: f.Root, FeatureSet: string(f.FeatureSet),
		ManagementAccountID: kindstest.ManagementID, ManagementAccountEmail: "root@example.com"}
	for id := range f.Units {
		path := f.PathOf(id)
		e.Units[path] = &estate.Unit{ID: id, Path: path, Tags: maps.Clone(f.Tags[id])}
	}
	for id, a := range f.Accounts {
		e.Accounts[estate.EmailKey(a.Email)] = &estate.Account{ID: id, Name: a.Name, Email: a.Email, Status: "ACTIVE",
			Unit: f.PathOf(a.Parent), Tags: maps.Clone(f.Tags[id])}
	}
	return e
}

// The core kinds pass the kinds conformance suite: from no organization
// at all, and from one where an OU is missing, one lacks its tags, one is
// not in the spec, an account is missing and another is in the wrong OU.
func TestConformance(t *testing.T) {
	fake := func(f *kindstest.FakeOrg) kindstest.Fake {
		f.CreatePolls = 1
		return kindstest.FakeFuncs{
			InstallFunc: func(env *kinds.Env) { env.Organizations = f },
			ObserveFunc: func() *estate.Estate { return observeOrg(f) },
			WritesFunc: func() int {
				n := 0
				for _, op := range orgWrites {
					n += f.Count(op)
				}
				return n
			},
		}
	}
	starts := []kindstest.Start{
		{Name: "no organization", New: func(*testing.T) kindstest.Fake {
			f := kindstest.NewFakeOrg()
			f.InUse = false
			return fake(f)
		}},
		{Name: "drifted", New: func(*testing.T) kindstest.Fake {
			f := kindstest.NewFakeOrg()
			f.AddUnit("ou-sec", "Security", f.Root)
			f.AddUnit("ou-wl", "Workloads", f.Root)
			f.AddUnit("ou-old", "Old", f.Root)
			f.AddUnit("ou-older", "Older", "ou-old")
			// Old and Older are groundwork's (they carry its marker);
			// Security predates the marker and is adopted.
			f.SetTags("ou-old", []types.Tag{{Key: aws.String(kinds.OwnerTagKey), Value: aws.String(kinds.OwnerTagValue)}})
			f.SetTags("ou-older", []types.Tag{{Key: aws.String(kinds.OwnerTagKey), Value: aws.String(kinds.OwnerTagValue)}})
			f.AddAccount(kindstest.ManagementID, "management", "root@example.com", f.Root)
			f.AddAccount(kindstest.PaymentsID, "payments-prod", kindstest.PaymentsEmail, "ou-old")
			f.SetTags(kindstest.PaymentsID, []types.Tag{{Key: aws.String("Owner"), Value: aws.String("someone")}})
			return fake(f)
		}},
	}
	cases := []kindstest.Case{
		{Kind: kinds.KindOrganization, Desired: kindstest.DesiredEstate, Starts: starts},
		{Kind: kinds.KindUnit, Desired: kindstest.DesiredEstate, Starts: starts, Deletes: true,
			Unmade: []kindstest.Start{{Name: "OUs made by hand", New: func(*testing.T) kindstest.Fake {
				f := kindstest.NewFakeOrg()
				f.AddUnit("ou-legacy", "Legacy.v2", f.Root)
				f.AddUnit("ou-empty", "Empty OU", f.Root)
				f.AddUnit("ou-inner", "Inner", "ou-legacy")
				return fake(f)
			}}}},
		{Kind: kinds.KindAccount, Desired: kindstest.DesiredEstate, Starts: starts},
	}
	kindstest.RunPackage(t, "github.com/groundwork-aws/groundwork/internal/kinds", cases)
}
