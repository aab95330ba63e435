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

// KindPolicy manages customer-managed organization policies (SCPs and tag
// policies): their content and description. AWS-managed policies such as
// FullAWSAccess are never touched. Policies it creates carry groundwork's
// ownership tag (kinds.OwnerTagKey); one the spec declares without it is
// adopted (tagged). A policy the spec no longer has is deleted only with
// --allow-delete, after it is detached everywhere, and only when it
// carries the tag: any other is left alone.
const KindPolicy = "policy"

// KindAttachment attaches a policy to the root, an OU or an account.
// Detaching needs --allow-delete, and is planned only for a policy that
// carries groundwork's ownership tag.
const KindAttachment = "attachment"

// PolicyAddress is the address of a policy.
func PolicyAddress(policyType, name string) string {
	return kinds.Address(KindPolicy, estate.PolicyKey(policyType, name))
}

// AttachmentAddress is the address of a policy's attachment to a target.
func AttachmentAddress(policyType, name, target string) string {
	return kinds.Address(KindAttachment, estate.PolicyKey(policyType, name)+"@"+target)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindPolicy, Diff: diffPolicies, Apply: applyPolicy})
	kinds.Register(kinds.Registration{Name: KindAttachment, Diff: diffAttachments, Apply: applyAttachment})
}

