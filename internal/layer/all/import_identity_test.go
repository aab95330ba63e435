package all_test

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

const customPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}`

// identitySection sets every field of the identity section the import
// writes: users, groups and members, permission sets with every attribute,
// assignments to the management account, accounts, OUs and the root.
const identitySection = `identity:
  users:
    ana: {given_name: Ana, family_name: Lima, email: ana@example.com}
    ben: {given_name: Ben, family_name: Okafor, email: ben@example.com, display_name: Benny}
    carl: {given_name: Carl, family_name: Berg, email: carl@example.com}
  groups:
    Log Archive Administrators: {description: run the Log Archive account, members: [carl]}
    Developers: {members: [ben, carl]}
  permission_sets:
    Admin: {managed_policies: [AdministratorAccess], session_duration: 2h}
    ReadOnly: {managed_policies: [job-function/ViewOnlyAccess], description: look only}
    Custom:
      description: custom access
      relay_state: https://console.aws.amazon.com/s3
      inline_policy: custom.json
      customer_managed_policies: [{name: team-access, path: /teams/}, {name: shared}]
      permissions_boundary: {managed_policy: PowerUserAccess}
      tags: {Owner: platform}
  assignments:
    - {permission_set: Admin, users: [ana], accounts: [management]}
    - {permission_set: Admin, groups: [Log Archive Administrators], accounts: [log-archive]}
    - {permission_set: ReadOnly, groups: [Developers], units: [Security]}
    - {permission_set: Custom, groups: [Developers], units: [Workloads], accounts: [identity-center]}
    - {permission_set: ReadOnly, users: [carl], root: true}
  access_control_attributes: {CostCenter: "${path:enterprise.costCenter}"}
