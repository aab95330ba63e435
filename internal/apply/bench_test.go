package apply_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// instantKind applies nothing, after a pause short beside AWS's tens of
// milliseconds, so that changes end one by one as they do against AWS:
// what the walk costs by itself.
const instantKind = "test-instant"

func init() {
	kinds.Register(kinds.Registration{
		Name:  instantKind,
		Diff:  func(_, _ *estate.Estate) ([]plan.Change, []string) { return nil, nil },
		Apply: func(context.Context, *kinds.Env, plan.Change) error { time.Sleep(20 * time.Microsecond); return nil },
	})
}

// BenchmarkRunWalk is the dependency walk alone over the baselines of
// many accounts: per account a role, three changes that need it and one
// that needs those three, as the logging and hardening layers plan them
// (docs/benchmarks.md, "The apply walk"). Its time must grow with the
// number of changes, not with its square.
func BenchmarkRunWalk(b *testing.B) {
	for _, accounts := range []int{100, 1000, 10000} {
		var changes []plan.Change
		for a := range accounts {
			role := fmt.Sprintf("account/%05d/role", a)
			changes = append(changes, plan.Change{Address: role, Kind: instantKind, Action: plan.Create})
			var mid []string
			for i := range 3 {
				addr := fmt.Sprintf("account/%05d/setting-%d", a, i)
				mid = append(mid, addr)
				changes = append(changes, plan.Change{Address: addr, Kind: instantKind, Action: plan.Create, DependsOn: []string{role}})
			}
			changes = append(changes, plan.Change{Address: fmt.Sprintf("account/%05d/last", a), Kind: instantKind, Action: plan.Create, DependsOn: mid})
		}
		p := &plan.Plan{FormatVersion: plan.FormatVersion, Changes: changes}
		b.Run(fmt.Sprintf("changes=%d", len(changes)), func(b *testing.B) {
			for range b.N {
				rep, err := apply.Run(context.Background(), &kinds.Env{}, p, apply.Options{})
				if err != nil || rep.Count(apply.Applied) != len(changes) {
					b.Fatalf("applied %d of %d: %v", rep.Count(apply.Applied), len(changes), err)
				}
			}
		})
	}
}
