package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

func newValidate(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the spec and report every problem with file, line and field",
		Long: `validate reads the spec and reports every problem at once: YAML syntax,
unknown keys, wrong types, duplicate names and e-mails, names that break
the naming conventions, unknown Regions, accounts in undeclared OUs. It
needs no AWS credentials. Exit code 0 when clean, 1 otherwise.`,
		Example: "  groundwork validate\n  groundwork validate -f prod/foundation.yaml -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			f, err := spec.Load(g.config)
			var diags spec.Diagnostics
			if output == "json" {
				if err != nil && !errors.As(err, &diags) {
					return err
				}
				if diags == nil {
					diags = spec.Diagnostics{}
				}
				enc := json.NewEncoder(g.io.Out)
				enc.SetIndent("", "  ")
				if encErr := enc.Encode(map[string]any{"file": g.config, "valid": err == nil, "diagnostics": diags}); encErr != nil {
					return encErr
				}
				if err != nil {
					return &exitError{code: ExitError}
				}
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(g.io.Out, "%s is valid: %d OUs, %d accounts, home Region %s\n", g.config, len(f.UnitPaths()), len(f.Accounts), f.Organization.HomeRegion)
			return nil
		},
	}
	outputFlag(cmd, &output)
	return cmd
}
