package cli

// End-to-end test of the logging survey against an organization built by
// hand in moto, without groundwork apply, with known logging
// misconfigurations beside correctly configured twins: audited with and
// without a spec, the trail, log bucket and AWS Config findings are the
// same and name exactly the planted resources.
//
// What this test leaves to the unit tests: the buckets' Block Public Access,
// default encryption and access logging and the Log Archive account
// (GW-LOG-010, 011, 014, 016), which moto answers differently from AWS for
// a new bucket; and the S3 data events (GW-LOG-008, 009).

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// logOther is the second Region of the logging test.
const logOther = "eu-west-1"

// loggingChecks are the checks this test holds to exactly the planted
// findings.
var loggingChecks = []string{"GW-LOG-001", "GW-LOG-003", "GW-LOG-007", "GW-LOG-012", "GW-LOG-013", "GW-LOG-020", "GW-LOG-021",
	"GW-LOG-030", "GW-LOG-050", "GW-TRL-001", "GW-TRL-002", "GW-TRL-003"}

// baselineRules are the baseline Config rules' managed identifiers, and
// whether each judges global resources (then wanted in the home Region
// alone).
var baselineRules = map[string]bool{"ROOT_ACCOUNT_MFA_ENABLED": true, "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS": true,
	"IAM_USER_MFA_ENABLED": true, "CLOUD_TRAIL_ENABLED": true, "S3_BUCKET_PUBLIC_READ_PROHIBITED": false,
	"S3_BUCKET_PUBLIC_WRITE_PROHIBITED": false, "RESTRICTED_INCOMING_TRAFFIC": false}

// logEstate is what buildLoggingEstate built.
type logEstate struct {
	org              string
	mgmt, bare, twin knownAccount
}

func TestAuditKnownLoggingMisconfigurations(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	k := buildLoggingEstate(t)
	acct := func(a knownAccount) string { return "account/" + a.id + " (" + a.name + ")" }
	want := []knownFinding{
		// The organization trail is multi-Region and logging but delivers
		// to no CloudWatch Logs log group; the twin's trail does.
		{"GW-LOG-007", "trail/planted (" + k.mgmt.name + " " + testenv.Region + ")"},
		// Its bucket is unversioned and has no policy refusing plain HTTP;
		// the twin's and the Config bucket have both.
		{"GW-LOG-012", "bucket/planted-trail-logs"},
		{"GW-LOG-013", "bucket/planted-trail-logs"},
		// Config records everywhere but in the bare account's second Region.
		{"GW-LOG-020", acct(k.bare)},
		// The management account records global resources in both Regions;
		// the others in the home Region alone.
		{"GW-LOG-021", acct(k.mgmt)},
		// Nobody made an aggregator.
		{"GW-LOG-030", "organization/" + k.org},
		// The management account lacks a baseline rule in each Region: one
		// finding names both; the bare account has none where Config does
		// not record; the twin has them all.
		{"GW-LOG-050", acct(k.mgmt)},
		{"GW-LOG-050", acct(k.bare)},
	}

	// An independent look at one planted fact: the bare account has no
	// recorder in its second Region.
	var recs struct{ ConfigurationRecorders []any }
	if err := json.Unmarshal(m.AWSAs(t, k.bare.id, "configservice", "describe-configuration-recorders", "--region", logOther), &recs); err != nil ||
		len(recs.ConfigurationRecorders) != 0 {
		t.Fatalf("aws configservice describe-configuration-recorders in %s of %s: %+v, %v; want none", logOther, k.bare.name, recs, err)
	}

	noSpec := t.TempDir()
	withSpec := t.TempDir()
	mustRun(t, withSpec, ExitOK, "init", "--org-id", "primary", "--domain", "example.com", "--home-region", testenv.Region,
		"--regions", testenv.Region+","+logOther, "--phone", "+1-555-0100")
	// The starter without its logging section: the spec of an
	// organization that set up its logging by hand.
	editSpec(t, withSpec, func(spec string) string { return withoutABAC(t, withoutLogging(t, spec)) })
	without := loggingFindings(t, noSpec, "--regions", testenv.Region+","+logOther)
	const mgmtRules = "baseline Config rules missing in eu-west-1 (RESTRICTED_INCOMING_TRAFFIC), us-east-1 (CLOUD_TRAIL_ENABLED)"
	if got := loggingMessage(t, noSpec, "GW-LOG-050", acct(k.mgmt), "--regions", testenv.Region+","+logOther); got != mgmtRules {
		t.Errorf("GW-LOG-050 on the management account: %q, want %q", got, mgmtRules)
	}
	expectFindings(t, "without a spec: findings differ from the planted misconfigurations", want, without)
	with := loggingFindings(t, withSpec)
	expectSameFindings(t, "with a spec the findings differ from those without", without, with)
}

// loggingFindings audits the organization from dir and returns the
// findings of loggingChecks; none of those may be left not evaluated.
func loggingFindings(t *testing.T, dir string, args ...string) []knownFinding {
	t.Helper()
	r, errOut := auditJSON(t, dir, append([]string{"audit", "-o", "json", "--fail-on", "critical", "--allow-partial"}, args...)...)
	held := func(check string) bool { return slices.Contains(loggingChecks, check) }
	for _, id := range r.notEvaluated(held) {
		t.Errorf("%s not evaluated\n%s", id, errOut)
	}
	return r.findingsOf(held)
}

