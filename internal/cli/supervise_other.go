//go:build !unix

package cli

import "os"

// Supervise runs groundwork unsupervised where child processes cannot be
// handed extra descriptors; see supervise_unix.go.
func Supervise() (int, bool) { return 0, false }

// Stderr is os.Stderr; see supervise_unix.go.
func Stderr() *os.File { return os.Stderr }
