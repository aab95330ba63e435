package cli

import (
	"slices"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// confirmationFlags are the flags kinds register to release their deletes
// apart from --allow-delete (kinds.RegisterConfirmation), by flag name.
type confirmationFlags map[string]*bool

// add defines every registered confirmation flag on cmd; prefix, when
// set, goes before each flag's usage.
func (c confirmationFlags) add(cmd *cobra.Command, prefix string) {
	for _, k := range kinds.Confirmations() {
		c[k.Flag] = cmd.Flags().Bool(k.Flag, false, prefix+k.Usage)
	}
}

// given returns the flags set, sorted.
func (c confirmationFlags) given() []string {
	var out []string
	for name, on := range c {
		if *on {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// release is what an apply with these flags and --allow-delete (allow)
// may carry out.
func (c confirmationFlags) release(allow bool) plan.Release {
	return plan.Release{AllowDelete: allow, Confirmed: c.given()}
}
