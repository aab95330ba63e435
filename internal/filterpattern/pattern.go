package filterpattern

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// Pattern is a parsed filter pattern. It is immutable and safe for
// concurrent use. The zero Pattern is the empty pattern, which matches
// every event.
type Pattern struct {
	root  *node  // nil: the empty pattern
	paths []path // the distinct selectors; a condition refers to one by index
	trie  *trie  // paths merged, for Match's single pass over the event
}

var errNilPattern = errors.New("filterpattern: Match on a nil *Pattern")

// Match reports whether event, one JSON log event, matches the pattern.
// An event that is not a JSON object (a plain-text line, truncated JSON,
// an array) does not match a JSON pattern, and that is not an error: it is
// what CloudWatch Logs does. The error is non-nil only for a nil *Pattern;
// it is there so that pattern kinds that can fail on an event can be added
// without changing callers. Match reads event once and keeps no reference
// to it.
func (p *Pattern) Match(event []byte) (bool, error) {
	if p == nil {
		return false, errNilPattern
	}
	if p.root == nil {
		return true, nil
	}
	// Most patterns name a handful of selectors: keep their values on the
	// stack.
	var buf [16]value
	vals := buf[:0]
	if len(p.paths) <= len(buf) {
		vals = buf[:len(p.paths)]
	} else {
		vals = make([]value, len(p.paths))
	}
	s := scanner{data: event}
	if !s.event(p.trie, vals) {
		return false, nil
	}
	return p.root.eval(vals), nil
}

// kind is what a selector found in an event.
type kind uint8

const (
	absent kind = iota // the selector names nothing in the event
	kindString
	kindNumber
	kindTrue
	kindFalse
	kindNull
	kindObject
	kindArray
)

// value is what a selector found. text is a string's decoded contents or
// a number as written in the event.
type value struct {
	kind kind
	text []byte
}

type nodeKind uint8

const (
	nodeCondition nodeKind = iota
	nodeAnd
	nodeOr
)

// node is the parsed expression. A concrete type rather than an interface
// keeps Match's values on the stack.
type node struct {
	kind nodeKind
	kids []node // nodeAnd, nodeOr
	cond condition
}

func (n *node) eval(vals []value) bool {
	switch n.kind {
	case nodeAnd:
		for i := range n.kids {
			if !n.kids[i].eval(vals) {
				return false
			}
		}
		return true
	case nodeOr:
		for i := range n.kids {
			if n.kids[i].eval(vals) {
				return true
			}
		}
		return false
	}
	return n.cond.eval(vals[n.cond.slot])
}

type op uint8

const (
	opEq op = iota
	opNe
	opLt
	opLe
	opGt
	opGe
	opIsNull
	opIsTrue
	opIsFalse
	opNotExists
)

type condition struct {
	slot    int
	op      op
	operand operand
}

func (c *condition) eval(v value) bool {
	switch c.op {
	case opNotExists:
		return v.kind == absent
	case opIsNull:
		return v.kind == kindNull
	case opIsTrue:
		return v.kind == kindTrue
	case opIsFalse:
		return v.kind == kindFalse
	}
	// Comparisons need a value node: "The SELECTOR must point to a value
	// node (string or number) in the JSON. If it points to an array or
	// object, the filter will not be applied ... both {$.users = 1} and
	// {$.users != 1} will fail to match". An absent selector fails the same
	// way, != included (see the package documentation).
	if v.kind != kindString && v.kind != kindNumber {
		return false
	}
	switch c.op {
	case opEq:
		return c.operand.equal(v)
	case opNe:
		return !c.operand.equal(v)
	}
	// < <= > >= take a number (Parse made sure) and compare numbers only:
	// a string that looks like a number is still a string.
	if v.kind != kindNumber {
		return false
	}
	f := number(v.text)
	switch c.op {
	case opLt:
		return f < c.operand.num
	case opLe:
		return f <= c.operand.num
	case opGt:
		return f > c.operand.num
	default:
		return f >= c.operand.num
	}
}

// number parses a JSON number already validated by the scanner or by
// encoding/json; a range error leaves ±Inf or 0, which compares sensibly.
func number(text []byte) float64 {
	f, _ := strconv.ParseFloat(string(text), 64)
	return f
}

// operand is the value on the right of a comparison.
type operand struct {
	text    string  // as written, unquoted
	numeric bool    // an unquoted number: compared numerically with numbers
	num     float64 // when numeric
	glob    glob    // when not numeric
}

func (o *operand) equal(v value) bool {
	if o.numeric {
		if v.kind == kindNumber {
			return number(v.text) == o.num
		}
		// A number compared to a string matches on the text: AWS's own
		// example compares CloudTrail's recipientAccountId, a string, to
		// 123456789012.
		return string(v.text) == o.text
	}
	return o.glob.match(v.text)
}

// glob is a value with "*" wildcards, which AWS allows at the start and the
// end only: "*Event will match PutEvent and GetEvent. Event* will match
// EventId and EventName. Ev*ent will only match the actual string Ev*ent."
// Matching is a prefix, suffix or substring test, no regular expression.
type glob struct {
	lit              []byte
	anyStart, anyEnd bool
}

// newGlob makes the glob for a value's raw text; in a quoted value a
// backslash escapes the "*" after it.
func newGlob(raw string, quoted bool) glob {
	var g glob
	if strings.HasPrefix(raw, "*") {
		g.anyStart, raw = true, raw[1:]
	}
	if strings.HasSuffix(raw, "*") && !(quoted && escapedEnd(raw)) {
		g.anyEnd, raw = true, raw[:len(raw)-1]
	}
	if quoted {
		raw = unescape(raw)
	}
	g.lit = []byte(raw)
	return g
}

// escapedEnd reports whether the last byte of raw is escaped: preceded by
// an odd number of backslashes.
func escapedEnd(raw string) bool {
	n := 0
	for i := len(raw) - 2; i >= 0 && raw[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

func (g *glob) match(s []byte) bool {
	switch {
	case g.anyStart && g.anyEnd:
		return bytes.Contains(s, g.lit)
	case g.anyStart:
		return bytes.HasSuffix(s, g.lit)
	case g.anyEnd:
		return bytes.HasPrefix(s, g.lit)
	}
	return bytes.Equal(s, g.lit)
}

// path is a compiled selector: the steps from the root of the event.
type path []step

type step struct {
	key     string
	index   int
	isIndex bool
}

// String writes the path canonically: $.a and $.['a'] are one selector.
func (sel path) String() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, s := range sel {
		switch {
		case s.isIndex:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		default:
			b.WriteString(".['" + s.key + "']")
		}
	}
	return b.String()
}
