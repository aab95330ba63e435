package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/report"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

func newAudit(g *globals) *cobra.Command {
	var output, failOn string
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the live organization against the guidance",
		Long: `audit reads the live organization and runs every check: each with an ID,
severity, the guidance it comes from and a remediation. The spec, when
present, tells audit which account plays which role; without it audit
recognises accounts by name and tags. Exit code 3 when a finding is at or
above --fail-on, 0 otherwise.`,
		Example: `  groundwork audit
  groundwork audit -o json > findings.json
  groundwork audit --fail-on medium`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := report.New(output)
			if err != nil {
				return err
			}
			threshold, err := audit.ParseSeverity(failOn)
			if err != nil {
				return fmt.Errorf("--fail-on: %w", err)
			}
			var desired *estate.Estate
			role := spec.DefaultAccessRole
			f, err := spec.Load(g.config)
			switch {
			case err == nil:
				desired, role = f.Desired(), f.Organization.AccessRole
			case !cmd.Flags().Changed("config") && errors.Is(statErr(g.config), fs.ErrNotExist):
				g.progress("no %s: auditing without a spec", g.config)
			default:
				return err
			}
			opts := inventory.Options{OrgLayer: true, Contacts: true,
				Warn: func(err error) { fmt.Fprintf(g.io.Err, "warning: %v\n", err) }}
			if desired != nil {
				opts.Logging, opts.Monitoring, opts.Billing, opts.Hardening = desired.Logging, desired.Monitoring, desired.Billing, desired.Hardening
			}
			actual, _, err := g.collect(cmd.Context(), role, opts)
			if err != nil {
				return err
			}
			estate.Annotate(actual, desired)
			res := audit.Run(actual)
			if err := w.Write(g.io.Out, res); err != nil {
				return err
			}
			if res.Failed(threshold) {
				return &exitError{code: ExitFindings}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "report format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().StringVar(&failOn, "fail-on", "high", "exit 3 when a finding is at or above this severity: info, low, medium, high, critical")
	return cmd
}

func statErr(path string) error {
	_, err := os.Stat(path)
	return err
}
