//go:build unix && !linux

package cli

import "syscall"

// childAttr is nil where the kernel has no parent-death signal: a child
// left by a killed parent finishes the verb it was running.
func childAttr() *syscall.SysProcAttr { return nil }
