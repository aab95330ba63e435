package kinds

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// OrgLayerAPI is the part of the Organizations client the organization
// layer kinds use: policy types, policies and attachments, trusted access
// and delegated administrators.
type OrgLayerAPI interface {
	ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error)
	EnablePolicyType(context.Context, *organizations.EnablePolicyTypeInput, ...func(*organizations.Options)) (*organizations.EnablePolicyTypeOutput, error)
	ListPolicies(context.Context, *organizations.ListPoliciesInput, ...func(*organizations.Options)) (*organizations.ListPoliciesOutput, error)
	CreatePolicy(context.Context, *organizations.CreatePolicyInput, ...func(*organizations.Options)) (*organizations.CreatePolicyOutput, error)
	UpdatePolicy(context.Context, *organizations.UpdatePolicyInput, ...func(*organizations.Options)) (*organizations.UpdatePolicyOutput, error)
	DeletePolicy(context.Context, *organizations.DeletePolicyInput, ...func(*organizations.Options)) (*organizations.DeletePolicyOutput, error)
	AttachPolicy(context.Context, *organizations.AttachPolicyInput, ...func(*organizations.Options)) (*organizations.AttachPolicyOutput, error)
	DetachPolicy(context.Context, *organizations.DetachPolicyInput, ...func(*organizations.Options)) (*organizations.DetachPolicyOutput, error)
	EnableAWSServiceAccess(context.Context, *organizations.EnableAWSServiceAccessInput, ...func(*organizations.Options)) (*organizations.EnableAWSServiceAccessOutput, error)
	RegisterDelegatedAdministrator(context.Context, *organizations.RegisterDelegatedAdministratorInput, ...func(*organizations.Options)) (*organizations.RegisterDelegatedAdministratorOutput, error)
	DeregisterDelegatedAdministrator(context.Context, *organizations.DeregisterDelegatedAdministratorInput, ...func(*organizations.Options)) (*organizations.DeregisterDelegatedAdministratorOutput, error)
}

var _ OrgLayerAPI = (*organizations.Client)(nil)

// AccountAPI is the part of the Account Management client the contact kind
// uses.
type AccountAPI interface {
	PutAlternateContact(context.Context, *account.PutAlternateContactInput, ...func(*account.Options)) (*account.PutAlternateContactOutput, error)
}

var _ AccountAPI = (*account.Client)(nil)

// orgLayers returns the organization layers of both estates, empty ones
// where an estate has none. ok is false when the desired estate does not
// manage the layer at all.
func orgLayers(desired, actual *estate.Estate) (d, a *estate.OrgLayer, ok bool) {
	if desired.Org == nil {
		return nil, nil, false
	}
	a = actual.Org
	if a == nil {
		a = estate.NewOrgLayer()
	}
	return desired.Org, a, true
}

// orgDeps are the dependencies of a change that needs the organization to
// exist.
func orgDeps(actual *estate.Estate) []string {
	if actual.Organization == nil {
		return []string{OrganizationAddress}
	}
	return nil
}

// targetDep is the change a policy target waits for when the plan creates
// it.
func targetDep(target string, actual *estate.Estate) string {
	switch {
	case target == estate.RootTarget:
		return ""
	case isAccountTarget(target):
		if _, ok := actual.Accounts[target]; !ok {
			return AccountAddress(target)
		}
	default:
		if _, ok := actual.Units[target]; !ok {
			return UnitAddress(target)
		}
	}
	return ""
}

// isAccountTarget tells account targets (e-mail keys) from unit paths.
func isAccountTarget(target string) bool {
	for _, r := range target {
		if r == '@' {
			return true
		}
	}
	return false
}
