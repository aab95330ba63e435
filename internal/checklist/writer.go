package checklist

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Writer renders a checklist. Writers never modify the items. The error
// is the first write error from w.
type Writer interface {
	Write(w io.Writer, items []Item) error
}

var formats = map[string]func() Writer{
	"json": func() Writer { return JSON{} },
	"text": func() Writer { return Text{} },
}

// Formats lists the format names NewWriter accepts, sorted.
func Formats() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// NewWriter returns the writer for a format name (see Formats), ignoring
// case.
func NewWriter(format string) (Writer, error) {
	f, ok := formats[strings.ToLower(strings.TrimSpace(format))]
	if !ok {
		return nil, fmt.Errorf("unknown output format %q: valid formats are %s", format, strings.Join(Formats(), ", "))
	}
	return f(), nil
}

// Count tallies items by state.
func Count(items []Item) map[Status]int {
	n := map[Status]int{}
	for _, it := range items {
		n[it.State]++
	}
	return n
}
