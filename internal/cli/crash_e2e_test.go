package cli

import (
	"math/rand/v2"
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
	rng := rand.New(rand.NewPCG(12, 0))
	for i := range reliabilityRuns(3, 20) {
		at := time.Duration(rng.Float64() * float64(reference.took))
		t.Run("kill at "+at.Round(time.Millisecond).String(), func(t *testing.T) {
			m.Reset(t)
			dir := writeFaultSpec(t)
			cmd := exec.Command(bin, "apply", "--auto-approve")
			cmd.Dir, cmd.Env = dir, m.Env()
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			killed := false
			select {
			case <-done:
			case <-time.After(at):
				killed = cmd.Process.Kill() == nil // SIGKILL: no handler runs
				<-done
			}
			t.Logf("kill %d: killed=%v after %v, %d accounts made by then", i+1, killed, at, len(listAccounts(t, m)))
			m.Setenv(t)
			converge(t, dir)
			checkConverged(t, m, dir, want)
		})
	}
}
