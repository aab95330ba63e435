package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

func newApply(g *globals) *cobra.Command {
	var (
		output             string
		autoApprove, allow bool
		confirmed          = confirmationFlags{}
		drain              time.Duration
		forceUnlock        bool
	)
	cmd := &cobra.Command{
		Use:   "apply [plan.json]",
		Short: "Make the live organization match the spec",
		Long: `apply computes the plan (or reads one saved with plan --out), shows it,
asks for confirmation unless --auto-approve is given, then carries it out
in dependency order, several changes at once. It is safe to run again after
any failure. It never closes accounts, and deletes or detaches only with
--allow-delete, and only what groundwork made or the spec names; the plan
lists everything else as left alone. Deletes the spec asks for by a
setting of their own (default VPCs) need their own flag. A saved plan is
refused when the organization changed since it was made.`,
		Example: `  groundwork apply
  groundwork apply --auto-approve
  groundwork plan --out plan.json && groundwork apply plan.json
  groundwork apply --allow-delete`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			ctx := cmd.Context()
			var p *plan.Plan
			var actual *estate.Estate
			var lk *applyLease // the lease, observed before the reads
			// The read's session and the role it entered members by: apply
			// writes through the same session when the plan's role is
			// that one, so that each member is assumed into once and its
			// clients, credentials and rate limits serve both.
			var rs *awsx.Session
			var readRole string
			if len(args) == 1 {
				var err error
				if p, err = plan.Load(args[0]); err != nil {
					return err
				}
				desired := estate.New()
				// The spec says where the layers live; a spec changed
				// since the plan reads elsewhere, and the fingerprint
				// then refuses the plan. It also names the home Region,
				// where the lease is.
				f, ferr := spec.Load(p.Spec)
				if len(p.Reads) > 0 {
					if ferr != nil {
						return fmt.Errorf("read %s, which the plan was made from: %w", p.Spec, ferr)
					}
					desired = f.Desired()
				}
				home := ""
				if ferr == nil {
					home = f.Organization.HomeRegion
				}
				if lk, err = g.observeLease(ctx, home, forceUnlock); err != nil {
					return err
				}
				readRole = p.AccessRole
				if actual, rs, err = g.collectLayers(ctx, readRole, p.Reads, desired); err != nil {
					return err
				}
				if fp := actual.Fingerprint(); fp != p.Fingerprint {
					return fmt.Errorf("the organization changed since %s was made (fingerprint %s, now %s); run groundwork plan again", args[0], p.Fingerprint, fp)
				}
			} else {
				f, err := spec.Load(g.config)
				if err != nil {
					return err
				}
				desired := f.Desired()
				reads := layer.WantedBy(desired)
				if lk, err = g.observeLease(ctx, f.Organization.HomeRegion, forceUnlock); err != nil {
					return err
				}
				readRole = f.Organization.AccessRole
				if actual, rs, err = g.collectLayers(ctx, readRole, reads, desired); err != nil {
					return err
				}
				p = kinds.Plan(desired, actual)
				p.Spec, p.AccessRole, p.Reads = g.config, f.Organization.AccessRole, reads
			}
			if p.AccessRole == "" {
				p.AccessRole = policy.DefaultAccessRole
			}
			if output != "json" {
				plan.RenderFor(g.io.Out, p, confirmed.release(allow))
			}
			if !p.HasChanges() && len(p.Adoptions()) == 0 {
				if output == "json" {
					return json.NewEncoder(g.io.Out).Encode(apply.Report{Results: []apply.Result{}})
				}
				return nil
			}
			if !autoApprove {
				if err := confirm(g); err != nil {
					return err
				}
			}
			s := rs
			if s == nil || readRole != p.AccessRole {
				var err error
				if s, err = g.session(ctx, p.AccessRole); err != nil {
					return err
				}
			}
			env := &kinds.Env{Organizations: awsx.ConfigFor{Session: s}.Organizations(),
				AccessRole: p.AccessRole, Log: g.progress, Session: s}
			env.Seed(actual)
			// Only now, with changes to make, is the lease taken: an apply
			// with nothing to do writes nothing.
			held, release, err := lk.acquire(ctx)
			if err != nil {
				return err
			}
			defer release()
			writesBefore := retriedWrites(g.counter)
			// Stopped now, apply finishes the changes in flight, for at
			// most drain, and reports before groundwork exits.
			g.setGrace(drain + applyGrace)
			rep, runErr := apply.Run(held, env, p, apply.Options{Width: g.concurrency, AllowDelete: allow, Confirmed: confirmed.given(), Progress: g.progress, Drain: drain})
			runErr = lost(held, runErr)
			rep.Recovered = append(rep.Recovered, retriedWriteNotes(g.counter, writesBefore)...)
			if output == "json" {
				enc := json.NewEncoder(g.io.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				printReport(g, rep)
			}
			return runErr
		},
	}
	fl := cmd.Flags()
	outputFlag(cmd, &output)
	fl.BoolVar(&autoApprove, "auto-approve", false, "apply without asking for confirmation")
	fl.BoolVar(&allow, "allow-delete", false, "let apply delete or detach what the plan marks and groundwork made (OUs, policies, attachments, ...); accounts are never closed")
	confirmed.add(cmd, "")
	fl.BoolVar(&forceUnlock, "force-unlock", false, "take the apply lease even though another apply holds it; only when that apply is known not to run any more")
	fl.DurationVar(&drain, "drain", apply.DefaultDrain, "after Ctrl-C, SIGTERM or --timeout, how long to wait for the changes in flight")
	return cmd
}

