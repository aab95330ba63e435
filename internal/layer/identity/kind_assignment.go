package identity

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	idstypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindAssignment manages account assignments: a user or group given a
// permission set in one account. The spec's grants name accounts, OUs
// and the root; the plan expands them over the accounts the organization
// will have after this apply (those the spec puts in an OU, created or
// moved there in the same run, and every other account where it is), so
// an OU's assignments follow the accounts that come and go.
//
// CreateAccountAssignment is asynchronous and, on some endpoints, makes a
// second assignment of the same principal, set and account: Apply looks
// for the assignment first and creates it only when it is missing, then
// waits on the request. The principal's ID is looked up by name in the
// Identity Store at apply time (GetUserId, GetGroupId), after the user
// and group kinds have made them.
//
// An assignment of a permission set the spec declares that the spec no
// longer makes is deleted with --allow-delete (the spec manages the set,
// so it names every assignment of it); assignments of other sets are
// never touched. Writes touching the management account run as the
// management account (see writerFor).
const KindAssignment = "account-assignment"

// AssignmentAddress is the address of an assignment:
// "account-assignment/ACCOUNT/SET/TYPE/PRINCIPAL".
func AssignmentAddress(a estate.Assignment) string { return kinds.Address(KindAssignment, a.Key()) }

// Kinds of the Identity Store principals an assignment waits for: the
// Identity Store user and group kinds of the layer, whose changes make
// them (their addresses are StoreUserAddress and StoreGroupAddress).
const (
	principalUserKind  = "identity-store-user"
	principalGroupKind = "identity-store-group"
)

// principalAddress is the address of the change that makes the principal
// of an assignment, if the plan has one.
func principalAddress(a estate.Assignment) string {
	if a.PrincipalType == estate.PrincipalGroup {
		return kinds.Address(principalGroupKind, a.Principal)
	}
	return kinds.Address(principalUserKind, a.Principal)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindAssignment, Diff: diffAssignments, Apply: applyAssignment})
}

// assignmentValue is what an assignment change does. SetARN is the
// permission set's ARN when the plan read it; a set this apply creates
// is found by what its change recorded (refPermissionSetARN).
type assignmentValue struct {
	Instance        string            `json:"instance"`
	Region          string            `json:"region"`
	IdentityStoreID string            `json:"identity_store_id"`
	Assignment      estate.Assignment `json:"assignment"`
	SetARN          string            `json:"set_arn,omitempty"`
	Via             string            `json:"via"`
}

// setARN is the ARN of a permission set the plan read, "" for one it
// did not.
func setARN(have *estate.IdentityCenter, name string) string {
	if ps := have.PermissionSets[name]; ps != nil {
		return ps.ARN
	}
	return ""
}

func assignmentAttrs(a estate.Assignment) plan.Attrs {
	return plan.Attrs{"account": a.Account, "permission_set": a.PermissionSet, "principal_type": a.PrincipalType, "principal": a.Principal}
}

