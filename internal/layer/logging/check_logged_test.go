package logging

import (
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Names in the logged foundation, as the spec's defaults make them.
const (
	orgTrailName     = "groundwork-org-trail"
	ctBucket         = "aws-logs-cloudtrail-111111111111-eu-west-1"
	cfgBucket        = "aws-logs-config-111111111111-eu-west-1"
	ctKeyAlias       = "alias/groundwork-cloudtrail"
	cfgKeyAlias      = "alias/groundwork-config"
	aggName          = "groundwork-org-aggregator"
	orgTrailResource = "trail/groundwork-org-trail (management eu-west-1)"
)

// tlsOnlyPolicy is a log bucket policy in the shape the spec writes: a
// service may write, and nothing may use the bucket without TLS.
func tlsOnlyPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",` +
		`"Resource":"arn:aws:s3:::` + bucket + `/AWSLogs/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}},` +
		`{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
}

// logged is the recommended foundation with the logging layer of guidance 000
// to 004 read: an organization trail from the management account to the
// Log Archive bucket, KMS keys in Security Tooling, Config in every
// account and Region with global resources in the home Region, the
// baseline rules in every account and the aggregator in Security Tooling.
// Every check passes on it.
func logged() *estate.Estate {
	e := audittest.Foundation()
	e.HomeRegion, e.Regions = audittest.Home, []string{audittest.Home, audittest.Other}
	l := estate.NewLogging()
	mgmt := estate.Where{Account: audittest.MgmtKey, Region: audittest.Home}
	archive := estate.Where{Account: audittest.ArchiveKey, Region: audittest.Home}
	tooling := estate.Where{Account: audittest.ToolingKey, Region: audittest.Home}

	for _, alias := range []string{ctKeyAlias, cfgKeyAlias} {
		l.Keys[tooling.Key(alias)] = &estate.Key{Where: tooling, Alias: alias, ID: "key-" + alias[len("alias/"):],
			ARN: "arn:aws:kms:eu-west-1:222222222222:key/key-" + alias[len("alias/"):], Rotation: true, State: "Enabled"}
	}
	for _, b := range []struct{ name, alias string }{{ctBucket, ctKeyAlias}, {cfgBucket, cfgKeyAlias}} {
		l.Buckets[b.name] = &estate.Bucket{Where: archive, Name: b.name, Policy: tlsOnlyPolicy(b.name), Versioning: true,
			SSE: "aws:kms", KMSKey: l.Keys[tooling.Key(b.alias)].ARN, BlockPublicAccess: true, ExpireDays: 365, Exists: true}
	}
	l.Trails[mgmt.Key(orgTrailName)] = &estate.Trail{Where: mgmt, Name: orgTrailName,
		ARN: "arn:aws:cloudtrail:eu-west-1:000000000000:trail/" + orgTrailName, Organization: true, MultiRegion: true,
		GlobalServiceEvents: true, LogFileValidation: true, KMSKey: l.Keys[tooling.Key(ctKeyAlias)].ARN, Bucket: ctBucket,
		LogGroupARN: "arn:aws:logs:eu-west-1:000000000000:log-group:/groundwork/cloudtrail:*",
		LogsRoleARN: "arn:aws:iam::000000000000:role/groundwork-cloudtrail-logs", Logging: true, HomeRegion: audittest.Home,
		ManagementEventsLogged: true, StatusRead: true, SelectorsRead: true, S3Writes: true, S3Reads: true}
	l.Buckets[ctBucket].AccessLogsRead, l.Buckets[ctBucket].AccessLogsTo = true, "aws-logs-access-111111111111-eu-west-1"
	l.HomeRegion = audittest.Home

	for _, acct := range audittest.AccountKeys() {
		for _, region := range e.Regions {
			w := estate.Where{Account: estate.AccountKey(acct), Region: region}
			l.Scope = append(l.Scope, w)
			l.TrailsRead = append(l.TrailsRead, w)
			trail := l.Trails[mgmt.Key(orgTrailName)]
			trail.SeenIn = append(trail.SeenIn, w) // the organization trail, or its shadow
			l.Recorders[w.Key("default")] = &estate.Recorder{Where: w, Name: "default", AllSupported: true,
				GlobalTypes: region == audittest.Home, Recording: true, Channel: "default", ChannelBucket: cfgBucket}
			for _, r := range BaselineRules {
				if !r.Global || region == audittest.Home {
					l.Rules[w.Key(r.Name)] = &estate.ConfigRule{Where: w, Name: r.Name, Identifier: r.Identifier}
				}
			}
		}
	}
	slices.SortFunc(l.Scope, compareWhere)
	slices.SortFunc(l.TrailsRead, compareWhere)
	slices.SortFunc(l.Trails[mgmt.Key(orgTrailName)].SeenIn, compareWhere)
	l.Aggregators[tooling.Key(aggName)] = &estate.Aggregator{Where: tooling, Name: aggName, Organization: true, AllRegions: true}
	e.Logging = l
	return e
}

// loggedTrail, logBucket, logKey and recorder find the logged foundation's
// resources for a test to edit.
func loggedTrail(e *estate.Estate) *estate.Trail {
	return e.Logging.Trails[estate.Where{Account: audittest.MgmtKey, Region: audittest.Home}.Key(orgTrailName)]
}

func logBucket(e *estate.Estate, name string) *estate.Bucket { return e.Logging.Buckets[name] }

func logKey(e *estate.Estate, alias string) *estate.Key {
	return e.Logging.Keys[estate.Where{Account: audittest.ToolingKey, Region: audittest.Home}.Key(alias)]
}

func recorder(e *estate.Estate, acct, region string) *estate.Recorder {
	return e.Logging.Recorders[estate.Where{Account: estate.AccountKey(acct), Region: region}.Key("default")]
}

// loggingChecks are the checks that judge e.Logging.
var loggingChecks = []string{
	"GW-LOG-001", "GW-LOG-003", "GW-LOG-007", "GW-LOG-008", "GW-LOG-009",
	"GW-LOG-010", "GW-LOG-011", "GW-LOG-012", "GW-LOG-013", "GW-LOG-014", "GW-LOG-015", "GW-LOG-016",
	"GW-LOG-020", "GW-LOG-021", "GW-LOG-022", "GW-LOG-023",
	"GW-LOG-030", "GW-LOG-031", "GW-LOG-040", "GW-LOG-050",
}

func TestLoggedFoundationIsClean(t *testing.T) {
	audittest.Clean(t, "logged foundation", logged())
}

func TestLoggingChecksRegistered(t *testing.T) {
	audittest.Registered(t, "GW-LOG-", loggingChecks)
}

// TestUnreadLoggingIsNotAFinding: a logging layer that was not read says
// nothing; one read and found empty has no organization trail and no
// aggregator, and nothing else to judge.
func TestUnreadLoggingIsNotAFinding(t *testing.T) {
	tests := map[string]struct {
		logging func() *estate.Logging
		firing  []string
	}{
		"not read":   {logging: func() *estate.Logging { return nil }},
		"read empty": {logging: estate.NewLogging, firing: []string{"GW-LOG-001", "GW-LOG-030"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			for _, id := range loggingChecks {
				e := logged()
				e.Logging = tt.logging()
				fs := audittest.RunCheck(t, id, e)
				if want := slices.Contains(tt.firing, id); want != (len(fs) > 0) {
					t.Errorf("%s: %d findings, want findings: %v; %+v", id, len(fs), want, fs)
				}
			}
		})
	}
}

// TestFindingPlaces: logging findings name the account (by ID) and Region
// of regional resources, the account alone for account-wide settings, and
// neither for the organization as a whole.
func TestFindingPlaces(t *testing.T) {
	audittest.RunPlaces(t, map[string]audittest.PlaceCase{
		"log bucket public": {Clean: logged, Check: "GW-LOG-010", Edit: func(e *estate.Estate) { logBucket(e, ctBucket).BlockPublicAccess = false },
			Want: audittest.Place{Resource: "bucket/" + ctBucket, Account: "111111111111", Region: audittest.Home}},
		"key not rotating": {Clean: logged, Check: "GW-LOG-040", Edit: func(e *estate.Estate) { logKey(e, ctKeyAlias).Rotation = false },
			Want: audittest.Place{Resource: "key/" + ctKeyAlias + " (security-tooling " + audittest.Home + ")", Account: "222222222222", Region: audittest.Home}},
		"trail without global service events": {Clean: logged, Check: "GW-LOG-003", Edit: func(e *estate.Estate) { loggedTrail(e).GlobalServiceEvents = false },
			Want: audittest.Place{Resource: orgTrailResource, Account: "000000000000", Region: audittest.Home}},
		"no organization trail": {Clean: logged, Check: "GW-LOG-001", Edit: func(e *estate.Estate) { clear(e.Logging.Trails) },
			Want: audittest.Place{Resource: "organization/o-abc123"}},
		"Config not recording": {Clean: logged, Check: "GW-LOG-020", Edit: dropRecorder(audittest.ProdKey, audittest.Other),
			Want: audittest.Place{Resource: "account/444444444444 (payments-prod)", Account: "444444444444"}},
		"baseline rules missing": {Clean: logged, Check: "GW-LOG-050", Edit: dropRules(audittest.DevKey, audittest.Home, "CLOUD_TRAIL_ENABLED"),
			Want: audittest.Place{Resource: "account/555555555555 (payments-dev)", Account: "555555555555", Region: audittest.Home}},
	})
}
