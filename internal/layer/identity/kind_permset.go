package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// KindPermissionSet manages the permission sets the spec declares: name,
// description, session duration, relay state, AWS managed policies,
// customer managed policy references, the inline policy, the permissions
// boundary and tags. CreatePermissionSet is not idempotent (a second one
// of the name is refused): it is guarded by kinds.Env.CreateOnce, which
// looks the set up by name, and the set is tagged as groundwork's. Every
// other write is a put, or an attach or detach of one policy that the
// next plan would otherwise show.
//
// After a change to a set that is provisioned to accounts, the set is
// provisioned again to every account it is provisioned to or assigned in
// (ProvisionPermissionSet, one account at a time, waiting on each
// request's status), and failures are reported by account. A set that AWS
// says is out of date in some accounts (an apply stopped between the
// change and the provisioning) is planned as an update that provisions
// those. Permission sets are never deleted.
//
// The writes run as the management account, or as the delegated
// administrator of Identity Center when one is registered, except for a
// set provisioned to, assigned in or to be assigned in the management
// account: AWS lets only the management account manage those (see
// writerFor).
const KindPermissionSet = "permission-set"

// refPermissionSetARN is the reference a permission set change records
// its set's ARN under (kinds.Env.Record, by set name), so that the
// assignments this apply makes of a set it creates need not look it up
// among every set of the instance.
const refPermissionSetARN = "identity-permission-set-arn"

// PermissionSetAddress is the address of a permission set.
func PermissionSetAddress(name string) string { return kinds.Address(KindPermissionSet, name) }

func init() {
	kinds.Register(kinds.Registration{Name: KindPermissionSet, Diff: diffPermissionSets, Apply: applyPermissionSet})
}

// permSetValue is what a permission set change does. Set is the set as
// the spec wants it (its inline policy minified); Was, for an update, the
// set as the plan read it, so that Apply changes only what differs.
// Provision are the accounts (by key) to provision the set to after the
// change. Via is the account (by key) whose sso-admin API makes it.
type permSetValue struct {
	Instance  string                `json:"instance"`
	Region    string                `json:"region"`
	Set       estate.PermissionSet  `json:"set"`
	Was       *estate.PermissionSet `json:"was,omitempty"`
	Provision []string              `json:"provision,omitempty"`
	Via       string                `json:"via"`
}

// accessPlan is what the access kinds diff: the desired Identity Center
// and the actual one. ok is false when the spec manages no Identity
// Center or the home Region has no instance (the layer waits for it).
func accessPlan(desired, actual *estate.Estate) (want, have *estate.IdentityCenter, ok bool) {
	if desired.Identity == nil || desired.Identity.Center == nil {
		return nil, nil, false
	}
	if actual.Identity != nil {
		have = actual.Identity.Center
	}
	if have == nil || have.InstanceMissing {
		return desired.Identity.Center, have, false
	}
	return desired.Identity.Center, have, true
}

func permSetAttrs(ps *estate.PermissionSet) plan.Attrs {
	a := plan.Attrs{"name": ps.Name, "description": ps.Description, "session_duration": ps.SessionDuration, "relay_state": ps.RelayState,
		"managed_policies": strings.Join(ps.ManagedPolicies, ","), "customer_managed_policies": refsString(ps.CustomerPolicies),
		"inline_policy": minified(ps.InlinePolicy), "permissions_boundary": boundaryString(ps.Boundary)}
	for _, k := range slices.Sorted(maps.Keys(kinds.WithoutOwnerTag(ps.Tags))) {
		a["tag."+k] = ps.Tags[k]
	}
	return a
}

func refsString(refs []estate.PolicyRef) string {
	var out []string
	for _, r := range refs {
		out = append(out, r.Path+r.Name)
	}
	return strings.Join(out, ",")
}

func boundaryString(b *estate.Boundary) string {
	switch {
	case b == nil:
		return ""
	case b.CustomerPolicy != nil:
		return "customer:" + b.CustomerPolicy.Path + b.CustomerPolicy.Name
	}
	return b.ManagedPolicy
}

// minified is a policy document without the whitespace between its
// tokens, as the comparison and the put take it; a document that is not
// JSON is kept as it is.
func minified(doc string) string {
	if doc == "" {
		return ""
	}
	m, err := policy.Minify([]byte(doc))
	if err != nil {
		return doc
	}
	return string(m)
}

