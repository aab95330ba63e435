package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
)

// Writer renders an audit result. Writers do not rely on the result's
// findings being sorted, and never modify the result. The error is the
// first write error from w.
type Writer interface {
	Write(w io.Writer, r audit.Result) error
}

var formats = map[string]func() Writer{
	"json": func() Writer { return JSON{} },
	"text": func() Writer { return Text{} },
}

// Formats lists the format names New accepts, sorted.
func Formats() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// New returns the writer for a format name (see Formats), ignoring case.
func New(format string) (Writer, error) {
	f, ok := formats[strings.ToLower(strings.TrimSpace(format))]
	if !ok {
		return nil, fmt.Errorf("unknown report format %q: valid formats are %s", format, strings.Join(Formats(), ", "))
	}
	return f(), nil
}

// sorted returns a sorted copy of the result's findings.
func sorted(r audit.Result) []audit.Finding {
	fs := slices.Clone(r.Findings)
	audit.SortFindings(fs)
	return fs
}

// counts tallies findings by severity.
func counts(fs []audit.Finding) map[audit.Severity]int {
	n := map[audit.Severity]int{}
	for _, f := range fs {
		n[f.Severity]++
	}
	return n
}
