package cli

// End-to-end tests of `groundwork profiles` against moto: Identity Center
// users, groups, permission sets and assignments made by hand with the
// AWS CLI (as an administrator or an identity provider would), then the
// profiles groundwork writes from the live assignments, read back by the
// AWS CLI and botocore from the file they were merged into.
//
// moto gaps: it provisions a permission set only to the caller's account,
// so the assignments the read finds in members are those the spec names
// (see read_access.go); it has no access control attribute API, which
// the spec leaves alone (access_control_attributes: {}); a permission set
// created without a session duration is described with a number where
// the API has a string, so the test gives each one.

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// profilesIdentity is the identity section: an external identity source
// (users and groups exist in the store, groundwork names them), and the
// assignments made by hand below.
const profilesIdentity = `
identity:
  source: external
  access_control_attributes: {}
  permission_sets:
    AdministratorAccess: {managed_policies: [AdministratorAccess]}
    PowerUser: {managed_policies: [PowerUserAccess]}
    ReadOnly: {managed_policies: [ReadOnlyAccess]}
  assignments:
    - {permission_set: AdministratorAccess, users: [ana], accounts: [management]}
    - {permission_set: PowerUser, groups: [platform], accounts: [payments-dev]}
    - {permission_set: ReadOnly, groups: [auditors], units: [Workloads]}
`

// centerByHand makes the Identity Store's users and groups, the
// permission sets and the assignments of profilesIdentity with the AWS
// CLI, and returns the identity store ID.
func centerByHand(t *testing.T, m *testenv.Server, accounts map[string]string) string {
	t.Helper()
	arn, store := ssoInstance(t, m)
	users := map[string]string{}
	for _, u := range []string{"ana", "bo"} {
		users[u] = jsonString(t, m.AWS(t, "identitystore", "create-user", "--identity-store-id", store, "--user-name", u,
			"--display-name", u, "--name", "GivenName="+u+",FamilyName=Example"), "UserId")
	}
	groups := map[string]string{}
	for g, member := range map[string]string{"platform": "ana", "auditors": "bo"} {
		groups[g] = jsonString(t, m.AWS(t, "identitystore", "create-group", "--identity-store-id", store, "--display-name", g), "GroupId")
		m.AWS(t, "identitystore", "create-group-membership", "--identity-store-id", store, "--group-id", groups[g], "--member-id", "UserId="+users[member])
	}
	sets := map[string]string{}
	for _, ps := range []string{"AdministratorAccess", "PowerUser", "ReadOnly"} {
		sets[ps] = jsonString(t, m.AWS(t, "sso-admin", "create-permission-set", "--instance-arn", arn, "--name", ps, "--session-duration", "PT1H"),
			"PermissionSet", "PermissionSetArn")
	}
	assign := func(ps, typ, principal, account string) {
		m.AWS(t, "sso-admin", "create-account-assignment", "--instance-arn", arn, "--permission-set-arn", sets[ps],
			"--principal-type", typ, "--principal-id", principal, "--target-type", "AWS_ACCOUNT", "--target-id", account)
	}
	assign("AdministratorAccess", "USER", users["ana"], accounts["management"])
	assign("PowerUser", "GROUP", groups["platform"], accounts["payments-dev"])
	assign("ReadOnly", "GROUP", groups["auditors"], accounts["payments-dev"])
	assign("ReadOnly", "GROUP", groups["auditors"], accounts["payments-prod"])
	return store
}

