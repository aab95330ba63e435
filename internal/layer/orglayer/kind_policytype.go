package orglayer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindPolicyType enables a policy type (SCPs, tag policies) on the root,
// which AWS requires before a policy of that type can be attached. It never
// disables one: that would detach every policy of the type at once.
const KindPolicyType = "policy-type"

// PolicyTypeAddress is the address of enabling a policy type.
func PolicyTypeAddress(policyType string) string { return kinds.Address(KindPolicyType, policyType) }

func init() {
	kinds.Register(kinds.Registration{Name: KindPolicyType, Diff: diffPolicyTypes, Apply: applyPolicyType})
}

// policyTypeValue is what a policy type change applies: the type to
// enable on the root.
type policyTypeValue struct {
	Type string `json:"type"`
}

func diffPolicyTypes(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d, a, ok := orgLayers(desired, actual)
	if !ok {
		return nil, nil
	}
	var changes []plan.Change
	for _, pt := range d.EnabledPolicyTypes {
		if slices.Contains(a.EnabledPolicyTypes, pt) {
			continue
		}
		changes = append(changes, plan.SetValue(plan.Change{
			Address: PolicyTypeAddress(pt), Kind: KindPolicyType, Action: plan.Create,
			Before: plan.Attrs{"status": "disabled"}, After: plan.Attrs{"status": "enabled"},
			Reason:    "policies of this type can be attached only once it is enabled on the root",
			DependsOn: orgDeps(actual),
		}, policyTypeValue{Type: pt}))
	}
	return changes, nil
}

func applyPolicyType(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[policyTypeValue](ch)
	if err != nil {
		return err
	}
	pt := v.Type
	root, err := env.ParentID(ctx, estate.RootPath)
	if err != nil {
		return fmt.Errorf("enable %s: %w", pt, err)
	}
	_, err = cl.Org.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: types.PolicyType(pt)})
	var already *types.PolicyTypeAlreadyEnabledException
	if err != nil && !errors.As(err, &already) {
		return fmt.Errorf("enable %s: %w", pt, err)
	}
	return nil
}
