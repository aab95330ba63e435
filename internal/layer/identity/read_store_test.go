package identity

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The store read lists every user and group page by page, maps members
// to user names, and lists the members only of the groups it is asked
// for: the others' Members stay nil, not read.
func TestReadStore(t *testing.T) {
	f := newStoreFake()
	f.addUser("ana", "Ana", "Lima", "ana@example.com")
	f.addUser("bo", "Bo", "Berg", "bo@example.com")
	f.addUser("cy", "Cy", "Chan", "cy@example.com")
	f.addGroup("admins", "Administrators", "ana", "bo", "cy")
	f.addGroup("auditors", "", "cy")
	users, groups, err := readStore(context.Background(), f, f.storeID, func(name string) bool { return name == "admins" })
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(users)); !slices.Equal(got, []string{"ana", "bo", "cy"}) {
		t.Errorf("users %v", got)
	}
	if u := users["ana"]; u.GivenName != "Ana" || u.FamilyName != "Lima" || u.Email != "ana@example.com" || u.DisplayName != "Ana Lima" || u.ID == "" {
		t.Errorf("ana = %+v", u)
	}
	if g := groups["admins"]; g == nil || g.Description != "Administrators" || !slices.Equal(g.Members, []string{"ana", "bo", "cy"}) {
		t.Errorf("admins = %+v; want its three members by name, read over two pages", g)
	}
	if g := groups["auditors"]; g == nil || g.Members != nil {
		t.Errorf("auditors = %+v; want its members not read", g)
	}
	if f.calls["ListUsers"] != 2 || f.calls["ListGroups"] != 1 || f.calls["ListGroupMemberships"] != 2 {
		t.Errorf("calls %v; want 2 pages of users, 1 of groups, 2 of the one group's members", f.calls)
	}
	f.fail["ListGroupMemberships"] = errors.New("AccessDeniedException")
	if _, _, err := readStore(context.Background(), f, f.storeID, func(string) bool { return true }); err == nil || !strings.Contains(err.Error(), "members of group") {
		t.Errorf("error %v; want the group whose members could not be read", err)
	}
}

// The plan lists members only of the groups the spec manages with
// Identity Center as the source; a survey lists every group's.
func TestMembersWanted(t *testing.T) {
	want := &estate.Identity{Center: &estate.IdentityCenter{Source: estate.SourceIdentityCenter,
		Groups: map[string]*estate.IdentityGroup{"admins": {Name: "admins"}}}}
	if w := membersWanted(want, false); !w("admins") || w("others") {
		t.Error("plan: want the managed group's members only")
	}
	if w := membersWanted(nil, true); !w("others") {
		t.Error("survey: want every group's members")
	}
	want.Center.Source = estate.SourceExternal
	if w := membersWanted(want, false); w("admins") {
		t.Error("external source: the provider manages members; want none read")
	}
}

func TestReadAttributes(t *testing.T) {
	f := newStoreFake()
	attrs, err := readAttributes(context.Background(), f, f.instanceARN)
	if err != nil || attrs == nil || len(attrs) != 0 {
		t.Errorf("never configured: %v, %v; want an empty map", attrs, err)
	}
	f.attrs = []ssotypes.AccessControlAttribute{{Key: aws.String("CostCenter"),
		Value: &ssotypes.AccessControlAttributeValue{Source: []string{"${path:enterprise.costCenter}"}}}}
	attrs, err = readAttributes(context.Background(), f, f.instanceARN)
	if err != nil || attrs["CostCenter"] != "${path:enterprise.costCenter}" || len(attrs) != 1 {
		t.Errorf("configured: %v, %v", attrs, err)
	}
	f.fail["DescribeInstanceAccessControlAttributeConfiguration"] = errors.New("AccessDeniedException")
	if _, err := readAttributes(context.Background(), f, f.instanceARN); err == nil {
		t.Error("want the read's error")
	}
}

func TestFindUserIgnoresCase(t *testing.T) {
	users := map[string]*estate.IdentityUser{"Ana": {UserName: "Ana"}}
	if findUser(users, "ana") == nil || findUser(users, "bo") != nil {
		t.Error("the Identity Store compares user names without case")
	}
}

