package logging

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// config reads AWS Config at a place: the recorder, its status and
// delivery channel (as plan reads them), every Config rule (those AWS
// deploys from organization rules included, which an account sees as
// rules of its own), and every aggregator. The place joins the layer's
// Scope only when all of it was read, so that the checks judge it whole
// or not at all.
func (s *surveyRead) config(ctx context.Context, p place) {
	api := s.clients.Config(p.at)
	rec, err := readRecorder(ctx, api, p.where, p.at)
	if err != nil {
		s.notRead(partConfig, p.at, err)
		return
	}
	var rules []*estate.ConfigRule
	pages := configservice.NewDescribeConfigRulesPaginator(api, &configservice.DescribeConfigRulesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			s.notRead(partConfig, p.at, describe("read the Config rules", p.at, err))
			return
		}
		for _, cr := range page.ConfigRules {
			rule := &estate.ConfigRule{Where: p.where, Name: aws.ToString(cr.ConfigRuleName), Input: aws.ToString(cr.InputParameters)}
			if cr.Source != nil {
				rule.Identifier = aws.ToString(cr.Source.SourceIdentifier)
			}
			rules = append(rules, rule)
		}
	}
	var aggs []*estate.Aggregator
	in := &configservice.DescribeConfigurationAggregatorsInput{}
	for {
		out, err := api.DescribeConfigurationAggregators(ctx, in)
		if err != nil {
			s.notRead(partConfig, p.at, describe("read the Config aggregators", p.at, err))
			return
		}
		for _, ca := range out.ConfigurationAggregators {
			agg := &estate.Aggregator{Where: p.where, Name: aws.ToString(ca.ConfigurationAggregatorName)}
			if src := ca.OrganizationAggregationSource; src != nil {
				agg.Organization, agg.RoleARN, agg.AllRegions = true, aws.ToString(src.RoleArn), src.AllAwsRegions
			} else if len(ca.AccountAggregationSources) > 0 {
				agg.AllRegions = ca.AccountAggregationSources[0].AllAwsRegions
			}
			aggs = append(aggs, agg)
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	s.locked(func(l *estate.Logging) {
		l.Scope = append(l.Scope, p.where)
		if rec != nil {
			l.Recorders[p.where.Key(rec.Name)] = rec
		}
		for _, r := range rules {
			l.Rules[p.where.Key(r.Name)] = r
		}
		for _, a := range aggs {
			l.Aggregators[p.where.Key(a.Name)] = a
		}
	})
}
