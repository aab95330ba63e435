package cli

// End-to-end tests of the hardening layer against moto: the password
// policy and S3 Block Public Access of every account, the default VPCs
// and the IAM users of the management account, each checked with the AWS
// CLI in the account that holds it.
//
// moto gaps, covered by fakes in internal/kinds and internal/inventory:
// root MFA (GetAccountSummary always says AccountMFAEnabled 0, so every
// account has a GW-HRD-007 finding here), service-specific credentials
// (ListServiceSpecificCredentials is not implemented; apply looks for them
// only when DeleteUser answers DeleteConflict, which moto does not for
// them), and internet gateways of default VPCs (moto creates none).

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// withHardening sets the spec's hardening section, replacing one the
// starter may have written.
func withHardening(t *testing.T, dir, section string) {
	t.Helper()
	path := filepath.Join(dir, "foundation.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	if i := strings.Index(s, "\nhardening:"); i >= 0 {
		end := len(s)
		for j := i + 1; j < len(s); {
			nl := strings.IndexByte(s[j:], '\n')
			if nl < 0 {
				break
			}
			j += nl + 1
			if j < len(s) && s[j] != ' ' && s[j] != '#' && s[j] != '\n' {
				end = j
				break
			}
		}
		s = s[:i+1] + s[end:]
	}
	s = strings.TrimRight(s, "\n") + "\n\nhardening: " + section + "\n"
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// callerAccount is the account the test credentials are in: moto's
// management account.
func callerAccount(t *testing.T, m *testenv.Server) string {
	t.Helper()
	var id struct{ Account string }
	if err := json.Unmarshal(m.AWS(t, "sts", "get-caller-identity"), &id); err != nil {
		t.Fatal(err)
	}
	return id.Account
}

// awsIn runs the AWS CLI in an account: with the test credentials in the
// management account, through the access role in a member.
func awsIn(t *testing.T, m *testenv.Server, mgmt, account string, args ...string) []byte {
	t.Helper()
	if account == mgmt {
		return m.AWS(t, args...)
	}
	return m.AWSAs(t, account, args...)
}

// viaS3ControlProxy runs f with the AWS CLI sending its requests through
// the moto server as an HTTP proxy. The CLI, like every SDK, puts the
// account ID in front of the S3 Control host ("123456789012.127.0.0.1"),
// which does not resolve; as a proxy, moto takes the request whatever the
// host and answers it from the account in the x-amz-account-id header.
// groundwork itself needs no such help (see awsx.ConfigFor.S3Control).
func viaS3ControlProxy(t *testing.T, m *testenv.Server, f func(t *testing.T)) {
	t.Helper()
	t.Run("s3control", func(t *testing.T) {
		t.Setenv("HTTP_PROXY", m.Endpoint)
		t.Setenv("http_proxy", m.Endpoint)
		f(t)
	})
}

type cliPasswordPolicy struct {
	MinimumPasswordLength, MaxPasswordAge, PasswordReusePrevention         int
	RequireUppercaseCharacters, RequireLowercaseCharacters, RequireNumbers bool
	RequireSymbols, AllowUsersToChangePassword                             bool
}

func passwordPolicyIn(t *testing.T, m *testenv.Server, mgmt, account string) cliPasswordPolicy {
	t.Helper()
	var out struct{ PasswordPolicy cliPasswordPolicy }
	if err := json.Unmarshal(awsIn(t, m, mgmt, account, "iam", "get-account-password-policy"), &out); err != nil {
		t.Fatal(err)
	}
	return out.PasswordPolicy
}

func defaultVPCsIn(t *testing.T, m *testenv.Server, mgmt, account, region string) []string {
	t.Helper()
	var out struct{ Vpcs []struct{ VpcId string } }
	if err := json.Unmarshal(awsIn(t, m, mgmt, account, "ec2", "describe-vpcs", "--filters", "Name=isDefault,Values=true", "--region", region), &out); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range out.Vpcs {
		ids = append(ids, v.VpcId)
	}
	return ids
}

// withFindings adds check IDs to a sorted list of IDs.
func withFindings(ids string, more ...string) string {
	all := append(strings.Split(ids, ","), more...)
	slices.Sort(all)
	return strings.Join(all, ",")
}

// motoRootMFA is the finding moto gives every account: its
// GetAccountSummary never reports root MFA.
var motoRootMFA = []string{"GW-HRD-007", "GW-HRD-007", "GW-HRD-007", "GW-HRD-007", "GW-HRD-007", "GW-HRD-007"}

func TestHardeningLayerIsBuiltAndSeenByTheAWSCLI(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withHardening(t, dir, "{}")
	mgmt := callerAccount(t, m)

	// The first apply creates the organization, the accounts, and their
	// password policies and Block Public Access. It also plans the
	// deletion of the default VPCs AWS gives every new account (and the
	// management account's), which without --allow-delete-default-vpcs
	// are held.
	out, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	if !strings.Contains(out, " 0 failed") || !strings.Contains(out, "held    delete default-vpc/") {
		t.Fatalf("first apply:\n%s\n%s", out, errOut)
	}

	// Something runs in payments-dev's default VPC in eu-west-1.
	accounts := listAccounts(t, m)
	dev := accounts["aws-payments-dev-primary@example.com"].Id
	var subnets struct{ Subnets []struct{ SubnetId string } }
	json.Unmarshal(m.AWSAs(t, dev, "ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true", "--region", "eu-west-1"), &subnets)
	if len(subnets.Subnets) == 0 {
		t.Fatalf("payments-dev has no default subnet in eu-west-1")
	}
	m.AWSAs(t, dev, "ec2", "create-network-interface", "--subnet-id", subnets.Subnets[0].SubnetId, "--region", "eu-west-1")

	out, _ = mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{"- default-vpc aws-log-archive-primary@example.com/eu-west-1  (needs --allow-delete-default-vpcs)",
		"- default-vpc management/us-east-1", "Plan: 0 to create, 0 to update, 11 to delete.",
		"aws-payments-dev-primary@example.com in eu-west-1 kept: 1 network interfaces use it"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "default-vpc aws-payments-dev-primary@example.com/eu-west-1") {
		t.Errorf("plan deletes a default VPC in use:\n%s", out)
	}

	// Without --allow-delete the default VPCs stay.
	out, errOut = mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	if !strings.Contains(out, "held    delete default-vpc/management/us-east-1") || !strings.Contains(out, "0 applied, 0 failed, 11 held") {
		t.Fatalf("apply without --allow-delete:\n%s\n%s", out, errOut)
	}
	if len(defaultVPCsIn(t, m, mgmt, mgmt, "us-east-1")) != 1 {
		t.Fatalf("a held delete removed the management account's default VPC")
	}
	// Nor with --allow-delete alone: they are confirmed on their own.
	out, errOut = mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete")
	if !strings.Contains(out, "0 applied, 0 failed, 11 held") {
		t.Fatalf("apply --allow-delete:\n%s\n%s", out, errOut)
	}
	out, errOut = mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete-default-vpcs", "--stats")
	if !strings.Contains(out, "11 applied, 0 failed, 0 held") {
		t.Fatalf("apply --allow-delete-default-vpcs:\n%s\n%s", out, errOut)
	}
	// Apply writes through the session its read entered the members by:
	// one AssumeRole per member account, not one for the read and another
	// for the writes.
	if m := regexp.MustCompile(`(\d+)\s+\S+ AssumeRole`).FindStringSubmatch(errOut); m == nil || m[1] != "5" {
		t.Errorf("AssumeRole calls %v, want 5 (one per member account):\n%s", m, errOut)
	}

	// What the AWS CLI sees in every account.
	all := []string{mgmt}
	for _, a := range accounts {
		if a.Id != mgmt {
			all = append(all, a.Id)
		}
	}
	if len(all) != 6 {
		t.Fatalf("accounts: %v", all)
	}
	want := cliPasswordPolicy{MinimumPasswordLength: 14, MaxPasswordAge: 90, PasswordReusePrevention: 24,
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, RequireNumbers: true, RequireSymbols: true,
		AllowUsersToChangePassword: true}
	for _, id := range all {
		if got := passwordPolicyIn(t, m, mgmt, id); got != want {
			t.Errorf("password policy of %s = %+v, want %+v", id, got, want)
		}
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			wantVPCs := 0
			if id == dev && region == "eu-west-1" {
				wantVPCs = 1 // kept: a network interface uses it
			}
			if vpcs := defaultVPCsIn(t, m, mgmt, id, region); len(vpcs) != wantVPCs {
				t.Errorf("default VPCs of %s in %s: %v, want %d", id, region, vpcs, wantVPCs)
			}
		}
	}
	viaS3ControlProxy(t, m, func(t *testing.T) {
		for _, id := range all {
			var out struct {
				PublicAccessBlockConfiguration struct{ BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets bool }
			}
			json.Unmarshal(awsIn(t, m, mgmt, id, "s3control", "get-public-access-block", "--account-id", id), &out)
			if c := out.PublicAccessBlockConfiguration; !c.BlockPublicAcls || !c.IgnorePublicAcls || !c.BlockPublicPolicy || !c.RestrictPublicBuckets {
				t.Errorf("Block Public Access of %s: %+v", id, c)
			}
		}
	})

	out, _ = mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if !strings.Contains(out, "No changes.") || !strings.Contains(out, "kept: 1 network interfaces") {
		t.Errorf("re-plan:\n%s", out)
	}
	// The default VPC in use (open defaults, no flow log), and moto's root
	// MFA gap.
	if got, want := auditFindings(t, dir), wantFindings(motoRootMFA, []string{"GW-HRD-004", "GW-NET-003", "GW-NET-004", "GW-NET-006"}, untrailed, unbilled, unalerted); got != want {
		t.Errorf("audit after hardening = %s, want %s", got, want)
	}
	_, errOut = mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete", "--allow-delete-default-vpcs", "--stats")
	if !strings.Contains(errOut, " 0 writes)") {
		t.Errorf("third apply wrote:\n%s", errOut)
	}
}

