package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

func newImport(g *globals) *cobra.Command {
	var (
		opts  importer.Options
		out   string
		force bool
	)
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Write the spec of the live organization, so that plan shows no changes",
		Long: `import reads the live organization (OUs, accounts, tags, SCPs, the tag
policy, trusted access, delegated administrators, alternate contacts, and
the logging, monitoring, billing and hardening layers where groundwork
would build them) and writes the foundation.yaml that describes it:
planning that spec shows no changes.
The logging section is written when the organization has an organization
trail and accounts named like Log Archive and Security Tooling; otherwise
logging stays off, and a comment says how to turn it on. Likewise the
monitoring section is written when the logging section is and the security
topic exists; the billing section when the billing topic exists in the
management account's home Region, with the budget, billing alarm, Cost and
Usage Report and cost allocation tags found there (under groundwork's
names, or the ones that notify that topic); and the hardening section when
an account has an IAM password policy. What apply would still change there
(default VPCs to delete, say) is listed as a warning. SCPs that are
compositions of groundwork's library are written as library: [...]; every
other SCP is written to a JSON file under --policy-dir, beside the spec.
What the spec cannot express is listed as a warning, on stderr and at the
top of the file.

The spec goes to stdout unless --out is given. import never overwrites a
file unless --force is given. It writes nothing to AWS.`,
		Example: `  groundwork import --out foundation.yaml
  groundwork import --org-id primary --domain example.com --out foundation.yaml
  groundwork import --home-region eu-west-1 --regions eu-west-1,eu-central-1 > foundation.yaml
  groundwork import --out prod/foundation.yaml --policy-dir scps --force`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := errors.Join(spec.CheckRegions("--home-region", []string{opts.HomeRegion}), spec.CheckRegions("--regions", opts.Regions)); err != nil {
				return err
			}
			// Each layer reads itself where the spec would put it; a part
			// that cannot be read is a warning, and the spec leaves it off.
			warn := func(err error) { fmt.Fprintf(g.io.Err, "warning: %v\n", err) }
			actual, r, err := g.collect(cmd.Context(), policy.DefaultAccessRole, warn)
			if err != nil {
				return err
			}
			if opts.HomeRegion == "" {
				opts.HomeRegion = r.Session.Base.Region
			}
			opts.Now = time.Now()
			res, err := importer.Run(cmd.Context(), r, actual, opts)
			if err != nil {
				return err
			}
			return writeImport(g, res, actual, out, force)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.OrgID, "org-id", "", `organization identifier of the spec (default: X when the management account is named "aws-management-account-X")`)
	fl.StringVar(&opts.Domain, "domain", "", "e-mail domain of the spec (default: the domain of the management account's e-mail)")
	fl.StringVar(&opts.HomeRegion, "home-region", "", "home Region (default: the session's Region, from --region or AWS_REGION, else us-east-1)")
	fl.StringSliceVar(&opts.Regions, "regions", nil, "operational Regions, comma-separated (default: the home Region)")
	fl.StringVar(&out, "out", "", "write the spec to this file instead of stdout")
	fl.StringVar(&opts.PolicyDir, "policy-dir", importer.DefaultPolicyDir, "directory for SCP documents, relative to the spec's directory")
	fl.BoolVar(&force, "force", false, "overwrite existing files")
	return cmd
}

// writeImport writes the spec and its policy files, refusing to overwrite
// any of them without force, and then loads and plans the written spec to
// tell the user whether the round trip is clean.
func writeImport(g *globals, res importer.Result, actual *estate.Estate, out string, force bool) error {
	dir := "."
	if out != "" {
		dir = filepath.Dir(out)
	}
	local := func(p string) string {
		p = filepath.FromSlash(p)
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	var paths []string
	for p := range res.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	targets := make([]string, 0, len(paths)+1)
	for _, p := range paths {
		targets = append(targets, local(p))
	}
	if out != "" {
		targets = append(targets, out)
	}
	if !force {
		var exist []string
		for _, t := range targets {
			if _, err := os.Stat(t); err == nil {
				exist = append(exist, t)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("write import: %w", err)
			}
		}
		if len(exist) > 0 {
			return fmt.Errorf("%s already exist(s); pass --force to overwrite, or choose another --out or --policy-dir; nothing was written", strings.Join(exist, ", "))
		}
	}
	for _, p := range paths {
		if err := writeFile(local(p), res.Files[p]); err != nil {
			return err
		}
	}
	if out != "" {
		if err := writeFile(out, res.YAML); err != nil {
			return err
		}
	} else if _, err := g.io.Out.Write(res.YAML); err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(g.io.Err, "warning: %s\n", w)
	}
	name := out
	if name == "" {
		name = filepath.Join(dir, "foundation.yaml")
	}
	f, err := spec.Parse(name, res.YAML)
	if err != nil {
		return fmt.Errorf("the imported spec does not load (a groundwork bug; please report it):\n%v", err)
	}
	p := kinds.Plan(f.Desired(), actual)
	written := "the spec"
	if out != "" {
		written = out
	}
	if p.HasChanges() {
		var b bytes.Buffer
		plan.Render(&b, p, true)
		fmt.Fprintf(g.io.Err, "warning: planning %s would still show changes, as the warnings above explain:\n%s", written, b.String())
		return nil
	}
	fmt.Fprintf(g.io.Err, "wrote %s and %d policy file(s); plan shows no changes. Review it, then run groundwork plan\n", written, len(paths))
	return nil
}

func writeFile(path string, content []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
