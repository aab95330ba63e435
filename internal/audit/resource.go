package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Names the checks give resources and accounts, and the account selections
// they share. Every layer's checks use these, so that one resource is named
// the same way whichever check reports it.

// AccountResource names an account: "account/123456789012 (name)". An
// account without an ID (a desired estate) is named by its e-mail.
func AccountResource(a *estate.Account) string {
	id := a.ID
	if id == "" {
		id = a.Email
	}
	if a.Name == "" {
		return "account/" + id
	}
	return fmt.Sprintf("account/%s (%s)", id, a.Name)
}

// UnitResource names an OU by path: "ou/Root/Workloads".
func UnitResource(path string) string { return "ou/" + estate.DisplayPath(path) }

// OrgResource names the organization: "organization/o-abc123".
func OrgResource(e *estate.Estate) string {
	if e.Organization == nil || e.Organization.ID == "" {
		return "organization"
	}
	return "organization/" + e.Organization.ID
}

// AccountLabel is a short name for an account inside a message: its name,
// else its ID, else its e-mail.
func AccountLabel(a *estate.Account) string {
	switch {
	case a.Name != "":
		return a.Name
	case a.ID != "":
		return a.ID
	}
	return a.Email
}

// maxListed keeps messages readable in organizations of thousands of
// accounts: past it, a list says "and N more".
const maxListed = 5

// AccountList renders accounts by AccountLabel for a message: "a, b, c
// and 4 more".
func AccountList(as []*estate.Account) string {
	var names []string
	for i, a := range as {
		if i == maxListed {
			return strings.Join(names, ", ") + fmt.Sprintf(" and %d more", len(as)-maxListed)
		}
		names = append(names, AccountLabel(a))
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// NameList renders "a, b, c and 4 more", as AccountList does for accounts.
func NameList(names []string) string {
	if len(names) > maxListed {
		return strings.Join(names[:maxListed], ", ") + fmt.Sprintf(" and %d more", len(names)-maxListed)
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// QuoteOrNone quotes a value for a message, or says "none" for an empty
// one.
func QuoteOrNone(s string) string {
	if s == "" {
		return "none"
	}
	return fmt.Sprintf("%q", s)
}

// NormalName reads an account name as an alias: lowercase, with spaces and
// underscores as hyphens, so that "Log Archive" contains "log-archive".
func NormalName(s string) string {
	return strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(s))
}

// ActiveAccounts returns the accounts in use (estate.Account.Active),
// sorted; the checks judge no other.
func ActiveAccounts(e *estate.Estate) []*estate.Account {
	var out []*estate.Account
	for _, a := range e.SortedAccounts() {
		if a.Active() {
			out = append(out, a)
		}
	}
	return out
}

// MemberAccounts returns the active accounts other than the management
// account, sorted.
func MemberAccounts(e *estate.Estate) []*estate.Account {
	var out []*estate.Account
	for _, a := range ActiveAccounts(e) {
		if !e.IsManagement(a) {
			out = append(out, a)
		}
	}
	return out
}

// AccountsWithRole returns the active accounts the spec gives the role.
func AccountsWithRole(e *estate.Estate, r estate.Role) []*estate.Account {
	return slices.DeleteFunc(e.AccountsWithRole(r), func(a *estate.Account) bool { return !a.Active() })
}

// under reports whether a unit path sits in the named top-level OU. OU
// names are compared ignoring case so that "security" counts as Security.
func under(path, top string) bool { return strings.EqualFold(estate.TopLevel(path), top) }

// AccountFinding is a finding about an account as a whole.
func AccountFinding(a *estate.Account, msg string) Finding {
	return Finding{Resource: AccountResource(a), Message: msg, Account: a.ID}
}
