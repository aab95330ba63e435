package importer

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Node is a YAML mapping whose entries keep the order they were set in:
// the schema's order for fixed fields, sorted order for maps (see
// SetSorted). Values are string, Raw, bool, int, []string, *Node or
// []*Node (a sequence of mappings); a
// comment (see Comment) takes an entry's place. Encode builds a Node from
// a value of the spec's own types; sections that need more (a comment
// beside a field) add to what Encode returns.
type Node struct {
	entries []entry
}

type entry struct {
	key string
	val any
}

// NewNode returns an empty mapping, written `{}`.
func NewNode() *Node { return &Node{} }

// Set appends key: val and returns n for chaining.
func (n *Node) Set(key string, val any) *Node {
	n.entries = append(n.entries, entry{key, val})
	return n
}

// Child appends key with a new empty mapping and returns the mapping.
func (n *Node) Child(key string) *Node {
	c := NewNode()
	n.Set(key, c)
	return c
}

// Lookup returns the mapping under key, or nil when key is not set to
// one.
func (n *Node) Lookup(key string) *Node {
	for _, e := range n.entries {
		if c, ok := e.val.(*Node); ok && e.key == key {
			return c
		}
	}
	return nil
}

// Len is the number of entries, comments included.
func (n *Node) Len() int { return len(n.entries) }

// Comment appends text as YAML comment lines and returns n.
func (n *Node) Comment(text string) *Node {
	return n.Set("", comment(text))
}

// CommentBefore inserts text as YAML comment lines before the entry key,
// or appends it when key is not set, and returns n.
func (n *Node) CommentBefore(key, text string) *Node {
	i := slices.IndexFunc(n.entries, func(e entry) bool { _, c := e.val.(comment); return e.key == key && !c })
	if i < 0 {
		return n.Comment(text)
	}
	n.entries = slices.Insert(n.entries, i, entry{"", comment(text)})
	return n
}

// Raw is written as it is: numbers such as the spec version.
type Raw string

// comment is written as YAML comment lines in place of an entry, whose key
// is ignored.
type comment string

// SetSorted appends the entries of m in key order.
func SetSorted[V any](n *Node, m map[string]V, val func(V) any) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		n.Set(k, val(m[k]))
	}
}

// maxFlowLine is how long a flow list like [a, b, c] may get before it is
// written one item per line instead.
const maxFlowLine = 100

// render writes n as a block mapping indented by indent spaces.
func (n *Node) render(b *strings.Builder, indent int) {
	pad := strings.Repeat("  ", indent)
	for _, e := range n.entries {
		if c, ok := e.val.(comment); ok {
			for _, line := range strings.Split(string(c), "\n") {
				b.WriteString(strings.TrimRight(pad+"# "+line, " ") + "\n")
			}
			continue
		}
		b.WriteString(pad)
		b.WriteString(scalar(e.key))
		b.WriteString(":")
		switch v := e.val.(type) {
		case *Node:
			if len(v.entries) == 0 {
				b.WriteString(" {}\n")
				continue
			}
			b.WriteString("\n")
			v.render(b, indent+1)
		case []string:
			flow := flowList(v)
			if len(pad)+len(e.key)+len(flow) <= maxFlowLine || len(v) == 0 {
				b.WriteString(" " + flow + "\n")
				continue
			}
			b.WriteString("\n")
			for _, s := range v {
				b.WriteString(pad + "  - " + scalar(s) + "\n")
			}
		case []*Node:
			if len(v) == 0 {
				b.WriteString(" []\n")
				continue
			}
			b.WriteString("\n")
			for _, item := range v {
				item.renderItem(b, indent+1)
			}
		case bool:
			b.WriteString(" " + strconv.FormatBool(v) + "\n")
		case Raw:
			b.WriteString(" " + string(v) + "\n")
		case int:
			b.WriteString(" " + strconv.Itoa(v) + "\n")
		case string:
			b.WriteString(" " + scalar(v) + "\n")
		default:
			panic("importer: cannot write YAML value of this type")
		}
	}
}

// renderItem writes n as an item of a block sequence indented by indent
// spaces: "- " before its first entry, the others aligned under it.
func (n *Node) renderItem(b *strings.Builder, indent int) {
	pad := strings.Repeat("  ", indent)
	if len(n.entries) == 0 {
		b.WriteString(pad + "- {}\n")
		return
	}
	var item strings.Builder
	n.render(&item, indent+1)
	b.WriteString(pad + "- " + strings.TrimPrefix(item.String(), pad+"  "))
}

func flowList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = scalarIn(s, flowPlainRE)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// plainRE matches the strings written without quotes: they start with a
// letter, '/' or '_', end with neither a space nor ',', and hold no
// character that YAML gives a meaning (no ':', '#', brackets, braces or
// quotes). In a flow list, where ',' separates items, flowPlainRE also
// excludes ','. Everything else, numbers and dates included, is
// double-quoted.
var (
	plainRE     = regexp.MustCompile(`^[A-Za-z_/]([A-Za-z0-9_./@+=(), -]*[A-Za-z0-9_./@+=()-])?$`)
	flowPlainRE = regexp.MustCompile(`^[A-Za-z_/]([A-Za-z0-9_./@+=() -]*[A-Za-z0-9_./@+=()-])?$`)
)

// reserved are the plain words a YAML parser reads as booleans or null
// (YAML 1.1 and 1.2), in lower case.
var reserved = map[string]bool{
	"y": true, "n": true, "yes": true, "no": true, "true": true, "false": true,
	"on": true, "off": true, "null": true, "nan": true, "inf": true,
}

// scalar writes s so that a YAML parser reads back exactly s, in block
// context.
func scalar(s string) string { return scalarIn(s, plainRE) }

func scalarIn(s string, plain *regexp.Regexp) string {
	lower := strings.ToLower(s)
	if plain.MatchString(s) && !reserved[lower] && !strings.HasPrefix(lower, ".inf") && !strings.Contains(s, "  ") {
		return s
	}
	return quote(s)
}

// quote writes a YAML double-quoted scalar. YAML's escapes are a superset
// of JSON's; \uXXXX covers every control character.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff:
			b.WriteString(`\u` + leftPad(strconv.FormatInt(int64(r), 16), 4))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
