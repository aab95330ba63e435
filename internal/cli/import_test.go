package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// customSCP is an SCP written by hand, not from groundwork's library.
const customSCP = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyBigInstances","Effect":"Deny","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:*:*:instance/*","Condition":{"StringLike":{"ec2:InstanceType":["*.8xlarge","*.16xlarge"]}}}]}`

// createAccount creates an account with the AWS CLI (moto creates it at
// once) and returns its ID.
func createAccount(t *testing.T, m *testenv.Server, name, email string) string {
	t.Helper()
	var out struct{ CreateAccountStatus struct{ AccountId string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "create-account", "--account-name", name, "--email", email), &out); err != nil {
		t.Fatal(err)
	}
	if out.CreateAccountStatus.AccountId == "" {
		t.Fatalf("create-account %s returned no account ID", name)
	}
	return out.CreateAccountStatus.AccountId
}

func createOU(t *testing.T, m *testenv.Server, parent, name string) string {
	t.Helper()
	var out struct{ OrganizationalUnit struct{ Id string } }
	if err := json.Unmarshal(m.AWS(t, "organizations", "create-organizational-unit", "--parent-id", parent, "--name", name), &out); err != nil {
		t.Fatal(err)
	}
	return out.OrganizationalUnit.Id
}

// putContacts sets the three alternate contacts of an account ("" for the
// management account, which sets its own without --account-id).
func putContacts(t *testing.T, m *testenv.Server, accountID, name string) {
	t.Helper()
	for _, ct := range []string{"BILLING", "OPERATIONS", "SECURITY"} {
		lower := strings.ToLower(ct)
		title := strings.ToUpper(lower[:1]) + lower[1:] + " contact"
		if ct == "SECURITY" && accountID != "" {
			title = "CISO" // one difference from the defaults
		}
		args := []string{"account", "put-alternate-contact", "--alternate-contact-type", ct,
			"--name", strings.ToUpper(lower[:1]) + lower[1:], "--title", title,
			"--email-address", name + "-" + lower + "@example.com", "--phone-number", "+1-555-0100"}
		if accountID != "" {
			args = append(args, "--account-id", accountID)
		}
		m.AWS(t, args...)
	}
}

// TestImportRoundTrip builds an organization by hand with the AWS CLI,
// imports it, and checks that the imported spec validates and plans no
// changes.
func TestImportRoundTrip(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	m.AWS(t, "organizations", "create-organization", "--feature-set", "ALL")
	root := rootID(t, m)
	security := createOU(t, m, root, "Security")
	workloads := createOU(t, m, root, "Workloads")
	prod := createOU(t, m, workloads, "Prod")

	logArchive := createAccount(t, m, "log-archive-primary", "aws-log-archive-primary@example.com")
	payments := createAccount(t, m, "Payments Prod", "payments@example.com")
	m.AWS(t, "organizations", "move-account", "--account-id", logArchive, "--source-parent-id", root, "--destination-parent-id", security)
	m.AWS(t, "organizations", "move-account", "--account-id", payments, "--source-parent-id", root, "--destination-parent-id", prod)
	m.AWS(t, "organizations", "tag-resource", "--resource-id", payments, "--tags", "Key=Owner,Value=payments-team", "Key=CostCenter,Value=FIN123")

	m.AWS(t, "organizations", "enable-policy-type", "--root-id", root, "--policy-type", "SERVICE_CONTROL_POLICY")
	var pol struct {
		Policy struct{ PolicySummary struct{ Id string } }
	}
	if err := json.Unmarshal(m.AWS(t, "organizations", "create-policy", "--name", "deny-big-instances", "--type", "SERVICE_CONTROL_POLICY",
		"--description", "No big instances in production", "--content", customSCP), &pol); err != nil {
		t.Fatal(err)
	}
	m.AWS(t, "organizations", "attach-policy", "--policy-id", pol.Policy.PolicySummary.Id, "--target-id", prod)

	m.AWS(t, "organizations", "enable-aws-service-access", "--service-principal", "guardduty.amazonaws.com")
	m.AWS(t, "organizations", "enable-aws-service-access", "--service-principal", "account.amazonaws.com")
	m.AWS(t, "organizations", "register-delegated-administrator", "--account-id", logArchive, "--service-principal", "guardduty.amazonaws.com")

	putContacts(t, m, "", "master")
	putContacts(t, m, logArchive, "log-archive-primary")
	putContacts(t, m, payments, "payments-prod")

	dir := t.TempDir()
	_, errOut := mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--domain", "example.com", "--out", "foundation.yaml")
	if !strings.Contains(errOut, "plan shows no changes") {
		t.Errorf("import stderr:\n%s", errOut)
	}
	src, err := os.ReadFile(filepath.Join(dir, "foundation.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	y := string(src)
	for _, want := range []string{
		"# imported from organization o-",
		"  management:\n    name: master\n    email: master@example.com\n    exempt_from_naming: true\n",
		"  Security: {}\n  Workloads:\n    units:\n      Prod: {}\n",
		"  log-archive:\n    unit: Security\n    role: log-archive\n    name: log-archive-primary\n    email: aws-log-archive-primary@example.com\n    contacts:\n      security:\n        title: CISO\n",
		"  payments-prod:\n    unit: Workloads/Prod\n    name: Payments Prod\n    email: payments@example.com\n    exempt_from_naming: true\n    tags:\n      CostCenter: FIN123\n      Owner: payments-team\n" +
			"    contacts:\n      billing:\n        email: payments-prod-billing@example.com\n",
		"    deny-big-instances:\n      description: No big instances in production\n      file: policies/deny-big-instances.json\n      attach: [Workloads/Prod]\n",
		"  trusted_access: [account.amazonaws.com, guardduty.amazonaws.com]\n  delegated_admins:\n    guardduty.amazonaws.com: log-archive\n",
		"contacts:\n  phone: \"+1-555-0100\"\n",
	} {
		if !strings.Contains(y, want) {
			t.Errorf("imported spec lacks\n%s\n--- spec:\n%s", want, y)
		}
	}
	doc, err := os.ReadFile(filepath.Join(dir, "policies", "deny-big-instances.json"))
	if err != nil || !strings.Contains(string(doc), `"Sid": "DenyBigInstances"`) {
		t.Errorf("policy file: %v\n%s", err, doc)
	}

	mustRun(t, dir, ExitOK, "validate")
	out, _ := mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if !strings.Contains(out, "No changes.") {
		t.Errorf("plan of the imported spec:\n%s", out)
	}

	// A second import does not overwrite what the first wrote.
	_, errOut = mustRun(t, dir, ExitError, "import", "--org-id", "primary", "--out", "foundation.yaml")
	if !strings.Contains(errOut, "already exist") || !strings.Contains(errOut, "--force") {
		t.Errorf("import over existing files:\n%s", errOut)
	}
	mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--out", "foundation.yaml", "--force")
}

// TestImportNeedsOrgID: moto's management account is named "master", which
// does not say the organization identifier.
func TestImportNeedsOrgID(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	m.AWS(t, "organizations", "create-organization", "--feature-set", "ALL")
	m.AWS(t, "organizations", "create-organizational-unit", "--parent-id", rootID(t, m), "--name", "Security")
	dir := t.TempDir()
	_, errOut := mustRun(t, dir, ExitError, "import")
	if !strings.Contains(errOut, `the management account is named "master"`) || !strings.Contains(errOut, "--org-id") {
		t.Errorf("import without --org-id:\n%s", errOut)
	}
	out, errOut := mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--home-region", "eu-west-1", "--regions", "eu-west-1,us-east-1")
	for _, want := range []string{"  email_domain: example.com\n  home_region: eu-west-1\n  regions: [eu-west-1, us-east-1]\n", "  scps: {}\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("import to stdout lacks %q:\n%s\n%s", want, out, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "policies")); err == nil {
		t.Errorf("import made a policy directory without policies")
	}
}

// TestImportLoggingRoundTrip builds a foundation with its logging layer,
// imports it in another directory, and checks that the imported spec has
// the layer and plans no changes.
func TestImportLoggingRoundTrip(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	built := newFoundation(t)
	withLogging(t, built)
	mustRun(t, built, ExitOK, "apply", "--auto-approve")

	dir := t.TempDir()
	_, errOut := mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--domain", "example.com",
		"--regions", "us-east-1,eu-west-1", "--out", "imported.yaml", "--force")
	if !strings.Contains(errOut, "plan shows no changes") {
		t.Errorf("import stderr:\n%s", errOut)
	}
	src, err := os.ReadFile(filepath.Join(dir, "imported.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		// moto names the management account "master".
		"  management:\n    name: master\n    email: master@example.com\n    exempt_from_naming: true\n",
		"  log-archive:\n    unit: Security\n    role: log-archive\n",
		"  security-tooling:\n    unit: Security\n    role: security-tooling\n",
		"\nlogging: {}\n",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("imported spec lacks\n%s\n--- spec:\n%s", want, src)
		}
	}
	out, _ := mustRun(t, dir, ExitOK, "plan", "-f", "imported.yaml", "--detailed-exitcode")
	if !strings.Contains(out, "No changes.") {
		t.Errorf("plan of the imported spec:\n%s", out)
	}

	// A layer that differs from groundwork's is still imported, with a
	// warning naming what apply would change.
	m.AWS(t, "cloudtrail", "stop-logging", "--name", "groundwork-org-trail")
	_, errOut = mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--domain", "example.com",
		"--regions", "us-east-1,eu-west-1", "--out", "imported.yaml", "--force")
	if !strings.Contains(errOut, "warning: the logging layer differs from groundwork's in 1 place; plan shows them, and the next apply makes them: update trail/management/us-east-1/groundwork-org-trail") {
		t.Errorf("import of a stopped trail:\n%s", errOut)
	}
	out, _ = mustRun(t, dir, ExitChanges, "plan", "-f", "imported.yaml", "--detailed-exitcode")
	if !strings.Contains(out, "~ trail management/us-east-1/groundwork-org-trail") {
		t.Errorf("plan of the stopped trail:\n%s", out)
	}
}

// TestImportWithoutLogging: an organization without an organization trail
// is imported with logging off, and the spec says how to turn it on.
func TestImportWithoutLogging(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	built := newFoundation(t)
	mustRun(t, built, ExitOK, "apply", "--auto-approve")

	dir := t.TempDir()
	out, errOut := mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--domain", "example.com", "--regions", "us-east-1,eu-west-1")
	if strings.Contains(out, "\nlogging:") || !strings.Contains(out, "# logging: no organization trail was found") ||
		!strings.Contains(out, "add the line `logging: {}`") {
		t.Errorf("import of an organization without logging:\n%s\n%s", out, errOut)
	}
	if !strings.Contains(errOut, "plan shows no changes") {
		t.Errorf("import stderr:\n%s", errOut)
	}
}

// TestImportLayersRoundTrip builds a foundation with its logging,
// monitoring and hardening layers, imports it, and checks that the
// imported spec has the three sections and plans no changes.
func TestImportLayersRoundTrip(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	built := newFoundation(t)
	withLogging(t, built)
	path := filepath.Join(built, "foundation.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(src, "monitoring: {}\nhardening: {}\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, built, ExitOK, "apply", "--auto-approve", "--allow-delete-default-vpcs")

	dir := t.TempDir()
	_, errOut := mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--domain", "example.com",
		"--regions", "us-east-1,eu-west-1", "--out", "imported.yaml", "--force")
	if !strings.Contains(errOut, "plan shows no changes") {
		t.Errorf("import stderr:\n%s", errOut)
	}
	src, err = os.ReadFile(filepath.Join(dir, "imported.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "\nlogging: {}\nmonitoring: {}\nhardening: {}\n") {
		t.Errorf("imported spec lacks its layers:\n%s", src)
	}
	out, _ := mustRun(t, dir, ExitOK, "plan", "-f", "imported.yaml", "--detailed-exitcode")
	if !strings.Contains(out, "No changes.") {
		t.Errorf("plan of the imported spec:\n%s", out)
	}
}
