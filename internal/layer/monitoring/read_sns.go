package monitoring

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// readTopics reads each topic the desired layer names, at the ARN it
// names (the account reference resolved): GetTopicAttributes for the
// policy, and ListSubscriptionsByTopic, paged. A pending e-mail
// subscription comes back with the ARN "PendingConfirmation" on AWS;
// moto 5.2.5 confirms e-mail subscriptions at once, so it never shows
// one.
func readTopics(ctx context.Context, g *errgroup.Group, r *monitoringRead) {
	for key, want := range r.want.Topics {
		w, ok := r.at(want.Where)
		if !ok {
			continue
		}
		arn, ok := estate.Resolve(want.ARN, r.e.Lookup)
		if !ok {
			continue
		}
		g.Go(func() error {
			t, err := readTopic(ctx, r.clients.SNS(w), w, want, arn)
			if err != nil || t == nil {
				return err
			}
			r.locked(func(m *estate.Monitoring) { m.Topics[key] = t })
			return nil
		})
	}
}

// readTopic returns the topic with the ARN, or nil when there is none.
func readTopic(ctx context.Context, api snsReadAPI, w estate.Location, want *estate.Topic, arn string) (*estate.Topic, error) {
	attrs, err := api.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if awsx.ErrorCodeIs(err, "NotFound", "NotFoundException") {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read topic %s in %s: %w", want.Name, w, err)
	}
	t := &estate.Topic{Where: want.Where, Name: want.Name, ARN: arn, Policy: attrs.Attributes["Policy"]}
	if v := attrs.Attributes["TopicArn"]; v != "" {
		t.ARN = v
	}
	pages := sns.NewListSubscriptionsByTopicPaginator(api, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if awsx.ErrorCodeIs(err, "NotFound", "NotFoundException") {
			return nil, nil // deleted since GetTopicAttributes
		}
		if err != nil {
			return nil, fmt.Errorf("read subscriptions of topic %s in %s: %w", want.Name, w, err)
		}
		for _, s := range page.Subscriptions {
			sub := estate.Subscription{Protocol: aws.ToString(s.Protocol), Endpoint: aws.ToString(s.Endpoint),
				ARN: aws.ToString(s.SubscriptionArn)}
			sub.Pending = sub.ARN == estate.PendingConfirmation
			t.Subscriptions = append(t.Subscriptions, sub)
		}
	}
	estate.SortSubscriptions(t.Subscriptions)
	return t, nil
}