// writerFor is the account (by key) whose sso-admin API writes a set or
// an assignment. AWS lets the delegated administrator of Identity Center
// manage neither a permission set provisioned to the management account
// nor an assignment there; the management account may do everything. So
// what touches the management account is written as the management
// account, and everything else as the delegated administrator when one is
// registered (the guidance's "Delegate IAM Identity Center": day-to-day
// administration outside the management account).
func writerFor(have *estate.IdentityCenter, actual *estate.Estate, touchesManagement bool) string {
	if touchesManagement {
		return estate.ManagementKey
	}
	admin := have.DelegatedAdmin
	if admin == "" && actual.Org != nil {
		admin = actual.Org.DelegatedAdmins[identityCenterPrincipal]
	}
	if admin == "" || admin == estate.ManagementKey {
		return estate.ManagementKey
	}
	if a := actual.Accounts[admin]; a == nil || !a.Active() || actual.IsManagement(a) {
		return estate.ManagementKey
	}
	return admin
}

// identityCenterPrincipal is the service principal of Identity Center's
// delegated administrator.
const identityCenterPrincipal = "sso.amazonaws.com"

// setAccounts are the accounts (by key) a set is provisioned to or
// assigned in, in actual, and the accounts desired assigns it in.
func setAccounts(name string, have *estate.IdentityCenter, desired []estate.Assignment) (provisioned, all []string) {
	if ps := have.PermissionSets[name]; ps != nil {
		provisioned = append(provisioned, ps.Provisioned...)
	}
	for _, a := range have.Assignments {
		if a.PermissionSet == name {
			provisioned = append(provisioned, a.Account)
		}
	}
	slices.Sort(provisioned)
	provisioned = slices.Compact(provisioned)
	all = slices.Clone(provisioned)
	for _, a := range desired {
		if a.PermissionSet == name {
			all = append(all, a.Account)
		}
	}
	slices.Sort(all)
	return provisioned, slices.Compact(all)
}

func diffPermissionSets(desired, actual *estate.Estate) ([]plan.Change, []string) {
	want, have, ok := accessPlan(desired, actual)
	if !ok {
		return nil, nil
	}
	if have.PermissionSets == nil {
		return nil, []string{"identity: the permission sets were not read, so none is planned"}
	}
	assignments := estate.ExpandGrants(want.Grants, AccountUnits(desired, actual))
	var changes []plan.Change
	var notes []string
	for _, name := range sortedKeys(want.PermissionSets) {
		d := *want.PermissionSets[name]
		d.InlinePolicy = minified(d.InlinePolicy)
		provisioned, all := setAccounts(name, have, assignments)
		v := permSetValue{Instance: have.InstanceARN, Region: have.Region, Set: d,
			Via: writerFor(have, actual, slices.Contains(all, estate.ManagementKey))}
		ch := plan.Change{Address: PermissionSetAddress(name), Kind: KindPermissionSet, Group: estate.RootPath,
			After: permSetAttrs(&d), DependsOn: kinds.AccountDeps(estate.AccountKey(v.Via))}
		a := have.PermissionSets[name]
		if a == nil {
			ch.Action = plan.Create
			changes = append(changes, plan.SetValue(ch, v))
			continue
		}
		before := permSetAttrs(a)
		after := ch.After
		var unread []string
		for _, u := range a.Unread {
			switch u {
			case estate.PermissionSetTags:
				for k := range after {
					if strings.HasPrefix(k, "tag.") {
						before[k] = after[k]
					}
				}
			case estate.PermissionSetBoundary:
				before["permissions_boundary"] = after["permissions_boundary"]
			}
			unread = append(unread, u)
		}
		if len(unread) > 0 && (len(d.Tags) > 0 || d.Boundary != nil) {
			notes = append(notes, fmt.Sprintf("permission set %s: its %s were not read, so they are not compared", name, strings.Join(unread, " and ")))
		}
		var drift []string
		for _, k := range slices.Sorted(maps.Keys(after)) {
			if before[k] != after[k] {
				drift = append(drift, k)
			}
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				drift = append(drift, k)
			}
		}
		slices.Sort(drift)
		drift = slices.Compact(drift)
		unmarked := a.Tags != nil && !kinds.Owned(a.Tags)
		switch {
		case len(drift) > 0:
			v.Was, v.Provision = a, provisioned
			ch.Reason = "differs from the spec: " + strings.Join(drift, ", ")
		case len(a.OutOfDate) > 0:
			v.Was, v.Provision = a, a.OutOfDate
			ch.Reason = "out of date in " + strings.Join(a.OutOfDate, ", ") + ": provisioned before its last change"
		case unmarked:
			v.Was = a
			ch.Adopt = true
			ch.Reason = "declared by the spec and not marked as groundwork's: marked"
		default:
			continue
		}
		ch.Action, ch.Before = plan.Update, before
		changes = append(changes, plan.SetValue(ch, v))
	}
	return changes, notes
}

