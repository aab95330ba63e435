package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A kill -9 of groundwork stops what it was doing: the supervising parent
// is the process the user sees, and its child, which runs the verb, must
// not go on alone (an apply would keep writing after the user killed it).
// The child is held in the read of a FIFO, where nothing else would end it.
func TestKillNineStopsTheChild(t *testing.T) {
	p, w := startBlockedInRead(t)
	defer w.Close()
	child := childOf(t, p.cmd.Process.Pid)
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// The child's end of the stderr pipe closes when it exits. The bound
	// only keeps a failing test from hanging; a living child is killed.
	ended := make(chan struct{})
	go func() {
		for range p.lines {
		}
		close(ended)
	}()
	select {
	case <-ended:
	case <-time.After(30 * time.Second):
		syscall.Kill(child, syscall.SIGKILL)
		t.Fatalf("groundwork's child %d still runs 30 s after its parent was killed", child)
	}
	p.cmd.Wait()
}

// childOf returns the one child of pid, waiting for it to start. Linux
// lists a child under the thread that started it, any of pid's.
func childOf(t *testing.T, pid int) int {
	t.Helper()
	tasks := filepath.Join("/proc", strconv.Itoa(pid), "task")
	for range 100 {
		children, err := filepath.Glob(filepath.Join(tasks, "*", "children"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range children {
			b, _ := os.ReadFile(path) // a thread may end meanwhile
			if f := strings.Fields(string(b)); len(f) > 0 {
				c, err := strconv.Atoi(f[0])
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("groundwork (pid %d) started no child", pid)
	return 0
}
