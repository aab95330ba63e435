package cli

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A process that exited but was not reaped yet (the child of an apply
// killed with kill -9, before init reaps it) does not hold a lease.
func TestProcessRunningTellsZombies(t *testing.T) {
	if !processRunning(os.Getpid()) {
		t.Fatalf("this process is not running")
	}
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait() //nolint:errcheck // reaps it
	pid := cmd.Process.Pid
	for deadline := time.Now().Add(10 * time.Second); ; {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'Z' {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d did not become a zombie: %s", pid, b)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if processRunning(pid) {
		t.Errorf("a zombie counts as running")
	}
}
