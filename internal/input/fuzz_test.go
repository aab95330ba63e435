package input

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// fuzzLimit is the depth limit the fuzz targets check against: small, so
// that the fuzzer reaches it often.
const fuzzLimit = 6

// FuzzYAMLDepth checks that the scanner is a sound bound: whatever it
// accepts at a limit, the YAML parser builds at most about twice as deep
// (see yamlDepth), so that the parser's memory stays bounded.
func FuzzYAMLDepth(f *testing.F) {
	for _, s := range []string{
		"a: 1\n", "a:\n  b:\n    - [1, {c: d}]\n", "- - - x\n", "a: |\n  [[[\n", "a: \"[[\n  [[\"\n",
		"[\n[\n[\n", "? [a]\n: - b\n", "a: 'x''[': [1]\n", "{a: [1]}: 2\n", "--- [[[\n...\n--- {\n",
		"a:\n- b:\n  - c:\n    - d\n", "k: &a !t\n  x: *a\n", "# [[[\na: b[c\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, ok := yamlDepth(src, fuzzLimit); !ok {
			return
		}
		file, err := parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
		if err != nil {
			return
		}
		for _, doc := range file.Docs {
			if d := astDepth(doc); d > 2*fuzzLimit+2 {
				t.Fatalf("scanner accepted at limit %d a document the parser built %d deep", fuzzLimit, d)
			}
		}
	})
}

// astDepth counts the collections on the deepest path of n.
func astDepth(n ast.Node) int {
	switch v := n.(type) {
	case nil:
		return 0
	case *ast.DocumentNode:
		return astDepth(v.Body)
	case *ast.MappingNode:
		d := 0
		for _, kv := range v.Values {
			d = max(d, astDepth(kv.Key), astDepth(kv.Value))
		}
		return d + 1
	case *ast.MappingValueNode:
		return 1 + max(astDepth(v.Key), astDepth(v.Value))
	case *ast.MappingKeyNode:
		return astDepth(v.Value)
	case *ast.SequenceNode:
		d := 0
		for _, item := range v.Values {
			d = max(d, astDepth(item))
		}
		return d + 1
	case *ast.AnchorNode:
		return astDepth(v.Value)
	case *ast.TagNode:
		return astDepth(v.Value)
	}
	return 0
}

// FuzzJSONDepth checks that the JSON count is exact for valid JSON: what
// it accepts nests at most to the limit.
func FuzzJSONDepth(f *testing.F) {
	for _, s := range []string{`{}`, `[[[]]]`, `{"a": "[[[[", "b": [{"c": ["\"[["]}]}`, `"\\"`, `[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, ok := jsonDepth(src, fuzzLimit)
		if !json.Valid(src) {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(src))
		depth, deepest := 0, 0
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			switch tok {
			case json.Delim('['), json.Delim('{'):
				depth++
				deepest = max(deepest, depth)
			case json.Delim(']'), json.Delim('}'):
				depth--
			}
		}
		if ok != (deepest <= fuzzLimit) {
			t.Fatalf("jsonDepth says %v for a document %d deep (limit %d)", ok, deepest, fuzzLimit)
		}
	})
}
