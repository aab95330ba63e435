package filterpattern

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxLength is the longest pattern CloudWatch Logs accepts, in characters:
// PutMetricFilter's filterPattern has "Maximum length of 1024".
const MaxLength = 1024

// maxIndexDigits bounds an array index so that it fits an int everywhere;
// no JSON log event has a billion elements in one array.
const maxIndexDigits = 9

// SyntaxError is a malformed pattern. Pos is the 0-based position of the
// offending character, counted in characters (runes), not bytes, so that a
// caret printed Pos columns under the pattern points at it.
type SyntaxError struct {
	Pos int
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("filter pattern: position %d: %s", e.Pos, e.Msg)
}

// Parse parses a CloudWatch Logs JSON filter pattern. A malformed pattern
// is a *SyntaxError. The empty (or all-blank) pattern is valid and matches
// every event, as in CloudWatch Logs.
func Parse(pattern string) (*Pattern, error) {
	if n := utf8.RuneCountInString(pattern); n > MaxLength {
		return nil, &SyntaxError{Pos: MaxLength, Msg: fmt.Sprintf("the pattern has %d characters; CloudWatch Logs accepts at most %d", n, MaxLength)}
	}
	p := &parser{src: pattern, slots: map[string]int{}}
	p.skipSpace()
	if p.eof() {
		return &Pattern{}, nil
	}
	if p.peek() != '{' {
		return nil, p.errorf(p.pos, `groundwork reads only JSON filter patterns, which are enclosed in "{ }"; found %s`, p.found())
	}
	p.pos++
	root, err := p.parseOr(`"{"`)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	switch {
	case p.eof():
		return nil, p.errorf(p.pos, `expected "}" at the end of the pattern`)
	case p.peek() == ')':
		return nil, p.errorf(p.pos, `unexpected ")" without a matching "("`)
	case p.peek() != '}':
		return nil, p.errorf(p.pos, `expected "&&", "||" or "}", found %s`, p.found())
	}
	p.pos++
	p.skipSpace()
	if !p.eof() {
		return nil, p.errorf(p.pos, `unexpected %s after the closing "}"`, p.found())
	}
	return &Pattern{root: &root, paths: p.paths, trie: buildTrie(p.paths)}, nil
}

type parser struct {
	src   string
	pos   int            // byte offset into src
	slots map[string]int // canonical selector -> index into paths
	paths []path
}

func (p *parser) eof() bool  { return p.pos >= len(p.src) }
func (p *parser) peek() byte { return p.src[p.pos] }

