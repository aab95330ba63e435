package input

// jsonDepth returns the offset of the first '[' or '{' of src that opens
// more than max nested arrays and objects, and false; or true when src
// nests at most max deep. Brackets inside strings do not count. src need
// not be valid JSON: the count is a bound, the parser judges the rest.
func jsonDepth(src []byte, limit int) (int, bool) {
	depth := 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			if depth++; depth > limit {
				return i, false
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return 0, true
}

// yamlDepth is jsonDepth for YAML. It bounds the nesting of block
// collections by their indentation (each level is more indented than its
// parent, or as indented for a list under a mapping key, so the levels a
// line is under are at least half the indentation columns open above it),
// counts the compact indicators of a line ("- - x", "? ", ": ") as levels,
// and counts flow collections ([ and {) outside quoted scalars, comments
// and block scalars (| and >). It may count more levels than a parser
// builds, for odd layouts such as a plain scalar continued on more
// indented lines, never fewer than half: a bound on the parser's memory,
// not a parser.
func yamlDepth(src []byte, limit int) (int, bool) {
	s := yamlScanner{src: src, max: limit}
	return s.run()
}

type yamlScanner struct {
	src []byte
	max int
	// stack holds the columns of the open block collections, increasing.
	stack []int
	// flow counts the open flow collections; quote is the quote character
	// of a quoted scalar that goes on past the line, or 0.
	flow  int
	quote byte
	// lastSig is the last character of the open flow collections that is
	// not a space or in a comment: a quote starts a scalar only after one
	// of [ { , : ? (or at the start).
	lastSig byte
	// scalarIndent is the column a block scalar's lines are more indented
	// than, while inBlockScalar.
	inBlockScalar bool
	scalarIndent  int
	// lineStart is the offset of the current line, for columns.
	lineStart int
	// pending is the column of a node whose kind is not known yet, or -1:
	// the line's first node, or the node after "- ". It becomes a level
	// when it turns out to be a block collection, not a scalar or a flow
	// collection (which counts itself).
	pending int
	// pendingAt is the offset where the pending node starts.
	pendingAt int
	// failAt is the offset where the limit was passed, or -1.
	failAt int
}

func (s *yamlScanner) run() (int, bool) {
	s.failAt = -1
	for start := 0; start < len(s.src) && s.failAt < 0; {
		end := start
		for end < len(s.src) && s.src[end] != '\n' {
			end++
		}
		s.lineStart = start
		s.line(start, end)
		start = end + 1
	}
	return max(s.failAt, 0), s.failAt < 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// blankAfter reports whether src[i:end] is empty or starts with a space:
// what follows an indicator such as "- " or ": ".
func (s *yamlScanner) blankAfter(i, end int) bool { return i >= end || isSpace(s.src[i]) }

func (s *yamlScanner) skipSpaces(i, end int) int {
	for i < end && isSpace(s.src[i]) {
		i++
	}
	return i
}

func (s *yamlScanner) line(start, end int) {
	i := s.skipSpaces(start, end)
	indent := i - start
	if s.inBlockScalar {
		if i == end || indent > s.scalarIndent {
			return // a line of the scalar's text
		}
		s.inBlockScalar = false
	}
	if s.quote != 0 {
		i = s.quoted(start, end)
		if i < 0 {
			return
		}
		if s.flow > 0 {
			i = s.flowItems(i, end)
		}
		s.node(s.afterScalar(i, end), end)
		return
	}
	if s.flow > 0 {
		s.node(s.afterScalar(s.flowItems(start, end), end), end)
		return
	}
	if i == end || s.src[i] == '#' {
		return
	}
	if indent == 0 {
		switch {
		case s.src[i] == '%':
			return // a directive
		case end-i >= 3 && (string(s.src[i:i+3]) == "---" || string(s.src[i:i+3]) == "...") && s.blankAfter(i+3, end):
			s.stack = s.stack[:0] // a new document
			i = s.skipSpaces(i+3, end)
			if i == end {
				return
			}
			indent = i - start
		}
	}
	for len(s.stack) > 0 && s.stack[len(s.stack)-1] > indent {
		s.stack = s.stack[:len(s.stack)-1]
	}
	s.pending = -1
	if len(s.stack) == 0 || s.stack[len(s.stack)-1] < indent {
		s.pending, s.pendingAt = indent, i
	}
	s.node(i, end)
}

// open pushes the pending collection, if any: the node that started at
// the column in pending turned out to be a block mapping or list.
func (s *yamlScanner) open() bool {
	if s.pending < 0 {
		return true
	}
	col := s.pending
	s.pending = -1
	return s.push(col, s.pendingAt)
}

// push opens a block collection at column col, found at offset at.
func (s *yamlScanner) push(col, at int) bool {
	s.stack = append(s.stack, col)
	if len(s.stack)+s.flow > s.max {
		s.failAt = at
		return false
	}
	return true
}

// node scans a block-context line from i: indicators, anchors and tags,
// keys, and the value after them.
func (s *yamlScanner) node(i, end int) {
	for s.failAt < 0 {
		i = s.skipSpaces(i, end)
		if i >= end || s.src[i] == '#' {
			return
		}
		switch c := s.src[i]; {
		case (c == '-' || c == '?' || c == ':') && s.blankAfter(i+1, end):
			if !s.open() {
				return
			}
			i = s.skipSpaces(i+1, end)
			if i >= end || s.src[i] == '#' {
				return // the entry's node starts on a later line
			}
			s.pending, s.pendingAt = i-s.lineStart, i
		case c == '&' || c == '!' || c == '*':
			for i < end && !isSpace(s.src[i]) {
				i++
			}
		case c == '|' || c == '>':
			s.inBlockScalar = true
			s.scalarIndent = 0
			if len(s.stack) > 0 {
				s.scalarIndent = s.stack[len(s.stack)-1]
			}
			return
		case c == '"' || c == '\'':
			s.quote = c
			if i = s.quoted(i+1, end); i < 0 {
				return
			}
			if i = s.afterKey(i, end); i < 0 {
				return
			}
		case c == '[' || c == '{':
			s.lastSig = c
			if s.flow++; len(s.stack)+s.flow > s.max {
				s.failAt = i
				return
			}
			s.pending = -1 // the flow collection is the node
			if i = s.afterKey(s.flowItems(i+1, end), end); i < 0 {
				return
			}
		default:
			// A plain scalar: it ends at ": " (then it was a key), at " #"
			// or at the end of the line.
			for ; i < end; i++ {
				if s.src[i] == ':' && s.blankAfter(i+1, end) {
					break
				}
				if s.src[i] == '#' && isSpace(s.src[i-1]) {
					return
				}
			}
			if i >= end {
				return
			}
			if !s.open() {
				return
			}
			i++
		}
	}
}

// afterKey is afterScalar for a node in block context: when the scalar or
// flow collection before i is a key, the pending node is a mapping. It
// returns -1 when that passes the limit.
func (s *yamlScanner) afterKey(i, end int) int {
	j := s.afterScalar(i, end)
	if j > 0 && s.src[j-1] == ':' && j-1 >= i {
		if !s.open() {
			return -1
		}
	}
	return j
}

// afterScalar moves past the ':' that makes the scalar ending before i a
// key, if there is one.
func (s *yamlScanner) afterScalar(i, end int) int {
	j := s.skipSpaces(i, end)
	if j < end && s.src[j] == ':' && s.blankAfter(j+1, end) {
		return j + 1
	}
	return j
}

// quoted scans a quoted scalar whose opening quote, s.quote, is before i,
// and returns the offset after its closing quote; or -1, leaving s.quote
// set, when it goes on past the line.
func (s *yamlScanner) quoted(i, end int) int {
	for ; i < end; i++ {
		switch c := s.src[i]; {
		case c == '\\' && s.quote == '"':
			i++
		case c == s.quote && s.quote == '\'' && i+1 < end && s.src[i+1] == '\'':
			i++
		case c == s.quote:
			s.quote = 0
			s.lastSig = 'x'
			return i + 1
		}
	}
	return -1
}

// flowItems scans the inside of the open flow collections from i and
// returns the offset after the bracket that closes the outermost, or end.
func (s *yamlScanner) flowItems(i, end int) int {
	for ; i < end && s.failAt < 0; i++ {
		c := s.src[i]
		switch {
		case isSpace(c):
			continue
		case c == '#' && (i == s.lineStart || isSpace(s.src[i-1])):
			return end
		case (c == '"' || c == '\'') && (s.lastSig == 0 || s.lastSig == '[' || s.lastSig == '{' || s.lastSig == ',' || s.lastSig == ':' || s.lastSig == '?'):
			s.quote = c
			if i = s.quoted(i+1, end); i < 0 {
				return end
			}
			i-- // the loop's i++ moves past the quote
			continue
		case c == '[' || c == '{':
			if s.flow++; len(s.stack)+s.flow > s.max {
				s.failAt = i
				return end
			}
		case c == ']' || c == '}':
			if s.flow--; s.flow <= 0 {
				s.flow = 0
				s.lastSig = 0
				return i + 1
			}
		}
		s.lastSig = c
	}
	return end
}
