package orglayer

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
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