func (p *parser) skipSpace() {
	for !p.eof() {
		switch p.peek() {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// errorf makes a SyntaxError at byte offset at.
func (p *parser) errorf(at int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: utf8.RuneCountInString(p.src[:at]), Msg: fmt.Sprintf(format, args...)}
}

// found describes what is at the current position, for messages.
func (p *parser) found() string {
	if p.eof() {
		return "the end of the pattern"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return strconv.Quote(string(r))
}

// runePos is the character position of byte offset at, for messages that
// point back at an earlier token.
func (p *parser) runePos(at int) int { return utf8.RuneCountInString(p.src[:at]) }

func (p *parser) take(ok func(byte) bool) string {
	start := p.pos
	for !p.eof() && ok(p.peek()) {
		p.pos++
	}
	return p.src[start:p.pos]
}

// parseOr parses a || b || ...; && binds tighter ("() > && > ||").
func (p *parser) parseOr(after string) (node, error) {
	first, err := p.parseAnd(after)
	if err != nil {
		return node{}, err
	}
	kids := []node{first}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.src[p.pos:], "||") {
			if !p.eof() && p.peek() == '|' {
				return node{}, p.errorf(p.pos, `unknown operator "|"; use "||"`)
			}
			break
		}
		p.pos += 2
		next, err := p.parseAnd(`"||"`)
		if err != nil {
			return node{}, err
		}
		kids = append(kids, next)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return node{kind: nodeOr, kids: kids}, nil
}

func (p *parser) parseAnd(after string) (node, error) {
	first, err := p.parseOperand(after)
	if err != nil {
		return node{}, err
	}
	kids := []node{first}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.src[p.pos:], "&&") {
			if !p.eof() && p.peek() == '&' {
				return node{}, p.errorf(p.pos, `unknown operator "&"; use "&&"`)
			}
			break
		}
		p.pos += 2
		next, err := p.parseOperand(`"&&"`)
		if err != nil {
			return node{}, err
		}
		kids = append(kids, next)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return node{kind: nodeAnd, kids: kids}, nil
}

// parseOperand parses a parenthesised expression or one condition.
func (p *parser) parseOperand(after string) (node, error) {
	p.skipSpace()
	if !p.eof() && p.peek() == '(' {
		open := p.pos
		p.pos++
		inner, err := p.parseOr(`"("`)
		if err != nil {
			return node{}, err
		}
		p.skipSpace()
		if p.eof() || p.peek() != ')' {
			return node{}, p.errorf(p.pos, `expected ")" to close the "(" at position %d, found %s`, p.runePos(open), p.found())
		}
		p.pos++
		return inner, nil
	}
	if p.eof() || p.peek() != '$' {
		return node{}, p.errorf(p.pos, `expected a selector ("$.") or "(" after %s, found %s`, after, p.found())
	}
	return p.parseCondition()
}

func (p *parser) parseCondition() (node, error) {
	selStart := p.pos
	sel, err := p.parseSelector()
	if err != nil {
		return node{}, err
	}
	selText := p.src[selStart:p.pos]
	c := condition{slot: p.slot(sel)}
	p.skipSpace()
	opStart := p.pos
	switch {
	case p.eof():
		return node{}, p.errorf(p.pos, "expected an operator after %s, found the end of the pattern", selText)
	case isOperatorByte(p.peek()):
		text := p.take(isOperatorByte)
		op, ok := comparisons[text]
		if !ok {
			return node{}, p.errorf(opStart, "unknown operator %q; want =, !=, <, <=, >, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS", text)
		}
		c.op = op
		if c.operand, err = p.parseValue(text, op != opEq && op != opNe); err != nil {
			return node{}, err
		}
	case isLetter(p.peek()):
		if c.op, err = p.parseKeywords(); err != nil {
			return node{}, err
		}
	default:
		return node{}, p.errorf(p.pos, "expected an operator after %s, found %s", selText, p.found())
	}
	return node{kind: nodeCondition, cond: c}, nil
}

// comparisons are the operators that take a value.
var comparisons = map[string]op{"=": opEq, "!=": opNe, "<": opLt, "<=": opLe, ">": opGt, ">=": opGe}

func isOperatorByte(c byte) bool { return strings.IndexByte("=!<>~", c) >= 0 }
func isLetter(c byte) bool       { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }
func isDigit(c byte) bool        { return '0' <= c && c <= '9' }

// parseKeywords parses IS NULL, IS TRUE, IS FALSE and NOT EXISTS. AWS
// documents them in upper case only, so groundwork accepts only that.
func (p *parser) parseKeywords() (op, error) {
	start := p.pos
	word := p.take(isLetter)
	if up := strings.ToUpper(word); up != word && (up == "IS" || up == "NOT" || up == "EXISTS") {
		return 0, p.errorf(start, "keywords are upper case: write %s, not %s", up, word)
	}
	switch word {
	case "IS":
		p.skipSpace()
		at := p.pos
		switch next := p.take(isLetter); next {
		case "NULL":
			return opIsNull, nil
		case "TRUE":
			return opIsTrue, nil
		case "FALSE":
			return opIsFalse, nil
		case "NOT":
			return 0, p.errorf(start, `"IS NOT" is not supported by CloudWatch Logs; use NOT EXISTS for an absent selector`)
		default:
			return 0, p.errorf(at, `expected NULL, TRUE or FALSE after "IS", found %s`, p.describeWord(next))
		}
	case "NOT":
		p.skipSpace()
		at := p.pos
		if next := p.take(isLetter); next != "EXISTS" {
			return 0, p.errorf(at, `expected EXISTS after "NOT", found %s`, p.describeWord(next))
		}
		return opNotExists, nil
	case "EXISTS":
		return 0, p.errorf(start, `"EXISTS" is not supported by CloudWatch Logs; only NOT EXISTS is`)
	}
	return 0, p.errorf(start, "unknown operator %q; want =, !=, <, <=, >, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS", word)
}

// describeWord describes a word just read, or, when there was none, what
// stands where it should have been.
func (p *parser) describeWord(word string) string {
	if word != "" {
		return strconv.Quote(word)
	}
	return p.found()
}

// parseValue parses the value after a comparison operator. Numeric
// operators (< <= > >=) take numbers only.
func (p *parser) parseValue(opText string, numeric bool) (operand, error) {
	p.skipSpace()
	start := p.pos
	if p.eof() {
		return operand{}, p.errorf(p.pos, "expected a value after %q", opText)
	}
	var o operand
	switch p.peek() {
	case '"':
		raw, err := p.quoted()
		if err != nil {
			return operand{}, err
		}
		o = operand{text: unescape(raw), glob: newGlob(raw, true)}
	case '%':
		return operand{}, p.errorf(start, "regular expressions (%%...%%) are not supported by groundwork's evaluator")
	default:
		raw := p.take(func(c byte) bool { return strings.IndexByte(" \t\r\n(){}&|\"", c) < 0 })
		if raw == "" {
			return operand{}, p.errorf(start, "expected a value after %q", opText)
		}
		for i, r := range raw {
			if !isBareRune(r) {
				return operand{}, p.errorf(start+i, "%s in an unquoted value: put values with characters other than letters, digits, \"_\", \"-\", \".\", \"+\" and \"*\" in double quotes", strconv.Quote(string(r)))
			}
		}
		if f, ok := parseNumber(raw); ok {
			o = operand{text: raw, numeric: true, num: f}
		} else {
			o = operand{text: raw, glob: newGlob(raw, false)}
		}
	}
	if numeric && !o.numeric {
		return operand{}, p.errorf(start, "expected a number after %q: %s compares numbers only", opText, opText)
	}
	return o, nil
}

// isBareRune reports whether r may appear in an unquoted value: AWS lets
// alphanumeric strings go unquoted, and its own examples add ".", "*", "-"
// and "+" (123.123.*, 10e-3, +1000).
func isBareRune(r rune) bool {
	return r < utf8.RuneSelf && (isLetter(byte(r)) || isDigit(byte(r)) || strings.IndexByte("_-.+*", byte(r)) >= 0)
}

// quoted reads a double-quoted value and returns it without the quotes,
// escapes still in place. AWS does not document escapes; groundwork lets a
// backslash escape the next character so that a value can hold a quote.
func (p *parser) quoted() (string, error) {
	open := p.pos
	for i := open + 1; i < len(p.src); i++ {
		switch p.src[i] {
		case '\\':
			i++
		case '"':
			p.pos = i + 1
			return p.src[open+1 : i], nil
		}
	}
	return "", p.errorf(open, "unterminated string: no closing \"")
}

func unescape(raw string) string {
	if strings.IndexByte(raw, '\\') < 0 {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\\' && i+1 < len(raw) {
			i++
		}
		b.WriteByte(raw[i])
	}
	return b.String()
}