func diffAssignments(desired, actual *estate.Estate) ([]plan.Change, []string) {
	want, have, ok := accessPlan(desired, actual)
	if !ok {
		return nil, nil
	}
	if have.PermissionSets == nil {
		return nil, []string{"identity: the permission sets and assignments were not read, so no assignment is planned"}
	}
	units := AccountUnits(desired, actual)
	wanted := estate.ExpandGrants(want.Grants, units)
	existing := map[string]estate.Assignment{}
	for _, a := range have.Assignments {
		existing[a.Key()] = a
	}
	var changes []plan.Change
	var notes []string
	wantKeys := map[string]bool{}
	for _, a := range wanted {
		wantKeys[a.Key()] = true
		if _, ok := existing[a.Key()]; ok {
			continue
		}
		if acct := actual.Accounts[a.Account]; acct != nil && !acct.Active() {
			continue
		}
		v := assignmentValue{Instance: have.InstanceARN, Region: have.Region, IdentityStoreID: have.IdentityStoreID, Assignment: a,
			SetARN: setARN(have, a.PermissionSet), Via: writerFor(have, actual, a.Account == estate.ManagementKey)}
		deps := append(kinds.AccountDeps(estate.AccountKey(a.Account)), PermissionSetAddress(a.PermissionSet), principalAddress(a))
		if v.Via != estate.ManagementKey {
			deps = append(deps, kinds.AccountDeps(estate.AccountKey(v.Via))...)
		}
		changes = append(changes, plan.SetValue(plan.Change{Address: AssignmentAddress(a), Kind: KindAssignment, Action: plan.Create,
			Group: units[a.Account], After: assignmentAttrs(a), DependsOn: deps}, v))
	}
	for _, a := range have.Assignments {
		if wantKeys[a.Key()] {
			continue
		}
		if _, managed := want.PermissionSets[a.PermissionSet]; !managed {
			continue
		}
		v := assignmentValue{Instance: have.InstanceARN, Region: have.Region, IdentityStoreID: have.IdentityStoreID, Assignment: a,
			SetARN: setARN(have, a.PermissionSet), Via: writerFor(have, actual, a.Account == estate.ManagementKey)}
		changes = append(changes, plan.SetValue(plan.Change{Address: AssignmentAddress(a), Kind: KindAssignment, Action: plan.Delete,
			Group: units[a.Account], Before: assignmentAttrs(a), NeedsAllowDelete: true, Basis: plan.BasisSpec,
			Reason: "the spec manages permission set " + a.PermissionSet + " and does not assign it there"}, v))
	}
	return changes, notes
}

func applyAssignment(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[assignmentValue](ch)
	if err != nil {
		return err
	}
	a := v.Assignment
	what := fmt.Sprintf("assignment of %s to %s %s in %s", a.PermissionSet, strings.ToLower(a.PrincipalType), a.Principal, a.Account)
	cl, err := accessClientsOf(env)
	if err != nil {
		return err
	}
	at, err := env.At(estate.Where{Account: estate.AccountKey(v.Via), Region: v.Region})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	target, ok := env.Lookup(estate.RefAccountID, a.Account)
	if !ok {
		if strings.Contains(a.Account, "@") || a.Account == estate.ManagementKey {
			return fmt.Errorf("%s: account %s does not exist yet; it should have been created earlier in this apply", what, a.Account)
		}
		target = a.Account // an account outside the organization, by ID
	}
	api := cl.SSOAdmin(at)
	// The set's ARN: as the plan read it, else as this apply's change of
	// the set recorded it, else looked up by name (a plan saved before
	// the set was made by another run).
	setARN := v.SetARN
	if setARN == "" {
		setARN, _ = env.Lookup(refPermissionSetARN, a.PermissionSet)
	}
	if setARN == "" {
		if setARN, err = findPermissionSet(ctx, api, v.Instance, a.PermissionSet); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	if setARN == "" {
		return fmt.Errorf("%s: permission set %s does not exist; it should have been created earlier in this apply", what, a.PermissionSet)
	}
	pid := a.PrincipalID
	if pid == "" {
		if pid, err = principalID(ctx, cl.IdentityStore(at), v.IdentityStoreID, a); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	exists, err := assignmentExists(ctx, api, v.Instance, target, setARN, a.PrincipalType, pid)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	in, tid, ps, ptype, p := aws.String(v.Instance), aws.String(target), aws.String(setARN), types.PrincipalType(a.PrincipalType), aws.String(pid)
	switch ch.Action {
	case plan.Create:
		if exists {
			env.Logf("%s exists already", what)
			return nil
		}
		out, err := api.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{InstanceArn: in, TargetId: tid,
			TargetType: types.TargetTypeAwsAccount, PermissionSetArn: ps, PrincipalType: ptype, PrincipalId: p})
		if awsx.ErrorCodeIs(err, "ConflictException") {
			// Made meanwhile, or a request for it is still running.
			env.Logf("%s is being made already", what)
			return nil
		}
		if err != nil {
			return fmt.Errorf("create %s: %w", what, err)
		}
		if err := waitRequest(ctx, env, assignmentRequest(out.AccountAssignmentCreationStatus), func(ctx context.Context, id *string) (*request, error) {
			st, err := api.DescribeAccountAssignmentCreationStatus(ctx, &ssoadmin.DescribeAccountAssignmentCreationStatusInput{InstanceArn: in, AccountAssignmentCreationRequestId: id})
			if err != nil {
				return nil, err
			}
			return assignmentRequest(st.AccountAssignmentCreationStatus), nil
		}); err != nil {
			return fmt.Errorf("create %s: %w", what, err)
		}
		env.Logf("created %s", what)
	case plan.Delete:
		if !exists {
			return nil
		}
		out, err := api.DeleteAccountAssignment(ctx, &ssoadmin.DeleteAccountAssignmentInput{InstanceArn: in, TargetId: tid,
			TargetType: types.TargetTypeAwsAccount, PermissionSetArn: ps, PrincipalType: ptype, PrincipalId: p})
		if awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
			return nil
		}
		if err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		if err := waitRequest(ctx, env, assignmentRequest(out.AccountAssignmentDeletionStatus), func(ctx context.Context, id *string) (*request, error) {
			st, err := api.DescribeAccountAssignmentDeletionStatus(ctx, &ssoadmin.DescribeAccountAssignmentDeletionStatusInput{InstanceArn: in, AccountAssignmentDeletionRequestId: id})
			if err != nil {
				return nil, err
			}
			return assignmentRequest(st.AccountAssignmentDeletionStatus), nil
		}); err != nil {
			return fmt.Errorf("delete %s: %w", what, err)
		}
		env.Logf("deleted %s", what)
	default:
		return fmt.Errorf("%s: cannot %s an assignment", what, ch.Action)
	}
	return nil
}

