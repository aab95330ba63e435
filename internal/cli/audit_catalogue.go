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
//	CIS v3.0.0: 55 of 62 recommendations judged by checks, 7 manual:
//	  1.1    Maintain current contact details: <why it is manual>
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
	if _, err := fmt.Fprintf(w, "\n%d checks\nby severity: %s\nby guidance: %s\n", sum.Checks, strings.Join(sev, ", "), strings.Join(docs, ", ")); err != nil {
		return err
	}
	return writeCISCoverage(w, sum.CIS)
}

// writeCISCoverage prints how the checks cover the CIS benchmark, and each
// recommendation left to a person with why.
func writeCISCoverage(w io.Writer, cis audit.CISCoverage) error {
	if _, err := fmt.Fprintf(w, "CIS v3.0.0: %d of %d recommendations judged by checks, %d manual", cis.Checked, cis.Controls, cis.Manual); err != nil {
		return err
	}
	if len(cis.Uncovered) > 0 {
		if _, err := fmt.Fprintf(w, ", %d neither (%s)", len(cis.Uncovered), strings.Join(cis.Uncovered, ", ")); err != nil {
			return err
		}
	}
	manual := cis.ManualControls()
	sep := "\n"
	if len(manual) > 0 {
		sep = ":\n"
	}
	if _, err := fmt.Fprint(w, sep); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range manual {
		if c.Manual == "" {
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s: %s\n", c.ID, c.Title, c.Manual)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
