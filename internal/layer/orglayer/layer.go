// Package orglayer is the organization layer: service control policies,
// the tag policy, trusted access, delegated administrators and the
// accounts' alternate contacts (guidance 000, 001 and 004).
package orglayer

import (
	"cmp"
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

func init() {
	layer.Register(layer.Layer{
		Name:   "organization",
		Order:  10,
		Wanted: func(desired *estate.Estate) bool { return desired.Org != nil || wantsContacts(desired) },
		Read: func(ctx context.Context, r inventory.Reader, desired, actual *estate.Estate) error {
			return read(ctx, r, actual, desired.Org != nil, wantsContacts(desired))
		},
		// The audit judges the policies and every account's contacts,
		// whatever the spec manages.
		Survey: func(ctx context.Context, r inventory.Reader, _ estate.Scope, _, actual *estate.Estate) error {
			return read(ctx, r, actual, true, true)
		},
		Forget: func(e *estate.Estate) { e.Org = nil },
	})
}

// wantsContacts tells whether the spec manages alternate contacts: three
// calls per account, so they are read only then.
func wantsContacts(desired *estate.Estate) bool {
	if desired.Org != nil && desired.Org.ManagementContacts != nil {
		return true
	}
	for _, a := range desired.Accounts {
		if a.Contacts != nil {
			return true
		}
	}
	return false
}

// read reads the policies, trusted access and delegated administrators
// (policies) and the alternate contacts (contacts), at the same time: the
// one through the management account's Organizations API, the other
// through its Account API, each with its own throttling budget. With
// r.Warn set, each part that cannot be read is passed to it as an
// inventory.NotReadError of organization/policies or
// organization/contacts and left unknown, and the other part is read all
// the same; without it, the policies' failure is returned before the
// contacts'.
func read(ctx context.Context, r inventory.Reader, actual *estate.Estate, policies, contacts bool) error {
	var org policyReadAPI
	if policies {
		org = organizations.NewFromConfig(r.Session.Config("", "", ""))
	}
	var acct contactReadAPI
	if contacts {
		acct = account.NewFromConfig(r.Session.Config("", "", ""))
	}
	return readWith(ctx, org, acct, actual, r.Options())
}

// readWith is read through the given clients: the policies through org
// when it is set, the contacts through acct when it is set.
func readWith(ctx context.Context, org policyReadAPI, acct contactReadAPI, actual *estate.Estate, opts inventory.Options) error {
	var policiesErr, contactsErr error
	var wg sync.WaitGroup
	if org != nil {
		wg.Go(func() { policiesErr = readPolicies(ctx, org, actual, opts) })
	}
	if acct != nil {
		wg.Go(func() { contactsErr = readContacts(ctx, acct, actual, opts) })
	}
	wg.Wait()
	if opts.Warn == nil {
		return cmp.Or(policiesErr, contactsErr)
	}
	if policiesErr != nil {
		actual.Org = nil
		opts.Warn(inventory.NotRead(readPoliciesName, "", "", policiesErr))
	}
	if contactsErr != nil {
		for _, a := range actual.Accounts {
			a.Contacts = nil
		}
		// After the policies: whether trusted access is on explains it.
		opts.Warn(contactsNotRead(contactsErr, actual.Org))
	}
	return nil
}
