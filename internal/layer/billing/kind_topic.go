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

// KindBillingTopic manages the billing SNS topic of the management account
// (guidance 003: a topic for budget notifications with the billing
// distribution list subscribed; 001: someone must subscribe): the topic,
// its policy (AWS Budgets and CloudWatch alarms of the account may
// publish), and an e-mail subscription per subscriber. CreateTopic returns
// the existing topic of a name and SetTopicAttributes is a put, so the
// change is idempotent. Subscribing an address that has a subscription
// already, confirmed or pending, is left out: SNS would send a pending
// one another confirmation e-mail. Subscriptions outside the spec are
// left alone and noted; groundwork never unsubscribes anyone.
const KindBillingTopic = "billing-topic"

// BillingTopicAddress is the address of the billing topic in a Region.
func BillingTopicAddress(region, name string) string {
	return kinds.Address(KindBillingTopic, region+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindBillingTopic, Diff: diffBillingTopics, Apply: applyBillingTopic})
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

// billingTopicValue is what applying a billing topic change does: make
// the topic (CreateTopic returns an existing one), put its policy when
// SetPolicy says so, and subscribe the addresses of Subscribe. Policy is
// as the plan shows it; Apply resolves the references left in it.
type billingTopicValue struct {
	Region    string   `json:"region"`
	Name      string   `json:"name"`
	Policy    string   `json:"policy,omitempty"`
	SetPolicy bool     `json:"set_policy,omitempty"`
	Subscribe []string `json:"subscribe,omitempty"`
}

func billingTopicAttrs(t *estate.BillingTopic, actual *estate.Estate) plan.Attrs {
	return plan.Attrs{"account": string(t.Account), "region": t.Region, "name": t.Name,
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
		ch := plan.Change{Address: BillingTopicAddress(d.Region, d.Name), Kind: KindBillingTopic,
			Group: kinds.UnitOf(desired, d.Account), After: after, DependsOn: billingDeps()}
		v := billingTopicValue{Region: d.Region, Name: d.Name, Policy: after["policy"]}
		a, exists := have[key]
		if !exists || !a.Exists {
			// A created or adopted topic gets every subscriber: SNS answers
			// with the existing subscription of an address subscribed already.
			v.SetPolicy, v.Subscribe = true, billingTopicEndpoints(d)
			ch.Action = plan.Create
			changes = append(changes, plan.SetValue(ch, v))
			continue
		}
		before := billingTopicAttrs(a, actual)
		wanted, subscribed := billingTopicEndpoints(d), billingTopicEndpoints(a)
		var drift []string
		if before["policy"] != after["policy"] {
			v.SetPolicy = true
			drift = append(drift, "policy")
		}
		if missing := billingMissing(wanted, subscribed); len(missing) > 0 {
			v.Subscribe = missing
			drift = append(drift, "subscribers (subscribes "+strings.Join(missing, ", ")+")")
		}
		if extra := billingMissing(subscribed, wanted); len(extra) > 0 {
			notes = append(notes, fmt.Sprintf("billing topic %s in %s has subscribers the spec does not list (%s); groundwork leaves them subscribed",
				d.Name, d.Region, strings.Join(extra, ", ")))
		}
		if len(drift) > 0 {
			ch.Action, ch.Before = plan.Update, before
			ch.Reason = "differs from the spec: " + strings.Join(drift, ", ")
			changes = append(changes, plan.SetValue(ch, v))
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

func applyBillingTopic(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[billingTopicValue](ch)
	if err != nil {
		return err
	}
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	api := cl.Topics(v.Region)
	out, err := api.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(v.Name)})
	if err != nil {
		return fmt.Errorf("create billing topic %s in %s: %w", v.Name, v.Region, err)
	}
	arn := aws.ToString(out.TopicArn)
	if v.SetPolicy {
		policy, err := env.Resolve(v.Policy)
		if err != nil {
			return fmt.Errorf("billing topic %s: %w", v.Name, err)
		}
		if _, err := api.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(arn),
			AttributeName: aws.String("Policy"), AttributeValue: aws.String(kinds.CompactJSON(policy))}); err != nil {
			return fmt.Errorf("set policy of billing topic %s in %s: %w", v.Name, v.Region, err)
		}
	}
	for _, endpoint := range v.Subscribe {
		if _, err := api.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(arn), Protocol: aws.String("email"),
			Endpoint: aws.String(endpoint)}); err != nil {
			return fmt.Errorf("subscribe %s to billing topic %s: %w", endpoint, v.Name, err)
		}
		env.Logf("subscribed %s to %s: AWS sends a confirmation e-mail; the subscription works once it is confirmed", endpoint, v.Name)
	}
	return nil
}
