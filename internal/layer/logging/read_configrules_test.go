package logging

// An internal test: it runs collectRules and collectAggregators alone, so
// that the fakes serve Config and nothing the other collectors read.

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

const (
	cfgLogEmail = "log@example.com"
	cfgLogID    = "111111111111"
	cfgMgmtID   = "000000000001"
	cfgHome     = "us-east-1"
)

// cfgReadFake is Config in many accounts and Regions (Wheres of account
// IDs) behind configReadAPI. Lists answer pageSize items a page with
// NextToken, as Config does (25 for rules). It is filled before use; calls
// are counted under a lock.
type cfgReadFake struct {
	pageSize    int
	rules       map[estate.Location][]types.ConfigRule
	orgRules    map[estate.Location][]types.OrganizationConfigRule
	orgErr      error // what DescribeOrganizationConfigRules answers, when set
	aggregators map[estate.Location][]types.ConfigurationAggregator

	mu    sync.Mutex
	calls map[string]int // "Op account region"
}

func newCfgReadFake() *cfgReadFake {
	return &cfgReadFake{pageSize: 2, rules: map[estate.Location][]types.ConfigRule{},
		orgRules: map[estate.Location][]types.OrganizationConfigRule{}, aggregators: map[estate.Location][]types.ConfigurationAggregator{},
		calls: map[string]int{}}
}

func (f *cfgReadFake) call(op string, w estate.Location) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op+" "+string(w.Account)+" "+w.Region]++
}

func (f *cfgReadFake) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return inventorytest.CountOp(f.calls, op)
}

// cfgPage returns the page of items that token starts.
func cfgPage[T any](items []T, token *string, size int) ([]T, *string, error) {
	start := 0
	if token != nil {
		n, err := strconv.Atoi(*token)
		if err != nil || n <= 0 || n >= len(items) {
			return nil, nil, &types.InvalidNextTokenException{Message: aws.String("bad token " + *token)}
		}
		start = n
	}
	end := min(start+size, len(items))
	var next *string
	if end < len(items) {
		next = aws.String(strconv.Itoa(end))
	}
	return items[start:end], next, nil
}

// cfgReadAt is the fake seen from one account and Region. It embeds the
// interface only so that a method another collector adds to configReadAPI
// compiles here; calling one panics.
type cfgReadAt struct {
	configReadAPI
	f *cfgReadFake
	w estate.Location
}

func (c cfgReadAt) DescribeConfigRules(_ context.Context, in *configservice.DescribeConfigRulesInput, _ ...func(*configservice.Options)) (*configservice.DescribeConfigRulesOutput, error) {
	c.f.call("DescribeConfigRules", c.w)
	items, next, err := cfgPage(c.f.rules[c.w], in.NextToken, c.f.pageSize)
	if err != nil {
		return nil, err
	}
	return &configservice.DescribeConfigRulesOutput{ConfigRules: items, NextToken: next}, nil
}

func (c cfgReadAt) DescribeOrganizationConfigRules(_ context.Context, in *configservice.DescribeOrganizationConfigRulesInput, _ ...func(*configservice.Options)) (*configservice.DescribeOrganizationConfigRulesOutput, error) {
	c.f.call("DescribeOrganizationConfigRules", c.w)
	if c.f.orgErr != nil {
		return nil, c.f.orgErr
	}
	items, next, err := cfgPage(c.f.orgRules[c.w], in.NextToken, c.f.pageSize)
	if err != nil {
		return nil, err
	}
	return &configservice.DescribeOrganizationConfigRulesOutput{OrganizationConfigRules: items, NextToken: next}, nil
}

