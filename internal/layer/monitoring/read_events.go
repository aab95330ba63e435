package monitoring

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// readEventRules reads each EventBridge rule the desired layer names, on
// the default event bus: DescribeRule, then ListTargetsByRule, paged.
func readEventRules(ctx context.Context, g *errgroup.Group, r *monitoringRead) {
	for key, want := range r.want.EventRules {
		w, ok := r.at(want.Where)
		if !ok {
			continue
		}
		g.Go(func() error {
			rule, err := readEventRule(ctx, r.clients.EventBridge(w), w, want)
			if err != nil || rule == nil {
				return err
			}
			r.locked(func(m *estate.Monitoring) { m.EventRules[key] = rule })
			return nil
		})
	}
}

func readEventRule(ctx context.Context, api eventBridgeReadAPI, w estate.Location, want *estate.EventRule) (*estate.EventRule, error) {
	out, err := api.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(want.Name)})
	if awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read event rule %s in %s: %w", want.Name, w, err)
	}
	rule := &estate.EventRule{Where: want.Where, Name: want.Name, Description: aws.ToString(out.Description),
		EventPattern: aws.ToString(out.EventPattern), State: string(out.State)}
	in := &eventbridge.ListTargetsByRuleInput{Rule: aws.String(want.Name)}
	for {
		page, err := api.ListTargetsByRule(ctx, in)
		if awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
			return nil, nil // deleted since DescribeRule
		}
		if err != nil {
			return nil, fmt.Errorf("read targets of event rule %s in %s: %w", want.Name, w, err)
		}
		for _, t := range page.Targets {
			rule.Targets = append(rule.Targets, aws.ToString(t.Arn))
		}
		if aws.ToString(page.NextToken) == "" || aws.ToString(page.NextToken) == aws.ToString(in.NextToken) {
			break
		}
		in.NextToken = page.NextToken
	}
	slices.Sort(rule.Targets)
	return rule, nil
}
