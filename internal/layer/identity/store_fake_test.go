package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// storeFake is one Identity Center instance in memory: its Identity
// Store (users, groups, memberships) and its access control attributes.
// It answers as AWS documents, including what moto 5.2 lacks or does
// differently: UpdateUser and UpdateGroup, user names compared without
// case, a second membership of the same user refused with a conflict,
// and the whole access control attribute configuration API. Pages hold
// pageSize items, so that the reads' paging is exercised. Every call is
// counted by operation; fail makes an operation fail.
type storeFake struct {
	mu          sync.Mutex
	instanceARN string // "" for no instance
	storeID     string
	users       map[string]istypes.User // by ID
	groups      map[string]istypes.Group
	memberships map[string][2]string // ID -> group ID, user ID
	// attrs is the access control attribute configuration; nil for none.
	attrs    []ssotypes.AccessControlAttribute
	pageSize int
	nextID   int
	calls    map[string]int
	fail     map[string]error
	// lose makes the next call of an operation do its work and then lose
	// its answer, as a connection cut after the request reached AWS.
	lose map[string]bool
}

func newStoreFake() *storeFake {
	return &storeFake{instanceARN: "arn:aws:sso:::instance/ssoins-1111", storeID: "d-1111",
		users: map[string]istypes.User{}, groups: map[string]istypes.Group{}, memberships: map[string][2]string{},
		pageSize: 2, calls: map[string]int{}, fail: map[string]error{}, lose: map[string]bool{}}
}

// storeWrites are the operations that write.
var storeWrites = []string{"CreateUser", "UpdateUser", "CreateGroup", "UpdateGroup", "CreateGroupMembership",
	"DeleteGroupMembership", "CreateInstanceAccessControlAttributeConfiguration", "UpdateInstanceAccessControlAttributeConfiguration"}

// lost returns, once for an operation lose names, the error of an
// answer lost after the work was done.
func (f *storeFake) lost(op string) error {
	if !f.lose[op] {
		return nil
	}
	delete(f.lose, op)
	return &awsx.MaybeDoneError{Service: "identitystore", Operation: op, Err: errors.New("connection reset by peer")}
}

// enter counts a call and locks the fake; the caller unlocks.
func (f *storeFake) enter(op string) error {
	f.mu.Lock()
	f.calls[op]++
	return f.fail[op]
}

func (f *storeFake) writes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, op := range storeWrites {
		n += f.calls[op]
	}
	return n
}

func (f *storeFake) id(prefix string) string {
	f.nextID++
	return fmt.Sprintf("%s-%04d", prefix, f.nextID)
}

// enterStore is enter for a call on the Identity Store with the ID,
// which is not found unless it is the fake's.
func (f *storeFake) enterStore(op string, store *string) error {
	if err := f.enter(op); err != nil {
		return err
	}
	if aws.ToString(store) != f.storeID {
		return &istypes.ResourceNotFoundException{Message: aws.String("identity store " + aws.ToString(store))}
	}
	return nil
}

// page returns the items of a sorted list from the token on, and the
// next token.
func page[T any](items []T, token *string, size int) ([]T, *string) {
	start := 0
	if token != nil {
		start, _ = strconv.Atoi(*token)
	}
	end := min(start+size, len(items))
	var next *string
	if end < len(items) {
		next = aws.String(strconv.Itoa(end))
	}
	return items[start:end], next
}

// addUser puts a user in the store as an administrator or an identity
// provider would, returning its ID.
func (f *storeFake) addUser(name, given, family, email string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.id("u")
	f.users[id] = istypes.User{UserId: aws.String(id), UserName: aws.String(name), IdentityStoreId: aws.String(f.storeID),
		DisplayName: aws.String(strings.TrimSpace(given + " " + family)),
		Name:        &istypes.Name{GivenName: aws.String(given), FamilyName: aws.String(family)},
		Emails:      []istypes.Email{{Value: aws.String(email), Type: aws.String("work"), Primary: true}}}
	return id
}

func (f *storeFake) addGroup(name, description string, members ...string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.id("g")
	f.groups[id] = istypes.Group{GroupId: aws.String(id), DisplayName: aws.String(name), Description: aws.String(description),
		IdentityStoreId: aws.String(f.storeID)}
	for _, m := range members {
		for uid, u := range f.users {
			if aws.ToString(u.UserName) == m {
				f.memberships[f.id("m")] = [2]string{id, uid}
			}
		}
	}
	return id
}

