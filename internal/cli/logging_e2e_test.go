package cli

// End-to-end tests of the logging layer against moto: the organization
// trail, the Log Archive buckets, the keys in Security Tooling, and AWS
// Config in every account and Region, each checked with the AWS CLI in
// the account that holds it.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// withLogging adds the logging layer, all defaults, to the foundation.
func withLogging(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, "foundation.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "\nlogging:") {
		src = append(src, []byte("\nlogging: {}\n")...)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoggingLayerIsBuiltAndSeenByTheAWSCLI(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withLogging(t, dir)
	out, errOut := mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats")
	if !strings.Contains(out, " 0 failed") {
		t.Fatalf("apply:\n%s\n%s", out, errOut)
	}
	accounts := listAccounts(t, m)
	la := accounts["aws-log-archive-primary@example.com"].Id
	st := accounts["aws-security-tooling-primary@example.com"].Id
	dev := accounts["aws-payments-dev-primary@example.com"].Id

	var trails struct {
		TrailList []struct {
			Name, S3BucketName, KmsKeyId, CloudWatchLogsLogGroupArn                                       string
			IsOrganizationTrail, IsMultiRegionTrail, LogFileValidationEnabled, IncludeGlobalServiceEvents bool
		}
	}
	json.Unmarshal(m.AWS(t, "cloudtrail", "describe-trails"), &trails)
	if len(trails.TrailList) != 1 {
		t.Fatalf("trails: %+v", trails)
	}
	tr := trails.TrailList[0]
	if tr.Name != "groundwork-org-trail" || !tr.IsOrganizationTrail || !tr.IsMultiRegionTrail || !tr.LogFileValidationEnabled ||
		!tr.IncludeGlobalServiceEvents || tr.S3BucketName != "aws-logs-cloudtrail-"+la+"-us-east-1" ||
		!strings.Contains(tr.KmsKeyId, ":"+st+":key/") || !strings.Contains(tr.CloudWatchLogsLogGroupArn, "/groundwork/cloudtrail") {
		t.Errorf("trail: %+v", tr)
	}
	var status struct{ IsLogging bool }
	json.Unmarshal(m.AWS(t, "cloudtrail", "get-trail-status", "--name", "groundwork-org-trail"), &status)
	if !status.IsLogging {
		t.Errorf("the organization trail is not logging")
	}

	// The buckets, as the Log Archive account sees them.
	bucket := "aws-logs-cloudtrail-" + la + "-us-east-1"
	var versioning struct{ Status string }
	json.Unmarshal(m.AWSAs(t, la, "s3api", "get-bucket-versioning", "--bucket", bucket), &versioning)
	if versioning.Status != "Enabled" {
		t.Errorf("%s versioning = %q", bucket, versioning.Status)
	}
	var policy struct{ Policy string }
	json.Unmarshal(m.AWSAs(t, la, "s3api", "get-bucket-policy", "--bucket", bucket), &policy)
	for _, want := range []string{"cloudtrail.amazonaws.com", "bucket-owner-full-control", "aws:SecureTransport"} {
		if !strings.Contains(policy.Policy, want) {
			t.Errorf("bucket policy lacks %s: %s", want, policy.Policy)
		}
	}
	var enc struct {
		ServerSideEncryptionConfiguration struct {
			Rules []struct {
				ApplyServerSideEncryptionByDefault struct{ SSEAlgorithm, KMSMasterKeyID string }
			}
		}
	}
	json.Unmarshal(m.AWSAs(t, la, "s3api", "get-bucket-encryption", "--bucket", bucket), &enc)
	if r := enc.ServerSideEncryptionConfiguration.Rules; len(r) != 1 || r[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != "aws:kms" {
		t.Errorf("bucket encryption: %+v", enc)
	}

	// The keys, as Security Tooling sees them.
	var aliases struct {
		Aliases []struct{ AliasName, TargetKeyId string }
	}
	json.Unmarshal(m.AWSAs(t, st, "kms", "list-aliases"), &aliases)
	found := 0
	for _, a := range aliases.Aliases {
		if a.AliasName == "alias/groundwork-cloudtrail" || a.AliasName == "alias/groundwork-config" {
			found++
			var rot struct{ KeyRotationEnabled bool }
			json.Unmarshal(m.AWSAs(t, st, "kms", "get-key-rotation-status", "--key-id", a.TargetKeyId), &rot)
			if !rot.KeyRotationEnabled {
				t.Errorf("%s rotation off", a.AliasName)
			}
		}
	}
	if found != 2 {
		t.Errorf("Security Tooling has %d groundwork keys, want 2: %+v", found, aliases)
	}

	// Config in a workload account, in each operational Region.
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		var recs struct {
			ConfigurationRecorders []struct {
				Name           string
				RecordingGroup struct{ AllSupported, IncludeGlobalResourceTypes bool }
			}
		}
		json.Unmarshal(m.AWSAs(t, dev, "configservice", "describe-configuration-recorders", "--region", region), &recs)
		if len(recs.ConfigurationRecorders) != 1 || !recs.ConfigurationRecorders[0].RecordingGroup.AllSupported ||
			recs.ConfigurationRecorders[0].RecordingGroup.IncludeGlobalResourceTypes != (region == "us-east-1") {
			t.Errorf("recorders of payments-dev in %s: %+v", region, recs)
		}
		var st struct{ ConfigurationRecordersStatus []struct{ Recording bool } }
		json.Unmarshal(m.AWSAs(t, dev, "configservice", "describe-configuration-recorder-status", "--region", region), &st)
		if len(st.ConfigurationRecordersStatus) != 1 || !st.ConfigurationRecordersStatus[0].Recording {
			t.Errorf("recorder status of payments-dev in %s: %+v", region, st)
		}
		var rules struct {
			ConfigRules []struct{ ConfigRuleName string }
		}
		json.Unmarshal(m.AWSAs(t, dev, "configservice", "describe-config-rules", "--region", region), &rules)
		want := 3 // S3 read, S3 write, restricted incoming traffic
		if region == "us-east-1" {
			want = 7 // and the IAM and CloudTrail rules, which run in the home Region only
		}
		if len(rules.ConfigRules) != want {
			t.Errorf("payments-dev has %d Config rules in %s, want %d: %+v", len(rules.ConfigRules), region, want, rules)
		}
	}
	var aggs struct {
		ConfigurationAggregators []struct{ ConfigurationAggregatorName string }
	}
	json.Unmarshal(m.AWSAs(t, st, "configservice", "describe-configuration-aggregators"), &aggs)
	if len(aggs.ConfigurationAggregators) != 1 {
		t.Errorf("aggregators in Security Tooling: %+v", aggs)
	}

	out, _ = mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	if !strings.Contains(out, "No changes.") {
		t.Errorf("re-plan:\n%s", out)
	}
	// The audit of the logging layer just built finds nothing in it but
	// what groundwork leaves to the operator: server access logging on the
	// trail's bucket, and S3 data events (noDataEvents).
	if got, want := auditFindings(t, dir), wantFindings(unhardened, unwatched, unbilled, unalerted, unaccessed); got != want {
		t.Errorf("audit after building the logging layer = %s, want %s", got, want)
	}
	_, errOut = mustRun(t, dir, ExitOK, "apply", "--auto-approve", "--stats")
	if !strings.Contains(errOut, " 0 writes)") {
		t.Errorf("second apply wrote:\n%s", errOut)
	}
}

func TestLoggingDriftIsPlannedAndAudited(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	dir := newFoundation(t)
	withLogging(t, dir)
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	la := listAccounts(t, m)["aws-log-archive-primary@example.com"].Id
	bucket := "aws-logs-cloudtrail-" + la + "-us-east-1"

	// By hand: stop the trail, and replace the bucket policy with one
	// that allows plain HTTP.
	m.AWS(t, "cloudtrail", "stop-logging", "--name", "groundwork-org-trail")
	m.AWSAs(t, la, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
		`{"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::`+bucket+`"}]}`)

	out, _ := mustRun(t, dir, ExitChanges, "plan", "--detailed-exitcode")
	for _, want := range []string{"~ trail management/us-east-1/groundwork-org-trail", "~ bucket " + bucket, `"aws:SecureTransport"`} {
		if !strings.Contains(out, want) {
			t.Errorf("drift plan lacks %q:\n%s", want, out)
		}
	}
	// The stopped trail leaves every account without a multi-Region trail
	// that is logging (GW-TRL-001, which judges whether a trail is logging
	// since GW-LOG-006 retired); the bucket refuses no plain HTTP.
	ids := auditFindings(t, dir)
	for _, want := range []string{"GW-TRL-001", "GW-LOG-013"} {
		if !strings.Contains(ids, want) {
			t.Errorf("audit of the drift lacks %s: %s", want, ids)
		}
	}
	mustRun(t, dir, ExitOK, "apply", "--auto-approve")
	mustRun(t, dir, ExitOK, "plan", "--detailed-exitcode")
	var status struct{ IsLogging bool }
	json.Unmarshal(m.AWS(t, "cloudtrail", "get-trail-status", "--name", "groundwork-org-trail"), &status)
	if !status.IsLogging {
		t.Errorf("apply did not restart the trail")
	}
}
