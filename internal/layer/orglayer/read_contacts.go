package orglayer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// What the layer's checks read (audit.Check.Reads) and what its reads
// record when they fail (inventory.NotReadError): the policies, trusted
// access and delegated administrators in one read, the alternate contacts
// in another.
const (
	readPoliciesName = "organization/policies"
	readContactsName = "organization/contacts"
)

// contactsNotRead is the record of contacts that could not be read, its
// cause as AWS gave it. Trusted access for account.amazonaws.com is named
// only when it is the likely cause: AWS's message speaks of it, or the
// organization layer, read, shows it off; an AccessDenied from a role
// that may not call account:GetAlternateContact stays an AccessDenied.
func contactsNotRead(err error, org *estate.OrgLayer) error {
	if !strings.Contains(strings.ToLower(err.Error()), "trusted access") &&
		org != nil && !slices.Contains(org.TrustedServices, accountService) {
		err = fmt.Errorf("%w (and trusted access for %s, which this read needs, is off)", err, accountService)
	}
	return inventory.NotRead(readContactsName, "", "", err)
}

// contactReadAPI is the part of the Account Management client the inventory
// uses. Called from the management account with AccountId set, it reads
// any member's contacts (trusted access for account.amazonaws.com needed).
type contactReadAPI interface {
	GetAlternateContact(context.Context, *account.GetAlternateContactInput, ...func(*account.Options)) (*account.GetAlternateContactOutput, error)
}

var _ contactReadAPI = (*account.Client)(nil)

// readContacts reads the three alternate contacts of every active
// account: three calls per account.
func readContacts(ctx context.Context, api contactReadAPI, e *estate.Estate, opts inventory.Options) error {
	if e.Organization == nil {
		return nil
	}
	opts.Progressf("reading alternate contacts of %d accounts", len(e.Accounts))
	type read struct {
		account  *estate.Account
		contacts []*estate.Contact // by index in estate.ContactTypes; nil when unset
	}
	var reads []read
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Limit())
	for _, a := range e.SortedAccounts() {
		if !a.Active() {
			continue
		}
		r := read{account: a, contacts: make([]*estate.Contact, len(estate.ContactTypes))}
		reads = append(reads, r)
		for i, ct := range estate.ContactTypes {
			g.Go(func() error {
				in := &account.GetAlternateContactInput{AlternateContactType: types.AlternateContactType(ct)}
				if !e.IsManagement(a) {
					in.AccountId = aws.String(a.ID) // the management account reads its own without it
				}
				out, err := api.GetAlternateContact(ctx, in)
				var none *types.ResourceNotFoundException
				if errors.As(err, &none) {
					return nil
				}
				if err != nil {
					return fmt.Errorf("read %s contact of %s: %w", ct, a.ID, err)
				}
				c := out.AlternateContact
				r.contacts[i] = &estate.Contact{Name: aws.ToString(c.Name), Title: aws.ToString(c.Title),
					Email: aws.ToString(c.EmailAddress), Phone: aws.ToString(c.PhoneNumber)}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, r := range reads {
		r.account.Contacts = map[string]estate.Contact{}
		for i, c := range r.contacts {
			if c != nil {
				r.account.Contacts[estate.ContactTypes[i]] = *c
			}
		}
	}
	return nil
}