// DescribeConfigurationAggregators answers an unknown name as AWS and moto
// do: NoSuchConfigurationAggregatorException.
func (c cfgReadAt) DescribeConfigurationAggregators(_ context.Context, in *configservice.DescribeConfigurationAggregatorsInput, _ ...func(*configservice.Options)) (*configservice.DescribeConfigurationAggregatorsOutput, error) {
	c.f.call("DescribeConfigurationAggregators", c.w)
	out := &configservice.DescribeConfigurationAggregatorsOutput{}
	for _, name := range in.ConfigurationAggregatorNames {
		found := false
		for _, a := range c.f.aggregators[c.w] {
			if aws.ToString(a.ConfigurationAggregatorName) == name {
				out.ConfigurationAggregators = append(out.ConfigurationAggregators, a)
				found = true
			}
		}
		if !found {
			return nil, &types.NoSuchConfigurationAggregatorException{Message: aws.String("The configuration aggregator does not exist.")}
		}
	}
	return out, nil
}

// cfgClients serves the fake for Config and nothing else.
type cfgClients struct {
	readClients
	f *cfgReadFake
}

func (c cfgClients) KMS(estate.Location) kmsReadAPI          { return nil }
func (c cfgClients) S3(estate.Location) BucketReadAPI        { return nil }
func (c cfgClients) CloudTrail(estate.Location) trailReadAPI { return nil }
func (c cfgClients) Config(w estate.Location) configReadAPI  { return cfgReadAt{f: c.f, w: w} }
func (c cfgClients) IAM(estate.Location) iamReadAPI          { return nil }
func (c cfgClients) Logs(estate.Location) logsReadAPI        { return nil }

// cfgCollect runs one collector over want against the fake, in an
// organization with the management and log-archive accounts.
func cfgCollect(f *cfgReadFake, want *estate.Logging, collect loggingCollector) (*estate.Logging, error) {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", ManagementAccountID: cfgMgmtID}
	e.Accounts[cfgLogEmail] = &estate.Account{ID: cfgLogID, Email: cfgLogEmail}
	r := &loggingRead{clients: cfgClients{f: f}, e: e, want: want, out: estate.NewLogging()}
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(4)
	collect(ctx, g, r)
	return r.out, g.Wait()
}

func managedRule(name, id, input string) types.ConfigRule {
	r := types.ConfigRule{ConfigRuleName: aws.String(name), Source: &types.Source{Owner: types.OwnerAws, SourceIdentifier: aws.String(id)}}
	if input != "" {
		r.InputParameters = aws.String(input)
	}
	return r
}