// provisionWait bounds the wait for one provisioning or assignment
// request: AWS completes them in seconds to a minute.
const provisionWait = 10 * time.Minute

func applyPermissionSet(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	if ch.Action != plan.Create && ch.Action != plan.Update {
		return fmt.Errorf("permission set %s: cannot %s (groundwork never deletes permission sets)", ch.Address, ch.Action)
	}
	v, err := plan.ValueOf[permSetValue](ch)
	if err != nil {
		return err
	}
	cl, err := accessClientsOf(env)
	if err != nil {
		return err
	}
	at, err := env.At(estate.Where{Account: estate.AccountKey(v.Via), Region: v.Region})
	if err != nil {
		return fmt.Errorf("permission set %s: %w", v.Set.Name, err)
	}
	api := cl.SSOAdmin(at)
	name, in := v.Set.Name, aws.String(v.Instance)
	var arn string
	was := estate.PermissionSet{Name: name}
	if ch.Action == plan.Update {
		if v.Was == nil {
			return fmt.Errorf("permission set %s: the update does not say what the set was; make the plan again", name)
		}
		was, arn = *v.Was, v.Was.ARN
	} else {
		created := false
		create := func(ctx context.Context) error {
			out, err := api.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: in, Name: aws.String(name),
				Description: nilIfBlank(v.Set.Description), SessionDuration: nilIfBlank(v.Set.SessionDuration),
				RelayState: nilIfBlank(v.Set.RelayState), Tags: ssoTags(kinds.OwnerTags(v.Set.Tags))})
			if err == nil && out.PermissionSet != nil {
				arn, created = aws.ToString(out.PermissionSet.PermissionSetArn), true
			}
			return err
		}
		look := func(ctx context.Context) (bool, error) {
			found, err := findPermissionSet(ctx, api, v.Instance, name)
			arn = found
			return found != "", err
		}
		if err := env.CreateOnce(ctx, "permission set "+name, create, look, "ConflictException"); err != nil {
			return fmt.Errorf("create permission set %s: %w", name, err)
		}
		if created {
			was.SessionDuration, was.Description, was.RelayState = v.Set.SessionDuration, v.Set.Description, v.Set.RelayState
			was.Tags = kinds.OwnerTags(v.Set.Tags)
		} else {
			// Made by a lost attempt or by someone else meanwhile: read
			// what it holds, and make it what the spec says.
			ar := &accessRead{api: api, instance: v.Instance, keys: map[string]string{}, sets: map[string]*estate.PermissionSet{}, gaps: map[string]bool{}}
			if err := ar.readSet(ctx, arn); err != nil {
				return err
			}
			if got := ar.sets[name]; got != nil {
				was = *got
			}
		}
	}
	env.Record(refPermissionSetARN, name, arn)
	changed, err := convergeSet(ctx, api, v.Instance, arn, was, v.Set)
	if err != nil {
		return fmt.Errorf("permission set %s: %w", name, err)
	}
	env.Logf("permission set %s: %s", name, map[bool]string{true: "created", false: "updated"}[ch.Action == plan.Create])
	if !changed && ch.Action == plan.Create {
		return nil
	}
	return provision(ctx, env, api, v.Instance, arn, name, v.Provision)
}

func nilIfBlank(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func ssoTags(tags map[string]string) []types.Tag {
	var out []types.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// findPermissionSet returns the ARN of the instance's set of the name, ""
// when it has none.
func findPermissionSet(ctx context.Context, api AccessAPI, instance, name string) (string, error) {
	p := ssoadmin.NewListPermissionSetsPaginator(api, &ssoadmin.ListPermissionSetsInput{InstanceArn: aws.String(instance)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("list permission sets: %w", err)
		}
		for _, arn := range out.PermissionSets {
			d, err := api.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: aws.String(instance), PermissionSetArn: aws.String(arn)})
			if err != nil {
				return "", fmt.Errorf("describe permission set %s: %w", arn, err)
			}
			if d.PermissionSet != nil && aws.ToString(d.PermissionSet.Name) == name {
				return arn, nil
			}
		}
	}
	return "", nil
}

