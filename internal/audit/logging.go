package audit

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Selections and names the checks of the logging layer share: trail.go,
// buckets.go and config.go. Every such check returns no findings when
// e.Logging is nil: the layer was not read, which says nothing about the
// organization. Resources in accounts that are closing are ignored, as
// everywhere in the audit.

// whereAccount finds the account a logging resource lives in: Where names
// it by e-mail key, or estate.ManagementKey for the management account.
// It returns nil for an account the estate does not know.
func whereAccount(e *estate.Estate, key string) *estate.Account {
	if key != estate.ManagementKey {
		return e.Accounts[key]
	}
	for _, a := range e.Accounts {
		if e.IsManagement(a) { // at most one account is
			return a
		}
	}
	return nil
}

// leaving reports whether the account at w is closing; resources there are
// ignored. An account the estate does not know is not leaving: its
// resources were read, so it exists.
func leaving(e *estate.Estate, w estate.Where) bool {
	a := whereAccount(e, w.Account)
	return a != nil && closing(a)
}

// whereLabel names a place inside a message or resource: "security-tooling
// eu-west-1".
func whereLabel(e *estate.Estate, w estate.Where) string {
	name := w.Account
	if a := whereAccount(e, w.Account); a != nil {
		name = accountLabel(a)
	}
	return strings.TrimSpace(name + " " + w.Region)
}

// whereAccountResource names the account at w as accountResource does.
func whereAccountResource(e *estate.Estate, key string) string {
	if a := whereAccount(e, key); a != nil {
		return accountResource(a)
	}
	return "account/" + key
}

// placedResource names a resource that lives in an account and Region:
// "trail/groundwork-org-trail (management eu-west-1)".
func placedResource(e *estate.Estate, kind, name string, w estate.Where) string {
	return fmt.Sprintf("%s/%s (%s)", kind, name, whereLabel(e, w))
}

// regionsByAccount groups the places of a logging layer by account, in
// the order the accounts first appear, and drops closing accounts. The
// callers pass places sorted by account and Region, so reports read in a
// stable order.
func regionsByAccount(e *estate.Estate, ws []estate.Where) (accounts []string, regions map[string][]string) {
	regions = map[string][]string{}
	for _, w := range ws {
		if leaving(e, w) {
			continue
		}
		if _, seen := regions[w.Account]; !seen {
			accounts = append(accounts, w.Account)
		}
		regions[w.Account] = append(regions[w.Account], w.Region)
	}
	return accounts, regions
}

// sortedScope returns the places Config was read in, by account and
// Region.
func sortedScope(l *estate.Logging) []estate.Where {
	ws := slices.Clone(l.Scope)
	slices.SortFunc(ws, compareWhere)
	return ws
}

func compareWhere(a, b estate.Where) int {
	return cmp.Or(strings.Compare(a.Account, b.Account), strings.Compare(a.Region, b.Region))
}

// sortedValues returns a logging map's values ordered by key, the
// Where.Key of each resource.
func sortedValues[V any](m map[string]V) []V {
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