// policyValue is what a policy change applies: the policy to create or
// update (an update by ID), or the one to delete. Content is the document
// as it is sent: keys sorted as the plan shows them, minified.
type policyValue struct {
	ID string `json:"id,omitempty"`
	// Mark asks for groundwork's ownership tag on an existing policy: with
	// no Content, that is all the change does (an adoption).
	Mark        bool   `json:"mark,omitempty"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	Content     string `json:"content,omitempty"`
}

func newPolicyValue(p *estate.Policy, id string) policyValue {
	return policyValue{ID: id, Name: p.Name, Type: p.Type, Description: p.Description,
		Content: kinds.CompactJSON(kinds.PrettyJSON(p.Content))}
}

// attachmentValue is what an attachment change applies. PolicyID is known
// for an attachment of a policy that exists; one made in the same apply is
// found by name.
type attachmentValue struct {
	Policy   string `json:"policy"`
	Type     string `json:"type"`
	Target   string `json:"target"`
	PolicyID string `json:"policy_id,omitempty"`
}

func diffPolicies(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d, a, ok := orgLayers(desired, actual)
	if !ok {
		return nil, nil
	}
	var changes []plan.Change
	for _, p := range d.SortedPolicies() {
		key := estate.PolicyKey(p.Type, p.Name)
		after := plan.Attrs{"name": p.Name, "type": p.Type, "description": p.Description, "content": kinds.PrettyJSON(p.Content)}
		if p.Source != "" {
			after["source"] = p.Source
		}
		cur, exists := a.Policies[key]
		if !exists {
			deps := orgDeps(actual)
			if !slices.Contains(a.EnabledPolicyTypes, p.Type) {
				deps = append(deps, PolicyTypeAddress(p.Type))
			}
			changes = append(changes, plan.SetValue(plan.Change{Address: PolicyAddress(p.Type, p.Name), Kind: KindPolicy,
				Action: plan.Create, After: after, DependsOn: deps}, newPolicyValue(p, "")))
			continue
		}
		if cur.AWSManaged {
			continue
		}
		before := plan.Attrs{"id": cur.ID, "name": cur.Name, "type": cur.Type, "description": cur.Description, "content": kinds.PrettyJSON(cur.Content)}
		after["id"] = cur.ID
		// A declared policy without groundwork's tag predates it (or was
		// made by hand and then declared): it is adopted, tagged.
		mark := !kinds.Owned(cur.Tags)
		switch {
		case before["content"] != after["content"] || before["description"] != after["description"]:
			delete(after, "source")
			v := newPolicyValue(p, cur.ID)
			if mark {
				v.Mark = true
				after["tags."+kinds.OwnerTagKey] = kinds.OwnerTagValue
			}
			changes = append(changes, plan.SetValue(plan.Change{Address: PolicyAddress(p.Type, p.Name), Kind: KindPolicy,
				Action: plan.Update, Before: before, After: after}, v))
		case mark:
			changes = append(changes, plan.SetValue(plan.Change{Address: PolicyAddress(p.Type, p.Name), Kind: KindPolicy,
				Action: plan.Update, Adopt: true, Before: plan.Attrs{"id": cur.ID, "name": cur.Name},
				After: plan.Attrs{"id": cur.ID, "name": cur.Name, "tags." + kinds.OwnerTagKey: kinds.OwnerTagValue}},
				policyValue{ID: cur.ID, Name: p.Name, Type: p.Type, Mark: true}))
		}
	}
	for _, p := range a.SortedPolicies() {
		if p.AWSManaged {
			continue
		}
		key := estate.PolicyKey(p.Type, p.Name)
		if _, wanted := d.Policies[key]; wanted {
			continue
		}
		var deps []string
		for _, t := range p.Targets {
			deps = append(deps, AttachmentAddress(p.Type, p.Name, t))
		}
		changes = append(changes, plan.SetValue(plan.Change{Address: PolicyAddress(p.Type, p.Name), Kind: KindPolicy,
			Action: plan.Delete, Reason: "not in the spec",
			Before:    plan.Attrs{"id": p.ID, "name": p.Name, "type": p.Type, "content": kinds.PrettyJSON(p.Content)},
			DependsOn: deps, NeedsAllowDelete: true, Basis: kinds.DeleteBasis(p.Tags)}, policyValue{ID: p.ID, Name: p.Name, Type: p.Type}))
	}
	return changes, nil
}

func applyPolicy(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[policyValue](ch)
	if err != nil {
		return err
	}
	name, pt := v.Name, v.Type
	key := estate.PolicyKey(pt, name)
	switch ch.Action {
	case plan.Create:
		// Guard: policy names are unique per organization; adopt one that
		// a previous run created and bring its content up to date.
		id, err := findPolicy(ctx, cl.Org, pt, name)
		if err != nil {
			return fmt.Errorf("create policy %s: %w", name, err)
		}
		if id != "" {
			if err := updatePolicy(ctx, cl.Org, id, v); err != nil {
				return err
			}
			if err := markPolicy(ctx, cl.Org, id, name); err != nil {
				return err
			}
		} else {
			// A lost response, or a policy of the name made meanwhile
			// (DuplicatePolicyException), is looked for by name again and
			// adopted with the spec's content.
			adopted := false
			create := func(ctx context.Context) error {
				out, err := cl.Org.CreatePolicy(ctx, &organizations.CreatePolicyInput{
					Name: aws.String(name), Type: types.PolicyType(pt), Description: aws.String(v.Description),
					Content: aws.String(v.Content), Tags: ownerTags(),
				})
				if err == nil {
					id = aws.ToString(out.Policy.PolicySummary.Id)
				}
				return err
			}
			look := func(ctx context.Context) (bool, error) {
				found, err := findPolicy(ctx, cl.Org, pt, name)
				id, adopted = found, found != ""
				return adopted, err
			}
			if err := env.CreateOnce(ctx, "policy "+name, create, look, "DuplicatePolicyException"); err != nil {
				return fmt.Errorf("create policy %s: %w", name, err)
			}
			if adopted {
				if err := updatePolicy(ctx, cl.Org, id, v); err != nil {
					return err
				}
				if err := markPolicy(ctx, cl.Org, id, name); err != nil {
					return err
				}
			}
		}
		env.Record(refPolicyID, key, id)
		return nil
	case plan.Update:
		if v.Content != "" {
			if err := updatePolicy(ctx, cl.Org, v.ID, v); err != nil {
				return err
			}
		}
		if v.Mark {
			return markPolicy(ctx, cl.Org, v.ID, name)
		}
		return nil
	case plan.Delete:
		_, err := cl.Org.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: aws.String(v.ID)})
		var gone *types.PolicyNotFoundException
		if err != nil && !errors.As(err, &gone) {
			return fmt.Errorf("delete policy %s: %w", name, err)
		}
		return nil
	}
	return fmt.Errorf("policy %s: cannot %s", name, ch.Action)
}

func updatePolicy(ctx context.Context, api OrgLayerAPI, id string, v policyValue) error {
	_, err := api.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{
		PolicyId: aws.String(id), Description: aws.String(v.Description), Content: aws.String(v.Content),
	})
	if err != nil {
		return fmt.Errorf("update policy %s: %w", v.Name, err)
	}
	return nil
}

// ownerTags is groundwork's ownership marker as Organizations tags.
func ownerTags() []types.Tag {
	return []types.Tag{{Key: aws.String(kinds.OwnerTagKey), Value: aws.String(kinds.OwnerTagValue)}}
}

// markPolicy puts groundwork's ownership marker on a policy; TagResource
// overwrites and is idempotent.
func markPolicy(ctx context.Context, api OrgLayerAPI, id, name string) error {
	if _, err := api.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(id), Tags: ownerTags()}); err != nil {
		return fmt.Errorf("tag policy %s as groundwork's: %w", name, err)
	}
	return nil
}

// refPolicyID is the reference kind under which applyPolicy records the
// ID of a policy it creates or adopts, by estate.PolicyKey, for the
// attachments that follow.
const refPolicyID = "policy-id"

// knownPolicyID returns the ID of the policy with the estate.PolicyKey: one
// this apply recorded, else one in the actual estate; "" when neither
// knows it.
func knownPolicyID(env *kinds.Env, key string) string {
	if id, ok := env.Lookup(refPolicyID, key); ok {
		return id
	}
	if a := env.Actual(); a != nil && a.Org != nil {
		if p := a.Org.Policies[key]; p != nil {
			return p.ID
		}
	}
	return ""
}

// findPolicy returns the ID of the policy of a type with a name, or "".
func findPolicy(ctx context.Context, api OrgLayerAPI, policyType, name string) (string, error) {
	pages := organizations.NewListPoliciesPaginator(api, &organizations.ListPoliciesInput{Filter: types.PolicyType(policyType)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return "", err
		}
		for _, p := range out.Policies {
			if aws.ToString(p.Name) == name {
				return aws.ToString(p.Id), nil
			}
		}
	}
	return "", nil
}

func diffAttachments(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d, a, ok := orgLayers(desired, actual)
	if !ok {
		return nil, nil
	}
	group := func(target string) string {
		switch {
		case target == estate.RootTarget:
			return estate.RootPath
		case kinds.IsAccountTarget(target):
			if acct, ok := desired.Accounts[target]; ok {
				return acct.Unit
			}
			if acct, ok := actual.Accounts[target]; ok {
				return acct.Unit
			}
			return estate.RootPath
		}
		return target
	}
	var changes []plan.Change
	for _, p := range d.SortedPolicies() {
		key := estate.PolicyKey(p.Type, p.Name)
		var have []string
		cur, exists := a.Policies[key]
		if exists {
			have = cur.Targets
		}
		for _, t := range p.Targets {
			if slices.Contains(have, t) {
				continue
			}
			var deps []string
			if !exists {
				deps = append(deps, PolicyAddress(p.Type, p.Name))
			}
			if !slices.Contains(a.EnabledPolicyTypes, p.Type) {
				deps = append(deps, PolicyTypeAddress(p.Type))
			}
			if dep := targetDep(t, actual); dep != "" {
				deps = append(deps, dep)
			}
			changes = append(changes, plan.SetValue(plan.Change{Address: AttachmentAddress(p.Type, p.Name, t), Kind: KindAttachment,
				Action: plan.Create, Group: group(t), After: plan.Attrs{"policy": p.Name, "type": p.Type, "target": t},
				DependsOn: deps}, attachmentValue{Policy: p.Name, Type: p.Type, Target: t}))
		}
	}
	for _, p := range a.SortedPolicies() {
		if p.AWSManaged {
			continue
		}
		var want []string
		if dp, ok := d.Policies[estate.PolicyKey(p.Type, p.Name)]; ok {
			want = dp.Targets
		}
		for _, t := range p.Targets {
			if slices.Contains(want, t) {
				continue
			}
			changes = append(changes, plan.SetValue(plan.Change{Address: AttachmentAddress(p.Type, p.Name, t), Kind: KindAttachment,
				Action: plan.Delete, Group: group(t), Reason: "the spec does not attach it here",
				Before:           plan.Attrs{"policy": p.Name, "type": p.Type, "target": t, "policy_id": p.ID},
				NeedsAllowDelete: true, Basis: kinds.DeleteBasis(p.Tags)}, attachmentValue{Policy: p.Name, Type: p.Type, Target: t, PolicyID: p.ID}))
		}
	}
	return changes, nil
}

func applyAttachment(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[attachmentValue](ch)
	if err != nil {
		return err
	}
	name, pt, target := v.Policy, v.Type, v.Target
	// What the change does, for its errors: a delete detaches.
	doing := fmt.Sprintf("attach %s to %s", name, target)
	if ch.Action == plan.Delete {
		doing = fmt.Sprintf("detach %s from %s", name, target)
	}
	policyID := v.PolicyID
	if policyID == "" {
		policyID = knownPolicyID(env, estate.PolicyKey(pt, name))
	}
	if policyID == "" {
		id, err := findPolicy(ctx, cl.Org, pt, name)
		if err != nil || id == "" {
			return fmt.Errorf("%s: policy not found: %v", doing, err)
		}
		policyID = id
	}
	targetID, err := env.Target(ctx, target)
	if err != nil {
		return fmt.Errorf("%s: %w", doing, err)
	}
	switch ch.Action {
	case plan.Create:
		_, err := cl.Org.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(policyID), TargetId: aws.String(targetID)})
		var dup *types.DuplicatePolicyAttachmentException
		if err != nil && !errors.As(err, &dup) {
			return fmt.Errorf("attach %s to %s: %w", name, target, err)
		}
		return nil
	case plan.Delete:
		_, err := cl.Org.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String(policyID), TargetId: aws.String(targetID)})
		var notAttached *types.PolicyNotAttachedException
		if err != nil && !errors.As(err, &notAttached) {
			return fmt.Errorf("detach %s from %s: %w", name, target, err)
		}
		return nil
	}
	return fmt.Errorf("attachment %s: cannot %s", ch.Address, ch.Action)
}
