package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindStoreUser manages the Identity Store users the spec lists when Identity
// Center is the identity source: user name, display name, given and
// family name and e-mail. CreateUser is not idempotent (a second one is
// refused as a duplicate user name), so it is guarded by CreateOnce,
// which looks the user up by name before creating again; UpdateUser sets
// only the attributes that differ. User names compare without case, as
// the Identity Store compares them. Users the spec does not list are
// left alone and noted: groundwork never deletes a user. With an
// external source the identity provider manages users and nothing is
// planned.
//
// This kind also carries the layer's note when the home Region has no
// Identity Center instance: the layer waits for it (checklist step
// CL-015), and no kind of the layer plans anything meanwhile.
const KindStoreUser = "identity-store-user"

// StoreUserAddress is the address of the user with the name.
func StoreUserAddress(name string) string { return kinds.Address(KindStoreUser, name) }

func init() {
	kinds.Register(kinds.Registration{Name: KindStoreUser, Diff: diffUsers, Apply: applyUser})
}

// userFields are a user's attributes as a plan shows them, in the order
// UpdateUser sets them.
var userFields = []string{"user_name", "display_name", "given_name", "family_name", "email"}

// userPaths are the Identity Store attribute paths of userFields.
var userPaths = map[string]string{"user_name": "userName", "display_name": "displayName",
	"given_name": "name.givenName", "family_name": "name.familyName", "email": "emails"}

// userValue is what applying a user change does: create the user, or
// set the attributes Set names on the user with UserID.
type userValue struct {
	Region      string   `json:"region"`
	UserName    string   `json:"user_name"`
	UserID      string   `json:"user_id,omitempty"`
	DisplayName string   `json:"display_name"`
	GivenName   string   `json:"given_name"`
	FamilyName  string   `json:"family_name"`
	Email       string   `json:"email"`
	Set         []string `json:"set,omitempty"`
}

func userAttrs(u *estate.IdentityUser) plan.Attrs {
	return plan.Attrs{"user_name": u.UserName, "display_name": u.DisplayName, "given_name": u.GivenName,
		"family_name": u.FamilyName, "email": u.Email}
}

// storeDeps are what every Identity Store change waits for: the
// organization, whose Identity Center instance holds the store.
func storeDeps(extra ...string) []string {
	return append(kinds.AccountDeps(estate.ManagementKey), extra...)
}

// storePlan is what the user, group and membership kinds diff: the
// desired instance's contents and the actual ones (empty, never nil, when
// the layer was not read), or ok false when they plan nothing: Identity
// Center is not the identity source (the identity provider manages the
// store), or centerPlan says so.
func storePlan(desired, actual *estate.Estate) (want, have *estate.IdentityCenter, ok bool) {
	want, have, ok = centerPlan(desired, actual)
	if !ok || want.Source != estate.SourceIdentityCenter {
		return nil, nil, false
	}
	if have == nil {
		have = &estate.IdentityCenter{}
	}
	return want, have, true
}

func diffUsers(desired, actual *estate.Estate) ([]plan.Change, []string) {
	var notes []string
	if n := waitingNote(desired, actual); n != "" {
		notes = append(notes, n)
	}
	want, have, ok := storePlan(desired, actual)
	if !ok {
		return nil, notes
	}
	var changes []plan.Change
	for _, name := range slices.Sorted(maps.Keys(want.Users)) {
		d := want.Users[name]
		after := userAttrs(d)
		ch := plan.Change{Address: StoreUserAddress(name), Kind: KindStoreUser, Group: estate.RootPath, After: after, DependsOn: storeDeps()}
		v := userValue{Region: want.Region, UserName: name, DisplayName: d.DisplayName, GivenName: d.GivenName,
			FamilyName: d.FamilyName, Email: d.Email}
		a := findUser(have.Users, name)
		if a == nil {
			ch.Action = plan.Create
			changes = append(changes, plan.SetValue(ch, v))
			continue
		}
		before := userAttrs(a)
		if differ := kinds.DifferingAttrs(before, after, userFields); len(differ) > 0 {
			v.UserID, v.Set = a.ID, differ
			ch.Action, ch.Before = plan.Update, before
			ch.Reason = "differs from the spec: " + strings.Join(differ, ", ")
			changes = append(changes, plan.SetValue(ch, v))
		}
	}
	if n := unlistedNote("users", have.Users, func(name string) bool { return findUser(want.Users, name) != nil }); n != "" {
		notes = append(notes, n)
	}
	return changes, notes
}

// unlistedNote says how many of the users or groups (what) the store has
// that the spec does not list, and which; "" when it lists them all.
func unlistedNote[T any](what string, have map[string]T, listed func(name string) bool) string {
	var unlisted []string
	for name := range have {
		if !listed(name) {
			unlisted = append(unlisted, name)
		}
	}
	if len(unlisted) == 0 {
		return ""
	}
	return fmt.Sprintf("identity: the Identity Store has %d %s the spec does not list (%s); groundwork leaves them",
		len(unlisted), what, someNames(unlisted))
}

// someNames lists the first names, sorted, and how many more there are:
// a store may hold thousands.
func someNames(names []string) string {
	const shown = 10
	slices.Sort(names)
	if len(names) <= shown {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:shown], ", "), len(names)-shown)
}

func applyUser(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[userValue](ch)
	if err != nil {
		return err
	}
	api, store, err := storeAt(ctx, env, v.Region)
	if err != nil {
		return err
	}
	if ch.Action == plan.Create {
		return createUser(ctx, env, api, store, v)
	}
	id := v.UserID
	if id == "" {
		if id, err = userID(ctx, env, api, store, v.UserName); err != nil {
			return err
		}
	}
	in := &identitystore.UpdateUserInput{IdentityStoreId: aws.String(store), UserId: aws.String(id)}
	for _, f := range v.Set {
		in.Operations = append(in.Operations, istypes.AttributeOperation{AttributePath: aws.String(userPaths[f]),
			AttributeValue: userAttribute(v, f)})
	}
	if _, err := api.UpdateUser(ctx, in); err != nil {
		return fmt.Errorf("update Identity Store user %s: %w", v.UserName, err)
	}
	return nil
}

// userAttribute is the value UpdateUser sets for a field of v.
func userAttribute(v userValue, field string) document.Interface {
	switch field {
	case "user_name":
		return document.NewLazyDocument(v.UserName)
	case "display_name":
		return document.NewLazyDocument(v.DisplayName)
	case "given_name":
		return document.NewLazyDocument(v.GivenName)
	case "family_name":
		return document.NewLazyDocument(v.FamilyName)
	}
	return document.NewLazyDocument([]map[string]any{{"value": v.Email, "type": "work", "primary": true}})
}

// createUser creates the user once (see createInStore).
func createUser(ctx context.Context, env *kinds.Env, api StoreAPI, store string, v userValue) error {
	create := func(ctx context.Context) (string, error) {
		out, err := api.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: aws.String(store),
			UserName: aws.String(v.UserName), DisplayName: aws.String(v.DisplayName),
			Name:   &istypes.Name{GivenName: aws.String(v.GivenName), FamilyName: aws.String(v.FamilyName)},
			Emails: []istypes.Email{{Value: aws.String(v.Email), Type: aws.String("work"), Primary: true}}})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.UserId), nil
	}
	look := func(ctx context.Context) (string, bool, error) { return lookUser(ctx, api, store, v.UserName) }
	return createInStore(ctx, env, "Identity Store user "+v.UserName, refUserID, v.UserName, create, look)
}
