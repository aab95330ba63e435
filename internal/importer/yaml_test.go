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

// A sequence of mappings, such as the identity section's assignments,
// reads back item by item, nested mappings and empty items included.
func TestSequenceOfMappingsReadsBack(t *testing.T) {
	first := NewNode().Set("permission_set", "Admin").Set("users", []string{"ana", "ben"})
	first.Child("tags").Set("Owner", "platform")
	n := NewNode()
	n.Child("identity").Set("assignments", []*Node{first, NewNode().Set("root", true), NewNode()}).Set("none", []*Node{})
	var b strings.Builder
	n.render(&b, 0)
	var got struct {
		Identity struct {
			Assignments []map[string]any `yaml:"assignments"`
			None        []map[string]any `yaml:"none"`
		} `yaml:"identity"`
	}
	if err := yaml.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	as := got.Identity.Assignments
	if len(as) != 3 || as[0]["permission_set"] != "Admin" || len(as[0]["users"].([]any)) != 2 ||
		as[0]["tags"].(map[string]any)["Owner"] != "platform" || as[1]["root"] != true || len(as[2]) != 0 ||
		got.Identity.None == nil || len(got.Identity.None) != 0 {
		t.Errorf("read back %+v from\n%s", got.Identity, b.String())
	}
}
