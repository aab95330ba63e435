package identity

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// The accounts of the access tests: the management account, the Log
// Archive account in Security and a workload in Workloads/Prod.
const (
	accMgmtID = "111111111111"
	accLAID   = "222222222222"
	accWebID  = "333333333333"
	accLA     = "log-archive@example.com"
	accWeb    = "web-prod@example.com"
)

// accActual is the organization the access tests read: its accounts,
// and the instance the identity layer's instance read found.
func accActual(w *accWorld) *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-test", RootID: "r-test", FeatureSet: "ALL", ManagementAccountID: accMgmtID, ManagementAccountEmail: "mgmt@example.com"}
	for i, path := range []string{"Security", "Workloads", "Workloads/Prod"} {
		e.Units[path] = &estate.Unit{ID: fmt.Sprintf("ou-%d", i), Path: path, Tags: kinds.OwnerTags(nil)}
	}
	e.Accounts["mgmt@example.com"] = &estate.Account{ID: accMgmtID, Name: "management", Email: "mgmt@example.com", Status: estate.AccountActive}
	e.Accounts[accLA] = &estate.Account{ID: accLAID, Name: "log-archive", Email: accLA, Unit: "Security", Status: estate.AccountActive}
	e.Accounts[accWeb] = &estate.Account{ID: accWebID, Name: "web-prod", Email: accWeb, Unit: "Workloads/Prod", Status: estate.AccountActive}
	e.Identity = &estate.Identity{Center: &estate.IdentityCenter{Region: "us-east-1", InstanceARN: w.instance, IdentityStoreID: w.store}}
	return e
}

func readAccessWith(t *testing.T, w *accWorld, want *estate.Identity, actual *estate.Estate) *estate.IdentityCenter {
	t.Helper()
	ar := newAccessRead(w, w, actual.Identity.Center, want, actual, inventory.Options{})
	if err := ar.run(context.Background()); err != nil {
		t.Fatalf("read: %v", err)
	}
	c := *actual.Identity.Center
	c.PermissionSets, c.Assignments = ar.sets, ar.assignments
	actual.Identity.Unread = append(actual.Identity.Unread, ar.unread...)
	return &c
}

