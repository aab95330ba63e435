package identity_test

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/identity"
)

// iamWorld is a narrow fake of the IAM calls the Identity-account model
// reads and writes, by account ID. It answers as IAM does: names are
// unique per account (EntityAlreadyExists), policy documents come back
// URL-encoded, a missing entity is NoSuchEntity. It records every write
// in order, and can lose the response of a create after carrying it out.
type iamWorld struct {
	mu       sync.Mutex
	writes   []string
	accounts map[string]*iamAccount
	// lose names operations ("CreateRole") whose next response is lost
	// after the write is made, as a broken connection loses it.
	lose map[string]bool
	// denied names account IDs whose every call is refused.
	denied map[string]bool
	// calls counts every call answered.
	calls int
}

type iamAccount struct {
	users  map[string]*iamUser
	groups map[string]*iamGroup
	roles  map[string]*iamRole
}

type iamUser struct {
	groups, attached, inline []string
	tags                     map[string]string
}

type iamGroup struct {
	inline   map[string]string
	attached []string
}

type iamRole struct {
	path, trust string
	maxSession  int32
	attached    []string
	tags        map[string]string
}

func newIAMWorld() *iamWorld {
	return &iamWorld{accounts: map[string]*iamAccount{}, lose: map[string]bool{}, denied: map[string]bool{}}
}

func (f *iamWorld) account(id string) *iamAccount {
	a := f.accounts[id]
	if a == nil {
		a = &iamAccount{users: map[string]*iamUser{}, groups: map[string]*iamGroup{}, roles: map[string]*iamRole{}}
		f.accounts[id] = a
	}
	return a
}

func (f *iamWorld) writeCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.writes)
}

func (f *iamWorld) writeLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.writes)
}

// unresolved reports whether a document still holds a groundwork
// reference, which IAM would refuse; IAM policy variables are fine.
func unresolved(doc string) bool {
	return strings.Contains(doc, "${org-id") || strings.Contains(doc, "${account-id")
}

func iamErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

// iamEncode encodes a document as IAM returns it: RFC 3986 percent-encoding.
func iamEncode(doc string) string { return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20") }

// at is the world as seen from one account.
func (f *iamWorld) at(w estate.Location) *iamAt { return &iamAt{f: f, id: string(w.Account)} }

func (f *iamWorld) IdentityGroup(w estate.Location) identity.IdentityGroupAPI { return f.at(w) }
func (f *iamWorld) IdentityUser(w estate.Location) identity.IdentityUserAPI   { return f.at(w) }
func (f *iamWorld) StageRole(w estate.Location) identity.StageRoleAPI         { return f.at(w) }
func (f *iamWorld) reads(w estate.Location) identity.AccountReadAPI           { return f.at(w) }

type iamAt struct {
	f  *iamWorld
	id string
}

// enter locks the world for one call and returns the account, or the
// refusal of a denied account.
func (c *iamAt) enter() (*iamAccount, func(), error) {
	c.f.mu.Lock()
	c.f.calls++
	if c.f.denied[c.id] {
		return nil, c.f.mu.Unlock, iamErr("AccessDenied")
	}
	return c.f.account(c.id), c.f.mu.Unlock, nil
}

// enterUser, enterGroup and enterRole enter the world for a call about
// the entity of the name, and return it, or NoSuchEntity as IAM answers
// for a name it does not hold.
func (c *iamAt) enterUser(name *string) (*iamUser, func(), error) {
	return enterEntity(c, func(a *iamAccount) map[string]*iamUser { return a.users }, name)
}

func (c *iamAt) enterGroup(name *string) (*iamGroup, func(), error) {
	return enterEntity(c, func(a *iamAccount) map[string]*iamGroup { return a.groups }, name)
}

func (c *iamAt) enterRole(name *string) (*iamRole, func(), error) {
	return enterEntity(c, func(a *iamAccount) map[string]*iamRole { return a.roles }, name)
}

func enterEntity[T any](c *iamAt, of func(*iamAccount) map[string]*T, name *string) (*T, func(), error) {
	a, unlock, err := c.enter()
	if err != nil {
		return nil, unlock, err
	}
	e := of(a)[aws.ToString(name)]
	if e == nil {
		return nil, unlock, iamErr("NoSuchEntity")
	}
	return e, unlock, nil
}

// wrote records a write and returns the error that loses its response
// when op is to be lost.
func (c *iamAt) wrote(op, detail string) error {
	c.f.writes = append(c.f.writes, op+" "+c.id+" "+detail)
	if c.f.lose[op] {
		delete(c.f.lose, op)
		return &awsx.MaybeDoneError{Service: "IAM", Operation: op, Err: iamErr("InternalFailure")}
	}
	return nil
}

func (c *iamAt) ListUsers(_ context.Context, _ *iam.ListUsersInput, _ ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	a, unlock, err := c.enter()
	defer unlock()
	if err != nil {
		return nil, err
	}
	out := &iam.ListUsersOutput{}
	for _, n := range slices.Sorted(maps.Keys(a.users)) {
		out.Users = append(out.Users, iamtypes.User{UserName: aws.String(n), Path: aws.String("/")})
	}
	return out, nil
}

func (c *iamAt) ListRoles(_ context.Context, _ *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	a, unlock, err := c.enter()
	defer unlock()
	if err != nil {
		return nil, err
	}
	out := &iam.ListRolesOutput{}
	for _, n := range slices.Sorted(maps.Keys(a.roles)) {
		r := a.roles[n]
		out.Roles = append(out.Roles, iamtypes.Role{RoleName: aws.String(n), Path: aws.String(r.path),
			AssumeRolePolicyDocument: aws.String(iamEncode(r.trust)), MaxSessionDuration: aws.Int32(r.maxSession)})
	}
	return out, nil
}

func (c *iamAt) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	r, unlock, err := c.enterRole(in.RoleName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	return &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: attachedOf(r.attached)}, nil
}

