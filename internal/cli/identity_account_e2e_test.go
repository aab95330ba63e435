package cli

// End-to-end test of the identity layer's Identity-account model
// (guidance 002) against moto: apply builds the group, its users and the
// stage roles, the AWS CLI sees them in the accounts that hold them, a
// second apply writes nothing, and the audit finds exactly the
// misconfigurations made by hand afterwards. moto implements every IAM
// call the model makes; it does not enforce trust policies, so the test
// reads them back rather than assuming the roles.

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// withIdentityAccount adds the Identity account and the model, with
// settings (the lines of identity.identity_account), to the spec
// newFoundation writes, in place of its Identity Center section.
func withIdentityAccount(t *testing.T, dir, settings string) {
	t.Helper()
	editSpec(t, dir, func(s string) string {
		s = strings.Replace(withoutIdentity(t, s), "\naccounts:\n", "\naccounts:\n  identity:\n    unit: Infrastructure\n    role: identity\n", 1)
		return s + "\nidentity:\n  model: identity_account\n  identity_account:\n" + settings
	})
}

// cliRole is a role as `aws iam get-role` shows it.
type cliRole struct {
	Path                     string
	MaxSessionDuration       int
	AssumeRolePolicyDocument json.RawMessage
}

func roleIn(t *testing.T, m *testenv.Server, mgmt, account, name string) (cliRole, []string) {
	t.Helper()
	var out struct{ Role cliRole }
	if err := json.Unmarshal(awsIn(t, m, mgmt, account, "iam", "get-role", "--role-name", name), &out); err != nil {
		t.Fatal(err)
	}
	var attached struct{ AttachedPolicies []struct{ PolicyArn string } }
	if err := json.Unmarshal(awsIn(t, m, mgmt, account, "iam", "list-attached-role-policies", "--role-name", name), &attached); err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, p := range attached.AttachedPolicies {
		arns = append(arns, p.PolicyArn)
	}
	slices.Sort(arns)
	return out.Role, arns
}

// roleNamesIn lists the roles of an account under a path.
func roleNamesIn(t *testing.T, m *testenv.Server, mgmt, account, path string) []string {
	t.Helper()
	var out struct{ Roles []struct{ RoleName string } }
	if err := json.Unmarshal(awsIn(t, m, mgmt, account, "iam", "list-roles", "--path-prefix", path), &out); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range out.Roles {
		names = append(names, r.RoleName)
	}
	slices.Sort(names)
	return names
}

// trustText is a trust policy as the CLI shows it, as text: a JSON
// object, or a string of (URL-encoded) JSON.
func trustText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if plain, err := url.QueryUnescape(s); err == nil {
			return plain
		}
		return s
	}
	return string(raw)
}

// identityFindings runs the audit and returns its GW-IDA findings as
// "ID resource", sorted.
func identityFindings(t *testing.T, dir string) []string {
	t.Helper()
	// A role anyone may assume is critical: exit 3.
	r, _ := auditJSON(t, dir, "audit", "-o", "json", "--fail-on", "critical", "--allow-partial")
	var got []string
	for _, f := range r.findingsOf(func(check string) bool { return strings.HasPrefix(check, "GW-IDA-") }) {
		got = append(got, f.String())
	}
	slices.Sort(got)
	return got
}

