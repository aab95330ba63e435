package logging_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
)

// configFake is AWS Config in many accounts and Regions, in memory, behind
// logging.ConfigAPI: what the config-rule and config-aggregator kinds write,
// and the recorder they wait for. It answers as AWS does where moto 5.2
// does not: PutConfigRule without a recorder is refused with
// NoAvailableConfigurationRecorderException, and PutOrganizationConfigRule
// (a moto gap: HTTP 500) works from the accounts in orgAdmins. Keys are
// Wheres of account IDs. Safe for concurrent use.
type configFake struct {
	mu          sync.Mutex
	recorders   map[estate.Location]bool
	rules       map[estate.Location]map[string]types.ConfigRule
	orgRules    map[estate.Location]map[string]types.OrganizationManagedRuleMetadata
	aggregators map[estate.Location]map[string]types.OrganizationAggregationSource
	orgAdmins   map[string]bool // account IDs that may put organization rules
	// unimplemented makes PutOrganizationConfigRule answer as moto does.
	unimplemented bool
	calls         []string // "Op account region", in order
}

func newConfigFake() *configFake {
	return &configFake{recorders: map[estate.Location]bool{}, rules: map[estate.Location]map[string]types.ConfigRule{},
		orgRules:    map[estate.Location]map[string]types.OrganizationManagedRuleMetadata{},
		aggregators: map[estate.Location]map[string]types.OrganizationAggregationSource{}, orgAdmins: map[string]bool{}}
}

// at is the client of one account (ID) and Region.
func (f *configFake) at(w estate.Location) logging.ConfigAPI { return &configFakeAt{f: f, w: w} }

func (f *configFake) record(op string, w estate.Location) {
	f.calls = append(f.calls, fmt.Sprintf("%s %s %s", op, w.Account, w.Region))
}

func (f *configFake) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, op+" ") {
			n++
		}
	}
	return n
}

// logging reads the fake back as the inventory reads AWS, naming accounts
// by key through keys (ID -> key).
func (f *configFake) logging(keys map[string]string) *estate.Logging {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := estate.NewLogging()
	back := func(w estate.Location) estate.Where {
		return estate.Where{Account: estate.AccountKey(keys[string(w.Account)]), Region: w.Region}
	}
	for w := range f.recorders {
		at := back(w)
		l.Recorders[at.Key("default")] = &estate.Recorder{Where: at, Name: "default"}
	}
	for w, rules := range f.rules {
		at := back(w)
		for name, r := range rules {
			l.Rules[at.Key(name)] = &estate.ConfigRule{Where: at, Name: name,
				Identifier: aws.ToString(r.Source.SourceIdentifier), Input: aws.ToString(r.InputParameters)}
		}
	}
	for w, rules := range f.orgRules {
		at := back(w)
		for name, m := range rules {
			l.Rules[at.Key("org/"+name)] = &estate.ConfigRule{Where: at, Name: "org/" + name,
				Identifier: aws.ToString(m.RuleIdentifier), Input: aws.ToString(m.InputParameters)}
		}
	}
	for w, aggs := range f.aggregators {
		at := back(w)
		for name, src := range aggs {
			l.Aggregators[at.Key(name)] = &estate.Aggregator{Where: at, Name: name, Organization: true,
				RoleARN: aws.ToString(src.RoleArn), AllRegions: src.AllAwsRegions}
		}
	}
	return l
}

