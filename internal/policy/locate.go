package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Locate returns the 1-based line and column in src of what p is about:
// the character a syntax error is at; else the field p names within its
// statement, the statement, or the document's field ("Version",
// "tags.CostCenter.tag_value"); else the start of the document. Columns
// count characters.
func Locate(src []byte, p Problem) (line, col int) {
	var se *SyntaxError
	if err := checkSyntax(src); errors.As(err, &se) {
		return se.Line, se.Column
	} else if err != nil {
		return 1, 1
	}
	starts := valueStarts(src)
	var candidates []string
	if p.Statement >= 0 {
		for _, stmt := range []string{fmt.Sprintf("Statement[%d]", p.Statement), "Statement"} {
			if p.Field != "" {
				candidates = append(candidates, stmt+"."+p.Field)
			}
			candidates = append(candidates, stmt)
		}
	} else if p.Field != "" {
		candidates = append(candidates, p.Field)
	}
	for _, c := range candidates {
		if off, ok := starts[c]; ok {
			return position(src, int64(off), true)
		}
	}
	return position(src, int64(firstValue(src)), true)
}

// firstValue is the offset of the first character that is not
// whitespace.
func firstValue(src []byte) int {
	return len(src) - len(bytes.TrimLeft(src, " \t\r\n"))
}

// valueStarts maps the paths of src's values, four levels deep, to the
// offsets they start at: object keys joined by ".", array elements as
// "[i]" ("Statement[2].Action"). src must be valid JSON.
func valueStarts(src []byte) map[string]int {
	starts := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(src))
	next := func() int {
		off := int(dec.InputOffset())
		for off < len(src) {
			switch src[off] {
			case ' ', '\t', '\r', '\n', ':', ',':
				off++
				continue
			}
			break
		}
		return off
	}
	var walk func(path string, depth int) error
	walk = func(path string, depth int) error {
		if path != "" {
			starts[path] = next()
		}
		if depth > 4 {
			var skip json.RawMessage
			return dec.Decode(&skip)
		}
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := kt.(string)
				p := key
				if path != "" {
					p = path + "." + key
				}
				if err := walk(p, depth+1); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		return nil
	}
	_ = walk("", 0) // src is valid JSON; an error would only cut the map short
	return starts
}
