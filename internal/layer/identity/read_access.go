package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// readAccessName is the part the permission set and assignment read
// records when it fails.
const readAccessName = "identity/access"

func init() {
	addReadPart(readPart{name: readAccessName, center: true,
		wanted: func(want *estate.Identity, survey bool) bool { return survey || (want != nil && want.Center != nil) },
		// The assignments name their principals by the users and groups
		// the store part read.
		after: []string{readStoreName},
		read:  readAccessPart,
	})
}

// readAccessPart reads the permission sets and account assignments of the
// instance actual.Identity.Center names, as the management account sees
// them, into its PermissionSets and Assignments. A plan or apply (r.Warn
// nil) reads the assignments of the sets the spec manages only, the only
// ones it diffs; the audit and profiles (r.Warn set) read them all.
func readAccessPart(ctx context.Context, r inventory.Reader, want *estate.Identity, actual *estate.Estate, mu *sync.Mutex) error {
	mu.Lock()
	c := actual.Identity.Center
	at := awsx.ConfigFor{Session: r.Session, Region: c.Region}
	ar := newAccessRead(at.SSOAdmin(), at.IdentityStore(), c, want, actual, r.Options())
	mu.Unlock()
	ar.only = assignmentsOf(r, want)
	err := ar.run(ctx)
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		err = inventory.NotRead(readAccessName, managementID(actual), c.Region, err)
		if r.Warn == nil {
			return err
		}
		r.Warn(err)
		actual.Identity.Unread = append(actual.Identity.Unread, inventory.UnreadOf(err).String())
		return nil
	}
	c.PermissionSets, c.Assignments = ar.sets, ar.assignments
	actual.Identity.Unread = append(actual.Identity.Unread, ar.unread...)
	return nil
}

// assignmentsOf returns the sets whose assignments a read reads: in a
// plan or apply (no r.Warn), the sets the spec manages, whose assignments
// alone it diffs; nil, meaning every set, in a best-effort read (the
// audit, profiles), which judges or lists them all.
func assignmentsOf(r inventory.Reader, want *estate.Identity) map[string]*estate.PermissionSet {
	if r.Warn != nil || want == nil || want.Center == nil {
		return nil
	}
	if want.Center.PermissionSets == nil {
		return map[string]*estate.PermissionSet{}
	}
	return want.Center.PermissionSets
}

// accessReadAPI is what the read calls of sso-admin.
type accessReadAPI interface {
	ListPermissionSets(context.Context, *ssoadmin.ListPermissionSetsInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListPermissionSetsOutput, error)
	DescribePermissionSet(context.Context, *ssoadmin.DescribePermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.DescribePermissionSetOutput, error)
	ListManagedPoliciesInPermissionSet(context.Context, *ssoadmin.ListManagedPoliciesInPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListManagedPoliciesInPermissionSetOutput, error)
	ListCustomerManagedPolicyReferencesInPermissionSet(context.Context, *ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput, error)
	GetInlinePolicyForPermissionSet(context.Context, *ssoadmin.GetInlinePolicyForPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.GetInlinePolicyForPermissionSetOutput, error)
	GetPermissionsBoundaryForPermissionSet(context.Context, *ssoadmin.GetPermissionsBoundaryForPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.GetPermissionsBoundaryForPermissionSetOutput, error)
	ListTagsForResource(context.Context, *ssoadmin.ListTagsForResourceInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListTagsForResourceOutput, error)
	ListAccountsForProvisionedPermissionSet(context.Context, *ssoadmin.ListAccountsForProvisionedPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountsForProvisionedPermissionSetOutput, error)
	ListAccountAssignments(context.Context, *ssoadmin.ListAccountAssignmentsInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentsOutput, error)
}

// principalReadAPI is what the read calls of the Identity Store.
type principalReadAPI interface {
	DescribeUser(context.Context, *identitystore.DescribeUserInput, ...func(*identitystore.Options)) (*identitystore.DescribeUserOutput, error)
	DescribeGroup(context.Context, *identitystore.DescribeGroupInput, ...func(*identitystore.Options)) (*identitystore.DescribeGroupOutput, error)
}

