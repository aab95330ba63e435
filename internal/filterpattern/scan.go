package filterpattern

import "encoding/json"

// maxDepth is encoding/json's nesting limit, so that Match and json.Valid
// agree on what is JSON.
const maxDepth = 10000

// trie merges a pattern's selectors: each node is a property or an array
// element some selector goes through, and slots lists the selectors that
// end there.
type trie struct {
	keys    []trieKey
	indexes []trieIndex
	slots   []int // selectors ending at this node
	subtree []int // selectors ending at this node or below it
}

type trieKey struct {
	name string
	node *trie
}

type trieIndex struct {
	index int
	node  *trie
}

func buildTrie(paths []path) *trie {
	root := &trie{}
	for slot, sel := range paths {
		n := root
		for _, s := range sel {
			n = n.child(s)
		}
		n.slots = append(n.slots, slot)
	}
	root.collect()
	return root
}

// child returns the node for step s, adding it.
func (n *trie) child(s step) *trie {
	if s.isIndex {
		for _, c := range n.indexes {
			if c.index == s.index {
				return c.node
			}
		}
		c := &trie{}
		n.indexes = append(n.indexes, trieIndex{s.index, c})
		return c
	}
	for _, c := range n.keys {
		if c.name == s.key {
			return c.node
		}
	}
	c := &trie{}
	n.keys = append(n.keys, trieKey{s.key, c})
	return c
}

func (n *trie) collect() []int {
	n.subtree = append([]int(nil), n.slots...)
	for _, c := range n.keys {
		n.subtree = append(n.subtree, c.node.collect()...)
	}
	for _, c := range n.indexes {
		n.subtree = append(n.subtree, c.node.collect()...)
	}
	return n.subtree
}

// key returns the child for an object member, or nil. plain says raw (the
// key between its quotes) has no escapes and is ASCII, so it is the key;
// otherwise quoted, the key with its quotes, is decoded first.
func (n *trie) key(raw, quoted []byte, plain bool) *trie {
	if !plain {
		raw = decodeString(quoted)
	}
	for _, c := range n.keys {
		if string(raw) == c.name {
			return c.node
		}
	}
	return nil
}

func (n *trie) index(i int) *trie {
	for _, c := range n.indexes {
		if c.index == i {
			return c.node
		}
	}
	return nil
}

// decodeString decodes a JSON string literal the scanner has validated,
// exactly as encoding/json does (invalid UTF-8 becomes U+FFFD), so that
// Match and matchValue see the same text. It is the rare path: escapes or
// non-ASCII bytes.
func decodeString(quoted []byte) []byte {
	var s string
	_ = json.Unmarshal(quoted, &s) // validated: cannot fail
	return []byte(s)
}

// scanner validates one JSON text and records the values the trie asks
// for in vals, without building a tree. It accepts exactly what json.Valid
// accepts. vals is passed down rather than kept in the scanner: escape
// analysis tracks a pointer's contents as one, so vals next to data (which
// the values point into) would leave Match's stack buffer on the heap.
type scanner struct {
	data  []byte
	pos   int
	depth int
}

// event scans a whole event into vals and reports whether it is a JSON
// object.
func (s *scanner) event(root *trie, vals []value) bool {
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '{' {
		return false
	}
	if !s.value(root, vals) {
		return false
	}
	s.skipSpace()
	return s.pos == len(s.data)
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// set records what the selectors ending at n found.
func set(vals []value, n *trie, k kind, text []byte) {
	for _, slot := range n.slots {
		vals[slot] = value{kind: k, text: text}
	}
}

// value scans one JSON value; n is the trie node it stands at, nil when no
// selector goes there.
func (s *scanner) value(n *trie, vals []value) bool {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return false
	}
	if n != nil {
		// A member repeated in an object replaces the earlier one, as in
		// encoding/json: forget what the earlier one left below n.
		for _, slot := range n.subtree {
			vals[slot] = value{}
		}
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		if n != nil {
			set(vals, n, kindObject, nil)
		}
		return s.object(n, vals)
	case c == '[':
		if n != nil {
			set(vals, n, kindArray, nil)
		}
		return s.array(n, vals)
	case c == '"':
		start := s.pos
		plain, ok := s.skipString()
		if !ok {
			return false
		}
		if n != nil && len(n.slots) > 0 {
			text := s.data[start+1 : s.pos-1]
			if !plain {
				text = decodeString(s.data[start:s.pos])
			}
			set(vals, n, kindString, text)
		}
		return true
	case c == 't':
		return s.literal("true", n, vals, kindTrue)
	case c == 'f':
		return s.literal("false", n, vals, kindFalse)
	case c == 'n':
		return s.literal("null", n, vals, kindNull)
	case c == '-' || '0' <= c && c <= '9':
		start := s.pos
		if !s.number() {
			return false
		}
		if n != nil {
			set(vals, n, kindNumber, s.data[start:s.pos])
		}
		return true
	}
	return false
}

