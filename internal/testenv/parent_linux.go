package testenv

import (
	"os/exec"
	"syscall"
)

// stopWithParent asks the kernel to kill the server when the test binary
// exits, however it exits.
func stopWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
