package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Document is an IAM-grammar policy document: an SCP or an IAM policy.
type Document struct {
	Version    string
	Statements []Statement
}

// Statement is one statement of a Document. Lists hold what the document
// said, whether it wrote a single string or a list; an element the document
// left out is nil.
type Statement struct {
	Sid         string
	Effect      string
	Action      []string
	NotAction   []string
	Resource    []string
	NotResource []string
	// Principal and NotPrincipal are kept as written; they appear only in
	// resource-based policies.
	Principal    json.RawMessage
	NotPrincipal json.RawMessage
	// Condition maps an operator to condition keys and their values.
	// Booleans and numbers are kept as their JSON text ("true", "10").
	Condition map[string]map[string][]string
}

// SyntaxError is a document that is not JSON, with the position of the
// first offending character.
type SyntaxError struct {
	Line, Column int    // 1-based; Column counts characters, not bytes
	Offset       int64  // byte offset json reported
	Msg          string // what encoding/json said
	err          error
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

func (e *SyntaxError) Unwrap() error { return e.err }

// Parse reads a policy document. It accepts what IAM accepts: Statement as
// one object or a list, a single string wherever a list of strings is
// allowed, and booleans or numbers as condition values. It rejects a
// document whose shape cannot be represented (an Action that is a number,
// say) and reports every such problem in the returned error; an invalid
// JSON document yields a *SyntaxError. Parse does not check the IAM rules
// (Effect values, action format, ...): Lint does.
func Parse(src []byte) (*Document, error) {
	if err := checkSyntax(src); err != nil {
		return nil, fmt.Errorf("parse policy: %w", err)
	}
	var c collector
	doc, _ := decodeDocument(src, &c)
	if len(c.problems) > 0 {
		errs := make([]error, len(c.problems))
		for i, p := range c.problems {
			errs[i] = p
		}
		return nil, fmt.Errorf("parse policy: %w", errors.Join(errs...))
	}
	return doc, nil
}

// checkSyntax returns a *SyntaxError for src that is not one JSON value.
func checkSyntax(src []byte) error {
	var v any
	err := json.Unmarshal(src, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := position(src, se.Offset, se.Error() == "unexpected end of JSON input")
		return &SyntaxError{Line: line, Column: col, Offset: se.Offset, Msg: se.Error(), err: err}
	}
	return err
}

// rawDocument remembers which keys a document and its statements used, for
// the checks Parse leaves to Lint.
type rawDocument struct {
	top        map[string]json.RawMessage
	statements []map[string]json.RawMessage
	// statementList is false when Statement was a single object.
	statementList bool
}

// decodeDocument builds a Document from valid JSON, recording in c every
// value whose JSON type is wrong. It never fails: what cannot be read is
// left empty.
func decodeDocument(src []byte, c *collector) (*Document, rawDocument) {
	doc := &Document{}
	var raw rawDocument
	if firstByte(src) != '{' || json.Unmarshal(src, &raw.top) != nil {
		raw.top = nil
		c.add(-1, "", "", "a policy must be a JSON object")
		return doc, raw
	}
	if v, ok := raw.top["Version"]; ok {
		if err := json.Unmarshal(v, &doc.Version); err != nil || isNull(v) {
			c.add(-1, "", "Version", "must be a string")
		}
	}
	if v, ok := raw.top["Id"]; ok {
		var id string
		if err := json.Unmarshal(v, &id); err != nil || isNull(v) {
			c.add(-1, "", "Id", "must be a string")
		}
	}
	v, ok := raw.top["Statement"]
	if !ok {
		return doc, raw
	}
	var items []json.RawMessage
	switch firstByte(v) {
	case '[':
		raw.statementList = true
		_ = json.Unmarshal(v, &items) // valid JSON array
	case '{':
		items = []json.RawMessage{v}
	default:
		c.add(-1, "", "Statement", "must be a statement object or a list of them")
		return doc, raw
	}
	for i, item := range items {
		var m map[string]json.RawMessage
		if firstByte(item) != '{' || json.Unmarshal(item, &m) != nil {
			c.add(i, "", "", "a statement must be a JSON object")
			m = map[string]json.RawMessage{}
		}
		raw.statements = append(raw.statements, m)
		doc.Statements = append(doc.Statements, decodeStatement(i, m, c))
	}
	return doc, raw
}

func decodeStatement(i int, m map[string]json.RawMessage, c *collector) Statement {
	var st Statement
	if v, ok := m["Sid"]; ok {
		if err := json.Unmarshal(v, &st.Sid); err != nil || isNull(v) {
			c.add(i, "", "Sid", "must be a string")
		}
	}
	if v, ok := m["Effect"]; ok {
		if err := json.Unmarshal(v, &st.Effect); err != nil || isNull(v) {
			c.add(i, st.Sid, "Effect", "must be a string: Allow or Deny")
		}
	}
	lists := []struct {
		name string
		dst  *[]string
	}{
		{"Action", &st.Action}, {"NotAction", &st.NotAction},
		{"Resource", &st.Resource}, {"NotResource", &st.NotResource},
	}
	for _, l := range lists {
		if v, ok := m[l.name]; ok {
			list, err := stringList(v)
			if err != nil {
				c.add(i, st.Sid, l.name, "%v", err)
			}
			*l.dst = list
		}
	}
	if v, ok := m["Principal"]; ok {
		st.Principal = v
	}
	if v, ok := m["NotPrincipal"]; ok {
		st.NotPrincipal = v
	}
	if v, ok := m["Condition"]; ok {
		st.Condition = decodeCondition(i, st.Sid, v, c)
	}
	return st
}

// decodeCondition reads {"Operator": {"key": value-or-values}}.
func decodeCondition(i int, sid string, v json.RawMessage, c *collector) map[string]map[string][]string {
	var ops map[string]json.RawMessage
	if firstByte(v) != '{' || json.Unmarshal(v, &ops) != nil {
		c.add(i, sid, "Condition", `must be an object like {"StringEquals": {"aws:RequestedRegion": ["eu-west-1"]}}`)
		return nil
	}
	out := make(map[string]map[string][]string, len(ops))
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		var keys map[string]json.RawMessage
		if firstByte(ops[op]) != '{' || json.Unmarshal(ops[op], &keys) != nil {
			c.add(i, sid, "Condition", "%s must map condition keys to values", op)
			continue
		}
		out[op] = make(map[string][]string, len(keys))
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			vals, err := conditionValues(keys[key])
			if err != nil {
				c.add(i, sid, "Condition", "%s %s: %v", op, key, err)
			}
			out[op][key] = vals
		}
	}
	return out
}

