package spec

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Service principals of the services the foundation integrates with the
// organization.
const (
	ServiceCloudTrail     = "cloudtrail.amazonaws.com"
	ServiceConfig         = "config.amazonaws.com"
	ServiceConfigMulti    = "config-multiaccountsetup.amazonaws.com"
	ServiceIdentityCenter = "sso.amazonaws.com"
	ServiceSecurityHub    = "securityhub.amazonaws.com"
	ServiceGuardDuty      = "guardduty.amazonaws.com"
	ServiceAccessAnalyzer = "access-analyzer.amazonaws.com"
	ServiceAccount        = "account.amazonaws.com"
	ServiceTagPolicies    = "tagpolicies.tag.amazonaws.com"
)

// DefaultTrustedAccess are the services given trusted access by default:
// those the foundation's trail, Config, Identity Center, security services,
// alternate contacts and tag policies need.
var DefaultTrustedAccess = []string{
	ServiceAccessAnalyzer, ServiceAccount, ServiceCloudTrail, ServiceConfig, ServiceConfigMulti,
	ServiceGuardDuty, ServiceSecurityHub, ServiceIdentityCenter, ServiceTagPolicies,
}

// defaultDelegatedAdmins maps each delegable service to the account role
// that administers it (guidance 000 and 004): security services to
// Security Tooling, IAM Identity Center to its own account.
var defaultDelegatedAdmins = map[string]string{
	ServiceConfig:         string(estate.RoleSecurityTooling),
	ServiceConfigMulti:    string(estate.RoleSecurityTooling),
	ServiceCloudTrail:     string(estate.RoleSecurityTooling),
	ServiceSecurityHub:    string(estate.RoleSecurityTooling),
	ServiceGuardDuty:      string(estate.RoleSecurityTooling),
	ServiceAccessAnalyzer: string(estate.RoleSecurityTooling),
	ServiceIdentityCenter: string(estate.RoleIdentityCenter),
}

var servicePrincipalRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$`)

func (f *Foundation) defaultServices(written func(string) bool) {
	if !written("services.trusted_access") {
		f.Services.TrustedAccess = append([]string(nil), DefaultTrustedAccess...)
	}
	if !written("services.delegated_admins") {
		byRole := map[string]string{}
		for key, a := range f.Accounts {
			if a.Role != "" {
				byRole[a.Role] = key
			}
		}
		f.Services.DelegatedAdmins = map[string]string{}
		for svc, role := range defaultDelegatedAdmins {
			if key, ok := byRole[role]; ok {
				f.Services.DelegatedAdmins[svc] = key
			}
		}
	}
}

func (v *Validator) validateServices() {
	s := v.f.Services
	trusted := map[string]bool{}
	for i, svc := range s.TrustedAccess {
		p := fmt.Sprintf("services.trusted_access[%d]", i)
		switch {
		case !servicePrincipalRE.MatchString(svc):
			v.At(p, "%q is not a service principal such as config.amazonaws.com", svc)
		case trusted[svc]:
			v.At(p, "%q is listed twice", svc)
		}
		trusted[svc] = true
	}
	svcs := make([]string, 0, len(s.DelegatedAdmins))
	for svc := range s.DelegatedAdmins {
		svcs = append(svcs, svc)
	}
	sort.Strings(svcs)
	for _, svc := range svcs {
		p := "services.delegated_admins." + svc
		key := s.DelegatedAdmins[svc]
		if !servicePrincipalRE.MatchString(svc) {
			v.AtKey(p, "%q is not a service principal such as guardduty.amazonaws.com", svc)
		}
		if _, ok := v.f.Accounts[key]; !ok {
			v.At(p, "account %q is not declared under accounts%s", key, suggest(key, v.f.AccountKeys()))
		}
		if !trusted[svc] {
			v.At(p, "delegating %s needs trusted access: add it to services.trusted_access", svc)
		}
	}
}

// Contact type names as the spec writes them, in estate.ContactTypes order.
var contactFields = []string{"billing", "operations", "security"}

func (c *Contacts) byType() []*Contact { return []*Contact{c.Billing, c.Operations, c.Security} }

// resolveContacts returns the effective contacts of an account named name:
// the organization-wide ones, overridden field by field by the account's
// own, e-mails defaulting to the convention [name]-[type]@domain.
func (f *Foundation) resolveContacts(name string, own *Contacts) map[string]estate.Contact {
	if f.Contacts == nil && own == nil {
		return nil
	}
	org := f.Contacts
	if org == nil {
		org = &Contacts{}
	}
	if own == nil {
		own = &Contacts{}
	}
	out := map[string]estate.Contact{}
	for i, ct := range estate.ContactTypes {
		field := contactFields[i]
		c := estate.Contact{
			Name:  strings.ToUpper(field[:1]) + field[1:],
			Title: strings.ToUpper(field[:1]) + field[1:] + " contact",
			Email: fmt.Sprintf("%s-%s@%s", name, field, f.Organization.EmailDomain),
			Phone: firstNonEmpty(own.Phone, org.Phone),
		}
		for _, src := range []*Contact{org.byType()[i], own.byType()[i]} {
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

// validateContacts checks the organization-wide contacts and each
// account's overrides where they are written, so that one bad phone number
// is one message, not one per account.
func (v *Validator) validateContacts() {
	orgPhone := ""
	if v.f.Contacts != nil {
		orgPhone = v.f.Contacts.Phone
		v.checkContacts("contacts", v.f.Contacts, "")
	}
	for _, key := range v.f.AccountKeys() {
		a := v.f.Accounts[key]
		if c := a.Contacts; c != nil {
			v.checkContacts("accounts."+key+".contacts", c, orgPhone)
		}
		// E-mails that default to [account-name]-[type]@domain must come
		// out as addresses: a name with spaces does not.
		resolved := v.f.resolveContacts(a.Name, a.Contacts)
		for i, ct := range estate.ContactTypes {
			if c, ok := resolved[ct]; ok && !emailRE.MatchString(c.Email) {
				v.AtKey("accounts."+key, "the %s contact e-mail %q made from the account name is not an address; set accounts.%s.contacts.%s.email",
					contactFields[i], c.Email, key, contactFields[i])
			}
		}
	}
}

func (v *Validator) checkContacts(path string, c *Contacts, inheritedPhone string) {
	if c.Phone != "" && !phoneRE.MatchString(c.Phone) {
		v.At(path+".phone", "%q is not a phone number such as +1-555-0100", c.Phone)
	}
	phone := firstNonEmpty(c.Phone, inheritedPhone)
	missing := false
	for i, ct := range c.byType() {
		p := path + "." + contactFields[i]
		if ct == nil {
			missing = missing || phone == ""
			continue
		}
		missing = missing || ct.Phone == "" && phone == ""
		if ct.Phone != "" && !phoneRE.MatchString(ct.Phone) {
			v.At(p+".phone", "%q is not a phone number such as +1-555-0100", ct.Phone)
		}
		if ct.Email != "" && !emailRE.MatchString(ct.Email) {
			v.At(p+".email", "%q is not a valid e-mail address", ct.Email)
		}
	}
	if missing {
		v.AtKey(path, "%s.phone is required: AWS needs a phone number for every alternate contact", path)
	}
}
