package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// The parts of the read this file adds, as failed reads record them and
// checks name what they read.
const (
	// readAccountName is the Identity-account model: the group and users
	// of the Identity account, the stage roles of the others, and the IAM
	// users outside the Identity account.
	readAccountName = "identity/account"
	// readRolesName is every account's cross-account roles, which the
	// audit judges whatever the model.
	readRolesName = "identity/roles"
)

// GroupPolicyName is the name of groundwork's inline policy on the
// Identity account's group: self-service and the stage roles.
const GroupPolicyName = "groundwork-self-service"

func init() {
	addReadPart(readPart{name: readAccountName,
		// A survey without a spec that names the model looks for it in
		// the roles read: the import writes it from what it finds.
		wanted: func(want *estate.Identity, survey bool) bool {
			return want != nil && want.Account != nil || survey
		},
		after: []string{readRolesName},
		read: func(ctx context.Context, r inventory.Reader, want *estate.Identity, actual *estate.Estate, mu *sync.Mutex) error {
			clients := sessionAccountReads{r.Configs(actual)}
			if want != nil && want.Account != nil {
				return readAccountModel(ctx, clients, want.Account, actual, r.Options(), mu)
			}
			mu.Lock()
			found := detectAccountModel(actual)
			mu.Unlock()
			if found == nil {
				return nil
			}
			return readAccountModel(ctx, clients, found, actual, r.Options(), mu)
		}})
	addReadPart(readPart{name: readRolesName,
		wanted: func(_ *estate.Identity, survey bool) bool { return survey },
		read: func(ctx context.Context, r inventory.Reader, _ *estate.Identity, actual *estate.Estate, mu *sync.Mutex) error {
			return readCrossAccountRoles(ctx, sessionAccountReads{r.Configs(actual)}, actual, r.Options(), mu)
		}})
}

// accountReadAPI is the part of the IAM client the model's read calls.
type accountReadAPI interface {
	ListUsers(context.Context, *iam.ListUsersInput, ...func(*iam.Options)) (*iam.ListUsersOutput, error)
	ListRoles(context.Context, *iam.ListRolesInput, ...func(*iam.Options)) (*iam.ListRolesOutput, error)
	ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	GetGroup(context.Context, *iam.GetGroupInput, ...func(*iam.Options)) (*iam.GetGroupOutput, error)
	ListGroups(context.Context, *iam.ListGroupsInput, ...func(*iam.Options)) (*iam.ListGroupsOutput, error)
	ListGroupPolicies(context.Context, *iam.ListGroupPoliciesInput, ...func(*iam.Options)) (*iam.ListGroupPoliciesOutput, error)
	GetGroupPolicy(context.Context, *iam.GetGroupPolicyInput, ...func(*iam.Options)) (*iam.GetGroupPolicyOutput, error)
	ListAttachedGroupPolicies(context.Context, *iam.ListAttachedGroupPoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedGroupPoliciesOutput, error)
	ListGroupsForUser(context.Context, *iam.ListGroupsForUserInput, ...func(*iam.Options)) (*iam.ListGroupsForUserOutput, error)
	ListAttachedUserPolicies(context.Context, *iam.ListAttachedUserPoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error)
	ListUserPolicies(context.Context, *iam.ListUserPoliciesInput, ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error)
}

var _ accountReadAPI = (*iam.Client)(nil)

// accountReads builds the IAM read client in an account (by AWS ID).
type accountReads interface {
	IAM(w estate.Location) accountReadAPI
}

// sessionAccountReads are the real read clients: the management account's
// own credentials there, the access role in members.
type sessionAccountReads struct{ inventory.Configs }

func (c sessionAccountReads) IAM(w estate.Location) accountReadAPI { return c.At(w).IAM() }

// organizationAccounts returns every account of actual's organization
// that is active, the management account under estate.ManagementKey, as
// desired layers name it.
func organizationAccounts(actual *estate.Estate) []inventory.Account {
	var keys []string
	for key, a := range actual.Accounts {
		if actual.IsManagement(a) {
			key = estate.ManagementKey
		}
		keys = append(keys, key)
	}
	return inventory.ActiveAccounts(actual, keys)
}