func (f *storeFake) userByName(name string) (string, bool) {
	for id, u := range f.users {
		if strings.EqualFold(aws.ToString(u.UserName), name) {
			return id, true
		}
	}
	return "", false
}

func (f *storeFake) groupByName(name string) (string, bool) {
	for id, g := range f.groups {
		if aws.ToString(g.DisplayName) == name {
			return id, true
		}
	}
	return "", false
}

func (f *storeFake) ListUsers(_ context.Context, in *identitystore.ListUsersInput, _ ...func(*identitystore.Options)) (*identitystore.ListUsersOutput, error) {
	err := f.enterStore("ListUsers", in.IdentityStoreId)
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var all []istypes.User
	for _, id := range slices.Sorted(maps.Keys(f.users)) {
		all = append(all, f.users[id])
	}
	items, next := page(all, in.NextToken, f.pageSize)
	return &identitystore.ListUsersOutput{Users: items, NextToken: next}, nil
}

func (f *storeFake) ListGroups(_ context.Context, in *identitystore.ListGroupsInput, _ ...func(*identitystore.Options)) (*identitystore.ListGroupsOutput, error) {
	err := f.enterStore("ListGroups", in.IdentityStoreId)
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var all []istypes.Group
	for _, id := range slices.Sorted(maps.Keys(f.groups)) {
		all = append(all, f.groups[id])
	}
	items, next := page(all, in.NextToken, f.pageSize)
	return &identitystore.ListGroupsOutput{Groups: items, NextToken: next}, nil
}

func (f *storeFake) ListGroupMemberships(_ context.Context, in *identitystore.ListGroupMembershipsInput, _ ...func(*identitystore.Options)) (*identitystore.ListGroupMembershipsOutput, error) {
	err := f.enterStore("ListGroupMemberships", in.IdentityStoreId)
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if _, ok := f.groups[aws.ToString(in.GroupId)]; !ok {
		return nil, &istypes.ResourceNotFoundException{Message: aws.String("GROUP not found")}
	}
	var all []istypes.GroupMembership
	for _, id := range slices.Sorted(maps.Keys(f.memberships)) {
		if m := f.memberships[id]; m[0] == aws.ToString(in.GroupId) {
			all = append(all, istypes.GroupMembership{MembershipId: aws.String(id), GroupId: aws.String(m[0]),
				MemberId: &istypes.MemberIdMemberUserId{Value: m[1]}, IdentityStoreId: aws.String(f.storeID)})
		}
	}
	items, next := page(all, in.NextToken, f.pageSize)
	return &identitystore.ListGroupMembershipsOutput{GroupMemberships: items, NextToken: next}, nil
}

