package audit

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestContactChecks(t *testing.T) {
	setEmail := func(name, ct, email string) func(e *estate.Estate) {
		return func(e *estate.Estate) {
			c := acct(e, name).Contacts[ct]
			c.Email = email
			acct(e, name).Contacts[ct] = c
		}
	}
	runCases(t, guarded, map[string]checkCase{
		"001 passes": {check: "GW-ACC-001"},
		"001 passes for contacts not read": {
			check: "GW-ACC-001",
			edit:  func(e *estate.Estate) { acct(e, "log-archive").Contacts = nil },
		},
		"001 member account missing two": {
			check: "GW-ACC-001",
			edit: func(e *estate.Estate) {
				delete(acct(e, "log-archive").Contacts, estate.ContactBilling)
				delete(acct(e, "log-archive").Contacts, estate.ContactSecurity)
			},
			want: []string{"account/111111111111 (log-archive)"}, msg: "no billing and security alternate contacts",
		},
		"001 management account missing one": {
			check: "GW-ACC-001",
			edit:  func(e *estate.Estate) { delete(acct(e, "management").Contacts, estate.ContactOperations) },
			want:  []string{"account/000000000000 (management)"}, msg: "no operations alternate contact:",
		},
		"001 closing accounts are ignored": {
			check: "GW-ACC-001",
			edit: func(e *estate.Estate) {
				add(e, "777777777777", "old", "Sandbox", estate.RoleNone, "").Status = "PENDING_CLOSURE"
				acct(e, "old").Contacts = map[string]estate.Contact{}
			},
		},

		"002 passes": {check: "GW-ACC-002"},
		"002 passes ignoring case": {
			check: "GW-ACC-002",
			edit:  setEmail("log-archive", estate.ContactBilling, "Log-Archive-Billing@Example.com"),
		},
		"002 passes for an account name with spaces": {
			check: "GW-ACC-002",
			edit: func(e *estate.Estate) {
				a := acct(e, "log-archive")
				a.Name = "Log Archive"
				for ct, c := range a.Contacts {
					c.Email = "log-archive-" + contactWord(ct) + "@example.com"
					a.Contacts[ct] = c
				}
			},
		},
		"002 passes over missing contacts": {
			check: "GW-ACC-002",
			edit:  func(e *estate.Estate) { acct(e, "log-archive").Contacts = map[string]estate.Contact{} },
		},
		"002 personal address": {
			check: "GW-ACC-002",
			edit:  setEmail("security-tooling", estate.ContactSecurity, "ana@example.com"),
			want:  []string{"account/222222222222 (security-tooling)"},
			msg:   `security "ana@example.com" (want security-tooling-security@example.com)`,
		},
		"002 domain from the root e-mail": {
			check: "GW-ACC-002",
			edit: func(e *estate.Estate) {
				acct(e, "payments-prod").Email = "payments-prod@corp.example"
				setEmail("payments-prod", estate.ContactBilling, "")(e)
			},
			want: []string{"account/444444444444 (payments-prod)"},
			msg: `billing none (want payments-prod-billing@corp.example); operations "payments-prod-operations@example.com" ` +
				`(want payments-prod-operations@corp.example)`,
		},
	})
}