`

// identityOrg is the groundwork foundation with a second workload
// account, so that Workloads holds two.
func identityOrg(t *testing.T) *estate.Estate {
	e := groundworkFoundation(t)
	addAccount(e, "payments-dev-primary", "aws-payments-dev-primary@example.com", "Workloads/NonProd", nil)
	return e
}

// parseWith parses the spec import writes for e with extra appended, in a
// directory that holds files, and returns the foundation.
func parseWith(t *testing.T, yaml []byte, extra string, files map[string][]byte) *spec.Foundation {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	src := string(yaml) + extra
	f, err := spec.Parse(filepath.Join(dir, "foundation.yaml"), []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return f
}

// centerAsRead is the Identity Center a desired one becomes once applied,
// as the inventory reads it: IDs and ARNs, the grants expanded into
// assignments over e's accounts, each set provisioned where assigned.
func centerAsRead(e *estate.Estate, d *estate.IdentityCenter) *estate.IdentityCenter {
	c := &estate.IdentityCenter{Region: d.Region, InstanceARN: "arn:aws:sso:::instance/ssoins-1", IdentityStoreID: "d-1",
		Users: map[string]*estate.IdentityUser{}, Groups: map[string]*estate.IdentityGroup{},
		PermissionSets: map[string]*estate.PermissionSet{}, AccessControlAttributes: maps.Clone(d.AccessControlAttributes)}
	for name, u := range d.Users {
		r := *u
		r.ID = "u-" + name
		c.Users[name] = &r
	}
	for name, g := range d.Groups {
		r := *g
		r.ID = "g-" + name
		c.Groups[name] = &r
	}
	for name, ps := range d.PermissionSets {
		r := *ps
		r.ARN, r.InlinePolicyFile = "arn:aws:sso:::permissionSet/ssoins-1/ps-"+name, ""
		c.PermissionSets[name] = &r
	}
	units := map[string]string{estate.ManagementKey: estate.RootPath}
	for key, a := range e.Accounts {
		if !e.IsManagement(a) {
			units[key] = a.Unit
		}
	}
	c.Assignments = estate.ExpandGrants(d.Grants, units)
	for _, a := range c.Assignments {
		ps := c.PermissionSets[a.PermissionSet]
		if !slices.Contains(ps.Provisioned, a.Account) {
			ps.Provisioned = append(ps.Provisioned, a.Account)
			slices.Sort(ps.Provisioned)
		}
	}
	return c
}

// TestIdentityRoundTrip builds Identity Center from an identity section,
// imports it, and checks that the imported section builds the same
// Identity Center: the same users, groups, permission sets and, expanded,
// the same assignments, with OUs and the root written back as such.
func TestIdentityRoundTrip(t *testing.T) {
	e := identityOrg(t)
	res, err := importer.Spec(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := parseWith(t, res.YAML, identitySection, map[string][]byte{"custom.json": []byte(customPolicy)}).Desired().Identity.Center
	e.Identity = &estate.Identity{Center: centerAsRead(e, want)}

	res, err = importer.Spec(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %q", res.Warnings)
	}
	file := "policies/permission-sets/Custom.json"
	if got := string(res.Files[file]); got != customPolicy || len(res.Files) != 1 {
		t.Errorf("files %v; want %s holding the inline policy", slices.Collect(maps.Keys(res.Files)), file)
	}
	got := parseWith(t, res.YAML, "", res.Files).Desired().Identity.Center
	yaml := string(res.YAML)
	for _, line := range []string{
		"inline_policy: " + file,
		"units: [Workloads]", // payments-prod and payments-dev
		"accounts: [identity-center]",
		"units: [Security]",
		"root: true",
		"session_duration: PT2H",
		"managed_policies: [AdministratorAccess]",
		"- name: team-access\n          path: /teams/",
		"display_name: Benny",
	} {
		if !strings.Contains(yaml, line) {
			t.Errorf("the spec lacks %q:\n%s", line, yaml)
		}
	}
	if !reflect.DeepEqual(got.Users, want.Users) || !reflect.DeepEqual(got.Groups, want.Groups) {
		t.Errorf("users %+v and groups %+v, want %+v and %+v", got.Users, got.Groups, want.Users, want.Groups)
	}
	for name, ps := range want.PermissionSets {
		g := got.PermissionSets[name]
		if g == nil {
			t.Errorf("permission set %s not imported", name)
			continue
		}
		w := *ps
		w.InlinePolicyFile = g.InlinePolicyFile
		if !reflect.DeepEqual(*g, w) {
			t.Errorf("permission set %s:\n got %+v\nwant %+v", name, *g, w)
		}
	}
	units := map[string]string{estate.ManagementKey: estate.RootPath}
	for key, a := range e.Accounts {
		if !e.IsManagement(a) {
			units[key] = a.Unit
		}
	}
	if g, w := estate.ExpandGrants(got.Grants, units), estate.ExpandGrants(want.Grants, units); !reflect.DeepEqual(g, w) {
		t.Errorf("assignments differ:\n got %v\nwant %v", g, w)
	}
	if !reflect.DeepEqual(got.AccessControlAttributes, want.AccessControlAttributes) {
		t.Errorf("attributes %v, want %v", got.AccessControlAttributes, want.AccessControlAttributes)
	}
}

// What the spec cannot write is left out with a warning: a group on the
// management account, a permission set that grants nothing, an inline
// policy the lint refuses, an assignment to a principal the store no
// longer has; a store whose users lack names is an identity
// provider's, written with source: external.
func TestIdentityImportLeavesOut(t *testing.T) {
	e := identityOrg(t)
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	e.Identity = &estate.Identity{Center: &estate.IdentityCenter{Region: "us-east-1", InstanceARN: "arn:aws:sso:::instance/ssoins-1",
		Users:  map[string]*estate.IdentityUser{"ana": {UserName: "ana", ID: "u-1"}},
		Groups: map[string]*estate.IdentityGroup{"ops": {Name: "ops", ID: "g-1", Members: []string{"ana"}}},
		PermissionSets: map[string]*estate.PermissionSet{
			"Admin": {Name: "Admin", SessionDuration: "PT1H", ManagedPolicies: []string{admin}},
			"Empty": {Name: "Empty", SessionDuration: "PT1H"},
			"Bad":   {Name: "Bad", SessionDuration: "PT1H", InlinePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Alow","Action":"*","Resource":"*"}]}`},
		},
		Assignments: []estate.Assignment{
			{PermissionSet: "Admin", PrincipalType: estate.PrincipalGroup, Principal: "ops", Account: estate.ManagementKey},
			{PermissionSet: "Admin", PrincipalType: estate.PrincipalUser, Principal: "ana", Account: estate.ManagementKey},
			{PermissionSet: "Empty", PrincipalType: estate.PrincipalUser, Principal: "ana", Account: estate.ManagementKey},
			{PermissionSet: "Admin", PrincipalType: estate.PrincipalGroup, Principal: "ops", Account: "aws-log-archive-primary@example.com"},
			{PermissionSet: "Admin", PrincipalType: estate.PrincipalUser, Principal: "90676d2e-gone", PrincipalID: "90676d2e-gone",
				Account: "aws-log-archive-primary@example.com"},
		},
	}}
	res, err := importer.Spec(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(res.Warnings, "\n")
	for _, w := range []string{
		"group ops's assignment of Admin on the management account is left out",
		"permission set Empty is left out: it grants nothing",
		"permission set Bad is left out: its inline policy fails the lint",
		"source: external",
		"the assignment of Admin in aws-log-archive-primary@example.com to user 90676d2e-gone, which the Identity Store no longer has, is left out",
		// The group's assignment on the management account and the
		// orphan, which the spec leaves out, are what a plan would remove.
		"the identity section differs from the organization's Identity Center in 2 place(s)",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
	c := parseWith(t, res.YAML, "", res.Files).Desired().Identity.Center
	if c.Source != estate.SourceExternal || len(c.PermissionSets) != 1 || len(c.Grants) != 2 {
		t.Errorf("source %s, sets %v, grants %+v\n%s", c.Source, slices.Collect(maps.Keys(c.PermissionSets)), c.Grants, res.YAML)
	}
}

// An organization whose Identity Center holds nothing, as every account
// of moto starts, and one without an instance, get no identity section.
func TestIdentityImportOff(t *testing.T) {
	for name, c := range map[string]*estate.IdentityCenter{
		"empty":       {Region: "us-east-1", InstanceARN: "arn:aws:sso:::instance/ssoins-1", PermissionSets: map[string]*estate.PermissionSet{}},
		"no instance": {Region: "us-east-1", InstanceMissing: true},
	} {
		e := identityOrg(t)
		e.Identity = &estate.Identity{Center: c}
		res, err := importer.Spec(e, opts)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(res.YAML), "\nidentity:") || !strings.Contains(string(res.YAML), "# identity: ") {
			t.Errorf("%s: the spec writes an identity section, or no note in its place:\n%s", name, res.YAML)
		}
	}
}

// An identity section written for its audit limits alone (and leaving
// the attributes as they are) plans nothing of an Identity Center that
// holds users, groups, permission sets and assignments.
func TestIdentityAuditLimitsAloneChangeNothing(t *testing.T) {
	e := identityOrg(t)
	res, err := importer.Spec(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	full := parseWith(t, res.YAML, identitySection, map[string][]byte{"custom.json": []byte(customPolicy)}).Desired().Identity.Center
	e.Identity = &estate.Identity{Center: centerAsRead(e, full)}
	d := parseWith(t, res.YAML, "identity:\n  audit: {admin_accounts: 5}\n  access_control_attributes: {}\n", nil).Desired()
	for _, ch := range kinds.Plan(layer.PlanView(d, []string{"identity"}), layer.PlanView(e, []string{"identity"})).Changes {
		if !ch.Adopt {
			t.Errorf("planned %s %s", ch.Action, ch.Address)
		}
	}
}
