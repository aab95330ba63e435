package importer

import (
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestScalarsReadBack writes awkward strings as keys, values and flow list
// items and checks that the YAML parser the spec uses reads them back.
func TestScalarsReadBack(t *testing.T) {
	strs := []string{
		"plain", "Two words", "yes", "No", "TRUE", "null", "~", "", " lead", "trail ", "a  b", "123", "0x1F", "1e3",
		"2024-01-01", "+1-555-0100", "-dash", "a: b", "a:b", "#x", "a #b", "a, b", "[x]", "{x}", "*star", "&amp",
		"!tag", "|bar", ">gt", "%pct", "@at", "`tick", `q"uote`, "it's", `back\slash`, "tab\there", "line\nbreak",
		"café", "ctrl\x01", "ec2:instance", "/org-admin/", ".inf", "-.inf", ".nan", "<<", "? q", "a=b", "(x)",
	}
	for _, s := range strs {
		n := NewNode()
		n.Set("value", s)
		n.Set(s, "key")
		n.Set("list", []string{s, s})
		var b strings.Builder
		n.render(&b, 0)
		var got struct {
			Value string   `yaml:"value"`
			List  []string `yaml:"list"`
		}
		if err := yaml.Unmarshal([]byte(b.String()), &got); err != nil {
			t.Errorf("%q: %v\n%s", s, err, b.String())
			continue
		}
		var keys map[string]any
		if err := yaml.Unmarshal([]byte(b.String()), &keys); err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if got.Value != s || len(got.List) != 2 || got.List[0] != s || keys[s] != "key" {
			t.Errorf("%q read back as value %q, list %q, key present %v\n%s", s, got.Value, got.List, keys[s] == "key", b.String())
		}
	}
}
