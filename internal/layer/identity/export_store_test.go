package identity

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
)

// StoreConformanceCases are the conformance cases of the Identity Store
// and access control attribute kinds, for the layer's conformance test
// (an external test, which cannot reach the fake they run on).
func StoreConformanceCases(*testing.T) []kindstest.Case {
	var cases []kindstest.Case
	for _, kind := range []string{KindStoreUser, KindStoreGroup, KindAccessControl} {
		cases = append(cases, kindstest.Case{Kind: kind, Desired: storeDesired, Starts: storeStarts()})
	}
	return append(cases, kindstest.Case{Kind: KindStoreMembership, Desired: storeDesired, Starts: storeStarts(),
		Deletes: true, SpecDeletes: "the spec lists a group's members in full"})
}

// storeRegion is the home Region of the store cases.
const storeRegion = "us-east-1"

// storeDesired asks for two users, two groups with members and two
// access control attributes.
func storeDesired() *estate.Estate {
	e := kindstest.DesiredEstate()
	e.Identity = &estate.Identity{Center: &estate.IdentityCenter{Region: storeRegion, Source: estate.SourceIdentityCenter,
		Users: map[string]*estate.IdentityUser{
			"ana": {UserName: "ana", DisplayName: "Ana Lima", GivenName: "Ana", FamilyName: "Lima", Email: "ana@example.com"},
			"bo":  {UserName: "bo", DisplayName: "Bo Berg", GivenName: "Bo", FamilyName: "Berg", Email: "bo@example.com"},
		},
		Groups: map[string]*estate.IdentityGroup{
			"admins":   {Name: "admins", Description: "Platform administrators", Members: []string{"ana", "bo"}},
			"auditors": {Name: "auditors", Members: []string{"bo"}},
		},
		AccessControlAttributes: map[string]string{"CostCenter": "${path:enterprise.costCenter}", "Department": "${path:enterprise.department}"},
	}}
	return e
}

// storeStarts are an instance with an empty store, and one drifted in
// every kind: a user with another family name and e-mail (its name in
// another case), a group with another description and a member the spec
// does not list, an attribute with another source and one the spec does
// not write.
func storeStarts() []kindstest.Start {
	return []kindstest.Start{
		{Name: "empty", New: func(t *testing.T) kindstest.Fake { return storeConformanceFake(newStoreFake()) }},
		{Name: "drifted", New: func(t *testing.T) kindstest.Fake {
			f := newStoreFake()
			f.addUser("Ana", "Ana", "Silva", "ana.silva@example.com")
			f.addUser("mallory", "Mallory", "Hand", "mallory@example.com")
			f.addGroup("admins", "Admins", "Ana", "mallory")
			f.attrs = []ssotypes.AccessControlAttribute{
				{Key: aws.String("CostCenter"), Value: &ssotypes.AccessControlAttributeValue{Source: []string{"${path:enterprise.division}"}}},
				{Key: aws.String("Team"), Value: &ssotypes.AccessControlAttributeValue{Source: []string{"${path:enterprise.department}"}}},
			}
			return storeConformanceFake(f)
		}},
	}
}

func storeConformanceFake(f *storeFake) kindstest.Fake {
	return kindstest.FakeFuncs{
		InstallFunc: func(env *kinds.Env) { kinds.SetClients(env, f.clients()) },
		ObserveFunc: func() *estate.Estate {
			e := kindstest.MatchingEstate()
			e.Identity = &estate.Identity{Center: f.center(storeRegion)}
			return e
		},
		WritesFunc: f.writes,
	}
}
