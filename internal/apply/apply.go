package apply

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

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
}

// Outcome is what happened to one change.
type Outcome string

// The outcomes of a change.
const (
	Applied Outcome = "applied"
	Failed  Outcome = "failed"
	Held    Outcome = "held"    // needs --allow-delete
	Skipped Outcome = "skipped" // depends on a change that failed or was held
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

// Run applies the plan's changes. It returns an error wrapping
// ErrIncomplete when any change failed; held and skipped changes are not
// errors. Run is safe to call again with a fresh plan after any failure.
func Run(ctx context.Context, env *kinds.Env, p *plan.Plan, opts Options) (Report, error) {
	if err := p.Validate(); err != nil {
		return Report{}, err
	}
	width := opts.Width
	if width <= 0 {
		width = DefaultWidth
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
	w.mu.Lock()
	for len(pending) > 0 {
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
					progress("%s %s ...", ch.Action, ch.Address)
					err := runChange(ctx, env, ch)
					<-sem
					w.mu.Lock()
					defer w.mu.Unlock()
					w.running--
					if err != nil {
						w.done[ch.Address] = Failed
						w.errs[ch.Address] = awsx.Explain(err, "")
						progress("%s %s failed: %v", ch.Action, ch.Address, err)
					} else {
						w.done[ch.Address] = Applied
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

	rep := Report{Recovered: env.Recoveries()}
	failed := 0
	for _, ch := range p.Changes {
		if ch.Action == plan.NoOp {
			continue
		}
		res := Result{Address: ch.Address, Action: ch.Action.String(), Outcome: w.done[ch.Address]}
		if err := w.errs[ch.Address]; err != nil {
			res.Error = err.Error()
			failed++
		}
		rep.Results = append(rep.Results, res)
	}
	if failed > 0 {
		return rep, fmt.Errorf("%w: %d of %d changes failed; fix the cause and run groundwork apply again", ErrIncomplete, failed, len(rep.Results))
	}
	return rep, nil
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
