package spec_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// inventoryFile is a small file format for the Document tests: a version,
// a list of mappings and a map of lists, as other groundwork files have.
type inventoryFile struct {
	Version int             `yaml:"version"`
	Owner   string          `yaml:"owner"`
	Items   []inventoryItem `yaml:"items"`
	Groups  map[string]struct {
		Members []string `yaml:"members"`
		Active  bool     `yaml:"active"`
	} `yaml:"groups"`
}

type inventoryItem struct {
	Name  string `yaml:"name"`
	Count int    `yaml:"count"`
	Note  string `yaml:"note"`
}

var inventoryKind = spec.DocumentKind{Noun: "an inventory file", Empty: "write `version: 1`"}

// decodeInventory decodes src and returns the document and what it holds.
func decodeInventory(src string) (*spec.Document, inventoryFile) {
	var f inventoryFile
	doc := spec.DecodeDocument("inv.yaml", []byte(src), &f, inventoryKind)
	return doc, f
}

// diagnosticLines returns err's diagnostics one a line, failing the test
// when err is not a spec.Diagnostics.
func diagnosticLines(t *testing.T, err error) []string {
	t.Helper()
	var ds spec.Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("error = %v (%T), want spec.Diagnostics", err, err)
	}
	return strings.Split(ds.Error(), "\n")
}

func TestDecodeDocument(t *testing.T) {
	doc, f := decodeInventory(`version: 1
owner: platform
items:
  - name: disks
    count: 3
    note: |
      kept for
      the audit
  - {name: tapes}
groups:
  ops: {members: [ana, bo], active: true}
`)
	if err := doc.Err(); err != nil {
		t.Fatalf("Err() = %v, want nil", err)
	}
	if f.Version != 1 || f.Owner != "platform" || len(f.Items) != 2 {
		t.Fatalf("decoded %+v", f)
	}
	if want := (inventoryItem{Name: "disks", Count: 3, Note: "kept for\nthe audit\n"}); f.Items[0] != want {
		t.Errorf("items[0] = %+v, want %+v (a block scalar is its text, not its source)", f.Items[0], want)
	}
	if g := f.Groups["ops"]; !g.Active || !slices.Equal(g.Members, []string{"ana", "bo"}) {
		t.Errorf("groups.ops = %+v", g)
	}
	for path, want := range map[string]bool{
		"version": true, "items[0].note": true, "items[1].name": true, "groups.ops.members[1]": true,
		"items[1].count": false, "groups.ops.owner": false, "missing": false,
	} {
		if got := doc.Has(path); got != want {
			t.Errorf("Has(%q) = %v, want %v", path, got, want)
		}
	}
	for path, want := range map[string]spec.Pos{
		"owner":          {Line: 2, Column: 8},
		"items[0].count": {Line: 5, Column: 12},
		"items[1].name":  {Line: 9, Column: 12},
		"count":          {},
	} {
		if got := doc.Pos(path); got != want {
			t.Errorf("Pos(%q) = %+v, want %+v", path, got, want)
		}
	}
}

func TestDocumentErrorf(t *testing.T) {
	src := `version: 1
items:
  - name: disks
    count: 3
  - count: 4
  - name: tapes
groups:
  ops:
    active: true
`
	tests := map[string]struct {
		path string
		want string
	}{
		"at the value":                 {"items[0].count", "inv.yaml:4:12: items[0].count: bad"},
		"missing from a list item":     {"items[1].name", "inv.yaml:5:5: items[1].name: bad"},
		"missing from a one-key item":  {"items[2].count", "inv.yaml:6:5: items[2].count: bad"},
		"missing from a keyed mapping": {"groups.ops.members", "inv.yaml:8:3: groups.ops.members: bad"},
		// The root mapping's node is the ':' of its first key, as for
		// foundation.yaml.
		"missing at the top":            {"owner", "inv.yaml:1:8: owner: bad"},
		"missing below a missing field": {"groups.dev.members", "inv.yaml:7:1: groups.dev.members: bad"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			doc, _ := decodeInventory(src)
			if err := doc.Err(); err != nil {
				t.Fatalf("Err() before Errorf = %v", err)
			}
			doc.Errorf(tt.path, "%s", "bad")
			if got := diagnosticLines(t, doc.Err()); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDocumentAllProblemsAtOnce(t *testing.T) {
	doc, f := decodeInventory(`version: one
owner: [a, b]
itmes: []
items:
  - name: disks
    count: 3
    count: 5
    colour: red
  - just a name
groups:
  ops: {members: ana, active: yes please}
`)
	// The caller's own validation, on what could be decoded: a problem
	// below a value that failed to decode is not reported again.
	if f.Items[0].Count != 3 {
		t.Errorf("items[0].count = %d, want the first of the duplicates, 3", f.Items[0].Count)
	}
	doc.Errorf("items[0].name", "%q is not a known item", f.Items[0].Name)
	doc.Errorf("version", "unsupported version %d", f.Version)
	doc.Errorf("items[1].name", "missing name")
	doc.Errorf("groups.ops.members[0]", "unknown member")
	want := []string{
		`inv.yaml:1:10: version: expected a whole number, found a string`,
		`inv.yaml:2:8: owner: expected a string, found a list`,
		`inv.yaml:3:1: itmes: unknown field "itmes"; expected one of: groups, items, owner, version (did you mean "items"?)`,
		`inv.yaml:5:11: items[0].name: "disks" is not a known item`,
		`inv.yaml:7:5: items[0].count: duplicate key "count"`,
		`inv.yaml:8:5: items[0].colour: unknown field "colour"; expected one of: count, name, note`,
		`inv.yaml:9:5: items[1]: expected a mapping, found a string`,
		`inv.yaml:11:18: groups.ops.members: expected a list, found a string`,
		`inv.yaml:11:31: groups.ops.active: expected true or false, found a string`,
	}
	if got := diagnosticLines(t, doc.Err()); !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDocumentWholeFile(t *testing.T) {
	tests := map[string]struct {
		src  string
		want string
	}{
		"empty":                           {"", "inv.yaml:1:1: the file is empty; write `version: 1`"},
		"only comments":                   {"# soon\n", "inv.yaml:1:1: the file is empty; write `version: 1`"},
		"two documents":                   {"version: 1\n---\nversion: 1\n", "inv.yaml:2:1: found 2 YAML documents; an inventory file is exactly one"},
		"a scalar then an empty document": {"0000\n---", "inv.yaml:1:1: expected a mapping, found a number"},
		"broken YAML":                     {"items: [\n", "inv.yaml:1:8: invalid YAML: sequence end token ']' not found"},
		"not a mapping":                   {"- name: disks\n", "inv.yaml:1:1: expected a mapping, found a list"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			doc, f := decodeInventory(tt.src)
			if f.Version != 0 || f.Items != nil {
				t.Errorf("decoded %+v from a broken file", f)
			}
			// Validation of a file that could not be read says nothing more.
			doc.Errorf("version", "missing version")
			doc.Errorf("items[0].name", "missing name")
			if got := diagnosticLines(t, doc.Err()); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDocumentErrIsACopy(t *testing.T) {
	doc, _ := decodeInventory("version: 1\n")
	doc.Errorf("owner", "missing owner")
	first := doc.Err()
	doc.Errorf("items", "missing items")
	if got := len(diagnosticLines(t, first)); got != 1 {
		t.Errorf("an earlier Err() changed after Errorf: %d diagnostics, want 1", got)
	}
	if got := len(diagnosticLines(t, doc.Err())); got != 2 {
		t.Errorf("Err() = %d diagnostics, want 2", got)
	}
}
