package spec_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

const examplePath = "../../examples/foundation.yaml"

func TestLoadExample(t *testing.T) {
	f, err := spec.Load(examplePath)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if f.File != examplePath {
		t.Errorf("File = %q, want %q", f.File, examplePath)
	}
	o := f.Organization
	if o.ID != "primary" || o.EmailDomain != "example.com" || o.HomeRegion != "us-east-1" {
		t.Errorf("organization = %+v", o)
	}
	if want := []string{"us-east-1", "eu-west-1"}; !slices.Equal(o.Regions, want) {
		t.Errorf("Regions = %q, want %q", o.Regions, want)
	}
	wantUnits := []string{"Exceptions", "Infrastructure", "Sandbox", "Security", "Workloads", "Workloads/NonProd", "Workloads/Prod"}
	if got := f.UnitPaths(); !slices.Equal(got, wantUnits) {
		t.Errorf("UnitPaths = %q, want %q", got, wantUnits)
	}
	if got, want := f.AccountKeys(), []string{"identity-center", "log-archive", "security-tooling"}; !slices.Equal(got, want) {
		t.Errorf("AccountKeys = %q, want %q", got, want)
	}
	if got, want := f.Pos("accounts.log-archive.unit"), (spec.Pos{Line: 71, Column: 11}); got != want {
		t.Errorf("Pos(accounts.log-archive.unit) = %+v, want %+v", got, want)
	}
	if got := f.Pos("no.such.field"); got != (spec.Pos{}) {
		t.Errorf("Pos of an unwritten field = %+v, want the zero Pos", got)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "foundation.yaml")
	_, err := spec.Load(path)
	if err == nil || !strings.Contains(err.Error(), "does not exist; write one with `groundwork init`") {
		t.Errorf("Load of a missing file: %v; want a hint to run groundwork init", err)
	}
}

func TestParseDefaults(t *testing.T) {
	f := mustParse(t, `version: 1
organization: {id: primary, email_domain: example.com, home_region: eu-west-1}
units:
  Security: {}
  Sandbox:
  Workloads:
    units:
      Prod: {}
  Exceptions: {guardrails: none}
accounts:
  log-archive: {unit: Security, role: log-archive}
  shared: {unit: Security}
  pay-prod: {unit: Workloads/Prod, role: workload, workload: payments, environment: prod}
  sb-alice: {unit: Sandbox, role: sandbox, username: alice}
`)
	o := f.Organization
	if o.AccessRole != policy.DefaultAccessRole {
		t.Errorf("AccessRole = %q, want %q", o.AccessRole, policy.DefaultAccessRole)
	}
	if !slices.Equal(o.Regions, []string{"eu-west-1"}) {
		t.Errorf("Regions = %q, want the home Region alone", o.Regions)
	}
	if o.Management.Name != "aws-management-account-primary" || o.Management.Email != "aws-management-account-primary@example.com" {
		t.Errorf("Management = %+v", o.Management)
	}
	wantNaming := spec.Naming{
		ManagementAccount: spec.DefaultManagementAccount, ManagementEmail: spec.DefaultManagementEmail,
		Account: spec.DefaultAccount, AccountEmail: spec.DefaultAccountEmail,
		WorkloadAccount: spec.DefaultWorkloadAccount, WorkloadEmail: spec.DefaultWorkloadEmail,
		SandboxAccount: spec.DefaultSandboxAccount, SandboxEmail: spec.DefaultSandboxEmail,
	}
	if o.Naming != wantNaming {
		t.Errorf("Naming = %+v, want the defaults", o.Naming)
	}

	accounts := map[string]struct{ name, email string }{
		"log-archive": {"log-archive-primary", "aws-log-archive-primary@example.com"},
		"shared":      {"shared-primary", "aws-shared-primary@example.com"},
		"pay-prod":    {"payments-prod-primary", "aws-payments-prod-primary@example.com"},
		"sb-alice":    {"sandbox-alice-primary", "aws-sandbox-alice-primary@example.com"},
	}
	for key, want := range accounts {
		t.Run(key, func(t *testing.T) {
			a := f.Accounts[key]
			if a.Name != want.name || a.Email != want.email {
				t.Errorf("name, e-mail = %q, %q; want %q, %q", a.Name, a.Email, want.name, want.email)
			}
		})
	}

	guardrails := map[string]string{"Security": "baseline", "Sandbox": "baseline", "Workloads": "baseline", "Exceptions": "none"}
	for name, want := range guardrails {
		if got := f.Units[name].Guardrails; got != want {
			t.Errorf("units.%s.guardrails = %q, want %q", name, got, want)
		}
	}
	if got := f.Units["Workloads"].Units["Prod"].Guardrails; got != "baseline" {
		t.Errorf("units.Workloads.units.Prod.guardrails = %q, want baseline", got)
	}

	if !slices.Equal(f.Tagging.Required, spec.DefaultTagKeys) {
		t.Errorf("Tagging.Required = %q, want %q", f.Tagging.Required, spec.DefaultTagKeys)
	}
	if got := f.Tagging.Values["Environment"]; len(f.Tagging.Values) != 1 || !slices.Equal(got, spec.DefaultEnvironments) {
		t.Errorf("Tagging.Values = %q, want only Environment: %q", f.Tagging.Values, spec.DefaultEnvironments)
	}
	// The defaults are copies: changing one spec must not change the next.
	f.Tagging.Required[0] = "changed"
	f.Tagging.Values["Environment"][0] = "changed"
	if spec.DefaultTagKeys[0] == "changed" || spec.DefaultEnvironments[0] == "changed" {
		t.Error("defaults share memory with DefaultTagKeys or DefaultEnvironments")
	}
}

