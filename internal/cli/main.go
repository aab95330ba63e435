package cli

import (
	_ "github.com/groundwork-aws/groundwork/internal/layer/all" // every layer of the foundation

	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// Exit codes, stable and documented in the README.
const (
	ExitOK       = 0 // success; for plan --detailed-exitcode: no changes
	ExitError    = 1 // any error: bad spec, bad flags, AWS failure, incomplete apply
	ExitChanges  = 2 // plan --detailed-exitcode: the plan has changes
	ExitFindings = 3 // audit: findings at or above --fail-on
	// ExitIncomplete: audit could not read everything and no finding
	// failed it first; --allow-partial turns it off.
	ExitIncomplete = 4
	// ExitInternal is a bug in groundwork (a panic): 70 is EX_SOFTWARE of
	// sysexits.h. A run stopped by a signal exits 128 plus its number:
	// 130 for SIGINT, 143 for SIGTERM (Interrupted.ExitCode).
	ExitInternal = 70
)

// exitError carries an exit code other than ExitError through cobra.
type exitError struct {
	code int
	err  error // nil when the command already printed what it had to say
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// IO is where a run reads and writes.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// Interactive says stderr is a terminal: progress is shown only then.
	Interactive bool
}

// globals are the flags every verb takes.
type globals struct {
	profile, region, config, logLevel string
	stats                             bool
	// concurrency is --concurrency: calls in flight per API and changes
	// at once; 0 adapts (awsx.AdaptiveStart).
	concurrency int
	counter     *awsx.Counter
	io          IO
	log         *slog.Logger

	// timeout is --timeout; timer cancels the run with cancel when it
	// passes. grace is how long the verb has to return after a stop, in
	// nanoseconds (setGrace).
	timeout time.Duration
	timer   *time.Timer
	cancel  context.CancelCauseFunc
	grace   atomic.Int64
	// cutoff names the AWS call a stop cut off.
	cutoff cutoff
	// id is who the credentials are, once asked (whoami).
	id *identity
}

// Main runs groundwork with args (without the program name) and returns
// the process exit code.
func Main(ctx context.Context, args []string, stdio IO) (code int) {
	g := &globals{io: stdio, counter: &awsx.Counter{}}
	g.setGrace(stopGrace)
	ctx, g.cancel = context.WithCancelCause(ctx)
	defer g.cancel(nil)
	defer func() {
		if g.timer != nil {
			g.timer.Stop()
		}
	}()
	root := newRoot(g)
	root.SetArgs(args)
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	err := g.execute(ctx, root)
	if c, ok := stopCode(context.Cause(ctx), err, g.cutoff.call(), g.profile, stdio.Err); ok {
		code = c
	} else {
		code = exitCode(err, g.profile, stdio.Err)
	}
	if g.stats {
		g.counter.Print(stdio.Err)
	}
	return code
}

// exitCode prints err, explained (awsx.Explain) when it is an AWS
// error the user can act on, and returns the exit code it means.
func exitCode(err error, profile string, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var ie *internalError
	if errors.As(err, &ie) {
		reportInternal(stderr, fmt.Sprint(ie.value), ie.stack)
		return ExitInternal
	}
	var pe *apply.PanicError
	if errors.As(err, &pe) {
		reportInternal(stderr, pe.Error(), pe.Stack)
		return ExitInternal
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "error: %v\n", awsx.Explain(ee.err, profile))
		}
		return ee.code
	}
	var diags spec.Diagnostics
	if errors.As(err, &diags) {
		fmt.Fprintln(stderr, diags.Error())
		fmt.Fprintf(stderr, "%d problem(s) in the spec; nothing was sent to AWS\n", len(diags))
		return ExitError
	}
	fmt.Fprintf(stderr, "error: %v\n", awsx.Explain(err, profile))
	return ExitError
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "groundwork",
		Short: "Build, keep in shape and audit a secure multi-account AWS foundation",
		Long: `groundwork builds, keeps in shape and audits a secure multi-account AWS
foundation from one reviewed file, foundation.yaml: naming conventions and
Regions, the OU tree and accounts, guardrail and tag policies, trusted
access and delegated administrators, alternate contacts, central logging
(organization trail, Config everywhere), alerting, billing and hardening.`,
		Example: `  groundwork init --org-id primary --domain example.com --home-region us-east-1 --regions us-east-1,eu-west-1
  groundwork validate
  groundwork plan --out plan.json
  groundwork apply plan.json
  groundwork audit --fail-on high`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
				return fmt.Errorf("--log-level %q: want debug, info, warn or error", g.logLevel)
			}
			g.log = slog.New(slog.NewTextHandler(g.io.Err, &slog.HandlerOptions{Level: level}))
			if g.concurrency < 0 {
				return fmt.Errorf("--concurrency %d: want 0 (adapt) or more", g.concurrency)
			}
			if g.timeout < 0 {
				return fmt.Errorf("--timeout %s: want a duration of 0 (none) or more", g.timeout)
			}
			g.startTimeout()
			if crashHook != nil {
				crashHook()
			}
			return spec.CheckRegions("--region", []string{g.region})
		},
	}
	f := root.PersistentFlags()
	f.StringVar(&g.profile, "profile", os.Getenv("AWS_PROFILE"), "AWS shared config profile (or SSO session profile) to use")
	f.StringVar(&g.region, "region", "", "AWS Region for API calls (default: the credential chain's Region, else us-east-1)")
	f.StringVarP(&g.config, "config", "f", "foundation.yaml", "path of the spec file")
	f.BoolVar(&g.stats, "stats", false, "print AWS API call counts by service and operation to stderr when done")
	f.StringVar(&g.logLevel, "log-level", "warn", "log level: debug, info, warn or error")
	f.IntVar(&g.concurrency, "concurrency", 0, "calls in flight at once per AWS API and account, and changes apply makes at once; 0: adapt each API's width to its throttling")
	f.DurationVar(&g.timeout, "timeout", 0, "stop after this long (e.g. 30m); apply finishes the changes in flight first. 0: no limit")
	root.AddCommand(newVersion(g), newInit(g), newValidate(g), newPlan(g), newApply(g), newAudit(g), newImport(g), newFilter(g), newChecklist(g), newProfiles(g))
	return root
}

// progress prints progress on stderr when it is a terminal, and logs it at
// debug level otherwise.
func (g *globals) progress(format string, args ...any) {
	if g.io.Interactive {
		fmt.Fprintf(g.io.Err, "  ... "+format+"\n", args...)
		return
	}
	if g.log != nil {
		g.log.Debug(fmt.Sprintf(format, args...))
	}
}

// session opens the AWS session for the management account.
func (g *globals) session(ctx context.Context, accessRole string) (*awsx.Session, error) {
	s, err := awsx.Load(ctx, awsx.Options{Profile: g.profile, Region: g.region, Counter: g.counter, AccessRole: accessRole, Concurrency: g.concurrency})
	if err != nil {
		return nil, err
	}
	// Before any client is built from it: every client then reports the
	// call a stop cuts off.
	s.Base.APIOptions = append(s.Base.APIOptions, g.cutoff.middleware)
	return s, nil
}

// outputFlag adds --output/-o with the given formats.
func outputFlag(cmd *cobra.Command, target *string) {
	cmd.Flags().StringVarP(target, "output", "o", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
}

func checkOutput(o string) error {
	switch strings.ToLower(o) {
	case "text", "json":
		return nil
	}
	return fmt.Errorf("--output %q: want text or json", o)
}
