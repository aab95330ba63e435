package logging_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

const (
	ruleHome       = "us-east-1"
	ruleOther      = "eu-west-1"
	multiAccount   = "config-multiaccountsetup.amazonaws.com"
	configSvc      = "config.amazonaws.com"
	portsInput     = `{"blockedPort1":"22"}`
	aggregatorName = "groundwork-org-aggregator"
)

var (
	// ruleAccounts are the accounts Config is wanted in, by key, and their IDs.
	ruleAccounts = map[string]string{estate.ManagementKey: kindstest.ManagementID, kindstest.LogEmail: kindstest.LogID, kindstest.PaymentsEmail: kindstest.PaymentsID}
	// ruleAdmin is where organization rules and the aggregator live.
	ruleAdmin     = estate.Where{Account: kindstest.LogEmail, Region: ruleHome}
	aggregatorRef = "arn:aws:iam::" + estate.AccountIDRef(kindstest.LogEmail) + ":role/OrgConfigRole"
	aggregatorARN = "arn:aws:iam::" + kindstest.LogID + ":role/OrgConfigRole"
)

// configDesired is kindstest.DesiredEstate with Config in three accounts and two
// Regions: a recorder each, three managed rules (one global, so in the
// home Region only; one with input parameters), and the organization
// aggregator in log-archive. With org the rules are organization rules,
// put once from log-archive.
func configDesired(org bool) *estate.Estate {
	e := kindstest.DesiredEstate()
	l := estate.NewLogging()
	for _, key := range slices.Sorted(maps.Keys(ruleAccounts)) {
		for _, region := range []string{ruleHome, ruleOther} {
			w := estate.Where{Account: estate.AccountKey(key), Region: region}
			l.Scope = append(l.Scope, w)
			l.Recorders[w.Key("default")] = &estate.Recorder{Where: w, Name: "default", RoleARN: "arn:aws:iam::" + ruleAccounts[key] + ":role/recorder",
				AllSupported: true, GlobalTypes: region == ruleHome, Recording: true, Channel: "default", ChannelBucket: "config-bucket"}
			if org {
				continue
			}
			addCfgRule(l, w, "s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "")
			addCfgRule(l, w, "restricted-incoming-traffic", "RESTRICTED_INCOMING_TRAFFIC", portsInput)
			if region == ruleHome {
				addCfgRule(l, w, "iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED", "")
			}
		}
	}
	if org {
		addCfgRule(l, ruleAdmin, "org/s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "")
		addCfgRule(l, ruleAdmin, "org/restricted-incoming-traffic", "RESTRICTED_INCOMING_TRAFFIC", portsInput)
		addCfgRule(l, ruleAdmin, "org/iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED", "")
	}
	l.Aggregators[ruleAdmin.Key(aggregatorName)] = &estate.Aggregator{Where: ruleAdmin, Name: aggregatorName,
		Organization: true, AllRegions: true, RoleARN: aggregatorRef}
	e.Logging = l
	return e
}

func addCfgRule(l *estate.Logging, w estate.Where, name, id, input string) {
	l.Rules[w.Key(name)] = &estate.ConfigRule{Where: w, Name: name, Identifier: id, Input: input}
}

// configMatching is kindstest.MatchingEstate holding all configDesired(org) asks
// for, as the inventory reads it: references resolved.
func configMatching(org bool) *estate.Estate {
	e := kindstest.MatchingEstate()
	d := configDesired(org).Logging
	l := estate.NewLogging()
	l.Scope = slices.Clone(d.Scope)
	for k, r := range d.Recorders {
		c := *r
		l.Recorders[k] = &c
	}
	for k, r := range d.Rules {
		c := *r
		l.Rules[k] = &c
	}
	for k, g := range d.Aggregators {
		c := *g
		c.RoleARN = aggregatorARN
		l.Aggregators[k] = &c
	}
	e.Logging = l
	return e
}

var cfgPlanKinds = []string{logging.KindRecorder, logging.KindConfigRule, logging.KindAggregator}

// configPlan is kinds.Plan cut down to Config: recorders, rules and
// aggregators, with dependencies on anything else dropped, so that the
// plan applies with nothing but configFake.
func configPlan(desired, actual *estate.Estate) *plan.Plan {
	p := kinds.Plan(desired, actual)
	kept := map[string]bool{}
	var changes []plan.Change
	for _, ch := range p.Changes {
		if slices.Contains(cfgPlanKinds, ch.Kind) {
			changes = append(changes, ch)
			kept[ch.Address] = true
		}
	}
	for i := range changes {
		changes[i].DependsOn = slices.DeleteFunc(slices.Clone(changes[i].DependsOn), func(d string) bool { return !kept[d] })
	}
	p.Changes = changes
	return p
}

// ruleChanges are the config-rule and config-aggregator changes of a plan.
func cfgRuleChanges(p *plan.Plan) []plan.Change {
	var out []plan.Change
	for _, ch := range p.Changes {
		if ch.Kind == logging.KindConfigRule || ch.Kind == logging.KindAggregator {
			out = append(out, ch)
		}
	}
	return out
}

func cfgRuleAttrs(w estate.Where, name, id, input string) plan.Attrs {
	a := plan.Attrs{"account": string(w.Account), "region": w.Region, "name": name, "identifier": id}
	if input != "" {
		a["input"] = input
	}
	if strings.HasPrefix(name, "org/") {
		a["organization"] = "true"
	}
	return a
}

func cfgAggregatorAttrs(role string, allRegions bool) plan.Attrs {
	return plan.Attrs{"account": kindstest.LogEmail, "region": ruleHome, "name": aggregatorName, "organization": "true",
		"role_arn": role, "all_regions": fmt.Sprint(allRegions)}
}

// groupOf is the unit a change about an account is shown under.
func cfgGroupOf(account string) string {
	if a, ok := kindstest.DesiredEstate().Accounts[account]; ok {
		return a.Unit
	}
	return estate.RootPath
}

func TestPlanConfigRulesAndAggregator(t *testing.T) {
	paymentsOther := estate.Where{Account: kindstest.PaymentsEmail, Region: ruleOther}
	// allRules are configDesired(false)'s rules, created, each after the
	// recorder of its account and Region.
	allRules := func() []plan.Change {
		var out []plan.Change
		for _, r := range configDesired(false).Logging.Rules {
			out = append(out, plan.Change{Address: logging.ConfigRuleAddress(r.Where, r.Name), Kind: logging.KindConfigRule,
				Action: plan.Create, Group: cfgGroupOf(string(r.Account)), After: cfgRuleAttrs(r.Where, r.Name, r.Identifier, r.Input),
				DependsOn: []string{logging.RecorderAddress(r.Where)}})
		}
		return out
	}
	tests := map[string]struct {
		org     bool
		desired func(e *estate.Estate)
		actual  func(e *estate.Estate)
		want    []plan.Change
	}{
		"rules wait for their recorder; the aggregator for nothing that is planned": {
			actual: func(e *estate.Estate) { e.Logging = nil },
			want: append(allRules(), plan.Change{Address: logging.AggregatorAddress(ruleAdmin, aggregatorName), Kind: logging.KindAggregator,
				Action: plan.Create, Group: "Security", After: cfgAggregatorAttrs(aggregatorARN, true)}),
		},
		"nothing when equal, input in another order and rules outside the spec left alone": {
			actual: func(e *estate.Estate) {
				e.Logging.Rules[paymentsOther.Key("restricted-incoming-traffic")].Input = "{ \"blockedPort1\" : \"22\" }"
				addCfgRule(e.Logging, paymentsOther, "users-own-rule", "ACCESS_KEYS_ROTATED", `{"maxAccessKeyAge":"90"}`)
			},
		},
		"{} reported for a rule without input is no drift": {
			actual: func(e *estate.Estate) {
				e.Logging.Rules[paymentsOther.Key("s3-bucket-public-read-prohibited")].Input = "{}"
			},
		},
		"input drift is an update": {
			actual: func(e *estate.Estate) {
				e.Logging.Rules[paymentsOther.Key("restricted-incoming-traffic")].Input = `{"blockedPort1":"23"}`
			},
			want: []plan.Change{{Address: logging.ConfigRuleAddress(paymentsOther, "restricted-incoming-traffic"), Kind: logging.KindConfigRule,
				Action: plan.Update, Group: "Workloads/Prod",
				Before: cfgRuleAttrs(paymentsOther, "restricted-incoming-traffic", "RESTRICTED_INCOMING_TRAFFIC", `{"blockedPort1":"23"}`),
				After:  cfgRuleAttrs(paymentsOther, "restricted-incoming-traffic", "RESTRICTED_INCOMING_TRAFFIC", portsInput)}},
		},
		"input a rule should not have is an update": {
			actual: func(e *estate.Estate) {
				e.Logging.Rules[paymentsOther.Key("s3-bucket-public-read-prohibited")].Input = `{"x":"1"}`
			},
			want: []plan.Change{{Address: logging.ConfigRuleAddress(paymentsOther, "s3-bucket-public-read-prohibited"), Kind: logging.KindConfigRule,
				Action: plan.Update, Group: "Workloads/Prod",
				Before: cfgRuleAttrs(paymentsOther, "s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", `{"x":"1"}`),
				After:  cfgRuleAttrs(paymentsOther, "s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "")}},
		},
		"identifier drift is an update": {
			actual: func(e *estate.Estate) {
				e.Logging.Rules[ruleAdmin.Key("iam-user-mfa-enabled")].Identifier = "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS"
			},
			want: []plan.Change{{Address: logging.ConfigRuleAddress(ruleAdmin, "iam-user-mfa-enabled"), Kind: logging.KindConfigRule,
				Action: plan.Update, Group: "Security",
				Before: cfgRuleAttrs(ruleAdmin, "iam-user-mfa-enabled", "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", ""),
				After:  cfgRuleAttrs(ruleAdmin, "iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED", "")}},
		},
		"a missing rule is created after its recorder when that is planned too": {
			actual: func(e *estate.Estate) {
				delete(e.Logging.Rules, paymentsOther.Key("s3-bucket-public-read-prohibited"))
				delete(e.Logging.Recorders, paymentsOther.Key("default"))
			},
			want: []plan.Change{{Address: logging.ConfigRuleAddress(paymentsOther, "s3-bucket-public-read-prohibited"), Kind: logging.KindConfigRule,
				Action: plan.Create, Group: "Workloads/Prod",
				After:     cfgRuleAttrs(paymentsOther, "s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", ""),
				DependsOn: []string{logging.RecorderAddress(paymentsOther)}}},
		},
		"an aggregator reading through another role is an update": {
			actual: func(e *estate.Estate) {
				e.Logging.Aggregators[ruleAdmin.Key(aggregatorName)].RoleARN = "arn:aws:iam::" + kindstest.LogID + ":role/Other"
			},
			want: []plan.Change{{Address: logging.AggregatorAddress(ruleAdmin, aggregatorName), Kind: logging.KindAggregator,
				Action: plan.Update, Group: "Security",
				Before: cfgAggregatorAttrs("arn:aws:iam::"+kindstest.LogID+":role/Other", true), After: cfgAggregatorAttrs(aggregatorARN, true)}},
		},
		"an aggregator over some Regions is an update": {
			actual: func(e *estate.Estate) { e.Logging.Aggregators[ruleAdmin.Key(aggregatorName)].AllRegions = false },
			want: []plan.Change{{Address: logging.AggregatorAddress(ruleAdmin, aggregatorName), Kind: logging.KindAggregator,
				Action: plan.Update, Group: "Security",
				Before: cfgAggregatorAttrs(aggregatorARN, false), After: cfgAggregatorAttrs(aggregatorARN, true)}},
		},
		"the aggregator waits for its role and Config's delegated administrator": {
			desired: func(e *estate.Estate) {
				e.Logging.Roles[estate.Where{Account: kindstest.LogEmail}.Key("OrgConfigRole")] = &estate.IAMRole{
					Where: estate.Where{Account: kindstest.LogEmail}, Name: "OrgConfigRole", Path: "/", Trust: "{}"}
				e.Org = estate.NewOrgLayer()
				e.Org.TrustedServices = []string{configSvc}
				e.Org.DelegatedAdmins[configSvc] = kindstest.LogEmail
			},
			actual: func(e *estate.Estate) {
				e.Org = estate.NewOrgLayer()
				delete(e.Logging.Aggregators, ruleAdmin.Key(aggregatorName))
			},
			want: []plan.Change{{Address: logging.AggregatorAddress(ruleAdmin, aggregatorName), Kind: logging.KindAggregator,
				Action: plan.Create, Group: "Security", After: cfgAggregatorAttrs(aggregatorARN, true),
				DependsOn: []string{logging.RoleAddress(kindstest.LogEmail, "OrgConfigRole"), orglayer.TrustedAccessAddress(configSvc),
					orglayer.DelegatedAdminAddress(configSvc)}}},
		},
		"organization rules are planned once, from the delegated administrator": {
			org: true,
			desired: func(e *estate.Estate) {
				e.Org = estate.NewOrgLayer()
				e.Org.TrustedServices = []string{multiAccount}
				e.Org.DelegatedAdmins[multiAccount] = kindstest.LogEmail
			},
			actual: func(e *estate.Estate) {
				e.Org = estate.NewOrgLayer()
				for k, r := range e.Logging.Rules {
					if strings.HasPrefix(r.Name, "org/") {
						delete(e.Logging.Rules, k)
					}
				}
			},
			want: func() []plan.Change {
				deps := []string{orglayer.TrustedAccessAddress(multiAccount), orglayer.DelegatedAdminAddress(multiAccount)}
				var out []plan.Change
				for _, r := range [][2]string{{"s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED"},
					{"restricted-incoming-traffic", "RESTRICTED_INCOMING_TRAFFIC"}, {"iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED"}} {
					input := ""
					if r[1] == "RESTRICTED_INCOMING_TRAFFIC" {
						input = portsInput
					}
					out = append(out, plan.Change{Address: logging.ConfigRuleAddress(ruleAdmin, "org/"+r[0]), Kind: logging.KindConfigRule,
						Action: plan.Create, Group: "Security", After: cfgRuleAttrs(ruleAdmin, "org/"+r[0], r[1], input), DependsOn: deps})
				}
				return out
			}(),
		},
		"organization rules wait for the recorders being turned on": {
			org: true,
			actual: func(e *estate.Estate) {
				delete(e.Logging.Rules, ruleAdmin.Key("org/iam-user-mfa-enabled"))
				delete(e.Logging.Recorders, paymentsOther.Key("default"))
			},
			want: []plan.Change{{Address: logging.ConfigRuleAddress(ruleAdmin, "org/iam-user-mfa-enabled"), Kind: logging.KindConfigRule,
				Action: plan.Create, Group: "Security", After: cfgRuleAttrs(ruleAdmin, "org/iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED", ""),
				DependsOn: []string{logging.RecorderAddress(paymentsOther)}}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := configDesired(tt.org), configMatching(tt.org)
			if tt.desired != nil {
				tt.desired(desired)
			}
			if tt.actual != nil {
				tt.actual(actual)
			}
			p := kinds.Plan(desired, actual)
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			kindstest.CheckChanges(t, kindstest.WithoutValues(cfgRuleChanges(p)), tt.want)
		})
	}
}

// The spec's organization_rules switch: per account and Region (global
// rules in the home Region only), or once from Security Tooling.
func TestPlanOrganizationRulesOncePerOrganization(t *testing.T) {
	const src = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, eu-west-1]}
units: {Security: {}}
accounts:
  log-archive: {unit: Security, role: log-archive}
  security-tooling: {unit: Security, role: security-tooling}
logging: {config: {organization_rules: %v}}
`
	global := 0
	for _, r := range logging.BaselineRules {
		if r.Global {
			global++
		}
	}
	regional := len(logging.BaselineRules) - global
	tooling := estate.Where{Account: "aws-security-tooling-primary@example.com", Region: "us-east-1"}
	for _, org := range []bool{false, true} {
		t.Run(fmt.Sprintf("organization_rules=%v", org), func(t *testing.T) {
			f, err := spec.Parse("foundation.yaml", fmt.Appendf(nil, src, org))
			if err != nil {
				t.Fatal(err)
			}
			var rules []plan.Change
			for _, ch := range kinds.Plan(f.Desired(), estate.New()).Changes {
				if ch.Kind == logging.KindConfigRule {
					rules = append(rules, ch)
				}
			}
			if !org {
				// Management and two accounts.
				if want := 3 * (global + 2*regional); len(rules) != want {
					t.Fatalf("%d rule changes, want %d", len(rules), want)
				}
				return
			}
			// An organization rule deploys only in the Region it is put
			// in: the regional ones once per operational Region, the
			// global ones once, in the home Region.
			if want := global + 2*regional; len(rules) != want {
				t.Fatalf("%d rule changes, want one per global rule and one per regional rule and Region: %d", len(rules), want)
			}
			for _, ch := range rules {
				at := tooling
				at.Region = ch.After["region"]
				if !strings.HasPrefix(ch.Address, logging.ConfigRuleAddress(at, "org/")) || ch.After["organization"] != "true" {
					t.Errorf("%s: not an organization rule of Security Tooling: %v", ch.Address, ch.After)
				}
				// Deployed only where Config records: after every recorder
				// of the plan (three accounts, two Regions).
				recorders := 0
				for _, d := range ch.DependsOn {
					if strings.HasPrefix(d, logging.KindRecorder+"/") {
						recorders++
					}
				}
				if recorders != 6 {
					t.Errorf("%s waits for %d recorders, want 6: %v", ch.Address, recorders, ch.DependsOn)
				}
			}
		})
	}
}

// configEnv is an Env whose Config clients are fake, with account IDs
// resolved from actual.
func configEnv(t *testing.T, fake *configFake, actual *estate.Estate) *kinds.Env {
	env := &kinds.Env{Log: t.Logf}
	kinds.SetClients[logging.Clients](env, configServices{config: fake})
	env.SeedActual(actual)
	return env
}

// ruleKeys maps the account IDs of ruleAccounts back to their keys.
func cfgRuleKeys() map[string]string {
	keys := map[string]string{}
	for k, id := range ruleAccounts {
		keys[id] = k
	}
	return keys
}

func TestApplyConfigRulesAfterRecordersTwice(t *testing.T) {
	fake := newConfigFake()
	desired, actual := configDesired(false), kindstest.MatchingEstate()
	env := configEnv(t, fake, actual)
	p := configPlan(desired, actual)

	// The fake refuses a rule before its recorder, as AWS does.
	for _, ch := range p.Changes {
		if ch.Kind == logging.KindConfigRule {
			err := kindstest.ApplyChange(t, env, ch)
			if !strings.Contains(fmt.Sprint(err), "NoAvailableConfigurationRecorder") {
				t.Fatalf("a rule without its recorder: %v, want NoAvailableConfigurationRecorderException", err)
			}
			break
		}
	}

	rep, err := apply.Run(context.Background(), env, p, apply.Options{Width: 8})
	if err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
	if got := cfgRuleChanges(p); len(got) != 16 { // 15 rules and the aggregator
		t.Fatalf("%d rule and aggregator changes, want 16", len(got))
	}
	home := estate.Location{Account: kindstest.PaymentsID, Region: ruleHome}
	if got, want := fake.ruleNames(home), []string{"iam-user-mfa-enabled", "restricted-incoming-traffic", "s3-bucket-public-read-prohibited"}; !slices.Equal(got, want) {
		t.Errorf("rules in payments %s: %v, want %v", ruleHome, got, want)
	}
	other := estate.Location{Account: kindstest.PaymentsID, Region: ruleOther}
	if got, want := fake.ruleNames(other), []string{"restricted-incoming-traffic", "s3-bucket-public-read-prohibited"}; !slices.Equal(got, want) {
		t.Errorf("rules in payments %s: %v (global rules run in the home Region only), want %v", ruleOther, got, want)
	}
	fake.mu.Lock()
	r := fake.rules[other]["restricted-incoming-traffic"]
	s := fake.rules[other]["s3-bucket-public-read-prohibited"]
	fake.mu.Unlock()
	if r.Source.Owner != "AWS" || aws.ToString(r.Source.SourceIdentifier) != "RESTRICTED_INCOMING_TRAFFIC" || aws.ToString(r.InputParameters) != portsInput {
		t.Errorf("restricted-incoming-traffic = owner %s, %s, input %s", r.Source.Owner, aws.ToString(r.Source.SourceIdentifier), aws.ToString(r.InputParameters))
	}
	if s.InputParameters != nil {
		t.Errorf("s3-bucket-public-read-prohibited has input %q, want none", aws.ToString(s.InputParameters))
	}

	// Read back, nothing is left to do.
	after := kindstest.MatchingEstate()
	after.Logging = fake.logging(cfgRuleKeys())
	if again := cfgRuleChanges(kinds.Plan(desired, after)); len(again) != 0 {
		t.Errorf("second plan: %+v", again)
	}
	// Applying the same changes again (a rerun after a kill) changes nothing.
	state := fake.logging(cfgRuleKeys())
	puts := fake.count("PutConfigRule")
	for _, ch := range cfgRuleChanges(p) {
		if err := kindstest.ApplyChange(t, env, ch); err != nil {
			t.Fatalf("again: %s: %v", ch.Address, err)
		}
	}
	if fake.count("PutConfigRule") != puts+15 {
		t.Errorf("PutConfigRule called %d times again, want 15", fake.count("PutConfigRule")-puts)
	}
	if got := fake.logging(cfgRuleKeys()); !reflect.DeepEqual(got, state) {
		t.Errorf("state moved on the second apply")
	}
}

// PutOrganizationConfigRule is a moto gap (HTTP 500): organization rules
// are applied against configFake here, and never against moto.
func TestApplyOrganizationConfigRules_MotoGap(t *testing.T) {
	fake := newConfigFake()
	fake.orgAdmins[kindstest.LogID] = true
	desired, actual := configDesired(true), configMatching(true)
	for k, r := range actual.Logging.Rules {
		if strings.HasPrefix(r.Name, "org/") {
			delete(actual.Logging.Rules, k)
		}
	}
	env := configEnv(t, fake, actual)
	p := configPlan(desired, actual)
	if got := cfgRuleChanges(p); len(got) != 3 {
		t.Fatalf("%d changes, want the 3 organization rules: %+v", len(got), got)
	}
	for range 2 { // the second run shows the put is idempotent
		if rep, err := apply.Run(context.Background(), env, p, apply.Options{}); err != nil {
			t.Fatalf("apply: %v\n%+v", err, rep)
		}
	}
	if n := fake.count("PutConfigRule"); n != 0 {
		t.Errorf("%d PutConfigRule calls; organization rules are put once, for the organization", n)
	}
	admin := estate.Location{Account: kindstest.LogID, Region: ruleHome}
	fake.mu.Lock()
	got := fake.orgRules[admin]
	fake.mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("organization rules put from log-archive: %v", got)
	}
	m, ok := got["restricted-incoming-traffic"] // the name without "org/"
	if !ok || aws.ToString(m.RuleIdentifier) != "RESTRICTED_INCOMING_TRAFFIC" || aws.ToString(m.InputParameters) != portsInput {
		t.Errorf("restricted-incoming-traffic = %+v", m)
	}
	if m := got["iam-user-mfa-enabled"]; m.InputParameters != nil {
		t.Errorf("iam-user-mfa-enabled has input %q", aws.ToString(m.InputParameters))
	}
	after := kindstest.MatchingEstate()
	after.Logging = fake.logging(cfgRuleKeys())
	for _, ch := range kinds.Plan(desired, after).Changes {
		if ch.Kind == logging.KindConfigRule {
			t.Errorf("second plan: %+v", ch)
		}
	}

	t.Run("moto answers HTTP 500", func(t *testing.T) {
		fake.unimplemented = true
		defer func() { fake.unimplemented = false }()
		err := kindstest.ApplyChange(t, env, cfgRuleChanges(p)[0])
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "may not implement PutOrganizationConfigRule") {
			t.Errorf("error %v does not keep the response and name the gap", err)
		}
	})
}

func TestApplyAggregatorResolvesRoleARN(t *testing.T) {
	fake := newConfigFake()
	desired, actual := configDesired(false), kindstest.MatchingEstate()
	// log-archive is created earlier in this apply: the plan cannot know
	// its ID, apply can.
	delete(actual.Accounts, kindstest.LogEmail)
	var ch plan.Change
	for _, c := range cfgRuleChanges(kinds.Plan(desired, actual)) {
		if c.Kind == logging.KindAggregator {
			ch = c
		}
	}
	if ch.After["role_arn"] != aggregatorRef {
		t.Fatalf("planned role %q, want the reference %q", ch.After["role_arn"], aggregatorRef)
	}
	env := configEnv(t, fake, actual)
	if err := kindstest.ApplyChange(t, env, ch); err == nil || !strings.Contains(err.Error(), kindstest.LogEmail) {
		t.Fatalf("before log-archive exists: %v, want an error naming it", err)
	}
	env.SeedIDs("r-root", nil, map[string]string{kindstest.LogEmail: kindstest.LogID})
	for range 2 {
		if err := kindstest.ApplyChange(t, env, ch); err != nil {
			t.Fatal(err)
		}
	}
	fake.mu.Lock()
	got, ok := fake.aggregators[estate.Location{Account: kindstest.LogID, Region: ruleHome}][aggregatorName]
	fake.mu.Unlock()
	if !ok || aws.ToString(got.RoleArn) != aggregatorARN || !got.AllAwsRegions {
		t.Errorf("aggregator in log-archive = %+v (found %v), want role %s over all Regions", got, ok, aggregatorARN)
	}
	if n := fake.count("PutConfigurationAggregator"); n != 2 {
		t.Errorf("%d puts, want 2", n)
	}
}

func TestApplyClearsRuleInput(t *testing.T) {
	fake := newConfigFake()
	w := estate.Location{Account: kindstest.PaymentsID, Region: ruleOther}
	fake.recorders[w] = true
	desired, actual := configDesired(false), configMatching(false)
	at := estate.Where{Account: kindstest.PaymentsEmail, Region: ruleOther}
	actual.Logging.Rules[at.Key("s3-bucket-public-read-prohibited")].Input = `{"x":"1"}`
	changes := cfgRuleChanges(kinds.Plan(desired, actual))
	if len(changes) != 1 {
		t.Fatalf("changes %+v, want the one update", changes)
	}
	if err := kindstest.ApplyChange(t, configEnv(t, fake, actual), changes[0]); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	got := fake.rules[w]["s3-bucket-public-read-prohibited"].InputParameters
	fake.mu.Unlock()
	if aws.ToString(got) != "{}" {
		t.Errorf("input put %v, want {} to clear it", got)
	}
	after := kindstest.MatchingEstate()
	after.Logging = fake.logging(cfgRuleKeys())
	for _, ch := range kinds.Plan(desired, after).Changes {
		if ch.Kind == logging.KindConfigRule && ch.Address == changes[0].Address {
			t.Errorf("still planned after clearing: %+v", ch)
		}
	}
}
