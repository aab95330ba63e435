//go:build !linux

package testenv

import "os/exec"

// stopWithParent has no portable equivalent outside Linux; the server is
// left for the OS to reap.
func stopWithParent(cmd *exec.Cmd) {}
