package cli

import "syscall"

// childAttr makes the kernel kill Supervise's child when the parent dies:
// a `kill -9` of groundwork (or of its terminal's session) must stop the
// verb, not leave it running unseen.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