// decodeDocument decodes a document the way the service reads what the
// SDK sends: the SDK's own UnmarshalSmithyDocument of a document it is
// about to send does not decode into a plain Go value.
func decodeDocument(d document.Interface, v any) error {
	if d == nil {
		return errors.New("no attribute value")
	}
	b, err := d.MarshalSmithyDocument()
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// attributeOf reads an alternate identifier's unique attribute.
func attributeOf(a istypes.AlternateIdentifier) (path, value string) {
	u, ok := a.(*istypes.AlternateIdentifierMemberUniqueAttribute)
	if !ok {
		return "", ""
	}
	if err := decodeDocument(u.Value.AttributeValue, &value); err != nil {
		panic(err)
	}
	return aws.ToString(u.Value.AttributePath), value
}

func (f *storeFake) GetUserId(_ context.Context, in *identitystore.GetUserIdInput, _ ...func(*identitystore.Options)) (*identitystore.GetUserIdOutput, error) {
	err := f.enter("GetUserId")
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	path, value := attributeOf(in.AlternateIdentifier)
	if !strings.EqualFold(path, "userName") {
		return nil, &istypes.ValidationException{Message: aws.String("not a unique attribute: " + path)}
	}
	if id, ok := f.userByName(value); ok {
		return &identitystore.GetUserIdOutput{UserId: aws.String(id), IdentityStoreId: in.IdentityStoreId}, nil
	}
	return nil, &istypes.ResourceNotFoundException{Message: aws.String("USER not found")}
}

func (f *storeFake) GetGroupId(_ context.Context, in *identitystore.GetGroupIdInput, _ ...func(*identitystore.Options)) (*identitystore.GetGroupIdOutput, error) {
	err := f.enter("GetGroupId")
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	path, value := attributeOf(in.AlternateIdentifier)
	if !strings.EqualFold(path, "displayName") {
		return nil, &istypes.ValidationException{Message: aws.String("not a unique attribute: " + path)}
	}
	if id, ok := f.groupByName(value); ok {
		return &identitystore.GetGroupIdOutput{GroupId: aws.String(id), IdentityStoreId: in.IdentityStoreId}, nil
	}
	return nil, &istypes.ResourceNotFoundException{Message: aws.String("GROUP not found")}
}

func (f *storeFake) membership(group string, member istypes.MemberId) (string, bool) {
	u, _ := member.(*istypes.MemberIdMemberUserId)
	for id, m := range f.memberships {
		if u != nil && m == [2]string{group, u.Value} {
			return id, true
		}
	}
	return "", false
}

func (f *storeFake) GetGroupMembershipId(_ context.Context, in *identitystore.GetGroupMembershipIdInput, _ ...func(*identitystore.Options)) (*identitystore.GetGroupMembershipIdOutput, error) {
	err := f.enter("GetGroupMembershipId")
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if id, ok := f.membership(aws.ToString(in.GroupId), in.MemberId); ok {
		return &identitystore.GetGroupMembershipIdOutput{MembershipId: aws.String(id), IdentityStoreId: in.IdentityStoreId}, nil
	}
	return nil, &istypes.ResourceNotFoundException{Message: aws.String("GROUP_MEMBERSHIP not found")}
}

func conflict(msg string) error {
	return &istypes.ConflictException{Message: aws.String(msg), Reason: istypes.ConflictExceptionReasonUniquenessConstraintViolation}
}

func (f *storeFake) CreateUser(_ context.Context, in *identitystore.CreateUserInput, _ ...func(*identitystore.Options)) (*identitystore.CreateUserOutput, error) {
	err := f.enterStore("CreateUser", in.IdentityStoreId)
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if in.Name == nil || aws.ToString(in.Name.GivenName) == "" || aws.ToString(in.Name.FamilyName) == "" || aws.ToString(in.DisplayName) == "" {
		return nil, &istypes.ValidationException{Message: aws.String("displayName, name.givenName and name.familyName are required")}
	}
	if _, dup := f.userByName(aws.ToString(in.UserName)); dup {
		return nil, conflict("Duplicate UserName")
	}
	id := f.id("u")
	f.users[id] = istypes.User{UserId: aws.String(id), UserName: in.UserName, IdentityStoreId: in.IdentityStoreId,
		DisplayName: in.DisplayName, Name: in.Name, Emails: in.Emails}
	if err := f.lost("CreateUser"); err != nil {
		return nil, err
	}
	return &identitystore.CreateUserOutput{UserId: aws.String(id), IdentityStoreId: in.IdentityStoreId}, nil
}

func (f *storeFake) UpdateUser(_ context.Context, in *identitystore.UpdateUserInput, _ ...func(*identitystore.Options)) (*identitystore.UpdateUserOutput, error) {
	err := f.enter("UpdateUser")
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	u, ok := f.users[aws.ToString(in.UserId)]
	if !ok {
		return nil, &istypes.ResourceNotFoundException{Message: aws.String("USER not found")}
	}
	if len(in.Operations) == 0 {
		return nil, &istypes.ValidationException{Message: aws.String("no operations")}
	}
	name := istypes.Name{}
	if u.Name != nil {
		name = *u.Name
	}
	for _, op := range in.Operations {
		path := aws.ToString(op.AttributePath)
		if path == "emails" {
			var emails []map[string]any
			if err := decodeDocument(op.AttributeValue, &emails); err != nil {
				return nil, &istypes.ValidationException{Message: aws.String("emails: " + err.Error())}
			}
			u.Emails = nil
			for _, e := range emails {
				p, _ := e["primary"].(bool)
				u.Emails = append(u.Emails, istypes.Email{Value: aws.String(fmt.Sprint(e["value"])), Type: aws.String(fmt.Sprint(e["type"])), Primary: p})
			}
			continue
		}
		var v string
		if err := decodeDocument(op.AttributeValue, &v); err != nil {
			return nil, &istypes.ValidationException{Message: aws.String(path + ": " + err.Error())}
		}
		switch path {
		case "userName":
			if id, dup := f.userByName(v); dup && id != aws.ToString(in.UserId) {
				return nil, conflict("Duplicate UserName")
			}
			u.UserName = aws.String(v)
		case "displayName":
			u.DisplayName = aws.String(v)
		case "name.givenName":
			name.GivenName = aws.String(v)
		case "name.familyName":
			name.FamilyName = aws.String(v)
		default:
			return nil, &istypes.ValidationException{Message: aws.String("unknown attribute path " + path)}
		}
	}
	u.Name = &name
	f.users[aws.ToString(in.UserId)] = u
	return &identitystore.UpdateUserOutput{}, nil
}

func (f *storeFake) CreateGroup(_ context.Context, in *identitystore.CreateGroupInput, _ ...func(*identitystore.Options)) (*identitystore.CreateGroupOutput, error) {
	err := f.enterStore("CreateGroup", in.IdentityStoreId)
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if _, dup := f.groupByName(aws.ToString(in.DisplayName)); dup {
		return nil, conflict("Duplicate GroupDisplayName")
	}
	id := f.id("g")
	f.groups[id] = istypes.Group{GroupId: aws.String(id), DisplayName: in.DisplayName, Description: in.Description, IdentityStoreId: in.IdentityStoreId}
	if err := f.lost("CreateGroup"); err != nil {
		return nil, err
	}
	return &identitystore.CreateGroupOutput{GroupId: aws.String(id), IdentityStoreId: in.IdentityStoreId}, nil
}

func (f *storeFake) UpdateGroup(_ context.Context, in *identitystore.UpdateGroupInput, _ ...func(*identitystore.Options)) (*identitystore.UpdateGroupOutput, error) {
	err := f.enter("UpdateGroup")
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	g, ok := f.groups[aws.ToString(in.GroupId)]
	if !ok {
		return nil, &istypes.ResourceNotFoundException{Message: aws.String("GROUP not found")}
	}
	for _, op := range in.Operations {
		var v string
		if err := decodeDocument(op.AttributeValue, &v); err != nil {
			return nil, &istypes.ValidationException{Message: aws.String(err.Error())}
		}
		switch aws.ToString(op.AttributePath) {
		case "description":
			g.Description = aws.String(v)
		case "displayName":
			g.DisplayName = aws.String(v)
		default:
			return nil, &istypes.ValidationException{Message: aws.String("unknown attribute path " + aws.ToString(op.AttributePath))}
		}
	}
	f.groups[aws.ToString(in.GroupId)] = g
	return &identitystore.UpdateGroupOutput{}, nil
}

func (f *storeFake) CreateGroupMembership(_ context.Context, in *identitystore.CreateGroupMembershipInput, _ ...func(*identitystore.Options)) (*identitystore.CreateGroupMembershipOutput, error) {
	err := f.enter("CreateGroupMembership")
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	u, _ := in.MemberId.(*istypes.MemberIdMemberUserId)
	if u == nil || f.users[u.Value].UserId == nil || f.groups[aws.ToString(in.GroupId)].GroupId == nil {
		return nil, &istypes.ResourceNotFoundException{Message: aws.String("member or group not found")}
	}
	if _, dup := f.membership(aws.ToString(in.GroupId), in.MemberId); dup {
		return nil, conflict("Member is already in the group")
	}
	id := f.id("m")
	f.memberships[id] = [2]string{aws.ToString(in.GroupId), u.Value}
	if err := f.lost("CreateGroupMembership"); err != nil {
		return nil, err
	}
	return &identitystore.CreateGroupMembershipOutput{MembershipId: aws.String(id), IdentityStoreId: in.IdentityStoreId}, nil
}

func (f *storeFake) DeleteGroupMembership(_ context.Context, in *identitystore.DeleteGroupMembershipInput, _ ...func(*identitystore.Options)) (*identitystore.DeleteGroupMembershipOutput, error) {
	err := f.enter("DeleteGroupMembership")
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if _, ok := f.memberships[aws.ToString(in.MembershipId)]; !ok {
		return nil, &istypes.ResourceNotFoundException{Message: aws.String("GROUP_MEMBERSHIP not found")}
	}
	delete(f.memberships, aws.ToString(in.MembershipId))
	return &identitystore.DeleteGroupMembershipOutput{}, nil
}

func (f *storeFake) ListInstances(_ context.Context, _ *ssoadmin.ListInstancesInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error) {
	err := f.enter("ListInstances")
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := &ssoadmin.ListInstancesOutput{}
	if f.instanceARN != "" {
		out.Instances = []ssotypes.InstanceMetadata{{InstanceArn: aws.String(f.instanceARN), IdentityStoreId: aws.String(f.storeID), Status: "ACTIVE"}}
	}
	return out, nil
}

// enterInstance is enter for a call on the instance with the ARN, which
// is not found unless it is the fake's.
func (f *storeFake) enterInstance(op string, arn *string) error {
	if err := f.enter(op); err != nil {
		return err
	}
	if f.instanceARN == "" || aws.ToString(arn) != f.instanceARN {
		return &ssotypes.ResourceNotFoundException{Message: aws.String("instance " + aws.ToString(arn))}
	}
	return nil
}

func (f *storeFake) DescribeInstanceAccessControlAttributeConfiguration(_ context.Context, in *ssoadmin.DescribeInstanceAccessControlAttributeConfigurationInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DescribeInstanceAccessControlAttributeConfigurationOutput, error) {
	err := f.enterInstance("DescribeInstanceAccessControlAttributeConfiguration", in.InstanceArn)
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if f.attrs == nil {
		return nil, &ssotypes.ResourceNotFoundException{Message: aws.String("no access control attribute configuration")}
	}
	return &ssoadmin.DescribeInstanceAccessControlAttributeConfigurationOutput{Status: ssotypes.InstanceAccessControlAttributeConfigurationStatusEnabled,
		InstanceAccessControlAttributeConfiguration: &ssotypes.InstanceAccessControlAttributeConfiguration{AccessControlAttributes: slices.Clone(f.attrs)}}, nil
}

func (f *storeFake) CreateInstanceAccessControlAttributeConfiguration(_ context.Context, in *ssoadmin.CreateInstanceAccessControlAttributeConfigurationInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.CreateInstanceAccessControlAttributeConfigurationOutput, error) {
	err := f.enterInstance("CreateInstanceAccessControlAttributeConfiguration", in.InstanceArn)
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if f.attrs != nil {
		return nil, &ssotypes.ConflictException{Message: aws.String("the instance has an access control attribute configuration")}
	}
	f.attrs = slices.Clone(in.InstanceAccessControlAttributeConfiguration.AccessControlAttributes)
	return &ssoadmin.CreateInstanceAccessControlAttributeConfigurationOutput{}, nil
}

func (f *storeFake) UpdateInstanceAccessControlAttributeConfiguration(_ context.Context, in *ssoadmin.UpdateInstanceAccessControlAttributeConfigurationInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.UpdateInstanceAccessControlAttributeConfigurationOutput, error) {
	err := f.enterInstance("UpdateInstanceAccessControlAttributeConfiguration", in.InstanceArn)
	defer f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if f.attrs == nil {
		return nil, &ssotypes.ResourceNotFoundException{Message: aws.String("no access control attribute configuration")}
	}
	f.attrs = slices.Clone(in.InstanceAccessControlAttributeConfiguration.AccessControlAttributes)
	return &ssoadmin.UpdateInstanceAccessControlAttributeConfigurationOutput{}, nil
}

// clients gives the store kinds the fake in every Region.
func (f *storeFake) clients() StoreClients { return storeFakeClients{f} }

type storeFakeClients struct{ f *storeFake }

func (c storeFakeClients) Store(string) StoreAPI   { return c.f }
func (c storeFakeClients) Center(string) CenterAPI { return c.f }

var (
	_ StoreAPI  = (*storeFake)(nil)
	_ CenterAPI = (*storeFake)(nil)
)

// center reads the fake the way the layer's read parts do: the instance,
// the store (members of every group) and the attributes.
func (f *storeFake) center(region string) *estate.IdentityCenter {
	c, err := listInstance(context.Background(), f, region)
	if err != nil {
		panic(err)
	}
	if c.InstanceMissing {
		return c
	}
	c.Users, c.Groups, err = readStore(context.Background(), f, c.IdentityStoreID, func(string) bool { return true })
	if err != nil {
		panic(err)
	}
	if c.AccessControlAttributes, err = readAttributes(context.Background(), f, c.InstanceARN); err != nil {
		panic(err)
	}
	return c
}