// parseNumber parses the numbers AWS documents: "An integer with an
// optional + or - sign, a decimal with an optional + or - sign, or a number
// in scientific notation".
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		return i > start
	}
	if !digits() {
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return 0, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	// The grammar above is a subset of ParseFloat's; the only error left
	// is a range error, and then f is ±Inf or 0, which compares sensibly.
	f, _ := strconv.ParseFloat(s, 64)
	return f, true
}

// parseSelector parses $.name, .['key'] and [N] steps. AWS: "Array
// elements are denoted with [NUMBER] syntax, and must follow a property".
func (p *parser) parseSelector() (path, error) {
	p.pos++ // '$'
	if p.eof() || p.peek() != '.' {
		if !p.eof() && p.peek() == '[' {
			return nil, p.errorf(p.pos, `expected "." after "$": an array index must follow a property`)
		}
		return nil, p.errorf(p.pos, `expected "." after "$", found %s`, p.found())
	}
	p.pos++
	var sel path
	if err := p.parseProperty(&sel, `"$."`); err != nil {
		return nil, err
	}
	for !p.eof() {
		switch p.peek() {
		case '.':
			p.pos++
			if err := p.parseProperty(&sel, `"."`); err != nil {
				return nil, err
			}
		case '[':
			if err := p.parseIndex(&sel); err != nil {
				return nil, err
			}
		default:
			return sel, nil
		}
	}
	return sel, nil
}

