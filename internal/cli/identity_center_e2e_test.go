package cli

// End-to-end tests of the identity layer's Identity Store part against
// moto: users, groups and memberships groundwork manages when Identity
// Center is the identity source, checked with the AWS CLI (aws
// identitystore list-users, list-groups, list-group-memberships), and an
// external identity source, whose missing principals stop plan and apply.
//
// moto gaps: it has no access control attribute API, which the spec
// leaves alone (access_control_attributes: {}; the kinds' tests cover
// them with a fake), nor UpdateUser or UpdateGroup (the same); moto's
// instance always exists, so the wait for one is tested with a fake.

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// storeIdentity is the identity section: two users, two groups.
const storeIdentity = `
identity:
  access_control_attributes: {}
  users:
    ana: {given_name: Ana, family_name: Lima, email: ana@example.com}
    bo: {given_name: Bo, family_name: Berg, email: bo@example.com}
  groups:
    platform-admins: {description: Platform administrators, members: [ana, bo]}
    auditors: {members: [bo]}
`

// externalIdentity names principals an identity provider has not
// provisioned: ghost and missing-team.
const externalIdentity = `
identity:
  source: external
  access_control_attributes: {}
  users: {ana: {}, ghost: {}}
  groups: {platform-admins: {}, missing-team: {}}
`

// withIdentity appends an identity section to the foundation in dir,
// replacing one an earlier call added.
func withIdentity(t *testing.T, dir, section string) {
	t.Helper()
	editSpec(t, dir, func(s string) string {
		if i := strings.Index(s, "\nidentity:\n"); i >= 0 {
			s = s[:i]
		}
		return s + section
	})
}

// ssoInstance returns the ARN and Identity Store ID of moto's one
// Identity Center instance.
func ssoInstance(t *testing.T, m *testenv.Server) (arn, store string) {
	t.Helper()
	var inst struct {
		Instances []struct{ InstanceArn, IdentityStoreId string }
	}
	json.Unmarshal(m.AWS(t, "sso-admin", "list-instances"), &inst)
	if len(inst.Instances) != 1 {
		t.Fatalf("moto has %d Identity Center instances", len(inst.Instances))
	}
	return inst.Instances[0].InstanceArn, inst.Instances[0].IdentityStoreId
}

// identityStore returns moto's Identity Store ID.
func identityStore(t *testing.T, m *testenv.Server) string {
	t.Helper()
	_, store := ssoInstance(t, m)
	return store
}

type storeUserJSON struct {
	UserId, UserName, DisplayName string
	Name                          struct{ GivenName, FamilyName string }
	Emails                        []struct{ Value string }
}

// storeView is the Identity Store as the AWS CLI lists it: users by
// name, and each group's description and members' user names.
func storeView(t *testing.T, m *testenv.Server, store string) (map[string]storeUserJSON, map[string]string, map[string][]string) {
	t.Helper()
	var users struct{ Users []storeUserJSON }
	json.Unmarshal(m.AWS(t, "identitystore", "list-users", "--identity-store-id", store), &users)
	byName, byID := map[string]storeUserJSON{}, map[string]string{}
	for _, u := range users.Users {
		byName[u.UserName], byID[u.UserId] = u, u.UserName
	}
	var groups struct {
		Groups []struct{ GroupId, DisplayName, Description string }
	}
	json.Unmarshal(m.AWS(t, "identitystore", "list-groups", "--identity-store-id", store), &groups)
	descriptions, members := map[string]string{}, map[string][]string{}
	for _, g := range groups.Groups {
		descriptions[g.DisplayName] = g.Description
		var ms struct {
			GroupMemberships []struct{ MemberId struct{ UserId string } }
		}
		json.Unmarshal(m.AWS(t, "identitystore", "list-group-memberships", "--identity-store-id", store, "--group-id", g.GroupId), &ms)
		names := []string{}
		for _, mm := range ms.GroupMemberships {
			names = append(names, byID[mm.MemberId.UserId])
		}
		slices.Sort(names)
		members[g.DisplayName] = names
	}
	return byName, descriptions, members
}

