package all_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// loggingSpec is a spec of e's member accounts (all in one OU, those named
// log-archive-* and security-tooling-* with those roles) with the given
// services and logging sections.
func loggingSpec(e *estate.Estate, services, logging string) string {
	var b strings.Builder
	b.WriteString("version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, eu-west-1]}\n")
	b.WriteString("units: {U: {}}\ntagging: {values: {}, policy: {disabled: true}}\npolicies: {scps: {}}\n")
	b.WriteString("services: " + services + "\naccounts:\n")
	for _, a := range e.SortedAccounts() {
		if e.IsManagement(a) {
			continue
		}
		key := strings.TrimSuffix(a.Name, "-primary")
		fmt.Fprintf(&b, "  %s: {unit: U, name: %s, email: %q, exempt_from_naming: true", key, a.Name, a.Email)
		if key == string(estate.RoleLogArchive) || key == string(estate.RoleSecurityTooling) {
			fmt.Fprintf(&b, ", role: %s", key)
		}
		b.WriteString("}\n")
	}
	b.WriteString("logging: " + logging + "\n")
	return b.String()
}

// addLogging gives e the logging layer that loggingSpec builds, as AWS
// reports it once applied: the desired layer with its references resolved
// against e's IDs, and key ARNs made up. Accounts keep their e-mail keys,
// as the inventory writes them.
func addLogging(t *testing.T, e *estate.Estate, services, logging string) {
	t.Helper()
	src := loggingSpec(e, services, logging)
	f, err := spec.Parse("logging.yaml", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	want := f.Desired().Logging
	l := estate.NewLogging()
	e.Logging = l
	id := func(account string) string {
		v, ok := e.Lookup(estate.RefAccountID, account)
		if !ok {
			t.Fatalf("no ID for %s", account)
		}
		return v
	}
	for key, k := range want.Keys {
		c := *k
		c.ID = strings.TrimPrefix(k.Alias, "alias/")
		c.ARN = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", k.Region, id(string(k.Account)), c.ID)
		l.Keys[key] = &c
	}
	resolve := func(s string) string {
		t.Helper()
		out, ok := estate.Resolve(s, e.Lookup)
		if !ok {
			t.Fatalf("unresolved reference in %s", s)
		}
		return out
	}
	for _, k := range l.Keys {
		k.Policy = resolve(k.Policy)
	}
	for _, b := range want.Buckets {
		c := *b
		c.Name, c.Policy, c.KMSKey = resolve(b.Name), resolve(b.Policy), resolve(b.KMSKey)
		l.Buckets[c.Name] = &c
	}
	for key, tr := range want.Trails {
		c := *tr
		c.ARN = fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", tr.Region, id(string(tr.Account)), tr.Name)
		c.KMSKey, c.Bucket = resolve(tr.KMSKey), resolve(tr.Bucket)
		c.LogGroupARN, c.LogsRoleARN = resolve(tr.LogGroupARN), resolve(tr.LogsRoleARN)
		l.Trails[key] = &c
	}
	for key, g := range want.LogGroups {
		c := *g
		c.ARN = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", g.Region, id(string(g.Account)), g.Name)
		l.LogGroups[key] = &c
	}
	for key, r := range want.Roles {
		c := *r
		c.ARN = fmt.Sprintf("arn:aws:iam::%s:role/%s", id(string(r.Account)), r.Name)
		c.Trust = resolve(r.Trust)
		c.Inline = map[string]string{}
		for n, doc := range r.Inline {
			c.Inline[n] = resolve(doc)
		}
		l.Roles[key] = &c
	}
	for key, r := range want.Recorders {
		c := *r
		c.RoleARN, c.ChannelBucket, c.ChannelKMSKey = resolve(r.RoleARN), resolve(r.ChannelBucket), resolve(r.ChannelKMSKey)
		l.Recorders[key] = &c
	}
	for key, a := range want.Aggregators {
		c := *a
		c.RoleARN = resolve(a.RoleARN)
		l.Aggregators[key] = &c
	}
	for key, r := range want.Rules {
		c := *r
		l.Rules[key] = &c
	}
	l.Scope = append(l.Scope, want.Scope...)
}

// noServices is a services section that delegates nothing.
const noServices = "{trusted_access: [], delegated_admins: {}}"

// withLogging is the groundwork foundation with the logging layer that
// the logging section builds.
func withLogging(logging string, mutate func(e *estate.Estate)) func(t *testing.T) *estate.Estate {
	return func(t *testing.T) *estate.Estate {
		e := groundworkFoundation(t)
		addLogging(t, e, noServices, logging)
		if mutate != nil {
			mutate(e)
		}
		return e
	}
}

// securityTooling is the e-mail key of the groundwork foundation's
// Security Tooling account.
const securityTooling = "aws-security-tooling-primary@example.com"

func TestLoggingHint(t *testing.T) {
	e := groundworkFoundation(t)
	e.Org.DelegatedAdmins[orglayer.ServiceCloudTrail] = securityTooling
	e.Org.DelegatedAdmins[orglayer.ServiceConfigMulti] = securityTooling
	e.Org.DelegatedAdmins[orglayer.ServiceConfig] = "aws-log-archive-primary@example.com"
	hint, err := loggingHint(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	home := func(account, name string) string {
		return estate.Where{Account: estate.AccountKey(account), Region: "us-east-1"}.Key(name)
	}
	for what, ok := range map[string]bool{
		"the trail in the management account":             hint.Trails[home(estate.ManagementKey, logging.DefaultTrailName)] != nil,
		"the trail in CloudTrail's delegated admin":       hint.Trails[home(securityTooling, logging.DefaultTrailName)] != nil,
		"the log group in CloudTrail's delegated admin":   hint.LogGroups[home(securityTooling, logging.DefaultLogGroup)] != nil,
		"the keys in Security Tooling":                    hint.Keys[home(securityTooling, logging.CloudTrailKeyAlias)] != nil,
		"the aggregator in Security Tooling":              hint.Aggregators[home(securityTooling, logging.AggregatorName)] != nil,
		"the aggregator in Config's delegated admin":      hint.Aggregators[home("aws-log-archive-primary@example.com", logging.AggregatorName)] != nil,
		"organization rules in Security Tooling":          hint.Rules[home(securityTooling, "org/cloudtrail-enabled")] != nil,
		"rules in the management account":                 hint.Rules[home(estate.ManagementKey, "cloudtrail-enabled")] != nil,
		"Config in every account and Region (5 x 2)":      len(hint.Scope) == 10 && len(hint.Recorders) == 10,
		"buckets in Log Archive, named by its ID":         len(hint.Buckets) == 2 && hint.Buckets["aws-logs-cloudtrail-${account-id:aws-log-archive-primary@example.com}-us-east-1"] != nil,
		"the roles of the delegated trail and aggregator": hint.Roles["aws-security-tooling-primary@example.com//"+logging.TrailLogsRoleName] != nil && hint.Roles["aws-log-archive-primary@example.com//"+logging.AggregatorRoleName] != nil,
	} {
		if !ok {
			t.Errorf("the hint lacks %s", what)
		}
	}

	// Without the accounts the layer needs, there is nothing to look for.
	e = newEstate()
	addUnit(e, "Workloads", nil)
	addAccount(e, "app-primary", "aws-app-primary@example.com", "Workloads", nil)
	if hint, err := loggingHint(e, opts); err != nil || hint != nil {
		t.Errorf("LoggingHint without log-archive and security-tooling = %v, %v; want nil", hint, err)
	}
	// Its errors are those of Spec.
	e.Accounts[mgmtEmail].Name = "master"
	if _, err := loggingHint(e, importer.Options{HomeRegion: "us-east-1"}); err == nil || !strings.Contains(err.Error(), "--org-id") {
		t.Errorf("LoggingHint without an organization identifier: %v", err)
	}
}