// convergeSet makes the set what want says, changing only what differs
// from was, and reports whether it changed what the set grants (which
// then needs provisioning). Attributes was lacks because they were not
// read (Unread) are left alone. Each call is a put, or an attach or
// detach of one policy; an attach of what is there already, or a detach
// of what is gone, counts as done.
func convergeSet(ctx context.Context, api AccessAPI, instance, arn string, was, want estate.PermissionSet) (bool, error) {
	in, ps := aws.String(instance), aws.String(arn)
	changed := false
	if was.Description != want.Description || was.SessionDuration != want.SessionDuration || was.RelayState != want.RelayState {
		if _, err := api.UpdatePermissionSet(ctx, &ssoadmin.UpdatePermissionSetInput{InstanceArn: in, PermissionSetArn: ps,
			Description: nilIfBlank(want.Description), SessionDuration: nilIfBlank(want.SessionDuration), RelayState: nilIfBlank(want.RelayState)}); err != nil {
			return changed, fmt.Errorf("update: %w", err)
		}
		changed = true
	}
	for _, m := range want.ManagedPolicies {
		if slices.Contains(was.ManagedPolicies, m) {
			continue
		}
		_, err := api.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{InstanceArn: in, PermissionSetArn: ps, ManagedPolicyArn: aws.String(m)})
		if err != nil && !awsx.ErrorCodeIs(err, "ConflictException") {
			return changed, fmt.Errorf("attach %s: %w", m, err)
		}
		changed = true
	}
	for _, m := range was.ManagedPolicies {
		if slices.Contains(want.ManagedPolicies, m) {
			continue
		}
		_, err := api.DetachManagedPolicyFromPermissionSet(ctx, &ssoadmin.DetachManagedPolicyFromPermissionSetInput{InstanceArn: in, PermissionSetArn: ps, ManagedPolicyArn: aws.String(m)})
		if err != nil && !awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
			return changed, fmt.Errorf("detach %s: %w", m, err)
		}
		changed = true
	}
	for _, r := range want.CustomerPolicies {
		if slices.Contains(was.CustomerPolicies, r) {
			continue
		}
		_, err := api.AttachCustomerManagedPolicyReferenceToPermissionSet(ctx, &ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetInput{InstanceArn: in, PermissionSetArn: ps,
			CustomerManagedPolicyReference: &types.CustomerManagedPolicyReference{Name: aws.String(r.Name), Path: aws.String(r.Path)}})
		if err != nil && !awsx.ErrorCodeIs(err, "ConflictException") {
			return changed, fmt.Errorf("attach customer managed policy %s%s: %w", r.Path, r.Name, err)
		}
		changed = true
	}
	for _, r := range was.CustomerPolicies {
		if slices.Contains(want.CustomerPolicies, r) {
			continue
		}
		_, err := api.DetachCustomerManagedPolicyReferenceFromPermissionSet(ctx, &ssoadmin.DetachCustomerManagedPolicyReferenceFromPermissionSetInput{InstanceArn: in, PermissionSetArn: ps,
			CustomerManagedPolicyReference: &types.CustomerManagedPolicyReference{Name: aws.String(r.Name), Path: aws.String(r.Path)}})
		if err != nil && !awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
			return changed, fmt.Errorf("detach customer managed policy %s%s: %w", r.Path, r.Name, err)
		}
		changed = true
	}
	if minified(was.InlinePolicy) != minified(want.InlinePolicy) {
		var err error
		if want.InlinePolicy == "" {
			_, err = api.DeleteInlinePolicyFromPermissionSet(ctx, &ssoadmin.DeleteInlinePolicyFromPermissionSetInput{InstanceArn: in, PermissionSetArn: ps})
		} else {
			_, err = api.PutInlinePolicyToPermissionSet(ctx, &ssoadmin.PutInlinePolicyToPermissionSetInput{InstanceArn: in, PermissionSetArn: ps, InlinePolicy: aws.String(minified(want.InlinePolicy))})
		}
		if err != nil {
			return changed, fmt.Errorf("inline policy: %w", err)
		}
		changed = true
	}
	if !slices.Contains(was.Unread, estate.PermissionSetBoundary) && boundaryString(was.Boundary) != boundaryString(want.Boundary) {
		var err error
		if want.Boundary == nil {
			_, err = api.DeletePermissionsBoundaryFromPermissionSet(ctx, &ssoadmin.DeletePermissionsBoundaryFromPermissionSetInput{InstanceArn: in, PermissionSetArn: ps})
			if awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
				err = nil
			}
		} else {
			b := &types.PermissionsBoundary{}
			if want.Boundary.CustomerPolicy != nil {
				b.CustomerManagedPolicyReference = &types.CustomerManagedPolicyReference{Name: aws.String(want.Boundary.CustomerPolicy.Name), Path: aws.String(want.Boundary.CustomerPolicy.Path)}
			} else {
				b.ManagedPolicyArn = aws.String(want.Boundary.ManagedPolicy)
			}
			_, err = api.PutPermissionsBoundaryToPermissionSet(ctx, &ssoadmin.PutPermissionsBoundaryToPermissionSetInput{InstanceArn: in, PermissionSetArn: ps, PermissionsBoundary: b})
		}
		if err != nil {
			return changed, fmt.Errorf("permissions boundary: %w", err)
		}
		changed = true
	}
	if !slices.Contains(was.Unread, estate.PermissionSetTags) {
		wantTags := kinds.OwnerTags(want.Tags)
		var add []types.Tag
		for _, k := range slices.Sorted(maps.Keys(wantTags)) {
			if v, ok := was.Tags[k]; !ok || v != wantTags[k] {
				add = append(add, types.Tag{Key: aws.String(k), Value: aws.String(wantTags[k])})
			}
		}
		var drop []string
		for _, k := range slices.Sorted(maps.Keys(was.Tags)) {
			if _, ok := wantTags[k]; !ok {
				drop = append(drop, k)
			}
		}
		if len(add) > 0 {
			if _, err := api.TagResource(ctx, &ssoadmin.TagResourceInput{InstanceArn: in, ResourceArn: ps, Tags: add}); err != nil {
				return changed, fmt.Errorf("tag: %w", err)
			}
		}
		if len(drop) > 0 {
			if _, err := api.UntagResource(ctx, &ssoadmin.UntagResourceInput{InstanceArn: in, ResourceArn: ps, TagKeys: drop}); err != nil {
				return changed, fmt.Errorf("untag: %w", err)
			}
		}
	}
	return changed, nil
}

