package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// Text renders findings for a terminal, most severe first, a blank line
// between severities, columns aligned, then a summary line:
//
//	HIGH      GW-ORG-002  account/111111111111 (log-archive)
//	    Log Archive account sits in Root/Workloads, not under Root/Security
//	    fix: set accounts.<key>.unit: Security in foundation.yaml ...
//
//	1 finding: 0 critical, 1 high, 0 medium, 0 low, 0 info (7 checks run)
type Text struct{ Meta Meta }

var _ Writer = Text{}

// Write implements Writer.
func (Text) Write(w io.Writer, r audit.Result) error {
	bw := bufio.NewWriter(w)
	fs := sorted(r.Findings)
	idWidth := 0
	for _, f := range fs {
		idWidth = max(idWidth, len(f.CheckID))
	}
	for i, f := range fs {
		if i > 0 && f.Severity != fs[i-1].Severity {
			fmt.Fprintln(bw)
		}
		fmt.Fprintf(bw, "%-8s  %-*s  %s\n", strings.ToUpper(f.Severity.String()), idWidth, f.CheckID, f.Resource)
		fmt.Fprintf(bw, "    %s\n", indent(f.Message))
		if f.Remediation != "" {
			fmt.Fprintf(bw, "    fix: %s\n", indent(f.Remediation))
		}
	}
	if len(fs) > 0 {
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, summary(fs, len(r.Checks)))
	return bw.Flush()
}

// indent keeps continuation lines of a multi-line text under its first.
func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n    ") }

func summary(fs []audit.Finding, checks int) string {
	if len(fs) == 0 {
		return fmt.Sprintf("no findings (%d checks run)", checks)
	}
	n := counts(fs)
	parts := make([]string, 0, len(audit.Severities()))
	for _, s := range audit.Severities() {
		parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
	}
	noun := "findings"
	if len(fs) == 1 {
		noun = "finding"
	}
	return fmt.Sprintf("%d %s: %s (%d checks run)", len(fs), noun, strings.Join(parts, ", "), checks)
}
