package identity_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/identity"
	"github.com/groundwork-aws/groundwork/internal/spec"

	// Whole foundations: every section registered, as in the CLI.
	_ "github.com/groundwork-aws/groundwork/internal/layer/all"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

const accounts = `accounts:
  log-archive: {unit: Security, role: log-archive}
  payments-prod: {unit: Workloads/Prod, role: workload, workload: payments, environment: prod}
`

func TestIdentityIsBuiltOnlyWhenWritten(t *testing.T) {
	if d := spectest.MustParse(t, spectest.Minimal).Desired(); d.Identity != nil {
		t.Errorf("a spec without identity builds %+v", d.Identity)
	}
	if d := spectest.MustParse(t, spectest.Minimal+"identity: {disabled: true}\n").Desired(); d.Identity != nil {
		t.Errorf("identity.disabled builds %+v", d.Identity)
	}
}

func TestIdentityCenterDesired(t *testing.T) {
	f := spectest.MustParse(t, spectest.Minimal+accounts+`tagging: {required: [Owner, CostCenter]}
identity:
  users:
    jane: {given_name: Jane, family_name: Doe, email: jane@example.com}
  groups:
    Auditors: {description: read everything, members: [jane]}
  permission_sets:
    Admin: {managed_policies: [AdministratorAccess], session_duration: 90m}
    ReadOnly: {managed_policies: ["arn:aws:iam::aws:policy/ReadOnlyAccess", job-function/ViewOnlyAccess]}
  assignments:
    - {permission_set: Admin, users: [jane], accounts: [management]}
    - {permission_set: ReadOnly, groups: [Auditors], units: [Workloads], accounts: [log-archive]}
`)
	c := f.Desired().Identity.Center
	if c.Source != estate.SourceIdentityCenter || c.Region != "us-east-1" {
		t.Errorf("source %q, region %q", c.Source, c.Region)
	}
	if u := c.Users["jane"]; u == nil || u.DisplayName != "Jane Doe" {
		t.Errorf("user %+v: the display name defaults to given and family name", u)
	}
	if got := c.PermissionSets["Admin"]; got.SessionDuration != "PT1H30M" ||
		!reflect.DeepEqual(got.ManagedPolicies, []string{"arn:aws:iam::aws:policy/AdministratorAccess"}) {
		t.Errorf("Admin %+v", got)
	}
	if got := c.PermissionSets["ReadOnly"]; got.SessionDuration != "PT1H" || !reflect.DeepEqual(got.ManagedPolicies,
		[]string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"}) {
		t.Errorf("ReadOnly %+v", got)
	}
	if want := map[string]string{"CostCenter": "${path:enterprise.costCenter}"}; !reflect.DeepEqual(c.AccessControlAttributes, want) {
		t.Errorf("attributes %v, want %v (the dictionary's keys a user attribute holds)", c.AccessControlAttributes, want)
	}
	// The OU target covers the prod account below Workloads; the account
	// target the Log Archive account.
	places := map[string]string{
		estate.ManagementKey:                      estate.RootPath,
		"aws-log-archive-primary@example.com":     "Security",
		"aws-payments-prod-primary@example.com":   "Workloads/Prod",
		"aws-sandbox-someone-primary@example.com": "Sandbox",
	}
	var got []string
	for _, a := range estate.ExpandGrants(c.Grants, places) {
		got = append(got, a.Key())
	}
	want := []string{
		"aws-log-archive-primary@example.com/ReadOnly/GROUP/Auditors",
		"aws-payments-prod-primary@example.com/ReadOnly/GROUP/Auditors",
		"management/Admin/USER/jane",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("assignments\n%v\nwant\n%v", got, want)
	}
}

func TestIdentityBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Alow", "Action": "s3:*", "Resource": "*"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	src := spectest.Minimal + accounts + `identity:
  users:
    jane: {given_name: Jane, family_name: Doe, email: jane@example.com}
    Jane: {given_name: Jane, family_name: Roe, email: JANE@example.com}
  groups:
    Admins: {members: [jane, bob]}
  permission_sets:
    Admin: {managed_policies: [AdministratorAccess], session_duration: 13h}
    Custom: {inline_policy: bad.json}
  assignments:
    - {permission_set: Admn, users: [jane], accounts: [payments-prod]}
    - {permission_set: Admin, groups: [Admins], accounts: [management]}
    - {permission_set: Admin, users: [jane], units: [Workloads/Dev]}
