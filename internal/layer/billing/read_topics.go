package billing

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// collectBillingTopics reads each topic of topics: its attributes (one
// call) and subscriptions (one call per 100). A topic that does not exist
// is recorded as absent, so that the audit can tell it from one that was
// not looked for.
func collectBillingTopics(ctx context.Context, g *errgroup.Group, r *billingRead, topics map[string]*estate.BillingTopic) {
	for key, want := range topics {
		g.Go(func() error {
			t, err := readBillingTopic(ctx, r.clients.Topics(want.Region), want,
				fmt.Sprintf("arn:aws:sns:%s:%s:%s", want.Region, r.mgmtID, want.Name))
			if err != nil {
				return fmt.Errorf("read billing topic %s in %s: %w", want.Name, want.Region, err)
			}
			r.locked(func(out *estate.Billing) { out.Topics[key] = t })
			return nil
		})
	}
}

// notifiedTopics are the topics the survey reads: those want names, and
// every topic of the management account that a budget notification read
// (where its subscribers could be read) or an EstimatedCharges alarm
// notifies. A topic of another account is not the management account's
// to read.
func (r *billingRead) notifiedTopics() map[string]*estate.BillingTopic {
	out := map[string]*estate.BillingTopic{}
	for key, t := range r.want.Topics {
		out[key] = t
	}
	add := func(arn string) {
		parts := strings.SplitN(arn, ":", 6)
		if len(parts) < 6 || parts[2] != "sns" || parts[4] != r.mgmtID || parts[3] == "" || strings.Contains(parts[5], ":") {
			return
		}
		w := estate.Where{Account: estate.ManagementKey, Region: parts[3]}
		if _, ok := out[w.Key(parts[5])]; !ok {
			out[w.Key(parts[5])] = &estate.BillingTopic{Where: w, Name: parts[5]}
		}
	}
	for _, a := range r.out.Alarms {
		for _, arn := range a.Actions {
			add(arn)
		}
	}
	for _, b := range r.out.Budgets {
		for _, n := range b.Notifications {
			for _, s := range n.Subscribers {
				if s.Type == "SNS" {
					add(s.Address)
				}
			}
		}
	}
	return out
}

func readBillingTopic(ctx context.Context, api topicReadAPI, want *estate.BillingTopic, arn string) (*estate.BillingTopic, error) {
	t := &estate.BillingTopic{Where: want.Where, Name: want.Name}
	attrs, err := api.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if awsx.ErrorCodeIs(err, "NotFound", "NotFoundException") {
		return t, nil
	}
	if err != nil {
		return nil, err
	}
	t.Exists, t.ARN, t.Policy = true, arn, attrs.Attributes["Policy"]
	pages := sns.NewListSubscriptionsByTopicPaginator(api, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("subscriptions: %w", err)
		}
		for _, s := range page.Subscriptions {
			t.Subscriptions = append(t.Subscriptions, estate.BillingSubscription{Protocol: aws.ToString(s.Protocol),
				Endpoint: aws.ToString(s.Endpoint), Confirmed: confirmed(s.SubscriptionArn)})
		}
	}
	slices.SortFunc(t.Subscriptions, func(a, b estate.BillingSubscription) int {
		return cmp.Or(cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Endpoint, b.Endpoint))
	})
	return t, nil
}

// confirmed tells a confirmed subscription by its ARN: SNS lists one that
// nobody has confirmed yet as "PendingConfirmation" (and one just
// removed as "Deleted") instead.
func confirmed(subscriptionARN *string) bool {
	return strings.HasPrefix(aws.ToString(subscriptionARN), "arn:")
}
