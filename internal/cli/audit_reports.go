package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/report"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// reportMeta is what the reports say about the run: the spec (f, read
// from path; nil without one), which locates findings in it and, when it
// is in a git repository, is named from the repository's root; the
// accounts' names, the management account and the home Region; and, for
// a text report on a terminal, the terminal's width.
func reportMeta(path string, f *spec.Foundation, actual *estate.Estate, home string, stdout io.Writer) report.Meta {
	m := report.Meta{Version: groundworkVersion(), Generated: time.Now().UTC(), Width: terminalWidth(stdout), HomeRegion: home}
	if actual.Organization != nil {
		m.ManagementAccount = actual.Organization.ManagementAccountID
	}
	if f != nil {
		m.Spec = path
		m.Locate = report.SpecLocator(f, actual)
		m.SpecRoot = report.RepositoryRoot(path)
	}
	m.AccountNames = map[string]string{}
	for _, a := range actual.Accounts {
		if a.ID != "" && a.Name != "" {
			m.AccountNames[a.ID] = a.Name
		}
	}
	return m
}

// terminalWidth is the width of the terminal stdout is, or 0 (the text
// report's default width) when it is not one: a file, a pipe or a test's
// buffer, so that what is saved or compared does not depend on a window.
func terminalWidth(stdout io.Writer) int {
	f, ok := stdout.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// reportTarget is one report an audit writes: a format, and the file it
// goes to ("" for stdout).
type reportTarget struct {
	Format string
	Path   string
}

// splitFormats reads --format values, each possibly comma-separated, and
// checks every name against report.Formats.
func splitFormats(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		for _, f := range strings.Split(v, ",") {
			f = strings.ToLower(strings.TrimSpace(f))
			if f == "" {
				continue
			}
			if !slices.Contains(report.Formats(), f) {
				return nil, fmt.Errorf("--format %q: valid formats are %s", f, strings.Join(report.Formats(), ", "))
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// bareFormat reports whether an --output value names a format rather than
// a file: `-o json` prints JSON on stdout, as on plan and version.
func bareFormat(output string) (string, bool) {
	f := strings.ToLower(strings.TrimSpace(output))
	return f, slices.Contains(report.Formats(), f)
}

// resolveReports decides which reports an audit writes where, from the
// --format and --output values:
//
//   - no --format and no --output: text on stdout;
//   - an --output that is a format name ("-o json") is that format on
//     stdout; any other --output is a file;
//   - when --format and --output are both given, the same number of each,
//     they pair up by position: --format json,sarif -o a -o b; a file
//     named for another format than its pair is refused (SARIF and ASFF
//     may go in a .json file);
//   - otherwise a file's format comes from its extension (see
//     report.FormatForPath), and each --format no file takes goes to
//     stdout: --format text -o a.json -o b.sarif prints text and writes
//     JSON and SARIF;
//   - at most one report goes to stdout, and no file is named twice.
func resolveReports(formatFlags, outputs []string) ([]reportTarget, error) {
	formats, err := splitFormats(formatFlags)
	if err != nil {
		return nil, err
	}
	if len(outputs) == 0 {
		if len(formats) == 0 {
			formats = []string{"text"}
		}
		return onStdout(formats, nil)
	}
	paired := len(formats) == len(outputs)
	var targets []reportTarget
	taken := map[string]bool{}
	for i, o := range outputs {
		if strings.TrimSpace(o) == "" {
			return nil, fmt.Errorf("--output is empty: give a file name or a format (%s)", strings.Join(report.Formats(), ", "))
		}
		if f, ok := bareFormat(o); ok {
			if paired && formats[i] != f {
				return nil, fmt.Errorf("--output %s (number %d) names a format other than --format %s at the same position", o, i+1, formats[i])
			}
			targets = append(targets, reportTarget{Format: f})
			taken[f] = true
			continue
		}
		t := reportTarget{Path: o}
		switch f, ok := report.FormatForPath(o); {
		case paired && ok && f != formats[i] && !(f == "json" && (formats[i] == "sarif" || formats[i] == "asff")): // both are JSON
			return nil, fmt.Errorf("--output %s (number %d) is named like a %s report, but --format %s is at the same position: "+
				"rename the file or reorder --format", o, i+1, f, formats[i])
		case paired:
			t.Format = formats[i]
		case ok:
			t.Format = f
		default:
			return nil, fmt.Errorf("--output %s: cannot tell the report format from the file name; "+
				"end it in .txt, .json, .sarif, .xml (JUnit), .html or .asff.json (Security Hub), or give one --format per --output in the same order "+
				"(--format json --output %s)", o, o)
		}
		if slices.ContainsFunc(targets, func(x reportTarget) bool { return x.Path == o }) {
			return nil, fmt.Errorf("--output %s is given twice", o)
		}
		taken[t.Format] = true
		targets = append(targets, t)
	}
	var rest []string
	if !paired {
		for _, f := range formats {
			if !taken[f] {
				rest = append(rest, f)
			}
		}
	}
	return onStdout(rest, targets)
}

// onStdout adds a stdout report for each format to targets and checks that
// at most one report goes to stdout.
func onStdout(formats []string, targets []reportTarget) ([]reportTarget, error) {
	for _, f := range formats {
		targets = append(targets, reportTarget{Format: f})
	}
	var names []string
	for _, t := range targets {
		if t.Path == "" {
			names = append(names, t.Format)
		}
	}
	if len(names) > 1 {
		return nil, fmt.Errorf("%s would all go to stdout, which takes one report: write the others to files with --output FILE",
			strings.Join(names, " and "))
	}
	return targets, nil
}

// writeReports renders the result in every target. Each file is written
// whole or not at all; a failure does not stop the other reports, and the
// first error is returned.
func writeReports(targets []reportTarget, m report.Meta, color bool, stdout io.Writer, r audit.Result) error {
	var first error
	for _, t := range targets {
		meta := m
		meta.Color = color && t.Path == ""
		if t.Path != "" {
			meta.Width = 0 // a file reads the same whatever the terminal
		}
		w, err := report.New(t.Format, meta)
		if err != nil {
			return err
		}
		if t.Path == "" {
			if err := w.Write(stdout, r); err != nil && first == nil {
				first = fmt.Errorf("write the %s report: %w", t.Format, err)
			}
			continue
		}
		var b bytes.Buffer
		if err := w.Write(&b, r); err != nil {
			first = cmpErr(first, fmt.Errorf("write the %s report: %w", t.Format, err))
			continue
		}
		if err := os.WriteFile(t.Path, b.Bytes(), 0o644); err != nil {
			first = cmpErr(first, fmt.Errorf("write the %s report: %w", t.Format, err))
		}
	}
	return first
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// summary is the line printed on stderr when every report went to a
// file: "audit: 4 findings (1 high, 3 medium), 1 suppressed, 2 notices;
// wrote out.json, out.sarif".
func summary(targets []reportTarget, r audit.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "audit: %d finding%s", len(r.Findings), plural(len(r.Findings)))
	n := map[audit.Severity]int{}
	for _, f := range r.Findings {
		n[f.Severity]++
	}
	var parts []string
	for _, s := range audit.Severities() {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	if len(r.Suppressed) > 0 {
		fmt.Fprintf(&b, ", %d suppressed", len(r.Suppressed))
	}
	if len(r.Notices) > 0 {
		fmt.Fprintf(&b, ", %d suppression notice%s", len(r.Notices), plural(len(r.Notices)))
	}
	var files []string
	for _, t := range targets {
		files = append(files, t.Path)
	}
	fmt.Fprintf(&b, "; wrote %s", strings.Join(files, ", "))
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// allToFiles reports whether no report goes to stdout.
func allToFiles(targets []reportTarget) bool {
	return !slices.ContainsFunc(targets, func(t reportTarget) bool { return t.Path == "" })
}

// colorOK says whether the text report on stdout may use colour: only on
// a terminal, and never when NO_COLOR is set (https://no-color.org).
func colorOK(stdout io.Writer) bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	f, ok := stdout.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
