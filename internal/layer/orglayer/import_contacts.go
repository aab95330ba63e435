package orglayer

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// unusableContacts says why an account's contacts cannot be written in the
// spec, or "" when they can. The spec manages all three types of an
// account or none, and fills empty fields with defaults.
func unusableContacts(c map[string]estate.Contact) string {
	if len(c) == 0 {
		return "it has no alternate contacts"
	}
	for i, ct := range estate.ContactTypes {
		x, ok := c[ct]
		field := contactFields[i]
		switch {
		case !ok:
			return fmt.Sprintf("it has no %s contact", field)
		case x.Name == "" || x.Title == "" || x.Email == "" || x.Phone == "":
			return fmt.Sprintf("its %s contact has an empty field", field)
		case !phoneRE.MatchString(x.Phone):
			return fmt.Sprintf("its %s phone %q is not one the spec accepts", field, x.Phone)
		case !spec.IsEmail(x.Email):
			return fmt.Sprintf("its %s e-mail %q is not one the spec accepts", field, x.Email)
		}
	}
	return ""
}

// writeContacts writes the alternate contacts. When every account,
// management included, has all three, the spec gets a contacts section:
// the most common phone, and the management account's differences from
// the defaults (the spec has no contacts of its own for it). Otherwise a
// contacts section would make groundwork set contacts on accounts that
// have none, so only accounts with complete contacts get them, as their
// own overrides, and the management account's are left out.
func writeContacts(im *importer.Import) (any, string, error) {
	mgmt := im.Management()
	keys := im.AccountKeys()
	some := len(mgmt.Contacts) > 0
	all := unusableContacts(mgmt.Contacts) == ""
	sets := []map[string]estate.Contact{mgmt.Contacts}
	for _, key := range keys {
		src, _ := im.Account(key)
		some = some || len(src.Contacts) > 0
		all = all && unusableContacts(src.Contacts) == ""
		sets = append(sets, src.Contacts)
	}
	if !some {
		return nil, "", nil
	}
	domain := im.Options().Domain
	var org *spec.Contacts
	if all {
		org = &spec.Contacts{Phone: commonPhone(sets...)}
		for i, ct := range estate.ContactTypes {
			*contactSlots(org)[i] = diffContact(mgmt.Contacts[ct], defaultContact(domain, mgmt.Name, i, org, nil))
		}
	} else if why := unusableContacts(mgmt.Contacts); why == "" {
		// A contacts section would set contacts on accounts that have
		// none: the management account's are its own.
		im.SetManagementContacts(overrides(domain, mgmt, nil))
	} else if len(mgmt.Contacts) > 0 {
		im.Warnf("the management account: %s; the spec does not manage its alternate contacts", why)
	}
	for _, key := range keys {
		src, written := im.Account(key)
		if why := unusableContacts(src.Contacts); why != "" {
			im.Warnf("account %s: %s; the spec does not manage its alternate contacts", key, why)
			continue
		}
		written.Contacts = overrides(domain, src, org)
	}
	return org, "", nil
}

// overrides returns what an account's contacts must override of the
// organization-wide ones (nil when nothing).
func overrides(domain string, a *estate.Account, org *spec.Contacts) *spec.Contacts {
	own := &spec.Contacts{}
	orgPhone := ""
	if org != nil {
		orgPhone = org.Phone
	}
	if p := commonPhone(a.Contacts); p != orgPhone {
		own.Phone = p
	}
	empty := own.Phone == ""
	for i, ct := range estate.ContactTypes {
		d := diffContact(a.Contacts[ct], defaultContact(domain, a.Name, i, org, own))
		*contactSlots(own)[i] = d
		empty = empty && d == nil
	}
	if empty {
		return nil
	}
	return own
}

// defaultContact is the contact of type i the spec resolves for an account
// named name, in an organization of e-mail domain domain, from the
// organization-wide contacts and the account's own (see ResolveContacts):
// defaults, then org, then own, field by field.
func defaultContact(domain, name string, i int, org, own *spec.Contacts) estate.Contact {
	field := contactFields[i]
	title := strings.ToUpper(field[:1]) + field[1:]
	var orgPhone, ownPhone string
	if org != nil {
		orgPhone = org.Phone
	}
	if own != nil {
		ownPhone = own.Phone
	}
	c := estate.Contact{Name: title, Title: title + " contact", Email: ConventionEmail(name, estate.ContactTypes[i], domain),
		Phone: firstNonEmpty(ownPhone, orgPhone)}
	for _, src := range []*spec.Contacts{org, own} {
		if src == nil {
			continue
		}
		if s := *contactSlots(src)[i]; s != nil {
			c.Name = firstNonEmpty(s.Name, c.Name)
			c.Title = firstNonEmpty(s.Title, c.Title)
			c.Email = firstNonEmpty(s.Email, c.Email)
			c.Phone = firstNonEmpty(s.Phone, c.Phone)
		}
	}
	return c
}

// diffContact returns the fields of want that differ from got, or nil.
func diffContact(want, got estate.Contact) *spec.Contact {
	d := &spec.Contact{}
	if want.Name != got.Name {
		d.Name = want.Name
	}
	if want.Title != got.Title {
		d.Title = want.Title
	}
	if want.Email != got.Email {
		d.Email = want.Email
	}
	if want.Phone != got.Phone {
		d.Phone = want.Phone
	}
	if *d == (spec.Contact{}) {
		return nil
	}
	return d
}

func contactSlots(c *spec.Contacts) []**spec.Contact {
	return []**spec.Contact{&c.Billing, &c.Operations, &c.Security}
}

// commonPhone is the phone number the given contacts use most; of equally
// common ones, the first in sort order.
func commonPhone(sets ...map[string]estate.Contact) string {
	count := map[string]int{}
	for _, set := range sets {
		for _, c := range set {
			if c.Phone != "" {
				count[c.Phone]++
			}
		}
	}
	phones := slices.Sorted(maps.Keys(count))
	sort.SliceStable(phones, func(i, j int) bool { return count[phones[i]] > count[phones[j]] })
	if len(phones) == 0 {
		return ""
	}
	return phones[0]
}