// principalID looks the principal of an assignment up by name: a user by
// user name, a group by display name.
func principalID(ctx context.Context, api PrincipalAPI, store string, a estate.Assignment) (string, error) {
	if a.PrincipalType == estate.PrincipalGroup {
		out, err := api.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: aws.String(store),
			AlternateIdentifier: &idstypes.AlternateIdentifierMemberUniqueAttribute{Value: idstypes.UniqueAttribute{
				AttributePath: aws.String("displayName"), AttributeValue: document.NewLazyDocument(a.Principal)}}})
		if awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
			return "", fmt.Errorf("the Identity Store has no group %q; it should have been made earlier in this apply, or by the identity provider", a.Principal)
		}
		if err != nil {
			return "", fmt.Errorf("look up group %s: %w", a.Principal, err)
		}
		return aws.ToString(out.GroupId), nil
	}
	out, err := api.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: aws.String(store),
		AlternateIdentifier: &idstypes.AlternateIdentifierMemberUniqueAttribute{Value: idstypes.UniqueAttribute{
			AttributePath: aws.String("userName"), AttributeValue: document.NewLazyDocument(a.Principal)}}})
	if awsx.ErrorCodeIs(err, "ResourceNotFoundException") {
		return "", fmt.Errorf("the Identity Store has no user %q; it should have been made earlier in this apply, or by the identity provider", a.Principal)
	}
	if err != nil {
		return "", fmt.Errorf("look up user %s: %w", a.Principal, err)
	}
	return aws.ToString(out.UserId), nil
}

func assignmentExists(ctx context.Context, api AccessAPI, instance, account, setARN, ptype, pid string) (bool, error) {
	p := ssoadmin.NewListAccountAssignmentsPaginator(api, &ssoadmin.ListAccountAssignmentsInput{InstanceArn: aws.String(instance),
		AccountId: aws.String(account), PermissionSetArn: aws.String(setARN)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return false, fmt.Errorf("list assignments: %w", err)
		}
		for _, a := range out.AccountAssignments {
			if string(a.PrincipalType) == ptype && aws.ToString(a.PrincipalId) == pid {
				return true, nil
			}
		}
	}
	return false, nil
}
