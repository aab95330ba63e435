package audit

import (
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
)

// The logged foundation's home and operational Regions.
const (
	home  = "eu-west-1"
	other = "us-east-1"
)

// Names in the logged foundation, as the spec's defaults make them.
const (
	trailName        = "groundwork-org-trail"
	ctBucket         = "aws-logs-cloudtrail-111111111111-eu-west-1"
	cfgBucket        = "aws-logs-config-111111111111-eu-west-1"
	ctKeyAlias       = "alias/groundwork-cloudtrail"
	cfgKeyAlias      = "alias/groundwork-config"
	aggName          = "groundwork-org-aggregator"
	orgTrailResource = "trail/groundwork-org-trail (management eu-west-1)"
)

// Account keys of the logging layer: e-mail keys, and ManagementKey for
// the management account.
const (
	mgmtKey     = estate.ManagementKey
	archiveKey  = "log-archive@example.com"
	toolingKey  = "security-tooling@example.com"
	prodKey     = "payments-prod@example.com"
	devKey      = "payments-dev@example.com"
	sandboxKey  = "sandbox-ana@example.com"
	identityKey = "identity-center@example.com"
)

var layerAccounts = []string{mgmtKey, archiveKey, toolingKey, identityKey, prodKey, devKey, sandboxKey}

