package spec

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/groundwork-aws/groundwork/internal/input"
)

// decoder turns a YAML syntax tree into Go values by reflection, as
// encoding/json does, but keeps going after a problem so that one run
// reports all of them, and records where each field was written so that
// later validation can point at it. Struct fields are named by their `yaml`
// tag; unknown keys, wrong types and duplicate keys are diagnostics.
type decoder struct {
	file    string
	diags   Diagnostics
	pos     map[string]Pos // field path -> position of its value
	keyPos  map[string]Pos // field path -> position of its key
	anchors map[string]ast.Node
	// expanding holds the aliases being decoded, to catch an alias inside
	// its own anchor; nodes counts decoded nodes against maxNodes, so that
	// a few aliases cannot expand into millions of values.
	expanding map[string]bool
	nodes     int
	// failed holds the paths that could not be decoded; validation says
	// nothing more about them or below them, so that one mistake gives one
	// message.
	failed     map[string]bool
	validating bool
	// kind names the file in the messages about it as a whole.
	kind DocumentKind
}

// maxNodes bounds the values one spec may hold after alias expansion. A
// foundation of 20,000 accounts, about as many as fit in input.Spec's
// 2 MiB, stays below it.
const maxNodes = 200_000

func newDecoder(file string) *decoder {
	return &decoder{file: file, pos: map[string]Pos{}, keyPos: map[string]Pos{}, anchors: map[string]ast.Node{}, expanding: map[string]bool{}, failed: map[string]bool{}, kind: specKind}
}

// specKind is foundation.yaml, for the messages about the file as a whole.
var specKind = DocumentKind{Noun: "a spec", Empty: "run `groundwork init` to write a starting spec"}

func (d *decoder) errorf(p Pos, path, format string, args ...any) {
	if !d.validating {
		d.failed[path] = true
	}
	d.diags = append(d.diags, Diagnostic{File: d.file, Line: p.Line, Column: p.Column, Path: path, Message: fmt.Sprintf(format, args...)})
}

// undecodable reports whether path or one of its parents failed to decode.
func (d *decoder) undecodable(path string) bool {
	for q := path; ; {
		if d.failed[q] {
			return true
		}
		i := strings.LastIndexAny(q, ".[")
		if i < 0 {
			return false
		}
		q = q[:i]
	}
}

func tokenPos(tk *token.Token) Pos {
	if tk == nil || tk.Position == nil {
		return Pos{}
	}
	return Pos{Line: tk.Position.Line, Column: tk.Position.Column}
}

func nodePos(n ast.Node) Pos {
	if n == nil {
		return Pos{}
	}
	return tokenPos(n.GetToken())
}

// parse parses src and decodes its single document into out, which must be
// a pointer to a struct. It reports false when the YAML itself is broken, or
// passes the limits of input.Spec (checked before the parser sees it), in
// which case nothing was decoded.
func (d *decoder) parse(src []byte, out any) bool {
	limits := input.Spec
	limits.Kind = d.kind.Noun
	src, err := input.YAML(d.file, src, limits)
	if e, ok := input.AsError(err); ok {
		d.errorf(Pos{Line: e.Line, Column: e.Column}, "", "%s", e.Message)
		return false
	}
	f, err := parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		type tokenError interface {
			GetToken() *token.Token
			GetMessage() string
		}
		if te, ok := err.(tokenError); ok {
			d.errorf(tokenPos(te.GetToken()), "", "invalid YAML: %s", te.GetMessage())
		} else {
			d.errorf(Pos{}, "", "invalid YAML: %v", err)
		}
		return false
	}
	// Empty documents, such as the one a trailing "---" opens, hold
	// nothing and are passed over; more than one document with content is
	// an error.
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil && doc.Body.Type() != ast.NullType {
			docs = append(docs, doc)
		}
	}
	var body ast.Node
	switch len(docs) {
	case 0:
	case 1:
		body = docs[0].Body
	default:
		p := nodePos(docs[1].Body)
		if docs[1].Start != nil {
			p = tokenPos(docs[1].Start)
		}
		d.errorf(p, "", "found %d YAML documents; %s is exactly one", len(docs), d.kind.Noun)
		return false
	}
	if body == nil || body.Type() == ast.NullType {
		d.errorf(Pos{Line: 1, Column: 1}, "", "the file is empty; %s", d.kind.Empty)
		return false
	}
	d.decode(body, "", reflect.ValueOf(out).Elem())
	// A file that expands past maxNodes was decoded only in part:
	// validating that part would report problems the file may not have, by
	// the thousand. The expansion is the one message.
	if d.nodes > maxNodes {
		d.failed[""] = true
		return false
	}
	return true
}

