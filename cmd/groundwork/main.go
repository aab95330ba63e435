// Command groundwork builds, keeps in shape and audits a secure
// multi-account AWS foundation. See the README.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/groundwork-aws/groundwork/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	info, _ := os.Stderr.Stat()
	interactive := info != nil && info.Mode()&os.ModeCharDevice != 0
	code := cli.Main(ctx, os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Interactive: interactive})
	stop()
	os.Exit(code)
}
