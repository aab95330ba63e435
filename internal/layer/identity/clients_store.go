package identity

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// StoreClients builds the clients of the Identity Store kinds (users,
// groups, memberships) and of the access control attributes kind. Tests
// set fakes with kinds.SetClients[identity.StoreClients]. Everything
// they write belongs to the organization's Identity Center instance in
// the home Region, written as the management account.
type StoreClients interface {
	Store(region string) StoreAPI
	Center(region string) CenterAPI
}

// StoreAPI is the part of the Identity Store client the store kinds and
// the store read call. moto 5.2 lacks UpdateUser and UpdateGroup; tests
// cover them with a fake.
type StoreAPI interface {
	storeReadAPI
	GetUserId(context.Context, *identitystore.GetUserIdInput, ...func(*identitystore.Options)) (*identitystore.GetUserIdOutput, error)
	GetGroupId(context.Context, *identitystore.GetGroupIdInput, ...func(*identitystore.Options)) (*identitystore.GetGroupIdOutput, error)
	GetGroupMembershipId(context.Context, *identitystore.GetGroupMembershipIdInput, ...func(*identitystore.Options)) (*identitystore.GetGroupMembershipIdOutput, error)
	CreateUser(context.Context, *identitystore.CreateUserInput, ...func(*identitystore.Options)) (*identitystore.CreateUserOutput, error)
	UpdateUser(context.Context, *identitystore.UpdateUserInput, ...func(*identitystore.Options)) (*identitystore.UpdateUserOutput, error)
	CreateGroup(context.Context, *identitystore.CreateGroupInput, ...func(*identitystore.Options)) (*identitystore.CreateGroupOutput, error)
	UpdateGroup(context.Context, *identitystore.UpdateGroupInput, ...func(*identitystore.Options)) (*identitystore.UpdateGroupOutput, error)
	CreateGroupMembership(context.Context, *identitystore.CreateGroupMembershipInput, ...func(*identitystore.Options)) (*identitystore.CreateGroupMembershipOutput, error)
	DeleteGroupMembership(context.Context, *identitystore.DeleteGroupMembershipInput, ...func(*identitystore.Options)) (*identitystore.DeleteGroupMembershipOutput, error)
}

// CenterAPI is the part of the sso-admin client the store kinds call: the
// instance (for a plan made offline) and its access control attributes,
// which moto 5.2 lacks entirely (tests cover them with a fake).
type CenterAPI interface {
	instanceAPI
	attributesReadAPI
	CreateInstanceAccessControlAttributeConfiguration(context.Context, *ssoadmin.CreateInstanceAccessControlAttributeConfigurationInput, ...func(*ssoadmin.Options)) (*ssoadmin.CreateInstanceAccessControlAttributeConfigurationOutput, error)
	UpdateInstanceAccessControlAttributeConfiguration(context.Context, *ssoadmin.UpdateInstanceAccessControlAttributeConfigurationInput, ...func(*ssoadmin.Options)) (*ssoadmin.UpdateInstanceAccessControlAttributeConfigurationOutput, error)
}

var (
	_ StoreAPI  = (*identitystore.Client)(nil)
	_ CenterAPI = (*ssoadmin.Client)(nil)
)

// sessionStoreClients are the real clients: the session's own
// credentials, the management account's.
type sessionStoreClients struct{ session *awsx.Session }

func (c sessionStoreClients) Store(region string) StoreAPI {
	return awsx.ConfigFor{Session: c.session, Region: region}.IdentityStore()
}

func (c sessionStoreClients) Center(region string) CenterAPI {
	return awsx.ConfigFor{Session: c.session, Region: region}.SSOAdmin()
}

func storeClientsOf(env *kinds.Env) (StoreClients, error) {
	return kinds.ClientsOf(env, "identity", func(s *awsx.Session) StoreClients { return sessionStoreClients{s} })
}

// References the store kinds record while applying (kinds.Env.Record),
// so that a membership finds the user and group created before it, and
// every change the instance one of them looked up.
const (
	refInstance = "identity-instance" // region -> instance ARN
	refStore    = "identity-store"    // region -> Identity Store ID
	refUserID   = "identity-user-id"  // user name -> user ID
	refGroupID  = "identity-group-id" // group name -> group ID
)

// instanceLookup makes the changes of one apply list the instance once.
var instanceLookup sync.Mutex

