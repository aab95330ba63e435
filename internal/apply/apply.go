package apply

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// DefaultWidth is how many changes run at once in a plan of up to
// DefaultWidth*ChangesPerSlot changes; a larger plan gets one more for
// every ChangesPerSlot changes, up to MaxDefaultWidth (DefaultWidthFor):
// a large plan is spread over many accounts and Regions, each with its
// own budget for the APIs its changes call. Each AWS API a change calls
// has its own width besides, adapted to its throttling
// (awsx.AdaptiveStart): Organizations throttles writes harder than reads
// and runs only a few account creations at a time per organization, and
// its width narrows to what it allows while the baselines of member
// accounts go on beside it. --concurrency N sets both to N.
const (
	DefaultWidth    = 8
	MaxDefaultWidth = 32
	ChangesPerSlot  = 32
)

// DefaultWidthFor is how many of a plan of n changes run at once when
// no width is given.
func DefaultWidthFor(n int) int {
	return min(MaxDefaultWidth, max(DefaultWidth, n/ChangesPerSlot))
}

// Options tune a run.
type Options struct {
	Width int
	// AllowDelete lets changes marked NeedsAllowDelete run; otherwise they
	// are held back, and so is everything that depends on them.
	AllowDelete bool
	// Confirmed are the flags (without dashes) given besides
	// --allow-delete: a change whose Confirm names one of them runs, and
	// only then (see plan.Release).
	Confirmed []string
	// Progress is told about each change as it starts and ends; may be nil.
	Progress func(format string, args ...any)
	// Drain bounds how long a stopped run waits for the changes in
	// flight; 0 means DefaultDrain.
	Drain time.Duration
}

// Outcome is what happened to one change.
type Outcome string

// The outcomes of a change.
const (
	Applied Outcome = "applied"
	Failed  Outcome = "failed"
	Held    Outcome = "held"    // needs --allow-delete
	Skipped Outcome = "skipped" // depends on a change that failed or was held
	// NotStarted is a change the run did not start because it was
	// stopped (an interrupt, the overall timeout).
	NotStarted Outcome = "not started"
)

// Result is one change's outcome.
type Result struct {
	Address string  `json:"address"`
	Action  string  `json:"action"`
	Outcome Outcome `json:"outcome"`
	Error   string  `json:"error,omitempty"`
}

// Report is the outcome of every change that was not a no-op, and the
// faults the run recovered from on the way (a create whose response was
// lost and whose result was found and adopted, ...).
type Report struct {
	Results   []Result `json:"results"`
	Recovered []string `json:"recovered,omitempty"`
	// Stopped says the run was stopped before its end; the changes it
	// did not start are NotStarted.
	Stopped bool `json:"stopped,omitempty"`
}

// Count returns how many changes ended with the outcome.
func (r Report) Count(o Outcome) int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == o {
			n++
		}
	}
	return n
}

// ErrIncomplete is returned, wrapped, when some change failed.
var ErrIncomplete = errors.New("apply incomplete")

// ErrStopped is returned, wrapped, when ctx was cancelled (an interrupt,
// the overall timeout) before every change ran.
var ErrStopped = errors.New("apply stopped")

// DefaultDrain bounds how long a stopped apply waits for the changes in
// flight: long enough for any single AWS call with its retries to end,
// short enough that a user who pressed Ctrl-C is not left waiting.
const DefaultDrain = 30 * time.Second

// PanicError is a change whose apply panicked: a bug in groundwork. The
// run goes on with the other changes; Run's error wraps the first.
type PanicError struct {
	Address string
	Value   any
	Stack   []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error applying %s: %v", e.Address, e.Value)
}