// accessRead reads the permission sets and the assignments of one
// instance.
//
// Every permission set is read whole (its attributes, policies, tags and
// the accounts it is provisioned to): an organization has tens of them.
// Assignments are read with ListAccountAssignments, which answers for one
// set in one account: reading every set in every account would cost
// sets × accounts calls. AWS provisions a set to every account it is
// assigned in, so the accounts a set is provisioned to hold all of its
// assignments; the read asks those, the management account (where an
// assignment matters most, and is cheap to ask for) and the accounts the
// spec assigns the set in, which covers an endpoint that does not
// provision on assignment (moto 5.2). It reads the assignments of every
// set, or of those only names when it is set (a plan diffs the sets the
// spec manages only; the audit judges them all). The principals are
// named by the users and groups the store part read; one it did not
// list (made since, or the store part was not read) by one DescribeUser
// or DescribeGroup.
type accessRead struct {
	api             accessReadAPI
	store           principalReadAPI
	instance, idsID string
	want            *estate.Identity
	actual          *estate.Estate
	opts            inventory.Options
	// only, when not nil, are the sets whose assignments are read.
	only map[string]*estate.PermissionSet

	keys map[string]string // account ID -> account key
	// names are the principals the store part read, by type and ID.
	names map[principalRef]string

	mu          sync.Mutex
	sets        map[string]*estate.PermissionSet
	assignments []estate.Assignment
	unread      []string
	gaps        map[string]bool
}

func newAccessRead(api accessReadAPI, store principalReadAPI, c *estate.IdentityCenter, want *estate.Identity, actual *estate.Estate, opts inventory.Options) *accessRead {
	ar := &accessRead{api: api, store: store, instance: c.InstanceARN, idsID: c.IdentityStoreID, want: want, actual: actual,
		opts: opts, names: map[principalRef]string{},
		keys: map[string]string{}, sets: map[string]*estate.PermissionSet{}, gaps: map[string]bool{}}
	for name, u := range c.Users {
		ar.names[principalRef{estate.PrincipalUser, u.ID}] = name
	}
	for name, g := range c.Groups {
		ar.names[principalRef{estate.PrincipalGroup, g.ID}] = name
	}
	for key, a := range actual.Accounts {
		ar.keys[a.ID] = key
	}
	if id := managementID(actual); id != "" {
		ar.keys[id] = estate.ManagementKey
	}
	return ar
}

// managementID is the management account's ID, "" when not known.
func managementID(e *estate.Estate) string {
	if e.Organization == nil {
		return ""
	}
	return e.Organization.ManagementAccountID
}

// keyOf is the account key of an account ID: its e-mail key, or
// ManagementKey; an account the organization does not hold (any more)
// is named by its ID.
func (ar *accessRead) keyOf(id string) string {
	if k, ok := ar.keys[id]; ok {
		return k
	}
	return id
}

