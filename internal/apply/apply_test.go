package apply_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// recorderKind is a kind that exists only in this test binary. Its Apply
// hands each change to the recorder the test put in the context.
const recorderKind = "test-recorder"

type recorderKey struct{}

func init() {
	kinds.Register(kinds.Registration{
		Name: recorderKind,
		Diff: func(_, _ *estate.Estate) ([]plan.Change, []string) { return nil, nil },
		Apply: func(ctx context.Context, _ *kinds.Env, ch plan.Change) error {
			r, ok := ctx.Value(recorderKey{}).(*recorder)
			if !ok {
				return errors.New("no recorder in the context")
			}
			return r.apply(ch)
		},
	})
}

var errInjected = errors.New("injected failure")

// recorder records the changes applied, in the order they finished, and
// how many ran at once.
type recorder struct {
	fail map[string]bool // addresses whose Apply fails
	// hook, when set, runs at the start of every Apply.
	hook func(ch plan.Change)
	// overlap is a tiny pause inside Apply so that concurrent changes
	// overlap.
	overlap time.Duration

	running, maxRunning atomic.Int32

	mu         sync.Mutex
	finished   []string
	done       map[string]bool
	noop       map[string]bool // no-op addresses: never applied, never waited for
	violations []string
}

func (r *recorder) apply(ch plan.Change) error {
	n := r.running.Add(1)
	defer r.running.Add(-1)
	for m := r.maxRunning.Load(); n > m && !r.maxRunning.CompareAndSwap(m, n); m = r.maxRunning.Load() {
	}
	r.mu.Lock()
	for _, dep := range ch.DependsOn {
		if !r.done[dep] && !r.noop[dep] {
			r.violations = append(r.violations, fmt.Sprintf("%s started before %s was done", ch.Address, dep))
		}
	}
	r.mu.Unlock()
	if r.hook != nil {
		r.hook(ch)
	}
	time.Sleep(r.overlap)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished = append(r.finished, ch.Address)
	if r.fail[ch.Address] {
		return fmt.Errorf("apply %s: %w", ch.Address, errInjected)
	}
	r.done[ch.Address] = true
	return nil
}

func change(addr string, deps ...string) plan.Change {
	return plan.Change{Address: addr, Kind: recorderKind, Action: plan.Create, DependsOn: deps}
}

func newPlan(changes ...plan.Change) *plan.Plan {
	return &plan.Plan{FormatVersion: plan.FormatVersion, Changes: changes}
}

// run applies p with the recorder and returns each change's outcome.
func run(ctx context.Context, t *testing.T, r *recorder, p *plan.Plan, opts apply.Options) (map[string]apply.Outcome, apply.Report, error) {
	t.Helper()
	r.done, r.noop = map[string]bool{}, map[string]bool{}
	for _, ch := range p.Changes {
		if ch.Action == plan.NoOp {
			r.noop[ch.Address] = true
		}
	}
	rep, err := apply.Run(context.WithValue(ctx, recorderKey{}, r), &kinds.Env{}, p, opts)
	out := map[string]apply.Outcome{}
	for _, res := range rep.Results {
		out[res.Address] = res.Outcome
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.violations {
		t.Error(v)
	}
	return out, rep, err
}

func TestRunRespectsDependencies(t *testing.T) {
	// a -> {b, c} -> d, and e on its own; f waits on a no-op.
	p := newPlan(
		change("x/d", "x/b", "x/c"),
		change("x/b", "x/a"),
		change("x/c", "x/a"),
		change("x/a"),
		change("x/e"),
		plan.Change{Address: "x/n", Kind: recorderKind, Action: plan.NoOp},
		change("x/f", "x/n"),
	)
	r := &recorder{overlap: time.Millisecond}
	got, _, err := run(context.Background(), t, r, p, apply.Options{Width: 4})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	want := map[string]apply.Outcome{"x/a": apply.Applied, "x/b": apply.Applied, "x/c": apply.Applied,
		"x/d": apply.Applied, "x/e": apply.Applied, "x/f": apply.Applied}
	if !maps.Equal(got, want) {
		t.Errorf("outcomes %v, want %v (no-ops are not reported)", got, want)
	}
	if len(r.finished) != 6 {
		t.Errorf("applied %v, want 6 changes each once", r.finished)
	}
}

func TestRunWidth(t *testing.T) {
	tests := map[string]struct{ width, changes, want int }{
		"one at a time": {width: 1, changes: 12, want: 1},
		"three at once": {width: 3, changes: 12, want: 3},
		"default width": {width: 0, changes: 12, want: apply.DefaultWidth},
		// A large plan spreads over many accounts: one more at once
		// for every ChangesPerSlot changes, up to MaxDefaultWidth.
		"default width of a larger plan": {width: 0, changes: 20 * apply.ChangesPerSlot, want: 20},
		"default width of a large plan":  {width: 0, changes: 100 * apply.ChangesPerSlot, want: apply.MaxDefaultWidth},
		"a width given for a large plan": {width: 5, changes: 100 * apply.ChangesPerSlot, want: 5},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var changes []plan.Change
			for i := range tt.changes {
				changes = append(changes, change(fmt.Sprintf("x/%04d", i)))
			}
			// Each Apply waits (briefly) until the expected number run at
			// once, so the test does not depend on scheduling luck; an
			// executor narrower than want gives up waiting and fails.
			r := &recorder{overlap: time.Millisecond}
			deadline := time.Now().Add(2 * time.Second)
			r.hook = func(plan.Change) {
				for r.maxRunning.Load() < int32(tt.want) && time.Now().Before(deadline) {
					time.Sleep(100 * time.Microsecond)
				}
			}
			_, rep, err := run(context.Background(), t, r, newPlan(changes...), apply.Options{Width: tt.width})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if n := rep.Count(apply.Applied); n != tt.changes {
				t.Errorf("%d applied, want %d", n, tt.changes)
			}
			if got := r.maxRunning.Load(); got != int32(tt.want) {
				t.Errorf("at most %d changes ran at once, want %d", got, tt.want)
			}
		})
	}
}

