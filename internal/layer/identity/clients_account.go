package identity

import (
	"fmt"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// AccountClients builds the clients of the Identity-account model's kinds
// in an account (by AWS ID, resolved by kinds.Env.At). Tests set fakes
// with kinds.SetClients[identity.AccountClients]. Each kind declares the
// narrow interface it calls, in its own file.
type AccountClients interface {
	IdentityGroup(w estate.Location) IdentityGroupAPI
	IdentityUser(w estate.Location) IdentityUserAPI
	StageRole(w estate.Location) StageRoleAPI
}

// sessionAccountClients are the real clients: the management account's
// own credentials for it, the access role assumed in members.
type sessionAccountClients struct{ session *awsx.Session }

var _ AccountClients = sessionAccountClients{}

func (c sessionAccountClients) iam(w estate.Location) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.session, Account: string(w.Account), Region: w.Region}
}

func (c sessionAccountClients) IdentityGroup(w estate.Location) IdentityGroupAPI {
	return c.iam(w).IAM()
}
func (c sessionAccountClients) IdentityUser(w estate.Location) IdentityUserAPI { return c.iam(w).IAM() }
func (c sessionAccountClients) StageRole(w estate.Location) StageRoleAPI       { return c.iam(w).IAM() }

// accountClientsAt returns the clients set on env, else the session's,
// and the location of the account a change writes in, which must exist
// by now; what names the change's resource in that error ("user ana").
func accountClientsAt(env *kinds.Env, account estate.AccountKey, what string) (AccountClients, estate.Location, error) {
	clients, err := kinds.ClientsOf(env, "identity", func(s *awsx.Session) AccountClients { return sessionAccountClients{s} })
	if err != nil {
		return nil, estate.Location{}, err
	}
	w, err := env.At(estate.Where{Account: account})
	if err != nil {
		return nil, estate.Location{}, fmt.Errorf("%s: %w", what, err)
	}
	return clients, w, nil
}

// accountModels returns the desired Identity-account model and the one
// read (never nil: an empty model when nothing was read), or a nil
// desired model when the spec does not use it.
func accountModels(desired, actual *estate.Estate) (want, have *estate.IdentityAccount) {
	if desired.Identity == nil || desired.Identity.Account == nil {
		return nil, nil
	}
	have = &estate.IdentityAccount{}
	if actual.Identity != nil && actual.Identity.Account != nil {
		have = actual.Identity.Account
	}
	return desired.Identity.Account, have
}

// leaving reports whether an account is leaving the organization: the
// inventory does not read it (its access role may be gone), so the kinds
// plan nothing there.
func leaving(actual *estate.Estate, accountKey estate.AccountKey) bool {
	a := actual.Accounts[string(accountKey)]
	return a != nil && !a.Active()
}
