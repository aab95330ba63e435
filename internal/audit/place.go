package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Where a layer's resources live. A layer's estate places each resource in
// an account and Region (estate.Where), naming the account by its
// estate.AccountKey: its e-mail key, or estate.ManagementKey for the
// management account. The posture layer's sightings in accounts outside
// the estate carry the account's ID in place of a key. These helpers turn such a place into the account,
// the names and the findings the checks report. Resources in accounts that
// are not in use are ignored, as everywhere in the audit.

// WhereAccount finds the account a Where key names: an e-mail key, or
// estate.ManagementKey for the management account. It returns nil for an
// account the estate does not know.
func WhereAccount(e *estate.Estate, key estate.AccountKey) *estate.Account {
	if key != estate.ManagementKey {
		return e.Accounts[string(key)]
	}
	for _, a := range e.Accounts {
		if e.IsManagement(a) { // at most one account is
			return a
		}
	}
	return nil
}

// Leaving reports whether the account at w is on its way out of the
// organization, or not yet in use (not estate.Account.Active); resources
// there are ignored. An account the estate does not know is not leaving: its
// resources were read, so it exists.
func Leaving(e *estate.Estate, w estate.Where) bool {
	a := WhereAccount(e, w.Account)
	return a != nil && !a.Active()
}

// managementID is the management account's ID; "" outside an organization.
func managementID(e *estate.Estate) string {
	if e.Organization == nil {
		return ""
	}
	return e.Organization.ManagementAccountID
}

// WhereID is the ID of the account a Where key names (an e-mail key, or
// estate.ManagementKey); "" when the account has no ID yet.
func WhereID(e *estate.Estate, key estate.AccountKey) string {
	if a := WhereAccount(e, key); a != nil {
		return a.ID
	}
	if key == estate.ManagementKey {
		return managementID(e)
	}
	return ""
}

// AccountID is the AWS ID of the account a key names, for a finding's
// Account; the key itself when the estate does not know it (a key that is
// already an ID, or an account outside the estate).
func AccountID(e *estate.Estate, key estate.AccountKey) string {
	if id, ok := e.Lookup(estate.RefAccountID, string(key)); ok {
		return id
	}
	return string(key)
}

// WhereLabel names a place inside a message or resource: "security-tooling
// eu-west-1".
func WhereLabel(e *estate.Estate, w estate.Where) string {
	name := string(w.Account)
	if a := WhereAccount(e, w.Account); a != nil {
		name = AccountLabel(a)
	}
	return strings.TrimSpace(name + " " + w.Region)
}

// WhereAccountResource names the account a Where key names as
// AccountResource does; "account/<key>" for an account the estate does
// not know.
func WhereAccountResource(e *estate.Estate, key estate.AccountKey) string {
	if a := WhereAccount(e, key); a != nil {
		return AccountResource(a)
	}
	return "account/" + string(key)
}

// PlacedResource names a resource that lives in an account and Region:
// "trail/groundwork-org-trail (management eu-west-1)".
func PlacedResource(e *estate.Estate, kind, name string, w estate.Where) string {
	return fmt.Sprintf("%s/%s (%s)", kind, name, WhereLabel(e, w))
}

// PlacedFinding is a finding about the resource of a kind and name at w,
// named as PlacedResource names it.
func PlacedFinding(e *estate.Estate, kind, name string, w estate.Where, msg string) Finding {
	return Finding{Resource: PlacedResource(e, kind, name, w), Message: msg, Account: WhereID(e, w.Account), Region: w.Region}
}

// ManagementFinding is a finding about the management account as a whole.
func ManagementFinding(e *estate.Estate, msg string) Finding {
	return Finding{Resource: WhereAccountResource(e, estate.ManagementKey), Message: msg, Account: WhereID(e, estate.ManagementKey)}
}

// RegionsByAccount groups a layer's places by account, in
// the order the accounts first appear, and drops accounts not in use. The
// callers pass places sorted by account and Region, so reports read in a
// stable order.
func RegionsByAccount(e *estate.Estate, ws []estate.Where) (accounts []estate.AccountKey, regions map[estate.AccountKey][]string) {
	regions = map[estate.AccountKey][]string{}
	for _, w := range ws {
		if Leaving(e, w) {
			continue
		}
		if _, seen := regions[w.Account]; !seen {
			accounts = append(accounts, w.Account)
		}
		regions[w.Account] = append(regions[w.Account], w.Region)
	}
	return accounts, regions
}

// SortedValues returns the values of a layer's map of resources ordered by
// key (the Where.Key of each resource), so that findings come out in a
// stable order.
func SortedValues[V any](m map[string]V) []V {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]V, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}
