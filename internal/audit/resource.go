package audit

import (
	"fmt"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Names the checks use for resources, and account selections they share.

// accountResource names an account: "account/123456789012 (name)". An
// account without an ID (a desired estate) is named by its e-mail.
func accountResource(a *estate.Account) string {
	id := a.ID
	if id == "" {
		id = a.Email
	}
	if a.Name == "" {
		return "account/" + id
	}
	return fmt.Sprintf("account/%s (%s)", id, a.Name)
}

// unitResource names an OU by path: "ou/Root/Workloads".
func unitResource(path string) string { return "ou/" + estate.DisplayPath(path) }

// orgResource names the organization: "organization/o-abc123".
func orgResource(e *estate.Estate) string {
	if e.Organization == nil || e.Organization.ID == "" {
		return "organization"
	}
	return "organization/" + e.Organization.ID
}

// accountLabel is a short name for an account inside a message.
func accountLabel(a *estate.Account) string {
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

// accountList renders "a, b, c and 4 more".
func accountList(as []*estate.Account) string {
	var names []string
	for i, a := range as {
		if i == maxListed {
			return strings.Join(names, ", ") + fmt.Sprintf(" and %d more", len(as)-maxListed)
		}
		names = append(names, accountLabel(a))
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// closing reports whether an account is leaving the organization; the
// checks ignore such accounts.
func closing(a *estate.Account) bool {
	return a.Status == "SUSPENDED" || a.Status == "PENDING_CLOSURE"
}

// activeAccounts returns the accounts that are not closing, sorted.
func activeAccounts(e *estate.Estate) []*estate.Account {
	var out []*estate.Account
	for _, a := range e.SortedAccounts() {
		if !closing(a) {
			out = append(out, a)
		}
	}
	return out
}

// memberAccounts returns the active accounts other than the management
// account, sorted.
func memberAccounts(e *estate.Estate) []*estate.Account {
	var out []*estate.Account
	for _, a := range activeAccounts(e) {
		if !e.IsManagement(a) {
			out = append(out, a)
		}
	}
	return out
}

// under reports whether a unit path sits in the named top-level OU. OU
// names are compared ignoring case so that "security" counts as Security.
func under(path, top string) bool { return strings.EqualFold(estate.TopLevel(path), top) }

// managementID is the management account's ID; "" outside an organization.
func managementID(e *estate.Estate) string {
	if e.Organization == nil {
		return ""
	}
	return e.Organization.ManagementAccountID
}

// whereID is the ID of the account a layer's Where names (an e-mail key,
// or estate.ManagementKey); "" when the account has no ID yet.
func whereID(e *estate.Estate, key string) string {
	if a := whereAccount(e, key); a != nil {
		return a.ID
	}
	if key == estate.ManagementKey {
		return managementID(e)
	}
	return ""
}

// accountFinding is a finding about an account as a whole.
func accountFinding(a *estate.Account, msg string) Finding {
	return Finding{Resource: accountResource(a), Message: msg, Account: a.ID}
}

// placedFinding is a finding about the resource of a kind and name at w,
// named as placedResource names it.
func placedFinding(e *estate.Estate, kind, name string, w estate.Where, msg string) Finding {
	return Finding{Resource: placedResource(e, kind, name, w), Message: msg, Account: whereID(e, w.Account), Region: w.Region}
}

// managementFinding is a finding about the management account as a whole.
func managementFinding(e *estate.Estate, msg string) Finding {
	return Finding{Resource: whereAccountResource(e, estate.ManagementKey), Message: msg, Account: whereID(e, estate.ManagementKey)}
}