// apply builds the users, groups and memberships the spec lists, which
// the AWS CLI then lists; a second apply writes nothing; a member added
// by hand is removed only with --allow-delete, and a user made by hand
// is left alone.
func TestIdentityCenterStoreApply(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withIdentity(t, dir, storeIdentity)
	store := identityStore(t, m)

	out, _ := mustRun(t, dir, ExitOK, "plan")
	for _, s := range []string{"+ identity-store-user ana", "+ identity-store-group platform-admins", "+ identity-store-membership platform-admins/bo"} {
		if !strings.Contains(out, s) {
			t.Errorf("plan lacks %q:\n%s", s, out)
		}
	}
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")

	users, descriptions, members := storeView(t, m, store)
	if u := users["ana"]; u.DisplayName != "Ana Lima" || u.Name.GivenName != "Ana" || u.Name.FamilyName != "Lima" ||
		len(u.Emails) != 1 || u.Emails[0].Value != "ana@example.com" {
		t.Errorf("aws identitystore list-users: ana = %+v", u)
	}
	if _, ok := users["bo"]; !ok || len(users) != 2 {
		t.Errorf("aws identitystore list-users: %v; want ana and bo", users)
	}
	if descriptions["platform-admins"] != "Platform administrators" || len(descriptions) != 2 {
		t.Errorf("aws identitystore list-groups: %v", descriptions)
	}
	if !slices.Equal(members["platform-admins"], []string{"ana", "bo"}) || !slices.Equal(members["auditors"], []string{"bo"}) {
		t.Errorf("aws identitystore list-group-memberships: %v", members)
	}

	mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	_, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats")
	if !strings.Contains(errOut, "reads, 0 writes)") {
		t.Errorf("second apply made writes:\n%s", errOut)
	}

	// Someone adds a user of their own to platform-admins by hand.
	mallory := jsonString(t, m.AWS(t, "identitystore", "create-user", "--identity-store-id", store, "--user-name", "mallory",
		"--display-name", "Mallory Hand", "--name", "GivenName=Mallory,FamilyName=Hand"), "UserId")
	group := jsonString(t, m.AWS(t, "identitystore", "get-group-id", "--identity-store-id", store, "--alternate-identifier",
		`{"UniqueAttribute":{"AttributePath":"displayName","AttributeValue":"platform-admins"}}`), "GroupId")
	m.AWS(t, "identitystore", "create-group-membership", "--identity-store-id", store, "--group-id", group,
		"--member-id", "UserId="+mallory)

	out, _ = mustRun(t, dir, ExitOK, "plan")
	for _, s := range []string{"- identity-store-membership platform-admins/mallory  (needs --allow-delete)",
		"the Identity Store has 1 users the spec does not list (mallory)"} {
		if !strings.Contains(out, s) {
			t.Errorf("plan lacks %q:\n%s", s, out)
		}
	}
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	if _, _, members := storeView(t, m, store); !slices.Contains(members["platform-admins"], "mallory") {
		t.Errorf("apply without --allow-delete removed mallory: %v", members)
	}
	mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete")
	users, _, members = storeView(t, m, store)
	if !slices.Equal(members["platform-admins"], []string{"ana", "bo"}) {
		t.Errorf("after apply --allow-delete, platform-admins has %v", members["platform-admins"])
	}
	if _, ok := users["mallory"]; !ok {
		t.Error("apply deleted the user mallory, which groundwork did not make")
	}
}

// With an external identity source, plan and apply stop naming each
// user and group the provider has not provisioned, and write nothing.
func TestIdentityCenterExternalSourceMissingPrincipals(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	// The identity provider's principals are made by hand below.
	stripIdentity(t, dir)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	store := identityStore(t, m)
	m.AWS(t, "identitystore", "create-user", "--identity-store-id", store, "--user-name", "ana",
		"--display-name", "Ana Lima", "--name", "GivenName=Ana,FamilyName=Lima")
	m.AWS(t, "identitystore", "create-group", "--identity-store-id", store, "--display-name", "platform-admins")
	withIdentity(t, dir, externalIdentity)

	for _, verb := range [][]string{{"plan"}, {"apply", "--auto-approve"}} {
		_, errOut := mustRun(t, dir, ExitError, verb...)
		for _, s := range []string{"identity.source is external", "user ghost", "group missing-team", "never creates"} {
			if !strings.Contains(errOut, s) {
				t.Errorf("%s: stderr lacks %q:\n%s", verb[0], s, errOut)
			}
		}
		if strings.Contains(errOut, "user ana") || strings.Contains(errOut, "group platform-admins") {
			t.Errorf("%s names a principal the store has:\n%s", verb[0], errOut)
		}
	}
	users, groups, _ := storeView(t, m, store)
	if len(users) != 1 || len(groups) != 1 {
		t.Errorf("the store changed: users %v, groups %v", users, groups)
	}
}
