package filterpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

var fuzzPatterns = []string{
	``,
	`{ $.a = 1 }`,
	`{ $.a != "x*" && ($.b[0].c >= -1.5e3 || $.d IS NULL) }`,
	`{ $.['k.k'] NOT EXISTS || $.e IS TRUE || $.f IS FALSE }`,
	`{ $.a = * }`,
	`{ $.a = "\"q\\*" }`,
	`{ ($.a = 1 }`,
	`{ $.a == 1 }`,
	`{ $.a = "x }`,
	`{ $. = 1 }`,
	`{ $.a = 1 && }`,
}

// FuzzParse checks that Parse never panics, and that a rejected pattern is
// a *SyntaxError pointing inside the pattern (or just after it).
func FuzzParse(f *testing.F) {
	for _, s := range fuzzPatterns {
		f.Add(s)
	}
	for _, e := range Library() {
		f.Add(e.Pattern)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		p, err := Parse(pattern)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %v is not a *SyntaxError", pattern, err)
			}
			if n := utf8.RuneCountInString(pattern); se.Pos < 0 || se.Pos > n {
				t.Fatalf("Parse(%q): position %d outside 0..%d", pattern, se.Pos, n)
			}
			return
		}
		if p == nil {
			t.Fatalf("Parse(%q) returned neither a pattern nor an error", pattern)
		}
	})
}

// FuzzMatch checks Match against matchValue on what encoding/json
// decodes: the hand-written scanner must accept exactly json.Valid's JSON
// and see the same values.
func FuzzMatch(f *testing.F) {
	events := [][]byte{
		[]byte(awsExample), []byte(awsCompound), []byte(grammarEvent),
		[]byte(`{"a": 1, "a": {"b": 2}}`), []byte(`{"a": [0, [1, {"c": null}]]}`),
		[]byte("{\"a\": \"\xff\\u00e9\"}"), []byte(`not json`), []byte(`{"a": 1`),
	}
	if files, err := filepath.Glob(filepath.Join("testdata", "*.json")); err == nil {
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				events = append(events, data)
			}
		}
	}
	patterns := append([]string(nil), fuzzPatterns...)
	for _, e := range Library() {
		patterns = append(patterns, e.Pattern)
	}
	for i, ev := range events {
		f.Add(patterns[i%len(patterns)], ev)
	}
	f.Fuzz(func(t *testing.T, pattern string, event []byte) {
		p, err := Parse(pattern)
		if err != nil {
			return
		}
		got, err := p.Match(event)
		if err != nil {
			t.Fatalf("Match: %v", err)
		}
		if p.root == nil {
			if !got {
				t.Fatal("the empty pattern did not match")
			}
			return
		}
		if !json.Valid(event) {
			if got {
				t.Fatalf("Match(%s) matched %q, which is not JSON", pattern, event)
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(event))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("json.Valid but Decode: %v", err)
		}
		if want := p.matchValue(v); got != want {
			t.Fatalf("Match(%s) = %v, matchValue = %v on %q", pattern, got, want, event)
		}
	})
}
