package billing

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// BillingTopicAddress is the address of the billing topic in a Region.
func BillingTopicAddress(region, name string) string {
	return kinds.Address(kinds.KindBillingTopic, region+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: kinds.KindBillingTopic, Diff: diffBillingTopics, Apply: applyBillingTopic})
}

// billingTopicEndpoints are the e-mail endpoints subscribed to a topic,
// sorted and without duplicates.
func billingTopicEndpoints(t *estate.BillingTopic) []string {
	var out []string
	for _, s := range t.Subscriptions {
		if s.Protocol == "email" {
			out = append(out, s.Endpoint)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func billingTopicAttrs(t *estate.BillingTopic, actual *estate.Estate) plan.Attrs {
	return plan.Attrs{"account": t.Account, "region": t.Region, "name": t.Name,
		"policy":      kinds.PrettyJSON(kinds.ResolveActual(t.Policy, actual)),
		"subscribers": strings.Join(billingTopicEndpoints(t), ",")}
}

func diffBillingTopics(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Billing == nil {
		return nil, nil
	}
	var have map[string]*estate.BillingTopic
	if actual.Billing != nil {
		have = actual.Billing.Topics
	}
	var changes []plan.Change
	var notes []string
	for _, key := range slices.Sorted(maps.Keys(desired.Billing.Topics)) {
		d := desired.Billing.Topics[key]
		after := billingTopicAttrs(d, actual)
		ch := plan.Change{Address: BillingTopicAddress(d.Region, d.Name), Kind: kinds.KindBillingTopic,
			Group: kinds.UnitOf(desired, d.Account), After: after, DependsOn: billingDeps()}
		a, exists := have[key]
		if !exists || !a.Exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		before := billingTopicAttrs(a, actual)
		wanted, subscribed := billingTopicEndpoints(d), billingTopicEndpoints(a)
		var drift []string
		if before["policy"] != after["policy"] {
			drift = append(drift, "policy")
		}
		if missing := billingMissing(wanted, subscribed); len(missing) > 0 {
			drift = append(drift, "subscribers (subscribes "+strings.Join(missing, ", ")+")")
		}
		if extra := billingMissing(subscribed, wanted); len(extra) > 0 {
			notes = append(notes, fmt.Sprintf("billing topic %s in %s has subscribers the spec does not list (%s); groundwork leaves them subscribed",
				d.Name, d.Region, strings.Join(extra, ", ")))
		}
		if len(drift) > 0 {
			ch.Action, ch.Before = plan.Update, before
			ch.Reason = "differs from the spec: " + strings.Join(drift, ", ")
			changes = append(changes, ch)
		}
	}
	return changes, notes
}

// billingMissing returns the items of want that have does not hold,
// comparing e-mail addresses without regard to case.
func billingMissing(want, have []string) []string {
	var out []string
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, w) }) {
			out = append(out, w)
		}
	}
	return out
}

func billingSplit(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func applyBillingTopic(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	a := ch.After
	name, region := a["name"], a["region"]
	api := cl.Topics(region)
	out, err := api.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		return fmt.Errorf("create billing topic %s in %s: %w", name, region, err)
	}
	arn := aws.ToString(out.TopicArn)
	if ch.Action != plan.Update || ch.Before["policy"] != a["policy"] {
		policy, err := env.Resolve(a["policy"])
		if err != nil {
			return fmt.Errorf("billing topic %s: %w", name, err)
		}
		if _, err := api.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(arn),
			AttributeName: aws.String("Policy"), AttributeValue: aws.String(kinds.CompactJSON(policy))}); err != nil {
			return fmt.Errorf("set policy of billing topic %s in %s: %w", name, region, err)
		}
	}
	// A created or adopted topic gets every subscriber: SNS answers with
	// the existing subscription of an address subscribed already.
	subscribe := billingSplit(a["subscribers"])
	if ch.Action == plan.Update {
		subscribe = billingMissing(subscribe, billingSplit(ch.Before["subscribers"]))
	}
	for _, endpoint := range subscribe {
		if _, err := api.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(arn), Protocol: aws.String("email"),
			Endpoint: aws.String(endpoint)}); err != nil {
			return fmt.Errorf("subscribe %s to billing topic %s: %w", endpoint, name, err)
		}
		env.Logf("subscribed %s to %s: AWS sends a confirmation e-mail; the subscription works once it is confirmed", endpoint, name)
	}
	return nil
}