func TestRunFailureSkipsDependentsOnly(t *testing.T) {
	p := newPlan(
		change("x/a"),
		change("x/b", "x/a"),
		change("x/c", "x/b"), // transitively downstream
		change("x/d"),
		change("x/e", "x/d"),
	)
	r := &recorder{fail: map[string]bool{"x/a": true}}
	got, rep, err := run(context.Background(), t, r, p, apply.Options{Width: 2})
	if !errors.Is(err, apply.ErrIncomplete) {
		t.Fatalf("error %v, want one wrapping ErrIncomplete", err)
	}
	want := map[string]apply.Outcome{"x/a": apply.Failed, "x/b": apply.Skipped, "x/c": apply.Skipped,
		"x/d": apply.Applied, "x/e": apply.Applied}
	if !maps.Equal(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	for _, res := range rep.Results {
		if (res.Error != "") != (res.Outcome == apply.Failed) {
			t.Errorf("%s: outcome %s with error %q", res.Address, res.Outcome, res.Error)
		}
		if res.Outcome == apply.Failed && !strings.Contains(res.Error, errInjected.Error()) {
			t.Errorf("%s: error %q does not say why", res.Address, res.Error)
		}
	}
	for _, addr := range r.finished {
		if addr == "x/b" || addr == "x/c" {
			t.Errorf("%s was applied although it depends on a failed change", addr)
		}
	}
}

func TestRunAllowDelete(t *testing.T) {
	deleteChange := func(addr string, deps ...string) plan.Change {
		ch := change(addr, deps...)
		ch.Action, ch.NeedsAllowDelete = plan.Delete, true
		return ch
	}
	p := newPlan(
		deleteChange("x/child"),
		deleteChange("x/parent", "x/child"),
		change("x/after", "x/parent"),
		change("x/other"),
	)
	tests := map[string]struct {
		allow bool
		want  map[string]apply.Outcome
	}{
		"held without allow-delete": {allow: false, want: map[string]apply.Outcome{
			"x/child": apply.Held, "x/parent": apply.Skipped, "x/after": apply.Skipped, "x/other": apply.Applied}},
		"applied with allow-delete": {allow: true, want: map[string]apply.Outcome{
			"x/child": apply.Applied, "x/parent": apply.Applied, "x/after": apply.Applied, "x/other": apply.Applied}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := &recorder{}
			got, _, err := run(context.Background(), t, r, p, apply.Options{AllowDelete: tt.allow})
			if err != nil {
				t.Fatalf("run: %v (held and skipped changes are not errors)", err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("outcomes %v, want %v", got, tt.want)
			}
			applied := 0
			for _, o := range tt.want {
				if o == apply.Applied {
					applied++
				}
			}
			if len(r.finished) != applied {
				t.Errorf("kind applied %v, want %d changes", r.finished, applied)
			}
		})
	}
}

func TestRunCancelStopsNewWork(t *testing.T) {
	var changes []plan.Change
	for i := range 6 {
		changes = append(changes, change(fmt.Sprintf("x/%d", i)))
	}
	changes = append(changes, change("x/later", "x/0"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &recorder{hook: func(plan.Change) { cancel() }}
	got, rep, err := run(ctx, t, r, newPlan(changes...), apply.Options{Width: 1})
	if !errors.Is(err, apply.ErrStopped) {
		t.Fatalf("error %v, want one wrapping ErrStopped", err)
	}
	if !rep.Stopped {
		t.Error("the report does not say the run was stopped")
	}
	if len(r.finished) != 1 {
		t.Fatalf("kind applied %v after the context was cancelled by the first change", r.finished)
	}
	first := r.finished[0]
	for _, res := range rep.Results {
		switch {
		case res.Address == first:
			if res.Outcome != apply.Applied {
				t.Errorf("%s: %s, want applied (it was in flight at the stop, and finished)", first, res.Outcome)
			}
		case res.Outcome != apply.NotStarted || res.Error != "":
			t.Errorf("%s: %s %q, want not started", res.Address, res.Outcome, res.Error)
		}
	}
	if len(got) != len(changes) {
		t.Errorf("%d outcomes, want %d", len(got), len(changes))
	}
}

func TestRunRejectsInvalidPlan(t *testing.T) {
	r := &recorder{}
	_, _, err := run(context.Background(), t, r, newPlan(change("x/a", "x/missing")), apply.Options{})
	if err == nil || !strings.Contains(err.Error(), "x/missing") {
		t.Fatalf("error %v, want one naming the missing dependency", err)
	}
	if len(r.finished) != 0 {
		t.Errorf("applied %v from an invalid plan", r.finished)
	}
}
