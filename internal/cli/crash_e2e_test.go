package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// buildGroundwork builds the groundwork binary into a temporary directory.
func buildGroundwork(t *testing.T) string {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "groundwork")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/groundwork")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKillNineThenResumeConverges kills the groundwork binary with
// SIGKILL at seeded random moments of a first apply, then applies again:
// every time the estate must be the one a fault-free apply makes, with no
// duplicate and no unnamed key. The moments are fractions of how long the
// fault-free apply took, so they fall anywhere from the first read to the
// last write.
func TestKillNineThenResumeConverges(t *testing.T) {
	m := testenv.Moto(t)
	want := referenceEstate(t, m)
	bin := buildGroundwork(t)
	// How long the binary takes for the whole apply, uninterrupted: the
	// window the kills fall in.
	m.Reset(t)
	full, err := startApply(bin, writeFaultSpec(t), m.Env())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := <-full.done; err != nil {
		t.Fatalf("the binary's apply: %v\n%s", err, full.out.String())
	}
	window := time.Since(start)
	rng := rand.New(rand.NewPCG(12, 0))
	for i := range reliabilityRuns(3, 20) {
		at := time.Duration(rng.Float64() * float64(window))
		t.Run(fmt.Sprintf("kill %d at %v of %v", i+1, at.Round(time.Millisecond), window.Round(time.Millisecond)), func(t *testing.T) {
			m.Reset(t)
			dir := writeFaultSpec(t)
			a, err := startApply(bin, dir, m.Env())
			if err != nil {
				t.Fatal(err)
			}
			killed := false
			select {
			case <-a.done:
			case <-time.After(at):
				killed = a.cmd.Process.Kill() == nil // SIGKILL: no handler runs
				<-a.done
			}
			// groundwork runs its verb in a child that dies with it; the
			// re-run starts once no process of the binary is left, as a
			// user's would.
			waitGone(t, bin)
			t.Logf("killed=%v, %d accounts made by then", killed, len(listAccounts(t, m)))
			m.Setenv(t)
			converge(t, dir)
			checkConverged(t, m, dir, want)
		})
	}
}

// runningApply is a groundwork apply running as its own process.
type runningApply struct {
	cmd  *exec.Cmd
	out  *strings.Builder
	done chan error
}

func startApply(bin, dir string, env []string) (*runningApply, error) {
	a := &runningApply{cmd: exec.Command(bin, "apply", "--auto-approve"), out: &strings.Builder{}, done: make(chan error, 1)}
	a.cmd.Dir, a.cmd.Env = dir, env
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { a.done <- a.cmd.Wait() }()
	return a, nil
}

// waitGone waits until no running process executes bin, for at most 10 s.
func waitGone(t *testing.T, bin string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		running := false
		procs, _ := filepath.Glob("/proc/[0-9]*/exe")
		for _, p := range procs {
			if exe, err := os.Readlink(p); err == nil && exe == bin {
				running = true
			}
		}
		if !running {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a process of %s still runs 10 s after the kill", bin)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