// The read gives every permission set whole, the accounts each is
// provisioned to and out of date in, and every assignment by account key
// and principal name; a principal the Identity Store no longer has is
// named by its ID.
func TestReadAccess(t *testing.T) {
	w := newAccWorld()
	ana, admins := w.addUser("ana"), w.addGroup("Log Archive Administrators")
	admin := w.addSet(&accSet{name: "AdministratorAccess", description: "admin", duration: "PT1H",
		managed: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, tags: map[string]string{"groundwork:managed": "true"}})
	la := w.addSet(&accSet{name: "LogArchiveAdminAccess", duration: "PT4H", relay: "https://console.aws.amazon.com/s3",
		customer: []estate.PolicyRef{{Name: "b", Path: "/x/"}, {Name: "a", Path: "/"}},
		inline:   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`,
		boundary: &types.PermissionsBoundary{ManagedPolicyArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")}})
	w.assign(admin, accMgmtID, "USER", ana)
	w.assign(la, accLAID, "GROUP", admins)
	w.assign(la, accLAID, "USER", "u-gone")
	w.sets[la].provisioned[accLAID] = false // changed since it was provisioned

	c := readAccessWith(t, w, nil, accActual(w))
	a := c.PermissionSets["AdministratorAccess"]
	if a == nil || a.ARN != admin || a.Description != "admin" || !reflect.DeepEqual(a.ManagedPolicies, []string{"arn:aws:iam::aws:policy/AdministratorAccess"}) ||
		a.Tags["groundwork:managed"] != "true" || a.Boundary != nil || !reflect.DeepEqual(a.Provisioned, []string{estate.ManagementKey}) || a.OutOfDate != nil {
		t.Errorf("AdministratorAccess read as %+v", a)
	}
	l := c.PermissionSets["LogArchiveAdminAccess"]
	wantRefs := []estate.PolicyRef{{Name: "a", Path: "/"}, {Name: "b", Path: "/x/"}}
	if l == nil || l.SessionDuration != "PT4H" || l.RelayState == "" || !reflect.DeepEqual(l.CustomerPolicies, wantRefs) ||
		!strings.Contains(l.InlinePolicy, "s3:Get*") || l.Boundary == nil || l.Boundary.ManagedPolicy != "arn:aws:iam::aws:policy/PowerUserAccess" ||
		!reflect.DeepEqual(l.OutOfDate, []string{accLA}) || len(l.Tags) != 0 || l.Tags == nil {
		t.Errorf("LogArchiveAdminAccess read as %+v", l)
	}
	want := []estate.Assignment{
		{PermissionSet: "LogArchiveAdminAccess", PrincipalType: "GROUP", Principal: "Log Archive Administrators", PrincipalID: admins, Account: accLA},
		{PermissionSet: "LogArchiveAdminAccess", PrincipalType: "USER", Principal: "u-gone", PrincipalID: "u-gone", Account: accLA},
		{PermissionSet: "AdministratorAccess", PrincipalType: "USER", Principal: "ana", PrincipalID: ana, Account: estate.ManagementKey},
	}
	if !reflect.DeepEqual(c.Assignments, want) {
		t.Errorf("assignments\n got %+v\nwant %+v", c.Assignments, want)
	}
}

// The assignments are asked for in the accounts a set is provisioned to,
// the management account and where the spec assigns the set, not in
// every account: an endpoint that does not provision on assignment (moto)
// still shows the spec's assignments.
func TestReadAccessAsksWhereAssignmentsCanBe(t *testing.T) {
	w := newAccWorld()
	ro := w.addSet(&accSet{name: "ReadOnly", duration: "PT1H"})
	g := w.addGroup("auditors")
	w.assigned[ro+" "+accWebID+" GROUP "+g] = true // assigned, but not provisioned
	actual := accActual(w)
	c := readAccessWith(t, w, nil, actual)
	if len(c.Assignments) != 0 || w.calls["ListAccountAssignments"] != 1 {
		t.Errorf("without a spec: %d assignments after %d ListAccountAssignments; want only the management account asked",
			len(c.Assignments), w.calls["ListAccountAssignments"])
	}
	want := &estate.Identity{Center: &estate.IdentityCenter{Grants: []estate.Grant{{PermissionSet: "ReadOnly", Groups: []string{"auditors"}, Units: []string{"Workloads"}}}}}
	w.calls = map[string]int{}
	c = readAccessWith(t, w, want, accActual(w))
	if len(c.Assignments) != 1 || c.Assignments[0].Account != accWeb || w.calls["ListAccountAssignments"] != 2 {
		t.Errorf("with the spec's grant on Workloads: %+v after %d calls; want the web-prod assignment in 2", c.Assignments, w.calls["ListAccountAssignments"])
	}
}

// An endpoint that lacks the tag and boundary reads (moto 5.2) leaves
// them unread, says so once each, and reads everything else.
func TestReadAccessGaps(t *testing.T) {
	w := newAccWorld()
	w.lacks["ListTagsForResource"], w.lacks["GetPermissionsBoundaryForPermissionSet"] = true, true
	w.addSet(&accSet{name: "A", duration: "PT1H"})
	w.addSet(&accSet{name: "B", duration: "PT1H"})
	actual := accActual(w)
	c := readAccessWith(t, w, nil, actual)
	for _, name := range []string{"A", "B"} {
		ps := c.PermissionSets[name]
		if ps == nil || ps.Tags != nil || !slices.Equal(ps.Unread, []string{estate.PermissionSetBoundary, estate.PermissionSetTags}) {
			t.Errorf("%s read as %+v; want tags and boundary unread", name, ps)
		}
	}
	if len(actual.Identity.Unread) != 2 {
		t.Errorf("Unread %q; want one note for each lacking operation", actual.Identity.Unread)
	}
	// Any other failure fails the read.
	w.lacks["ListTagsForResource"] = false
	w.lacks["ListPermissionSets"] = true
	ar := newAccessRead(w, w, actual.Identity.Center, nil, accActual(w), inventory.Options{})
	if err := ar.run(context.Background()); err == nil {
		t.Error("a failing ListPermissionSets did not fail the read")
	}
}

// The assignments name their principals by the users and groups the
// store part read (the access part waits for it), and ask the Identity
// Store only about a principal it did not list.
func TestReadAccessNamesPrincipalsFromTheStore(t *testing.T) {
	w := newAccWorld()
	ana, admins := w.addUser("ana"), w.addGroup("Log Archive Administrators")
	la := w.addSet(&accSet{name: "LogArchiveAdminAccess", duration: "PT1H"})
	w.assign(la, accMgmtID, "USER", ana)
	w.assign(la, accMgmtID, "GROUP", admins)
	w.assign(la, accMgmtID, "USER", "u-gone")
	actual := accActual(w)
	actual.Identity.Center.Users = map[string]*estate.IdentityUser{"ana": {UserName: "ana", ID: ana}}
	actual.Identity.Center.Groups = map[string]*estate.IdentityGroup{"Log Archive Administrators": {Name: "Log Archive Administrators", ID: admins}}
	c := readAccessWith(t, w, nil, actual)
	var got []string
	for _, a := range c.Assignments {
		got = append(got, a.Principal)
	}
	if want := []string{"Log Archive Administrators", "ana", "u-gone"}; !slices.Equal(got, want) {
		t.Errorf("principals %v, want %v", got, want)
	}
	if w.calls["DescribeUser"] != 1 || w.calls["DescribeGroup"] != 0 {
		t.Errorf("%d DescribeUser and %d DescribeGroup; want one DescribeUser, for the user the store did not list",
			w.calls["DescribeUser"], w.calls["DescribeGroup"])
	}
	var access *readPart
	for i := range readParts {
		if readParts[i].name == readAccessName {
			access = &readParts[i]
		}
	}
	if access == nil || !slices.Contains(access.after, readStoreName) {
		t.Errorf("the access part does not wait for the store part: %+v", access)
	}
}

// A plan reads the assignments of the sets the spec manages only; the
// audit and profiles (a read with Warn) read every set's.
func TestReadAccessPlanReadsManagedSetsAssignments(t *testing.T) {
	w := newAccWorld()
	ana := w.addUser("ana")
	mine := w.addSet(&accSet{name: "MA-Administrator", duration: "PT1H"})
	theirs := w.addSet(&accSet{name: "TheirAdmin", duration: "PT1H"})
	w.assign(mine, accMgmtID, "USER", ana)
	w.assign(theirs, accMgmtID, "USER", ana)
	want := &estate.Identity{Center: &estate.IdentityCenter{PermissionSets: map[string]*estate.PermissionSet{"MA-Administrator": {Name: "MA-Administrator"}},
		Grants: []estate.Grant{{PermissionSet: "MA-Administrator", Users: []string{"ana"}, Accounts: []string{estate.ManagementKey}}}}}

	for name, tt := range map[string]struct {
		r    inventory.Reader
		want *estate.Identity
		sets []string
	}{
		"plan":           {inventory.Reader{}, want, []string{"MA-Administrator"}},
		"audit":          {inventory.Reader{Warn: func(error) {}}, want, []string{"MA-Administrator", "TheirAdmin"}},
		"without a spec": {inventory.Reader{}, nil, []string{"MA-Administrator", "TheirAdmin"}},
	} {
		t.Run(name, func(t *testing.T) {
			w.calls = map[string]int{}
			actual := accActual(w)
			ar := newAccessRead(w, w, actual.Identity.Center, tt.want, actual, inventory.Options{})
			ar.only = assignmentsOf(tt.r, tt.want)
			if err := ar.run(context.Background()); err != nil {
				t.Fatal(err)
			}
			var sets []string
			for _, a := range ar.assignments {
				sets = append(sets, a.PermissionSet)
			}
			if !slices.Equal(sets, tt.sets) || w.calls["ListAccountAssignments"] != len(tt.sets) {
				t.Errorf("assignments of %v after %d ListAccountAssignments; want those of %v", sets, w.calls["ListAccountAssignments"], tt.sets)
			}
			if len(ar.sets) != 2 {
				t.Errorf("%d permission sets read; want both, whole", len(ar.sets))
			}
		})
	}
}
