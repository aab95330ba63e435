package kinds

import (
	"errors"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// HardeningClients builds the clients of the hardening layer's kinds in
// an account (by AWS ID, resolved by Env) and Region. Each kind declares
// the narrow interface it calls, in its own file.
type HardeningClients interface {
	PasswordPolicy(w estate.Where) PasswordPolicyAPI
	PublicAccessBlock(w estate.Where) PublicAccessBlockAPI
	DefaultVPC(w estate.Where) DefaultVPCAPI
	IAMUsers(w estate.Where) IAMUserAPI
}

// SessionHardeningClients are the real clients of the hardening layer:
// the management account's own credentials for it, the access role
// assumed in members.
type SessionHardeningClients struct {
	Session *awsx.Session
}

var _ HardeningClients = SessionHardeningClients{}

func (c SessionHardeningClients) cfg(w estate.Where) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Account: w.Account, Region: w.Region}
}

func (c SessionHardeningClients) PasswordPolicy(w estate.Where) PasswordPolicyAPI {
	return c.cfg(w).IAM()
}
func (c SessionHardeningClients) PublicAccessBlock(w estate.Where) PublicAccessBlockAPI {
	return c.cfg(w).S3Control()
}
func (c SessionHardeningClients) DefaultVPC(w estate.Where) DefaultVPCAPI { return c.cfg(w).EC2() }
func (c SessionHardeningClients) IAMUsers(w estate.Where) IAMUserAPI      { return c.cfg(w).IAM() }

var errNoHardeningClients = errors.New("no hardening clients: Env.Hardening is not set")

// hardening returns the hardening clients, or an error when the Env was
// built without them.
func (e *Env) hardening() (HardeningClients, error) {
	if e.Hardening == nil {
		return nil, errNoHardeningClients
	}
	return e.Hardening, nil
}

// closing reports whether an account is leaving the organization: the
// inventory does not read it (its access role may be gone), so the kinds
// plan nothing there.
func closing(actual *estate.Estate, accountKey string) bool {
	a := actual.Accounts[accountKey]
	return a != nil && (a.Status == "SUSPENDED" || a.Status == "PENDING_CLOSURE")
}
