package cli

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

// ReportURL is where users report groundwork's bugs.
const ReportURL = "https://github.com/groundwork-aws/groundwork/issues"

// crashHook, when set, runs before every verb: the tests' way of making
// groundwork panic (crashhook.go, built with -tags crashtest, sets it from
// the environment for the tests of the built binary).
var crashHook func()

// internalError is a panic of the verb: a bug in groundwork.
type internalError struct {
	value any
	stack []byte
}

func newInternalError(v any) *internalError {
	return &internalError{value: v, stack: debug.Stack()}
}

func (e *internalError) Error() string { return fmt.Sprintf("internal error: %v", e.value) }

// reportInternal tells the user that groundwork hit a bug, where to
// report it, and where the details (the stack, which no user should have
// to read on their terminal) were saved.
func reportInternal(stderr io.Writer, what string, details []byte) {
	fmt.Fprintf(stderr, "internal error: %s\n", firstLine(what))
	fmt.Fprintf(stderr, "  groundwork stopped on a bug of its own, not of your spec or of AWS; please report it at %s", ReportURL)
	if path := saveCrash(what, details); path != "" {
		fmt.Fprintf(stderr, ",\n  attaching %s (where it stopped; it holds no credentials)", path)
	}
	fmt.Fprintln(stderr, ".\n  Running groundwork again is safe: apply resumes from what exists.")
}

// saveCrash writes the details of a crash to a new file in the temporary
// directory and returns its path, "" when it cannot.
func saveCrash(what string, details []byte) string {
	f, err := os.CreateTemp("", "groundwork-crash-*.txt")
	if err != nil {
		return ""
	}
	defer f.Close()
	fmt.Fprintf(f, "groundwork %s %s/%s %s\n\n%s\n\n%s", groundworkVersion(), runtime.GOOS, runtime.GOARCH, runtime.Version(), what, details)
	return f.Name()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
