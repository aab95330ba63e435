package audit

import (
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// checkCase is one row of a check's table test: edit a clean estate, run
// the check, compare the findings' resources in order and look for msg in
// the first finding's message.
type checkCase struct {
	check string
	edit  func(e *estate.Estate)
	want  []string // resources of the findings, in order
	msg   string   // part of the first finding's message
}

// findingRule is what a test file holds every finding of its rows to,
// beyond the resources and the first finding's message.
type findingRule func(t *testing.T, tt checkCase, f Finding)

// everyMessage holds every finding, not only the first, to the row's msg.
func everyMessage(t *testing.T, tt checkCase, f Finding) {
	t.Helper()
	if !strings.Contains(f.Message, tt.msg) {
		t.Errorf("message %q does not say %q", f.Message, tt.msg)
	}
}

// runCases runs each row as a subtest on a fresh estate from clean, which
// every check the rows name must pass unedited, and holds every finding
// to each of rules. A row with msg but no findings fails rather than
// passing unchecked.
func runCases(t *testing.T, clean func() *estate.Estate, tests map[string]checkCase, rules ...findingRule) {
	t.Helper()
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := clean()
			if tt.edit != nil {
				tt.edit(e)
			}
			fs := runCheck(t, tt.check, e)
			var got []string
			for _, f := range fs {
				got = append(got, f.Resource)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("resources = %q, want %q; findings: %+v", got, tt.want, fs)
			}
			if tt.msg != "" {
				if len(fs) == 0 {
					t.Fatalf("no finding to carry message %q", tt.msg)
				}
				if !strings.Contains(fs[0].Message, tt.msg) {
					t.Errorf("message = %q, want it to contain %q", fs[0].Message, tt.msg)
				}
			}
			for _, f := range fs {
				for _, rule := range rules {
					rule(t, tt, f)
				}
			}
		})
	}
}

// runCheck runs one registered check the way Run does, sorted.
func runCheck(t *testing.T, id string, e *estate.Estate) []Finding {
	t.Helper()
	for _, c := range Checks() {
		if c.ID == id {
			fs := run(c, e)
			SortFindings(fs)
			return fs
		}
	}
	t.Fatalf("check %s is not registered", id)
	return nil
}
