package orglayer

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

func TestContactChecks(t *testing.T) {
	setEmail := func(name, ct, email string) func(e *estate.Estate) {
		return func(e *estate.Estate) {
			c := audittest.Account(e, name).Contacts[ct]
			c.Email = email
			audittest.Account(e, name).Contacts[ct] = c
		}
	}
	audittest.RunCases(t, guarded, map[string]audittest.Case{
		"001 passes": {Check: "GW-ACC-001"},
		"001 passes for contacts not read": {
			Check: "GW-ACC-001",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "log-archive").Contacts = nil },
		},
		"001 member account missing two": {
			Check: "GW-ACC-001",
			Edit: func(e *estate.Estate) {
				delete(audittest.Account(e, "log-archive").Contacts, estate.ContactBilling)
				delete(audittest.Account(e, "log-archive").Contacts, estate.ContactSecurity)
			},
			Want: []string{"account/111111111111 (log-archive)"}, Msg: "no billing and security alternate contacts",
		},
		"001 management account missing one": {
			Check: "GW-ACC-001",
			Edit:  func(e *estate.Estate) { delete(audittest.Account(e, "management").Contacts, estate.ContactOperations) },
			Want:  []string{"account/000000000000 (management)"}, Msg: "no operations alternate contact:",
		},
		"001 closing accounts are ignored": {
			Check: "GW-ACC-001",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "old", "Sandbox", estate.RoleNone, "").Status = "PENDING_CLOSURE"
				audittest.Account(e, "old").Contacts = map[string]estate.Contact{}
			},
		},

		"002 passes": {Check: "GW-ACC-002"},
		"002 passes ignoring case": {
			Check: "GW-ACC-002",
			Edit:  setEmail("log-archive", estate.ContactBilling, "Log-Archive-Billing@Example.com"),
		},
		"002 passes for an account name with spaces": {
			Check: "GW-ACC-002",
			Edit: func(e *estate.Estate) {
				a := audittest.Account(e, "log-archive")
				a.Name = "Log Archive"
				for ct, c := range a.Contacts {
					c.Email = "log-archive-" + contactWord(ct) + "@example.com"
					a.Contacts[ct] = c
				}
			},
		},
		"002 passes over missing contacts": {
			Check: "GW-ACC-002",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "log-archive").Contacts = map[string]estate.Contact{} },
		},
		"002 personal address": {
			Check: "GW-ACC-002",
			Edit:  setEmail("security-tooling", estate.ContactSecurity, "ana@example.com"),
			Want:  []string{"account/222222222222 (security-tooling)"},
			Msg:   `security "ana@example.com" (want security-tooling-security@example.com)`,
		},
		"002 domain from the root e-mail": {
			Check: "GW-ACC-002",
			Edit: func(e *estate.Estate) {
				audittest.Account(e, "payments-prod").Email = "payments-prod@corp.example"
				setEmail("payments-prod", estate.ContactBilling, "")(e)
			},
			Want: []string{"account/444444444444 (payments-prod)"},
			Msg: `billing none (want payments-prod-billing@corp.example); operations "payments-prod-operations@example.com" ` +
				`(want payments-prod-operations@corp.example)`,
		},
	})
}

// TestContactsConventionFollowsTheSpec audits, against a spec, a
// management account whose live name ("management") is not the one the
// spec's naming gives it ("aws-management-account-primary"), and whose
// root e-mail may be on another domain than organization.email_domain:
// the contacts apply writes pass GW-ACC-002, and contacts made of the live
// name or the root e-mail's domain are off the convention apply follows.
func TestContactsConventionFollowsTheSpec(t *testing.T) {
	f := spectest.MustParse(t, spectest.Minimal+`contacts: {phone: "+1-555-0100"}
`)
	for name, tc := range map[string]struct {
		contacts func(desired map[string]estate.Contact) map[string]estate.Contact
		// rootEmail is the management account's live root e-mail, ""
		// to keep the fixture's (on example.com).
		rootEmail string
		want      string
	}{
		"what apply writes": {contacts: func(d map[string]estate.Contact) map[string]estate.Contact { return d }},
		"what apply writes, root e-mail on another domain": {
			contacts:  func(d map[string]estate.Contact) map[string]estate.Contact { return d },
			rootEmail: "aws-root@corp.example",
		},
		"made of the root e-mail's domain": {
			contacts: func(d map[string]estate.Contact) map[string]estate.Contact {
				out := map[string]estate.Contact{}
				for ct, c := range d {
					c.Email = "aws-management-account-primary-" + contactWord(ct) + "@corp.example"
					out[ct] = c
				}
				return out
			},
			rootEmail: "aws-root@corp.example",
			want:      `(want aws-management-account-primary-billing@example.com)`,
		},
		"made of the live name": {
			contacts: func(d map[string]estate.Contact) map[string]estate.Contact {
				out := map[string]estate.Contact{}
				for ct, c := range d {
					c.Email = "management-" + contactWord(ct) + "@example.com"
					out[ct] = c
				}
				return out
			},
			want: `billing "management-billing@example.com" (want aws-management-account-primary-billing@example.com)`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			desired, actual := f.Desired(), guarded()
			mgmt := audittest.Account(actual, "management")
			mgmt.Contacts = tc.contacts(desired.Org.ManagementContacts)
			if tc.rootEmail != "" {
				mgmt.Email = tc.rootEmail
			}
			estate.Annotate(actual, desired)
			fs := audittest.RunCheck(t, "GW-ACC-002", actual)
			switch {
			case tc.want == "" && len(fs) != 0:
				t.Errorf("findings on the contacts apply writes: %+v", fs)
			case tc.want != "" && (len(fs) != 1 || fs[0].Account != mgmt.ID || !strings.Contains(fs[0].Message, tc.want)):
				t.Errorf("findings = %+v, want one on the management account saying %s", fs, tc.want)
			}
		})
	}
}