// tlsOnlyPolicy is a log bucket policy in the shape the spec writes: a
// service may write, and nothing may use the bucket without TLS.
func tlsOnlyPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",` +
		`"Resource":"arn:aws:s3:::` + bucket + `/AWSLogs/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}},` +
		`{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
}

// logged is the guarded foundation with the logging layer of guidance 000
// to 004 read: an organization trail from the management account to the
// Log Archive bucket, KMS keys in Security Tooling, Config in every
// account and Region with global resources in the home Region, the
// baseline rules in every account and the aggregator in Security Tooling.
// Every check passes on it.
func logged() *estate.Estate {
	e := guarded()
	e.HomeRegion, e.Regions = home, []string{home, other}
	l := estate.NewLogging()
	mgmt := estate.Where{Account: mgmtKey, Region: home}
	archive := estate.Where{Account: archiveKey, Region: home}
	tooling := estate.Where{Account: toolingKey, Region: home}

	for _, alias := range []string{ctKeyAlias, cfgKeyAlias} {
		l.Keys[tooling.Key(alias)] = &estate.Key{Where: tooling, Alias: alias, ID: "key-" + alias[len("alias/"):],
			ARN: "arn:aws:kms:eu-west-1:222222222222:key/key-" + alias[len("alias/"):], Rotation: true, State: "Enabled"}
	}
	for _, b := range []struct{ name, alias string }{{ctBucket, ctKeyAlias}, {cfgBucket, cfgKeyAlias}} {
		l.Buckets[b.name] = &estate.Bucket{Where: archive, Name: b.name, Policy: tlsOnlyPolicy(b.name), Versioning: true,
			SSE: "aws:kms", KMSKey: l.Keys[tooling.Key(b.alias)].ARN, BlockPublicAccess: true, ExpireDays: 365, Exists: true}
	}
	l.Trails[mgmt.Key(trailName)] = &estate.Trail{Where: mgmt, Name: trailName,
		ARN: "arn:aws:cloudtrail:eu-west-1:000000000000:trail/" + trailName, Organization: true, MultiRegion: true,
		GlobalServiceEvents: true, LogFileValidation: true, KMSKey: l.Keys[tooling.Key(ctKeyAlias)].ARN, Bucket: ctBucket,
		LogGroupARN: "arn:aws:logs:eu-west-1:000000000000:log-group:/groundwork/cloudtrail:*",
		LogsRoleARN: "arn:aws:iam::000000000000:role/groundwork-cloudtrail-logs", Logging: true, HomeRegion: home,
		ManagementEventsLogged: true}

	for _, acct := range layerAccounts {
		for _, region := range e.Regions {
			w := estate.Where{Account: acct, Region: region}
			l.Scope = append(l.Scope, w)
			l.Recorders[w.Key("default")] = &estate.Recorder{Where: w, Name: "default", AllSupported: true,
				GlobalTypes: region == home, Recording: true, Channel: "default", ChannelBucket: cfgBucket}
			for _, id := range baselineRules {
				name := strings.ToLower(strings.ReplaceAll(id, "_", "-"))
				l.Rules[w.Key(name)] = &estate.ConfigRule{Where: w, Name: name, Identifier: id}
			}
		}
	}
	slices.SortFunc(l.Scope, compareWhere)
	l.Aggregators[tooling.Key(aggName)] = &estate.Aggregator{Where: tooling, Name: aggName, Organization: true, AllRegions: true}
	e.Logging = l
	return e
}

// orgTrail, logBucket, logKey and recorder find the logged foundation's
// resources for a test to edit.
func orgTrail(e *estate.Estate) *estate.Trail {
	return e.Logging.Trails[estate.Where{Account: mgmtKey, Region: home}.Key(trailName)]
}

func logBucket(e *estate.Estate, name string) *estate.Bucket { return e.Logging.Buckets[name] }

func logKey(e *estate.Estate, alias string) *estate.Key {
	return e.Logging.Keys[estate.Where{Account: toolingKey, Region: home}.Key(alias)]
}

func recorder(e *estate.Estate, acct, region string) *estate.Recorder {
	return e.Logging.Recorders[estate.Where{Account: acct, Region: region}.Key("default")]
}

// loggingChecks are the checks that judge e.Logging.
var loggingChecks = []string{
	"GW-LOG-001", "GW-LOG-002", "GW-LOG-003", "GW-LOG-004", "GW-LOG-005", "GW-LOG-006", "GW-LOG-007",
	"GW-LOG-010", "GW-LOG-011", "GW-LOG-012", "GW-LOG-013", "GW-LOG-014",
	"GW-LOG-020", "GW-LOG-021", "GW-LOG-022", "GW-LOG-023",
	"GW-LOG-030", "GW-LOG-031", "GW-LOG-040", "GW-LOG-050",
}

func TestLoggedFoundationIsClean(t *testing.T) {
	if r := Run(logged()); len(r.Findings) != 0 {
		t.Errorf("findings on the logged foundation: %+v", r.Findings)
	}
}

func TestLoggingChecksRegistered(t *testing.T) {
	var got []string
	for _, c := range Checks() {
		if strings.HasPrefix(c.ID, "GW-LOG-") {
			got = append(got, c.ID)
		}
	}
	if !slices.Equal(got, loggingChecks) {
		t.Errorf("GW-LOG checks = %q, want %q", got, loggingChecks)
	}
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
				fs := runCheck(t, id, e)
				if want := slices.Contains(tt.firing, id); want != (len(fs) > 0) {
					t.Errorf("%s: %d findings, want findings: %v; %+v", id, len(fs), want, fs)
				}
			}
		})
	}
}

// TestBaselineRulesMatchSpec: the audit asks for the rules apply deploys
// by default.
func TestBaselineRulesMatchSpec(t *testing.T) {
	var want []string
	for _, r := range logging.BaselineRules {
		want = append(want, r.Identifier)
	}
	if !slices.Equal(baselineRules, want) {
		t.Errorf("baselineRules = %q, logging.BaselineRules = %q", baselineRules, want)
	}
}

func TestWhereAccount(t *testing.T) {
	e := logged()
	tests := map[string]struct {
		key, resource, label string
	}{
		"management": {mgmtKey, "account/000000000000 (management)", "management eu-west-1"},
		"member":     {archiveKey, "account/111111111111 (log-archive)", "log-archive eu-west-1"},
		"unknown":    {"ghost@example.com", "account/ghost@example.com", "ghost@example.com eu-west-1"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := whereAccountResource(e, tt.key); got != tt.resource {
				t.Errorf("whereAccountResource = %q, want %q", got, tt.resource)
			}
			if got := whereLabel(e, estate.Where{Account: tt.key, Region: home}); got != tt.label {
				t.Errorf("whereLabel = %q, want %q", got, tt.label)
			}
		})
	}
	if got := whereAccount(estate.New(), mgmtKey); got != nil {
		t.Errorf("whereAccount without an organization = %+v, want nil", got)
	}
}
