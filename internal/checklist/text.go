package checklist

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Text renders the checklist for a terminal, grouped by state (todo,
// unknown, manual, done; Run's order within a group), a blank line between
// groups, then a summary line:
//
//	TODO     CL-003  MFA on the member account's root user: 222222222222 (payments-prod)
//	    the root user has no MFA device
//	    console: root user sign-in with the account's root e-mail > ...
//
//	14 items: 1 todo, 0 unknown, 7 to verify by hand, 6 done
type Text struct{}

var _ Writer = Text{}

// Write implements Writer.
func (Text) Write(w io.Writer, items []Item) error {
	bw := bufio.NewWriter(w)
	idWidth := 0
	for _, it := range items {
		idWidth = max(idWidth, len(it.ID))
	}
	first := true
	for _, st := range Statuses() {
		group := false
		for _, it := range items {
			if it.State != st {
				continue
			}
			if !group && !first {
				fmt.Fprintln(bw)
			}
			group, first = true, false
			title := it.Title
			if a := (Account{ID: it.AccountID, Name: it.AccountName}); a.ID != "" || a.Name != "" {
				title += ": " + a.label()
			}
			fmt.Fprintf(bw, "%-7s  %-*s  %s\n", strings.ToUpper(st.String()), idWidth, it.ID, title)
			if it.Detail != "" {
				fmt.Fprintf(bw, "    %s\n", indent(it.Detail))
			}
			fmt.Fprintf(bw, "    console: %s\n", indent(it.ConsolePath))
		}
	}
	if !first {
		fmt.Fprintln(bw)
	}
	n := Count(items)
	fmt.Fprintf(bw, "%d items: %d todo, %d unknown, %d to verify by hand, %d done\n", len(items), n[Todo], n[Unknown], n[Manual], n[Done])
	return bw.Flush()
}

// indent keeps continuation lines of a multi-line text under its first.
func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n    ") }
