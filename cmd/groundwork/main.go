// Command groundwork builds, keeps in shape and audits a secure
// multi-account AWS foundation. See the README.
package main

import (
	"context"
	"os"

	"github.com/groundwork-aws/groundwork/internal/cli"
)

func main() {
	// A crash in any goroutine ends a process before it can say anything
	// useful: groundwork runs itself as a child and reports the child's
	// crash as an internal error (cli.Supervise).
	if code, ok := cli.Supervise(); ok {
		os.Exit(code)
	}
	stderr := cli.Stderr()
	ctx, stop := cli.NotifyContext(context.Background())
	info, _ := stderr.Stat()
	interactive := info != nil && info.Mode()&os.ModeCharDevice != 0
	code := cli.Main(ctx, os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: stderr, Interactive: interactive})
	stop()
	os.Exit(code)
}
