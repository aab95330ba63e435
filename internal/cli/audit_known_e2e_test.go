package cli

// End-to-end test of the audit against an organization built by hand,
// without groundwork apply, with known misconfigurations: the audit must
// report exactly the findings they cause, plus those moto's model of an
// untouched account causes, each named below.

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// knownAccount is an account of the known estate with the generated IDs
// of the default network moto gives it in testenv.Region.
type knownAccount struct {
	id, name   string
	defaultNet vpcDefaults // of the default VPC
}

// vpcDefaults are the default network ACL and default security group of
// a VPC, which EC2 creates with the VPC.
type vpcDefaults struct{ vpc, nacl, sg string }

// knownEstate is what buildKnownEstate built: the IDs the expected
// findings name.
type knownEstate struct {
	org                                   string
	management                            knownAccount
	logArchive, securityTooling, payments knownAccount
	builtNet                              vpcDefaults // of the VPC the test created
	openSG, instance                      string
}

func (k knownEstate) accounts() []knownAccount {
	return []knownAccount{k.management, k.logArchive, k.securityTooling, k.payments}
}

// knownFinding is a finding as the test compares it: check and resource.
type knownFinding struct{ check, resource string }

func (f knownFinding) String() string { return f.check + " " + f.resource }

// TestAuditKnownMisconfigurations builds an organization by hand, without
// groundwork apply or a spec, with known misconfigurations, and checks
// that the audit reports exactly the findings they cause: no more, no
// fewer. The rest of the expected findings come from what every new
// account has until someone changes it (no password policy, a default
// VPC, no alternate contacts) and from what moto cannot model, each named
// where it is expected.
func TestAuditKnownMisconfigurations(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	k := buildKnownEstate(t)

	dir := t.TempDir()
	code, out, errOut := run(t, dir, "", "audit", "-o", "json", "-o", "audit.sarif", "--fail-on", "critical",
		"--regions", testenv.Region)
	var doc struct {
		Findings []struct {
			CheckID  string `json:"check_id"`
			Severity string `json:"severity"`
			Resource string `json:"resource"`
			Account  string `json:"account"`
			Region   string `json:"region"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("audit -o json: %v\nstdout:\n%.500s\nstderr:\n%s", err, out, errOut)
	}

	var want []knownFinding
	add := func(check, resource string) { want = append(want, knownFinding{check, resource}) }
	acct := func(a knownAccount) string { return "account/" + a.id + " (" + a.name + ")" }
	nacl := func(a knownAccount, n vpcDefaults) string {
		return "nacl/" + a.id + "/" + testenv.Region + "/" + n.nacl
	}
	vpc := func(a knownAccount, n vpcDefaults) string {
		return "vpc/" + a.id + "/" + testenv.Region + "/" + n.vpc
	}
	sg := func(a knownAccount, id, name string) string {
		return "sg/" + a.id + "/" + testenv.Region + "/" + id + " (" + name + ")"
	}
	// moto names the management account "master" (a name the operator
	// cannot choose here), and the posture findings name their account so.
	mgmt := func(kind, name string) string {
		return kind + "/" + name + " (" + k.management.name + " " + testenv.Region + ")"
	}
	for _, a := range k.accounts() {
		// Nobody set alternate contacts on any account.
		add("GW-ACC-001", acct(a))
		// Nobody gave a role AWSSupportAccess (CIS 1.17).
		add("GW-IAM-012", acct(a))
		// No password policy: built so in the management account, and no
		// new account has one.
		add("GW-HRD-001", acct(a))
		// Account-level Block Public Access turned off in the management
		// account; moto, like AWS, creates accounts without it.
		add("GW-HRD-003", acct(a))
		// EC2 gives every account a default VPC in every Region, as AWS does.
		add("GW-HRD-004", acct(a))
		// moto cannot model root MFA: nothing enables it, and its
		// credential report always says the root user has none.
		add("GW-HRD-007", acct(a))
		// The default VPC's default network ACL allows all inbound traffic
		// and its default security group all outbound traffic, as in AWS.
		add("GW-NET-003", nacl(a, a.defaultNet))
		add("GW-NET-004", sg(a, a.defaultNet.sg, "default"))
		// Nobody created a flow log for the default VPC.
		add("GW-NET-006", vpc(a, a.defaultNet))
		if a != k.management {
			// The only trail is the management account's own, not an
			// organization trail: the members are not covered.
			add("GW-TRL-001", acct(a))
		}
		// EBS encryption by default is off in a new account, in moto as
		// in AWS, and nobody turned it on.
		add("GW-DAT-001", acct(a))
		// Nobody enabled Security Hub or created an IAM Access Analyzer
		// analyzer (moto has no Access Analyzer: testenv's fake of it
		// holds none).
		add("GW-DET-001", acct(a))
		add("GW-DET-002", acct(a))
		// No trail records S3 object-level writes or reads (CIS v3.0.0
		// 3.8 and 3.9): the management account's trail has no data
		// event selectors, and the members have no trail at all.
		add("GW-LOG-008", acct(a))
		add("GW-LOG-009", acct(a))
		// Nobody set up AWS Config anywhere...
		add("GW-LOG-020", acct(a))
		// ...so no account has the baseline Config rules either.
		add("GW-LOG-050", acct(a))
	}
	// No organization trail, and no organization Config aggregator.
	add("GW-LOG-001", "organization/"+k.org)
	add("GW-LOG-030", "organization/"+k.org)
	// The trail's bucket, a log bucket: unversioned, with no policy
	// refusing plain HTTP, no server access logging (CIS v3.0.0 3.4), and
	// in the management account while an account is named log-archive.
	add("GW-LOG-012", "bucket/trail-logs")
	add("GW-LOG-013", "bucket/trail-logs")
	add("GW-LOG-014", "bucket/trail-logs")
	add("GW-LOG-016", "bucket/trail-logs")
	// moto creates a bucket without the Block Public Access settings and
	// default encryption AWS has given every new bucket since 2023.
	add("GW-LOG-010", "bucket/trail-logs")
	add("GW-LOG-011", "bucket/trail-logs")
	// The VPC built in the management account gets the same defaults,
	// and no flow log either.
	add("GW-NET-003", nacl(k.management, k.builtNet))
	add("GW-NET-004", sg(k.management, k.builtNet.sg, "default"))
	add("GW-NET-006", vpc(k.management, k.builtNet))
	// The bucket made public with a public-read ACL and no Block Public Access.
	add("GW-BKT-001", mgmt("s3-bucket", "public-www"))
	// The IAM user in the management account...
	add("GW-HRD-005", "iam-user/alice ("+k.management.name+")")
	// ...with a console password and no MFA...
	add("GW-IAM-001", "iam-user/alice ("+k.management.name+")")
	// ...and a managed policy attached to the user, not through a group.
	add("GW-IAM-005", "iam-user/alice ("+k.management.name+")")
	// Its access key is new and the only one: no GW-IAM-002, 003 or 004;
	// but it was never used, on a user with a console password (CIS 1.11).
	add("GW-IAM-015", "iam-user/alice ("+k.management.name+")")
	// The security group open to 0.0.0.0/0 on 22.
	add("GW-NET-001", sg(k.management, k.openSG, "ssh-from-anywhere"))
	// The trail without log file validation...
	add("GW-TRL-002", mgmt("trail", "unvalidated"))
	// ...and, as built, without a KMS key...
	add("GW-TRL-003", mgmt("trail", "unvalidated"))
	// ...nor delivery to CloudWatch Logs.
	add("GW-LOG-007", mgmt("trail", "unvalidated"))
	// ...and, as built, delivering to no CloudWatch Logs log group: no
	// metric filter watches for any of the patterns CIS v3.0.0 4.1 to
	// 4.15 names (GW-MON-011 and 012 check groundwork's own patterns,
	// judged only when the spec asks for them).
	for _, id := range []string{"GW-MON-010", "GW-MON-013", "GW-MON-014", "GW-MON-015", "GW-MON-016", "GW-MON-017",
		"GW-MON-018", "GW-MON-019", "GW-MON-020", "GW-MON-021", "GW-MON-022", "GW-MON-023", "GW-MON-024", "GW-MON-025",
		"GW-MON-026"} {
		add(id, mgmt("trail", "unvalidated"))
	}
	// No budget and no estimated-charges alarm in the management account,
	// and billing alerts off: AWS (and moto) publishes no EstimatedCharges
	// metric.
	add("GW-BIL-001", acct(k.management))
	add("GW-BIL-004", acct(k.management))
	add("GW-BIL-007", acct(k.management))
	// No EventBridge rule of the management account notifies root sign-ins.
	add("GW-MON-003", acct(k.management))
	// The EC2 instance in the management account...
	add("GW-WKL-001", mgmt("ec2-instance", k.instance))
	// ...launched with the metadata options' default, which answers
	// IMDSv1 (HttpTokens optional, in moto as for most AMIs in AWS), and
	// without an instance profile.
	add("GW-DAT-006", mgmt("ec2", k.instance))
	add("GW-DAT-007", mgmt("ec2", k.instance))
	// The workload account left directly under the root.
	add("GW-ORG-005", acct(k.payments))
	org := "organization/" + k.org
	// Only the Security and Workloads OUs were built: no Infrastructure,
	// Exceptions or Sandbox OU, and no stage OUs below Workloads.
	add("GW-ORG-021", org)
	add("GW-ORG-022", "ou/Root/Workloads")
	add("GW-ORG-023", org)
	add("GW-ORG-023", org)
	// The organization was created without enabling SCPs or tag policies.
	add("GW-ORG-010", org)
	add("GW-TAG-001", org)
	// No customer-managed SCP on either top-level OU (moto attaches
	// FullAWSAccess even with SCPs disabled)...
	add("GW-ORG-011", "ou/Root/Security")
	add("GW-ORG-011", "ou/Root/Workloads")
	// ...so none of the three baseline guardrails (root user, leaving the
	// organization, sharing outside it) is in effect...
	add("GW-ORG-013", org)
	add("GW-ORG-013", org)
	add("GW-ORG-013", org)
	// ...nor the protection of the /org-admin/ roles.
	add("GW-ORG-014", org)
	// No trusted access enabled for any service.
	add("GW-SVC-001", org)
	// No delegated administrator for access-analyzer, cloudtrail, config,
	// guardduty and securityhub...
	for range 5 {
		add("GW-SVC-002", org)
	}
	// ...nor for IAM Identity Center.
	add("GW-SVC-003", org)
	// moto gives the management account an Identity Center instance, in
	// which nobody made a permission set: no named user administers the
	// management account through it, and no group the Log Archive or
	// Security Tooling account.
	add("GW-IDC-003", acct(k.management))
	add("GW-IDC-009", acct(k.logArchive))
	add("GW-IDC-009", acct(k.securityTooling))

	var got []knownFinding
	critical := 0
	for _, f := range doc.Findings {
		got = append(got, knownFinding{f.CheckID, f.Resource})
		if f.Severity == "critical" {
			critical++
		}
	}
	expectFindings(t, "audit findings differ from the known misconfigurations", want, got)

	// The public bucket is the one critical finding: exit 3.
	if code != ExitFindings || critical != 1 {
		t.Errorf("--fail-on critical: exit %d with %d critical findings, want %d with 1 (the public bucket)\nstderr:\n%s",
			code, critical, ExitFindings, errOut)
	}

	// The SARIF report of the same run has one result per finding, for
	// the same check and resource.
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					// The first logical location is the resource, by
					// name; its fullyQualifiedName adds account and Region.
					LogicalLocations []struct {
						Name string `json:"name"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	readJSON(t, filepath.Join(dir, "audit.sarif"), &sarif)
	if len(sarif.Runs) != 1 {
		t.Fatalf("audit.sarif has %d runs, want 1", len(sarif.Runs))
	}
	var results []knownFinding
	for _, r := range sarif.Runs[0].Results {
		res := knownFinding{check: r.RuleID}
		if len(r.Locations) > 0 && len(r.Locations[0].LogicalLocations) > 0 {
			res.resource = r.Locations[0].LogicalLocations[0].Name
		}
		results = append(results, res)
	}
	if missing, extra := multisetDiff(got, results); len(missing)+len(extra) > 0 {
		t.Errorf("audit.sarif: %d results for %d JSON findings\nlacking:\n  %s\nextra:\n  %s", len(results), len(got),
			strings.Join(missing, "\n  "), strings.Join(extra, "\n  "))
	}

	// With the spec import writes for the same organization: the same
	// findings in every layer, a spec adding names and drift but never
	// switching a check off (drift is left out: import writes the
	// organization as it is, so there is none to see).
	spec, _ := mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--domain", "example.com",
		"--home-region", testenv.Region, "--regions", testenv.Region)
	if err := os.WriteFile(filepath.Join(dir, "foundation.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errOut = run(t, dir, "", "audit", "-o", "json", "--fail-on", "critical", "--allow-partial")
	var specd struct {
		Findings []struct {
			CheckID  string `json:"check_id"`
			Resource string `json:"resource"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &specd); err != nil {
		t.Fatalf("audit with the imported spec: %v\nstderr:\n%s", err, errOut)
	}
	var withSpec []knownFinding
	for _, f := range specd.Findings {
		if f.CheckID != "GW-DRF-001" {
			withSpec = append(withSpec, knownFinding{f.CheckID, f.Resource})
		}
	}
	expectSameFindings(t, "audit with the imported spec differs from the audit without one", got, withSpec)
}

// expectFindings fails the test when the findings got are not want,
// counting repeats: what says which audit, and the message lists what is
// missing and what is unexpected.
func expectFindings(t *testing.T, what string, want, got []knownFinding) {
	t.Helper()
	if missing, extra := multisetDiff(want, got); len(missing)+len(extra) > 0 {
		t.Errorf("%s\nmissing:\n  %s\nunexpected:\n  %s", what, strings.Join(missing, "\n  "), strings.Join(extra, "\n  "))
	}
}

// expectSameFindings fails the test when an audit with a spec found
// other findings than the one without: a spec adds names and drift but
// never switches a check off.
func expectSameFindings(t *testing.T, what string, without, with []knownFinding) {
	t.Helper()
	if missing, extra := multisetDiff(without, with); len(missing)+len(extra) > 0 {
		t.Errorf("%s\nonly without:\n  %s\nonly with:\n  %s", what, strings.Join(missing, "\n  "), strings.Join(extra, "\n  "))
	}
}

// multisetDiff returns, sorted, what want has that got lacks and what got
// has that want lacks, counting repeats.
func multisetDiff(want, got []knownFinding) (missing, extra []string) {
	count := map[knownFinding]int{}
	for _, f := range want {
		count[f]++
	}
	for _, f := range got {
		count[f]--
	}
	for f, n := range count {
		for ; n > 0; n-- {
			missing = append(missing, f.String())
		}
		for ; n < 0; n++ {
			extra = append(extra, f.String())
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	return missing, extra
}

// auditReport is what the tests of known misconfigurations read of
// audit -o json.
type auditReport struct {
	Completeness struct {
		Unread []struct{ Read, Account, Region, Code string }
	}
	Checks []struct {
		ID       string `json:"id"`
		Status   string `json:"status"`
		Unjudged string `json:"unjudged"`
	} `json:"checks"`
	Findings []struct {
		CheckID  string `json:"check_id"`
		Resource string `json:"resource"`
		Message  string `json:"message"`
	} `json:"findings"`
}

// auditJSON runs args, an audit with -o json, in dir and returns its
// report and stderr. An exit other than success, findings or an
// incomplete read, or a report that is not JSON, fails the test.
func auditJSON(t *testing.T, dir string, args ...string) (auditReport, string) {
	t.Helper()
	code, out, errOut := run(t, dir, "", args...)
	if code != ExitOK && code != ExitFindings && code != ExitIncomplete {
		t.Fatalf("%s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	var r auditReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%s: %v\n%.500s\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return r, errOut
}

// findingsOf returns the report's findings of the checks held holds.
func (r auditReport) findingsOf(held func(check string) bool) []knownFinding {
	var got []knownFinding
	for _, f := range r.Findings {
		if held(f.CheckID) {
			got = append(got, knownFinding{f.CheckID, f.Resource})
		}
	}
	return got
}

// notEvaluated returns the checks held holds that the report says were
// not evaluated.
func (r auditReport) notEvaluated(held func(check string) bool) []string {
	var ids []string
	for _, c := range r.Checks {
		if held(c.ID) && c.Status == "not_evaluated" {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// wantRead fails the test for each part the report says was not read
// (by inventory.Unread.Read) that needed holds.
func (r auditReport) wantRead(t *testing.T, needed func(read string) bool) {
	t.Helper()
	for _, u := range r.Completeness.Unread {
		if needed(u.Read) {
			t.Errorf("%s not read in %s %s: %s", u.Read, u.Account, u.Region, u.Code)
		}
	}
}

// buildKnownEstate creates, through the SDK as an operator would by hand,
// an organization with known misconfigurations.
func buildKnownEstate(t *testing.T) knownEstate {
	t.Helper()
	ctx := context.Background()
	s, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region, AccessRole: policy.DefaultAccessRole})
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.Config("", "", "")
	var k knownEstate
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// The organization: all features, Security and Workloads OUs, the two
	// foundation accounts in Security, a workload account left under the
	// root.
	org := organizations.NewFromConfig(cfg)
	o, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	k.org = aws.ToString(o.Organization.Id)
	mgmtID := aws.ToString(o.Organization.MasterAccountId)
	desc, err := org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(mgmtID)})
	if err != nil {
		t.Fatal(err)
	}
	k.management = knownAccount{id: mgmtID, name: aws.ToString(desc.Account.Name)}
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	root := aws.ToString(roots.Roots[0].Id)
	ou := func(name string) string {
		out, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(root), Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.OrganizationalUnit.Id)
	}
	security := ou("Security")
	ou("Workloads")
	account := func(name, parent string) knownAccount {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(out.CreateAccountStatus.AccountId)
		if parent != root {
			must(org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(id), SourceParentId: aws.String(root),
				DestinationParentId: aws.String(parent)}))
		}
		return knownAccount{id: id, name: name}
	}
	k.logArchive = account("log-archive", security)
	k.securityTooling = account("security-tooling", security)
	k.payments = account("payments-prod", root)

	// IAM in the management account: a console user without MFA, with an
	// access key and a managed policy attached to the user itself.
	im := iam.NewFromConfig(cfg)
	must(im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}))
	must(im.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-9")}))
	must(im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))
	must(im.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))

	// A public bucket: Block Public Access off for the account and the
	// bucket, and a public-read ACL.
	here := awsx.ConfigFor{Session: s}
	must(here.S3Control().PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(k.management.id),
		PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}}))
	sc := here.S3()
	must(sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("public-www")}))
	must(sc.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("public-www")}))
	must(sc.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("public-www"), ACL: s3types.BucketCannedACLPublicRead}))

	// A multi-Region trail, logging, without log file validation.
	must(sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("trail-logs")}))
	ct := cloudtrail.NewFromConfig(cfg)
	must(ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("unvalidated"), S3BucketName: aws.String("trail-logs"),
		IsMultiRegionTrail: aws.Bool(true)}))
	must(ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("unvalidated")}))

	// A VPC whose security group lets the world in on 22, and an
	// instance in it.
	ec := ec2.NewFromConfig(cfg)
	vpc, err := ec.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	k.builtNet = defaultsOf(t, ec, aws.ToString(vpc.Vpc.VpcId))
	subnet, err := ec.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.20.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	sg, err := ec.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("ssh-from-anywhere"),
		Description: aws.String("ssh from anywhere"), VpcId: vpc.Vpc.VpcId})
	if err != nil {
		t.Fatal(err)
	}
	k.openSG = aws.ToString(sg.GroupId)
	must(ec.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	images, err := ec.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if err != nil || len(images.Images) == 0 {
		t.Fatalf("no image to run: %v", err)
	}
	inst, err := ec.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: images.Images[0].ImageId, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceType: ec2types.InstanceTypeT3Micro, SubnetId: subnet.Subnet.SubnetId, SecurityGroupIds: []string{k.openSG}})
	if err != nil {
		t.Fatal(err)
	}
	k.instance = aws.ToString(inst.Instances[0].InstanceId)

	// The default VPC moto gives each account, read as the operator would,
	// through the access role in the members.
	for _, a := range []*knownAccount{&k.management, &k.logArchive, &k.securityTooling, &k.payments} {
		ec := ec2.NewFromConfig(s.Config(a.id, k.management.id, testenv.Region))
		vpcs, err := ec.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
		if err != nil || len(vpcs.Vpcs) != 1 {
			t.Fatalf("default VPC of %s: %v, %d found", a.name, err, len(vpcs.Vpcs))
		}
		a.defaultNet = defaultsOf(t, ec, aws.ToString(vpcs.Vpcs[0].VpcId))
	}
	return k
}

// defaultsOf reads the default network ACL and security group of a VPC.
func defaultsOf(t *testing.T, ec *ec2.Client, vpc string) vpcDefaults {
	t.Helper()
	ctx := context.Background()
	inVPC := ec2types.Filter{Name: aws.String("vpc-id"), Values: []string{vpc}}
	acls, err := ec.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{inVPC,
		{Name: aws.String("default"), Values: []string{"true"}}}})
	if err != nil || len(acls.NetworkAcls) != 1 {
		t.Fatalf("default network ACL of %s: %v", vpc, err)
	}
	sgs, err := ec.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{inVPC,
		{Name: aws.String("group-name"), Values: []string{"default"}}}})
	if err != nil || len(sgs.SecurityGroups) != 1 {
		t.Fatalf("default security group of %s: %v", vpc, err)
	}
	return vpcDefaults{vpc: vpc, nacl: aws.ToString(acls.NetworkAcls[0].NetworkAclId), sg: aws.ToString(sgs.SecurityGroups[0].GroupId)}
}
