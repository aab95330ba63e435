package orglayer

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindContact sets an account's alternate contacts (billing, operations,
// security). PutAlternateContact overwrites, so it is idempotent.
const KindContact = "contact"

// managementKey names the management account in contact addresses.
const managementKey = "management"

// accountService is the service principal of Account Management, which
// needs trusted access before PutAlternateContact may name a member
// account.
const accountService = "account.amazonaws.com"

// ContactAddress is the address of an account's contact of one type.
func ContactAddress(accountKey, contactType string) string {
	return kinds.Address(KindContact, accountKey+"/"+contactType)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindContact, Diff: diffContacts, Apply: applyContact})
}

func diffContacts(desired, actual *estate.Estate) ([]plan.Change, []string) {
	var changes []plan.Change
	add := func(key, unit string, want map[string]estate.Contact, acct *estate.Account, deps []string) {
		if acct != nil && acct.Contacts == nil && acct.ID != "" {
			return // contacts were not read; nothing can be said
		}
		for _, ct := range estate.ContactTypes {
			w, ok := want[ct]
			if !ok {
				continue
			}
			var have estate.Contact
			var had bool
			if acct != nil {
				have, had = acct.Contacts[ct]
			}
			if had && have == w {
				continue
			}
			after := contactAttrs(w)
			after["account"] = key
			ch := plan.Change{Address: ContactAddress(key, ct), Kind: KindContact, Action: plan.Create,
				Group: unit, After: after, DependsOn: deps}
			if acct != nil && acct.ID != "" {
				after["account_id"] = acct.ID
			}
			if had {
				ch.Action = plan.Update
				ch.Before = contactAttrs(have)
				ch.Before["account"], ch.Before["account_id"] = key, after["account_id"]
			}
			v := contactValue{Account: key, Type: ct, Contact: w}
			if acct != nil {
				v.AccountID = acct.ID
			}
			changes = append(changes, plan.SetValue(ch, v))
		}
	}
	if desired.Org != nil && desired.Org.ManagementContacts != nil {
		var mgmt *estate.Account
		for _, a := range actual.Accounts {
			if actual.IsManagement(a) {
				mgmt = a
			}
		}
		// Before the organization exists there is no management account
		// to read; its contacts are set right after it is created.
		add(managementKey, estate.RootPath, desired.Org.ManagementContacts, mgmt, orgDeps(actual))
	}
	// Setting a member account's contacts needs trusted access for
	// Account Management: wait for it when this plan enables it.
	var trustDep []string
	if d, a, ok := orgLayers(desired, actual); ok &&
		slices.Contains(d.TrustedServices, accountService) && !slices.Contains(a.TrustedServices, accountService) {
		trustDep = []string{TrustedAccessAddress(accountService)}
	}
	for _, d := range desired.SortedAccounts() {
		if d.Contacts == nil {
			continue
		}
		a := actual.Accounts[estate.EmailKey(d.Email)]
		deps := slices.Clone(trustDep)
		if a == nil {
			deps = append(deps, kinds.AccountAddress(d.Email))
		}
		add(estate.EmailKey(d.Email), d.Unit, d.Contacts, a, deps)
	}
	return changes, nil
}

// contactValue is what a contact change applies: the contact of a type
// for an account, by key ("management" for the management account) and,
// when the account exists, by ID.
type contactValue struct {
	Account   string         `json:"account"`
	AccountID string         `json:"account_id,omitempty"`
	Type      string         `json:"type"`
	Contact   estate.Contact `json:"contact"`
}

func contactAttrs(c estate.Contact) plan.Attrs {
	return plan.Attrs{"name": c.Name, "title": c.Title, "email": c.Email, "phone": c.Phone}
}

func applyContact(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[contactValue](ch)
	if err != nil {
		return err
	}
	in := &account.PutAlternateContactInput{
		AlternateContactType: types.AlternateContactType(v.Type),
		Name:                 aws.String(v.Contact.Name), Title: aws.String(v.Contact.Title),
		EmailAddress: aws.String(v.Contact.Email), PhoneNumber: aws.String(v.Contact.Phone),
	}
	if v.Account != managementKey {
		id := v.AccountID
		if id == "" {
			id = env.AccountID(v.Account)
		}
		if id == "" {
			return fmt.Errorf("set contact of %s: the account does not exist", v.Account)
		}
		in.AccountId = aws.String(id)
	}
	if _, err := cl.Account.PutAlternateContact(ctx, in); err != nil {
		return fmt.Errorf("set %s contact of %s: %w", in.AlternateContactType, v.Account, err)
	}
	return nil
}