func (s *scanner) literal(word string, n *trie, vals []value, k kind) bool {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return false
	}
	s.pos += len(word)
	if n != nil {
		set(vals, n, k, nil)
	}
	return true
}

func (s *scanner) push() bool {
	s.depth++
	return s.depth <= maxDepth
}

func (s *scanner) object(n *trie, vals []value) bool {
	s.pos++ // '{'
	if !s.push() {
		return false
	}
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		s.depth--
		return true
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return false
		}
		start := s.pos
		plain, ok := s.skipString()
		if !ok {
			return false
		}
		var child *trie
		if n != nil && len(n.keys) > 0 {
			child = n.key(s.data[start+1:s.pos-1], s.data[start:s.pos], plain)
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return false
		}
		s.pos++
		if !s.value(child, vals) {
			return false
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return false
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.depth--
			return true
		default:
			return false
		}
	}
}

func (s *scanner) array(n *trie, vals []value) bool {
	s.pos++ // '['
	if !s.push() {
		return false
	}
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		return true
	}
	for i := 0; ; i++ {
		var child *trie
		if n != nil && len(n.indexes) > 0 {
			child = n.index(i)
		}
		if !s.value(child, vals) {
			return false
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return false
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// stringByte classifies bytes inside a string literal: 0 for bytes that
// are their own text, the rest need a look (stringQuote ends the string).
var stringByte = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = stringControl
	}
	t['"'] = stringQuote
	t['\\'] = stringEscape
	for c := 0x80; c < 0x100; c++ {
		t[c] = stringNonASCII
	}
	return t
}()

const (
	stringPlain uint8 = iota
	stringControl
	stringQuote
	stringEscape
	stringNonASCII
)

// skipString moves past a string literal starting at s.pos. plain reports
// that it has no escapes and only ASCII, so its bytes are its text.
func (s *scanner) skipString() (plain, ok bool) {
	d := s.data
	plain = true
	for i := s.pos + 1; i < len(d); {
		// Most bytes are plain: skip them with one table load each.
		for i < len(d) && stringByte[d[i]] == stringPlain {
			i++
		}
		if i >= len(d) {
			break
		}
		switch stringByte[d[i]] {
		case stringQuote:
			s.pos = i + 1
			return plain, true
		case stringEscape:
			plain = false
			if i+1 >= len(d) {
				return false, false
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+5 >= len(d) {
					return false, false
				}
				for _, h := range d[i+2 : i+6] {
					if !isHex(h) {
						return false, false
					}
				}
				i += 6
			default:
				return false, false
			}
		case stringNonASCII:
			plain = false
			i++
		default: // a control character: not allowed unescaped
			return false, false
		}
	}
	return false, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number moves past a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() bool {
	d, i := s.data, s.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i >= len(d):
		return false
	case d[i] == '0':
		i++
	case '1' <= d[i] && d[i] <= '9':
		for i < len(d) && isDigit(d[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		start := i
		for i < len(d) && isDigit(d[i]) {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		start := i
		for i < len(d) && isDigit(d[i]) {
			i++
		}
		if i == start {
			return false
		}
	}
	s.pos = i
	return true
}
