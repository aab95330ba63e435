package cli

import (
	"encoding/json"
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

// catalogueEntry is one check as `audit --list-checks --format json`
// prints it: the shape of a check in the JSON report.
type catalogueEntry struct {
	ID          string              `json:"id"`
	Title       string              `json:"title"`
	Severity    audit.Severity      `json:"severity"`
	Guidance    []audit.GuidanceRef `json:"guidance"`
	Controls    []string            `json:"controls"`
	Rationale   string              `json:"rationale"`
	Remediation string              `json:"remediation"`
}

// writeCatalogueJSON prints {"checks": [...], "summary": {...}}.
func writeCatalogueJSON(w io.Writer, cs []audit.Check, sum audit.CatalogueSummary) error {
	out := struct {
		Checks  []catalogueEntry       `json:"checks"`
		Summary audit.CatalogueSummary `json:"summary"`
	}{Checks: []catalogueEntry{}, Summary: sum}
	for _, c := range cs {
		e := catalogueEntry{ID: c.ID, Title: c.Title, Severity: c.Severity, Guidance: c.Refs(),
			Controls: c.Controls, Rationale: c.Rationale, Remediation: c.Remediation}
		if e.Controls == nil {
			e.Controls = []string{}
		}
		out.Checks = append(out.Checks, e)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
