package identity

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
)

// accInline is the inline policy of the tests' Log Archive set.
const accInline = `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
}`

// accDesired is what the access tests' spec asks for: an administrator
// set for one user on the management account, a Log Archive set (every
// attribute) for a group on the Security OU, a read-only set for a group
// on Workloads.
func accDesired() *estate.Estate {
	e := estate.New()
	e.HomeRegion = "us-east-1"
	e.Organization = &estate.Organization{FeatureSet: "ALL", ManagementAccountEmail: "mgmt@example.com"}
	for _, path := range []string{"Security", "Workloads", "Workloads/Prod"} {
		e.Units[path] = &estate.Unit{Path: path}
	}
	e.Accounts[accLA] = &estate.Account{Name: "log-archive", Email: accLA, Unit: "Security", Key: "log-archive"}
	e.Accounts[accWeb] = &estate.Account{Name: "web-prod", Email: accWeb, Unit: "Workloads/Prod", Key: "web-prod"}
	e.Identity = &estate.Identity{Center: &estate.IdentityCenter{Region: "us-east-1", Source: estate.SourceExternal,
		PermissionSets: map[string]*estate.PermissionSet{
			"AdministratorAccess": {Name: "AdministratorAccess", SessionDuration: "PT1H", Description: "administrators of the management account",
				ManagedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}},
			"LogArchiveAdminAccess": {Name: "LogArchiveAdminAccess", SessionDuration: "PT4H", RelayState: "https://console.aws.amazon.com/s3",
				ManagedPolicies:  []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
				CustomerPolicies: []estate.PolicyRef{{Name: "log-archive-admin", Path: "/"}}, InlinePolicy: accInline,
				Boundary: &estate.Boundary{CustomerPolicy: &estate.PolicyRef{Name: "boundary", Path: "/org/"}},
				Tags:     map[string]string{"Owner": "security"}},
			"ReadOnly": {Name: "ReadOnly", SessionDuration: "PT2H", ManagedPolicies: []string{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"}},
		},
		Grants: []estate.Grant{
			{PermissionSet: "AdministratorAccess", Users: []string{"ana"}, Accounts: []string{estate.ManagementKey}},
			{PermissionSet: "LogArchiveAdminAccess", Groups: []string{"Log Archive Administrators"}, Units: []string{"Security"}},
			{PermissionSet: "ReadOnly", Groups: []string{"auditors"}, Units: []string{"Workloads"}},
		},
	}}
	return e
}

// accPrincipals makes the principals of accDesired, as the Identity Store
// kinds (or an identity provider) would have.
func accPrincipals(w *accWorld) (ana, admins, auditors string) {
	return w.addUser("ana"), w.addGroup("Log Archive Administrators"), w.addGroup("auditors")
}

// accObserve reads the world the way the layer's read part does.
func accObserve(t *testing.T, w *accWorld, want *estate.Identity) *estate.Estate {
	e := accActual(w)
	ar := newAccessRead(w, w, e.Identity.Center, want, e, inventory.Options{})
	if err := ar.run(context.Background()); err != nil {
		t.Fatalf("read: %v", err)
	}
	e.Identity.Center.PermissionSets, e.Identity.Center.Assignments = ar.sets, ar.assignments
	e.Identity.Unread = ar.unread
	return e
}

func accFake(t *testing.T, w *accWorld) kindstest.Fake {
	return kindstest.FakeFuncs{
		InstallFunc: func(env *kinds.Env) { kinds.SetClients[AccessClients](env, w) },
		ObserveFunc: func() *estate.Estate { return accObserve(t, w, accDesired().Identity) },
		WritesFunc:  func() int { return len(w.writeLog()) },
	}
}

// AccessConformanceCases lets the external conformance test run the
// access kinds' cases, which use the package's fake and read.
var AccessConformanceCases = accessCases

// accessCases are the conformance cases of both access kinds: from an
// instance with only the principals, from one where the sets were made by
// hand and drifted (an extra policy, out of date where provisioned, an
// assignment the spec does not make), and from one that answers
// asynchronously.
func accessCases(t *testing.T) []kindstest.Case {
	bare := func(*testing.T) kindstest.Fake { w := newAccWorld(); accPrincipals(w); return accFake(t, w) }
	starts := []kindstest.Start{
		{Name: "bare", New: bare},
		{Name: "drifted", New: func(*testing.T) kindstest.Fake {
			w := newAccWorld()
			ana, admins, auditors := accPrincipals(w)
			admin := w.addSet(&accSet{name: "AdministratorAccess", duration: "PT8H",
				managed: []string{"arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess"}})
			la := w.addSet(&accSet{name: "LogArchiveAdminAccess", duration: "PT4H", relay: "https://console.aws.amazon.com/s3",
				managed: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, customer: []estate.PolicyRef{{Name: "log-archive-admin", Path: "/"}},
				inline:   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
				boundary: &types.PermissionsBoundary{CustomerManagedPolicyReference: &types.CustomerManagedPolicyReference{Name: aws.String("boundary"), Path: aws.String("/org/")}},
				tags:     map[string]string{"Owner": "security", kinds.OwnerTagKey: kinds.OwnerTagValue}})
			other := w.addSet(&accSet{name: "Billing", duration: "PT1H"})
			w.assign(admin, accMgmtID, "USER", ana)
			w.assign(admin, accWebID, "GROUP", auditors) // the spec does not make it
			w.assign(la, accLAID, "GROUP", admins)
			w.sets[la].provisioned[accLAID] = false // changed since provisioned
			w.assign(other, accWebID, "GROUP", auditors)
			return accFake(t, w)
		}},
		{Name: "async", New: func(*testing.T) kindstest.Fake {
			w := newAccWorld()
			accPrincipals(w)
			w.async = true
			return accFake(t, w)
		}},
	}
	return []kindstest.Case{
		{Kind: KindPermissionSet, Desired: accDesired, Starts: starts},
		{Kind: KindAssignment, Desired: accDesired, Starts: starts, Deletes: true,
			SpecDeletes: "the spec manages the permission set, and names every assignment of it"},
	}
}
