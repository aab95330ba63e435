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

// DefaultWidth is how many changes run at once. Organizations throttles
// writes harder than reads and runs only a few account creations at a time
// per organization, so four in flight is as fast as it gets without
// trading speed for throttling retries.
const DefaultWidth = 4

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
		width = DefaultWidth
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
	sem := make(chan struct{}, width)
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

	w.mu.Lock()
	for len(pending) > 0 {
		if ctx.Err() != nil {
			for addr := range pending {
				w.done[addr] = NotStarted
				delete(pending, addr)
			}
			break
		}
		started := false
		for _, addr := range sortedKeys(pending) {
			ch := pending[addr]
			ready, blocked := w.ready(ch)
			switch {
			case blocked:
				w.done[addr] = Skipped
				delete(pending, addr)
				started = true
			case !ready:
			case !(plan.Release{AllowDelete: opts.AllowDelete, Confirmed: opts.Confirmed}).Releases(ch):
				w.done[addr] = Held
				delete(pending, addr)
				started = true
			default:
				delete(pending, addr)
				started = true
				w.running++
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					var err error
					outcome := NotStarted
					if ctx.Err() == nil { // the stop came while it waited for a turn
						progress("%s %s ...", ch.Action, ch.Address)
						outcome, err = Applied, runSafely(runCtx, env, ch)
						if err != nil {
							outcome = Failed
						}
					}
					<-sem
					w.mu.Lock()
					defer w.mu.Unlock()
					w.running--
					w.done[ch.Address] = outcome
					switch {
					case outcome == NotStarted:
					case err != nil:
						if context.Cause(runCtx) == errDrained && errors.Is(err, context.Canceled) {
							err = fmt.Errorf("stopped in flight: %w; it may or may not have been made, and the next apply looks before making it again", errDrained)
						}
						var pe *PanicError
						if !errors.As(err, &pe) {
							err = awsx.Explain(err, "")
						}
						w.errs[ch.Address] = err
						progress("%s %s failed: %v", ch.Action, ch.Address, err)
					default:
						progress("%s %s done", ch.Action, ch.Address)
					}
					w.cond.Broadcast()
				}()
			}
		}
		if !started {
			if w.running == 0 {
				// Nothing runs and nothing can start: a dependency is
				// missing, which Validate rules out.
				for addr := range pending {
					w.done[addr] = Skipped
					delete(pending, addr)
				}
				break
			}
			w.cond.Wait()
		}
	}
	w.mu.Unlock()
	wg.Wait()

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
