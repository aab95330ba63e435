package logging

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// orgRulePrefix marks an organization Config rule in estate rule names
// (see spec.desiredLogging).
const orgRulePrefix = "org/"

func init() {
	registerLoggingCollector(collectRules)
	registerLoggingCollector(collectAggregators)
}

// collectRules reads the Config rules of every account and Region of the
// scope (one call per 25 rules, Config's page size), and the organization
// rules where the desired layer wants some. collectRecorders records the
// scope; this adds nothing to it.
func collectRules(ctx context.Context, g *errgroup.Group, r *loggingRead) {
	for _, scope := range r.want.Scope {
		if r.survey {
			break // read in every place
		}
		w, ok := r.at(scope)
		if !ok {
			continue
		}
		g.Go(func() error {
			pages := configservice.NewDescribeConfigRulesPaginator(r.clients.Config(w), &configservice.DescribeConfigRulesInput{})
			var rules []*estate.ConfigRule
			for pages.HasMorePages() {
				page, err := pages.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("read Config rules in %s: %w", w, err)
				}
				for _, cr := range page.ConfigRules {
					rule := &estate.ConfigRule{Where: scope, Name: aws.ToString(cr.ConfigRuleName),
						Input: aws.ToString(cr.InputParameters)}
					if cr.Source != nil {
						rule.Identifier = aws.ToString(cr.Source.SourceIdentifier)
					}
					rules = append(rules, rule)
				}
			}
			r.locked(func(l *estate.Logging) {
				for _, rule := range rules {
					l.Rules[scope.Key(rule.Name)] = rule
				}
			})
			return nil
		})
	}
	for _, at := range orgRuleAccounts(r.want) {
		w, ok := r.at(at)
		if !ok {
			continue
		}
		g.Go(func() error {
			err := collectOrgRules(ctx, r, at, w)
			if err != nil && r.soft != nil {
				// Organization rules count for every account of the Region:
				// without them, no account's rules there are known.
				r.soft(partConfig, estate.Location{Region: w.Region}, err)
				return nil
			}
			return err
		})
	}
}

// orgRuleAccounts are the accounts and Regions the desired organization
// rules are put from, in order.
func orgRuleAccounts(want *estate.Logging) []estate.Where {
	seen := map[estate.Where]bool{}
	var out []estate.Where
	for _, rule := range want.Rules {
		if strings.HasPrefix(rule.Name, orgRulePrefix) && !seen[rule.Where] {
			seen[rule.Where] = true
			out = append(out, rule.Where)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key("") < out[j].Key("") })
	return out
}

// collectOrgRules reads the organization Config rules visible from the
// account of at (w is its resolved ID), as "org/NAME". An account that may
// not manage organization rules yet (not the delegated administrator, or
// the organization lacks trusted access) holds none; they are planned,
// after the registration they wait for.
func collectOrgRules(ctx context.Context, r *loggingRead, at estate.Where, w estate.Location) error {
	pages := configservice.NewDescribeOrganizationConfigRulesPaginator(r.clients.Config(w), &configservice.DescribeOrganizationConfigRulesInput{})
	var rules []*estate.ConfigRule
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if awsx.ErrorCodeIs(err, "OrganizationAccessDeniedException", "NoAvailableOrganizationException") {
			return nil
		}
		if awsx.Unimplemented(err) {
			return fmt.Errorf("read organization Config rules in %s: unreadable: HTTP 500 with no AWS error code is how an endpoint lacking DescribeOrganizationConfigRules answers (a moto gap); the spec's organization rules cannot be compared: %w", w, err)
		}
		if err != nil {
			return fmt.Errorf("read organization Config rules in %s: %w", w, err)
		}
		for _, cr := range page.OrganizationConfigRules {
			rule := &estate.ConfigRule{Where: at, Name: orgRulePrefix + aws.ToString(cr.OrganizationConfigRuleName)}
			switch {
			case cr.OrganizationManagedRuleMetadata != nil:
				rule.Identifier = aws.ToString(cr.OrganizationManagedRuleMetadata.RuleIdentifier)
				rule.Input = aws.ToString(cr.OrganizationManagedRuleMetadata.InputParameters)
			case cr.OrganizationCustomRuleMetadata != nil:
				rule.Identifier = aws.ToString(cr.OrganizationCustomRuleMetadata.LambdaFunctionArn)
				rule.Input = aws.ToString(cr.OrganizationCustomRuleMetadata.InputParameters)
			}
			rules = append(rules, rule)
		}
	}
	r.locked(func(l *estate.Logging) {
		for _, rule := range rules {
			l.Rules[at.Key(rule.Name)] = rule
		}
	})
	return nil
}

// collectAggregators reads each aggregator the desired layer names: one
// call each.
func collectAggregators(ctx context.Context, g *errgroup.Group, r *loggingRead) {
	if r.survey {
		return // every aggregator of every place is read
	}
	for key, want := range r.want.Aggregators {
		w, ok := r.at(want.Where)
		if !ok {
			continue
		}
		g.Go(func() error {
			out, err := r.clients.Config(w).DescribeConfigurationAggregators(ctx, &configservice.DescribeConfigurationAggregatorsInput{
				ConfigurationAggregatorNames: []string{want.Name}})
			if awsx.ErrorCodeIs(err, "NoSuchConfigurationAggregatorException") {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read Config aggregator %s in %s: %w", want.Name, w, err)
			}
			for _, ca := range out.ConfigurationAggregators {
				if aws.ToString(ca.ConfigurationAggregatorName) != want.Name {
					continue
				}
				agg := &estate.Aggregator{Where: want.Where, Name: want.Name}
				if src := ca.OrganizationAggregationSource; src != nil {
					agg.Organization, agg.RoleARN, agg.AllRegions = true, aws.ToString(src.RoleArn), src.AllAwsRegions
				} else if len(ca.AccountAggregationSources) > 0 {
					agg.AllRegions = ca.AccountAggregationSources[0].AllAwsRegions
				}
				r.locked(func(l *estate.Logging) { l.Aggregators[key] = agg })
			}
			return nil
		})
	}
}