// botoProfiles is what botocore (the AWS CLI's library) reads of the
// config file at path: every profile's keys, and the sso-sessions.
func botoProfiles(t *testing.T, path string) (profiles map[string]map[string]string, sessions map[string]map[string]string) {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	python := filepath.Join(root, ".venv", "bin", "python")
	cmd := exec.Command(python, "-c", `import json, botocore.session
s = botocore.session.Session()
c = s.full_config
print(json.dumps({"available": s.available_profiles, "profiles": c["profiles"], "sessions": c.get("sso_sessions", {})}))`)
	cmd.Env = []string{"AWS_CONFIG_FILE=" + path, "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("botocore: %v\n%s", err, out)
	}
	var got struct {
		Available []string
		Profiles  map[string]map[string]string
		Sessions  map[string]map[string]string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, p := range got.Available {
		if _, ok := got.Profiles[p]; !ok {
			t.Errorf("available profile %s has no section", p)
		}
	}
	return got.Profiles, got.Sessions
}

func TestProfilesFromLiveIdentityCenterAssignments(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	// Identity Center is built by hand below, as the spec then names it.
	stripIdentity(t, dir)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	mgmt := callerAccount(t, m)
	live := listAccounts(t, m)
	accounts := map[string]string{"management": mgmt,
		"payments-dev":  live["aws-payments-dev-primary@example.com"].Id,
		"payments-prod": live["aws-payments-prod-primary@example.com"].Id}
	store := centerByHand(t, m, accounts)
	editSpec(t, dir, func(s string) string { return s + profilesIdentity })

	// Every assignment, to stdout: one sso-session, one profile per
	// account × permission set.
	out, _ := mustRun(t, dir, ExitOK, "profiles")
	name := func(key, ps string) string {
		return strings.ReplaceAll(nameOf(t, live, mgmt, accounts[key]), " ", "-") + "." + ps
	}
	all := []string{name("management", "AdministratorAccess"), name("payments-dev", "PowerUser"), name("payments-dev", "ReadOnly"), name("payments-prod", "ReadOnly")}
	for _, p := range all {
		if !strings.Contains(out, "[profile "+p+"]\n") {
			t.Errorf("stdout lacks profile %s:\n%s", p, out)
		}
	}

	// ana's, merged into an existing config: hers directly (management)
	// and through platform (payments-dev PowerUser), nobody else's.
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte("[default]\nregion = eu-west-1\n"), 0o600)
	out, _ = mustRun(t, dir, ExitOK, "profiles", "--user", "ana", "--write", "--aws-config", cfg)
	if !strings.Contains(out, "Wrote 2 profile(s) to "+cfg) {
		t.Errorf("write: %s", out)
	}
	got, sessions := botoProfiles(t, cfg)
	want := []string{"default", name("management", "AdministratorAccess"), name("payments-dev", "PowerUser")}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, slices.Sorted(slices.Values(want))) {
		t.Errorf("profiles the AWS CLI reads: %v, want %v", keys, want)
	}
	admin := got[name("management", "AdministratorAccess")]
	if admin["sso_session"] != "primary" || admin["sso_account_id"] != mgmt || admin["sso_role_name"] != "AdministratorAccess" || admin["region"] != "us-east-1" {
		t.Errorf("management profile: %v", admin)
	}
	if s := sessions["primary"]; s["sso_start_url"] != "https://"+store+".awsapps.com/start" || s["sso_region"] != "us-east-1" || s["sso_registration_scopes"] != "sso:account:access" {
		t.Errorf("sso-session: %v", s)
	}

	// A second run changes nothing and writes nothing; the group auditors'
	// profiles in granted's names replace the block, and the user's own
	// profile stays.
	before, _ := os.ReadFile(cfg)
	out, _ = mustRun(t, dir, ExitOK, "profiles", "--user", "ana", "--write", "--aws-config", cfg)
	if after, _ := os.ReadFile(cfg); string(after) != string(before) || !strings.Contains(out, "nothing written") {
		t.Errorf("second run changed the file:\n%s", out)
	}
	mustRun(t, dir, ExitOK, "profiles", "--group", "auditors", "--names", "granted", "--write", "--aws-config", cfg)
	got, _ = botoProfiles(t, cfg)
	granted := func(key, ps string) string { return strings.Replace(name(key, ps), "."+ps, "/"+ps, 1) }
	want = []string{"default", granted("payments-dev", "ReadOnly"), granted("payments-prod", "ReadOnly")}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, slices.Sorted(slices.Values(want))) {
		t.Errorf("after --group auditors: %v, want %v", keys, want)
	}
	if b, _ := os.ReadFile(cfg + ".groundwork.bak"); string(b) != string(before) {
		t.Errorf("backup is not the file before the change:\n%s", b)
	}

	// An unknown user is refused, naming the close one.
	_, errOut := mustRun(t, dir, ExitError, "profiles", "--user", "anna")
	if !strings.Contains(errOut, `no user "anna" in the Identity Store (did you mean "ana"?)`) {
		t.Errorf("unknown user: %s", errOut)
	}
}

// nameOf is the live name of the account with ID id.
func nameOf(t *testing.T, live map[string]cliAccount, mgmt, id string) string {
	t.Helper()
	for _, a := range live {
		if a.Id == id {
			return a.Name
		}
	}
	t.Fatalf("no account %s (management %s)", id, mgmt)
	return ""
}

// TestProfilesOfTheIdentityAccountModel: apply builds the model (the
// Identity account's group and user, the stage roles in the other
// accounts), and profiles --user writes one role profile per stage role,
// assumed from the user's own profile with the user's MFA device, whose
// role ARNs are the roles IAM holds.
func TestProfilesOfTheIdentityAccountModel(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withIdentityAccount(t, dir, "    users: [ana]\n")
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	live := listAccounts(t, m)
	idAcct := live["aws-identity-primary@example.com"].Id
	if idAcct == "" {
		t.Fatalf("no Identity account among %v", live)
	}

	cfg := filepath.Join(t.TempDir(), "config")
	out, _ := mustRun(t, dir, ExitOK, "profiles", "--user", "ana", "--write", "--aws-config", cfg)
	got, sessions := botoProfiles(t, cfg)
	if len(sessions) != 0 {
		t.Errorf("sso-sessions in the Identity-account model: %v", sessions)
	}
	// Administrator everywhere but the Identity account, PowerUser in
	// non-production and ReadOnly in production accounts (the defaults).
	roles := 0
	for name, p := range got {
		if p["source_profile"] != "primary-identity" || p["mfa_serial"] != "arn:aws:iam::"+idAcct+":mfa/ana" ||
			p["role_session_name"] != "ana" || p["duration_seconds"] != "3600" || p["region"] != "us-east-1" {
			t.Errorf("profile %s: %v", name, p)
		}
		arn := p["role_arn"]
		account, role, ok := strings.Cut(strings.TrimPrefix(arn, "arn:aws:iam::"), ":role/org-admin/")
		if !ok || account == idAcct {
			t.Errorf("profile %s: role_arn %q", name, arn)
			continue
		}
		var r struct{ Role struct{ Arn string } }
		json.Unmarshal(m.AWSAs(t, account, "iam", "get-role", "--role-name", role), &r)
		if r.Role.Arn != arn {
			t.Errorf("profile %s: role_arn %s, IAM has %s", name, arn, r.Role.Arn)
		}
		roles++
	}
	for _, want := range []string{"Administrator", "PowerUser", "ReadOnly"} {
		found := false
		for name := range got {
			found = found || strings.HasSuffix(name, "."+want)
		}
		if !found {
			t.Errorf("no %s profile among %v", want, slices.Sorted(maps.Keys(got)))
		}
	}
	if !strings.Contains(out, "Wrote ") || roles == 0 {
		t.Errorf("write: %s (%d role profiles)", out, roles)
	}

	// Without a user or MFA device there is nothing to sign with.
	_, errOut := mustRun(t, dir, ExitError, "profiles")
	if !strings.Contains(errOut, "--mfa-serial") {
		t.Errorf("no user: %s", errOut)
	}
}