// resolve follows anchors, aliases and tags to the node holding the value.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for i := 0; i < 32; i++ {
		switch v := n.(type) {
		case *ast.AnchorNode:
			if name, ok := v.Name.(ast.ScalarNode); ok {
				d.anchors[fmt.Sprint(name.GetValue())] = v.Value
			}
			n = v.Value
		case *ast.AliasNode:
			name := ""
			if s, ok := v.Value.(ast.ScalarNode); ok {
				name = fmt.Sprint(s.GetValue())
			}
			target, ok := d.anchors[name]
			if !ok {
				return n
			}
			n = target
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
	return n
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n ast.Node) string {
	switch n.Type() {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.NullType:
		return "nothing"
	case ast.BoolType:
		return "a boolean"
	case ast.IntegerType, ast.FloatType:
		return "a number"
	case ast.AliasType:
		return "an unknown alias"
	}
	return "a string"
}

func (d *decoder) decode(n ast.Node, path string, v reflect.Value) {
	if al, ok := n.(*ast.AliasNode); ok {
		name := ""
		if s, ok := al.Value.(ast.ScalarNode); ok {
			name = fmt.Sprint(s.GetValue())
		}
		if _, known := d.anchors[name]; known && d.expanding[name] {
			d.errorf(nodePos(n), path, "alias *%s is used inside its own anchor", name)
			return
		}
		d.expanding[name] = true
		defer delete(d.expanding, name)
	}
	if d.nodes++; d.nodes > maxNodes {
		if d.nodes == maxNodes+1 {
			if len(d.anchors) > 0 {
				d.errorf(nodePos(n), path, "the file expands to more than %d values; check its aliases", maxNodes)
			} else {
				d.errorf(nodePos(n), path, "the file holds more than %d values, the most groundwork reads for %s", maxNodes, d.kind.Noun)
			}
		}
		return
	}
	n = d.resolve(n)
	p := nodePos(n)
	d.pos[path] = p
	if n.Type() == ast.NullType {
		return // an empty value leaves the zero value: `Security: {}` and `Security:` mean the same
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, path, v.Elem())
	case reflect.Struct:
		d.decodeStruct(n, path, v)
	case reflect.Map:
		d.decodeMap(n, path, v)
	case reflect.Slice:
		d.decodeSlice(n, path, v)
	case reflect.String:
		s, ok := n.(ast.ScalarNode)
		if !ok || n.Type() == ast.NullType {
			d.errorf(p, path, "expected a string, found %s", kindName(n))
			return
		}
		if n.Type() == ast.BoolType || n.Type() == ast.IntegerType || n.Type() == ast.FloatType {
			// Accept `environment: 1` as "1", but keep the source text, not
			// a re-formatted number.
			v.SetString(strings.TrimSpace(n.GetToken().Value))
			return
		}
		if lit, ok := n.(*ast.LiteralNode); ok && lit.Value != nil {
			// A block scalar (| or >): its text, not its source.
			v.SetString(lit.Value.Value)
			return
		}
		v.SetString(fmt.Sprint(s.GetValue()))
	case reflect.Int:
		if n.Type() != ast.IntegerType {
			d.errorf(p, path, "expected a whole number, found %s", kindName(n))
			return
		}
		i, err := strconv.Atoi(strings.ReplaceAll(n.GetToken().Value, "_", ""))
		if err != nil {
			d.errorf(p, path, "expected a whole number: %v", err)
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			d.errorf(p, path, "expected true or false, found %s", kindName(n))
			return
		}
		v.SetBool(b.Value)
	default:
		panic(fmt.Sprintf("spec: cannot decode into %s", v.Type()))
	}
}

