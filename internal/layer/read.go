package layer

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// Read reads the named layers into actual, one after the other in order,
// where desired says they live. Without r.Warn the first failure is
// returned; with it, a layer that cannot be read is reported to r.Warn as
// an inventory.NotReadError of the layer and forgotten, so that its checks
// are not evaluated instead of the run failing. What the layer itself
// passes to r.Warn reaches it as a NotReadError of the layer or of a part
// of it (see inventory.InLayer).
func Read(ctx context.Context, r inventory.Reader, names []string, desired, actual *estate.Estate) error {
	for _, l := range All() {
		if !slices.Contains(names, l.Name) || l.Read == nil {
			continue
		}
		if err := l.Read(ctx, inLayer(r, l.Name), desired, actual); err != nil {
			if r.Warn == nil {
				return fmt.Errorf("read the %s layer: %w", l.Name, err)
			}
			l.Forget(actual)
			r.Warn(inventory.InLayer(l.Name, err))
		}
	}
	return nil
}

// inLayer is r with its Warn, when set, naming the layer in what it is
// passed.
func inLayer(r inventory.Reader, name string) inventory.Reader {
	if warn := r.Warn; warn != nil {
		r.Warn = func(err error) { warn(inventory.InLayer(name, err)) }
	}
	return r
}

// Survey reads what the audit needs: first, in order, every layer without
// a Survey that desired asks for, as plan reads it; then every layer's
// Survey at the same time, save that a layer waits for the surveys it
// names in SurveyAfter. Each Survey writes only its own layer of the
// estate and calls other APIs than the rest in the main, so their
// throttling budgets hardly overlap. A failure is reported to r.Warn (which
// must be set) as Read reports it and forgets the layer: its checks are
// not evaluated, the audit goes on.
func Survey(ctx context.Context, r inventory.Reader, scope estate.Scope, desired, actual *estate.Estate) {
	var planned []string
	for _, l := range All() {
		if l.Survey == nil && desired != nil && l.Wanted != nil && l.Wanted(desired) {
			planned = append(planned, l.Name)
		}
	}
	// Read reports failures to r.Warn, so it returns no error here.
	_ = Read(ctx, r, planned, desired, actual)

	// The surveys report from their own goroutines: one lock keeps their
	// lines whole.
	var mu sync.Mutex
	warn, progress := r.Warn, r.Progress
	r.Warn = func(err error) { mu.Lock(); defer mu.Unlock(); warn(err) }
	if progress != nil {
		r.Progress = func(format string, args ...any) { mu.Lock(); defer mu.Unlock(); progress(format, args...) }
	}
	// Each survey closes its channel when done; one that must follow
	// others (SurveyAfter) waits on theirs first.
	done := map[string]chan struct{}{}
	for _, l := range All() {
		if l.Survey != nil {
			done[l.Name] = make(chan struct{})
		}
	}
	checkSurveyOrder(done)
	var wg sync.WaitGroup
	for _, l := range All() {
		if l.Survey == nil {
			continue
		}
		wg.Go(func() {
			defer close(done[l.Name])
			for _, after := range l.SurveyAfter {
				<-done[after]
			}
			if err := l.Survey(ctx, inLayer(r, l.Name), scope, desired, actual); err != nil {
				l.Forget(actual)
				r.Warn(inventory.InLayer(l.Name, err))
			}
		})
	}
	wg.Wait()
}

// PlanView is actual as plan would have read it for names: the audit
// reads more (every layer, across the whole estate), and a layer the spec
// does not ask for must not show up as drift. Only the layers differ;
// accounts and units are shared, not copied.
func PlanView(actual *estate.Estate, names []string) *estate.Estate {
	v := *actual
	for _, l := range All() {
		if l.Forget != nil && !slices.Contains(names, l.Name) {
			l.Forget(&v)
		}
	}
	return &v
}

// checkSurveyOrder panics on a programming error in SurveyAfter: a name
// that is not another layer with a Survey, or a cycle, which would leave
// the surveys in it waiting for each other for ever.
func checkSurveyOrder(surveyed map[string]chan struct{}) {
	after := map[string][]string{}
	for _, l := range All() {
		for _, a := range l.SurveyAfter {
			if surveyed[a] == nil || a == l.Name || surveyed[l.Name] == nil {
				panic(fmt.Sprintf("layer: %s surveys after %q, which is not another layer with a Survey", l.Name, a))
			}
		}
		after[l.Name] = l.SurveyAfter
	}
	const (
		visiting = 1
		visited  = 2
	)
	state := map[string]int{}
	var visit func(name string, path []string)
	visit = func(name string, path []string) {
		switch state[name] {
		case visiting:
			panic(fmt.Sprintf("layer: surveys wait for each other in a cycle: %v", append(path, name)))
		case visited:
			return
		}
		state[name] = visiting
		for _, a := range after[name] {
			visit(a, append(path, name))
		}
		state[name] = visited
	}
	for name := range after {
		visit(name, nil)
	}
}
