package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindStoreMembership manages the members of the Identity Store groups the
// spec lists when Identity Center is the identity source. The spec lists
// a group's members in full: a member it does not list is removed, with
// --allow-delete (basis spec: the spec names the group and every member
// it has), since a member added by hand holds every permission set the
// group is assigned. CreateGroupMembership is refused for a member
// already in the group, so it is guarded by CreateOnce, which looks the
// membership up before creating again; a delete looks it up first and
// is done when it is gone. Groups the spec does not list keep their
// members.
const KindStoreMembership = "identity-store-membership"

// StoreMembershipAddress is the address of a user's membership of a group.
func StoreMembershipAddress(group, user string) string {
	return kinds.Address(KindStoreMembership, group+"/"+user)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindStoreMembership, Diff: diffMemberships, Apply: applyMembership})
}

// membershipValue is what applying a membership change does: add the
// user to the group, or remove it. UserID is set where the plan knows
// it: a member the store no longer lists by name keeps its ID.
type membershipValue struct {
	Region string `json:"region"`
	Group  string `json:"group"`
	User   string `json:"user"`
	UserID string `json:"user_id,omitempty"`
}

func diffMemberships(desired, actual *estate.Estate) ([]plan.Change, []string) {
	want, have, ok := storePlan(desired, actual)
	if !ok {
		return nil, nil
	}
	var changes []plan.Change
	for _, name := range slices.Sorted(maps.Keys(want.Groups)) {
		var members []string
		if g := have.Groups[name]; g != nil {
			members = g.Members
		}
		wanted := want.Groups[name].Members
		for _, m := range wanted {
			if slices.ContainsFunc(members, func(h string) bool { return strings.EqualFold(h, m) }) {
				continue
			}
			ch := plan.Change{Address: StoreMembershipAddress(name, m), Kind: KindStoreMembership, Action: plan.Create, Group: estate.RootPath,
				After: plan.Attrs{"group": name, "user": m}, DependsOn: storeDeps(StoreGroupAddress(name), StoreUserAddress(m))}
			changes = append(changes, plan.SetValue(ch, membershipValue{Region: want.Region, Group: name, User: m}))
		}
		for _, m := range members {
			if slices.ContainsFunc(wanted, func(w string) bool { return strings.EqualFold(w, m) }) {
				continue
			}
			v := membershipValue{Region: want.Region, Group: name, User: m, UserID: m}
			if u := findUser(have.Users, m); u != nil {
				v.UserID = u.ID
			}
			ch := plan.Change{Address: StoreMembershipAddress(name, m), Kind: KindStoreMembership, Action: plan.Delete, Group: estate.RootPath,
				Before: plan.Attrs{"group": name, "user": m}, DependsOn: storeDeps(),
				Reason:           "the spec does not list " + m + " among the members of " + name,
				NeedsAllowDelete: true, Basis: plan.BasisSpec}
			changes = append(changes, plan.SetValue(ch, v))
		}
	}
	return changes, nil
}

func applyMembership(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[membershipValue](ch)
	if err != nil {
		return err
	}
	api, store, err := storeAt(ctx, env, v.Region)
	if err != nil {
		return err
	}
	group, err := groupID(ctx, env, api, store, v.Group)
	if err != nil {
		return err
	}
	user := v.UserID
	if user == "" {
		if user, err = userID(ctx, env, api, store, v.User); err != nil {
			return err
		}
	}
	member := &istypes.MemberIdMemberUserId{Value: user}
	look := func(ctx context.Context) (string, bool, error) {
		out, err := api.GetGroupMembershipId(ctx, &identitystore.GetGroupMembershipIdInput{IdentityStoreId: aws.String(store),
			GroupId: aws.String(group), MemberId: member})
		if notFound(err) {
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("look up the membership of %s in %s: %w", v.User, v.Group, err)
		}
		return aws.ToString(out.MembershipId), true, nil
	}
	if ch.Action == plan.Delete {
		id, found, err := look(ctx)
		if err != nil || !found {
			return err
		}
		if _, err := api.DeleteGroupMembership(ctx, &identitystore.DeleteGroupMembershipInput{IdentityStoreId: aws.String(store),
			MembershipId: aws.String(id)}); err != nil && !notFound(err) {
			return fmt.Errorf("remove %s from group %s: %w", v.User, v.Group, err)
		}
		return nil
	}
	err = env.CreateOnce(ctx, "membership of "+v.User+" in Identity Store group "+v.Group,
		func(ctx context.Context) error {
			_, err := api.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: aws.String(store),
				GroupId: aws.String(group), MemberId: member})
			return err
		},
		func(ctx context.Context) (bool, error) {
			_, found, err := look(ctx)
			return found, err
		}, "ConflictException")
	if err != nil {
		return fmt.Errorf("add %s to group %s: %w", v.User, v.Group, err)
	}
	return nil
}