func TestIdentityAccountModelIsBuiltAndSeenByTheAWSCLI(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withIdentityAccount(t, dir, "    users: [ana, ben]\n    max_session: 2h\n")
	mgmt := callerAccount(t, m)

	out, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	if !strings.Contains(out, " 0 failed") || !strings.Contains(out, "stage-role aws-payments-prod-primary@example.com/ReadOnly") {
		t.Fatalf("first apply:\n%s\n%s", out, errOut)
	}
	accounts := listAccounts(t, m)
	idID := accounts["aws-identity-primary@example.com"].Id
	prod := accounts["aws-payments-prod-primary@example.com"].Id
	dev := accounts["aws-payments-dev-primary@example.com"].Id
	archive := accounts["aws-log-archive-primary@example.com"].Id
	if idID == "" || prod == "" || dev == "" || archive == "" {
		t.Fatalf("accounts: %+v", accounts)
	}

	// The Identity account: the group with its two users and its policy.
	var group struct{ Users []struct{ UserName string } }
	json.Unmarshal(m.AWSAs(t, idID, "iam", "get-group", "--group-name", "identity-users"), &group)
	var members []string
	for _, u := range group.Users {
		members = append(members, u.UserName)
	}
	slices.Sort(members)
	if !slices.Equal(members, []string{"ana", "ben"}) {
		t.Errorf("identity-users members %v, want ana and ben", members)
	}
	var org struct{ Organization struct{ Id string } }
	json.Unmarshal(m.AWS(t, "organizations", "describe-organization"), &org)
	var policy struct{ PolicyDocument json.RawMessage }
	json.Unmarshal(m.AWSAs(t, idID, "iam", "get-group-policy", "--group-name", "identity-users", "--policy-name", "groundwork-self-service"), &policy)
	if doc := trustText(policy.PolicyDocument); !strings.Contains(doc, org.Organization.Id) || !strings.Contains(doc, "${aws:username}") {
		t.Errorf("group policy %s: want the organization's ID and the user name variable", doc)
	}
	if roles := roleNamesIn(t, m, mgmt, idID, "/org-admin/"); len(roles) != 0 {
		t.Errorf("the Identity account has stage roles %v", roles)
	}

	// The stage roles, by the class of each account.
	for _, c := range []struct {
		account string
		roles   []string
	}{
		{prod, []string{"Administrator", "ReadOnly"}},
		{dev, []string{"Administrator", "PowerUser"}},
		{archive, []string{"Administrator"}},
	} {
		if got := roleNamesIn(t, m, mgmt, c.account, "/org-admin/"); !slices.Equal(got, c.roles) {
			t.Errorf("stage roles of %s: %v, want %v", c.account, got, c.roles)
		}
	}
	role, policies := roleIn(t, m, mgmt, prod, "ReadOnly")
	trust := trustText(role.AssumeRolePolicyDocument)
	if role.Path != "/org-admin/" || role.MaxSessionDuration != 7200 || !slices.Equal(policies, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}) ||
		!strings.Contains(trust, "arn:aws:iam::"+idID+":root") || !strings.Contains(trust, "aws:MultiFactorAuthPresent") {
		t.Errorf("ReadOnly of payments-prod: %+v %v\ntrust %s", role, policies, trust)
	}

	out, _ = mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if !strings.Contains(out, "No changes.") {
		t.Errorf("re-plan:\n%s", out)
	}
	_, errOut = mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats")
	if !strings.Contains(errOut, " 0 writes)") {
		t.Errorf("second apply wrote:\n%s", errOut)
	}
	if got := identityFindings(t, dir); len(got) != 0 {
		t.Errorf("findings on the model as built: %v", got)
	}

	// The import finds the model from the roles that trust the Identity
	// account with MFA, and writes a spec whose plan leaves it as it is.
	imported := t.TempDir()
	_, errOut = mustRun(t, imported, ExitOK, "import", "--org-id", "primary", "--domain", "example.com",
		"--regions", "us-east-1,eu-west-1", "--out", "imported.yaml", "--force")
	spec, err := os.ReadFile(filepath.Join(imported, "imported.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"model: identity_account", "users: [ana, ben]", `max_session: "2h"`, "role: identity\n"} {
		if !strings.Contains(string(spec), want) {
			t.Errorf("imported spec lacks %q:\n%s\n%s", want, spec, errOut)
		}
	}
	out, _ = mustRun(t, imported, ExitOK, "plan", "-f", "imported.yaml")
	for _, kind := range []string{"stage-role ", "identity-group ", "identity-user "} {
		if strings.Contains(out, kind) {
			t.Errorf("plan of the imported spec changes the model (%s):\n%s", kind, out)
		}
	}

	// By hand: an IAM user in payments-dev, a policy on ana, the MFA
	// condition dropped from a stage role, a role anyone may assume and
	// one an outside account may.
	m.AWSAs(t, dev, "iam", "create-user", "--user-name", "bob")
	m.AWSAs(t, idID, "iam", "attach-user-policy", "--user-name", "ana", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess")
	m.AWSAs(t, prod, "iam", "update-assume-role-policy", "--role-name", "ReadOnly", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+idID+`:root"},"Action":"sts:AssumeRole"}]}`)
	m.AWSAs(t, dev, "iam", "create-role", "--role-name", "open", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`)
	m.AWSAs(t, prod, "iam", "create-role", "--role-name", "vendor", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`)

	want := []string{
		"GW-IDA-001 account/" + dev + " (payments-dev-primary)",
		"GW-IDA-002 iam-user/ana (identity-primary)",
		"GW-IDA-003 iam-role/ReadOnly (payments-prod-primary)",
		"GW-IDA-004 iam-role/open (payments-dev-primary)",
		"GW-IDA-005 iam-role/vendor (payments-prod-primary)",
	}
	if got := identityFindings(t, dir); !slices.Equal(got, want) {
		t.Errorf("findings after the misconfiguration:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The plan puts the stage role's trust back; the rest is not its to
	// change.
	out, _ = mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	if !strings.Contains(out, "stage-role aws-payments-prod-primary@example.com/ReadOnly") || !strings.Contains(out, "Plan: 0 to create, 1 to update, 0 to delete.") {
		t.Errorf("plan after the misconfiguration:\n%s", out)
	}
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	role, _ = roleIn(t, m, mgmt, prod, "ReadOnly")
	if trust := trustText(role.AssumeRolePolicyDocument); !strings.Contains(trust, "aws:MultiFactorAuthPresent") {
		t.Errorf("ReadOnly's trust after apply: %s", trust)
	}
}