// Run applies the plan's changes. It returns an error wrapping
// ErrIncomplete when any change failed; held and skipped changes are not
// errors. Run is safe to call again with a fresh plan after any failure.
//
// When ctx is cancelled Run starts no more changes, lets those in flight
// finish for up to opts.Drain (DefaultDrain when 0), cancels what is still
// running after that, and returns the report with the changes it did not
// start as NotStarted and an error wrapping ErrStopped.
func Run(ctx context.Context, env *kinds.Env, p *plan.Plan, opts Options) (Report, error) {
	if err := p.Validate(); err != nil {
		return Report{}, err
	}
	width := opts.Width
	if width <= 0 {
		width = DefaultWidthFor(len(p.Changes))
	}
	drain := opts.Drain
	if drain <= 0 {
		drain = DefaultDrain
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(string, ...any) {}
	}
	w := &walk{done: map[string]Outcome{}, errs: map[string]error{}}
	pending := map[string]plan.Change{}
	for _, ch := range p.Changes {
		if ch.Action != plan.NoOp {
			pending[ch.Address] = ch
		} else {
			w.done[ch.Address] = Applied
		}
	}
	// The walk keeps, for each pending change, how many of its
	// dependencies are still pending and who depends on it, so that a
	// change ending makes ready exactly those it held back: the run costs
	// time in the number of changes and dependencies, not in their
	// square (issue 13: 30,000 changes for 1,000 accounts).
	waiting := map[string]int{}
	dependents := map[string][]string{}
	var ready []string
	for _, addr := range sortedKeys(pending) {
		for _, dep := range pending[addr].DependsOn {
			if _, ok := pending[dep]; ok {
				waiting[addr]++
				dependents[dep] = append(dependents[dep], addr)
			}
		}
		if waiting[addr] == 0 {
			ready = append(ready, addr)
		}
	}
	// resolved is called, under w.mu, when addr's outcome is known.
	resolved := func(addr string) {
		for _, d := range dependents[addr] {
			if waiting[d]--; waiting[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	var wg sync.WaitGroup
	w.cond = sync.NewCond(&w.mu)

	// Changes run under their own context: a stop must not cut a write
	// in half. It is cancelled only when the drain runs out.
	runCtx, cancelRun := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelRun(nil)
	finished := make(chan struct{})
	defer close(finished)
	errDrained := fmt.Errorf("still running %s after the stop", drain)
	go func() {
		select {
		case <-finished:
			return
		case <-ctx.Done():
		}
		w.mu.Lock()
		w.cond.Broadcast() // the walk below stops starting changes
		w.mu.Unlock()
		progress("stopping: no new changes; waiting up to %s for the changes in flight", drain)
		t := time.NewTimer(drain)
		defer t.Stop()
		select {
		case <-finished:
		case <-t.C:
			cancelRun(errDrained)
		}
	}()

	// width workers take the ready changes in turn; each ends when
	// nothing is ready and nothing runs that could make something ready,
	// or when the run is stopped.
	release := plan.Release{AllowDelete: opts.AllowDelete, Confirmed: opts.Confirmed}
	worker := func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		defer w.cond.Broadcast() // the others may be waiting for this one
		for ctx.Err() == nil {
			if len(ready) == 0 {
				if w.running == 0 {
					return
				}
				w.cond.Wait()
				continue
			}
			addr := ready[0]
			ready = ready[1:]
			ch := pending[addr]
			delete(pending, addr)
			if _, blocked := w.ready(ch); blocked {
				w.done[addr] = Skipped
				resolved(addr)
				continue
			}
			if !release.Releases(ch) {
				w.done[addr] = Held
				resolved(addr)
				continue
			}
			w.running++
			w.mu.Unlock()
			progress("%s %s ...", ch.Action, ch.Address)
			outcome, err := Applied, runSafely(runCtx, env, ch)
			if err != nil {
				outcome = Failed
			}
			w.mu.Lock()
			w.running--
			w.done[addr] = outcome
			if err != nil {
				if context.Cause(runCtx) == errDrained && errors.Is(err, context.Canceled) {
					err = fmt.Errorf("stopped in flight: %w; it may or may not have been made, and the next apply looks before making it again", errDrained)
				}
				var pe *PanicError
				if !errors.As(err, &pe) {
					err = awsx.Explain(err, "")
				}
				w.errs[addr] = err
				progress("%s %s failed: %v", ch.Action, ch.Address, err)
			} else {
				progress("%s %s done", ch.Action, ch.Address)
			}
			resolved(addr)
			w.cond.Broadcast()
		}
	}
	for range width {
		wg.Go(worker)
	}
	wg.Wait()
	w.mu.Lock()
	// What is left was not started: the run was stopped, or (which
	// Validate rules out) a dependency is missing.
	left := Skipped
	if ctx.Err() != nil {
		left = NotStarted
	}
	for addr := range pending {
		w.done[addr] = left
	}
	w.mu.Unlock()

	rep := Report{Recovered: env.Recoveries(), Stopped: ctx.Err() != nil}
	failed := 0
	var panicked *PanicError
	for _, ch := range p.Changes {
		if ch.Action == plan.NoOp {
			continue
		}
		res := Result{Address: ch.Address, Action: ch.Action.String(), Outcome: w.done[ch.Address]}
		if err := w.errs[ch.Address]; err != nil {
			res.Error = err.Error()
			failed++
			if panicked == nil {
				errors.As(err, &panicked)
			}
		}
		rep.Results = append(rep.Results, res)
	}
	var err error
	switch {
	case rep.Stopped && rep.Count(NotStarted)+failed > 0:
		err = fmt.Errorf("%w: %d applied, %d failed, %d not started; what was applied stays, and groundwork apply resumes from there",
			ErrStopped, rep.Count(Applied), failed, rep.Count(NotStarted))
	case failed > 0:
		err = fmt.Errorf("%w: %d of %d changes failed; fix the cause and run groundwork apply again", ErrIncomplete, failed, len(rep.Results))
	}
	if panicked != nil {
		err = errors.Join(err, panicked)
	}
	return rep, err
}

// runSafely applies ch, turning a panic into a *PanicError: one change's
// bug must not take down the changes in flight beside it.
func runSafely(ctx context.Context, env *kinds.Env, ch plan.Change) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Address: ch.Address, Value: v, Stack: debug.Stack()}
		}
	}()
	return runChange(ctx, env, ch)
}

// walk is the state of a run, guarded by mu.
type walk struct {
	mu      sync.Mutex
	cond    *sync.Cond
	done    map[string]Outcome
	errs    map[string]error
	running int
}

// ready reports whether every dependency of ch has been applied, and
// whether one of them ended in a way that blocks ch for good.
func (w *walk) ready(ch plan.Change) (ready, blocked bool) {
	ready = true
	for _, dep := range ch.DependsOn {
		switch w.done[dep] {
		case Applied:
		case "":
			ready = false
		default:
			return false, true
		}
	}
	return ready, false
}

func runChange(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k, ok := kinds.Lookup(ch.Kind)
	if !ok {
		return fmt.Errorf("unknown kind %q", ch.Kind)
	}
	return k.Apply(ctx, env, ch)
}

func sortedKeys(m map[string]plan.Change) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
