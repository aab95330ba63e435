package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer"
	"github.com/groundwork-aws/groundwork/internal/layer/hardening"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/monitoring"
	"github.com/groundwork-aws/groundwork/internal/plan"
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
			var readErr error
			actual, r, err := g.collect(cmd.Context(), spec.DefaultAccessRole, func(err error) { readErr = errors.Join(readErr, err) })
			if err != nil {
				return err
			}
			s := r.Session
			// Until the organization layer imports itself, the import reads
			// it here, whole (its Survey), as the audit does.
			if org, ok := layer.Lookup("organization"); ok {
				if err := org.Survey(cmd.Context(), r, estate.Scope{}, nil, actual); err != nil {
					return readError(err)
				}
			}
			if actual.Organization != nil && actual.Org == nil {
				return fmt.Errorf("read the organization: %w", readErr)
			}
			if readErr != nil {
				fmt.Fprintf(g.io.Err, "warning: %v; the spec will not manage alternate contacts\n", readErr)
			}
			if opts.HomeRegion == "" {
				opts.HomeRegion = s.Base.Region
			}
			opts.Now = time.Now()
			if err := readLogging(cmd.Context(), g, s, actual, opts); err != nil {
				return err
			}
			if err := readLayers(cmd.Context(), g, s, actual, opts); err != nil {
				return err
			}
			res, err := importer.Spec(actual, opts)
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

// readLogging reads the logging layer where the import's spec would put
// groundwork's (importer.LoggingHint) into actual.Logging, so that
// importer.Spec writes the layer the organization has. Without the
// accounts the layer needs there is nothing to read. A read that fails is
// a warning and leaves actual.Logging nil: the import then leaves logging
// off. The errors returned are those importer.Spec would return.
func readLogging(ctx context.Context, g *globals, s *awsx.Session, actual *estate.Estate, opts importer.Options) error {
	if actual.Organization == nil || actual.Org == nil {
		return nil // importer.Spec says why there is nothing to import
	}
	hint, err := importer.LoggingHint(actual, opts)
	if err != nil || hint == nil {
		return err
	}
	layer, orgRules := splitOrgRules(hint)
	if err := logging.Read(ctx, inventory.Reader{Session: s, Progress: g.progress}, actual, layer); err != nil {
		fmt.Fprintf(g.io.Err, "warning: the logging layer was not read, so the spec leaves it off: %v\n", err)
		return nil
	}
	if orgRules == nil || hasAny(actual.Logging.Rules, layer.Rules) {
		return nil // the rules are per account
	}
	// Organization rules are read on their own: an endpoint that lacks
	// them (moto) fails the read only after the SDK's retries, and a
	// failure here costs only the rules.
	read := actual.Logging
	err = logging.Read(ctx, inventory.Reader{Session: s}, actual, orgRules)
	org := actual.Logging
	actual.Logging = read
	if err != nil {
		fmt.Fprintf(g.io.Err, "warning: organization Config rules were not read, so the spec asks for per-account rules: %v\n", err)
		return nil
	}
	maps.Copy(read.Rules, org.Rules)
	return nil
}

// readLayers reads the monitoring, billing and hardening layers where the
// import's spec would put groundwork's (importer.MonitoringHint,
// BillingHint, HardeningHint), after the logging layer, which monitoring
// watches. As for logging, a
// read that fails is a warning and leaves the layer nil: the import then
// leaves it off.
func readLayers(ctx context.Context, g *globals, s *awsx.Session, actual *estate.Estate, opts importer.Options) error {
	if actual.Organization == nil || actual.Org == nil {
		return nil
	}
	mon, err := importer.MonitoringHint(actual, opts)
	if err != nil {
		return err
	}
	if mon != nil {
		if err := monitoring.Read(ctx, inventory.Reader{Session: s, Progress: g.progress}, actual, mon); err != nil {
			actual.Monitoring = nil
			fmt.Fprintf(g.io.Err, "warning: the monitoring layer was not read, so the spec leaves it off: %v\n", err)
		}
	}
	if err := readBilling(ctx, g, s, actual, opts); err != nil {
		return err
	}
	hard, err := importer.HardeningHint(actual, opts)
	if err != nil || hard == nil {
		return err
	}
	if err := hardening.Read(ctx, inventory.Reader{Session: s, Progress: g.progress}, actual, hard); err != nil {
		actual.Hardening = nil
		fmt.Fprintf(g.io.Err, "warning: the hardening layer was not read, so the spec leaves it off: %v\n", err)
	}
	return nil
}

// splitOrgRules separates the organization Config rules of a hint (named
// "org/...") from the rest of the layer; org is nil when there are none.
func splitOrgRules(hint *estate.Logging) (layer, org *estate.Logging) {
	l := *hint
	l.Rules = map[string]*estate.ConfigRule{}
	for key, r := range hint.Rules {
		if !strings.HasPrefix(r.Name, "org/") {
			l.Rules[key] = r
			continue
		}
		if org == nil {
			org = estate.NewLogging()
		}
		org.Rules[key] = r
	}
	return &l, org
}

// hasAny reports whether have holds one of the keys of want.
func hasAny[V any](have, want map[string]V) bool {
	for key := range want {
		if _, ok := have[key]; ok {
			return true
		}
	}
	return false
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