// With an external source, plan and apply stop naming every principal
// the spec names that the provider has not provisioned, with a close
// name where the store has one.
func TestMissingPrincipals(t *testing.T) {
	want := &estate.Identity{Center: &estate.IdentityCenter{Source: estate.SourceExternal,
		Users:  map[string]*estate.IdentityUser{"ana": {UserName: "ana"}},
		Groups: map[string]*estate.IdentityGroup{"auditors": {Name: "auditors"}},
		Grants: []estate.Grant{{PermissionSet: "ReadOnly", Users: []string{"ANA", "bob"}, Groups: []string{"platform-admin", "auditors"}, Root: true}}}}
	have := &estate.Identity{Center: &estate.IdentityCenter{
		Users:  map[string]*estate.IdentityUser{"ana": {UserName: "ana"}},
		Groups: map[string]*estate.IdentityGroup{"platform-admins": {Name: "platform-admins"}, "auditors": {Name: "auditors"}}}}
	err := missingPrincipals(want, have)
	var mp *MissingPrincipalsError
	if !errors.As(err, &mp) || !slices.Equal(mp.Users, []string{"bob"}) || !slices.Equal(mp.Groups, []string{"platform-admin"}) {
		t.Fatalf("error %v; want bob and platform-admin missing", err)
	}
	for _, s := range []string{"user bob", `group platform-admin (did you mean "platform-admins"?)`, "never creates", "SCIM"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message %q lacks %q", err, s)
		}
	}
	want.Center.Source = estate.SourceIdentityCenter
	if err := missingPrincipals(want, have); err != nil {
		t.Errorf("Identity Center source: %v; groundwork creates them", err)
	}
	want.Center.Source = estate.SourceExternal
	if err := missingPrincipals(want, &estate.Identity{Center: &estate.IdentityCenter{InstanceMissing: true}}); err != nil {
		t.Errorf("store not read: %v; want nothing said", err)
	}
}

// A part runs after the parts it names, at the same time as the rest.
func TestRunPartsAfter(t *testing.T) {
	var order []string
	var omu sync.Mutex
	record := func(name string) { omu.Lock(); order = append(order, name); omu.Unlock() }
	release := make(chan struct{})
	parts := []readPart{
		{name: "b", after: []string{"a", "not-read"}},
		{name: "a"},
		{name: "c"},
	}
	err := runParts(context.Background(), parts, func(_ context.Context, p readPart, _ *sync.Mutex) error {
		switch p.name {
		case "a":
			<-release // held until c has run: b must not start meanwhile
		case "c":
			record("c")
			close(release)
			return nil
		}
		record(p.name)
		return nil
	})
	if err != nil || !slices.Equal(order, []string{"c", "a", "b"}) {
		t.Errorf("order %v, %v; want c, a, then b", order, err)
	}
	// A failed part stops the parts waiting for it.
	err = runParts(context.Background(), []readPart{{name: "b", after: []string{"a"}}, {name: "a"}},
		func(_ context.Context, p readPart, _ *sync.Mutex) error {
			if p.name == "a" {
				return errors.New("a failed")
			}
			t.Error("b ran after a failed")
			return nil
		})
	if err == nil || err.Error() != "a failed" {
		t.Errorf("error %v; want a's", err)
	}
}

// The registered parts wait only for parts that exist, and never for
// each other in a cycle (which would hang the read).
func TestReadPartsOrder(t *testing.T) {
	byName := map[string]readPart{}
	for _, p := range readParts {
		if _, dup := byName[p.name]; dup {
			t.Errorf("part %s registered twice", p.name)
		}
		byName[p.name] = p
	}
	var visit func(name string, path []string)
	visit = func(name string, path []string) {
		if slices.Contains(path, name) {
			t.Fatalf("read parts wait for each other in a cycle: %v", append(path, name))
		}
		for _, a := range byName[name].after {
			if _, ok := byName[a]; !ok {
				t.Errorf("part %s waits for %q, which is no part", name, a)
				continue
			}
			visit(a, append(path, name))
		}
	}
	for name := range byName {
		visit(name, nil)
	}
}

// Without an instance in the home Region, no Identity Center kind plans
// anything, and the note names the checklist step that enables it.
func TestCenterPlanWaitsForTheInstance(t *testing.T) {
	desired := estate.New()
	desired.Identity = &estate.Identity{Center: &estate.IdentityCenter{Region: "eu-west-1"}}
	actual := estate.New()
	if _, have, ok := centerPlan(desired, actual); !ok || have != nil {
		t.Error("offline (nothing read): want everything planned")
	}
	if n := waitingNote(desired, actual); n != "" {
		t.Errorf("offline note %q", n)
	}
	actual.Identity = &estate.Identity{Center: &estate.IdentityCenter{Region: "eu-west-1", InstanceMissing: true}}
	if _, _, ok := centerPlan(desired, actual); ok {
		t.Error("no instance: want nothing planned")
	}
	n := waitingNote(desired, actual)
	for _, s := range []string{"not enabled in eu-west-1", "waits", InstanceStep, "Enable with AWS Organizations"} {
		if !strings.Contains(n, s) {
			t.Errorf("note %q lacks %q", n, s)
		}
	}
	desired.Identity = &estate.Identity{Account: &estate.IdentityAccount{}}
	if _, _, ok := centerPlan(desired, actual); ok || waitingNote(desired, actual) != "" {
		t.Error("Identity-account model: the instance is not waited for")
	}
}
