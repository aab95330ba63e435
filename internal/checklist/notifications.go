package checklist

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// The notification step: the alarm topics in the management account's
// home Region notify someone only once a subscription exists and its
// owner confirmed it, which takes a click in an e-mail (guidance 001: "you
// need to subscribe to it"; 003: subscribe the security distribution
// list).

// pendingConfirmation is the SubscriptionArn SNS lists for a subscription
// not confirmed yet.
const pendingConfirmation = "PendingConfirmation"

func init() {
	register(step{
		ID:       "CL-014",
		Title:    "SNS subscriptions of the alarm topics confirmed",
		Guidance: "001 Other manual tasks; 003 Logging and Auditing; 003 Billing and Cost Monitoring",
		ConsolePath: "Simple Notification Service (home Region) > Subscriptions > select the subscription > Request confirmation, " +
			"then choose Confirm subscription in the e-mail",
		Scope:  scopeManagement,
		Detect: detectSubscriptions,
	})
}

func detectSubscriptions(ctx context.Context, e *env, _ Account) (Status, string) {
	p := sns.NewListSubscriptionsPaginator(e.r.SNS(), &sns.ListSubscriptionsInput{})
	total := 0
	var pending []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return Unknown, "list subscriptions: " + err.Error()
		}
		for _, s := range page.Subscriptions {
			total++
			if aws.ToString(s.SubscriptionArn) == pendingConfirmation {
				pending = append(pending, fmt.Sprintf("%s %s (topic %s)", aws.ToString(s.Protocol), aws.ToString(s.Endpoint), topicName(aws.ToString(s.TopicArn))))
			}
		}
	}
	switch {
	case len(pending) > 0:
		return Todo, fmt.Sprintf("%s pending confirmation (of %d): %s", subscriptions(len(pending)), total, strings.Join(pending, ", "))
	case total == 0:
		return Todo, "no SNS subscriptions in the home Region: the alarm topics notify nobody; subscribe the security distribution list"
	}
	return Done, subscriptions(total) + ", all confirmed"
}

func subscriptions(n int) string {
	if n == 1 {
		return "1 subscription"
	}
	return fmt.Sprintf("%d subscriptions", n)
}

// topicName is the last part of a topic ARN.
func topicName(arn string) string {
	return arn[strings.LastIndex(arn, ":")+1:]
}