// provision provisions the set to each account (by key), one request at
// a time, and waits on each; it returns one error naming every account
// provisioning failed in. ProvisionPermissionSet is idempotent: it
// brings the account to the set's latest version.
func provision(ctx context.Context, env *kinds.Env, api AccessAPI, instance, arn, name string, accounts []string) error {
	var failed []string
	for _, key := range accounts {
		id, ok := env.Lookup(estate.RefAccountID, key)
		if !ok {
			if strings.Contains(key, "@") || key == estate.ManagementKey {
				failed = append(failed, key+": its ID is not known")
				continue
			}
			id = key // an account outside the organization, by ID
		}
		out, err := api.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{InstanceArn: aws.String(instance), PermissionSetArn: aws.String(arn),
			TargetType: types.ProvisionTargetTypeAwsAccount, TargetId: aws.String(id)})
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", key, err))
			continue
		}
		st := out.PermissionSetProvisioningStatus
		if err := waitRequest(ctx, env, provisioningRequest(st), func(ctx context.Context, id *string) (*request, error) {
			out, err := api.DescribePermissionSetProvisioningStatus(ctx, &ssoadmin.DescribePermissionSetProvisioningStatusInput{InstanceArn: aws.String(instance),
				ProvisionPermissionSetRequestId: id})
			if err != nil {
				return nil, err
			}
			return provisioningRequest(out.PermissionSetProvisioningStatus), nil
		}); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", key, err))
			continue
		}
		env.Logf("permission set %s: provisioned to %s", name, key)
	}
	if len(failed) > 0 {
		return fmt.Errorf("provision permission set %s: failed in %d of %d accounts: %s", name, len(failed), len(accounts), strings.Join(failed, "; "))
	}
	return nil
}
