package input

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestYAMLDepth(t *testing.T) {
	tests := map[string]struct {
		src  string
		want int // the smallest limit that accepts src
	}{
		"flat mapping":           {"a: 1\nb: 2\n", 1},
		"nested block":           {"a:\n  b:\n    c: 1\n", 3},
		"list under key":         {"a:\n- 1\n- 2\n", 1},
		"compact list":           {"- - - x\n", 3},
		"list of mappings":       {"a:\n  - b: 1\n    c:\n      d: 2\n", 4},
		"flow":                   {"a: [[1], {b: [2]}]\n", 4},
		"flow over lines":        {"a: [\n  [1,\n   [2]],\n]\nb: 1\n", 4},
		"quoted brackets":        {"a: \"[[[[\"\nb: '{{{{'\n", 1},
		"quoted in flow":         {"a: [\"]]]]\", '[[', \"a\\\"[[\"]\n", 2},
		"escaped single quote":   {"a: ['it''s [[[']\n", 2},
		"multi-line quote":       {"a: \"x [[[\n  ]]] [[[\"\nb: 1\n", 1},
		"comment":                {"a: 1 # [[[[ - - -\n# [[[[\n", 1},
		"block scalar":           {"a: |\n  - - - -\n  [[[[\n  {{{{\nb: 1\n", 1},
		"block scalar in list":   {"- >-\n  [[[[\n- x\n", 1},
		"plain scalar brackets":  {"a: b[c\nd: e{f\n", 1},
		"anchor and tag":         {"a: &x !!map\n  b: [1]\n", 3},
		"document marker":        {"a:\n  b: 1\n---\nc: 1\n", 2},
		"dedent pops":            {"a:\n  b:\n    c: 1\nd:\n  e: 1\n", 3},
		"key in quotes":          {"\"a: [\": [1]\n", 2},
		"flow mapping key value": {"{a: [1]}: 2\n", 2},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if _, ok := yamlDepth([]byte(tt.src), tt.want); !ok {
				t.Errorf("refused at limit %d, want accepted", tt.want)
			}
			if _, ok := yamlDepth([]byte(tt.src), tt.want-1); tt.want > 1 && ok {
				t.Errorf("accepted at limit %d, want refused", tt.want-1)
			}
		})
	}
}

func TestDeepInputsRefusedWhereTheyPassTheLimit(t *testing.T) {
	tests := map[string]struct {
		src        string
		limits     Limits
		yaml       bool
		line, col  int
		wantSubstr string
	}{
		"flow brackets":    {strings.Repeat("[", 100), Spec, true, 1, 65, "nesting deeper than 64 levels, the most groundwork reads for a spec"},
		"block indent":     {deepBlock(70), Spec, true, 65, 65, "nesting deeper than 64 levels"},
		"compact dashes":   {strings.Repeat("- ", 100) + "x\n", Spec, true, 1, 129, "nesting deeper than 64"},
		"json arrays":      {"\n " + strings.Repeat("[", 70), Policy, false, 2, 66, "nesting deeper than 64 levels, the most groundwork reads for a policy file"},
		"json in string":   {`{"a": "` + strings.Repeat("[", 70) + `", "b": ` + strings.Repeat("{", 65), Policy, false, 1, 149, "nesting deeper"},
		"nul":              {"a: 1\nb: \x00\n", Spec, true, 2, 4, "the file has a NUL byte: it is binary, not a spec"},
		"invalid utf8":     {"a: 1\nbé: \xff\n", Spec, true, 2, 5, "the file is not UTF-8 (byte 0xff); save it as UTF-8"},
		"nul after bad":    {"a: \xff\x00", Spec, true, 1, 4, "not UTF-8"},
		"nul before bad":   {"a: \x00\xff", Spec, true, 1, 4, "NUL byte"},
		"json nul":         {"{\"a\": \"\x00\"}", Plan, false, 1, 8, "NUL byte: it is binary, not a saved plan"},
		"too large":        {strings.Repeat("a: 1\n", 10), Limits{Kind: "a spec", Size: 12, Depth: 64}, true, 3, 3, "the file is larger than 12 bytes, the most groundwork reads for a spec"},
		"too large in MiB": {strings.Repeat("x", 1<<20+1), Limits{Kind: "a policy file", Size: 1 << 20, Depth: 64}, false, 1, 1<<20 + 1, "larger than 1 MiB (1048576 bytes)"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			check := JSON
			if tt.yaml {
				check = YAML
			}
			_, err := check("f", []byte(tt.src), tt.limits)
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if e.File != "f" || e.Line != tt.line || e.Column != tt.col || !strings.Contains(e.Message, tt.wantSubstr) {
				t.Errorf("got %s, want f:%d:%d: ...%s...", e, tt.line, tt.col, tt.wantSubstr)
			}
		})
	}
}

// deepBlock is a mapping nested n levels by indentation.
func deepBlock(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	return b.String()
}

func TestBOMIsDroppedAndPositionsStay(t *testing.T) {
	out, err := YAML("f", []byte("\xEF\xBB\xBFa: 1\n"), Spec)
	if err != nil || string(out) != "a: 1\n" {
		t.Fatalf("YAML = %q, %v; want the text without its byte-order mark", out, err)
	}
	_, err = YAML("f", []byte("\xEF\xBB\xBFa: \x00"), Spec)
	if e, ok := AsError(err); !ok || e.Line != 1 || e.Column != 4 {
		t.Errorf("err = %v, want f:1:4 (the mark is not a column)", err)
	}
	out, err = JSON("f", []byte("\xEF\xBB\xBF{}"), Policy)
	if err != nil || string(out) != "{}" {
		t.Errorf("JSON = %q, %v; want {}", out, err)
	}
}

func TestReadFileStopsAtTheLimit(t *testing.T) {
	dir := t.TempDir()
	small, big := filepath.Join(dir, "small"), filepath.Join(dir, "big")
	if err := os.WriteFile(small, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, []byte("ab\ncdef"), 0o600); err != nil {
		t.Fatal(err)
	}
	l := Limits{Kind: "a spec", Size: 4, Depth: 1}
	if b, err := ReadFile(small, l); err != nil || string(b) != "abc" {
		t.Errorf("ReadFile(small) = %q, %v", b, err)
	}
	_, err := ReadFile(big, l)
	if e, ok := AsError(err); !ok || e.Error() != big+":2:2: the file is larger than 4 bytes, the most groundwork reads for a spec" {
		t.Errorf("ReadFile(big) = %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "none"), l); !os.IsNotExist(err) {
		t.Errorf("ReadFile(missing) = %v, want a not-exist error", err)
	}
}
