package spec_test

import "testing"

// Tests of bugs found and not yet fixed. Each is skipped with what goes
// wrong; the fix removes the Skip.

func TestParseSelfReferentialAlias(t *testing.T) {
	parseError(t, "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: &u\n  A:\n    units: *u\n")
}

func TestParseUnitKeyWithSlash(t *testing.T) {
	checkDiagnostics(t, "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: {\"Workloads/Prod\": {}}\n",
		[]want{{"3:9", "units.Workloads/Prod", `OU name "Workloads/Prod" must be 1 to 128 characters without '/'`}})
}

func TestParseSingletonRoleThreeTimes(t *testing.T) {
	checkDiagnostics(t, minimal+"accounts:\n  a: {unit: Security, role: log-archive}\n  b: {unit: Security, role: log-archive}\n  c: {unit: Security, role: log-archive}\n", []want{
		{"6:29", "accounts.b.role", `role "log-archive" is already given to account "a"`},
		{"7:29", "accounts.c.role", `role "log-archive" is already given to account "a"`},
	})
}
