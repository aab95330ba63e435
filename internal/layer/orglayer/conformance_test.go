package orglayer_test

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
)

// Every kind of the organization layer passes the kinds conformance
// suite: from an organization with none of the layer, and from one where
// a policy differs, another is not in the spec, a policy is attached
// where the spec does not attach it, another account administers Config
// and a contact is out of date.
func TestConformance(t *testing.T) {
	// Member accounts' contacts need trusted access for Account
	// Management, which the spec turns on with them.
	desired := func() *estate.Estate {
		e := desiredOrgEstate()
		e.Org.TrustedServices = []string{accountService, configSvc, ssoSvc}
		return e
	}
	fake := func(org *kindstest.FakeOrg, l *fakeOrgLayer) kindstest.Fake {
		return kindstest.FakeFuncs{
			InstallFunc: func(env *kinds.Env) {
				env.Organizations = org
				kinds.SetClients(env, orglayer.Clients{Org: l, Account: l})
			},
			ObserveFunc: func() *estate.Estate { return actualEstate(org, l) },
			WritesFunc:  func() int { return len(l.writeLog()) },
		}
	}
	starts := []kindstest.Start{
		{Name: "nothing", New: func(*testing.T) kindstest.Fake { return fake(newOrgLayerFakes()) }},
		{Name: "drifted", New: func(*testing.T) kindstest.Fake {
			org, l := newOrgLayerFakes()
			l.enable(scp)
			l.addPolicy(baselineID, "baseline", scp, `{"Version":"2012-10-17","Statement":[]}`, org.Root, "ou-sec")
			l.addPolicy("p-old", "old", scp, baselineDoc, "ou-wl")
			l.trusted[configSvc] = true
			l.admins[configSvc] = kindstest.PaymentsID
			l.contacts[kindstest.LogID] = map[string]estate.Contact{estate.ContactBilling: logSecurity}
			return fake(org, l)
		}},
	}
	// The organization's own SCP on the root and on an account, and its
	// own tag policy: none of them groundwork's.
	unmade := []kindstest.Start{{Name: "policies made by hand", New: func(*testing.T) kindstest.Fake {
		org, l := newOrgLayerFakes()
		l.enable(scp)
		l.enable(tagPolicy)
		l.addUnmarkedPolicy("p-custom", "custom", scp, baselineDoc, org.Root, kindstest.PaymentsID)
		l.addUnmarkedPolicy("p-tags", "org-tags", tagPolicy, `{"tags":{}}`, org.Root)
		return fake(org, l)
	}}}
	cases := []kindstest.Case{
		{Kind: orglayer.KindPolicyType, Desired: desired, Starts: starts},
		{Kind: orglayer.KindPolicy, Desired: desired, Starts: starts, Deletes: true, Unmade: unmade},
		{Kind: orglayer.KindAttachment, Desired: desired, Starts: starts, Deletes: true, Unmade: unmade},
		{Kind: orglayer.KindTrustedAccess, Desired: desired, Starts: starts},
		{Kind: orglayer.KindDelegatedAdmin, Desired: desired, Starts: starts, Deletes: true,
			SpecDeletes: "services.delegated_admins names the account the service moves to"},
		{Kind: orglayer.KindContact, Desired: desired, Starts: starts},
	}
	kindstest.RunPackage(t, "github.com/groundwork-aws/groundwork/internal/layer/orglayer", cases)
}
