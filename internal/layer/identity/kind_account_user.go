package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindIdentityUser makes an IAM user of the Identity account and keeps it
// in the model's group, where its only permissions come from. CreateUser
// is not idempotent: it is guarded by kinds.Env.CreateOnce and the user is
// tagged as groundwork's. AddUserToGroup is idempotent. groundwork gives
// the user no password or access key: the administrator who hands the
// account over sets the first password (guidance 002), and the user then
// manages their own credentials. No user is deleted or taken out of a
// group.
const KindIdentityUser = "identity-user"

// IdentityUserAddress is the address of an IAM user of the Identity
// account.
func IdentityUserAddress(accountKey estate.AccountKey, name string) string {
	return kinds.Address(KindIdentityUser, string(accountKey)+"/"+name)
}

// IdentityUserAPI is the part of the IAM client the kind calls.
type IdentityUserAPI interface {
	GetUser(context.Context, *iam.GetUserInput, ...func(*iam.Options)) (*iam.GetUserOutput, error)
	CreateUser(context.Context, *iam.CreateUserInput, ...func(*iam.Options)) (*iam.CreateUserOutput, error)
	AddUserToGroup(context.Context, *iam.AddUserToGroupInput, ...func(*iam.Options)) (*iam.AddUserToGroupOutput, error)
}

var _ IdentityUserAPI = (*iam.Client)(nil)

func init() {
	kinds.Register(kinds.Registration{Name: KindIdentityUser, Diff: diffIdentityUsers, Apply: applyIdentityUser})
}

type identityUserValue struct {
	Account estate.AccountKey `json:"account"`
	Name    string            `json:"name"`
	Group   string            `json:"group"`
}

func diffIdentityUsers(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d, a := accountModels(desired, actual)
	if d == nil || leaving(actual, estate.AccountKey(d.Account)) {
		return nil, nil
	}
	key := estate.AccountKey(d.Account)
	var changes []plan.Change
	for _, name := range slices.Sorted(maps.Keys(d.Users)) {
		after := plan.Attrs{"account": d.Account, "name": name, "groups": d.Group}
		deps := append(kinds.AccountDeps(key), IdentityGroupAddress(key, d.Group))
		ch := plan.SetValue(plan.Change{Address: IdentityUserAddress(key, name), Kind: KindIdentityUser,
			Group: kinds.UnitOf(desired, key), After: after, DependsOn: deps},
			identityUserValue{Account: key, Name: name, Group: d.Group})
		have := a.Users[name]
		switch {
		case have == nil:
			ch.Action = plan.Create
		case !slices.Contains(have.Groups, d.Group):
			ch.Action = plan.Update
			ch.Before = plan.Attrs{"account": d.Account, "name": name, "groups": strings.Join(have.Groups, ",")}
		default:
			continue
		}
		changes = append(changes, ch)
	}
	return changes, nil
}

func applyIdentityUser(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[identityUserValue](ch)
	if err != nil {
		return err
	}
	clients, w, err := accountClientsAt(env, v.Account, "user "+v.Name)
	if err != nil {
		return err
	}
	api := clients.IdentityUser(w)
	name := aws.String(v.Name)
	look := func(ctx context.Context) (bool, error) {
		_, err := api.GetUser(ctx, &iam.GetUserInput{UserName: name})
		return awsx.Found(err, "NoSuchEntity")
	}
	create := func(ctx context.Context) error {
		_, err := api.CreateUser(ctx, &iam.CreateUserInput{UserName: name, Tags: kinds.IAMTags(kinds.OwnerTags(nil))})
		return err
	}
	if _, err := env.CreateUnlessFound(ctx, fmt.Sprintf("user %s in %s", v.Name, w.Account), create, look, "EntityAlreadyExists"); err != nil {
		return err
	}
	if _, err := api.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: name, GroupName: aws.String(v.Group)}); err != nil {
		return fmt.Errorf("add user %s to group %s in %s: %w", v.Name, v.Group, w.Account, err)
	}
	return nil
}
