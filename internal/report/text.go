package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

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
// what could not be read and why, and lists after the summary which checks
// each part kept from being evaluated. Checks that could not be judged on
// this estate at all (audit.Result.Unjudged) are listed with the reason,
// under a heading of their own. Whenever a check was not evaluated, the
// report ends "94 checks run: 64 evaluated, 30 not evaluated".
//
// Text wraps at Meta.Width columns (DefaultWidth when unset); a word
// longer than a line, such as an ARN, is never broken. With Meta.Color
// the severity names are coloured with ANSI escapes.
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
	width := t.width()
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
			head := "  " + f.CheckID + "  "
			fmt.Fprintf(bw, "\n%s%s\n", head, wrapText(f.Title, width, len(head), len(head)))
		}
		fmt.Fprintf(bw, "    %s\n", wrapText(t.where(f), width, 4, 6))
		fmt.Fprintf(bw, "      %s\n", wrapText(f.Message, width, 6, 6))
		// The fix is the check's: say it once, after the group's last
		// finding, unless a finding carries its own.
		last := i == len(fs)-1 || fs[i+1].Severity != f.Severity || fs[i+1].CheckID != f.CheckID
		if f.Remediation != "" && (last || fs[i+1].Remediation != f.Remediation) {
			fmt.Fprintf(bw, "    fix: %s\n", wrapText(f.Remediation, width, 9, 9))
		}
	}
	if len(fs) > 0 {
		fmt.Fprintln(bw)
	}

	n := counts(fs)
	fmt.Fprintln(bw, "Summary")
	col := len("suppressed")
	for _, s := range audit.Severities() {
		fmt.Fprintf(bw, "  %s  %5d\n", t.severity(s, fmt.Sprintf("%-*s", col, s)), n[s])
	}
	fmt.Fprintf(bw, "  %-*s  %5d\n", col, "total", len(fs))
	fmt.Fprintf(bw, "  %-*s  %5d\n", col, "suppressed", len(r.Suppressed))

	if len(r.Suppressed) > 0 {
		fmt.Fprintln(bw, "\nSuppressed")
		for _, f := range sorted(r.Suppressed) {
			head := "  " + f.CheckID + "  " + f.Resource + "  "
			fmt.Fprintf(bw, "%s%s\n", head, wrapText(suppressionText(f.Suppression), width, utf8.RuneCountInString(head), 4))
		}
	}
	if len(r.Notices) > 0 {
		fmt.Fprintln(bw, "\nNotices")
		for _, nt := range r.Notices {
			fmt.Fprintf(bw, "  %-7s  %s\n", nt.Kind, wrapText(noticeText(nt), width, 11, 11))
		}
	}

	if !r.Complete() {
		notEvaluatedText(bw, r, width)
	}
	unjudgedText(bw, r, width)

	fmt.Fprintf(bw, "\n%d %s run", len(r.Checks), plural(len(r.Checks), "check", "checks"))
	if evaluated, notEvaluated := r.Evaluated(); notEvaluated > 0 {
		fmt.Fprintf(bw, ": %d evaluated, %d not evaluated", evaluated, notEvaluated)
	}
	fmt.Fprintln(bw)
	return bw.Flush()
}

// width is the column the report wraps at.
func (t Text) width() int {
	switch {
	case t.Meta.Width <= 0:
		return DefaultWidth
	case t.Meta.Width < minWidth:
		return minWidth
	}
	return t.Meta.Width
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
	fmt.Fprintln(w, wrapText(head, t.width(), 0, 2))
	for _, u := range r.Unread {
		fmt.Fprintf(w, "  %s\n", wrapText(u.String(), t.width(), 2, 4))
	}
	fmt.Fprintln(w)
}

// notEvaluatedText lists, for each part not read, the checks it kept from
// being evaluated, and which of them failed elsewhere.
func notEvaluatedText(w io.Writer, r audit.Result, width int) {
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
		fmt.Fprintf(w, "    %s\n", wrapText(strings.Join(ids, " "), width, 4, 4))
	}
}

// unjudgedText lists the checks that could not be judged on this estate
// at all, each with the reason: not evaluated, as those above, but for
// want of a yardstick rather than of something read.
func unjudgedText(w io.Writer, r audit.Result, width int) {
	ids := unjudged(r)
	if len(ids) == 0 {
		return
	}
	fmt.Fprintln(w, "\nNot evaluated: cannot be judged on this estate")
	col := 0
	for _, id := range ids {
		col = max(col, len(id))
	}
	for _, id := range ids {
		fmt.Fprintf(w, "  %-*s  %s\n", col, id, wrapText(r.Unjudged[id], width, col+4, col+4))
	}
}

// unjudged returns the IDs of the checks of r that could not be judged
// (audit.Result.Unjudged), sorted.
func unjudged(r audit.Result) []string {
	var ids []string
	for _, c := range checksOf(r) {
		if r.Unjudged[c.ID] != "" {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// wrapText lays s out in lines of at most width columns, for a line that
// already holds col columns: each new line starts with indent spaces. A
// newline in s starts a new line, keeping the spaces that open it; runs
// of spaces between words become one; a word longer than a line is not
// broken.
func wrapText(s string, width, col, indent int) string {
	var b strings.Builder
	pad := strings.Repeat(" ", indent)
	n := col
	for i, para := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteString("\n" + pad)
			n = indent
		}
		lead := para[:len(para)-len(strings.TrimLeft(para, " "))]
		b.WriteString(lead)
		n += len(lead)
		for j, word := range strings.Fields(para) {
			wl := utf8.RuneCountInString(word)
			switch {
			case j == 0:
			case n+1+wl > width:
				b.WriteString("\n" + pad + lead)
				n = indent + len(lead)
			default:
				b.WriteString(" ")
				n++
			}
			b.WriteString(word)
			n += wl
		}
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

// where names a finding's resource, with its Region when it has one, and
// the account it is in when the resource does not already name it.
func (t Text) where(f audit.Finding) string {
	s := f.Resource
	if f.Region != "" {
		s += " [" + f.Region + "]"
	}
	if a := accountLabel(t.Meta.AccountNames, f.Account); f.Account != "" && !strings.Contains(f.Resource, f.Account) {
		s += " in " + a
	}
	return s
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// accountLabel names an account by ID with its name beside it, "111111111111
// (log-archive)", or by ID alone when names does not know it; "" for "".
func accountLabel(names map[string]string, id string) string {
	if name := names[id]; name != "" && id != "" {
		return id + " (" + name + ")"
	}
	return id
}
