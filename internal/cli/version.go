package cli

import (
	"encoding/json"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=v1.2.3".
var Version = "dev"

func newVersion(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print groundwork's version and the spec version it reads",
		Example: "  groundwork version\n  groundwork version -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			v := groundworkVersion()
			if output == "json" {
				return json.NewEncoder(g.io.Out).Encode(map[string]any{"version": v, "spec_version": spec.Version})
			}
			fmt.Fprintf(g.io.Out, "groundwork %s (spec version %d)\n", v, spec.Version)
			return nil
		},
	}
	outputFlag(cmd, &output)
	return cmd
}

// groundworkVersion is Version, or the module version go install recorded
// when the binary was built without -ldflags.
func groundworkVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && Version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return Version
}
