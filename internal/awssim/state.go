package awssim

import (
	"slices"
	"strconv"
	"sync"
)

// account is one account's state, generated on its first call and kept
// from then on: what a write changes, later reads see.
type account struct {
	mu    sync.Mutex
	org   *Org
	id    string
	index int // the member's index; -1 for the management account
	// colls holds the resources by Region ("" for the global services)
	// and collection, each collection by name, generated on first use.
	colls map[string]map[string]map[string]any
}

// collection generators, by name: what an account holds in a Region
// before any write. Each service's file registers its own.
var generators = map[string]func(a *account, region string) map[string]any{}

func generate(name string, g func(a *account, region string) map[string]any) {
	if _, dup := generators[name]; dup {
		panic("awssim: collection " + name + " generated twice")
	}
	generators[name] = g
}

// acct returns account id's state, or nil when id is no account of the
// organization.
func (s *Server) acct(id string) *account {
	if v, ok := s.accounts.Load(id); ok {
		return v.(*account)
	}
	index := -1
	if id != Management {
		if len(id) != 12 || id[0] != '2' {
			return nil
		}
		i, err := strconv.Atoi(id[1:])
		if err != nil || i >= s.org.Accounts {
			return nil
		}
		index = i
	}
	v, _ := s.accounts.LoadOrStore(id, &account{org: &s.org, id: id, index: index, colls: map[string]map[string]map[string]any{}})
	return v.(*account)
}

// lock returns the caller's account, locked; the caller unlocks it.
func (s *Server) lock(c *call) *account {
	a := s.acct(c.account)
	if a == nil {
		a = s.acct(Management)
	}
	a.mu.Lock()
	return a
}

// coll is a collection of the account in region ("" for global),
// generated on first use. The caller holds a.mu.
func (a *account) coll(region, name string) map[string]any {
	byName := a.colls[region]
	if byName == nil {
		byName = map[string]map[string]any{}
		a.colls[region] = byName
	}
	items, ok := byName[name]
	if !ok {
		if g := generators[name]; g != nil {
			items = g(a, region)
		}
		if items == nil {
			items = map[string]any{}
		}
		byName[name] = items
	}
	return items
}

// management tells the management account.
func (a *account) management() bool { return a.index < 0 }

// is tells member account role i (LogArchive, SecurityTooling ...).
func (a *account) is(i int) bool { return a.index == i }

// baselined tells whether the account carries the foundation's
// baselines.
func (a *account) baselined() bool { return !a.org.Bare }

// flawed tells whether the account has the deliberate misconfiguration
// that every nth workload account has (none when the organization is
// bare, nothing there being groundwork's yet, or flawless). Different n
// pick different accounts.
func (a *account) flawed(n int) bool {
	return !a.org.Bare && !a.org.Flawless && a.index >= Foundation && a.index%n == n-1
}

// home is the organization's home Region.
func (a *account) home() string {
	if len(a.org.Regions) == 0 {
		return "us-east-1"
	}
	return a.org.Regions[0]
}

// operational tells whether region is one of the organization's.
func (a *account) operational(region string) bool { return slices.Contains(a.org.Regions, region) }