// ruleNames lists the rules in an account (ID) and Region, sorted.
func (f *configFake) ruleNames(w estate.Location) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for name := range f.rules[w] {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// configFakeAt is configFake seen from one account and Region. It embeds
// the interface only so that a method another kind adds to ConfigAPI
// compiles here; calling one panics, which a test would show at once.
type configFakeAt struct {
	logging.ConfigAPI
	f *configFake
	w estate.Location
}

func (c *configFakeAt) PutConfigurationRecorder(context.Context, *configservice.PutConfigurationRecorderInput, ...func(*configservice.Options)) (*configservice.PutConfigurationRecorderOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.record("PutConfigurationRecorder", c.w)
	c.f.recorders[c.w] = true
	return &configservice.PutConfigurationRecorderOutput{}, nil
}

func (c *configFakeAt) PutDeliveryChannel(context.Context, *configservice.PutDeliveryChannelInput, ...func(*configservice.Options)) (*configservice.PutDeliveryChannelOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.record("PutDeliveryChannel", c.w)
	return &configservice.PutDeliveryChannelOutput{}, nil
}

func (c *configFakeAt) StartConfigurationRecorder(context.Context, *configservice.StartConfigurationRecorderInput, ...func(*configservice.Options)) (*configservice.StartConfigurationRecorderOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.record("StartConfigurationRecorder", c.w)
	return &configservice.StartConfigurationRecorderOutput{}, nil
}

func (c *configFakeAt) PutConfigRule(_ context.Context, in *configservice.PutConfigRuleInput, _ ...func(*configservice.Options)) (*configservice.PutConfigRuleOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.record("PutConfigRule", c.w)
	if !c.f.recorders[c.w] {
		return nil, &types.NoAvailableConfigurationRecorderException{Message: aws.String("Configuration recorder is not available to put config rule.")}
	}
	r := *in.ConfigRule
	if r.Source == nil || r.Source.Owner != types.OwnerAws || aws.ToString(r.Source.SourceIdentifier) == "" {
		return nil, &types.InvalidParameterValueException{Message: aws.String("a managed rule needs Owner AWS and a SourceIdentifier")}
	}
	if c.f.rules[c.w] == nil {
		c.f.rules[c.w] = map[string]types.ConfigRule{}
	}
	c.f.rules[c.w][aws.ToString(r.ConfigRuleName)] = r // a put replaces the rule, input included
	return &configservice.PutConfigRuleOutput{}, nil
}

func (c *configFakeAt) PutConfigurationAggregator(_ context.Context, in *configservice.PutConfigurationAggregatorInput, _ ...func(*configservice.Options)) (*configservice.PutConfigurationAggregatorOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.record("PutConfigurationAggregator", c.w)
	src := in.OrganizationAggregationSource
	if src == nil || aws.ToString(src.RoleArn) == "" || (!src.AllAwsRegions && len(src.AwsRegions) == 0) {
		return nil, &types.InvalidParameterValueException{Message: aws.String("an organization source needs a role and Regions")}
	}
	if c.f.aggregators[c.w] == nil {
		c.f.aggregators[c.w] = map[string]types.OrganizationAggregationSource{}
	}
	c.f.aggregators[c.w][aws.ToString(in.ConfigurationAggregatorName)] = *src
	return &configservice.PutConfigurationAggregatorOutput{}, nil
}

// PutOrganizationConfigRule stands in for AWS where moto 5.2 answers HTTP
// 500 (moto gap); with unimplemented set it answers what moto does.
func (c *configFakeAt) PutOrganizationConfigRule(_ context.Context, in *configservice.PutOrganizationConfigRuleInput, _ ...func(*configservice.Options)) (*configservice.PutOrganizationConfigRuleOutput, error) {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	c.f.record("PutOrganizationConfigRule", c.w)
	if c.f.unimplemented {
		return nil, motoUnimplemented("PutOrganizationConfigRule")
	}
	if !c.f.orgAdmins[string(c.w.Account)] {
		return nil, &types.OrganizationAccessDeniedException{Message: aws.String("not the management account or a delegated administrator")}
	}
	m := in.OrganizationManagedRuleMetadata
	if m == nil || aws.ToString(m.RuleIdentifier) == "" {
		return nil, &types.InvalidParameterValueException{Message: aws.String("managed rule metadata needs a RuleIdentifier")}
	}
	if c.f.orgRules[c.w] == nil {
		c.f.orgRules[c.w] = map[string]types.OrganizationManagedRuleMetadata{}
	}
	c.f.orgRules[c.w][aws.ToString(in.OrganizationConfigRuleName)] = *m
	return &configservice.PutOrganizationConfigRuleOutput{OrganizationConfigRuleArn: aws.String("arn:aws:config:" + c.w.Region + ":" + string(c.w.Account) + ":organization-config-rule/x")}, nil
}

// motoUnimplemented is the error the SDK returns for an operation moto
// lacks: HTTP 500 with an HTML body, so no AWS error code.
func motoUnimplemented(op string) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusInternalServerError}},
		Err:      errors.New(op + ": deserialization failed, failed to decode response body, invalid character '<' looking for beginning of value"),
	}}
}

// configServices serves configFake for Config and nothing else: the
// config kinds call no other service. It embeds the interface for the same
// reason configFakeAt does.
type configServices struct {
	logging.Clients
	config *configFake
}

func (s configServices) KMS(estate.Location) logging.KMSAPI               { return nil }
func (s configServices) S3(estate.Location) logging.S3API                 { return nil }
func (s configServices) CloudTrail(estate.Location) logging.CloudTrailAPI { return nil }
func (s configServices) Config(w estate.Location) logging.ConfigAPI       { return s.config.at(w) }
func (s configServices) IAM(estate.Location) logging.IAMAPI               { return nil }
func (s configServices) Logs(estate.Location) logging.LogsAPI             { return nil }
