package cli

// End-to-end test of the datastores and detection layers against an
// organization built by hand in moto, without groundwork apply: one
// member account holds a planted misconfiguration of each kind (CIS AWS
// Foundations Benchmark v3.0.0 1.18, 1.20, 2.2.1, 2.3.1 to 2.3.3, 2.4.1,
// 4.16 and 5.6), its twin and the management account hold the same
// resources kept as the benchmark asks. The audit, with and without a
// spec, must report exactly the planted ones.
//
// moto has no IAM Access Analyzer: testenv's fake of it stands in
// (internal/testenv/accessanalyzer.go), keeping analyzers by account and
// Region as CreateAnalyzer made them.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// The two Regions the organization operates in: the planted account lacks
// Security Hub and an analyzer in cisOther.
const cisOther = "eu-west-1"

// cisEstate is what buildCISEstate built: the IDs the findings name.
type cisEstate struct {
	mgmt, bad, good     knownAccount
	badDB, badFS, badVM string
}

func TestAuditKnownCISMisconfigurations(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	k := buildCISEstate(t)

	acct := func(a knownAccount) string { return "account/" + a.id + " (" + a.name + ")" }
	placed := func(kind, id string) string { return kind + "/" + id + " (" + k.bad.name + " " + testenv.Region + ")" }
	want := []knownFinding{
		// EBS encryption by default left off (as moto and AWS start) in
		// both Regions of the planted account; on in the others.
		{"GW-DAT-001", acct(k.bad)},
		// The DB instance made unencrypted, public and without minor
		// upgrades.
		{"GW-DAT-002", placed("rds", k.badDB)},
		{"GW-DAT-003", placed("rds", k.badDB)},
		{"GW-DAT-004", placed("rds", k.badDB)},
		// The file system made without encryption.
		{"GW-DAT-005", placed("efs", k.badFS)},
		// The instance launched answering IMDSv1, without a profile.
		{"GW-DAT-006", placed("ec2", k.badVM)},
		{"GW-DAT-007", placed("ec2", k.badVM)},
		// Security Hub enabled in us-east-1 only, an analyzer in
		// us-east-1 only.
		{"GW-DET-001", acct(k.bad)},
		{"GW-DET-002", acct(k.bad)},
	}

	dir := t.TempDir()
	regions := testenv.Region + "," + cisOther
	// Without a spec: the audit judges the organization as it is.
	withoutSpec := cisFindings(t, dir, "audit", "-o", "json", "--fail-on", "critical", "--regions", regions)
	expectFindings(t, "audit without a spec: findings differ from the planted misconfigurations", want, withoutSpec)

	// With the spec import writes for the same organization: the same
	// findings, a spec never switching a check off.
	spec, _ := mustRun(t, dir, ExitOK, "import", "--org-id", "primary", "--domain", "example.com",
		"--home-region", testenv.Region, "--regions", regions)
	if err := os.WriteFile(filepath.Join(dir, "foundation.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	withSpec := cisFindings(t, dir, "audit", "-o", "json", "--fail-on", "critical")
	expectSameFindings(t, "audit with a spec differs from the audit without one", withoutSpec, withSpec)
}

// cisFindings runs an audit and returns its findings of the datastores and
// detection checks, which must have read everything. (Other layers may not
// have: moto lacks the Cost and Usage Report API the billing layer reads.)
func cisFindings(t *testing.T, dir string, args ...string) []knownFinding {
	t.Helper()
	r, _ := auditJSON(t, dir, args...)
	mine := func(name string) bool {
		return strings.HasPrefix(name, "datastores") || strings.HasPrefix(name, "detection")
	}
	r.wantRead(t, mine)
	return r.findingsOf(func(check string) bool {
		return strings.HasPrefix(check, "GW-DAT-") || strings.HasPrefix(check, "GW-DET-")
	})
}

// buildCISEstate creates the organization through the SDK, as an operator
// would by hand: the management account and the twin kept as CIS asks,
// the planted account not.
func buildCISEstate(t *testing.T) cisEstate {
	t.Helper()
	ctx := context.Background()
	s, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region, AccessRole: policy.DefaultAccessRole})
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var k cisEstate
	org := organizations.NewFromConfig(s.Config("", "", ""))
	o, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	k.mgmt = knownAccount{id: aws.ToString(o.Organization.MasterAccountId)}
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	root := roots.Roots[0].Id
	ou, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: root, Name: aws.String("Workloads")})
	if err != nil {
		t.Fatal(err)
	}
	member := func(name string) knownAccount {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name),
			Email: aws.String("aws-" + name + "@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		id := out.CreateAccountStatus.AccountId
		must(org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: id, SourceParentId: root,
			DestinationParentId: ou.OrganizationalUnit.Id}))
		return knownAccount{id: aws.ToString(id), name: name}
	}
	k.bad, k.good = member("payments-prod"), member("payments-dev")

	for _, a := range []knownAccount{k.mgmt, k.good, k.bad} {
		planted := a == k.bad
		at := func(region string) aws.Config { return s.Config(a.id, k.mgmt.id, region) }
		for _, region := range []string{testenv.Region, cisOther} {
			if !planted {
				must(ec2.NewFromConfig(at(region)).EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{}))
			}
			if !planted || region == testenv.Region {
				must(securityhub.NewFromConfig(at(region)).EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{}))
				must(accessanalyzer.NewFromConfig(at(region)).CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{
					AnalyzerName: aws.String("account"), Type: aatypes.TypeAccount}))
			}
		}

		// In the home Region, a DB instance, a file system and an
		// instance: kept as CIS asks but in the planted account.
		cfg := at(testenv.Region)
		db := "orders-" + a.name
		if a == k.mgmt {
			db = "orders-management"
		}
		must(rds.NewFromConfig(cfg).CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
			DBInstanceIdentifier: aws.String(db), DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("postgres"),
			AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Correct-Horse-9"),
			StorageEncrypted: aws.Bool(!planted), PubliclyAccessible: aws.Bool(planted), AutoMinorVersionUpgrade: aws.Bool(!planted),
		}))
		fs, err := efs.NewFromConfig(cfg).CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("shared-" + a.id),
			Encrypted: aws.Bool(!planted)})
		if err != nil {
			t.Fatal(err)
		}
		ec := ec2.NewFromConfig(cfg)
		images, err := ec.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
		if err != nil || len(images.Images) == 0 {
			t.Fatalf("no image to run: %v", err)
		}
		run := &ec2.RunInstancesInput{ImageId: images.Images[0].ImageId, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			InstanceType: ec2types.InstanceTypeT3Micro}
		if !planted {
			im := iam.NewFromConfig(cfg)
			must(im.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("app")}))
			run.IamInstanceProfile = &ec2types.IamInstanceProfileSpecification{Name: aws.String("app")}
			run.MetadataOptions = &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired}
		}
		inst, err := ec.RunInstances(ctx, run)
		if err != nil {
			t.Fatal(err)
		}
		if planted {
			k.badDB, k.badFS, k.badVM = db, aws.ToString(fs.FileSystemId), aws.ToString(inst.Instances[0].InstanceId)
		}
	}
	return k
}