func TestHardeningDriftIsPlannedAndAudited(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withHardening(t, dir, "{}")
	mgmt := callerAccount(t, m)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete-default-vpcs")
	mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete-default-vpcs") // the members' default VPCs
	accounts := listAccounts(t, m)
	dev := accounts["aws-payments-dev-primary@example.com"].Id
	prod := accounts["aws-payments-prod-primary@example.com"].Id

	// By hand: a weak password policy in payments-dev, Block Public Access
	// off in payments-prod, and an IAM user with credentials, policies and
	// a group in the management account.
	m.AWSAs(t, dev, "iam", "update-account-password-policy", "--minimum-password-length", "8")
	viaS3ControlProxy(t, m, func(t *testing.T) {
		m.AWSAs(t, prod, "s3control", "delete-public-access-block", "--account-id", prod)
	})
	m.AWS(t, "iam", "create-user", "--user-name", "alice")
	m.AWS(t, "iam", "create-access-key", "--user-name", "alice")
	m.AWS(t, "iam", "create-login-profile", "--user-name", "alice", "--password", "An0ther-Long-Passw0rd!")
	m.AWS(t, "iam", "put-user-policy", "--user-name", "alice", "--policy-name", "own",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)
	m.AWS(t, "iam", "attach-user-policy", "--user-name", "alice", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
	m.AWS(t, "iam", "create-group", "--group-name", "admins")
	m.AWS(t, "iam", "add-user-to-group", "--user-name", "alice", "--group-name", "admins")

	out, _ := mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{"~ password-policy aws-payments-dev-primary@example.com", `min_length            : "8" -> "14"`,
		"+ account-public-access-block aws-payments-prod-primary@example.com", "IAM user alice in the management account"} {
		if !strings.Contains(out, want) {
			t.Errorf("drift plan lacks %q:\n%s", want, out)
		}
	}
	ids := auditFindings(t, dir)
	for _, want := range []string{"GW-HRD-002", "GW-HRD-003", "GW-HRD-005"} {
		if !strings.Contains(ids, want) {
			t.Errorf("audit of the drift lacks %s: %s", want, ids)
		}
	}

	// Reported users stay; asked to delete, apply removes alice and
	// everything she holds.
	withHardening(t, dir, "{management_iam_users: delete}")
	out, _ = mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	if !strings.Contains(out, "- management-iam-user alice  (needs --allow-delete)") {
		t.Errorf("delete plan:\n%s", out)
	}
	// Saved and applied later: the hardening layer reads the same twice,
	// so the plan's fingerprint holds.
	mustRun(t, dir, ExitOK, "plan", "--out", "plan.json")
	out, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--allow-delete", "plan.json")
	if !strings.Contains(out, " 0 failed") {
		t.Fatalf("apply:\n%s\n%s", out, errOut)
	}
	var users struct{ Users []struct{ UserName string } }
	json.Unmarshal(m.AWS(t, "iam", "list-users"), &users)
	if len(users.Users) != 0 {
		t.Errorf("IAM users left in the management account: %+v", users.Users)
	}
	if got := passwordPolicyIn(t, m, mgmt, dev); got.MinimumPasswordLength != 14 || !got.RequireSymbols {
		t.Errorf("password policy of payments-dev after apply: %+v", got)
	}
	viaS3ControlProxy(t, m, func(t *testing.T) {
		var out struct {
			PublicAccessBlockConfiguration struct{ RestrictPublicBuckets bool }
		}
		json.Unmarshal(m.AWSAs(t, prod, "s3control", "get-public-access-block", "--account-id", prod), &out)
		if !out.PublicAccessBlockConfiguration.RestrictPublicBuckets {
			t.Errorf("Block Public Access of payments-prod after apply: %+v", out)
		}
	})
	mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if got, want := auditFindings(t, dir), wantFindings(motoRootMFA, untrailed, unbilled, unalerted); got != want {
		t.Errorf("audit after repair = %s, want %s", got, want)
	}
}