func attachedOf(arns []string) []iamtypes.AttachedPolicy {
	var out []iamtypes.AttachedPolicy
	for _, p := range arns {
		out = append(out, iamtypes.AttachedPolicy{PolicyArn: aws.String(p), PolicyName: aws.String(p[strings.LastIndex(p, "/")+1:])})
	}
	return out
}

func (c *iamAt) GetGroup(_ context.Context, in *iam.GetGroupInput, _ ...func(*iam.Options)) (*iam.GetGroupOutput, error) {
	a, unlock, err := c.enter()
	defer unlock()
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.GroupName)
	if a.groups[name] == nil {
		return nil, iamErr("NoSuchEntity")
	}
	out := &iam.GetGroupOutput{Group: &iamtypes.Group{GroupName: aws.String(name)}}
	for _, u := range slices.Sorted(maps.Keys(a.users)) {
		if slices.Contains(a.users[u].groups, name) {
			out.Users = append(out.Users, iamtypes.User{UserName: aws.String(u)})
		}
	}
	return out, nil
}

func (c *iamAt) ListGroups(_ context.Context, _ *iam.ListGroupsInput, _ ...func(*iam.Options)) (*iam.ListGroupsOutput, error) {
	a, unlock, err := c.enter()
	defer unlock()
	if err != nil {
		return nil, err
	}
	out := &iam.ListGroupsOutput{}
	for _, n := range slices.Sorted(maps.Keys(a.groups)) {
		out.Groups = append(out.Groups, iamtypes.Group{GroupName: aws.String(n)})
	}
	return out, nil
}

