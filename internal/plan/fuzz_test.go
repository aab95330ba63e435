package plan_test

import (
	"errors"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/input"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// FuzzParse checks that no input makes loading a saved plan panic, that
// every problem is an *input.Error with a position, and that a plan it
// accepts is valid and saves and loads back the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"format_version": 2, "fingerprint": "f", "changes": [{"address": "unit/A", "kind": "unit", "action": "create"}, {"address": "account/a", "kind": "account", "action": "update", "depends_on": ["unit/A"], "before": {"x": "1"}, "after": {"x": "2"}, "value": {"n": [1, 2]}}]}`,
		`{"format_version": 2, "changes": [{"address": "a", "depends_on": ["a"]}]}`,
		`{"format_version": 1}`, `[]`, ``, `{"format_version": 2, "changes": [{"action": "destroy"}]}`,
		`{"format_version": 2, "changes": {"a": 1}}`, `{"format_version": 2}{}`, "\xef\xbb\xbf{\"format_version\": 2}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := plan.Parse("plan.json", src)
		if err != nil {
			var e *input.Error
			if !errors.As(err, &e) || e.File != "plan.json" || e.Line < 1 || e.Column < 1 || e.Message == "" {
				t.Fatalf("error %T (%v), want an *input.Error with a position", err, err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse accepted a plan Validate refuses: %v", err)
		}
		b, err := p.Marshal()
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		if _, err := plan.Parse("plan.json", b); err != nil {
			t.Fatalf("a saved plan does not load back: %v\n%s", err, b)
		}
	})
}
