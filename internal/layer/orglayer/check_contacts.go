package orglayer

import (
	"fmt"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The alternate contact checks: every account, the management account
// included, names billing, operations and security contacts, and they are
// distribution lists following guidance 000's convention.

func init() {
	audit.Register(audit.Check{
		ID:       "GW-ACC-001",
		Title:    "Billing, operations and security alternate contacts on every account",
		Severity: audit.Medium,
		Guidance: "000 Set management account alternate contacts for operations, security, billing; 000 Enable AWS " +
			"Account Management; 003 Communication with AWS",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.2", "NIST CSF ID.AM-6"},
		Rationale: "Without alternate contacts AWS sends security, operations and billing notices, abuse reports among " +
			"them, only to the root e-mail address, so a compromise AWS notices can go unanswered.",
		Remediation: "set contacts.phone in foundation.yaml (contacts.billing, .operations and .security, or accounts.<key>.contacts, " +
			"override the defaults) and run groundwork apply; bring an account the spec does not list in with groundwork import first",
		Reads: []string{readContactsName},
		Run:   checkAlternateContacts,
	})
	audit.Register(audit.Check{
		ID:       "GW-ACC-002",
		Title:    "Alternate contacts are distribution lists named [account]-[type]@domain",
		Severity: audit.Low,
		Guidance: "000 Set member account alternate contacts for operations, security, billing; 000 Enable AWS Account " +
			"Management; 003 Communication with AWS",
		Controls: []string{"NIST CSF ID.AM-6"},
		Rationale: "A contact that is one person's mailbox goes silent when that person is away or leaves; a " +
			"distribution list named after the account reaches whoever holds the role and says which account a " +
			"notice is about.",
		Remediation: "remove the e-mail overrides under contacts and accounts.<key>.contacts in foundation.yaml, so that e-mails " +
			"default to the convention, and run groundwork apply",
		Reads: []string{readContactsName},
		Run:   checkContactsConvention,
	})
}

// contactWord names a contact type in messages and e-mail addresses:
// "billing" for estate.ContactBilling.
func contactWord(ct string) string { return strings.ToLower(ct) }

// checkAlternateContacts reports active accounts that lack an alternate contact.
// Accounts whose contacts were not read are skipped.
func checkAlternateContacts(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, a := range audit.ActiveAccounts(e) {
		if a.Contacts == nil {
			continue
		}
		var missing []string
		for _, ct := range estate.ContactTypes {
			if _, ok := a.Contacts[ct]; !ok {
				missing = append(missing, contactWord(ct))
			}
		}
		if len(missing) == 0 {
			continue
		}
		noun := "contact"
		if len(missing) > 1 {
			noun = "contacts"
		}
		out = append(out, audit.Finding{
			Resource: audit.AccountResource(a),
			Account:  a.ID,
			Message:  fmt.Sprintf("no %s alternate %s: AWS sends those notifications to the root e-mail address alone", audit.NameList(missing), noun),
		})
	}
	return out
}

// ConventionEmail is the e-mail of the contact of type ct of the account
// named name under guidance 000's convention, [name]-[type]@domain. It is
// the one model of that address: apply writes it where the spec sets no
// e-mail, and GW-ACC-002 wants it (of ContactName).
func ConventionEmail(name, ct, domain string) string {
	return fmt.Sprintf("%s-%s@%s", name, contactWord(ct), domain)
}

// ContactName is the name the account's conventional contact e-mails are
// made of: with a spec, the account's name as the spec gives it, which is
// what apply writes (the live name may differ, as the management
// account's often does); without one, the live name read as an alias:
// lowercase, spaces and underscores as hyphens.
func ContactName(a *estate.Account) string {
	if a.SpecName != "" {
		return a.SpecName
	}
	return audit.NormalName(a.Name)
}

// ContactDomain is the domain the account's conventional contact e-mails
// are on: for an account the spec names, organization.email_domain, which
// is what apply writes (the root e-mail may be on another domain, as the
// management account's often is); otherwise the domain of its root
// e-mail, lowercased. "" when neither is known.
func ContactDomain(e *estate.Estate, a *estate.Account) string {
	if a.SpecName != "" && e.EmailDomain != "" {
		return e.EmailDomain
	}
	_, domain, _ := strings.Cut(a.Email, "@")
	return strings.ToLower(domain)
}

// checkContactsConvention reports alternate contacts whose e-mail is not
// ConventionEmail of the account's ContactName and ContactDomain, ignoring
// case, as in guidance 000's "workload1-prod-primary-billing@example.com".
// Missing contacts are GW-ACC-001's; accounts without a name or a domain
// have no convention to follow.
func checkContactsConvention(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, a := range audit.ActiveAccounts(e) {
		name, domain := ContactName(a), ContactDomain(e, a)
		if a.Contacts == nil || name == "" || domain == "" {
			continue
		}
		var off []string
		for _, ct := range estate.ContactTypes {
			c, ok := a.Contacts[ct]
			if !ok {
				continue
			}
			want := ConventionEmail(name, ct, domain)
			if !strings.EqualFold(strings.TrimSpace(c.Email), want) {
				off = append(off, fmt.Sprintf("%s %s (want %s)", contactWord(ct), audit.QuoteOrNone(c.Email), want))
			}
		}
		if len(off) > 0 {
			out = append(out, audit.Finding{
				Resource: audit.AccountResource(a),
				Account:  a.ID,
				Message:  "alternate contact e-mails off the [account]-[type]@domain convention: " + strings.Join(off, "; "),
			})
		}
	}
	return out
}