func TestCollectConfigRules(t *testing.T) {
	f := newCfgReadFake()
	logHome := estate.Location{Account: cfgLogID, Region: cfgHome}
	f.rules[logHome] = []types.ConfigRule{
		managedRule("cloudtrail-enabled", "CLOUD_TRAIL_ENABLED", ""),
		managedRule("iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED", ""),
		managedRule("restricted-incoming-traffic", "RESTRICTED_INCOMING_TRAFFIC", `{"blockedPort1":"22"}`),
		managedRule("root-account-mfa-enabled", "ROOT_ACCOUNT_MFA_ENABLED", "{}"),
		managedRule("s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", ""),
	}
	f.rules[estate.Location{Account: cfgMgmtID, Region: "eu-west-1"}] = []types.ConfigRule{
		managedRule("s3-bucket-public-write-prohibited", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", ""),
	}
	want := estate.NewLogging()
	want.Scope = []estate.Where{
		{Account: estate.ManagementKey, Region: "eu-west-1"},
		{Account: cfgLogEmail, Region: cfgHome},
		{Account: cfgLogEmail, Region: "eu-west-1"},   // Config off: no rules
		{Account: "new@example.com", Region: cfgHome}, // not created yet: not read
	}
	got, err := cfgCollect(f, want, collectRules)
	if err != nil {
		t.Fatal(err)
	}
	log := estate.Where{Account: cfgLogEmail, Region: cfgHome}
	mgmt := estate.Where{Account: estate.ManagementKey, Region: "eu-west-1"}
	wantRules := map[string]*estate.ConfigRule{
		log.Key("cloudtrail-enabled"):                 {Where: log, Name: "cloudtrail-enabled", Identifier: "CLOUD_TRAIL_ENABLED"},
		log.Key("iam-user-mfa-enabled"):               {Where: log, Name: "iam-user-mfa-enabled", Identifier: "IAM_USER_MFA_ENABLED"},
		log.Key("restricted-incoming-traffic"):        {Where: log, Name: "restricted-incoming-traffic", Identifier: "RESTRICTED_INCOMING_TRAFFIC", Input: `{"blockedPort1":"22"}`},
		log.Key("root-account-mfa-enabled"):           {Where: log, Name: "root-account-mfa-enabled", Identifier: "ROOT_ACCOUNT_MFA_ENABLED", Input: "{}"},
		log.Key("s3-bucket-public-read-prohibited"):   {Where: log, Name: "s3-bucket-public-read-prohibited", Identifier: "S3_BUCKET_PUBLIC_READ_PROHIBITED"},
		mgmt.Key("s3-bucket-public-write-prohibited"): {Where: mgmt, Name: "s3-bucket-public-write-prohibited", Identifier: "S3_BUCKET_PUBLIC_WRITE_PROHIBITED"},
	}
	if !reflect.DeepEqual(got.Rules, wantRules) {
		t.Errorf("rules:\n got  %v\n want %v", got.Rules, wantRules)
	}
	// Five rules two a page are three calls; one each elsewhere; none for
	// the account that does not exist.
	if n := f.count("DescribeConfigRules"); n != 5 {
		t.Errorf("%d DescribeConfigRules calls, want 5: %v", n, f.calls)
	}
	if len(got.Scope) != 0 {
		t.Errorf("scope %v: collectRecorders records it, rules must not add it again", got.Scope)
	}
	if n := f.count("DescribeOrganizationConfigRules"); n != 0 {
		t.Errorf("organization rules read %d times with none wanted", n)
	}
}

func TestCollectOrganizationConfigRules(t *testing.T) {
	admin := estate.Where{Account: cfgLogEmail, Region: cfgHome}
	adminID := estate.Location{Account: cfgLogID, Region: cfgHome}
	wantOrgRules := func() *estate.Logging {
		l := estate.NewLogging()
		l.Rules[admin.Key("org/cloudtrail-enabled")] = &estate.ConfigRule{Where: admin, Name: "org/cloudtrail-enabled", Identifier: "CLOUD_TRAIL_ENABLED"}
		l.Rules[admin.Key("org/iam-user-mfa-enabled")] = &estate.ConfigRule{Where: admin, Name: "org/iam-user-mfa-enabled", Identifier: "IAM_USER_MFA_ENABLED"}
		return l
	}
	orgRule := func(name, id, input string) types.OrganizationConfigRule {
		m := &types.OrganizationManagedRuleMetadata{RuleIdentifier: aws.String(id)}
		if input != "" {
			m.InputParameters = aws.String(input)
		}
		return types.OrganizationConfigRule{OrganizationConfigRuleName: aws.String(name), OrganizationManagedRuleMetadata: m}
	}
	tests := map[string]struct {
		want    *estate.Logging
		orgErr  error
		rules   []types.OrganizationConfigRule
		reads   int
		got     map[string]*estate.ConfigRule
		errText string // "" for no error
	}{
		"read as org/NAME, over pages": {
			want: wantOrgRules(),
			rules: []types.OrganizationConfigRule{orgRule("cloudtrail-enabled", "CLOUD_TRAIL_ENABLED", ""),
				orgRule("iam-user-mfa-enabled", "IAM_USER_MFA_ENABLED", ""),
				orgRule("restricted-incoming-traffic", "RESTRICTED_INCOMING_TRAFFIC", `{"blockedPort1":"22"}`)},
			reads: 2,
			got: map[string]*estate.ConfigRule{
				admin.Key("org/cloudtrail-enabled"):   {Where: admin, Name: "org/cloudtrail-enabled", Identifier: "CLOUD_TRAIL_ENABLED"},
				admin.Key("org/iam-user-mfa-enabled"): {Where: admin, Name: "org/iam-user-mfa-enabled", Identifier: "IAM_USER_MFA_ENABLED"},
				admin.Key("org/restricted-incoming-traffic"): {Where: admin, Name: "org/restricted-incoming-traffic",
					Identifier: "RESTRICTED_INCOMING_TRAFFIC", Input: `{"blockedPort1":"22"}`},
			},
		},
		"not yet the delegated administrator: none": {
			want:   wantOrgRules(),
			orgErr: &types.OrganizationAccessDeniedException{Message: aws.String("not a delegated administrator")},
			reads:  1,
			got:    map[string]*estate.ConfigRule{},
		},
		"moto gap: unreadable, and the error says so": {
			want:    wantOrgRules(),
			orgErr:  inventorytest.MotoGap(),
			reads:   1,
			errText: "lacking DescribeOrganizationConfigRules answers (a moto gap)",
		},
		"moto gap: never asked when no organization rule is wanted": {
			want:   estate.NewLogging(),
			orgErr: inventorytest.MotoGap(),
			got:    map[string]*estate.ConfigRule{},
		},
		"an AWS fault is an error": {
			want:    wantOrgRules(),
			orgErr:  &types.InsufficientPermissionsException{Message: aws.String("no")},
			reads:   1,
			errText: "InsufficientPermissions",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := newCfgReadFake()
			f.orgErr = tt.orgErr
			f.orgRules[adminID] = tt.rules
			got, err := cfgCollect(f, tt.want, collectRules)
			if n := f.count("DescribeOrganizationConfigRules"); n != tt.reads {
				t.Errorf("%d DescribeOrganizationConfigRules calls, want %d", n, tt.reads)
			}
			if tt.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("error %v, want one containing %q", err, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Rules, tt.got) {
				t.Errorf("rules:\n got  %v\n want %v", got.Rules, tt.got)
			}
		})
	}
}

