package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindStoreGroup manages the Identity Store groups the spec lists when
// Identity Center is the identity source: display name and description
// (an unwritten description leaves the group's alone). CreateGroup is
// refused for a display name taken, so it is guarded by CreateOnce,
// which looks the group up by name before creating again. Groups the spec
// does not list are left alone and noted: groundwork never deletes a
// group. Members are KindStoreMembership's.
const KindStoreGroup = "identity-store-group"

// StoreGroupAddress is the address of the group with the display name.
func StoreGroupAddress(name string) string { return kinds.Address(KindStoreGroup, name) }

func init() {
	kinds.Register(kinds.Registration{Name: KindStoreGroup, Diff: diffGroups, Apply: applyGroup})
}

// groupValue is what applying a group change does: create the group, or
// set the description of the group with GroupID.
type groupValue struct {
	Region      string `json:"region"`
	Name        string `json:"name"`
	GroupID     string `json:"group_id,omitempty"`
	Description string `json:"description,omitempty"`
}

func groupAttrs(name, description string) plan.Attrs {
	return plan.Attrs{"name": name, "description": description}
}

func diffGroups(desired, actual *estate.Estate) ([]plan.Change, []string) {
	want, have, ok := centerPlan(desired, actual)
	if !ok || want.Source != estate.SourceIdentityCenter {
		return nil, nil
	}
	var haveGroups map[string]*estate.IdentityGroup
	if have != nil {
		haveGroups = have.Groups
	}
	var changes []plan.Change
	var notes []string
	for _, name := range slices.Sorted(maps.Keys(want.Groups)) {
		d := want.Groups[name]
		ch := plan.Change{Address: StoreGroupAddress(name), Kind: KindStoreGroup, Group: estate.RootPath,
			After: groupAttrs(name, d.Description), DependsOn: storeDeps()}
		v := groupValue{Region: want.Region, Name: name, Description: d.Description}
		a := haveGroups[name]
		switch {
		case a == nil:
			ch.Action = plan.Create
			changes = append(changes, plan.SetValue(ch, v))
		case d.Description != "" && a.Description != d.Description:
			v.GroupID = a.ID
			ch.Action, ch.Before = plan.Update, groupAttrs(name, a.Description)
			ch.Reason = "differs from the spec: description"
			changes = append(changes, plan.SetValue(ch, v))
		}
	}
	if have != nil {
		var unlisted []string
		for name := range haveGroups {
			if want.Groups[name] == nil {
				unlisted = append(unlisted, name)
			}
		}
		if len(unlisted) > 0 {
			notes = append(notes, fmt.Sprintf("identity: the Identity Store has %d groups the spec does not list (%s); groundwork leaves them",
				len(unlisted), someNames(unlisted)))
		}
	}
	return changes, notes
}

func applyGroup(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[groupValue](ch)
	if err != nil {
		return err
	}
	cl, err := storeClientsOf(env)
	if err != nil {
		return err
	}
	store, err := storeOf(ctx, env, cl, v.Region)
	if err != nil {
		return err
	}
	api := cl.Store(v.Region)
	if ch.Action == plan.Create {
		return createGroup(ctx, env, api, store, v)
	}
	id := v.GroupID
	if id == "" {
		if id, err = groupID(ctx, env, api, store, v.Name); err != nil {
			return err
		}
	}
	if _, err := api.UpdateGroup(ctx, &identitystore.UpdateGroupInput{IdentityStoreId: aws.String(store), GroupId: aws.String(id),
		Operations: []istypes.AttributeOperation{{AttributePath: aws.String("description"),
			AttributeValue: document.NewLazyDocument(v.Description)}}}); err != nil {
		return fmt.Errorf("update Identity Store group %s: %w", v.Name, err)
	}
	return nil
}

// createGroup creates the group once, as createUser the user.
func createGroup(ctx context.Context, env *kinds.Env, api StoreAPI, store string, v groupValue) error {
	var id string
	in := &identitystore.CreateGroupInput{IdentityStoreId: aws.String(store), DisplayName: aws.String(v.Name)}
	if v.Description != "" {
		in.Description = aws.String(v.Description)
	}
	err := env.CreateOnce(ctx, "Identity Store group "+v.Name,
		func(ctx context.Context) error {
			out, err := api.CreateGroup(ctx, in)
			if err == nil {
				id = aws.ToString(out.GroupId)
			}
			return err
		},
		func(ctx context.Context) (bool, error) {
			found, ok, err := lookGroup(ctx, api, store, v.Name)
			id = found
			return ok, err
		}, "ConflictException")
	if err != nil {
		return fmt.Errorf("create Identity Store group %s: %w", v.Name, err)
	}
	env.Record(refGroupID, v.Name, id)
	return nil
}
