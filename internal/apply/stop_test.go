package apply_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// Kinds that exist only in this test binary: one whose Apply runs until
// its context ends, telling the test it started; one whose Apply panics.
const (
	blockerKind  = "test-blocker"
	panickerKind = "test-panicker"
)

type startedKey struct{}

func init() {
	kinds.Register(kinds.Registration{
		Name: blockerKind,
		Diff: func(_, _ *estate.Estate) ([]plan.Change, []string) { return nil, nil },
		Apply: func(ctx context.Context, _ *kinds.Env, ch plan.Change) error {
			ctx.Value(startedKey{}).(chan string) <- ch.Address
			<-ctx.Done()
			return ctx.Err()
		},
	})
	kinds.Register(kinds.Registration{
		Name: panickerKind,
		Diff: func(_, _ *estate.Estate) ([]plan.Change, []string) { return nil, nil },
		Apply: func(context.Context, *kinds.Env, plan.Change) error {
			var m map[string]int
			m["boom"]++ // a nil map write: the kind of bug a panic is
			return nil
		},
	})
}

// A change still in flight when the drain after a stop runs out is
// cancelled and reported as stopped in flight; the changes not started
// are not started.
func TestRunDrainBoundsChangesInFlight(t *testing.T) {
	block := change("x/block")
	block.Kind = blockerKind
	started := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), startedKey{}, started))
	defer cancel()
	go func() {
		<-started
		cancel()
	}()
	p := newPlan(block, change("x/after", "x/block"), change("x/other", "x/after"))
	rep, err := apply.Run(ctx, &kinds.Env{}, p, apply.Options{Width: 1, Drain: 1})
	if !errors.Is(err, apply.ErrStopped) {
		t.Fatalf("error %v, want ErrStopped", err)
	}
	want := map[string]apply.Outcome{"x/block": apply.Failed, "x/after": apply.NotStarted, "x/other": apply.NotStarted}
	for _, res := range rep.Results {
		if res.Outcome != want[res.Address] {
			t.Errorf("%s: %s, want %s", res.Address, res.Outcome, want[res.Address])
		}
		if res.Address == "x/block" && !strings.Contains(res.Error, "stopped in flight") {
			t.Errorf("the change cut off by the drain says %q", res.Error)
		}
	}
}

// A change whose apply panics fails as an internal error; the others run,
// and Run's error carries the panic for the command to report.
func TestRunRecoversPanics(t *testing.T) {
	bad := change("x/bad")
	bad.Kind = panickerKind
	r := &recorder{}
	got, rep, err := run(context.Background(), t, r, newPlan(bad, change("x/good"), change("x/after", "x/bad")), apply.Options{})
	var pe *apply.PanicError
	if !errors.As(err, &pe) || pe.Address != "x/bad" || len(pe.Stack) == 0 {
		t.Fatalf("error %v, want a PanicError for x/bad with its stack", err)
	}
	if !errors.Is(err, apply.ErrIncomplete) {
		t.Errorf("error %v does not say the apply is incomplete", err)
	}
	if got["x/good"] != apply.Applied || got["x/bad"] != apply.Failed || got["x/after"] != apply.Skipped {
		t.Errorf("outcomes %v", got)
	}
	for _, res := range rep.Results {
		if res.Address == "x/bad" && !strings.Contains(res.Error, "internal error applying x/bad: assignment to entry in nil map") {
			t.Errorf("x/bad error %q", res.Error)
		}
	}
}
