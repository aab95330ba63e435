//go:build unix

package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// processRunning reports whether a process of this machine runs: signal
// 0 checks without sending anything. A zombie (exited, not yet reaped: an
// apply killed with kill -9 whose parent is gone, until init reaps it)
// holds its PID but runs nothing.
func processRunning(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return (err == nil || errors.Is(err, syscall.EPERM)) && !zombie(pid)
}

// zombie reports whether pid has exited and waits to be reaped, where
// /proc tells (Linux); elsewhere it reports false.
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// "PID (COMMAND) STATE ...": the command may hold spaces and
	// parentheses, so the state follows the last ')'.
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'Z'
}