// instanceOf returns the instance ARN and Identity Store ID apply writes
// to in region: those of the estate the plan was made against, else
// (a plan made offline) those the region has now. Without an instance it
// fails naming the checklist step that enables one.
func instanceOf(ctx context.Context, env *kinds.Env, cl StoreClients, region string) (arn, store string, err error) {
	if a := env.Actual(); a != nil && a.Identity != nil && a.Identity.Center != nil && a.Identity.Center.InstanceARN != "" &&
		a.Identity.Center.Region == region {
		return a.Identity.Center.InstanceARN, a.Identity.Center.IdentityStoreID, nil
	}
	// The changes of an offline plan all start wanting the instance: one
	// lists it, the others find what it recorded.
	instanceLookup.Lock()
	defer instanceLookup.Unlock()
	arn, okA := env.Lookup(refInstance, region)
	store, okS := env.Lookup(refStore, region)
	if okA && okS {
		return arn, store, nil
	}
	c, err := listInstance(ctx, cl.Center(region), region)
	if err != nil {
		return "", "", err
	}
	if c.InstanceMissing {
		return "", "", fmt.Errorf("IAM Identity Center is not enabled in %s: enable it (checklist step %s: %s), then apply again",
			region, InstanceStep, instanceConsolePath)
	}
	env.Record(refInstance, region, c.InstanceARN)
	env.Record(refStore, region, c.IdentityStoreID)
	return c.InstanceARN, c.IdentityStoreID, nil
}

// storeAt returns the Identity Store client of region and the ID of the
// store apply writes to there (see instanceOf): where every change of the
// user, group and membership kinds writes.
func storeAt(ctx context.Context, env *kinds.Env, region string) (StoreAPI, string, error) {
	cl, err := storeClientsOf(env)
	if err != nil {
		return nil, "", err
	}
	_, store, err := instanceOf(ctx, env, cl, region)
	if err != nil {
		return nil, "", err
	}
	return cl.Store(region), store, nil
}

// userID returns the ID of the user with the name: recorded by this
// apply, in the estate the plan was made against, or looked up.
func userID(ctx context.Context, env *kinds.Env, api StoreAPI, store, name string) (string, error) {
	read := func(c *estate.IdentityCenter) string {
		if u := findUser(c.Users, name); u != nil {
			return u.ID
		}
		return ""
	}
	look := func(ctx context.Context) (string, bool, error) { return lookUser(ctx, api, store, name) }
	return storeID(ctx, env, refUserID, "user", name, read, look)
}

// groupID returns the ID of the group with the display name, as userID.
func groupID(ctx context.Context, env *kinds.Env, api StoreAPI, store, name string) (string, error) {
	read := func(c *estate.IdentityCenter) string {
		if g := c.Groups[name]; g != nil {
			return g.ID
		}
		return ""
	}
	look := func(ctx context.Context) (string, bool, error) { return lookGroup(ctx, api, store, name) }
	return storeID(ctx, env, refGroupID, "group", name, read, look)
}

// storeID returns the ID of the user or group (what) with the name: the
// one recorded under ref by this apply, else the one read into the
// estate the plan was made against, else the one look finds, which is
// recorded for the changes that follow.
func storeID(ctx context.Context, env *kinds.Env, ref, what, name string, read func(*estate.IdentityCenter) string,
	look func(context.Context) (string, bool, error)) (string, error) {
	if id, ok := env.Lookup(ref, name); ok {
		return id, nil
	}
	if a := env.Actual(); a != nil && a.Identity != nil && a.Identity.Center != nil {
		if id := read(a.Identity.Center); id != "" {
			return id, nil
		}
	}
	id, found, err := look(ctx)
	if err != nil {
		return "", err
	}
	if !found {
		return "", fmt.Errorf("%s %s is not in the Identity Store; it should have been created earlier in this apply", what, name)
	}
	env.Record(ref, name, id)
	return id, nil
}

// createInStore creates a user or group of the Identity Store once with
// kinds.Env.CreateOnce: a create whose answer was lost, or that finds the
// name taken (ConflictException), looks it up by name and adopts it.
// Either way its ID is recorded under ref, for the memberships that
// follow. what names it in messages ("Identity Store user ana").
func createInStore(ctx context.Context, env *kinds.Env, what, ref, name string, create func(context.Context) (string, error),
	look func(context.Context) (string, bool, error)) error {
	var id string
	err := env.CreateOnce(ctx, what,
		func(ctx context.Context) error {
			made, err := create(ctx)
			if err == nil {
				id = made
			}
			return err
		},
		func(ctx context.Context) (bool, error) {
			found, ok, err := look(ctx)
			id = found
			return ok, err
		}, "ConflictException")
	if err != nil {
		return fmt.Errorf("create %s: %w", what, err)
	}
	env.Record(ref, name, id)
	return nil
}
