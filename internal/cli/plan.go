package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

func newPlan(g *globals) *cobra.Command {
	var (
		output, out              string
		offline, detailed, allow bool
		confirmed                = confirmationFlags{}
	)
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what differs between the spec and the live organization",
		Long: `plan reads the spec and the live organization and prints the changes that
apply would make, grouped by OU: + create, ~ update, - delete. It writes
nothing to AWS. --out saves the plan for "groundwork apply plan.json".
--offline plans against an empty organization and needs no credentials.`,
		Example: `  groundwork plan
  groundwork plan --out plan.json
  groundwork plan --detailed-exitcode   # 0 no changes, 2 changes, 1 error
  groundwork plan --offline -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			f, err := spec.Load(g.config)
			if err != nil {
				return err
			}
			desired := f.Desired()
			reads := layer.WantedBy(desired)
			actual := estate.New()
			if !offline {
				if actual, _, err = g.collectLayers(cmd.Context(), f.Organization.AccessRole, reads, desired); err != nil {
					return err
				}
			}
			p := kinds.Plan(desired, actual)
			p.Spec, p.AccessRole, p.Reads = g.config, f.Organization.AccessRole, reads
			if out != "" {
				b, err := p.Marshal()
				if err != nil {
					return err
				}
				if err := os.WriteFile(out, b, 0o644); err != nil {
					return fmt.Errorf("save plan: %w", err)
				}
			}
			if output == "json" {
				b, err := p.Marshal()
				if err != nil {
					return err
				}
				if _, err := g.io.Out.Write(b); err != nil {
					return err
				}
			} else {
				plan.RenderFor(g.io.Out, p, confirmed.release(allow))
				if out != "" {
					fmt.Fprintf(g.io.Out, "\nSaved the plan to %s. Apply exactly it with: groundwork apply %s\n", out, out)
				}
			}
			if detailed && p.HasChanges() {
				return &exitError{code: ExitChanges}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	outputFlag(cmd, &output)
	fl.StringVar(&out, "out", "", "save the plan as JSON to this file")
	fl.BoolVar(&offline, "offline", false, "plan against an empty organization without calling AWS")
	fl.BoolVar(&detailed, "detailed-exitcode", false, "exit 0 when there are no changes, 2 when there are, 1 on error")
	fl.BoolVar(&allow, "allow-delete", false, "show deletes as they would run with apply --allow-delete")
	confirmed.add(cmd, "show those deletes as they would run with apply and this flag: ")
	return cmd
}
