package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

func newInit(g *globals) *cobra.Command {
	var opts spec.StarterOptions
	var force bool
	var admins []string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write the recommended foundation (guidance 000) to foundation.yaml",
		Long: `init writes a commented foundation.yaml with the recommended foundation:
OUs Security, Infrastructure, Workloads (Prod, NonProd), Exceptions and
Sandbox; the Log Archive, Security Tooling and Identity Center accounts;
names and e-mails by the naming conventions; IAM Identity Center's standard
assignments. --admin-user names a management account administrator (repeat
it for each); without one, the administrators' users and assignments are
written commented out, to fill in. It never overwrites a file unless
--force is given. Use --config to write elsewhere, or - for stdout.`,
		Example: `  groundwork init --org-id primary --domain example.com --home-region us-east-1 --regions us-east-1,eu-west-1
  groundwork init --org-id primary --domain example.com --home-region eu-west-1 -f - > foundation.yaml
  groundwork init --org-id primary --domain example.com --home-region us-east-1 --admin-user "Ana Lima <ana.lima@example.com>"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var bad []string
			for _, a := range admins {
				p, err := spec.ParsePerson(a)
				if err != nil {
					bad = append(bad, "--admin-user "+err.Error())
					continue
				}
				opts.Administrators = append(opts.Administrators, p)
			}
			if len(bad) > 0 {
				return fmt.Errorf("%s", strings.Join(bad, "\n"))
			}
			src, err := spec.Starter(opts)
			if err != nil {
				var diags spec.Diagnostics
				if errors.As(err, &diags) {
					return fmt.Errorf("the options do not make a valid spec:\n%s", diags.Error())
				}
				return err
			}
			if g.config == "-" {
				_, err := g.io.Out.Write(src)
				return err
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(g.config, flags, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s already exists; pass --force to overwrite it", g.config)
			}
			if err != nil {
				return fmt.Errorf("write spec: %w", err)
			}
			if _, err := f.Write(src); err != nil {
				f.Close()
				return fmt.Errorf("write spec: %w", err)
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("write spec: %w", err)
			}
			fmt.Fprintf(g.io.Err, "wrote %s; review it, then run groundwork plan\n", g.config)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.OrgID, "org-id", "", "organization identifier used in every name, such as primary (required)")
	fl.StringVar(&opts.Domain, "domain", "", "e-mail domain of the root addresses (required)")
	fl.StringVar(&opts.HomeRegion, "home-region", "", "home Region (required)")
	fl.StringSliceVar(&opts.Regions, "regions", nil, "operational Regions, comma-separated (default: the home Region)")
	fl.StringVar(&opts.Phone, "phone", "", "phone number of the alternate contacts (billing, operations, security) of every account")
	fl.StringArrayVar(&admins, "admin-user", nil, `a management account administrator, as "Given Family <e-mail>"; the user name is the e-mail's local part (repeatable)`)
	fl.BoolVar(&force, "force", false, "overwrite an existing file")
	for _, f := range []string{"org-id", "domain", "home-region"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}
