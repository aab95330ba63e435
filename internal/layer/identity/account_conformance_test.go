package identity_test

import (
	"context"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/identity"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

const acctSpec = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1}
units: {Security: {}, Infrastructure: {}, Workloads: {units: {Prod: {}, NonProd: {}}}}
accounts:
  identity: {unit: Infrastructure, role: identity}
  web-prod: {unit: Workloads/Prod, role: workload, workload: web, environment: prod}
  web-dev: {unit: Workloads/NonProd, role: workload, workload: web, environment: dev}
identity:
  model: identity_account
  identity_account: {users: [ana, ben], max_session: 2h}
`

const (
	acctMgmtID, acctIDID, acctProdID, acctDevID = "111111111111", "222222222222", "333333333333", "444444444444"
	acctIdentity                                = "aws-identity-primary@example.com"
	acctProd                                    = "aws-web-prod-primary@example.com"
	acctDev                                     = "aws-web-dev-primary@example.com"
)

// acctEstates returns the desired estate of acctSpec and the core of an
// actual one where the organization and its accounts exist.
func acctEstates(t *testing.T) (desired, base *estate.Estate) {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(acctSpec))
	if err != nil {
		t.Fatal(err)
	}
	base = estate.New()
	base.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: acctMgmtID}
	for path, id := range map[string]string{"Infrastructure": "ou-1", "Workloads": "ou-2", "Workloads/Prod": "ou-3", "Workloads/NonProd": "ou-4", "Security": "ou-5"} {
		base.Units[path] = &estate.Unit{ID: id, Path: path}
	}
	base.Accounts["aws-management@example.com"] = &estate.Account{ID: acctMgmtID, Email: "aws-management@example.com", Name: "management", Status: "ACTIVE"}
	base.Accounts[acctIdentity] = &estate.Account{ID: acctIDID, Email: acctIdentity, Name: "identity-primary", Unit: "Infrastructure", Status: "ACTIVE"}
	base.Accounts[acctProd] = &estate.Account{ID: acctProdID, Email: acctProd, Name: "web-prod-primary", Unit: "Workloads/Prod", Status: "ACTIVE"}
	base.Accounts[acctDev] = &estate.Account{ID: acctDevID, Email: acctDev, Name: "web-dev-primary", Unit: "Workloads/NonProd", Status: "ACTIVE"}
	return f.Desired(), base
}

// observe reads w back as the layer's read part does, over a copy of base.
func (w *iamWorld) observe(t *testing.T, base *estate.Estate, want *estate.IdentityAccount) *estate.Estate {
	t.Helper()
	e := *base
	e.Identity = nil
	if err := identity.ReadAccountModel(context.Background(), w.reads, want, &e, inventory.Options{}); err != nil {
		t.Fatalf("read: %v", err)
	}
	return &e
}

// acctLooseWorld is an organization where the model was half built by
// hand: the group with a policy of its own, ana without the group, a
// ReadOnly role in web-prod that trusts anyone for 12 hours and holds
// nothing.
func acctLooseWorld() *iamWorld {
	w := newIAMWorld()
	id := w.account(acctIDID)
	id.groups["identity-users"] = &iamGroup{inline: map[string]string{identity.GroupPolicyName: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}}
	id.users["ana"] = &iamUser{}
	w.account(acctProdID).roles["ReadOnly"] = &iamRole{path: "/org-admin/", maxSession: 43200,
		trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`}
	return w
}

func init() { conformanceCases = append(conformanceCases, accountModelCases) }

// accountModelCases are the conformance cases of the Identity-account
// model's kinds, from an organization without the model and from one
// where it was half built by hand.
func accountModelCases(t *testing.T) []kindstest.Case {
	desired := func() *estate.Estate { d, _ := acctEstates(t); return d }
	fake := func(t *testing.T, w *iamWorld) kindstest.Fake {
		d, base := acctEstates(t)
		return kindstest.FakeFuncs{
			InstallFunc: func(env *kinds.Env) { kinds.SetClients[identity.AccountClients](env, w) },
			ObserveFunc: func() *estate.Estate { return w.observe(t, base, d.Identity.Account) },
			WritesFunc:  w.writeCount,
		}
	}
	starts := []kindstest.Start{
		{Name: "bare", New: func(t *testing.T) kindstest.Fake { return fake(t, newIAMWorld()) }},
		{Name: "loose", New: func(t *testing.T) kindstest.Fake { return fake(t, acctLooseWorld()) }},
	}
	return []kindstest.Case{
		{Kind: identity.KindIdentityGroup, Desired: desired, Starts: starts},
		{Kind: identity.KindIdentityUser, Desired: desired, Starts: starts},
		{Kind: identity.KindStageRole, Desired: desired, Starts: starts},
	}
}
