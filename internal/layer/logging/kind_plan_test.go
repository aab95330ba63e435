package logging_test

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

const loggingSpec = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, eu-west-1]}
units: {Security: {}}
accounts:
  log-archive: {unit: Security, role: log-archive}
  security-tooling: {unit: Security, role: security-tooling}
logging: {}
`

// loggingEstates returns the desired estate of loggingSpec and an actual
// estate where the organization and accounts exist with IDs.
func loggingEstates(t *testing.T) (desired, actual *estate.Estate) {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(loggingSpec))
	if err != nil {
		t.Fatal(err)
	}
	desired = f.Desired()
	actual = estate.New()
	actual.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: "111111111111"}
	actual.Units["Security"] = &estate.Unit{ID: "ou-1", Path: "Security"}
	actual.Accounts["aws-log-archive-primary@example.com"] = &estate.Account{ID: "222222222222", Email: "aws-log-archive-primary@example.com", Name: "log-archive-primary", Unit: "Security", Status: "ACTIVE"}
	actual.Accounts["aws-security-tooling-primary@example.com"] = &estate.Account{ID: "333333333333", Email: "aws-security-tooling-primary@example.com", Name: "security-tooling-primary", Unit: "Security", Status: "ACTIVE"}
	return desired, actual
}

func TestPlanConfigEverywhere(t *testing.T) {
	desired, actual := loggingEstates(t)
	p := kinds.Plan(desired, actual)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	recorders := kindstest.ChangesOfKind(p, logging.KindRecorder)
	// Management, Log Archive and Security Tooling, in both Regions.
	if len(recorders) != 6 {
		t.Fatalf("%d recorder changes, want 6", len(recorders))
	}
	global := 0
	for _, ch := range recorders {
		if ch.Action != plan.Create {
			t.Errorf("%s: %s, want create", ch.Address, ch.Action)
		}
		if ch.After["global_types"] == "true" {
			global++
			if ch.After["region"] != "us-east-1" {
				t.Errorf("%s records global resources outside the home Region", ch.Address)
			}
		}
		if strings.Contains(ch.After["channel_bucket"], "${") {
			t.Errorf("%s: bucket name not resolved from the actual estate: %s", ch.Address, ch.After["channel_bucket"])
		}
		if ch.After["channel_bucket"] != "aws-logs-config-222222222222-us-east-1" {
			t.Errorf("%s delivers to %s", ch.Address, ch.After["channel_bucket"])
		}
	}
	if global != 3 {
		t.Errorf("%d recorders record global resources, want one per account", global)
	}
	roles := kindstest.ChangesOfKind(p, logging.KindRole)
	var names []string
	for _, ch := range roles {
		names = append(names, ch.Address)
	}
	for _, want := range []string{
		"role/management/groundwork-config-recorder",
		"role/management/groundwork-cloudtrail-logs",
		"role/aws-security-tooling-primary@example.com/OrgConfigRole",
	} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("plan lacks %s: %v", want, names)
		}
	}
}

func TestPlanConfigNoChangesWhenInPlace(t *testing.T) {
	desired, actual := loggingEstates(t)
	// Actual mirrors desired for roles and recorders, with references
	// resolved as AWS would report them.
	actual.Logging = estate.NewLogging()
	for key, r := range desired.Logging.Recorders {
		c := *r
		c.RoleARN, _ = estate.Resolve(c.RoleARN, actual.Lookup)
		c.ChannelBucket, _ = estate.Resolve(c.ChannelBucket, actual.Lookup)
		c.ChannelKMSKey = "arn:aws:kms:us-east-1:333333333333:key/k-config"
		actual.Logging.Recorders[key] = &c
	}
	for key, r := range desired.Logging.Roles {
		c := *r
		c.Trust, _ = estate.Resolve(c.Trust, actual.Lookup)
		c.Inline = map[string]string{}
		for n, doc := range r.Inline {
			c.Inline[n], _ = estate.Resolve(doc, actual.Lookup)
		}
		// Extra managed policies on a role are left alone.
		c.Managed = append(append([]string(nil), r.Managed...), "arn:aws:iam::aws:policy/ReadOnlyAccess")
		actual.Logging.Roles[key] = &c
	}
	actual.Logging.Keys["aws-security-tooling-primary@example.com/us-east-1/alias/groundwork-config"] = &estate.Key{
		ARN: "arn:aws:kms:us-east-1:333333333333:key/k-config"}
	p := kinds.Plan(desired, actual)
	for _, kind := range []string{logging.KindRecorder, logging.KindRole} {
		if chs := kindstest.ChangesOfKind(p, kind); len(chs) != 0 {
			t.Errorf("%d %s changes when everything is in place: %+v", len(chs), kind, chs[0])
		}
	}
	// Recording stopped by hand is drift.
	for _, r := range actual.Logging.Recorders {
		if r.Region == "eu-west-1" && r.Account == "management" {
			r.Recording = false
		}
	}
	p = kinds.Plan(desired, actual)
	chs := kindstest.ChangesOfKind(p, logging.KindRecorder)
	if len(chs) != 1 || chs[0].Action != plan.Update || chs[0].Before["recording"] != "false" {
		t.Errorf("stopped recorder: %+v", chs)
	}
}