// confirm asks on stdin and accepts only "yes".
func confirm(g *globals) error {
	fmt.Fprint(g.io.Err, "\nApply these changes? Only 'yes' is accepted: ")
	line, err := bufio.NewReader(g.io.In).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("no confirmation on standard input; run from a terminal or pass --auto-approve")
	}
	if strings.TrimSpace(line) != "yes" {
		return errors.New("apply cancelled; nothing was changed")
	}
	return nil
}

func printReport(g *globals, rep apply.Report) {
	fmt.Fprintln(g.io.Out)
	for _, r := range rep.Results {
		if r.Outcome == apply.Applied {
			continue
		}
		line := fmt.Sprintf("  %-7s %s %s", r.Outcome, r.Action, r.Address)
		if r.Error != "" {
			line += ": " + r.Error
		}
		fmt.Fprintln(g.io.Out, line)
	}
	if rep.Stopped {
		fmt.Fprintf(g.io.Out, "Apply stopped: %d applied, %d failed, %d not started, %d held (need --allow-delete or the flag the plan names), %d skipped.\n",
			rep.Count(apply.Applied), rep.Count(apply.Failed), rep.Count(apply.NotStarted), rep.Count(apply.Held), rep.Count(apply.Skipped))
		fmt.Fprintln(g.io.Out, "What was applied stays. Run groundwork apply again to do the rest: it plans from what exists, so nothing is made twice.")
	} else {
		fmt.Fprintf(g.io.Out, "Apply: %d applied, %d failed, %d held (need --allow-delete or the flag the plan names), %d skipped.\n",
			rep.Count(apply.Applied), rep.Count(apply.Failed), rep.Count(apply.Held), rep.Count(apply.Skipped))
	}
	if len(rep.Recovered) > 0 {
		fmt.Fprintf(g.io.Out, "Recovered from %d faults on the way:\n", len(rep.Recovered))
		for _, r := range rep.Recovered {
			fmt.Fprintln(g.io.Out, "  "+r)
		}
	}
}

// retriedWrites counts the retries of each write operation so far.
func retriedWrites(c *awsx.Counter) map[string]int {
	out := map[string]int{}
	if c == nil {
		return out
	}
	for _, s := range c.Stats() {
		if s.Write && s.Attempts > s.Calls {
			out[s.Service+" "+s.Operation] = s.Attempts - s.Calls
		}
	}
	return out
}

// retriedWriteNotes says which writes the SDK sent again since before
// (throttling, server errors, lost responses of idempotent writes): a
// lost response is part of what an apply reports, not only of --stats.
func retriedWriteNotes(c *awsx.Counter, before map[string]int) []string {
	var notes []string
	now := retriedWrites(c)
	for _, op := range slices.Sorted(maps.Keys(now)) {
		if n := now[op] - before[op]; n > 0 {
			notes = append(notes, fmt.Sprintf("%s: %d attempts sent again after throttling, a server error or a lost response (a create that may have reached AWS is never sent again without looking first)", op, n))
		}
	}
	return notes
}
