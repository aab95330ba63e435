package layer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// Read reads the named layers into actual, where desired says they live,
// all at the same time, save that a layer waits for the reads it names in
// ReadAfter (those among names). Each layer writes only its own part of
// actual and reads the core (accounts, units), so the reads are
// independent; the awsx limiter per API and account, and each layer's
// width, bound what is in flight. Without r.Warn the first failure (in
// Order) is returned and the other reads are stopped; with it, a layer
// that cannot be read is reported to r.Warn as an
// inventory.NotReadError of the layer and forgotten, so that its checks
// are not evaluated instead of the run failing, and the others go on.
// What the layer itself passes to r.Warn reaches it as a NotReadError of
// the layer or of a part of it (see inventory.InLayer).
func Read(ctx context.Context, r inventory.Reader, names []string, desired, actual *estate.Estate) error {
	var readers []Layer
	for _, l := range All() {
		if slices.Contains(names, l.Name) && l.Read != nil {
			readers = append(readers, l)
		}
	}
	checkOrder("reads", "Read", readers, func(l Layer) []string { return l.ReadAfter })
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r = serialReports(r)
	failed := make([]error, len(readers))
	var steps []step
	for i, l := range readers {
		steps = append(steps, step{name: l.Name, after: l.ReadAfter, run: func() {
			err := l.Read(ctx, inLayer(r, l.Name), desired, actual)
			switch {
			case err == nil:
			case r.Warn == nil:
				failed[i] = fmt.Errorf("read the %s layer: %w", l.Name, err)
				cancel()
			default:
				l.Forget(actual)
				r.Warn(inventory.InLayer(l.Name, err))
			}
		}})
	}
	runSteps(steps)
	return firstFailure(failed)
}

// firstFailure is the first of failed, in order, that is not the
// cancellation another failure caused; the first of all when every one is
// (the caller's context ended).
func firstFailure(failed []error) error {
	var first error
	for _, err := range failed {
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// step is one layer's part of a read of several: it starts once each
// step named in after has finished.
type step struct {
	name  string
	after []string
	run   func()
}

// runSteps runs steps at the same time, each after the steps it names in
// after that are among steps (a layer that is not read is not waited
// for), and returns when all have finished. checkOrder has ruled out
// cycles.
func runSteps(steps []step) {
	done := map[string]chan struct{}{}
	for _, s := range steps {
		done[s.name] = make(chan struct{})
	}
	var wg sync.WaitGroup
	for _, s := range steps {
		wg.Go(func() {
			defer close(done[s.name])
			for _, a := range s.after {
				if ch, ok := done[a]; ok {
					<-ch
				}
			}
			s.run()
		})
	}
	wg.Wait()
}

// serialReports is r with its Warn and Progress, when set, called one at
// a time: layers read at the same time report from their own goroutines,
// and one lock keeps their lines whole.
func serialReports(r inventory.Reader) inventory.Reader {
	var mu sync.Mutex
	if warn := r.Warn; warn != nil {
		r.Warn = func(err error) { mu.Lock(); defer mu.Unlock(); warn(err) }
	}
	if progress := r.Progress; progress != nil {
		r.Progress = func(format string, args ...any) { mu.Lock(); defer mu.Unlock(); progress(format, args...) }
	}
	return r
}

// inLayer is r with its Warn, when set, naming the layer in what it is
// passed.
func inLayer(r inventory.Reader, name string) inventory.Reader {
	if warn := r.Warn; warn != nil {
		r.Warn = func(err error) { warn(inventory.InLayer(name, err)) }
	}
	return r
}

// Survey reads what the audit needs, every layer at the same time: each
// layer's Survey, and each layer without a Survey that desired asks for
// as plan reads it (Read). A Survey waits for the surveys it names in
// SurveyAfter, a Read for the reads it names in ReadAfter; the rest run
// at once. Each writes only its own layer of the estate and calls other
// APIs than the rest in the main, so their throttling budgets hardly
// overlap. A failure is reported to r.Warn (which must be set) as Read
// reports it and forgets the layer: its checks are not evaluated, the
// audit goes on.
func Survey(ctx context.Context, r inventory.Reader, scope estate.Scope, desired, actual *estate.Estate) {
	var surveyed, planned []Layer
	for _, l := range All() {
		switch {
		case l.Survey != nil:
			surveyed = append(surveyed, l)
		case desired != nil && l.Wanted != nil && l.Wanted(desired):
			planned = append(planned, l)
		}
	}
	checkOrder("surveys", "Survey", surveyed, func(l Layer) []string { return l.SurveyAfter })
	checkOrder("reads", "Read", planned, func(l Layer) []string { return l.ReadAfter })
	r = serialReports(r)
	failed := func(l Layer, err error) {
		if err != nil {
			l.Forget(actual)
			r.Warn(inventory.InLayer(l.Name, err))
		}
	}
	var steps []step
	for _, l := range surveyed {
		steps = append(steps, step{name: l.Name, after: l.SurveyAfter, run: func() {
			failed(l, l.Survey(ctx, inLayer(r, l.Name), scope, desired, actual))
		}})
	}
	for _, l := range planned {
		steps = append(steps, step{name: l.Name, after: l.ReadAfter, run: func() {
			failed(l, l.Read(ctx, inLayer(r, l.Name), desired, actual))
		}})
	}
	runSteps(steps)
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

// checkOrder panics on a programming error in the names one kind of
// read waits for (SurveyAfter, ReadAfter): a name that is not another
// registered layer with that kind of read, or a cycle, which would leave
// the reads in it waiting for each other for ever. what names the reads
// in the message ("surveys"), kind the Layer field that makes them.
// steps are the layers about to be read that way; a name among the
// registered layers that is not about to be read is not waited for.
func checkOrder(what, kind string, steps []Layer, afterOf func(Layer) []string) {
	has := func(l Layer) bool {
		if kind == "Survey" {
			return l.Survey != nil
		}
		return l.Read != nil
	}
	after := map[string][]string{}
	for _, l := range steps {
		for _, a := range afterOf(l) {
			if other, ok := Lookup(a); !ok || a == l.Name || !has(other) {
				panic(fmt.Sprintf("layer: %s %s after %q, which is not another layer with a %s", l.Name, what, a, kind))
			}
		}
		after[l.Name] = afterOf(l)
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
			panic(fmt.Sprintf("layer: %s wait for each other in a cycle: %v", what, append(path, name)))
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
