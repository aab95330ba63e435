package spec_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestDesired(t *testing.T) {
	f := mustParse(t, `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, eu-west-1]}
units:
  Security: {tags: {Owner: security}}
  Workloads:
    units:
      Prod: {}
  Exceptions: {guardrails: none}
  Sandbox: {}
accounts:
  log-archive: {unit: Security, role: log-archive, tags: {Owner: security}}
  pay-prod: {unit: Workloads/Prod, role: workload, workload: payments, environment: prod, email: AWS-Payments-Prod-Primary@Example.com}
  sb-alice: {unit: Sandbox, role: sandbox, username: alice}
  legacy: {unit: Exceptions, name: Legacy, email: legacy@example.org, exempt_from_naming: true}
`)
	e := f.Desired()

	if e.HomeRegion != "us-east-1" || !slices.Equal(e.Regions, []string{"us-east-1", "eu-west-1"}) {
		t.Errorf("Regions = %q, %q", e.HomeRegion, e.Regions)
	}
	if o := e.Organization; o == nil || o.FeatureSet != "ALL" || o.ManagementAccountEmail != "aws-management-account-primary@example.com" || o.ID != "" {
		t.Errorf("Organization = %+v", o)
	}

	wantUnits := map[string]bool{"Security": true, "Workloads": true, "Workloads/Prod": true, "Exceptions": false, "Sandbox": true}
	if got := slices.Sorted(maps.Keys(e.Units)); !slices.Equal(got, slices.Sorted(maps.Keys(wantUnits))) {
		t.Fatalf("units %q, want %q", got, slices.Sorted(maps.Keys(wantUnits)))
	}
	for path, guardrails := range wantUnits {
		u := e.Units[path]
		if u.Path != path || u.Guardrails != guardrails || u.ID != "" {
			t.Errorf("unit %s = %+v, want Guardrails %v", path, u, guardrails)
		}
	}
	if e.Units["Security"].Tags["Owner"] != "security" {
		t.Errorf("Security tags = %v", e.Units["Security"].Tags)
	}

	wantAccounts := map[string]estate.Account{
		"aws-log-archive-primary@example.com": {Key: "log-archive", Name: "log-archive-primary", Email: "aws-log-archive-primary@example.com",
			Unit: "Security", Role: estate.RoleLogArchive, Tags: map[string]string{"Owner": "security"}},
		"aws-payments-prod-primary@example.com": {Key: "pay-prod", Name: "payments-prod-primary", Email: "AWS-Payments-Prod-Primary@Example.com",
			Unit: "Workloads/Prod", Role: estate.RoleWorkload, Environment: "prod"},
		"aws-sandbox-alice-primary@example.com": {Key: "sb-alice", Name: "sandbox-alice-primary", Email: "aws-sandbox-alice-primary@example.com",
			Unit: "Sandbox", Role: estate.RoleSandbox},
		"legacy@example.org": {Key: "legacy", Name: "Legacy", Email: "legacy@example.org", Unit: "Exceptions", Role: estate.RoleNone},
	}
	if got := slices.Sorted(maps.Keys(e.Accounts)); !slices.Equal(got, slices.Sorted(maps.Keys(wantAccounts))) {
		t.Fatalf("accounts keyed %q, want %q", got, slices.Sorted(maps.Keys(wantAccounts)))
	}
	for email, want := range wantAccounts {
		got := e.Accounts[email]
		if got.Key != want.Key || got.Name != want.Name || got.Email != want.Email || got.Unit != want.Unit ||
			got.Role != want.Role || got.Environment != want.Environment || got.ID != "" || !maps.Equal(got.Tags, want.Tags) {
			t.Errorf("account %s = %+v, want %+v", email, *got, want)
		}
	}

	// The estate owns its tags: editing them leaves the spec alone.
	e.Units["Security"].Tags["Owner"] = "changed"
	e.Accounts["aws-log-archive-primary@example.com"].Tags["Owner"] = "changed"
	if f.Units["Security"].Tags["Owner"] != "security" || f.Accounts["log-archive"].Tags["Owner"] != "security" {
		t.Error("Desired shares tag maps with the spec")
	}
}