// readAccountModel reads the Identity-account model want describes into
// actual.Identity.Account: in the Identity account its group (one call,
// and two or three for its policies) and every IAM user with their groups
// and policies (one call, and three per user); in every other active
// account of the organization its IAM users (one call) and its roles (one
// call, shared with the cross-account roles' read), and the managed
// policies of the stage roles found there (one call each). With Warn set
// a place that cannot be read is recorded and the rest is read.
func readAccountModel(ctx context.Context, clients accountReads, want *estate.IdentityAccount, actual *estate.Estate, opts inventory.Options, mu *sync.Mutex) error {
	out := &estate.IdentityAccount{Account: want.Account, Detected: want.Detected, Users: map[string]*estate.IdentityAccountUser{},
		Roles: map[string]*estate.StageRole{}, OutsideUsers: map[string][]string{}}
	var outMu sync.Mutex
	locked := func(f func()) {
		outMu.Lock()
		defer outMu.Unlock()
		f()
	}
	names := map[estate.AccountKey][]string{}
	for _, r := range want.Roles {
		names[r.Account] = append(names[r.Account], r.Name)
	}
	accounts := organizationAccounts(actual)
	// An Identity account the organization has but that is not active is
	// not read; one that is missing from it yet (apply creates it) has
	// nothing to read.
	fails := inventory.NewPlaceReads(opts)
	opts.Progressf("reading the Identity-account model in %d accounts", len(accounts))
	err := opts.ForEachAccount(ctx, accounts, func(ctx context.Context, g *errgroup.Group, a inventory.Account) {
		_, at := a.In("")
		api := clients.IAM(at)
		if string(a.Key) == want.Account {
			g.Go(func() error {
				group := want.Group
				if group == "" {
					var err error
					if group, err = findIdentityGroup(ctx, api); err != nil || group == "" {
						return fails.Failed(ctx, err, readAccountName, at)
					}
				}
				return fails.Failed(ctx, readIdentityGroup(ctx, api, group, out, locked), readAccountName, at)
			})
			g.Go(func() error {
				return fails.Failed(ctx, readIdentityUsers(ctx, api, opts.Limit(), out, locked), readAccountName, at)
			})
			return
		}
		g.Go(func() error {
			if want.Detected {
				// The audit does not judge a detected model: its users
				// elsewhere are not needed.
				return nil
			}
			users, err := listUserNames(ctx, api)
			if err != nil {
				return fails.Failed(ctx, fmt.Errorf("list the IAM users of %s: %w", a.ID, err), readAccountName, at)
			}
			if len(users) > 0 {
				locked(func() { out.OutsideUsers[string(a.Key)] = users })
			}
			return nil
		})
		if len(names[a.Key]) > 0 {
			g.Go(func() error {
				return fails.Failed(ctx, readStageRoles(ctx, api, opts.Shared, a, names[a.Key], out, locked), readAccountName, at)
			})
		}
	})
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	actual.Identity.Account = out
	return nil
}

// readIdentityGroup reads the model's group in the Identity account: its
// existence, groundwork's inline policy and any other policy on it.
func readIdentityGroup(ctx context.Context, api accountReadAPI, group string, out *estate.IdentityAccount, locked func(func())) error {
	name := aws.String(group)
	_, err := api.GetGroup(ctx, &iam.GetGroupInput{GroupName: name, MaxItems: aws.Int32(1)})
	if awsx.ErrorCodeIs(err, "NoSuchEntity") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the group %s: %w", group, err)
	}
	var doc string
	var inline, managed []string
	pages := iam.NewListGroupPoliciesPaginator(api, &iam.ListGroupPoliciesInput{GroupName: name})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the policies of group %s: %w", group, err)
		}
		for _, p := range page.PolicyNames {
			if p != GroupPolicyName {
				inline = append(inline, p)
				continue
			}
			got, err := api.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: name, PolicyName: aws.String(p)})
			if err != nil && !awsx.ErrorCodeIs(err, "NoSuchEntity") {
				return fmt.Errorf("read the policy %s of group %s: %w", p, group, err)
			}
			if err == nil {
				doc = decodeTrust(aws.ToString(got.PolicyDocument))
			}
		}
	}
	attached := iam.NewListAttachedGroupPoliciesPaginator(api, &iam.ListAttachedGroupPoliciesInput{GroupName: name})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the managed policies of group %s: %w", group, err)
		}
		for _, p := range page.AttachedPolicies {
			managed = append(managed, aws.ToString(p.PolicyArn))
		}
	}
	slices.Sort(inline)
	slices.Sort(managed)
	locked(func() {
		out.Group, out.GroupPolicy, out.GroupInlinePolicies, out.GroupManagedPolicies = group, doc, inline, managed
	})
	return nil
}

