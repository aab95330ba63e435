package logging

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindConfigRule puts an AWS managed Config rule (guidance 000 and 003).
// A rule named "org/NAME" is an organization Config rule NAME, put once
// from the rule's account (the Config delegated administrator, or the
// management account) and deployed by AWS to every member account; any
// other rule is put in its own account and Region. Both are puts that
// create or update by name, so the change is idempotent. Rules outside
// the spec are left alone.
const KindConfigRule = "config-rule"

// ruleAdminService is the service principal whose delegated administrator
// puts organization Config rules.
const ruleAdminService = "config-multiaccountsetup.amazonaws.com"

// ConfigRuleAddress is the address of a rule: "config-rule/ACCOUNT/REGION/NAME".
func ConfigRuleAddress(w estate.Where, name string) string {
	return kinds.Address(KindConfigRule, kinds.WhereAddress(w)+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindConfigRule, Diff: diffConfigRules, Apply: applyConfigRule})
}

func configRuleAttrs(r *estate.ConfigRule) plan.Attrs {
	a := plan.Attrs{"account": string(r.Account), "region": r.Region, "name": r.Name, "identifier": r.Identifier}
	if in := ruleInput(r.Input); in != "" {
		a["input"] = in
	}
	if strings.HasPrefix(r.Name, orgRulePrefix) {
		a["organization"] = "true"
	}
	return a
}

// configRuleValue is what a rule change applies. ClearInput asks an
// update to remove the parameters the rule has and the spec does not.
type configRuleValue struct {
	Account      estate.AccountKey `json:"account"`
	Region       string            `json:"region"`
	Name         string            `json:"name"`
	Identifier   string            `json:"identifier"`
	Input        string            `json:"input,omitempty"`
	Organization bool              `json:"organization,omitempty"`
	ClearInput   bool              `json:"clear_input,omitempty"`
}

func newConfigRuleValue(r *estate.ConfigRule) configRuleValue {
	return configRuleValue{Account: r.Account, Region: r.Region, Name: r.Name, Identifier: r.Identifier,
		Input: ruleInput(r.Input), Organization: strings.HasPrefix(r.Name, orgRulePrefix)}
}

// ruleInput is input parameters in one canonical form, so that key order
// and spacing are no drift, and "{}" (which AWS may report for a rule
// put without parameters) is none.
func ruleInput(s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return s
	}
	b, err := json.Marshal(v) // map keys sorted
	if err != nil || string(b) == "{}" || string(b) == "null" {
		return ""
	}
	return string(b)
}

func diffConfigRules(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Logging == nil {
		return nil, nil
	}
	have := map[string]*estate.ConfigRule{}
	if actual.Logging != nil {
		have = actual.Logging.Rules
	}
	var changes []plan.Change
	for _, key := range slices.Sorted(maps.Keys(desired.Logging.Rules)) {
		d := desired.Logging.Rules[key]
		after := configRuleAttrs(d)
		ch := plan.Change{Address: ConfigRuleAddress(d.Where, d.Name), Kind: KindConfigRule, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: configRuleDeps(desired, d)}
		v := newConfigRuleValue(d)
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, plan.SetValue(ch, v))
			continue
		}
		before := configRuleAttrs(a)
		if !maps.Equal(before, after) {
			ch.Action, ch.Before = plan.Update, before
			v.ClearInput = v.Input == "" && ruleInput(a.Input) != ""
			changes = append(changes, plan.SetValue(ch, v))
		}
	}
	return changes, nil
}

// configRuleDeps: AWS refuses PutConfigRule in an account and Region
// without a configuration recorder (NoAvailableConfigurationRecorder
// Exception; moto 5.2 does not check), so a rule waits for its recorder.
// An organization rule is deployed only to member accounts where Config
// already records, and a rule that exists is not put again, so it waits for
// every recorder of the plan, and for the delegated administrator of
// config-multiaccountsetup (with trusted access) that it is put from.
func configRuleDeps(desired *estate.Estate, r *estate.ConfigRule) []string {
	deps := kinds.AccountDeps(r.Account)
	if !strings.HasPrefix(r.Name, orgRulePrefix) {
		return append(deps, RecorderAddress(r.Where))
	}
	deps = append(deps, orglayer.TrustedAccessAddress(ruleAdminService), orglayer.DelegatedAdminAddress(ruleAdminService))
	for _, rec := range desired.Logging.SortedRecorders() {
		deps = append(deps, RecorderAddress(rec.Where))
	}
	return deps
}

func applyConfigRule(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[configRuleValue](ch)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: v.Account, Region: v.Region})
	if err != nil {
		return fmt.Errorf("config rule %s: %w", v.Name, err)
	}
	api := cl.Config(w)
	var input *string
	switch {
	case v.Input != "":
		input = aws.String(v.Input)
	case v.ClearInput:
		// Clear parameters with "{}" rather than leave it to how an
		// update treats a missing field (moto 5.2 clears them either
		// way); "{}" read back is no input to ruleInput.
		input = aws.String("{}")
	}
	if v.Organization {
		name := strings.TrimPrefix(v.Name, orgRulePrefix)
		_, err := api.PutOrganizationConfigRule(ctx, &configservice.PutOrganizationConfigRuleInput{
			OrganizationConfigRuleName: aws.String(name),
			OrganizationManagedRuleMetadata: &types.OrganizationManagedRuleMetadata{
				RuleIdentifier: aws.String(v.Identifier), InputParameters: input},
		})
		if err != nil {
			return fmt.Errorf("put organization config rule %s from %s: %w%s", name, w, err,
				unimplementedHint(err, "PutOrganizationConfigRule"))
		}
		return nil
	}
	if _, err := api.PutConfigRule(ctx, &configservice.PutConfigRuleInput{ConfigRule: &types.ConfigRule{
		ConfigRuleName:  aws.String(v.Name),
		Source:          &types.Source{Owner: types.OwnerAws, SourceIdentifier: aws.String(v.Identifier)},
		InputParameters: input,
	}}); err != nil {
		return fmt.Errorf("put config rule %s in %s: %w", v.Name, w, err)
	}
	return nil
}

// unimplementedHint explains an HTTP 500 without an AWS error code: what
// an endpoint that lacks the operation answers (moto 5.2 lacks the
// organization Config rule operations, and answers an HTML error page),
// where an AWS fault carries a code such as InternalFailure.
func unimplementedHint(err error, op string) string {
	if awsx.Unimplemented(err) {
		return fmt.Sprintf(" (the endpoint answered HTTP 500: it may not implement %s, as the local AWS API moto does not)", op)
	}
	return ""
}
