package awssim

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The foundation's logging, generated as groundwork's apply leaves it:
// the organization trail in the management account's home Region, into
// a bucket of the Log Archive account, encrypted with a key of Security
// Tooling, delivered to a log group; AWS Config in every account and
// operational Region (a recorder, its delivery channel to the Log
// Archive's Config bucket, the baseline rules); the aggregator in
// Security Tooling.
const (
	trailName     = "groundwork-org-trail"
	trailLogGroup = "/groundwork/cloudtrail"
	recorderName  = "default"
	configRole    = "groundwork-config-recorder"
)

// baselineRules are the starter foundation's Config rules: name, source
// identifier, and whether they evaluate global resources (recorded in
// the home Region only).
var baselineRules = [][3]string{
	{"root-account-mfa-enabled", "ROOT_ACCOUNT_MFA_ENABLED", "global"},
	{"mfa-enabled-for-iam-console-access", "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", "global"},
	{"iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED", "global"},
	{"cloudtrail-enabled", "CLOUD_TRAIL_ENABLED", "global"},
	{"s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", ""},
	{"s3-bucket-public-write-prohibited", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", ""},
	{"restricted-incoming-traffic", "RESTRICTED_INCOMING_TRAFFIC", ""},
}

func logArchiveID() string      { return MemberID(LogArchive) }
func securityToolingID() string { return MemberID(SecurityTooling) }

func trailBucket(home string) string  { return "aws-logs-cloudtrail-" + logArchiveID() + "-" + home }
func configBucket(home string) string { return "aws-logs-config-" + logArchiveID() + "-" + home }

// keyID is the ID of the nth generated key of an account in a Region.
func keyID(account, region string, n int) string {
	return fmt.Sprintf("%08d-%04d-4000-8000-%012s", n, len(region), account)
}

func keyARN(account, region string, n int) string {
	return "arn:aws:kms:" + region + ":" + account + ":key/" + keyID(account, region, n)
}

// logBuckets are the Log Archive's buckets of the trail and Config.
func logBuckets(a *account) []*bucket {
	home := a.home()
	var out []*bucket
	for i, name := range []string{trailBucket(home), configBucket(home)} {
		b := newBucket(name, a.id, home)
		service := []string{"cloudtrail.amazonaws.com", "config.amazonaws.com"}[i]
		b.policy = `{"Version":"2012-10-17","Statement":[` + fmt.Sprintf(denyInsecure, name) +
			`,{"Sid":"AllowDelivery","Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::` + name + `/*"}]}`
		b.config["versioning"] = `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`
		b.config["encryption"] = `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>` +
			`<KMSMasterKeyID>` + keyARN(securityToolingID(), home, i+1) + `</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>` +
			`<BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`
		b.config["lifecycle"] = `<LifecycleConfiguration><Rule><ID>groundwork-log-retention</ID><Status>Enabled</Status><Filter></Filter>` +
			`<Expiration><Days>365</Days></Expiration></Rule></LifecycleConfiguration>`
		out = append(out, b)
	}
	return out
}

func init() {
	generate("cloudtrail", func(a *account, region string) map[string]any {
		out := map[string]any{}
		if !a.baselined() || !a.management() || region != a.home() {
			return out
		}
		out[trailName] = map[string]any{"Name": trailName, "S3BucketName": trailBucket(region), "IncludeGlobalServiceEvents": true,
			"IsMultiRegionTrail": true, "HomeRegion": region, "TrailARN": "arn:aws:cloudtrail:" + region + ":" + a.id + ":trail/" + trailName,
			"LogFileValidationEnabled": true, "IsOrganizationTrail": true, "HasCustomEventSelectors": false, "HasInsightSelectors": false,
			"KmsKeyId":                  keyARN(securityToolingID(), region, 1),
			"CloudWatchLogsLogGroupArn": "arn:aws:logs:" + region + ":" + a.id + ":log-group:" + trailLogGroup + ":*",
			"CloudWatchLogsRoleArn":     "arn:aws:iam::" + a.id + ":role/groundwork-cloudtrail-logs",
			"sim:logging":               true}
		return out
	})
	serve("cloudtrail", map[string]handler{
		"DescribeTrails":      (*Server).describeTrails,
		"GetTrailStatus":      (*Server).getTrailStatus,
		"GetEventSelectors":   jsonRead(withTrail(eventSelectors)),
		"CreateTrail":         jsonWrite(createTrail),
		"UpdateTrail":         jsonWrite(withTrail(updateTrail)),
		"StartLogging":        jsonWrite(withTrail(func(t map[string]any, _ *call) any { t["sim:logging"] = true; return map[string]any{} })),
		"PutEventSelectors":   jsonWrite(withTrail(putEventSelectors)),
		"GetInsightSelectors": jsonRead(withTrail(func(map[string]any, *call) any { return map[string]any{} })),
	})
}

// trailsOf copies an account's trails in every Region, homed where they
// were made.
func (s *Server) trailsOf(id string) []map[string]any {
	a := s.acct(id)
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []map[string]any
	for _, region := range a.org.Regions {
		for _, t := range a.coll(region, "cloudtrail") {
			out = append(out, maps.Clone(t.(map[string]any)))
		}
	}
	return out
}

// describeTrails answers the trails homed in the Region, and with shadow
// trails those of other Regions that apply to it: the account's
// multi-Region trails and the organization's trails.
func (s *Server) describeTrails(w http.ResponseWriter, c *call) {
	shadows := true
	if v, ok := c.in["includeShadowTrails"].(bool); ok {
		shadows = v
	}
	names := c.strs("trailNameList")
	candidates := s.trailsOf(c.account)
	if c.account != Management {
		for _, t := range s.trailsOf(Management) {
			if t["IsOrganizationTrail"] == true {
				candidates = append(candidates, t)
			}
		}
	}
	out := []any{}
	for _, t := range candidates {
		homed := t["HomeRegion"] == c.region && strings.Contains(t["TrailARN"].(string), ":"+c.account+":")
		shadow := t["IsMultiRegionTrail"] == true || t["IsOrganizationTrail"] == true && !homed
		if !homed && !(shadows && shadow) {
			continue
		}
		if len(names) > 0 && !slices.Contains(names, t["Name"].(string)) && !slices.Contains(names, t["TrailARN"].(string)) {
			continue
		}
		out = append(out, visible(t))
	}
	writeJSON(w, map[string]any{"trailList": out})
}

// findTrail finds a trail by name or ARN: the caller's, or the
// organization's.
func (s *Server) findTrail(c *call, name string) (owner string, t map[string]any) {
	for _, id := range []string{c.account, Management} {
		for _, t := range s.trailsOf(id) {
			if t["Name"] == name || t["TrailARN"] == name {
				if id == c.account || t["IsOrganizationTrail"] == true {
					return id, t
				}
			}
		}
	}
	return "", nil
}

func (s *Server) getTrailStatus(w http.ResponseWriter, c *call) {
	owner, t := s.findTrail(c, c.str("Name"))
	if t == nil {
		notFound(w, c, "TrailNotFoundException", "Unknown trail: "+c.str("Name"))
		return
	}
	a := s.acct(owner)
	a.mu.Lock()
	logging := t["sim:logging"] == true
	a.mu.Unlock()
	out := map[string]any{"IsLogging": logging}
	if logging {
		out["LatestDeliveryTime"] = float64(time.Now().Add(-5 * time.Minute).Unix())
	}
	writeJSON(w, out)
}

// withTrail serves an operation on one of the caller's trails, named by
// Name or TrailName.
func withTrail(f func(t map[string]any, c *call) any) jsonOp {
	return func(a *account, c *call) (any, string) {
		name := c.str("Name")
		if name == "" {
			name = c.str("TrailName")
		}
		for _, region := range a.org.Regions {
			for _, v := range a.coll(region, "cloudtrail") {
				t := v.(map[string]any)
				if t["Name"] == name || t["TrailARN"] == name {
					return f(t, c), ""
				}
			}
		}
		return "Unknown trail: " + name, "TrailNotFoundException"
	}
}

func eventSelectors(t map[string]any, _ *call) any {
	out := map[string]any{"TrailARN": t["TrailARN"]}
	if sel, ok := t["sim:selectors"]; ok {
		out["AdvancedEventSelectors"] = sel
	} else {
		out["EventSelectors"] = []any{map[string]any{"ReadWriteType": "All", "IncludeManagementEvents": true}}
	}
	return out
}

func putEventSelectors(t map[string]any, c *call) any {
	if sel, ok := c.in["AdvancedEventSelectors"]; ok {
		t["sim:selectors"] = sel
		t["HasCustomEventSelectors"] = true
	}
	return eventSelectors(t, c)
}

// trailFields are the fields CreateTrail and UpdateTrail take as
// DescribeTrails answers them.
var trailFields = []string{"S3BucketName", "S3KeyPrefix", "SnsTopicName", "IncludeGlobalServiceEvents", "IsMultiRegionTrail",
	"EnableLogFileValidation", "CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn", "KmsKeyId", "IsOrganizationTrail"}

func setTrail(t map[string]any, c *call) {
	for _, f := range trailFields {
		v, ok := c.in[f]
		if !ok {
			continue
		}
		if f == "EnableLogFileValidation" {
			f = "LogFileValidationEnabled"
		}
		if f == "KmsKeyId" {
			if s, _ := v.(string); s != "" && !strings.HasPrefix(s, "arn:") {
				v = "arn:aws:kms:" + c.region + ":" + c.account + ":" + s
			}
		}
		t[f] = v
	}
}

func createTrail(a *account, c *call) (any, string) {
	name := c.str("Name")
	for _, region := range a.org.Regions {
		if _, ok := a.coll(region, "cloudtrail")[name]; ok {
			return "Trail " + name + " already exists", "TrailAlreadyExistsException"
		}
	}
	t := map[string]any{"Name": name, "HomeRegion": c.region, "TrailARN": "arn:aws:cloudtrail:" + c.region + ":" + a.id + ":trail/" + name,
		"IncludeGlobalServiceEvents": true, "IsMultiRegionTrail": false, "LogFileValidationEnabled": false, "IsOrganizationTrail": false,
		"HasCustomEventSelectors": false, "HasInsightSelectors": false}
	setTrail(t, c)
	a.coll(c.region, "cloudtrail")[name] = t
	return visible(t), ""
}

func updateTrail(t map[string]any, c *call) any {
	setTrail(t, c)
	return visible(t)
}
