package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// writeCatalogueText prints one line per check, then the counts:
//
//	ID          SEVERITY  TITLE                          GUIDANCE  CIS
//	GW-ACC-001  high      Every account has an owner...  000       -
//
//	97 checks
//	by severity: critical 4, high 31, ...
//	by guidance: 000 60, 001 12, ...
func writeCatalogueText(w io.Writer, cs []audit.Check, sum audit.CatalogueSummary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE\tGUIDANCE\tCIS")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Severity, c.Title,
			orDash(strings.Join(c.Docs(), ",")), orDash(strings.Join(c.ControlsBy(audit.FrameworkCIS), ",")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var sev, docs []string
	for _, s := range sum.BySeverity {
		sev = append(sev, fmt.Sprintf("%s %d", s.Severity, s.Checks))
	}
	for _, d := range sum.ByGuidance {
		docs = append(docs, fmt.Sprintf("%s %d", d.Doc, d.Checks))
	}
	_, err := fmt.Fprintf(w, "\n%d checks\nby severity: %s\nby guidance: %s\n", sum.Checks, strings.Join(sev, ", "), strings.Join(docs, ", "))
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