// readIdentityUsers reads every IAM user of the Identity account with the
// groups it is in and the policies attached to it directly, width users at
// a time.
func readIdentityUsers(ctx context.Context, api accountReadAPI, width int, out *estate.IdentityAccount, locked func(func())) error {
	names, err := listUserNames(ctx, api)
	if err != nil {
		return fmt.Errorf("list the IAM users: %w", err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(width)
	for _, n := range names {
		g.Go(func() error {
			u, err := readIdentityUser(gctx, api, n)
			if err != nil {
				return err
			}
			locked(func() { out.Users[n] = u })
			return nil
		})
	}
	return g.Wait()
}

func readIdentityUser(ctx context.Context, api accountReadAPI, name string) (*estate.IdentityAccountUser, error) {
	u := &estate.IdentityAccountUser{Name: name}
	n := aws.String(name)
	groups := iam.NewListGroupsForUserPaginator(api, &iam.ListGroupsForUserInput{UserName: n})
	for groups.HasMorePages() {
		page, err := groups.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the groups of user %s: %w", name, err)
		}
		for _, gr := range page.Groups {
			u.Groups = append(u.Groups, aws.ToString(gr.GroupName))
		}
	}
	attached := iam.NewListAttachedUserPoliciesPaginator(api, &iam.ListAttachedUserPoliciesInput{UserName: n})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the managed policies of user %s: %w", name, err)
		}
		for _, p := range page.AttachedPolicies {
			u.ManagedPolicies = append(u.ManagedPolicies, aws.ToString(p.PolicyArn))
		}
	}
	inline := iam.NewListUserPoliciesPaginator(api, &iam.ListUserPoliciesInput{UserName: n})
	for inline.HasMorePages() {
		page, err := inline.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the inline policies of user %s: %w", name, err)
		}
		u.InlinePolicies = append(u.InlinePolicies, page.PolicyNames...)
	}
	slices.Sort(u.Groups)
	slices.Sort(u.ManagedPolicies)
	slices.Sort(u.InlinePolicies)
	return u, nil
}

// listUserNames lists an account's IAM user names, sorted.
func listUserNames(ctx context.Context, api accountReadAPI) ([]string, error) {
	var names []string
	pages := iam.NewListUsersPaginator(api, &iam.ListUsersInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range page.Users {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	slices.Sort(names)
	return names, nil
}

// listRoles lists an account's roles, once per run however many parts ask
// (the roles' trust policies come with them).
func listRoles(ctx context.Context, api accountReadAPI, shared *inventory.Shared, at estate.Location) ([]iamtypes.Role, error) {
	key := inventory.SharedKey{Account: at.Account, Call: "iam:ListRoles"}
	return inventory.ReadOnce(ctx, shared, key, func(ctx context.Context) ([]iamtypes.Role, error) {
		var roles []iamtypes.Role
		pages := iam.NewListRolesPaginator(api, &iam.ListRolesInput{})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list the roles of %s: %w", at.Account, err)
			}
			roles = append(roles, page.Roles...)
		}
		return roles, nil
	})
}

// readStageRoles reads the roles of names in an account: path, trust,
// maximum session and managed policies.
func readStageRoles(ctx context.Context, api accountReadAPI, shared *inventory.Shared, a inventory.Account, names []string, out *estate.IdentityAccount, locked func(func())) error {
	_, at := a.In("")
	roles, err := listRoles(ctx, api, shared, at)
	if err != nil {
		return err
	}
	for _, r := range roles {
		name := aws.ToString(r.RoleName)
		if !slices.Contains(names, name) {
			continue
		}
		w := estate.Where{Account: a.Key}
		sr := &estate.StageRole{Where: w, Name: name, Path: aws.ToString(r.Path),
			Trust: decodeTrust(aws.ToString(r.AssumeRolePolicyDocument)), MaxSessionSeconds: aws.ToInt32(r.MaxSessionDuration)}
		for _, t := range r.Tags {
			if sr.Tags == nil {
				sr.Tags = map[string]string{}
			}
			sr.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		pages := iam.NewListAttachedRolePoliciesPaginator(api, &iam.ListAttachedRolePoliciesInput{RoleName: r.RoleName})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list the policies of role %s in %s: %w", name, a.ID, err)
			}
			for _, p := range page.AttachedPolicies {
				sr.ManagedPolicies = append(sr.ManagedPolicies, aws.ToString(p.PolicyArn))
			}
		}
		slices.Sort(sr.ManagedPolicies)
		locked(func() { out.Roles[w.Key(name)] = sr })
	}
	return nil
}

