package orglayer

import (
	"regexp"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// ContactsKey is the section of foundation.yaml the organization-wide
// alternate contacts are read from.
const ContactsKey = "contacts"

func init() {
	spec.RegisterSection(spec.SectionType{Key: ContactsKey, Order: 700,
		New:     func() spec.Section { return &Contacts{} },
		Starter: contactsStarter})
}

// Contacts is the contacts section: the alternate contacts (billing,
// operations, security) set on every account, the management account
// included; accounts.<key>.contacts overrides them field by field.
type Contacts spec.Contacts

// ContactsOf returns the organization-wide alternate contacts of f, or nil
// when the file has no contacts section: groundwork then manages no
// contacts but the accounts' own.
func ContactsOf(f *spec.Foundation) *spec.Contacts {
	if f.Pos(ContactsKey) == (spec.Pos{}) {
		return nil
	}
	return (*spec.Contacts)(f.Section(ContactsKey).(*Contacts))
}

// Defaults leaves the contacts as written: what they leave out is resolved
// per account (ResolveContacts).
func (c *Contacts) Defaults(*spec.Foundation, func(string) bool) {}

// Desired sets the effective alternate contacts of the management account
// and of every account of the spec.
func (c *Contacts) Desired(f *spec.Foundation, e *estate.Estate) {
	orgLayerOf(e).ManagementContacts = ResolveContacts(f, f.Organization.Management.Name, f.Organization.Management.Contacts)
	for _, a := range f.Accounts {
		if ea, ok := e.Accounts[estate.EmailKey(a.Email)]; ok {
			ea.Contacts = ResolveContacts(f, a.Name, a.Contacts)
		}
	}
}

// Contact type names as the spec writes them, in estate.ContactTypes order.
var contactFields = []string{"billing", "operations", "security"}

func byType(c *spec.Contacts) []*spec.Contact {
	return []*spec.Contact{c.Billing, c.Operations, c.Security}
}

// ResolveContacts returns the effective contacts of an account named name
// (nil when neither the contacts section nor own sets any): the
// organization-wide ones, overridden field by field by the account's own,
// e-mails defaulting to the convention [name]-[type]@domain.
func ResolveContacts(f *spec.Foundation, name string, own *spec.Contacts) map[string]estate.Contact {
	org := ContactsOf(f)
	if org == nil && own == nil {
		return nil
	}
	if org == nil {
		org = &spec.Contacts{}
	}
	if own == nil {
		own = &spec.Contacts{}
	}
	out := map[string]estate.Contact{}
	for i, ct := range estate.ContactTypes {
		field := contactFields[i]
		c := estate.Contact{
			Name:  strings.ToUpper(field[:1]) + field[1:],
			Title: strings.ToUpper(field[:1]) + field[1:] + " contact",
			Email: ConventionEmail(name, ct, f.Organization.EmailDomain),
			Phone: firstNonEmpty(own.Phone, org.Phone),
		}
		for _, src := range []*spec.Contact{byType(org)[i], byType(own)[i]} {
			if src == nil {
				continue
			}
			c.Name = firstNonEmpty(src.Name, c.Name)
			c.Title = firstNonEmpty(src.Title, c.Title)
			c.Email = firstNonEmpty(src.Email, c.Email)
			c.Phone = firstNonEmpty(src.Phone, c.Phone)
		}
		out[ct] = c
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

var phoneRE = regexp.MustCompile(`^[+]?[\s0-9()-]{7,25}$`)

// Validate checks the organization-wide contacts and each account's
// overrides where they are written, so that one bad phone number is one
// message, not one per account.
func (c *Contacts) Validate(f *spec.Foundation, v *spec.Validator) {
	orgPhone := ""
	org := ContactsOf(f)
	if org != nil {
		orgPhone = org.Phone
		checkContacts(v, "contacts", org, "")
	}
	if c := f.Organization.Management.Contacts; c != nil {
		checkContacts(v, "organization.management.contacts", c, orgPhone)
	}
	for _, key := range f.AccountKeys() {
		a := f.Accounts[key]
		if c := a.Contacts; c != nil {
			checkContacts(v, "accounts."+key+".contacts", c, orgPhone)
		}
		// E-mails that default to [account-name]-[type]@domain must come
		// out as addresses: a name with spaces does not.
		resolved := ResolveContacts(f, a.Name, a.Contacts)
		for i, ct := range estate.ContactTypes {
			if c, ok := resolved[ct]; ok && !spec.IsEmail(c.Email) {
				v.AtKey("accounts."+key, "the %s contact e-mail %q made from the account name is not an address; set accounts.%s.contacts.%s.email",
					contactFields[i], c.Email, key, contactFields[i])
			}
		}
	}
}

func checkContacts(v *spec.Validator, path string, c *spec.Contacts, inheritedPhone string) {
	if c.Phone != "" && !phoneRE.MatchString(c.Phone) {
		v.At(path+".phone", "%q is not a phone number such as +1-555-0100", c.Phone)
	}
	phone := firstNonEmpty(c.Phone, inheritedPhone)
	missing := false
	for i, ct := range byType(c) {
		p := path + "." + contactFields[i]
		if ct == nil {
			missing = missing || phone == ""
			continue
		}
		missing = missing || ct.Phone == "" && phone == ""
		if ct.Phone != "" && !phoneRE.MatchString(ct.Phone) {
			v.At(p+".phone", "%q is not a phone number such as +1-555-0100", ct.Phone)
		}
		if ct.Email != "" && !spec.IsEmail(ct.Email) {
			v.At(p+".email", "%q is not a valid e-mail address", ct.Email)
		}
	}
	if missing {
		v.AtKey(path, "%s.phone is required: AWS needs a phone number for every alternate contact", path)
	}
}

// contactsStarter is the contacts section of `groundwork init`: written
// out with the phone number of the options, commented out without one.
func contactsStarter(opts spec.StarterOptions) string {
	s := `# Alternate contacts (billing, operations, security) of every account,
# including the management account. E-mails follow the convention
# [account-name]-billing@` + opts.Domain + `; make them distribution lists.
`
	if opts.Phone != "" {
		return s + "contacts:\n  phone: \"" + opts.Phone + "\"\n"
	}
	return s + `# contacts:
#   phone: "+1-555-0100"     # AWS requires a phone number for each contact
`
}
