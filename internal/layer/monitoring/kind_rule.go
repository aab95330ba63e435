package monitoring

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindEventRule manages EventBridge rules on the default event bus and
// the targets groundwork gives them: the root sign-in rule of guidance
// 001, which notifies the security topic. PutRule and PutTargets create or
// replace by name and target ID, so the change is idempotent. Targets the
// spec does not name are left alone.
const KindEventRule = "event-rule"

// EventRuleAddress is the address of a rule at w: "event-rule/<account>/<region>/<name>".
func EventRuleAddress(w estate.Where, name string) string {
	return kinds.Address(KindEventRule, kinds.WhereAddress(w)+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindEventRule, Diff: diffEventRules, Apply: applyEventRule})
}

// eventRuleValue is the rule an event rule change puts, with its pattern
// as the plan shows it and its targets resolved as far as the plan knows
// them; Apply resolves the rest.
type eventRuleValue struct {
	Rule estate.EventRule `json:"rule"`
}

func eventRuleAttrs(r *estate.EventRule, targets []string) plan.Attrs {
	return plan.Attrs{"account": string(r.Account), "region": r.Region, "name": r.Name, "description": r.Description,
		"event_pattern": kinds.PrettyJSON(r.EventPattern), "state": r.State, "targets": strings.Join(targets, ",")}
}

func resolvedTargets(r *estate.EventRule, actual *estate.Estate) []string {
	out := make([]string, 0, len(r.Targets))
	for _, arn := range r.Targets {
		out = append(out, kinds.ResolveActual(arn, actual))
	}
	slices.Sort(out)
	return out
}

func diffEventRules(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Monitoring == nil {
		return nil, nil
	}
	have := map[string]*estate.EventRule{}
	if actual.Monitoring != nil {
		have = actual.Monitoring.EventRules
	}
	var changes []plan.Change
	for _, key := range slices.Sorted(maps.Keys(desired.Monitoring.EventRules)) {
		d := desired.Monitoring.EventRules[key]
		want := resolvedTargets(d, actual)
		after := eventRuleAttrs(d, want)
		v := eventRuleValue{Rule: *d}
		v.Rule.EventPattern, v.Rule.Targets = after["event_pattern"], want
		ch := plan.SetValue(plan.Change{Address: EventRuleAddress(d.Where, d.Name), Kind: KindEventRule, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: append(kinds.AccountDeps(d.Account), topicDeps(desired.Monitoring, d.Targets)...)}, v)
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		got := resolvedTargets(a, actual)
		before := eventRuleAttrs(a, got)
		missing := slices.ContainsFunc(want, func(t string) bool { return !slices.Contains(got, t) })
		if missing || before["event_pattern"] != after["event_pattern"] || before["state"] != after["state"] ||
			before["description"] != after["description"] {
			ch.Action, ch.Before = plan.Update, before
			changes = append(changes, ch)
		}
	}
	return changes, nil
}

func applyEventRule(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[eventRuleValue](ch)
	if err != nil {
		return err
	}
	r := v.Rule
	cl, w, err := monitoringAt(env, r.Account, r.Region)
	if err != nil {
		return fmt.Errorf("event rule %s: %w", r.Name, err)
	}
	api := cl.EventBridge(w)
	if _, err := api.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(r.Name),
		Description: aws.String(r.Description), EventPattern: aws.String(kinds.CompactJSON(r.EventPattern)),
		State: types.RuleState(r.State)}); err != nil {
		return fmt.Errorf("put event rule %s in %s: %w", r.Name, w, err)
	}
	var targets []types.Target
	for _, arn := range r.Targets {
		resolved, err := env.Resolve(arn)
		if err != nil {
			return fmt.Errorf("event rule %s: %w", r.Name, err)
		}
		targets = append(targets, types.Target{Id: aws.String(TargetID(resolved)), Arn: aws.String(resolved)})
	}
	if len(targets) == 0 {
		return nil
	}
	out, err := api.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(r.Name), Targets: targets})
	if err != nil {
		return fmt.Errorf("put targets of event rule %s in %s: %w", r.Name, w, err)
	}
	if out.FailedEntryCount > 0 {
		var why []string
		for _, f := range out.FailedEntries {
			why = append(why, fmt.Sprintf("%s: %s %s", aws.ToString(f.TargetId), aws.ToString(f.ErrorCode), aws.ToString(f.ErrorMessage)))
		}
		return fmt.Errorf("put targets of event rule %s in %s: %d failed: %s", r.Name, w, out.FailedEntryCount, strings.Join(why, "; "))
	}
	return nil
}

var targetIDUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// maxTargetID is the length limit of an EventBridge target ID.
const maxTargetID = 64

// TargetID is the ID groundwork gives the target with the ARN: the ARN's
// last part (a topic's name) in the characters and length EventBridge
// accepts. It is stable, so PutTargets replaces the same target.
func TargetID(arn string) string {
	id := targetIDUnsafe.ReplaceAllString(arn[strings.LastIndexAny(arn, ":/")+1:], "-")
	if len(id) > maxTargetID {
		id = id[:maxTargetID]
	}
	return id
}
