package identity

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// The read parts of the Identity Store and of the instance's access
// control attributes, as a failed read records them. A part that maps
// principal IDs to names (the assignments) reads after readStoreName.
const (
	readStoreName      = "identity/store"
	readAttributesName = "identity/attributes"
)

func init() {
	addReadPart(readPart{name: readStoreName, center: true, wanted: storeWanted, read: readStorePart})
	addReadPart(readPart{name: readAttributesName, center: true, wanted: attributesWanted, read: readAttributesPart})
}

// storePageSize is the most users, groups or memberships the Identity
// Store lists a page.
const storePageSize = 100

// storeWidth bounds the membership reads in flight: one ListGroupMemberships
// per group, against an API AWS throttles per account at a few tens of
// calls a second, shared with the reads of the other parts.
const storeWidth = 4

// storeReadAPI is the part of the Identity Store client the read calls.
type storeReadAPI interface {
	identitystore.ListUsersAPIClient
	identitystore.ListGroupsAPIClient
	identitystore.ListGroupMembershipsAPIClient
}

// attributesReadAPI is the part of the sso-admin client the access
// control attributes read calls.
type attributesReadAPI interface {
	DescribeInstanceAccessControlAttributeConfiguration(context.Context, *ssoadmin.DescribeInstanceAccessControlAttributeConfigurationInput, ...func(*ssoadmin.Options)) (*ssoadmin.DescribeInstanceAccessControlAttributeConfigurationOutput, error)
}

// storeWanted: the users and groups are read whenever the spec manages
// Identity Center (with an external source, to know that the principals
// it names exist) and by every survey.
func storeWanted(want *estate.Identity, survey bool) bool {
	return survey || (want != nil && want.Center != nil)
}

// attributesWanted: the access control attributes are read when the spec
// manages them and by every survey.
func attributesWanted(want *estate.Identity, survey bool) bool {
	return survey || (want != nil && want.Center != nil && want.Center.AccessControlAttributes != nil)
}

// membersWanted returns which groups' members the read lists: every
// group in a survey (want nil, or r.Warn set), else only those the spec
// manages with Identity Center as the source, whose members it diffs.
func membersWanted(want *estate.Identity, survey bool) func(name string) bool {
	if survey {
		return func(string) bool { return true }
	}
	if want == nil || want.Center == nil || want.Center.Source != estate.SourceIdentityCenter {
		return func(string) bool { return false }
	}
	return func(name string) bool { return want.Center.Groups[name] != nil }
}

func readStorePart(ctx context.Context, r inventory.Reader, want *estate.Identity, actual *estate.Estate, mu *sync.Mutex) error {
	mu.Lock()
	c := actual.Identity.Center
	region, store := c.Region, c.IdentityStoreID
	mu.Unlock()
	// A survey passes Warn (the audit reads best-effort); plan and apply
	// do not, and need every member of the groups they manage.
	survey := r.Warn != nil
	users, groups, err := readStore(ctx, awsx.ConfigFor{Session: r.Session, Region: region}.IdentityStore(), store, membersWanted(want, survey))
	if err != nil {
		return partFailed(r, actual, mu, inventory.NotRead(readStoreName, estate.ManagementKey, region, err))
	}
	mu.Lock()
	defer mu.Unlock()
	c.Users, c.Groups = users, groups
	return nil
}

// partFailed handles a part that could not be read: without r.Warn it is
// the read's error; with it, it is passed to Warn and named in Unread,
// the part's fields staying nil, and the other parts go on.
func partFailed(r inventory.Reader, actual *estate.Estate, mu *sync.Mutex, err error) error {
	if r.Warn == nil {
		return err
	}
	r.Warn(err)
	mu.Lock()
	defer mu.Unlock()
	actual.Identity.Unread = append(actual.Identity.Unread, inventory.UnreadOf(err).String())
	return nil
}