// entries returns the key/value pairs of a mapping node, or reports that
// the node is not a mapping.
func (d *decoder) entries(n ast.Node, path string) ([]*ast.MappingValueNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	d.errorf(nodePos(n), path, "expected a mapping, found %s", kindName(n))
	return nil, false
}

func (d *decoder) key(kv *ast.MappingValueNode, path string) (string, bool) {
	k, ok := d.resolve(kv.Key).(ast.ScalarNode)
	if !ok {
		d.errorf(nodePos(kv.Key), path, "expected a plain key, found %s", kindName(kv.Key))
		return "", false
	}
	return fmt.Sprint(k.GetValue()), true
}

func (d *decoder) decodeStruct(n ast.Node, path string, v reflect.Value) {
	kvs, ok := d.entries(n, path)
	if !ok {
		return
	}
	fields := map[string]int{}
	var names []string
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		fields[name] = i
		names = append(names, name)
	}
	// The root of a spec also takes the registered sections.
	var root *Foundation
	var sections map[string]SectionType
	if f, ok := rootFoundation(v, path); ok {
		root, sections = f, map[string]SectionType{}
		for _, st := range Sections() {
			sections[st.Key] = st
			names = append(names, st.Key)
		}
	}
	sort.Strings(names)
	seen := map[string]bool{}
	for _, kv := range kvs {
		key, ok := d.key(kv, path)
		if !ok {
			continue
		}
		fp := join(path, key)
		kp := nodePos(kv.Key)
		if seen[key] {
			d.errorf(kp, fp, "duplicate key %q", key)
			continue
		}
		seen[key] = true
		if st, ok := sections[key]; ok {
			s := st.New()
			d.keyPos[fp] = kp
			d.decode(kv.Value, fp, reflect.ValueOf(s))
			if root.sections == nil {
				root.sections = map[string]Section{}
			}
			root.sections[key] = s
			continue
		}
		i, ok := fields[key]
		if !ok && len(names) == 0 {
			d.errorf(kp, fp, "unknown field %q: %s takes no settings in spec version %d", key, path, Version)
			continue
		}
		if !ok {
			d.errorf(kp, fp, "unknown field %q; expected one of: %s%s", key, strings.Join(names, ", "), Suggest(key, names))
			continue
		}
		d.keyPos[fp] = kp
		d.decode(kv.Value, fp, v.Field(i))
	}
}

// rootFoundation returns the Foundation v holds when v is the root of a
// spec.
func rootFoundation(v reflect.Value, path string) (*Foundation, bool) {
	if path != "" || !v.CanAddr() {
		return nil, false
	}
	f, ok := v.Addr().Interface().(*Foundation)
	return f, ok
}

func (d *decoder) decodeMap(n ast.Node, path string, v reflect.Value) {
	kvs, ok := d.entries(n, path)
	if !ok {
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for _, kv := range kvs {
		key, ok := d.key(kv, path)
		if !ok {
			continue
		}
		fp := join(path, key)
		kp := nodePos(kv.Key)
		if v.MapIndex(reflect.ValueOf(key)).IsValid() {
			d.errorf(kp, fp, "duplicate key %q", key)
			continue
		}
		d.keyPos[fp] = kp
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(kv.Value, fp, elem)
		v.SetMapIndex(reflect.ValueOf(key), elem)
	}
}

func (d *decoder) decodeSlice(n ast.Node, path string, v reflect.Value) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.errorf(nodePos(n), path, "expected a list, found %s", kindName(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
	for i, item := range seq.Values {
		ip := fmt.Sprintf("%s[%d]", path, i)
		// A list item has no key; when it is a mapping its first key stands
		// for one, so that a field missing from it is reported where the
		// item starts rather than at the ':' its mapping node points to.
		if m, ok := item.(*ast.MappingNode); ok && len(m.Values) > 0 {
			d.keyPos[ip] = nodePos(m.Values[0].Key)
		}
		d.decode(item, ip, out.Index(i))
	}
	v.Set(out)
}

// Suggest returns ` (did you mean "x"?)` when a known name is one or two
// edits away from the unknown one, and "" otherwise: the tail of a message
// about an unknown name.
func Suggest(got string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if dist := editDistance(got, k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
