package identity

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// AccessClients builds the clients of the permission set and assignment
// kinds in the account (by AWS ID, resolved by kinds.Env.At) that runs
// Identity Center's writes, in the instance's Region: the management
// account, or the delegated administrator for what AWS lets it manage
// (see writerFor). Tests set fakes with kinds.SetClients[identity.AccessClients].
type AccessClients interface {
	SSOAdmin(at estate.Location) AccessAPI
	IdentityStore(at estate.Location) PrincipalAPI
}

// AccessAPI is the part of the sso-admin client the permission set and
// assignment reads and kinds call. moto 5.2 lacks ListTagsForResource,
// TagResource, UntagResource, the permissions boundary calls and
// DescribePermissionSetProvisioningStatus, ignores ProvisionPermissionSet's
// target and ListAccountsForProvisionedPermissionSet's status filter, and
// does not provision a set on CreateAccountAssignment; the tests cover
// those with fakes.
type AccessAPI interface {
	ListPermissionSets(context.Context, *ssoadmin.ListPermissionSetsInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListPermissionSetsOutput, error)
	DescribePermissionSet(context.Context, *ssoadmin.DescribePermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.DescribePermissionSetOutput, error)
	ListManagedPoliciesInPermissionSet(context.Context, *ssoadmin.ListManagedPoliciesInPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListManagedPoliciesInPermissionSetOutput, error)
	ListCustomerManagedPolicyReferencesInPermissionSet(context.Context, *ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput, error)
	GetInlinePolicyForPermissionSet(context.Context, *ssoadmin.GetInlinePolicyForPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.GetInlinePolicyForPermissionSetOutput, error)
	GetPermissionsBoundaryForPermissionSet(context.Context, *ssoadmin.GetPermissionsBoundaryForPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.GetPermissionsBoundaryForPermissionSetOutput, error)
	ListTagsForResource(context.Context, *ssoadmin.ListTagsForResourceInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListTagsForResourceOutput, error)
	ListAccountsForProvisionedPermissionSet(context.Context, *ssoadmin.ListAccountsForProvisionedPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountsForProvisionedPermissionSetOutput, error)
	ListAccountAssignments(context.Context, *ssoadmin.ListAccountAssignmentsInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentsOutput, error)

	CreatePermissionSet(context.Context, *ssoadmin.CreatePermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.CreatePermissionSetOutput, error)
	UpdatePermissionSet(context.Context, *ssoadmin.UpdatePermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.UpdatePermissionSetOutput, error)
	DeletePermissionSet(context.Context, *ssoadmin.DeletePermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.DeletePermissionSetOutput, error)
	AttachManagedPolicyToPermissionSet(context.Context, *ssoadmin.AttachManagedPolicyToPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.AttachManagedPolicyToPermissionSetOutput, error)
	DetachManagedPolicyFromPermissionSet(context.Context, *ssoadmin.DetachManagedPolicyFromPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.DetachManagedPolicyFromPermissionSetOutput, error)
	AttachCustomerManagedPolicyReferenceToPermissionSet(context.Context, *ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetOutput, error)
	DetachCustomerManagedPolicyReferenceFromPermissionSet(context.Context, *ssoadmin.DetachCustomerManagedPolicyReferenceFromPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.DetachCustomerManagedPolicyReferenceFromPermissionSetOutput, error)
	PutInlinePolicyToPermissionSet(context.Context, *ssoadmin.PutInlinePolicyToPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.PutInlinePolicyToPermissionSetOutput, error)
	DeleteInlinePolicyFromPermissionSet(context.Context, *ssoadmin.DeleteInlinePolicyFromPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.DeleteInlinePolicyFromPermissionSetOutput, error)
	PutPermissionsBoundaryToPermissionSet(context.Context, *ssoadmin.PutPermissionsBoundaryToPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.PutPermissionsBoundaryToPermissionSetOutput, error)
	DeletePermissionsBoundaryFromPermissionSet(context.Context, *ssoadmin.DeletePermissionsBoundaryFromPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.DeletePermissionsBoundaryFromPermissionSetOutput, error)
	TagResource(context.Context, *ssoadmin.TagResourceInput, ...func(*ssoadmin.Options)) (*ssoadmin.TagResourceOutput, error)
	UntagResource(context.Context, *ssoadmin.UntagResourceInput, ...func(*ssoadmin.Options)) (*ssoadmin.UntagResourceOutput, error)
	ProvisionPermissionSet(context.Context, *ssoadmin.ProvisionPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.ProvisionPermissionSetOutput, error)
	DescribePermissionSetProvisioningStatus(context.Context, *ssoadmin.DescribePermissionSetProvisioningStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.DescribePermissionSetProvisioningStatusOutput, error)

	CreateAccountAssignment(context.Context, *ssoadmin.CreateAccountAssignmentInput, ...func(*ssoadmin.Options)) (*ssoadmin.CreateAccountAssignmentOutput, error)
	DescribeAccountAssignmentCreationStatus(context.Context, *ssoadmin.DescribeAccountAssignmentCreationStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.DescribeAccountAssignmentCreationStatusOutput, error)
	DeleteAccountAssignment(context.Context, *ssoadmin.DeleteAccountAssignmentInput, ...func(*ssoadmin.Options)) (*ssoadmin.DeleteAccountAssignmentOutput, error)
	DescribeAccountAssignmentDeletionStatus(context.Context, *ssoadmin.DescribeAccountAssignmentDeletionStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.DescribeAccountAssignmentDeletionStatusOutput, error)
}

// PrincipalAPI is the part of the Identity Store client that names the
// principals of assignments: IDs by name for the kinds, names by ID for
// the read.
type PrincipalAPI interface {
	GetUserId(context.Context, *identitystore.GetUserIdInput, ...func(*identitystore.Options)) (*identitystore.GetUserIdOutput, error)
	GetGroupId(context.Context, *identitystore.GetGroupIdInput, ...func(*identitystore.Options)) (*identitystore.GetGroupIdOutput, error)
	DescribeUser(context.Context, *identitystore.DescribeUserInput, ...func(*identitystore.Options)) (*identitystore.DescribeUserOutput, error)
	DescribeGroup(context.Context, *identitystore.DescribeGroupInput, ...func(*identitystore.Options)) (*identitystore.DescribeGroupOutput, error)
}

var (
	_ AccessAPI    = (*ssoadmin.Client)(nil)
	_ PrincipalAPI = (*identitystore.Client)(nil)
)

// sessionAccessClients are the real clients: the management account's
// own credentials there, the access role assumed in the delegated
// administrator.
type sessionAccessClients struct{ session *awsx.Session }

var _ AccessClients = sessionAccessClients{}

func (c sessionAccessClients) cfg(at estate.Location) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.session, Account: string(at.Account), Region: at.Region}
}

func (c sessionAccessClients) SSOAdmin(at estate.Location) AccessAPI { return c.cfg(at).SSOAdmin() }
func (c sessionAccessClients) IdentityStore(at estate.Location) PrincipalAPI {
	return c.cfg(at).IdentityStore()
}

// accessClientsOf returns the clients set on env, else the session's.
func accessClientsOf(env *kinds.Env) (AccessClients, error) {
	return kinds.ClientsOf(env, "identity", func(s *awsx.Session) AccessClients { return sessionAccessClients{s} })
}