func (c *iamAt) ListGroupPolicies(_ context.Context, in *iam.ListGroupPoliciesInput, _ ...func(*iam.Options)) (*iam.ListGroupPoliciesOutput, error) {
	g, unlock, err := c.enterGroup(in.GroupName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	return &iam.ListGroupPoliciesOutput{PolicyNames: slices.Sorted(maps.Keys(g.inline))}, nil
}

func (c *iamAt) GetGroupPolicy(_ context.Context, in *iam.GetGroupPolicyInput, _ ...func(*iam.Options)) (*iam.GetGroupPolicyOutput, error) {
	g, unlock, err := c.enterGroup(in.GroupName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if g.inline[aws.ToString(in.PolicyName)] == "" {
		return nil, iamErr("NoSuchEntity")
	}
	return &iam.GetGroupPolicyOutput{PolicyDocument: aws.String(iamEncode(g.inline[aws.ToString(in.PolicyName)]))}, nil
}

func (c *iamAt) ListAttachedGroupPolicies(_ context.Context, in *iam.ListAttachedGroupPoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedGroupPoliciesOutput, error) {
	g, unlock, err := c.enterGroup(in.GroupName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	return &iam.ListAttachedGroupPoliciesOutput{AttachedPolicies: attachedOf(g.attached)}, nil
}

func (c *iamAt) ListGroupsForUser(_ context.Context, in *iam.ListGroupsForUserInput, _ ...func(*iam.Options)) (*iam.ListGroupsForUserOutput, error) {
	u, unlock, err := c.enterUser(in.UserName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	out := &iam.ListGroupsForUserOutput{}
	for _, g := range u.groups {
		out.Groups = append(out.Groups, iamtypes.Group{GroupName: aws.String(g)})
	}
	return out, nil
}

func (c *iamAt) ListAttachedUserPolicies(_ context.Context, in *iam.ListAttachedUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error) {
	u, unlock, err := c.enterUser(in.UserName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	return &iam.ListAttachedUserPoliciesOutput{AttachedPolicies: attachedOf(u.attached)}, nil
}

func (c *iamAt) ListUserPolicies(_ context.Context, in *iam.ListUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	u, unlock, err := c.enterUser(in.UserName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	return &iam.ListUserPoliciesOutput{PolicyNames: slices.Clone(u.inline)}, nil
}

func (c *iamAt) GetUser(_ context.Context, in *iam.GetUserInput, _ ...func(*iam.Options)) (*iam.GetUserOutput, error) {
	_, unlock, err := c.enterUser(in.UserName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	return &iam.GetUserOutput{User: &iamtypes.User{UserName: in.UserName}}, nil
}

func tagMap(tags []iamtypes.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

func (c *iamAt) CreateUser(_ context.Context, in *iam.CreateUserInput, _ ...func(*iam.Options)) (*iam.CreateUserOutput, error) {
	a, unlock, err := c.enter()
	defer unlock()
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.UserName)
	if a.users[name] != nil {
		return nil, iamErr("EntityAlreadyExists")
	}
	a.users[name] = &iamUser{tags: tagMap(in.Tags)}
	if err := c.wrote("CreateUser", name); err != nil {
		return nil, err
	}
	return &iam.CreateUserOutput{User: &iamtypes.User{UserName: in.UserName}}, nil
}

func (c *iamAt) AddUserToGroup(_ context.Context, in *iam.AddUserToGroupInput, _ ...func(*iam.Options)) (*iam.AddUserToGroupOutput, error) {
	u, unlock, err := c.enterUser(in.UserName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	g := aws.ToString(in.GroupName)
	if c.f.accounts[c.id].groups[g] == nil {
		return nil, iamErr("NoSuchEntity")
	}
	if !slices.Contains(u.groups, g) {
		u.groups = append(u.groups, g)
	}
	return &iam.AddUserToGroupOutput{}, c.wrote("AddUserToGroup", aws.ToString(in.UserName)+" "+g)
}

func (c *iamAt) CreateGroup(_ context.Context, in *iam.CreateGroupInput, _ ...func(*iam.Options)) (*iam.CreateGroupOutput, error) {
	a, unlock, err := c.enter()
	defer unlock()
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.GroupName)
	if a.groups[name] != nil {
		return nil, iamErr("EntityAlreadyExists")
	}
	a.groups[name] = &iamGroup{inline: map[string]string{}}
	if err := c.wrote("CreateGroup", name); err != nil {
		return nil, err
	}
	return &iam.CreateGroupOutput{Group: &iamtypes.Group{GroupName: in.GroupName}}, nil
}

func (c *iamAt) PutGroupPolicy(_ context.Context, in *iam.PutGroupPolicyInput, _ ...func(*iam.Options)) (*iam.PutGroupPolicyOutput, error) {
	g, unlock, err := c.enterGroup(in.GroupName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if unresolved(aws.ToString(in.PolicyDocument)) {
		return nil, iamErr("MalformedPolicyDocument")
	}
	g.inline[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
	return &iam.PutGroupPolicyOutput{}, c.wrote("PutGroupPolicy", aws.ToString(in.GroupName))
}

func (c *iamAt) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	r, unlock, err := c.enterRole(in.RoleName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, Path: aws.String(r.path),
		AssumeRolePolicyDocument: aws.String(iamEncode(r.trust)), MaxSessionDuration: aws.Int32(r.maxSession)}}, nil
}

func (c *iamAt) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	a, unlock, err := c.enter()
	defer unlock()
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.RoleName)
	if a.roles[name] != nil {
		return nil, iamErr("EntityAlreadyExists")
	}
	if unresolved(aws.ToString(in.AssumeRolePolicyDocument)) {
		return nil, iamErr("MalformedPolicyDocument")
	}
	a.roles[name] = &iamRole{path: aws.ToString(in.Path), trust: aws.ToString(in.AssumeRolePolicyDocument),
		maxSession: aws.ToInt32(in.MaxSessionDuration), tags: tagMap(in.Tags)}
	if a.roles[name].maxSession == 0 {
		a.roles[name].maxSession = 3600
	}
	if err := c.wrote("CreateRole", name); err != nil {
		return nil, err
	}
	return &iam.CreateRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName}}, nil
}

func (c *iamAt) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	r, unlock, err := c.enterRole(in.RoleName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	r.trust = aws.ToString(in.PolicyDocument)
	return &iam.UpdateAssumeRolePolicyOutput{}, c.wrote("UpdateAssumeRolePolicy", aws.ToString(in.RoleName))
}

func (c *iamAt) UpdateRole(_ context.Context, in *iam.UpdateRoleInput, _ ...func(*iam.Options)) (*iam.UpdateRoleOutput, error) {
	r, unlock, err := c.enterRole(in.RoleName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	r.maxSession = aws.ToInt32(in.MaxSessionDuration)
	return &iam.UpdateRoleOutput{}, c.wrote("UpdateRole", aws.ToString(in.RoleName))
}

func (c *iamAt) AttachRolePolicy(_ context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	r, unlock, err := c.enterRole(in.RoleName)
	defer unlock()
	if err != nil {
		return nil, err
	}
	p := aws.ToString(in.PolicyArn)
	if !slices.Contains(r.attached, p) {
		r.attached = append(r.attached, p)
		slices.Sort(r.attached)
	}
	return &iam.AttachRolePolicyOutput{}, c.wrote("AttachRolePolicy", aws.ToString(in.RoleName)+" "+p)
}