func (ar *accessRead) run(ctx context.Context) error {
	var arns []string
	p := ssoadmin.NewListPermissionSetsPaginator(ar.api, &ssoadmin.ListPermissionSetsInput{InstanceArn: aws.String(ar.instance)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list permission sets: %w", err)
		}
		arns = append(arns, out.PermissionSets...)
	}
	ar.opts.Progressf("reading %d permission sets of Identity Center", len(arns))
	g, gctx := ar.opts.Group(ctx)
	for _, arn := range arns {
		g.Go(func() error { return ar.readSet(gctx, arn) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := ar.readAssignments(ctx); err != nil {
		return err
	}
	return ar.namePrincipals(ctx)
}

// gap records, once per operation, an operation the endpoint lacks (it
// answers HTTP 500 without an AWS error code, as moto 5.2 does), and
// reports whether the read goes on without it: a detail of a set (its
// tags, its boundary) is then left unread, named in Unread for the plan
// to note, and not compared.
func (ar *accessRead) gap(op, what string, err error) bool {
	if !awsx.Unimplemented(err) {
		return false
	}
	ar.mu.Lock()
	defer ar.mu.Unlock()
	if !ar.gaps[op] {
		ar.gaps[op] = true
		ar.unread = append(ar.unread, fmt.Sprintf("%s of the permission sets were not read (the plan does not compare them): the endpoint answered %s with HTTP 500 and no AWS error code, which is how an endpoint lacking the operation answers, as moto 5.2 does", what, op))
	}
	return true
}

func (ar *accessRead) readSet(ctx context.Context, arn string) error {
	in := aws.String(ar.instance)
	d, err := ar.api.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: in, PermissionSetArn: aws.String(arn)})
	if err != nil {
		return fmt.Errorf("describe permission set %s: %w", arn, err)
	}
	if d.PermissionSet == nil {
		return fmt.Errorf("describe permission set %s: no permission set in the answer", arn)
	}
	ps := &estate.PermissionSet{Name: aws.ToString(d.PermissionSet.Name), ARN: arn,
		Description: aws.ToString(d.PermissionSet.Description), SessionDuration: aws.ToString(d.PermissionSet.SessionDuration),
		RelayState: aws.ToString(d.PermissionSet.RelayState)}
	name := ps.Name

	mp := ssoadmin.NewListManagedPoliciesInPermissionSetPaginator(ar.api, &ssoadmin.ListManagedPoliciesInPermissionSetInput{InstanceArn: in, PermissionSetArn: aws.String(arn)})
	for mp.HasMorePages() {
		out, err := mp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the managed policies of permission set %s: %w", name, err)
		}
		for _, m := range out.AttachedManagedPolicies {
			ps.ManagedPolicies = append(ps.ManagedPolicies, aws.ToString(m.Arn))
		}
	}
	slices.Sort(ps.ManagedPolicies)

	cp := ssoadmin.NewListCustomerManagedPolicyReferencesInPermissionSetPaginator(ar.api, &ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetInput{InstanceArn: in, PermissionSetArn: aws.String(arn)})
	for cp.HasMorePages() {
		out, err := cp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the customer managed policies of permission set %s: %w", name, err)
		}
		for _, c := range out.CustomerManagedPolicyReferences {
			ps.CustomerPolicies = append(ps.CustomerPolicies, policyRefOf(&c))
		}
	}
	sortRefs(ps.CustomerPolicies)

	inline, err := ar.api.GetInlinePolicyForPermissionSet(ctx, &ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: in, PermissionSetArn: aws.String(arn)})
	if err != nil {
		return fmt.Errorf("read the inline policy of permission set %s: %w", name, err)
	}
	ps.InlinePolicy = aws.ToString(inline.InlinePolicy)

	b, err := ar.api.GetPermissionsBoundaryForPermissionSet(ctx, &ssoadmin.GetPermissionsBoundaryForPermissionSetInput{InstanceArn: in, PermissionSetArn: aws.String(arn)})
	switch {
	case awsx.ErrorCodeIs(err, "ResourceNotFoundException"):
		// No boundary.
	case err != nil:
		if !ar.gap("GetPermissionsBoundaryForPermissionSet", "the permissions boundaries", err) {
			return fmt.Errorf("read the permissions boundary of permission set %s: %w", name, err)
		}
		ps.Unread = append(ps.Unread, estate.PermissionSetBoundary)
	case b.PermissionsBoundary != nil:
		ps.Boundary = &estate.Boundary{ManagedPolicy: aws.ToString(b.PermissionsBoundary.ManagedPolicyArn)}
		if r := b.PermissionsBoundary.CustomerManagedPolicyReference; r != nil {
			ref := policyRefOf(r)
			ps.Boundary.CustomerPolicy = &ref
		}
	}

	ps.Tags = map[string]string{}
	tp := ssoadmin.NewListTagsForResourcePaginator(ar.api, &ssoadmin.ListTagsForResourceInput{InstanceArn: in, ResourceArn: aws.String(arn)})
	for tp.HasMorePages() {
		out, err := tp.NextPage(ctx)
		if err != nil {
			if !ar.gap("ListTagsForResource", "the tags", err) {
				return fmt.Errorf("read the tags of permission set %s: %w", name, err)
			}
			ps.Tags = nil
			ps.Unread = append(ps.Unread, estate.PermissionSetTags)
			break
		}
		for _, t := range out.Tags {
			ps.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}

	if ps.Provisioned, err = ar.provisioned(ctx, arn, ""); err != nil {
		return fmt.Errorf("list the accounts permission set %s is provisioned to: %w", name, err)
	}
	if len(ps.Provisioned) > 0 {
		if ps.OutOfDate, err = ar.provisioned(ctx, arn, types.ProvisioningStatusLatestPermissionSetNotProvisioned); err != nil {
			return fmt.Errorf("list the accounts permission set %s is out of date in: %w", name, err)
		}
	}
	ar.mu.Lock()
	defer ar.mu.Unlock()
	if prev, dup := ar.sets[name]; dup {
		// Names are unique in an instance; keep one, the same one each time.
		if prev.ARN < arn {
			return nil
		}
	}
	ar.sets[name] = ps
	return nil
}

