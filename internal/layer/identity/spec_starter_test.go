package identity

import (
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// starterCenter returns the Identity Center the starter spec of opts
// asks for.
func starterCenter(t *testing.T, opts spec.StarterOptions) (*spec.Foundation, *estate.IdentityCenter, string) {
	t.Helper()
	src, err := spec.Starter(opts)
	if err != nil {
		t.Fatal(err)
	}
	f, err := spec.Parse("foundation.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	c := f.Desired().Identity.Center
	if c == nil {
		t.Fatal("the starter spec manages no Identity Center")
	}
	return f, c, string(src)
}

// grantsOf are a Center's grants by permission set.
func grantsOf(c *estate.IdentityCenter) map[string]estate.Grant {
	out := map[string]estate.Grant{}
	for _, g := range c.Grants {
		out[g.PermissionSet] = g
	}
	return out
}

// groundwork init writes guidance 000's standard assignments: the
// management account's administrator and read-only sets for the named
// administrators only, the Log Archive and Security Tooling
// administrator groups on their accounts; and the file validates.
func TestStarterStandardAssignments(t *testing.T) {
	opts := spec.StarterOptions{OrgID: "primary", Domain: "example.com", HomeRegion: "us-east-1", Administrators: []spec.Person{
		{UserName: "ana.lima", GivenName: "Ana", FamilyName: "Lima", Email: "ana.lima@example.com"},
		{UserName: "sean+aws", GivenName: "Seán", FamilyName: "O'Brien: Jr", Email: "sean+aws@example.com"},
	}}
	f, c, _ := starterCenter(t, opts)
	la, st := string(f.Where("log-archive", "").Account), string(f.Where("security-tooling", "").Account)
	admins := []string{"ana.lima", "sean+aws"}
	want := map[string]estate.Grant{
		starterManagementAdmin:    {Users: admins, Accounts: []string{estate.ManagementKey}},
		starterManagementReadOnly: {Users: admins, Accounts: []string{estate.ManagementKey}},
		starterLogArchiveAdmin:    {Groups: []string{starterLogArchiveGroup}, Accounts: []string{la}},
		starterSecurityAdmin:      {Groups: []string{starterSecurityGroup}, Accounts: []string{st}},
	}
	got := grantsOf(c)
	for set, w := range want {
		g := got[set]
		if !slices.Equal(g.Users, w.Users) || !slices.Equal(g.Groups, w.Groups) || !slices.Equal(g.Accounts, w.Accounts) || g.Root || len(g.Units) > 0 {
			t.Errorf("grant of %s is %+v; want %+v", set, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("the starter has grants of %d sets, want %d: %+v", len(got), len(want), c.Grants)
	}
	admin, readOnly := "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"
	for set, policy := range map[string]string{starterManagementAdmin: admin, starterManagementReadOnly: readOnly,
		starterLogArchiveAdmin: admin, starterSecurityAdmin: admin} {
		if ps := c.PermissionSets[set]; ps == nil || !slices.Equal(ps.ManagedPolicies, []string{policy}) {
			t.Errorf("%s is %+v; want %s alone", set, ps, policy)
		}
	}
	if u := c.Users["sean+aws"]; u == nil || u.GivenName != "Seán" || u.FamilyName != "O'Brien: Jr" || u.Email != "sean+aws@example.com" {
		t.Errorf("user sean+aws is %+v", u)
	}
	for _, g := range []string{starterLogArchiveGroup, starterSecurityGroup} {
		if grp := c.Groups[g]; grp == nil || len(grp.Members) > 0 {
			t.Errorf("group %s is %+v; want it, empty", g, grp)
		}
	}
}

// Without an administrator, init makes no user: the management account's
// assignments are a commented example, which validates once uncommented
// as the comment says.
func TestStarterWithoutAdministrators(t *testing.T) {
	opts := spec.StarterOptions{OrgID: "primary", Domain: "corp.example.org", HomeRegion: "eu-west-1"}
	_, c, src := starterCenter(t, opts)
	if len(c.Users) > 0 {
		t.Errorf("users %v; want none", sortedKeys(c.Users))
	}
	got := grantsOf(c)
	if _, ok := got[starterManagementAdmin]; ok {
		t.Errorf("a grant of %s without a user to name", starterManagementAdmin)
	}
	if _, ok := got[starterLogArchiveAdmin]; !ok {
		t.Errorf("no grant of %s", starterLogArchiveAdmin)
	}
	if c.PermissionSets[starterManagementAdmin] == nil || c.PermissionSets[starterManagementReadOnly] == nil {
		t.Errorf("the management account's sets are missing: %v", sortedKeys(c.PermissionSets))
	}

	// The comment's example, followed.
	example := "  users:\n    ana.lima: {given_name: Ana, family_name: Lima, email: ana.lima@corp.example.org}\n"
	filled := strings.Replace(src, "  users: {}\n", example, 1)
	filled = strings.ReplaceAll(filled, "    # - {permission_set: MA-", "    - {permission_set: MA-")
	if filled == src || !strings.Contains(src, "  #     ana.lima: {given_name: Ana, family_name: Lima, email: ana.lima@corp.example.org}\n") {
		t.Fatalf("the starter's example is not where the test looks for it:\n%s", src)
	}
	f, err := spec.Parse("foundation.yaml", []byte(filled))
	if err != nil {
		t.Fatalf("the starter with its example filled in: %v", err)
	}
	g := grantsOf(f.Desired().Identity.Center)[starterManagementAdmin]
	if !slices.Equal(g.Users, []string{"ana.lima"}) || !slices.Equal(g.Accounts, []string{estate.ManagementKey}) {
		t.Errorf("with the example filled in, %s is granted %+v", starterManagementAdmin, g)
	}
}