// readCrossAccountRoles reads the roles of every active account of the
// organization (one call each, shared with the model's read) and keeps
// those whose trust policy lets a principal outside the account assume
// them.
func readCrossAccountRoles(ctx context.Context, clients accountReads, actual *estate.Estate, opts inventory.Options, mu *sync.Mutex) error {
	found := map[string]*estate.CrossAccountRole{}
	var foundMu sync.Mutex
	fails := inventory.NewPlaceReads(opts)
	accounts := organizationAccounts(actual)
	opts.Progressf("reading the cross-account roles of %d accounts", len(accounts))
	err := opts.ForEachAccount(ctx, accounts, func(ctx context.Context, g *errgroup.Group, a inventory.Account) {
		g.Go(func() error {
			_, at := a.In("")
			roles, err := listRoles(ctx, clients.IAM(at), opts.Shared, at)
			if err != nil {
				return fails.Failed(ctx, err, readRolesName, at)
			}
			for _, r := range roles {
				trust := decodeTrust(aws.ToString(r.AssumeRolePolicyDocument))
				if !trustsOutside(trust, string(a.ID)) {
					continue
				}
				w := estate.Where{Account: a.Key}
				name := aws.ToString(r.RoleName)
				foundMu.Lock()
				found[w.Key(name)] = &estate.CrossAccountRole{Where: w, Name: name, Path: aws.ToString(r.Path), Trust: trust}
				foundMu.Unlock()
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	actual.Identity.CrossAccountRoles = maps.Clone(found)
	return nil
}

// detectAccountModel finds the Identity-account model in the cross-account
// roles read: the member account that the most roles of other accounts
// trust only with MFA is the Identity account, and those roles are its
// stage roles. It returns the model to read (Detected, its group to be
// found), or nil when no role trusts a member account with MFA.
func detectAccountModel(actual *estate.Estate) *estate.IdentityAccount {
	if actual.Identity == nil || actual.Organization == nil {
		return nil
	}
	keyByID := map[string]string{}
	for key, a := range actual.Accounts {
		if a.Active() && !actual.IsManagement(a) {
			keyByID[a.ID] = key
		}
	}
	trusted := map[string][]*estate.CrossAccountRole{}
	for _, r := range actual.Identity.CrossAccountRoles {
		for _, g := range trustGrants(r.Trust) {
			if !g.MFA || g.Anyone || len(g.Accounts) != 1 || keyByID[g.Accounts[0]] == "" || keyByID[g.Accounts[0]] == string(r.Account) {
				continue
			}
			trusted[g.Accounts[0]] = append(trusted[g.Accounts[0]], r)
			break
		}
	}
	best := ""
	for _, id := range slices.Sorted(maps.Keys(trusted)) {
		if best == "" || len(trusted[id]) > len(trusted[best]) {
			best = id
		}
	}
	if best == "" {
		return nil
	}
	m := &estate.IdentityAccount{Account: keyByID[best], Detected: true, Roles: map[string]*estate.StageRole{}}
	for _, r := range trusted[best] {
		m.Roles[r.Where.Key(r.Name)] = &estate.StageRole{Where: r.Where, Name: r.Name, Path: r.Path}
	}
	return m
}

// findIdentityGroup finds the group of a detected Identity account: the
// one holding groundwork's policy, else the first by name whose inline
// policies let its users assume roles; "" when none does.
func findIdentityGroup(ctx context.Context, api accountReadAPI) (string, error) {
	var names []string
	pages := iam.NewListGroupsPaginator(api, &iam.ListGroupsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("list the groups: %w", err)
		}
		for _, g := range page.Groups {
			names = append(names, aws.ToString(g.GroupName))
		}
	}
	slices.Sort(names)
	assuming := ""
	for _, name := range names {
		out, err := api.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String(name)})
		if err != nil {
			return "", fmt.Errorf("list the policies of group %s: %w", name, err)
		}
		if slices.Contains(out.PolicyNames, GroupPolicyName) {
			return name, nil
		}
		for _, p := range out.PolicyNames {
			if assuming != "" {
				break
			}
			doc, err := api.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String(name), PolicyName: aws.String(p)})
			if err != nil {
				return "", fmt.Errorf("read the policy %s of group %s: %w", p, name, err)
			}
			if allowsAssumeRole(decodeTrust(aws.ToString(doc.PolicyDocument))) {
				assuming = name
			}
		}
	}
	return assuming, nil
}

// allowsAssumeRole reports whether an identity policy allows sts:AssumeRole.
func allowsAssumeRole(doc string) bool {
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		return false
	}
	return slices.ContainsFunc(d.Statements, func(s policy.Statement) bool { return s.Effect == "Allow" && assumes(s.Action) })
}