// provisioned lists the accounts, by key and sorted, a set is
// provisioned to, with status ("" for any).
func (ar *accessRead) provisioned(ctx context.Context, arn string, status types.ProvisioningStatus) ([]string, error) {
	var out []string
	p := ssoadmin.NewListAccountsForProvisionedPermissionSetPaginator(ar.api, &ssoadmin.ListAccountsForProvisionedPermissionSetInput{
		InstanceArn: aws.String(ar.instance), PermissionSetArn: aws.String(arn), ProvisioningStatus: status})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, id := range page.AccountIds {
			out = append(out, ar.keyOf(id))
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// assignmentSets are the sets whose assignments the read reads, with the
// accounts (by ID) it asks for each.
func (ar *accessRead) assignmentSets() map[string][]string {
	idOf := map[string]string{}
	for id, key := range ar.keys {
		idOf[key] = id
	}
	var desired map[string][]string // set -> account keys the spec assigns it in
	if ar.want != nil && ar.want.Center != nil {
		desired = map[string][]string{}
		for _, a := range estate.ExpandGrants(ar.want.Center.Grants, AccountUnits(nil, ar.actual)) {
			desired[a.PermissionSet] = append(desired[a.PermissionSet], a.Account)
		}
	}
	out := map[string][]string{}
	for name, ps := range ar.sets {
		if _, managed := ar.only[name]; ar.only != nil && !managed {
			continue
		}
		var ids []string
		for _, key := range append(append(slices.Clone(ps.Provisioned), estate.ManagementKey), desired[name]...) {
			if id, ok := idOf[key]; ok {
				ids = append(ids, id)
			} else if !strings.Contains(key, "@") && key != estate.ManagementKey {
				ids = append(ids, key) // an account outside the organization, by ID
			}
		}
		slices.Sort(ids)
		out[ps.ARN] = slices.Compact(ids)
	}
	return out
}

func (ar *accessRead) readAssignments(ctx context.Context) error {
	names := map[string]string{}
	for name, ps := range ar.sets {
		names[ps.ARN] = name
	}
	g, gctx := ar.opts.Group(ctx)
	for arn, ids := range ar.assignmentSets() {
		for _, id := range ids {
			g.Go(func() error {
				p := ssoadmin.NewListAccountAssignmentsPaginator(ar.api, &ssoadmin.ListAccountAssignmentsInput{
					InstanceArn: aws.String(ar.instance), AccountId: aws.String(id), PermissionSetArn: aws.String(arn)})
				var got []estate.Assignment
				for p.HasMorePages() {
					page, err := p.NextPage(gctx)
					if err != nil {
						return fmt.Errorf("list the assignments of permission set %s in account %s: %w", names[arn], id, err)
					}
					for _, a := range page.AccountAssignments {
						got = append(got, estate.Assignment{PermissionSet: names[arn], PrincipalType: string(a.PrincipalType),
							PrincipalID: aws.ToString(a.PrincipalId), Account: ar.keyOf(id)})
					}
				}
				ar.mu.Lock()
				ar.assignments = append(ar.assignments, got...)
				ar.mu.Unlock()
				return nil
			})
		}
	}
	return g.Wait()
}

// principalRef is an assignment's principal: its type and Identity Store ID.
type principalRef struct{ kind, id string }

// namePrincipals names the principal of every assignment read: by the
// users and groups the store part read, else by asking the Identity
// Store once for each; a principal it no longer has is named by its ID.
func (ar *accessRead) namePrincipals(ctx context.Context) error {
	names := map[principalRef]string{}
	var unknown []principalRef
	for _, a := range ar.assignments {
		p := principalRef{a.PrincipalType, a.PrincipalID}
		if _, seen := names[p]; seen {
			continue
		}
		name, ok := ar.names[p]
		names[p] = name
		if !ok {
			unknown = append(unknown, p)
		}
	}
	var mu sync.Mutex
	g, gctx := ar.opts.Group(ctx)
	for _, p := range unknown {
		g.Go(func() error {
			name, err := ar.principalName(gctx, p.kind, p.id)
			if err != nil {
				return err
			}
			mu.Lock()
			names[p] = name
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	seen := map[string]bool{}
	out := ar.assignments[:0]
	for _, a := range ar.assignments {
		a.Principal = names[principalRef{a.PrincipalType, a.PrincipalID}]
		if !seen[a.Key()] {
			seen[a.Key()] = true
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b estate.Assignment) int { return strings.Compare(a.Key(), b.Key()) })
	ar.assignments = out
	return nil
}

func (ar *accessRead) principalName(ctx context.Context, kind, id string) (string, error) {
	store := aws.String(ar.idsID)
	switch kind {
	case estate.PrincipalUser:
		out, err := ar.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: aws.String(id)})
		if awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
			return id, nil
		}
		if err != nil {
			return "", fmt.Errorf("describe user %s: %w", id, err)
		}
		return aws.ToString(out.UserName), nil
	case estate.PrincipalGroup:
		out, err := ar.store.DescribeGroup(ctx, &identitystore.DescribeGroupInput{IdentityStoreId: store, GroupId: aws.String(id)})
		if awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
			return id, nil
		}
		if err != nil {
			return "", fmt.Errorf("describe group %s: %w", id, err)
		}
		return aws.ToString(out.DisplayName), nil
	}
	return id, nil
}

func policyRefOf(r *types.CustomerManagedPolicyReference) estate.PolicyRef {
	path := aws.ToString(r.Path)
	if path == "" {
		path = "/"
	}
	return estate.PolicyRef{Name: aws.ToString(r.Name), Path: path}
}

func sortRefs(refs []estate.PolicyRef) {
	slices.SortFunc(refs, func(a, b estate.PolicyRef) int { return strings.Compare(a.Path+a.Name, b.Path+b.Name) })
}

// AccountUnits maps every account an assignment may be made in to its OU
// path: the accounts of desired where the spec puts them (apply creates
// or moves them there in the same run), every other account of actual
// where it is, and the management account at the root. ExpandGrants
// takes it. desired may be nil.
func AccountUnits(desired, actual *estate.Estate) map[string]string {
	out := map[string]string{estate.ManagementKey: estate.RootPath}
	if actual != nil {
		for key, a := range actual.Accounts {
			if actual.IsManagement(a) || !a.Active() {
				continue
			}
			out[key] = a.Unit
		}
	}
	if desired != nil {
		for key, a := range desired.Accounts {
			if actual != nil {
				if have := actual.Accounts[key]; have != nil && !have.Active() {
					continue
				}
			}
			out[key] = a.Unit
		}
	}
	return out
}

// sortedKeys is the map's keys, sorted.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
