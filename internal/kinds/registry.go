package kinds

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// Registration describes one resource kind.
type Registration struct {
	// Name is the kind's stable name, used in addresses ("unit/Security")
	// and saved plans.
	Name string
	// Diff returns the changes that make actual match desired for this
	// kind, and notes on what it deliberately leaves alone. It must be pure.
	Diff func(desired, actual *estate.Estate) (changes []plan.Change, notes []string)
	// Apply carries out one change of this kind. It must be safe to run
	// again after a failure: every write is idempotent or guarded by a read.
	Apply func(ctx context.Context, env *Env, ch plan.Change) error
}

var registry = struct {
	sync.RWMutex
	kinds map[string]Registration
}{kinds: map[string]Registration{}}

// Register adds a kind. It panics on an empty or duplicate name or a
// missing function: those are programming errors found at start-up.
func Register(r Registration) {
	registry.Lock()
	defer registry.Unlock()
	if r.Name == "" || r.Diff == nil || r.Apply == nil {
		panic(fmt.Sprintf("kinds: incomplete registration %q", r.Name))
	}
	if _, dup := registry.kinds[r.Name]; dup {
		panic(fmt.Sprintf("kinds: %q registered twice", r.Name))
	}
	registry.kinds[r.Name] = r
}

// Lookup returns the registration of a kind.
func Lookup(name string) (Registration, bool) {
	registry.RLock()
	defer registry.RUnlock()
	r, ok := registry.kinds[name]
	return r, ok
}

// All returns every registered kind, sorted by name.
func All() []Registration {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Registration, 0, len(registry.kinds))
	for _, r := range registry.kinds {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Plan diffs desired against actual for every kind. A delete or detach
// without a Basis (see DeleteBasis) is not planned but listed in
// LeftAlone, with everything that depends on it. It has no side effects.
func Plan(desired, actual *estate.Estate) *plan.Plan {
	p := &plan.Plan{FormatVersion: plan.FormatVersion, Fingerprint: actual.Fingerprint(), Changes: []plan.Change{}}
	for _, k := range All() {
		changes, notes := k.Diff(desired, actual)
		p.Changes = append(p.Changes, changes...)
		p.Notes = append(p.Notes, notes...)
	}
	p.Notes = append(p.Notes, DuplicateNotes(actual)...)
	leaveUnowned(p)
	dropSatisfied(p)
	p.Sort()
	return p
}

// Address builds a change address from a kind and a name.
func Address(kind, name string) string { return kind + "/" + name }

// dropSatisfied removes dependencies on addresses the plan does not
// change: a kind may name what its change needs (the role, the bucket)
// without knowing whether another kind plans to create it; when nothing
// is planned for it, it exists already.
func dropSatisfied(p *plan.Plan) {
	planned := map[string]bool{}
	for _, ch := range p.Changes {
		planned[ch.Address] = true
	}
	for i := range p.Changes {
		deps := p.Changes[i].DependsOn[:0:0]
		for _, d := range p.Changes[i].DependsOn {
			if planned[d] {
				deps = append(deps, d)
			}
		}
		p.Changes[i].DependsOn = deps
		if len(deps) == 0 {
			p.Changes[i].DependsOn = nil
		}
	}
}
