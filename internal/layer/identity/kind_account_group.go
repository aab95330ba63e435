package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindIdentityGroup makes the IAM group of the Identity account (guidance
// 002): its only permissions are groundwork's inline policy, which lets
// each user manage their own password, MFA device and access keys and
// assume the stage roles with MFA. CreateGroup is not idempotent: it is
// guarded by kinds.Env.CreateOnce (IAM groups take no tags, so the group
// is found again by name). PutGroupPolicy is idempotent. Other policies on
// the group are left alone (the audit reports them); no group is deleted.
const KindIdentityGroup = "identity-group"

// IdentityGroupAddress is the address of the group in the Identity
// account.
func IdentityGroupAddress(accountKey estate.AccountKey, group string) string {
	return kinds.Address(KindIdentityGroup, string(accountKey)+"/"+group)
}

// IdentityGroupAPI is the part of the IAM client the kind calls.
type IdentityGroupAPI interface {
	GetGroup(context.Context, *iam.GetGroupInput, ...func(*iam.Options)) (*iam.GetGroupOutput, error)
	CreateGroup(context.Context, *iam.CreateGroupInput, ...func(*iam.Options)) (*iam.CreateGroupOutput, error)
	PutGroupPolicy(context.Context, *iam.PutGroupPolicyInput, ...func(*iam.Options)) (*iam.PutGroupPolicyOutput, error)
}

var _ IdentityGroupAPI = (*iam.Client)(nil)

func init() {
	kinds.Register(kinds.Registration{Name: KindIdentityGroup, Diff: diffIdentityGroup, Apply: applyIdentityGroup})
}

// identityGroupValue is what a group change applies: the policy with its
// references (the organization's ID) unresolved.
type identityGroupValue struct {
	Account estate.AccountKey `json:"account"`
	Group   string            `json:"group"`
	Policy  string            `json:"policy"`
}

func diffIdentityGroup(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d, a := accountModels(desired, actual)
	if d == nil || leaving(actual, estate.AccountKey(d.Account)) {
		return nil, nil
	}
	key := estate.AccountKey(d.Account)
	after := plan.Attrs{"account": d.Account, "group": d.Group,
		"policy." + GroupPolicyName: kinds.PrettyJSON(kinds.ResolveActual(d.GroupPolicy, actual))}
	ch := plan.SetValue(plan.Change{Address: IdentityGroupAddress(key, d.Group), Kind: KindIdentityGroup,
		Group: kinds.UnitOf(desired, key), After: after, DependsOn: kinds.AccountDeps(key)},
		identityGroupValue{Account: key, Group: d.Group, Policy: d.GroupPolicy})
	var notes []string
	if a.Group == d.Group {
		for _, u := range slices.Sorted(maps.Keys(a.Users)) {
			if d.Users[u] == nil && slices.Contains(a.Users[u].Groups, d.Group) {
				notes = append(notes, fmt.Sprintf("the IAM user %s of the Identity account is in the group %s but not in identity.identity_account.users; groundwork leaves it there (remove it from the group by hand, or list it)", u, d.Group))
			}
		}
	}
	switch {
	case a.Group != d.Group:
		ch.Action = plan.Create
	case kinds.PrettyJSON(a.GroupPolicy) != after["policy."+GroupPolicyName]:
		ch.Action = plan.Update
		ch.Before = plan.Attrs{"account": d.Account, "group": a.Group, "policy." + GroupPolicyName: kinds.PrettyJSON(a.GroupPolicy)}
	default:
		return nil, notes
	}
	return []plan.Change{ch}, notes
}

func applyIdentityGroup(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[identityGroupValue](ch)
	if err != nil {
		return err
	}
	clients, w, err := accountClientsAt(env, v.Account, "group "+v.Group)
	if err != nil {
		return err
	}
	doc, err := env.Resolve(v.Policy)
	if err != nil {
		return fmt.Errorf("group %s: %w", v.Group, err)
	}
	api := clients.IdentityGroup(w)
	name := aws.String(v.Group)
	look := func(ctx context.Context) (bool, error) {
		_, err := api.GetGroup(ctx, &iam.GetGroupInput{GroupName: name, MaxItems: aws.Int32(1)})
		return awsx.Found(err, "NoSuchEntity")
	}
	create := func(ctx context.Context) error {
		_, err := api.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: name})
		return err
	}
	if _, err := env.CreateUnlessFound(ctx, fmt.Sprintf("group %s in %s", v.Group, w.Account), create, look, "EntityAlreadyExists"); err != nil {
		return err
	}
	if _, err := api.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: name, PolicyName: aws.String(GroupPolicyName),
		PolicyDocument: aws.String(kinds.CompactJSON(doc))}); err != nil {
		return fmt.Errorf("put the policy %s on group %s in %s: %w", GroupPolicyName, v.Group, w.Account, err)
	}
	return nil
}
