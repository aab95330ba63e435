package plan

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Render writes the plan for people: changes grouped by OU, each with its
// attribute changes, then notes and a summary line. allowDelete says
// whether the apply this plan is shown for may delete.
func Render(w io.Writer, p *Plan, allowDelete bool) {
	if !p.HasChanges() {
		fmt.Fprintln(w, "No changes. The organization matches the spec.")
		renderNotes(w, p)
		return
	}
	groups := map[string][]Change{}
	var names []string
	for _, ch := range p.Changes {
		if ch.Action == NoOp {
			continue
		}
		if _, ok := groups[ch.Group]; !ok {
			names = append(names, ch.Group)
		}
		groups[ch.Group] = append(groups[ch.Group], ch)
	}
	sort.Strings(names)
	for _, g := range names {
		title := "Root"
		if g != "" {
			title = "Root/" + g
		}
		fmt.Fprintf(w, "%s\n", title)
		for _, ch := range groups[g] {
			renderChange(w, ch, allowDelete)
		}
		fmt.Fprintln(w)
	}
	renderNotes(w, p)
	c := p.Counts()
	fmt.Fprintf(w, "Plan: %d to create, %d to update, %d to delete.\n", c[Create], c[Update], c[Delete])
	if held := heldDeletes(p); held > 0 && !allowDelete {
		fmt.Fprintf(w, "%d of them remove or detach something and run only with --allow-delete.\n", held)
	}
}

func heldDeletes(p *Plan) int {
	n := 0
	for _, ch := range p.Changes {
		if ch.NeedsAllowDelete && ch.Action != NoOp {
			n++
		}
	}
	return n
}

func renderChange(w io.Writer, ch Change, allowDelete bool) {
	suffix := ""
	if ch.NeedsAllowDelete && !allowDelete {
		suffix = "  (needs --allow-delete)"
	}
	name := strings.TrimPrefix(ch.Address, ch.Kind+"/")
	if name == ch.Kind {
		name = ""
	} else {
		name = " " + name
	}
	fmt.Fprintf(w, "  %s %s%s%s\n", ch.Action.Symbol(), ch.Kind, name, suffix)
	if ch.Reason != "" {
		fmt.Fprintf(w, "      # %s\n", ch.Reason)
	}
	keys := map[string]bool{}
	for k := range ch.Before {
		keys[k] = true
	}
	for k := range ch.After {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		b, hasB := ch.Before[k]
		a, hasA := ch.After[k]
		switch {
		case ch.Action == Create:
			fmt.Fprintf(w, "      %-12s = %q\n", k, a)
		case ch.Action == Delete:
			fmt.Fprintf(w, "      %-12s = %q\n", k, b)
		case hasB && hasA && a != b:
			fmt.Fprintf(w, "      %-12s : %q -> %q\n", k, b, a)
		case !hasB && hasA:
			fmt.Fprintf(w, "      %-12s : (none) -> %q\n", k, a)
		case hasB && !hasA:
			fmt.Fprintf(w, "      %-12s : %q -> (removed)\n", k, b)
		}
	}
}

func renderNotes(w io.Writer, p *Plan) {
	if len(p.Notes) == 0 {
		return
	}
	fmt.Fprintln(w, "Left alone:")
	for _, n := range p.Notes {
		fmt.Fprintf(w, "  * %s\n", n)
	}
	fmt.Fprintln(w)
}
