package checklist

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Width is how many detector reads run at once. A member account's first
// read assumes the access role through STS, and IAM throttles bursts of
// GetAccountSummary per account; eight in flight, as in the inventory,
// keeps a large organization quick without driving the SDK's retryer into
// long backoffs.
const Width = 8

// scope says which accounts a step gives items for.
type scope int

const (
	// scopeOrganization: one item, about no account in particular.
	scopeOrganization scope = iota
	// scopeManagement: one item, about the management account.
	scopeManagement
	// scopeMembers: one item per member account.
	scopeMembers
	// scopeAccounts: one item per account, the management account first.
	scopeAccounts
)

// step is one thing only the root user or the console can do.
type step struct {
	ID          string // "CL-NNN", unique
	Title       string
	Guidance    string
	ConsolePath string
	Scope       scope
	// Detect reads the step's state in one account and says what it saw.
	// It reports a failed read as Unknown, never panics, and must be safe
	// to call concurrently. Nil for a step only a person can check.
	Detect func(ctx context.Context, e *env, a Account) (Status, string)
	// Manual says what to check by hand, for a step without Detect.
	Manual string
}

// registry holds the steps by ID; safe for concurrent use.
type registry struct {
	mu    sync.Mutex
	steps map[string]step
}

var steps = &registry{steps: map[string]step{}}

// register adds a step. It is meant for init() and panics on a
// programming error: an empty ID, a step that neither detects nor says
// what to check by hand, or an ID already registered.
func register(s step) {
	steps.mu.Lock()
	defer steps.mu.Unlock()
	switch {
	case s.ID == "" || s.Title == "" || s.ConsolePath == "":
		panic(fmt.Sprintf("checklist: step %q lacks an ID, title or console path", s.ID))
	case s.Detect == nil && s.Manual == "":
		panic(fmt.Sprintf("checklist: step %s has neither Detect nor Manual", s.ID))
	}
	if _, dup := steps.steps[s.ID]; dup {
		panic(fmt.Sprintf("checklist: step %s registered twice", s.ID))
	}
	steps.steps[s.ID] = s
}

// sorted returns the steps in ID order.
func (r *registry) sorted() []step {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]step, 0, len(r.steps))
	for _, s := range r.steps {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b step) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Run gives the checklist for the accounts: every step, in ID order, one
// item per account its scope covers, the accounts in the order given
// (the management account first for steps over every account). It reads
// AWS only through r, Width reads at a time, and never fails as a whole:
// a detector whose read fails reports Unknown with the error in Detail, so
// a cancelled ctx yields Unknown items. When no account is marked
// Management, the Reader's own account stands in for it.
func Run(ctx context.Context, r Reader, accounts []Account) []Item {
	mgmt := Account{Management: true}
	var members []Account
	for _, a := range accounts {
		if a.Management {
			mgmt = a
		} else {
			members = append(members, a)
		}
	}
	e := newEnv(r)

	type job struct {
		item int
		s    step
		a    Account
	}
	var items []Item
	var jobs []job
	for _, s := range steps.sorted() {
		targets := []Account{mgmt}
		switch s.Scope {
		case scopeMembers:
			targets = members
		case scopeAccounts:
			targets = append(targets, members...)
		}
		for _, a := range targets {
			it := Item{ID: s.ID, Title: s.Title, Guidance: s.Guidance, ConsolePath: s.ConsolePath, State: Manual, Detail: s.Manual}
			if s.Scope != scopeOrganization {
				it.AccountID, it.AccountName = a.ID, a.Name
			}
			items = append(items, it)
			if s.Detect != nil {
				jobs = append(jobs, job{item: len(items) - 1, s: s, a: a})
			}
		}
	}
	// Each detector writes only its own item, and items no longer grows:
	// no lock is needed.
	var g errgroup.Group
	g.SetLimit(Width)
	for _, j := range jobs {
		g.Go(func() error {
			items[j.item].State, items[j.item].Detail = j.s.Detect(ctx, e, j.a)
			return nil
		})
	}
	_ = g.Wait() // detectors return no errors; they report them in their items
	return items
}

// env is what detectors share during one Run: the Reader, and each
// account's IAM summary, read once however many steps need it.
type env struct {
	r Reader

	mu        sync.Mutex
	summaries map[string]func() (map[string]int32, error)
}

func newEnv(r Reader) *env {
	return &env{r: r, summaries: map[string]func() (map[string]int32, error){}}
}

// summary returns the IAM account summary of an account, reading it on
// first use.
func (e *env) summary(ctx context.Context, a Account) (map[string]int32, error) {
	e.mu.Lock()
	read, ok := e.summaries[a.ID]
	if !ok {
		read = sync.OnceValues(func() (map[string]int32, error) { return readSummary(ctx, e.r.IAM(a.ID)) })
		e.summaries[a.ID] = read
	}
	e.mu.Unlock()
	return read()
}