`
	_, err := spec.Parse(filepath.Join(dir, "foundation.yaml"), []byte(src))
	ds, ok := err.(spec.Diagnostics)
	if !ok {
		t.Fatalf("Parse: %v; want diagnostics", err)
	}
	var msgs []string
	for _, d := range ds {
		msgs = append(msgs, d.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		"foundation.yaml:9:5: identity.users.jane: duplicate user",
		"identity.users.jane.email: duplicate user: Jane has the same e-mail",
		`identity.groups.Admins.members[1]: unknown user "bob"`,
		"identity.permission_sets.Admin.session_duration: 13h is outside what Identity Center allows",
		"bad.json:1:52:",
		`identity.assignments[0].permission_set: unknown permission set "Admn"; declare it under identity.permission_sets (did you mean "Admin"?)`,
		"identity.assignments[1].accounts[0]: a group is assigned on the management account",
		`identity.assignments[2].units[0]: OU "Workloads/Dev" is not declared under units`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, all)
		}
	}
}

func TestSessionDuration(t *testing.T) {
	for in, want := range map[string]string{"1h": "PT1H", "PT8H": "PT8H", "8h30m": "PT8H30M", "PT90M": "PT1H30M", "12h": "PT12H"} {
		if got, err := identity.SessionDuration(in); err != nil || got != want {
			t.Errorf("SessionDuration(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"30m", "13h", "PT", "1d", "1h30s", ""} {
		if got, err := identity.SessionDuration(in); err == nil {
			t.Errorf("SessionDuration(%q) = %q; want an error", in, got)
		}
	}
}

func TestManagedPolicyARN(t *testing.T) {
	for in, want := range map[string]string{
		"AdministratorAccess":                    "arn:aws:iam::aws:policy/AdministratorAccess",
		"job-function/ViewOnlyAccess":            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
		"arn:aws:iam::aws:policy/ReadOnlyAccess": "arn:aws:iam::aws:policy/ReadOnlyAccess",
		"arn:aws:iam::123456789012:policy/Mine":  "",
		"Admin Access":                           "",
		"":                                       "",
	} {
		if got := identity.ManagedPolicyARN(in); got != want {
			t.Errorf("ManagedPolicyARN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIdentityAccountModelDesired(t *testing.T) {
	f := spectest.MustParse(t, spectest.Minimal+`accounts:
  identity: {unit: Security, role: identity}
  payments-prod: {unit: Workloads/Prod, role: workload, workload: payments, environment: prod}
  payments-dev: {unit: Workloads/Prod, role: workload, workload: payments, environment: dev}
identity:
  model: identity_account
  identity_account: {users: [jane, joe]}
`)
	a := f.Desired().Identity.Account
	if a == nil || a.Account != "aws-identity-primary@example.com" || a.Group != "identity-users" || len(a.Users) != 2 {
		t.Fatalf("model %+v", a)
	}
	var roles []string
	for k := range a.Roles {
		roles = append(roles, k)
	}
	want := map[string]bool{
		"aws-payments-prod-primary@example.com//Administrator": true,
		"aws-payments-prod-primary@example.com//ReadOnly":      true,
		"aws-payments-dev-primary@example.com//Administrator":  true,
		"aws-payments-dev-primary@example.com//PowerUser":      true,
	}
	if len(roles) != len(want) {
		t.Errorf("roles %v, want %v", roles, want)
	}
	for _, r := range roles {
		if !want[r] {
			t.Errorf("unexpected role %s", r)
		}
	}
	r := a.Roles["aws-payments-prod-primary@example.com//ReadOnly"]
	if r.Path != "/org-admin/" || r.MaxSessionSeconds != 3600 || !strings.Contains(r.Trust, `"aws:MultiFactorAuthPresent":"true"`) ||
		!strings.Contains(r.Trust, "${account-id:aws-identity-primary@example.com}") {
		t.Errorf("role %+v", r)
	}
}

// On the Identity-account model, Identity Center's parts of the section
// are refused where they are written, with the model's own mistakes.
func TestIdentityAccountModelBadInput(t *testing.T) {
	src := spectest.Minimal + `accounts:
  identity: {unit: Security, role: identity}
identity:
  model: identity_account
  users:
    jane: {given_name: Jane, family_name: Doe, email: jane@example.com}
  permission_sets:
    Admin: {managed_policies: [AdministratorAccess]}
  identity_account:
    users: [ana, Ana]
    max_session: 13h
    path: org-admin
    roles:
      Ops: {managed_policies: [Admin Access], stages: [staging]}
`
	ds := spectest.ParseError(t, src)
	var msgs []string
	for _, d := range ds {
		msgs = append(msgs, d.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		"foundation.yaml:8:3: identity.users: users belongs to IAM Identity Center, which model: identity_account does not use",
		"foundation.yaml:10:3: identity.permission_sets: permission_sets belongs to IAM Identity Center",
		`identity.identity_account.users[1]: duplicate user "Ana"`,
		"identity.identity_account.max_session: 13h is outside what IAM allows",
		`identity.identity_account.path: "org-admin" is not an IAM path`,
		`identity.identity_account.roles.Ops.managed_policies[0]: "Admin Access" is not an AWS managed policy`,
		`identity.identity_account.roles.Ops.stages[0]: unknown stage "staging"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, all)
		}
	}
}
