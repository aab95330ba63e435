package plan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/plan"
)

// Every problem with a saved plan is placed at file:line:column.
func TestParseRefusesAtThePosition(t *testing.T) {
	tests := map[string]struct{ json, want string }{
		"not JSON":          {"plan", "plan.json:1:1: not a saved plan: invalid character 'p' looking for beginning of value"},
		"cut short":         {"{\"format_version\": 2,\n \"changes\": [", "plan.json:2:14: not a saved plan: unexpected end of JSON input"},
		"not an object":     {"[]", "plan.json:1:1: not a saved plan: expected a JSON object"},
		"wrong version":     {"{\"format_version\": 3,\n \"changes\": []}", "plan.json:1:20: plan format version 3 is not supported (want 2); make the plan again with this groundwork"},
		"no version":        {"{\"changes\": []}", "plan.json:1:1: plan format version 0 is not supported (want 2); make the plan again with this groundwork"},
		"unknown field":     {"{\"format_version\": 2,\n \"changez\": []}", `plan.json:2:2: unknown field "changez" in a saved plan; expected one of: format_version, spec, access_role, reads, fingerprint, changes, notes, left_alone`},
		"unknown action":    {"{\"format_version\": 2, \"changes\": [\n {\"address\": \"a\", \"kind\": \"k\", \"action\": \"destroy\"}]}", `plan.json:2:42: unknown plan action "destroy"; want one of no-op, create, update, delete`},
		"wrong type":        {"{\"format_version\": 2, \"changes\": [\n {\"address\": 7}]}", "plan.json:2:14: changes[0].address: expected a string, found a JSON number"},
		"duplicate":         {"{\"format_version\": 2, \"changes\": [\n {\"address\": \"a\"},\n {\"address\": \"a\"}]}", "plan.json:3:14: plan lists a twice"},
		"missing depend":    {"{\"format_version\": 2, \"changes\": [\n {\"address\": \"a\", \"depends_on\": [\"b\"]}]}", "plan.json:2:33: a depends on b, which is not in the plan"},
		"cycle":             {"{\"format_version\": 2, \"changes\": [\n {\"address\": \"a\", \"depends_on\": [\"b\"]},\n {\"address\": \"b\", \"depends_on\": [\"a\"]}]}", "plan.json:2:2: plan has a dependency cycle through a"},
		"unknown in change": {"{\"format_version\": 2, \"changes\": [\n {\"adress\": \"a\"}]}", `plan.json:2:3: unknown field "adress" in changes[0]; expected one of: address, kind, action, group, before, after, reason, depends_on, needs_allow_delete, basis, confirm, adopt, value`},
		"trailing data":     {"{\"format_version\": 2}\n{}", "plan.json:2:1: not a saved plan: invalid character '{' after top-level value"},
		"too deep":          {"{\"format_version\": 2, \"changes\": [{\"value\": " + strings.Repeat("[", 100), "plan.json:1:106: nesting deeper than 64 levels, the most groundwork reads for a saved plan"},
		"NUL":               {"{\"format_version\": 2,\x00}", "plan.json:1:22: the file has a NUL byte: it is binary, not a saved plan"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := plan.Parse("plan.json", []byte(tt.json))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse = %v\nwant    %s", err, tt.want)
			}
		})
	}
}

func TestLoadRoundTrip(t *testing.T) {
	p := representative()
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, append([]byte("\xEF\xBB\xBF"), b...), 0o600); err != nil {
		t.Fatal(err)
	}
	q, err := plan.Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(q.Changes) != len(p.Changes) || q.Fingerprint != p.Fingerprint {
		t.Errorf("Load read %d changes, fingerprint %q; saved %d, %q", len(q.Changes), q.Fingerprint, len(p.Changes), p.Fingerprint)
	}
	if _, err := plan.Load(filepath.Join(t.TempDir(), "none.json")); err == nil || !strings.HasPrefix(err.Error(), "read plan: ") {
		t.Errorf("Load(missing) = %v, want a read plan error", err)
	}
}
