package hardening

import (
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// Clients builds the clients of the hardening layer's kinds in an account
// (by AWS ID, resolved by kinds.Env.At) and Region. Tests set fakes with
// kinds.SetClients[hardening.Clients]. Each kind declares
// the narrow interface it calls, in its own file.
type Clients interface {
	PasswordPolicy(w estate.Location) PasswordPolicyAPI
	PublicAccessBlock(w estate.Location) PublicAccessBlockAPI
	DefaultVPC(w estate.Location) DefaultVPCAPI
	IAMUsers(w estate.Location) IAMUserAPI
	EBSEncryption(w estate.Location) EBSEncryptionAPI
	SupportRole(w estate.Location) SupportRoleAPI
}

// sessionClients are the real clients of the hardening layer: the
// management account's own credentials for it, the access role assumed
// in members.
type sessionClients struct{ session *awsx.Session }

var _ Clients = sessionClients{}

func (c sessionClients) cfg(w estate.Location) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.session, Account: string(w.Account), Region: w.Region}
}

func (c sessionClients) PasswordPolicy(w estate.Location) PasswordPolicyAPI {
	return c.cfg(w).IAM()
}
func (c sessionClients) PublicAccessBlock(w estate.Location) PublicAccessBlockAPI {
	return c.cfg(w).S3Control()
}
func (c sessionClients) DefaultVPC(w estate.Location) DefaultVPCAPI { return c.cfg(w).EC2() }
func (c sessionClients) IAMUsers(w estate.Location) IAMUserAPI      { return c.cfg(w).IAM() }
func (c sessionClients) EBSEncryption(w estate.Location) EBSEncryptionAPI {
	return c.cfg(w).EC2()
}
func (c sessionClients) SupportRole(w estate.Location) SupportRoleAPI { return c.cfg(w).IAM() }

// clientsOf returns the clients set on env, else the session's.
func clientsOf(env *kinds.Env) (Clients, error) {
	return kinds.ClientsOf(env, "hardening", func(s *awsx.Session) Clients { return sessionClients{s} })
}

// closing reports whether an account is leaving the organization: the
// inventory does not read it (its access role may be gone), so the kinds
// plan nothing there.
func closing(actual *estate.Estate, accountKey string) bool {
	a := actual.Accounts[accountKey]
	return a != nil && (a.Status == "SUSPENDED" || a.Status == "PENDING_CLOSURE")
}