// loggingMessage audits from dir and returns the message of the one
// finding of check on resource.
func loggingMessage(t *testing.T, dir, check, resource string, args ...string) string {
	t.Helper()
	r, _ := auditJSON(t, dir, append([]string{"audit", "-o", "json", "--fail-on", "critical", "--allow-partial"}, args...)...)
	var msgs []string
	for _, f := range r.Findings {
		if f.CheckID == check && f.Resource == resource {
			msgs = append(msgs, f.Message)
		}
	}
	if len(msgs) != 1 {
		t.Fatalf("%s on %s: %q, want one finding", check, resource, msgs)
	}
	return msgs[0]
}

// buildLoggingEstate creates, through the SDK as an operator would by
// hand, an organization of three accounts in two Regions: the management
// account homes the planted organization trail; the twin account a trail
// of its own kept as the benchmark asks; Config records in every account
// and Region but the bare account's second one, global resources in the
// home Region alone but in the management account, and with every
// baseline rule where it records but two of the management account's.
func buildLoggingEstate(t *testing.T) logEstate {
	t.Helper()
	ctx := context.Background()
	must := monMust(t)
	s, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region, AccessRole: policy.DefaultAccessRole})
	if err != nil {
		t.Fatal(err)
	}
	org := organizations.NewFromConfig(s.Config("", "", ""))
	o, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	var k logEstate
	k.org = aws.ToString(o.Organization.Id)
	k.mgmt.id = aws.ToString(o.Organization.MasterAccountId)
	desc, err := org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(k.mgmt.id)})
	if err != nil {
		t.Fatal(err)
	}
	k.mgmt.name = aws.ToString(desc.Account.Name)
	member := func(name string) knownAccount {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		return knownAccount{id: aws.ToString(out.CreateAccountStatus.AccountId), name: name}
	}
	k.bare, k.twin = member("workload-bare"), member("workload-twin")
	at := func(a knownAccount, region string) awsx.ConfigFor {
		c := awsx.ConfigFor{Session: s, Region: region}
		if a != k.mgmt {
			c.Account, c.Management = a.id, k.mgmt.id
		}
		return c
	}

	// bucket makes a log bucket in a's home Region, kept as the benchmark
	// asks (versioned, refusing plain HTTP) unless planted.
	bucket := func(a knownAccount, name string, planted bool) {
		s3c := at(a, testenv.Region).S3()
		must(s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}))
		if planted {
			return
		}
		must(s3c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}))
		must(s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*",` +
				`"Resource":["arn:aws:s3:::` + name + `","arn:aws:s3:::` + name + `/*"],` +
				`"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)}))
	}

	// The planted organization trail: multi-Region, validated, encrypted,
	// logging, but to no CloudWatch Logs log group.
	bucket(k.mgmt, "planted-trail-logs", true)
	key, err := at(k.mgmt, testenv.Region).KMS().CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	ct := at(k.mgmt, testenv.Region).CloudTrail()
	must(ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("planted"), S3BucketName: aws.String("planted-trail-logs"),
		IsMultiRegionTrail: aws.Bool(true), IsOrganizationTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true),
		IncludeGlobalServiceEvents: aws.Bool(true), KmsKeyId: key.KeyMetadata.Arn}))
	must(ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("planted")}))

	// The twin: a trail of the twin account's own, kept as the benchmark
	// asks, delivering to a log group.
	bucket(k.twin, "twin-trail-logs", false)
	twinKey, err := at(k.twin, testenv.Region).KMS().CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	tw := at(k.twin, testenv.Region)
	role, err := tw.IAM().CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("trail-to-logs"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	lc := tw.Logs()
	must(lc.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("twin-trail-events")}))
	groups, err := lc.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("twin-trail-events")})
	if err != nil || len(groups.LogGroups) != 1 {
		t.Fatalf("log group: %v", err)
	}
	tct := tw.CloudTrail()
	must(tct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("twin"), S3BucketName: aws.String("twin-trail-logs"),
		IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true),
		KmsKeyId: twinKey.KeyMetadata.Arn, CloudWatchLogsLogGroupArn: groups.LogGroups[0].Arn, CloudWatchLogsRoleArn: role.Role.Arn}))
	must(tct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("twin")}))

	// AWS Config: a recorder with a delivery channel to a kept bucket,
	// recording, in every account and Region but the bare account's
	// second; global resources in the home Region, and in the management
	// account in both.
	bucket(k.mgmt, "config-logs", false)
	for _, a := range []knownAccount{k.mgmt, k.bare, k.twin} {
		for _, region := range []string{testenv.Region, logOther} {
			if a == k.bare && region == logOther {
				continue
			}
			cs := at(a, region).ConfigService()
			global := region == testenv.Region || a == k.mgmt
			must(cs.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{ConfigurationRecorder: &cfgtypes.ConfigurationRecorder{
				Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::" + a.id + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"),
				RecordingGroup: &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: global}}}))
			must(cs.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: &cfgtypes.DeliveryChannel{
				Name: aws.String("default"), S3BucketName: aws.String("config-logs")}}))
			must(cs.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}))
			for id, global := range baselineRules {
				if global && region != testenv.Region || a == k.mgmt && (region == testenv.Region && id == "CLOUD_TRAIL_ENABLED" ||
					region == logOther && id == "RESTRICTED_INCOMING_TRAFFIC") {
					continue
				}
				must(cs.PutConfigRule(ctx, &configservice.PutConfigRuleInput{ConfigRule: &cfgtypes.ConfigRule{
					ConfigRuleName: aws.String(strings.ToLower(strings.ReplaceAll(id, "_", "-"))),
					Source:         &cfgtypes.Source{Owner: cfgtypes.OwnerAws, SourceIdentifier: aws.String(id)}}}))
			}
		}
	}
	return k
}