func TestCollectAggregators(t *testing.T) {
	const name = "groundwork-org-aggregator"
	log := estate.Where{Account: cfgLogEmail, Region: cfgHome}
	logID := estate.Location{Account: cfgLogID, Region: cfgHome}
	role := "arn:aws:iam::" + cfgLogID + ":role/OrgConfigRole"
	wanted := func(at estate.Where) *estate.Logging {
		l := estate.NewLogging()
		l.Aggregators[at.Key(name)] = &estate.Aggregator{Where: at, Name: name, Organization: true, AllRegions: true, RoleARN: "${...}"}
		return l
	}
	tests := map[string]struct {
		want  *estate.Logging
		have  []types.ConfigurationAggregator
		reads int
		got   map[string]*estate.Aggregator
	}{
		"organization source": {
			want: wanted(log),
			have: []types.ConfigurationAggregator{{ConfigurationAggregatorName: aws.String(name),
				OrganizationAggregationSource: &types.OrganizationAggregationSource{RoleArn: aws.String(role), AllAwsRegions: true}}},
			reads: 1,
			got:   map[string]*estate.Aggregator{log.Key(name): {Where: log, Name: name, Organization: true, RoleARN: role, AllRegions: true}},
		},
		"account source": {
			want: wanted(log),
			have: []types.ConfigurationAggregator{{ConfigurationAggregatorName: aws.String(name),
				AccountAggregationSources: []types.AccountAggregationSource{{AccountIds: []string{cfgLogID}, AwsRegions: []string{cfgHome}}}}},
			reads: 1,
			got:   map[string]*estate.Aggregator{log.Key(name): {Where: log, Name: name}},
		},
		"missing": {
			want: wanted(log), reads: 1, got: map[string]*estate.Aggregator{},
		},
		"in an account not created yet: not read": {
			want: wanted(estate.Where{Account: "new@example.com", Region: cfgHome}), got: map[string]*estate.Aggregator{},
		},
	}
	for tname, tt := range tests {
		t.Run(tname, func(t *testing.T) {
			f := newCfgReadFake()
			f.aggregators[logID] = tt.have
			got, err := cfgCollect(f, tt.want, collectAggregators)
			if err != nil {
				t.Fatal(err)
			}
			if n := f.count("DescribeConfigurationAggregators"); n != tt.reads {
				t.Errorf("%d reads, want %d", n, tt.reads)
			}
			if !reflect.DeepEqual(got.Aggregators, tt.got) {
				t.Errorf("aggregators:\n got  %v\n want %v", got.Aggregators, tt.got)
			}
		})
	}
}
