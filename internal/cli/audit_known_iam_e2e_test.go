package cli

// End-to-end test of the organization structure, account-wide IAM and
// live SCP quota checks against an organization built by hand in moto,
// without groundwork apply: one member account (billing-dev) holds a
// planted misconfiguration of each IAM kind, its twin (shop-dev) and the
// other accounts hold the same resources kept as the benchmark asks; the
// OU tree lacks some of guidance 000's OUs; one OU mixes production and
// development accounts whose stage is only in their names, while its twin
// holds a "product" account beside a development one; one SCP is over the
// size limit and one OU over the per-target count, with twins within
// them. The audit, with and without a spec, must report exactly the
// planted ones.
//
// What moto cannot model, and the unit tests cover with fakes instead:
// its credential report has no root row (CIS 1.7 root use and 1.6 root
// MFA: internal/layer/posture read and check tests); every server
// certificate it lists expired in 2012 (a valid twin certificate cannot
// be built, so the twin has none). AWS refuses an SCP over 5,120
// characters and a sixth SCP on one target at write time; moto stores
// both, which is what lets the checks of the live organization be run
// here end to end.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// iamEstate is what buildIAMEstate built: the IDs the findings name.
type iamEstate struct {
	org                     string
	mgmt, tooling           knownAccount
	billingProd, bad        knownAccount // Workloads/Shared: stage only in the names
	productCatalog, good    knownAccount // Workloads/Shop: the twin
	bigSCP, crowdedOU       string
	supportUserInBadAccount string
	managementEmail         string
	accountsByKey           map[string]knownAccount
	unitOfKey               map[string]string
}

// iamChecks are the checks this test holds to exactly the planted
// findings: the OU tree, stage separation, the account-wide IAM checks and
// the live SCP quotas.
var iamChecks = []string{"GW-ORG-004", "GW-ORG-006", "GW-ORG-007", "GW-ORG-009", "GW-ORG-020", "GW-ORG-021", "GW-ORG-022",
	"GW-ORG-023", "GW-ORG-024", "GW-ORG-025", "GW-IAM-010", "GW-IAM-011", "GW-IAM-012", "GW-IAM-013", "GW-IAM-014",
	"GW-IAM-015", "GW-IAM-016"}

func TestAuditKnownIAMMisconfigurations(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	k := buildIAMEstate(t)

	acct := func(a knownAccount) string { return "account/" + a.id + " (" + a.name + ")" }
	in := func(kind, name string, a knownAccount) string { return kind + "/" + name + " (" + a.name + ")" }
	org := "organization/" + k.org
	want := []knownFinding{
		// The OU tree: Security, Workloads and Exceptions were built; no
		// Infrastructure or Sandbox OU, and no non-production OU below
		// Workloads (Prod, Shared and Shop are there).
		{"GW-ORG-021", org},
		{"GW-ORG-022", "ou/Root/Workloads"},
		{"GW-ORG-023", org},
		// billing-prod and billing-dev share Workloads/Shared, their stage
		// only in their names; product-catalog beside shop-dev is no mix,
		// but names no stage at all under Workloads.
		{"GW-ORG-004", "ou/Root/Workloads/Shared"},
		{"GW-ORG-007", acct(k.productCatalog)},
		// The planted IAM account: a customer-managed policy allowing *:*
		// attached to a role; AWSSupportAccess on a user, not a role; an
		// (expired, as every moto certificate is) server certificate;
		// AWSCloudShellFullAccess on a group; a console user with a key
		// never used.
		{"GW-IAM-010", in("iam-policy", "everything", k.bad)},
		{"GW-IAM-012", acct(k.bad)},
		{"GW-IAM-013", in("server-certificate", "old-www", k.bad)},
		{"GW-IAM-014", in("iam-policy", "AWSCloudShellFullAccess", k.bad)},
		{"GW-IAM-015", in("iam-user", "ana", k.bad)},
		// The SCP over 5,120 characters, and Exceptions with six SCPs
		// attached (FullAWSAccess and five more).
		{"GW-ORG-024", "policy/" + k.bigSCP + " (big)"},
		{"GW-ORG-025", "ou/Root/Exceptions"},
	}

	dir := t.TempDir()
	withoutSpec := iamFindings(t, dir, "audit", "-o", "json", "--fail-on", "critical", "--regions", testenv.Region)
	expectFindings(t, "audit without a spec: findings differ from the planted misconfigurations", want, withoutSpec)

	// With a spec that names every account and OU by its role and place
	// (and leaves the SCPs alone: the spec would refuse the two planted
	// ones): the same findings, a spec never switching a check off.
	if err := os.WriteFile(filepath.Join(dir, "foundation.yaml"), []byte(iamSpec(k)), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, ExitOK, "validate")
	withSpec := iamFindings(t, dir, "audit", "-o", "json", "--fail-on", "critical")
	expectSameFindings(t, "audit with a spec differs from the audit without one", withoutSpec, withSpec)
}

