package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/input"
)

// Load reads a plan saved with `groundwork plan --out`. The file is
// bounded before it is decoded (input.Plan: 32 MiB, 64 levels, UTF-8
// without NUL), and every problem with it, from broken JSON to a
// dependency cycle, is an *input.Error placed at file:line:column. Other
// errors are the os package's wrapped ("read plan: ...").
func Load(path string) (*Plan, error) {
	b, err := input.ReadFile(path, input.Plan)
	if _, ok := input.AsError(err); ok {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return Parse(path, b)
}

// Parse is Load for a plan already in memory; name is used in messages.
func Parse(name string, b []byte) (*Plan, error) {
	b, err := input.JSON(name, b, input.Plan)
	if err != nil {
		return nil, err
	}
	at := func(off int, format string, args ...any) error {
		line, col := input.Position(b, off)
		return &input.Error{File: name, Line: line, Column: col, Message: fmt.Sprintf(format, args...)}
	}
	// RawMessage: the syntax check without building the whole value.
	if err := json.Unmarshal(b, new(json.RawMessage)); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off := int(se.Offset) - 1
			if se.Error() == "unexpected end of JSON input" {
				off = len(b)
			}
			return nil, at(off, "not a saved plan: %s", se.Error())
		}
		return nil, at(0, "not a saved plan: %v", err)
	}
	idx, err := indexPlan(b)
	var version struct {
		FormatVersion int `json:"format_version"`
	}
	_ = json.Unmarshal(b, &version) // a wrong type is reported below
	if version.FormatVersion != FormatVersion && (err == nil || idx.object) {
		// Before any other problem: a plan of another version has other
		// fields, and making it again is the one thing to do.
		return nil, at(idx.start("format_version"), "plan format version %d is not supported (want %d); make the plan again with this groundwork", version.FormatVersion, FormatVersion)
	}
	if err != nil {
		return nil, at(idx.problemAt, "%v", err)
	}
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			off := idx.enclosing(int(te.Offset))
			path := idx.pathAt(off, te.Field)
			// Within a change only some fields are indexed: name the
			// field from the error.
			if field := te.Field[strings.LastIndexByte(te.Field, '.')+1:]; strings.HasPrefix(te.Field, "changes.") && !strings.HasSuffix(path, "."+field) {
				path += "." + field
			}
			return nil, at(off, "%s: expected %s, found a JSON %s", path, typeName(te.Type), te.Value)
		}
		// An action's UnmarshalText error carries no offset: find the
		// action it is about.
		for i, a := range idx.actions {
			var act Action
			if act.UnmarshalText([]byte(a)) != nil {
				return nil, at(idx.start(fmt.Sprintf("changes[%d].action", i)), "unknown plan action %q; want one of %s", a, strings.Join(actionNames[:], ", "))
			}
		}
		return nil, at(0, "read plan: %v", err)
	}
	if path, err := p.check(); err != nil {
		return nil, at(idx.start(path), "%v", err)
	}
	return &p, nil
}

// planIndex is where the values of a saved plan start, down to the fields
// of each change, for messages.
type planIndex struct {
	// starts maps a path ("format_version", "changes[2].address") to the
	// offset its value starts at; offsets is the same, sorted by offset.
	starts  map[string]int
	offsets []pathStart
	// actions are the changes' actions as written.
	actions []string
	// problemAt is where the problem indexPlan returned is.
	problemAt int
	// object is whether the plan is a JSON object.
	object bool
}

type pathStart struct {
	off  int
	path string
}

func (x *planIndex) start(path string) int {
	for p := path; p != ""; {
		if off, ok := x.starts[p]; ok {
			return off
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

// pathAt returns the path of the value indexed at off, or fallback.
func (x *planIndex) pathAt(off int, fallback string) string {
	i := sort.Search(len(x.offsets), func(i int) bool { return x.offsets[i].off >= off })
	// Of the values starting at off, the innermost was indexed last.
	path := fallback
	for ; i < len(x.offsets) && x.offsets[i].off == off; i++ {
		path = x.offsets[i].path
	}
	if path == "" {
		return "the plan"
	}
	return path
}

// typeName says what a Go type is in JSON's words.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

// enclosing returns the start of the last indexed value that starts
// before off: the value an error at off is in.
func (x *planIndex) enclosing(off int) int {
	i := sort.Search(len(x.offsets), func(i int) bool { return x.offsets[i].off >= off })
	if i == 0 {
		return 0
	}
	return x.offsets[i-1].off
}

// planFields and changeFields are the keys a plan and a change may have.
var (
	planFields   = jsonFields(Plan{})
	changeFields = jsonFields(Change{})
)

// indexPlan records where the top-level fields, the changes and their
// fields start, and refuses keys a plan does not have (a plan edited by
// hand, or made by another version). b is valid JSON.
func indexPlan(b []byte) (*planIndex, error) {
	x := &planIndex{starts: map[string]int{}}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	record := func(path string) int {
		off := valueStart(b, int(dec.InputOffset()))
		x.starts[path] = off
		x.offsets = append(x.offsets, pathStart{off, path})
		return off
	}
	// object walks the keys of the object whose '{' was just read, calling
	// value for each key.
	object := func(path string, known []string, value func(key, path string) error) error {
		for dec.More() {
			keyOff := valueStart(b, int(dec.InputOffset()))
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key := tok.(string)
			if known != nil && !slices.Contains(known, key) {
				x.problemAt = keyOff
				where := "a saved plan"
				if path != "" {
					where = path
				}
				return fmt.Errorf("unknown field %q in %s; expected one of: %s", key, where, strings.Join(known, ", "))
			}
			p := key
			if path != "" {
				p = path + "." + key
			}
			if err := value(key, p); err != nil {
				return err
			}
		}
		_, err := dec.Token() // '}'
		return err
	}
	skip := func() error {
		var v json.RawMessage
		return dec.Decode(&v)
	}
	record("")
	tok, err := dec.Token()
	if err != nil {
		return x, err
	}
	if tok != json.Delim('{') {
		return x, fmt.Errorf("not a saved plan: expected a JSON object")
	}
	x.object = true
	err = object("", planFields, func(key, path string) error {
		off := record(path)
		if key != "changes" || b[off] != '[' {
			return skip()
		}
		if _, err := dec.Token(); err != nil { // '['
			return err
		}
		for i := 0; dec.More(); i++ {
			cp := fmt.Sprintf("changes[%d]", i)
			off := record(cp)
			if b[off] != '{' {
				if err := skip(); err != nil {
					return err
				}
				continue
			}
			if _, err := dec.Token(); err != nil { // '{'
				return err
			}
			action := ""
			err := object(cp, changeFields, func(key, path string) error {
				// Only the fields messages point into are indexed: a plan
				// holds hundreds of thousands of changes.
				off := valueStart(b, int(dec.InputOffset()))
				if key == "address" || key == "action" || key == "depends_on" {
					record(path)
				}
				if key == "action" && b[off] == '"' {
					var s string
					if err := dec.Decode(&s); err != nil {
						return err
					}
					action = s
					return nil
				}
				return skip()
			})
			if err != nil {
				return err
			}
			x.actions = append(x.actions, action)
		}
		_, err := dec.Token() // ']'
		return err
	})
	return x, err
}

// valueStart moves off past whitespace and the separators between JSON
// tokens, to where the next value or key starts.
func valueStart(b []byte, off int) int {
	for off < len(b) {
		switch b[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// jsonFields lists the JSON names of a struct's fields.
func jsonFields(v any) []string {
	var out []string
	t := reflect.TypeOf(v)
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}
