package plan

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Render writes the plan for people: changes grouped by OU, each with its
// attribute changes, then what is left alone and a summary line.
// allowDelete says whether the apply this plan is shown for may delete.
func Render(w io.Writer, p *Plan, allowDelete bool) {
	RenderFor(w, p, Release{AllowDelete: allowDelete})
}

// RenderFor is Render for an apply that releases what r releases.
func RenderFor(w io.Writer, p *Plan, r Release) {
	if !p.HasChanges() {
		fmt.Fprintln(w, "No changes. The organization matches the spec.")
		renderAdoptions(w, p)
		if len(p.Notes) > 0 || len(p.LeftAlone) > 0 {
			fmt.Fprintln(w)
		}
		renderNotes(w, p)
		return
	}
	groups := map[string][]Change{}
	var names []string
	for _, ch := range p.Changes {
		if ch.Action == NoOp || ch.Adopt {
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
			renderChange(w, ch, r)
		}
		fmt.Fprintln(w)
	}
	renderNotes(w, p)
	c := p.Counts()
	fmt.Fprintf(w, "Plan: %d to create, %d to update, %d to delete.\n", c[Create], c[Update], c[Delete])
	renderAdoptions(w, p)
	held := map[string]int{}
	var flags []string
	for _, ch := range p.Changes {
		if ch.Action != NoOp && !r.Releases(ch) {
			if held[ch.Flag()] == 0 {
				flags = append(flags, ch.Flag())
			}
			held[ch.Flag()]++
		}
	}
	sort.Strings(flags)
	for _, f := range flags {
		fmt.Fprintf(w, "%d of them remove or detach something and run only with %s.\n", held[f], f)
	}
}

// renderAdoptions says what apply marks as groundwork's without changing
// it.
func renderAdoptions(w io.Writer, p *Plan) {
	a := p.Adoptions()
	if len(a) == 0 {
		return
	}
	addrs := make([]string, len(a))
	for i, ch := range a {
		addrs[i] = ch.Address
	}
	fmt.Fprintf(w, "Adopt: apply marks %d resources the spec declares as groundwork's (they predate its marker), changing nothing else: %s.\n",
		len(a), strings.Join(addrs, ", "))
}

func renderChange(w io.Writer, ch Change, r Release) {
	suffix := ""
	if !r.Releases(ch) {
		suffix = "  (needs " + ch.Flag() + ")"
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
	width := 0
	for _, k := range sorted {
		width = max(width, len(k))
	}
	for _, k := range sorted {
		b, hasB := ch.Before[k]
		a, hasA := ch.After[k]
		switch {
		case ch.Action == Create:
			renderValue(w, width, k, "=", a)
		case ch.Action == Delete:
			renderValue(w, width, k, "=", b)
		case hasB && hasA && a != b && (strings.Contains(a, "\n") || strings.Contains(b, "\n")):
			fmt.Fprintf(w, "      %-*s :\n", width, k)
			for _, l := range lineDiff(strings.Split(b, "\n"), strings.Split(a, "\n")) {
				fmt.Fprintf(w, "          %s\n", l)
			}
		case hasB && hasA && a != b:
			fmt.Fprintf(w, "      %-*s : %q -> %q\n", width, k, b, a)
		case !hasB && hasA:
			fmt.Fprintf(w, "      %-*s : (none) -> %q\n", width, k, a)
		case hasB && !hasA:
			fmt.Fprintf(w, "      %-*s : %q -> (removed)\n", width, k, b)
		}
	}
}

// renderValue prints one attribute; a multi-line value (a policy
// document) is printed as an indented block a reviewer can read.
func renderValue(w io.Writer, width int, k, op, v string) {
	if !strings.Contains(v, "\n") {
		fmt.Fprintf(w, "      %-*s %s %q\n", width, k, op, v)
		return
	}
	fmt.Fprintf(w, "      %-*s %s\n", width, k, op)
	for _, l := range strings.Split(v, "\n") {
		fmt.Fprintf(w, "          %s\n", l)
	}
}

// lineDiff returns b turned into a as lines prefixed "- ", "+ " or "  ",
// from a longest common subsequence; policy documents are short enough
// for its quadratic cost.
func lineDiff(b, a []string) []string {
	n, m := len(b), len(a)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if b[i] == a[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && b[i] == a[j]:
			out = append(out, "  "+b[i])
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			out = append(out, "+ "+a[j])
			j++
		default:
			out = append(out, "- "+b[i])
			i++
		}
	}
	return out
}

func renderNotes(w io.Writer, p *Plan) {
	if len(p.Notes) == 0 && len(p.LeftAlone) == 0 {
		return
	}
	fmt.Fprintln(w, "Left alone:")
	for _, l := range p.LeftAlone {
		fmt.Fprintf(w, "  * %s %s: %s\n", l.Action, l.Address, l.Reason)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "  * %s\n", n)
	}
	fmt.Fprintln(w)
}
