package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// Text renders a result for a terminal: findings grouped by severity, most
// severe first, then by check; a summary table; the suppression notices;
// and how many checks ran.
//
//	HIGH
//
//	  GW-ORG-002  Log Archive account in the Security OU
//	    account/111111111111 (log-archive)
//	      Log Archive account sits in Root/Workloads, not under Root/Security
//	    fix: set accounts.<key>.unit: Security in foundation.yaml ...
//
//	Summary
//	  critical      0
//	  high          1
//	  ...
//
//	7 checks run
//
// An incomplete audit (audit.Result.Complete) opens with a banner naming
// what could not be read and why, lists after the summary which checks
// each part kept from being evaluated, and ends "94 checks run: 64
// evaluated, 30 not evaluated".
//
// With Meta.Color the severity names are coloured with ANSI escapes.
type Text struct{ Meta Meta }

var _ Writer = Text{}

// ANSI colours for severity names: the two that fail most builds in red.
var severityColor = map[audit.Severity]string{
	audit.Critical: "\x1b[1;31m", // bold red
	audit.High:     "\x1b[31m",   // red
	audit.Medium:   "\x1b[33m",   // yellow
	audit.Low:      "\x1b[36m",   // cyan
	audit.Info:     "\x1b[2m",    // dim
}

const ansiReset = "\x1b[0m"

// Write implements Writer.
func (t Text) Write(w io.Writer, r audit.Result) error {
	bw := bufio.NewWriter(w)
	fs := sorted(r.Findings)
	if !r.Complete() {
		t.banner(bw, r)
	}
	for i, f := range fs {
		if i == 0 || f.Severity != fs[i-1].Severity {
			if i > 0 {
				fmt.Fprintln(bw)
			}
			fmt.Fprintln(bw, t.severity(f.Severity, strings.ToUpper(f.Severity.String())))
		}
		if i == 0 || f.Severity != fs[i-1].Severity || f.CheckID != fs[i-1].CheckID {
			fmt.Fprintf(bw, "\n  %s  %s\n", f.CheckID, f.Title)
		}
		fmt.Fprintf(bw, "    %s\n", where(f))
		fmt.Fprintf(bw, "      %s\n", indent(f.Message, 6))
		// The fix is the check's: say it once, after the group's last
		// finding, unless a finding carries its own.
		last := i == len(fs)-1 || fs[i+1].Severity != f.Severity || fs[i+1].CheckID != f.CheckID
		if f.Remediation != "" && (last || fs[i+1].Remediation != f.Remediation) {
			fmt.Fprintf(bw, "    fix: %s\n", indent(f.Remediation, 4))
		}
	}
	if len(fs) > 0 {
		fmt.Fprintln(bw)
	}

	n := counts(fs)
	fmt.Fprintln(bw, "Summary")
	width := len("suppressed")
	for _, s := range audit.Severities() {
		fmt.Fprintf(bw, "  %s  %5d\n", t.severity(s, fmt.Sprintf("%-*s", width, s)), n[s])
	}
	fmt.Fprintf(bw, "  %-*s  %5d\n", width, "total", len(fs))
	fmt.Fprintf(bw, "  %-*s  %5d\n", width, "suppressed", len(r.Suppressed))

	if len(r.Suppressed) > 0 {
		fmt.Fprintln(bw, "\nSuppressed")
		for _, f := range sorted(r.Suppressed) {
			fmt.Fprintf(bw, "  %s  %s  %s\n", f.CheckID, f.Resource, suppressionText(f.Suppression))
		}
	}
	if len(r.Notices) > 0 {
		fmt.Fprintln(bw, "\nNotices")
		for _, nt := range r.Notices {
			fmt.Fprintf(bw, "  %-7s  %s\n", nt.Kind, indent(noticeText(nt), 11))
		}
	}

	if !r.Complete() {
		notEvaluatedText(bw, r)
	}

	fmt.Fprintf(bw, "\n%d %s run", len(r.Checks), plural(len(r.Checks), "check", "checks"))
	if !r.Complete() {
		evaluated, notEvaluated := r.Evaluated()
		fmt.Fprintf(bw, ": %d evaluated, %d not evaluated", evaluated, notEvaluated)
	}
	fmt.Fprintln(bw)
	return bw.Flush()
}