// iamSpec is a foundation.yaml for the organization buildIAMEstate made:
// its OUs and accounts as they are, names exempt from the conventions.
func iamSpec(k iamEstate) string {
	var b strings.Builder
	fmt.Fprintf(&b, `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: %s
  regions: [%s]
  management: {name: %s, email: %s, exempt_from_naming: true}
units:
  Security: {}
  Exceptions: {guardrails: none}
  Workloads: {units: {Prod: {}, Shared: {}, Shop: {}}}
accounts:
`, testenv.Region, testenv.Region, k.mgmt.name, k.managementEmail)
	keys := make([]string, 0, len(k.accountsByKey))
	for key := range k.accountsByKey {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		a := k.accountsByKey[key]
		role := ""
		if key == "security-tooling" {
			role = ", role: security-tooling"
		}
		fmt.Fprintf(&b, "  %s: {unit: %s, name: %s, email: aws-%s@example.com, exempt_from_naming: true%s}\n",
			key, k.unitOfKey[key], a.name, a.name, role)
	}
	return b.String()
}

// iamFindings runs an audit and returns its findings of iamChecks, which
// must have read everything they look at.
func iamFindings(t *testing.T, dir string, args ...string) []knownFinding {
	t.Helper()
	r, _ := auditJSON(t, dir, args...)
	r.wantRead(t, func(read string) bool {
		return strings.HasPrefix(read, "posture/iam") || strings.HasPrefix(read, "organization")
	})
	return r.findingsOf(func(check string) bool { return slices.Contains(iamChecks, check) })
}

