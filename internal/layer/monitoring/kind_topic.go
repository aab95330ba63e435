package monitoring

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindTopic manages the security notification topic (guidance 000, 001,
// 003): the topic, its access policy and the e-mail subscriptions the spec
// lists. CreateTopic returns the existing topic of that name, the policy
// is a put, and an address is subscribed only when the topic has no
// subscription for it yet (pending ones included), so applying a change
// again sends no second confirmation e-mail. Subscriptions the spec does
// not list are left alone.
//
// An e-mail subscription delivers nothing until someone follows the link
// in the confirmation message AWS sends; the plan notes each one still
// pending, and the audit reports a topic without a confirmed subscription.
const KindTopic = "topic"

// TopicAddress is the address of a topic at w: "topic/<account>/<region>/<name>".
func TopicAddress(w estate.Where, name string) string {
	return kinds.Address(KindTopic, kinds.WhereAddress(w)+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindTopic, Diff: diffTopics, Apply: applyTopic})
}

// emailProtocol is the only protocol the spec subscribes.
const emailProtocol = "email"

// topicValue is what applying a topic change makes: the topic, its
// policy as the plan shows it (references the plan could not resolve yet
// are resolved by Apply) and the e-mail addresses subscribed to it.
type topicValue struct {
	Account     estate.AccountKey `json:"account"`
	Region      string            `json:"region"`
	Name        string            `json:"name"`
	Policy      string            `json:"policy,omitempty"`
	Subscribers []string          `json:"subscribers,omitempty"`
}

func topicValueOf(t *estate.Topic, actual *estate.Estate) topicValue {
	return topicValue{Account: t.Account, Region: t.Region, Name: t.Name,
		Policy: kinds.PrettyJSON(kinds.ResolveActual(t.Policy, actual)), Subscribers: emailSubscribers(t)}
}

// emailSubscribers are the addresses of the topic's e-mail
// subscriptions, sorted.
func emailSubscribers(t *estate.Topic) []string {
	var subs []string
	for _, s := range t.Subscriptions {
		if s.Protocol == emailProtocol {
			subs = append(subs, s.Endpoint)
		}
	}
	sort.Strings(subs)
	return subs
}

func topicAttrs(t *estate.Topic, actual *estate.Estate) plan.Attrs {
	return plan.Attrs{"account": string(t.Account), "region": t.Region, "name": t.Name,
		"arn": kinds.ResolveActual(t.ARN, actual), "policy": kinds.PrettyJSON(kinds.ResolveActual(t.Policy, actual)),
		"subscribers": strings.Join(emailSubscribers(t), ",")}
}

func diffTopics(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Monitoring == nil {
		return nil, nil
	}
	have := map[string]*estate.Topic{}
	if actual.Monitoring != nil {
		have = actual.Monitoring.Topics
	}
	var changes []plan.Change
	var notes []string
	for _, key := range slices.Sorted(maps.Keys(desired.Monitoring.Topics)) {
		d := desired.Monitoring.Topics[key]
		after, want := topicAttrs(d, actual), topicValueOf(d, actual)
		ch := plan.SetValue(plan.Change{Address: TopicAddress(d.Where, d.Name), Kind: KindTopic, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: kinds.AccountDeps(d.Account)}, want)
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			ch.Reason = "each subscriber gets a confirmation e-mail and hears nothing until it follows the link"
			changes = append(changes, ch)
			continue
		}
		missing := missingSubscribers(want.Subscribers, a)
		before := topicAttrs(a, actual)
		if before["policy"] != after["policy"] || len(missing) > 0 {
			ch.Action, ch.Before = plan.Update, before
			if len(missing) > 0 {
				ch.Reason = "subscribes " + strings.Join(missing, ", ") + "; each gets a confirmation e-mail"
			}
			changes = append(changes, ch)
		}
		for _, s := range a.Subscriptions {
			if s.Pending && slicesContainsFold(want.Subscribers, s.Endpoint) {
				notes = append(notes, fmt.Sprintf("topic %s in %s: %s has not confirmed its subscription, so it receives nothing "+
					"until someone follows the link in the confirmation e-mail from AWS", d.Name, d.Where, s.Endpoint))
			}
		}
	}
	return changes, notes
}

// missingSubscribers are the addresses of list that have no e-mail
// subscription on the topic, confirmed or pending.
func missingSubscribers(list []string, t *estate.Topic) []string {
	have := emailSubscribers(t)
	var missing []string
	for _, addr := range list {
		if !slicesContainsFold(have, addr) {
			missing = append(missing, addr)
		}
	}
	return missing
}

// slicesContainsFold reports whether list holds s, ignoring case: SNS
// keeps an e-mail endpoint as written, and mail domains ignore case.
func slicesContainsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func applyTopic(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[topicValue](ch)
	if err != nil {
		return err
	}
	cl, w, err := monitoringAt(env, v.Account, v.Region)
	if err != nil {
		return fmt.Errorf("topic %s: %w", v.Name, err)
	}
	api := cl.SNS(w)
	out, err := api.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(v.Name)})
	if err != nil {
		return fmt.Errorf("create topic %s in %s: %w", v.Name, w, err)
	}
	arn := aws.ToString(out.TopicArn)
	if v.Policy != "" {
		policy, err := env.Resolve(v.Policy)
		if err != nil {
			return fmt.Errorf("topic %s: %w", v.Name, err)
		}
		if _, err := api.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(arn),
			AttributeName: aws.String("Policy"), AttributeValue: aws.String(kinds.CompactJSON(policy))}); err != nil {
			return fmt.Errorf("set the policy of topic %s in %s: %w", v.Name, w, err)
		}
	}
	// Guard: subscribe only the addresses the topic lacks, so that running
	// the change again does not have AWS ask anyone to confirm twice.
	var have []string
	pages := sns.NewListSubscriptionsByTopicPaginator(api, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("read subscriptions of topic %s in %s: %w", v.Name, w, err)
		}
		for _, s := range page.Subscriptions {
			if aws.ToString(s.Protocol) == emailProtocol {
				have = append(have, aws.ToString(s.Endpoint))
			}
		}
	}
	for _, addr := range v.Subscribers {
		if slicesContainsFold(have, addr) {
			continue
		}
		// Subscribe answers the existing subscription of the same topic,
		// protocol and endpoint, so the SDK's retry after a lost response
		// makes no second one.
		if _, err := api.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(arn),
			Protocol: aws.String(emailProtocol), Endpoint: aws.String(addr)}); err != nil {
			return fmt.Errorf("subscribe %s to topic %s in %s: %w", addr, v.Name, w, err)
		}
		env.Logf("subscribed %s to %s: AWS sends it a confirmation e-mail to follow", addr, arn)
	}
	return nil
}
