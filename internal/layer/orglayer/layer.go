// Package orglayer is the organization layer: service control policies,
// the tag policy, trusted access, delegated administrators and the
// accounts' alternate contacts (guidance 000, 001 and 004).
package orglayer

import (
	"context"

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
// (policies) and the alternate contacts (contacts). With r.Warn set, each
// part that cannot be read is passed to it as an inventory.NotReadError of
// organization/policies or organization/contacts and left unknown, and
// the other part is read all the same.
func read(ctx context.Context, r inventory.Reader, actual *estate.Estate, policies, contacts bool) error {
	opts := r.Options()
	if policies {
		org := organizations.NewFromConfig(r.Session.Config("", "", ""))
		if err := readPolicies(ctx, org, actual, opts); err != nil {
			if r.Warn == nil {
				return err
			}
			actual.Org = nil
			r.Warn(inventory.NotRead(readPoliciesName, "", "", err))
		}
	}
	if !contacts {
		return nil
	}
	err := readContacts(ctx, account.NewFromConfig(r.Session.Config("", "", "")), actual, opts)
	if err != nil && r.Warn != nil {
		for _, a := range actual.Accounts {
			a.Contacts = nil
		}
		r.Warn(contactsNotRead(err, actual.Org))
		return nil
	}
	return err
}
