package kinds

import (
	"fmt"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// References: desired values name what apply makes or finds (an account's
// ID, the organization's ID, a key's ARN) as estate references, resolved
// from what this apply recorded and then from the actual estate the plan
// was made against.

// At resolves a Where's account key to the account ID clients need: the
// Location its clients are built for.
func (e *Env) At(w estate.Where) (estate.Location, error) {
	id, ok := e.Lookup(estate.RefAccountID, string(w.Account))
	if !ok {
		return estate.Location{}, fmt.Errorf("account %s does not exist yet; it should have been created earlier in this apply", w.Account)
	}
	return estate.Location{Account: estate.AccountID(id), Region: w.Region}, nil
}

// ManagementID resolves the management account's ID, which some APIs
// take as a parameter and ARNs hold.
func (e *Env) ManagementID() (string, error) {
	id, ok := e.Lookup(estate.RefAccountID, estate.ManagementKey)
	if !ok {
		return "", fmt.Errorf("the management account's ID is not known yet; the organization should have been created earlier in this apply")
	}
	return id, nil
}

// Resolve replaces the references in s with what is known now, failing
// when one is still unknown.
func (e *Env) Resolve(s string) (string, error) {
	out, ok := estate.Resolve(s, e.Lookup)
	if !ok {
		return out, fmt.Errorf("unresolved reference in %q", shorten(out))
	}
	return out, nil
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

// Lookup resolves one reference of kind (estate.RefAccountID, ...) with
// argument arg: from what this apply created or recorded, then from the
// actual estate the plan was made against. It is safe for concurrent use.
func (e *Env) Lookup(kind, arg string) (string, bool) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	switch kind {
	case estate.RefAccountID:
		if arg == estate.ManagementKey && e.ids.management != "" {
			return e.ids.management, true
		}
		if id := e.ids.accounts[arg]; id != "" {
			return id, true
		}
	case estate.RefOrgID:
		if e.ids.org != "" {
			return e.ids.org, true
		}
	}
	if v := e.ids.recorded[[2]string{kind, arg}]; v != "" {
		return v, true
	}
	if e.actual != nil {
		return e.actual.Lookup(kind, arg)
	}
	return "", false
}

// Record remembers the value of a reference a change has just made (a
// key's ARN by estate.RefKeyARN, say), so that Lookup and Resolve find
// it for the changes that follow. A layer may record kinds of its own
// that the estate does not resolve. It is safe for concurrent use.
func (e *Env) Record(kind, arg, value string) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	if e.ids.recorded == nil {
		e.ids.recorded = map[[2]string]string{}
	}
	e.ids.recorded[[2]string{kind, arg}] = value
}

// Seed records the IDs of actual, the estate a plan was made against, and
// lets references resolve from it, as groundwork apply does before it
// runs a plan.
func (e *Env) Seed(actual *estate.Estate) {
	units, accounts := map[string]string{}, map[string]string{}
	for path, u := range actual.Units {
		units[path] = u.ID
	}
	for key, a := range actual.Accounts {
		accounts[key] = a.ID
	}
	root := ""
	if actual.Organization != nil {
		root = actual.Organization.RootID
	}
	e.SeedIDs(root, units, accounts)
	e.SeedActual(actual)
}

// SeedActual lets references resolve from the actual estate the plan was
// made against.
func (e *Env) SeedActual(actual *estate.Estate) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	e.actual = actual
}

// Actual is the estate given to SeedActual, or nil.
func (e *Env) Actual() *estate.Estate {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	return e.actual
}

func (e *Env) setOrg(orgID, managementID string) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	e.ids.org, e.ids.management = orgID, managementID
}

// ResolveActual resolves the references of a desired value with what the
// actual estate knows, for diffing; unresolved references stay.
func ResolveActual(s string, actual *estate.Estate) string {
	out, _ := estate.Resolve(s, actual.Lookup)
	return out
}

// UnitOf is the OU a change about an account is shown under (its Group).
func UnitOf(desired *estate.Estate, accountKey estate.AccountKey) string {
	if a, ok := desired.Accounts[string(accountKey)]; ok {
		return a.Unit
	}
	return estate.RootPath
}

// WhereAddress renders a Where for addresses: "account/region", or just
// the account when the Region is empty.
func WhereAddress(w estate.Where) string {
	return strings.TrimSuffix(string(w.Account)+"/"+w.Region, "/")
}