func TestParseCustomNaming(t *testing.T) {
	f := mustParse(t, `version: 1
organization:
  id: acme
  email_domain: corp.example.com
  home_region: us-east-1
  access_role: GroundworkAccess
  naming:
    management_account: "{org}-root"
    management_email: "{org}-root@{domain}"
    account: "{org}-{name}"
    account_email: "{org}+{name}@{domain}"
units: {Security: {}}
accounts:
  log-archive: {unit: Security, role: log-archive}
tagging:
  required: [Team]
  values: {}
`)
	o := f.Organization
	if o.Management.Name != "acme-root" || o.Management.Email != "acme-root@corp.example.com" {
		t.Errorf("Management = %+v", o.Management)
	}
	if a := f.Accounts["log-archive"]; a.Name != "acme-log-archive" || a.Email != "acme+log-archive@corp.example.com" {
		t.Errorf("log-archive = %q, %q", a.Name, a.Email)
	}
	if o.AccessRole != "GroundworkAccess" {
		t.Errorf("AccessRole = %q", o.AccessRole)
	}
	if !slices.Equal(f.Tagging.Required, []string{"Team"}) || len(f.Tagging.Values) != 0 {
		t.Errorf("Tagging = %+v; want the explicit dictionary kept", f.Tagging)
	}
}

func TestParseExplicitNamesFollowingConvention(t *testing.T) {
	tests := map[string]string{
		"foundational":       "log-archive: {unit: Security, role: log-archive, name: log-archive-primary, email: aws-log-archive-primary@example.com}",
		"e-mail in capitals": "log-archive: {unit: Security, role: log-archive, email: AWS-Log-Archive-Primary@EXAMPLE.COM}",
		// The account's key is not bound to {name}: a renamed key keeps
		// its account.
		"name unlike the key":  "logs: {unit: Security, role: log-archive, name: log-archive-primary, email: aws-log-archive-primary@example.com}",
		"workload":             "pay-prod: {unit: Workloads/Prod, role: workload, workload: payments, environment: prod, name: payments-prod-primary, email: aws-payments-prod-primary@example.com}",
		"sandbox":              "sb: {unit: Sandbox, role: sandbox, username: alice, name: sandbox-alice-primary, email: aws-sandbox-alice-primary@example.com}",
		"sub-addressed e-mail": "log-archive: {unit: Security, role: log-archive, email: aws-log+archive-primary@example.com}",
	}
	for name, account := range tests {
		t.Run(name, func(t *testing.T) {
			mustParse(t, minimal+"accounts:\n  "+account+"\n")
		})
	}
	t.Run("management", func(t *testing.T) {
		mustParse(t, `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  management: {name: aws-management-account-primary, email: AWS-Management-Account-Primary@example.com}
units: {Security: {}}
`)
	})
}

func TestParseScalarsAsStrings(t *testing.T) {
	f := mustParse(t, minimal+`accounts:
  app-1:
    unit: Workloads/Prod
    role: workload
    workload: app
    environment: 1
  app-010: {unit: Workloads/Prod, role: workload, workload: app, environment: 010}
  sb-true: {unit: Sandbox, role: sandbox, username: true}
`)
	for key, want := range map[string]string{"app-1": "1", "app-010": "010"} {
		if got := f.Accounts[key].Environment; got != want {
			t.Errorf("%s environment = %q, want the source text %q", key, got, want)
		}
	}
	if a := f.Accounts["app-010"]; a.Name != "app-010-primary" {
		t.Errorf("app-010 name = %q, want app-010-primary", a.Name)
	}
	if got := f.Accounts["sb-true"].Username; got != "true" {
		t.Errorf("username = %q, want \"true\"", got)
	}
}

func TestParseAnchorsAndAliases(t *testing.T) {
	f := mustParse(t, `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: &home us-east-1
  regions: [*home, eu-west-1]
units:
  Security: &plain {tags: &owned {Owner: platform}}
  Infrastructure: *plain
  Workloads:
    units:
      Prod: {tags: *owned}
accounts:
  log-archive: &security {unit: Security, role: log-archive, tags: *owned}
  security-tooling: {unit: Security, role: security-tooling, tags: *owned}
tagging:
  required: &keys [Owner]
`)
	if got := f.Organization.Regions; !slices.Equal(got, []string{"us-east-1", "eu-west-1"}) {
		t.Errorf("Regions = %q", got)
	}
	for _, u := range []*spec.Unit{f.Units["Security"], f.Units["Infrastructure"], f.Units["Workloads"].Units["Prod"]} {
		if u.Tags["Owner"] != "platform" {
			t.Errorf("unit tags = %v, want Owner: platform from the alias", u.Tags)
		}
	}
	if got := f.Accounts["security-tooling"].Tags["Owner"]; got != "platform" {
		t.Errorf("security-tooling Owner = %q", got)
	}
}

// Aliases are expanded, so an aliased value is checked where it is used.
func TestParseAliasCheckedAtUse(t *testing.T) {
	checkDiagnostics(t, `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1}
units:
  Security: {tags: &env {Environment: Production}}
  Sandbox: {tags: *env}
`, []want{
		{"4:39", "units.Sandbox.tags.Environment", `"Production" is not an allowed value`},
		{"4:39", "units.Security.tags.Environment", `"Production" is not an allowed value`},
	})
}
