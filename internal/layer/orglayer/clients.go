package orglayer

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/kinds"
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
	TagResource(context.Context, *organizations.TagResourceInput, ...func(*organizations.Options)) (*organizations.TagResourceOutput, error)
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

// Clients are the clients the organization layer's kinds call, in the
// management account. Tests set fakes with kinds.SetClients.
type Clients struct {
	Org     OrgLayerAPI
	Account AccountAPI
}

// clientsOf returns the clients set on env, else the session's.
func clientsOf(env *kinds.Env) (Clients, error) {
	return kinds.ClientsOf(env, "organization layer", func(s *awsx.Session) Clients {
		cfg := awsx.ConfigFor{Session: s}
		return Clients{Org: cfg.Organizations(), Account: cfg.AccountManagement()}
	})
}
