package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/awsx"
)

// Interrupted is the cause of a run cancelled by a signal.
type Interrupted struct{ Signal os.Signal }

func (e *Interrupted) Error() string { return "interrupted by " + signalName(e.Signal) }

// ExitCode is the shell's convention for a process ended by a signal:
// 128 plus its number, 130 for SIGINT (Ctrl-C) and 143 for SIGTERM.
func (e *Interrupted) ExitCode() int {
	if s, ok := e.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + int(syscall.SIGINT)
}

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// NotifyContext returns a context that the first SIGINT or SIGTERM
// cancels with an *Interrupted cause. Further signals are swallowed until
// stop is called: the run is already stopping, and a stopping apply
// finishes the changes in flight (for at most apply's drain) rather than
// leaving them cut in half.
func NotifyContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			cancel(&Interrupted{Signal: s})
		case <-done:
			return
		}
		for {
			select {
			case <-sigs:
			case <-done:
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// TimeoutError is the cause of a run cancelled by --timeout.
type TimeoutError struct{ After time.Duration }

func (e *TimeoutError) Error() string { return fmt.Sprintf("--timeout %s passed", e.After) }

// How long a verb has to return once its run is stopped. Reads and
// writes follow their context and return at once; a verb blocked where
// no context reaches (a parse of a large input, a read of standard input
// for the confirmation) is abandoned after stopGrace. A running apply
// waits for its changes in flight instead: applyGrace beyond its drain.
const (
	stopGrace  = time.Second
	applyGrace = 5 * time.Second
)

// startTimeout cancels the run with a *TimeoutError after --timeout.
func (g *globals) startTimeout() {
	if g.timeout > 0 {
		g.timer = time.AfterFunc(g.timeout, func() { g.cancel(&TimeoutError{After: g.timeout}) })
	}
}

// execute runs the command and returns its error. When ctx ends first it
// waits the verb's grace for the verb to return, and then returns ctx's
// cause without it: main exits, which ends what is still running. A
// panic of the verb is returned as an *internalError.
func (g *globals) execute(ctx context.Context, root *cobra.Command) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- newInternalError(v)
			}
		}()
		done <- root.ExecuteContext(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	t := time.NewTimer(time.Duration(g.grace.Load()))
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return context.Cause(ctx)
	}
}

// setGrace sets how long the verb has to return after a stop, from now on.
func (g *globals) setGrace(d time.Duration) { g.grace.Store(int64(d)) }

// stopCode reports whether a signal or --timeout (cause) stopped a run
// that ended with err; if so it prints what the run was doing (cut, the
// AWS call the stop cut off, when there was one) and returns the exit
// code. A run that finished in spite of a late stop was
// not stopped.
func stopCode(cause, err error, cut, profile string, stderr io.Writer) (int, bool) {
	if err == nil {
		return 0, false
	}
	var intr *Interrupted
	var to *TimeoutError
	code := ExitError
	switch {
	case errors.As(cause, &intr):
		code = intr.ExitCode()
	case errors.As(cause, &to):
	default:
		return 0, false
	}
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, cause) {
		// What the verb had to say (apply's count of what it did and did
		// not do) comes first.
		fmt.Fprintf(stderr, "error: %v\n", awsx.Explain(err, profile))
	}
	line := cause.Error()
	if cut != "" {
		line += " while waiting for " + cut
	} else if p := awsx.Classify(err); p.Operation != "" {
		line += " while waiting for " + p.Service + " " + p.Operation
		if p.Endpoint != "" {
			line += " at " + p.Endpoint
		}
	}
	if to != nil {
		line = "error: " + line
	}
	fmt.Fprintln(stderr, line+"; groundwork stopped")
	return code, true
}
