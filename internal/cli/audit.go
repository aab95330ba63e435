package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/report"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// auditFlags are the audit verb's own flags.
type auditFlags struct {
	formats, outputs, regions []string
	failOn, suppressions      string
	listChecks, noDrift       bool
	allowPartial              bool
	rootUseDays               int
}

func newAudit(g *globals) *cobra.Command {
	var fl auditFlags
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the live organization against the guidance",
		Long: `audit reads the live organization and runs every check: each with an ID,
severity, the guidance it comes from and a remediation. It reads every
active account in every operational Region: --regions when given, else
the spec's Regions, else the session's Region.

The spec, when present, tells audit which account plays which role, and
every change "groundwork plan" would make is reported as drift (GW-DRF-001;
--no-drift turns it off). Plan and checks share one read of the estate.
Without a spec audit recognises accounts by name and tags.

Reports: --format text, json, sarif, junit, html or asff (Security Hub's
AWS Security Finding Format); --output FILE writes a report to a file,
its format from the --format at the same position when there are as many
of each, else from the extension (.txt, .json, .sarif, .xml, .html,
.asff.json). "-o json" (a format name) prints that format on stdout. At
most one report goes to stdout; text is the default.

Suppressions (--suppressions, default groundwork-suppressions.yaml next to
the spec) mute accepted findings by check ID and resource pattern until
they expire; expired and unused suppressions are reported.

What could not be read (a layer, or a part of one, in an account or
Region) is recorded with its cause, and the checks that read it are "not
evaluated" there in every report, never passed.

Exit code 3 when a finding that is not suppressed is at or above --fail-on;
else 4 when the audit is incomplete (something could not be read), unless
--allow-partial; else 0; 1 on error.`,
		Example: `  groundwork audit
  groundwork audit -o json > findings.json
  groundwork audit --fail-on medium
  groundwork audit -o findings.sarif -o findings.html       # formats from the extensions
  groundwork audit --format json,junit -o audit.out -o audit.junit   # formats by position
  groundwork audit -o text -o findings.sarif                # text on stdout, SARIF to a file
  groundwork audit -o findings.asff.json                    # for Security Hub's BatchImportFindings
  groundwork audit --suppressions accepted-risks.yaml
  groundwork audit --regions us-east-1,eu-west-1            # without a spec
  groundwork audit --no-drift
  groundwork audit --list-checks
  groundwork audit --list-checks --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAudit(cmd, g, fl)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&fl.formats, "format", nil, "report format: "+strings.Join(report.Formats(), ", ")+
		"; repeat or separate with commas for several (default text)")
	f.StringArrayVarP(&fl.outputs, "output", "o", nil, "write a report to this file (repeatable); a format name instead prints that format on stdout")
	f.StringVar(&fl.failOn, "fail-on", "high", "exit 3 when a finding is at or above this severity: info, low, medium, high, critical")
	f.StringVar(&fl.suppressions, "suppressions", "", "suppressions file (default: "+audit.DefaultSuppressionsFile+" next to the spec, when it exists)")
	f.BoolVar(&fl.listChecks, "list-checks", false, "print every check with its severity and guidance, and counts; no AWS calls")
	f.BoolVar(&fl.noDrift, "no-drift", false, "do not report the changes a plan against the spec would make")
	f.BoolVar(&fl.allowPartial, "allow-partial", false, "exit by the findings alone when something could not be read (the reports still say what was not evaluated)")
	f.IntVar(&fl.rootUseDays, "root-use-days", estate.DefaultRootUseDays, "report a use of the root user within this many days (GW-IAM-011, CIS 1.7)")
	f.StringSliceVar(&fl.regions, "regions", nil, "operational Regions to read, comma-separated (default: the spec's, else the session's Region)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(severityNames(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return report.Formats(), cobra.ShellCompDirectiveDefault // a format name, or a file
	})
	_ = cmd.MarkFlagFilename("suppressions", "yaml", "yml")
	return cmd
}

// severityNames lists the severities from least to most severe, as
// --fail-on takes them.
func severityNames() []string {
	var out []string
	for _, s := range audit.Severities() {
		out = append(out, s.String())
	}
	slices.Reverse(out)
	return out
}

func runAudit(cmd *cobra.Command, g *globals, fl auditFlags) error {
	if fl.listChecks {
		return listChecks(g, fl)
	}
	if err := spec.CheckRegions("--regions", fl.regions); err != nil {
		return err
	}
	targets, err := resolveReports(fl.formats, fl.outputs)
	if err != nil {
		return err
	}
	threshold, err := audit.ParseSeverity(fl.failOn)
	if err != nil {
		return fmt.Errorf("--fail-on: %w", err)
	}
	if fl.rootUseDays < 1 {
		return fmt.Errorf("--root-use-days: %d is not a number of days (1 or more)", fl.rootUseDays)
	}
	var (
		f       *spec.Foundation
		desired *estate.Estate
	)
	role := policy.DefaultAccessRole
	switch f, err = spec.Load(g.config); {
	case err == nil:
		desired, role = f.Desired(), f.Organization.AccessRole
	case !cmd.Flags().Changed("config") && errors.Is(statErr(g.config), fs.ErrNotExist):
		f = nil
		g.progress("no %s: auditing without a spec", g.config)
	default:
		return err
	}
	sups, err := loadSuppressions(g, fl.suppressions)
	if err != nil {
		return err
	}

	ctx := cmd.Context()
	unread := &inventory.UnreadLog{Then: func(err error) { fmt.Fprintf(g.io.Err, "warning: %v\n", err) }}
	var regions []string
	var home string
	actual, _, err := g.collectThen(ctx, role, unread.Warn, func(ctx context.Context, r inventory.Reader, actual *estate.Estate) error {
		regions, home = operationalRegions(f, fl.regions, r.Session)
		layer.Survey(ctx, r, auditScope(actual, regions, home), desired, actual)
		return nil
	})
	if err != nil {
		return err
	}
	gaps := unread.List()
	if desired != nil && !fl.noDrift {
		// The plan `groundwork plan` would make, from this same read, of
		// the layers that were read whole.
		compared, notCompared := planLayers(layer.WantedBy(desired), gaps)
		actual.Drift = driftOf(kinds.Plan(layer.PlanView(desired, compared), layer.PlanView(actual, compared)), actual)
		gaps = append(gaps, notCompared...)
		g.progress("%d change(s) between the spec and the organization", len(actual.Drift))
	}
	estate.Annotate(actual, desired)
	actual.RootUseDays = fl.rootUseDays
	res := audit.Run(actual, gaps...)
	res.Suppress(sups, time.Now())

	meta := reportMeta(g.config, f, actual, home, g.io.Out)
	if err := writeReports(targets, meta, colorOK(g.io.Out), g.io.Out, res); err != nil {
		return err
	}
	if allToFiles(targets) {
		fmt.Fprintln(g.io.Err, summary(targets, res))
	}
	if !res.Complete() {
		fmt.Fprintln(g.io.Err, incompleteLine(res, fl.allowPartial))
	}
	switch {
	case res.Failed(threshold):
		return &exitError{code: ExitFindings}
	case !res.Complete() && !fl.allowPartial:
		return &exitError{code: ExitIncomplete}
	}
	return nil
}

// planLayers splits the layers a plan reads into those read whole, which
// the drift check compares with the spec, and those with a part not read:
// a plan over them would take what was not read for missing and report
// it as drift. Each part not read becomes one under audit.ReadPlan
// ("plan/hardening"), so that the drift check is not evaluated there.
func planLayers(wanted []string, unread []inventory.Unread) (compared []string, notCompared []inventory.Unread) {
	for _, name := range wanted {
		whole := true
		for _, u := range unread {
			if u.Read == "" || u.Covers(name) {
				whole = false
				u.Read = audit.ReadPlan + "/" + name
				notCompared = append(notCompared, u)
			}
		}
		if whole {
			compared = append(compared, name)
		}
	}
	return compared, notCompared
}

// incompleteLine says on stderr that the audit is incomplete and what
// follows: "audit incomplete: 2 parts not read, 9 checks not evaluated
// (see the report); exit 4 (--allow-partial exits by the findings
// alone)".
func incompleteLine(r audit.Result, allowPartial bool) string {
	_, notEvaluated := r.Evaluated()
	s := fmt.Sprintf("audit incomplete: %d part%s not read, %d check%s not evaluated (the report lists them)",
		len(r.Unread), plural(len(r.Unread)), notEvaluated, plural(notEvaluated))
	if allowPartial {
		return s + "; --allow-partial: the exit code follows the findings alone"
	}
	return s + fmt.Sprintf("; exit %d unless findings fail first (--allow-partial exits by the findings alone)", ExitIncomplete)
}

// loadSuppressions reads the suppressions file: the one given, which must
// exist, or the default next to the spec when there is one. Problems in
// the file are printed with their positions and fail the run before any
// AWS call.
func loadSuppressions(g *globals, path string) ([]audit.Suppression, error) {
	if path == "" {
		path = filepath.Join(filepath.Dir(g.config), audit.DefaultSuppressionsFile)
		if errors.Is(statErr(path), fs.ErrNotExist) {
			return nil, nil
		}
	}
	known := map[string]bool{}
	for _, c := range audit.Checks() {
		known[c.ID] = true
	}
	sups, err := audit.LoadSuppressions(path, func(id string) bool { return known[id] })
	var diags spec.Diagnostics
	if errors.As(err, &diags) {
		fmt.Fprintln(g.io.Err, diags.Error())
		fmt.Fprintf(g.io.Err, "%d problem(s) in the suppressions file %s; nothing was sent to AWS\n", len(diags), path)
		return nil, &exitError{code: ExitError}
	}
	if err != nil {
		return nil, err
	}
	g.progress("%d suppression(s) from %s", len(sups), path)
	return sups, nil
}

// operationalRegions are the Regions the audit reads: --regions, else the
// spec's, else the session's; the home Region is the spec's, else the
// first of those.
func operationalRegions(f *spec.Foundation, flag []string, s *awsx.Session) (regions []string, home string) {
	if f != nil {
		regions, home = slices.Clone(f.Organization.Regions), f.Organization.HomeRegion
	}
	var given []string
	for _, r := range flag {
		if r = strings.TrimSpace(r); r != "" {
			given = append(given, r)
		}
	}
	if len(given) > 0 {
		regions = given
	}
	if len(regions) == 0 && s != nil && s.Base.Region != "" {
		regions = []string{s.Base.Region}
	}
	if home == "" && len(regions) > 0 {
		home = regions[0]
	}
	return regions, home
}

// listChecks prints the check catalogue; it needs no credentials.
func listChecks(g *globals, fl auditFlags) error {
	formats, err := splitFormats(fl.formats)
	if err != nil {
		return err
	}
	for _, o := range fl.outputs {
		f, ok := bareFormat(o)
		if !ok {
			return fmt.Errorf("--list-checks prints on stdout: --output takes text or json here, not %q", o)
		}
		formats = append(formats, f)
	}
	slices.Sort(formats)
	formats = slices.Compact(formats)
	switch {
	case len(formats) == 0 || slices.Equal(formats, []string{"text"}):
		return writeCatalogueText(g.io.Out, audit.Checks(), audit.Catalogue())
	case slices.Equal(formats, []string{"json"}):
		return report.WriteCatalogueJSON(g.io.Out, audit.Checks(), audit.Catalogue())
	}
	return fmt.Errorf("--list-checks prints text or json, one of them, not %s", strings.Join(formats, " and "))
}

func statErr(path string) error {
	_, err := os.Stat(path)
	return err
}