// stringList reads a string or a list of strings.
func stringList(v json.RawMessage) ([]string, error) {
	switch firstByte(v) {
	case '"':
		var s string
		_ = json.Unmarshal(v, &s) // valid JSON string
		return []string{s}, nil
	case '[':
		var items []json.RawMessage
		_ = json.Unmarshal(v, &items)
		out := make([]string, 0, len(items))
		for _, it := range items {
			if firstByte(it) != '"' {
				return out, errors.New("must be a string or a list of strings")
			}
			var s string
			_ = json.Unmarshal(it, &s)
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errors.New("must be a string or a list of strings")
}

// conditionValues reads a condition value: a string, a boolean, a number or
// a list of them. Booleans and numbers keep their JSON text.
func conditionValues(v json.RawMessage) ([]string, error) {
	scalar := func(it json.RawMessage) (string, bool) {
		switch b := firstByte(it); {
		case b == '"':
			var s string
			_ = json.Unmarshal(it, &s)
			return s, true
		case b == 't' || b == 'f' || b == '-' || (b >= '0' && b <= '9'):
			return string(bytes.TrimSpace(it)), true
		}
		return "", false
	}
	if firstByte(v) == '[' {
		var items []json.RawMessage
		_ = json.Unmarshal(v, &items)
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, ok := scalar(it)
			if !ok {
				return out, errors.New("values must be strings, booleans or numbers")
			}
			out = append(out, s)
		}
		return out, nil
	}
	if s, ok := scalar(v); ok {
		return []string{s}, nil
	}
	return nil, errors.New("must be a string, boolean or number, or a list of them")
}

// MarshalJSON writes the document in IAM's usual element order (Version,
// Statement; in a statement Sid, Effect, Principal, Action, Resource,
// Condition), a single-element list as a plain string, without whitespace.
// json.Marshal escapes <, > and & inside strings; an Encoder with
// SetEscapeHTML(false) keeps them.
func (d *Document) MarshalJSON() ([]byte, error) {
	type statement struct {
		Sid          string                    `json:"Sid,omitempty"`
		Effect       string                    `json:"Effect"`
		Principal    json.RawMessage           `json:"Principal,omitempty"`
		NotPrincipal json.RawMessage           `json:"NotPrincipal,omitempty"`
		Action       any                       `json:"Action,omitempty"`
		NotAction    any                       `json:"NotAction,omitempty"`
		Resource     any                       `json:"Resource,omitempty"`
		NotResource  any                       `json:"NotResource,omitempty"`
		Condition    map[string]map[string]any `json:"Condition,omitempty"`
	}
	type document struct {
		Version   string      `json:"Version,omitempty"`
		Statement []statement `json:"Statement"`
	}
	out := document{Version: d.Version, Statement: make([]statement, len(d.Statements))}
	for i, s := range d.Statements {
		st := statement{Sid: s.Sid, Effect: s.Effect, Principal: s.Principal, NotPrincipal: s.NotPrincipal,
			Action: shorthand(s.Action), NotAction: shorthand(s.NotAction),
			Resource: shorthand(s.Resource), NotResource: shorthand(s.NotResource)}
		if len(s.Condition) > 0 {
			st.Condition = make(map[string]map[string]any, len(s.Condition))
			for op, keys := range s.Condition {
				st.Condition[op] = make(map[string]any, len(keys))
				for k, vals := range keys {
					st.Condition[op][k] = shorthand(vals)
				}
			}
		}
		out.Statement[i] = st
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("marshal policy: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// shorthand turns a one-element list into a string, as IAM writes it, and
// an absent list into nil so that omitempty drops it.
func shorthand(list []string) any {
	switch len(list) {
	case 0:
		if list == nil {
			return nil
		}
		return []string{}
	case 1:
		return list[0]
	}
	return list
}

func firstByte(v json.RawMessage) byte {
	v = bytes.TrimLeft(v, " \t\r\n")
	if len(v) == 0 {
		return 0
	}
	return v[0]
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// thousands formats n with thousands separators, as AWS writes its limits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
