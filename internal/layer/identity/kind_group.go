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
	want, have, ok := storePlan(desired, actual)
	if !ok {
		return nil, nil
	}
	var changes []plan.Change
	var notes []string
	for _, name := range slices.Sorted(maps.Keys(want.Groups)) {
		d := want.Groups[name]
		ch := plan.Change{Address: StoreGroupAddress(name), Kind: KindStoreGroup, Group: estate.RootPath,
			After: groupAttrs(name, d.Description), DependsOn: storeDeps()}
		v := groupValue{Region: want.Region, Name: name, Description: d.Description}
		a := have.Groups[name]
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
	if n := unlistedNote("groups", have.Groups, func(name string) bool { return want.Groups[name] != nil }); n != "" {
		notes = append(notes, n)
	}
	return changes, notes
}

func applyGroup(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[groupValue](ch)
	if err != nil {
		return err
	}
	api, store, err := storeAt(ctx, env, v.Region)
	if err != nil {
		return err
	}
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

// createGroup creates the group once (see createInStore).
func createGroup(ctx context.Context, env *kinds.Env, api StoreAPI, store string, v groupValue) error {
	in := &identitystore.CreateGroupInput{IdentityStoreId: aws.String(store), DisplayName: aws.String(v.Name)}
	if v.Description != "" {
		in.Description = aws.String(v.Description)
	}
	create := func(ctx context.Context) (string, error) {
		out, err := api.CreateGroup(ctx, in)
		if err != nil {
			return "", err
		}
		return aws.ToString(out.GroupId), nil
	}
	look := func(ctx context.Context) (string, bool, error) { return lookGroup(ctx, api, store, v.Name) }
	return createInStore(ctx, env, "Identity Store group "+v.Name, refGroupID, v.Name, create, look)
}