// readStore reads every user and group of the Identity Store, and the
// members of the groups withMembers accepts (the others' Members stay
// nil: not read).
func readStore(ctx context.Context, api storeReadAPI, store string, withMembers func(string) bool) (map[string]*estate.IdentityUser, map[string]*estate.IdentityGroup, error) {
	users := map[string]*estate.IdentityUser{}
	byID := map[string]string{}
	up := identitystore.NewListUsersPaginator(api, &identitystore.ListUsersInput{IdentityStoreId: aws.String(store), MaxResults: aws.Int32(storePageSize)})
	for up.HasMorePages() {
		out, err := up.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("list Identity Store users: %w", err)
		}
		for _, u := range out.Users {
			eu := userOf(u)
			users[eu.UserName] = eu
			byID[eu.ID] = eu.UserName
		}
	}
	groups := map[string]*estate.IdentityGroup{}
	gp := identitystore.NewListGroupsPaginator(api, &identitystore.ListGroupsInput{IdentityStoreId: aws.String(store), MaxResults: aws.Int32(storePageSize)})
	for gp.HasMorePages() {
		out, err := gp.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("list Identity Store groups: %w", err)
		}
		for _, g := range out.Groups {
			name := aws.ToString(g.DisplayName)
			groups[name] = &estate.IdentityGroup{Name: name, ID: aws.ToString(g.GroupId), Description: aws.ToString(g.Description)}
		}
	}
	eg, ectx := errgroup.WithContext(ctx)
	eg.SetLimit(storeWidth)
	for _, name := range slices.Sorted(maps.Keys(groups)) {
		if !withMembers(name) {
			continue
		}
		g := groups[name]
		eg.Go(func() error {
			members, err := readMembers(ectx, api, store, g.ID, byID)
			if err != nil {
				return fmt.Errorf("list the members of group %s: %w", g.Name, err)
			}
			g.Members = members
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, nil, err
	}
	return users, groups, nil
}

// readMembers lists a group's members as user names, sorted; a member
// that is not a listed user (made since, or not a user) keeps its ID.
func readMembers(ctx context.Context, api storeReadAPI, store, group string, byID map[string]string) ([]string, error) {
	members := []string{}
	p := identitystore.NewListGroupMembershipsPaginator(api, &identitystore.ListGroupMembershipsInput{
		IdentityStoreId: aws.String(store), GroupId: aws.String(group), MaxResults: aws.Int32(storePageSize)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range out.GroupMemberships {
			id := ""
			if u, ok := m.MemberId.(*istypes.MemberIdMemberUserId); ok {
				id = u.Value
			}
			if name, ok := byID[id]; ok {
				id = name
			}
			members = append(members, id)
		}
	}
	slices.Sort(members)
	return slices.Compact(members), nil
}

// userOf is an Identity Store user as the estate holds it: its primary
// e-mail (else its first).
func userOf(u istypes.User) *estate.IdentityUser {
	out := &estate.IdentityUser{UserName: aws.ToString(u.UserName), ID: aws.ToString(u.UserId), DisplayName: aws.ToString(u.DisplayName)}
	if u.Name != nil {
		out.GivenName, out.FamilyName = aws.ToString(u.Name.GivenName), aws.ToString(u.Name.FamilyName)
	}
	for i, e := range u.Emails {
		if e.Primary || i == 0 {
			out.Email = aws.ToString(e.Value)
		}
		if e.Primary {
			break
		}
	}
	return out
}

// findUser returns the user of the name, which the Identity Store
// compares without case; nil when there is none.
func findUser(users map[string]*estate.IdentityUser, name string) *estate.IdentityUser {
	if u := users[name]; u != nil {
		return u
	}
	for n, u := range users {
		if strings.EqualFold(n, name) {
			return u
		}
	}
	return nil
}

func readAttributesPart(ctx context.Context, r inventory.Reader, _ *estate.Identity, actual *estate.Estate, mu *sync.Mutex) error {
	mu.Lock()
	c := actual.Identity.Center
	region, arn := c.Region, c.InstanceARN
	mu.Unlock()
	attrs, err := readAttributes(ctx, awsx.ConfigFor{Session: r.Session, Region: region}.SSOAdmin(), arn)
	if err != nil {
		if awsx.Unimplemented(err) {
			err = fmt.Errorf("the endpoint answered DescribeInstanceAccessControlAttributeConfiguration with HTTP 500 and no AWS error code, "+
				"which is how an endpoint lacking the operation answers, as moto 5.2 does; a spec that leaves them alone "+
				"writes identity.access_control_attributes: {}: %w", err)
		}
		return partFailed(r, actual, mu, inventory.NotRead(readAttributesName, estate.ManagementKey, region,
			fmt.Errorf("read the access control attributes of %s: %w", arn, err)))
	}
	mu.Lock()
	defer mu.Unlock()
	c.AccessControlAttributes = attrs
	return nil
}

// readAttributes reads the instance's attributes for access control, by
// key: empty (not nil) when ABAC was never configured.
func readAttributes(ctx context.Context, api attributesReadAPI, instance string) (map[string]string, error) {
	out, err := api.DescribeInstanceAccessControlAttributeConfiguration(ctx, &ssoadmin.DescribeInstanceAccessControlAttributeConfigurationInput{
		InstanceArn: aws.String(instance)})
	var nf *ssotypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	return attributesOf(out.InstanceAccessControlAttributeConfiguration), nil
}

// attributesOf maps a configuration's attributes to their sources; AWS
// takes one source per attribute.
func attributesOf(cfg *ssotypes.InstanceAccessControlAttributeConfiguration) map[string]string {
	attrs := map[string]string{}
	if cfg == nil {
		return attrs
	}
	for _, a := range cfg.AccessControlAttributes {
		src := ""
		if a.Value != nil {
			src = strings.Join(a.Value.Source, ",")
		}
		attrs[aws.ToString(a.Key)] = src
	}
	return attrs
}

// lookUser finds a user by name (GetUserId: the Identity Store compares
// user names without case), telling whether there is one.
func lookUser(ctx context.Context, api StoreAPI, store, name string) (string, bool, error) {
	out, err := api.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: aws.String(store),
		AlternateIdentifier: uniqueAttribute("userName", name)})
	if notFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("look up user %s: %w", name, err)
	}
	return aws.ToString(out.UserId), true, nil
}

// lookGroup finds a group by display name, as lookUser.
func lookGroup(ctx context.Context, api StoreAPI, store, name string) (string, bool, error) {
	out, err := api.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: aws.String(store),
		AlternateIdentifier: uniqueAttribute("displayName", name)})
	if notFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("look up group %s: %w", name, err)
	}
	return aws.ToString(out.GroupId), true, nil
}

// uniqueAttribute identifies a user or group by a unique attribute.
func uniqueAttribute(path, value string) istypes.AlternateIdentifier {
	return &istypes.AlternateIdentifierMemberUniqueAttribute{Value: istypes.UniqueAttribute{
		AttributePath: aws.String(path), AttributeValue: document.NewLazyDocument(value)}}
}

func notFound(err error) bool {
	var nf *istypes.ResourceNotFoundException
	return errors.As(err, &nf)
}