// banner opens the report of an incomplete audit: what was not read and
// why, so that nobody reads the findings as the whole story.
func (t Text) banner(w io.Writer, r audit.Result) {
	_, notEvaluated := r.Evaluated()
	head := fmt.Sprintf("INCOMPLETE AUDIT: %d %s could not be read; %d %s not evaluated, neither passed nor failed",
		len(r.Unread), plural(len(r.Unread), "part", "parts"), notEvaluated, plural(notEvaluated, "check was", "checks were"))
	if t.Meta.Color {
		head = severityColor[audit.Critical] + head + ansiReset
	}
	fmt.Fprintln(w, head)
	for _, u := range r.Unread {
		fmt.Fprintf(w, "  %s\n", indent(u.String(), 2))
	}
	fmt.Fprintln(w)
}

// notEvaluatedText lists, for each part not read, the checks it kept from
// being evaluated, and which of them failed elsewhere.
func notEvaluatedText(w io.Writer, r audit.Result) {
	fmt.Fprintln(w, "\nNot evaluated")
	for _, u := range r.Unread {
		var ids []string
		for _, c := range r.Checks {
			if slices.Contains(r.NotEvaluated[c.ID], u) {
				id := c.ID
				if r.Status(c.ID) == audit.StatusFailed {
					id += " (failed elsewhere)"
				}
				ids = append(ids, id)
			}
		}
		fmt.Fprintf(w, "  %s (%s)\n", u.Read, u.Place())
		if len(ids) == 0 {
			fmt.Fprintln(w, "    no check reads it")
			continue
		}
		fmt.Fprintf(w, "    %s\n", wrapWords(ids, 72, "    "))
	}
}

// wrapWords joins words with spaces into lines of at most width
// characters, continuing each line after prefix.
func wrapWords(words []string, width int, prefix string) string {
	var b strings.Builder
	n := 0
	for i, word := range words {
		if i > 0 {
			if n+1+len(word) > width {
				b.WriteString("\n" + prefix)
				n = 0
			} else {
				b.WriteString(" ")
				n++
			}
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

// severity colours text, already padded, by severity when colour is on.
func (t Text) severity(s audit.Severity, text string) string {
	if !t.Meta.Color {
		return text
	}
	return severityColor[s] + text + ansiReset
}

// where names a finding's resource, with its Region when it has one.
func where(f audit.Finding) string {
	if f.Region == "" {
		return f.Resource
	}
	return f.Resource + " [" + f.Region + "]"
}

// suppressionText says why and until when a finding is muted, and where.
func suppressionText(s *audit.Suppression) string {
	if s == nil {
		return ""
	}
	text := "suppressed: " + s.Reason
	if !s.Expires.IsZero() {
		text += " (until " + s.Expires.UTC().Format("2006-01-02") + ")"
	}
	if s.Source != "" {
		text += " [" + s.Source + "]"
	}
	return text
}

// noticeText is a notice's message, followed by the suppression's source
// when the message does not already name it.
func noticeText(n audit.Notice) string {
	text := n.Message
	if text == "" {
		text = fmt.Sprintf("suppression of %s on %s", n.Suppression.CheckID, n.Suppression.Resource)
	}
	if src := n.Suppression.Source; src != "" && !strings.Contains(text, src) {
		text += " [" + src + "]"
	}
	return text
}

// indent keeps continuation lines of a multi-line text under its first.
func indent(s string, by int) string {
	return strings.ReplaceAll(s, "\n", "\n"+strings.Repeat(" ", by))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