// buildIAMEstate creates the organization through the SDK, as an operator
// would by hand.
func buildIAMEstate(t *testing.T) iamEstate {
	t.Helper()
	ctx := context.Background()
	s, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region, AccessRole: policy.DefaultAccessRole})
	if err != nil {
		t.Fatal(err)
	}
	// moto now and then breaks a kept-alive connection after it has made
	// what was asked, and the SDK sends the create again: an IAM entity
	// that already exists was made by this test, so it counts as made.
	must := func(_ any, err error) {
		t.Helper()
		if err != nil && !awsx.ErrorCodeIs(err, "EntityAlreadyExists") {
			t.Fatal(err)
		}
	}
	k := iamEstate{accountsByKey: map[string]knownAccount{}, unitOfKey: map[string]string{}}
	org := organizations.NewFromConfig(s.Config("", "", ""))
	o, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	k.org = aws.ToString(o.Organization.Id)
	k.managementEmail = aws.ToString(o.Organization.MasterAccountEmail)
	mgmtID := aws.ToString(o.Organization.MasterAccountId)
	desc, err := org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(mgmtID)})
	if err != nil {
		t.Fatal(err)
	}
	k.mgmt = knownAccount{id: mgmtID, name: aws.ToString(desc.Account.Name)}
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	root := aws.ToString(roots.Roots[0].Id)
	must(org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root),
		PolicyType: orgtypes.PolicyTypeServiceControlPolicy}))

	ous := map[string]string{"": root}
	for _, path := range []string{"Security", "Exceptions", "Workloads", "Workloads/Prod", "Workloads/Shared", "Workloads/Shop"} {
		parent, name := "", path
		if i := strings.LastIndexByte(path, '/'); i >= 0 {
			parent, name = path[:i], path[i+1:]
		}
		out, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(ous[parent]),
			Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		ous[path] = aws.ToString(out.OrganizationalUnit.Id)
	}
	member := func(name, unit string) knownAccount {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name),
			Email: aws.String("aws-" + name + "@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		id := out.CreateAccountStatus.AccountId
		must(org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: id, SourceParentId: aws.String(root),
			DestinationParentId: aws.String(ous[unit])}))
		a := knownAccount{id: aws.ToString(id), name: name}
		k.accountsByKey[name], k.unitOfKey[name] = a, unit
		return a
	}
	k.tooling = member("security-tooling", "Security")
	k.billingProd, k.bad = member("billing-prod", "Workloads/Shared"), member("billing-dev", "Workloads/Shared")
	k.productCatalog, k.good = member("product-catalog", "Workloads/Shop"), member("shop-dev", "Workloads/Shop")

	// IAM in every account: a support role, and a narrow customer-managed
	// policy attached to a role; in the planted account the policy allows
	// everything, AWSSupportAccess is on a user instead, and it has the
	// rest of the planted misconfigurations.
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`
	const (
		narrow   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:Get*","Resource":"*"}]}`
		everyAct = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	)
	for _, a := range []knownAccount{k.mgmt, k.tooling, k.billingProd, k.bad, k.productCatalog, k.good} {
		planted := a == k.bad
		im := iam.NewFromConfig(s.Config(a.id, mgmtID, testenv.Region))
		arn := func(name string) *string { return aws.String("arn:aws:iam::aws:policy/" + name) }
		must(im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ops"), AssumeRolePolicyDocument: aws.String(fmt.Sprintf(trust, a.id))}))
		doc, name := narrow, "read-logs"
		if planted {
			doc, name = everyAct, "everything"
		}
		must(im.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}))
		policyARN := aws.String("arn:aws:iam::" + a.id + ":policy/" + name)
		must(im.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("ops"), PolicyArn: policyARN}))
		if planted {
			must(im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ana")}))
			must(im.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("ana"), Password: aws.String("Correct-Horse-9")}))
			must(im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ana")}))
			must(im.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ana"), PolicyArn: arn("AWSSupportAccess")}))
			must(im.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")}))
			must(im.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: arn("AWSCloudShellFullAccess")}))
			must(im.UploadServerCertificate(ctx, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("old-www"),
				CertificateBody: aws.String(testCertificate), PrivateKey: aws.String(testPrivateKey)}))
			continue
		}
		must(im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("support"), AssumeRolePolicyDocument: aws.String(fmt.Sprintf(trust, a.id))}))
		must(im.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("support"), PolicyArn: arn("AWSSupportAccess")}))
		if a == k.good {
			// The twin: a policy allowing everything that nobody holds,
			// and a user with an access key and no console password.
			must(im.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("everything-unused"), PolicyDocument: aws.String(everyAct)}))
			must(im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ci")}))
			must(im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")}))
		}
	}

	// SCPs: one over the size limit on Workloads/Shared, a small one on
	// Workloads/Shop; five on Exceptions (six with FullAWSAccess), four
	// on Workloads/Prod (five).
	scp := func(name, content string, targets ...string) string {
		out, err := org.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String(name), Description: aws.String(name),
			Type: orgtypes.PolicyTypeServiceControlPolicy, Content: aws.String(content)})
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range targets {
			must(org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: out.Policy.PolicySummary.Id, TargetId: aws.String(ous[target])}))
		}
		return aws.ToString(out.Policy.PolicySummary.Id)
	}
	var actions []string
	for i := 0; len(strings.Join(actions, ",")) <= policy.MaxSCPSize; i++ {
		actions = append(actions, fmt.Sprintf(`"ec2:DeniedAction%04d"`, i))
	}
	k.bigSCP = scp("big", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":[`+strings.Join(actions, ",")+`],"Resource":"*"}]}`,
		"Workloads/Shared")
	scp("small", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:DeniedAction0000","Resource":"*"}]}`, "Workloads/Shop")
	for i := range 5 {
		targets := []string{"Exceptions"}
		if i < 4 {
			targets = append(targets, "Workloads/Prod")
		}
		scp(fmt.Sprintf("waiver-%d", i), fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:Waived%d","Resource":"*"}]}`, i),
			targets...)
	}
	return k
}

// A self-signed certificate and its key, for UploadServerCertificate
// (moto parses neither, but IAM wants both).
const (
	testCertificate = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJq3nEXAMPLE\n-----END CERTIFICATE-----"
	testPrivateKey  = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wEXAMPLE\n-----END PRIVATE KEY-----"
)