// parseProperty parses a name (letters, digits, "-" and "_", as AWS
// documents) or ['key'] for other characters.
func (p *parser) parseProperty(sel *path, after string) error {
	if p.eof() {
		return p.errorf(p.pos, "expected a property name after %s, found the end of the pattern", after)
	}
	switch p.peek() {
	case '*':
		return p.errorf(p.pos, "wildcard selectors ($.*, [*]) are not supported by groundwork's evaluator")
	case '[':
		open := p.pos
		p.pos++
		if p.eof() || p.peek() != '\'' {
			if !p.eof() && p.peek() == '*' {
				return p.errorf(p.pos, "wildcard selectors ($.*, [*]) are not supported by groundwork's evaluator")
			}
			return p.errorf(p.pos, `expected a property name in single quotes after ".[", as in $.['cluster.name'], found %s`, p.found())
		}
		quote := p.pos
		end := strings.IndexByte(p.src[quote+1:], '\'')
		if end < 0 {
			return p.errorf(quote, "unterminated property name: no closing \"'\"")
		}
		key := p.src[quote+1 : quote+1+end]
		p.pos = quote + 1 + end + 1
		if p.eof() || p.peek() != ']' {
			return p.errorf(p.pos, `expected "]" to close the "[" at position %d, found %s`, p.runePos(open), p.found())
		}
		p.pos++
		*sel = append(*sel, step{key: key})
		return nil
	}
	start := p.pos
	name := p.take(func(c byte) bool { return isLetter(c) || isDigit(c) || c == '-' || c == '_' })
	if name == "" {
		return p.errorf(start, "expected a property name after %s, found %s", after, p.found())
	}
	*sel = append(*sel, step{key: name})
	return nil
}

func (p *parser) parseIndex(sel *path) error {
	open := p.pos
	p.pos++
	if !p.eof() && p.peek() == '*' {
		return p.errorf(p.pos, "wildcard selectors ($.*, [*]) are not supported by groundwork's evaluator")
	}
	start := p.pos
	digits := p.take(isDigit)
	if digits == "" {
		return p.errorf(start, `expected an array index (0, 1, ...) after "[", found %s`, p.found())
	}
	if len(digits) > maxIndexDigits {
		return p.errorf(start, "array index %s is too large", digits)
	}
	if p.eof() || p.peek() != ']' {
		return p.errorf(p.pos, `expected "]" to close the "[" at position %d, found %s`, p.runePos(open), p.found())
	}
	p.pos++
	n, _ := strconv.Atoi(digits) // at most maxIndexDigits digits: fits
	*sel = append(*sel, step{index: n, isIndex: true})
	return nil
}

// slot returns the index of sel in the pattern's selectors, adding it the
// first time: $.a and $.['a'] name the same value and share a slot.
func (p *parser) slot(sel path) int {
	key := sel.String()
	if i, ok := p.slots[key]; ok {
		return i
	}
	p.slots[key] = len(p.paths)
	p.paths = append(p.paths, sel)
	return len(p.paths) - 1
}
