package spec

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a spec file. Line and Column start at 1; zero means
// unknown.
type Pos struct {
	Line, Column int
}

// Diagnostic is one problem found in a spec file.
type Diagnostic struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path,omitempty"` // field path, e.g. accounts.payments-prod.email
	Message string `json:"message"`
}

func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", d.Line, d.Column)
	}
	b.WriteString(": ")
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is every problem found in a spec, sorted by position. It is
// the error Load returns when the spec is not valid.
type Diagnostics []Diagnostic

func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

func (ds Diagnostics) sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].File != ds[j].File {
			return ds[i].File < ds[j].File
		}
		if ds[i].Line != ds[j].Line {
			return ds[i].Line < ds[j].Line
		}
		if ds[i].Column != ds[j].Column {
			return ds[i].Column < ds[j].Column
		}
		return ds[i].Message < ds[j].Message
	})
}
