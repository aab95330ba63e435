package audit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// Suppression mutes the findings of one check on the resources its glob
// matches, for a stated reason, until it expires.
type Suppression struct {
	CheckID  string    `json:"check_id"`
	Resource string    `json:"resource"` // a glob over Finding.Resource; "*" for all
	Reason   string    `json:"reason"`
	Expires  time.Time `json:"expires,omitzero"`
	// Source is where the suppression was written: "suppressions.yaml:12".
	Source string `json:"source,omitempty"`
}

// Notice reports a suppression that no longer does its job: it has expired
// (its findings are reported again) or it matched no finding.
type Notice struct {
	Kind        string      `json:"kind"` // "expired" or "unused"
	Suppression Suppression `json:"suppression"`
	Message     string      `json:"message"`
}

// The kinds of Notice.
const (
	NoticeExpired = "expired"
	NoticeUnused  = "unused"
)

// SuppressionsVersion is the version of the suppressions file format, the
// `version:` its first line states.
const SuppressionsVersion = 1

// DefaultSuppressionsFile is the name the audit looks for next to the spec
// when no suppressions file is given.
const DefaultSuppressionsFile = "groundwork-suppressions.yaml"

// dateLayout is how expiry dates are written: a calendar day, ISO 8601.
const dateLayout = "2006-01-02"

// ExpiresAt is the instant the suppression stops muting: the end of its
// expiry day in UTC, so that "expires: 2027-03-31" still mutes on that day
// wherever the audit runs. A zero Expires never expires.
func (s Suppression) ExpiresAt() time.Time {
	if s.Expires.IsZero() {
		return time.Time{}
	}
	y, m, d := s.Expires.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}

// Expired reports whether the suppression no longer mutes at now.
func (s Suppression) Expired(now time.Time) bool {
	return !s.Expires.IsZero() && !now.Before(s.ExpiresAt())
}

// Matches reports whether the suppression covers the finding: same check,
// and the resource glob matches the finding's whole Resource. It does not
// look at expiry.
func (s Suppression) Matches(f Finding) bool {
	return s.CheckID == f.CheckID && MatchGlob(s.Resource, f.Resource)
}

// MatchGlob reports whether name matches the whole glob pattern. "*"
// matches any run of characters, "/" and spaces included, and "?" exactly
// one character; every other character matches itself. Unlike path.Match
// there are no character classes or escapes, so that a resource such as
// "account/123456789012 (sandbox-1)" is written as it reads.
func MatchGlob(pattern, name string) bool {
	p, n := []rune(pattern), []rune(name)
	// Iterative match with one backtrack point: the last "*" seen and the
	// position in name it has consumed up to. Linear in practice, never
	// exponential, whatever the pattern.
	pi, ni, star, mark := 0, 0, -1, 0
	for ni < len(n) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == n[ni]) && p[pi] != '*':
			pi++
			ni++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ni
			pi++
		case star >= 0:
			mark++
			pi, ni = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// globProblem says what is wrong with a resource glob, or "" when it is
// usable.
func globProblem(g string) string {
	if strings.TrimSpace(g) == "" {
		return "the resource pattern is empty; write \"*\" to match every resource"
	}
	if i := strings.IndexAny(g, "[]{}\\"); i >= 0 {
		return fmt.Sprintf("the resource pattern has %q: only * (any characters) and ? (one character) are wildcards, "+
			"character classes, braces and escapes are not supported", g[i:i+1])
	}
	return ""
}

// Suppress applies suppressions to the result, replacing any earlier call's
// effect. A finding matched by a suppression that has not expired at now
// moves from Findings to Suppressed, with Suppression set to the first
// suppression (in file order) that matches it. An expired suppression
// mutes nothing and gives a Notice of kind "expired"; one that has not
// expired but matched no finding gives a Notice of kind "unused". Notices
// are in the order of sups.
func (r *Result) Suppress(sups []Suppression, now time.Time) {
	all := slices.Clone(r.Findings)
	for _, f := range r.Suppressed {
		f.Suppression = nil
		all = append(all, f)
	}
	r.Findings, r.Suppressed, r.Notices = nil, nil, nil
	used := make([]bool, len(sups))
	for _, f := range all {
		i := slices.IndexFunc(sups, func(s Suppression) bool { return !s.Expired(now) && s.Matches(f) })
		if i < 0 {
			r.Findings = append(r.Findings, f)
			continue
		}
		used[i] = true
		s := sups[i]
		f.Suppression = &s
		r.Suppressed = append(r.Suppressed, f)
	}
	SortFindings(r.Findings)
	SortFindings(r.Suppressed)
	for i, s := range sups {
		switch {
		case s.Expired(now):
			r.Notices = append(r.Notices, Notice{Kind: NoticeExpired, Suppression: s, Message: fmt.Sprintf(
				"the suppression of %s on %q expired at the end of %s UTC (%s ago); its findings are reported again: renew it with a new date or fix what it hides",
				s.CheckID, s.Resource, s.Expires.UTC().Format(dateLayout), age(now.Sub(s.ExpiresAt())))})
		case !used[i]:
			r.Notices = append(r.Notices, Notice{Kind: NoticeUnused, Suppression: s, Message: fmt.Sprintf(
				"the suppression of %s on %q matched no finding: remove it, or correct its check or resource pattern",
				s.CheckID, s.Resource)})
		}
	}
}

// age says how long ago something happened, in days once it is a day or
// more.
func age(d time.Duration) string {
	if days := int(d / (24 * time.Hour)); days >= 1 {
		if days == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", days)
	}
	return "less than a day"
}

// LoadSuppressions reads a suppressions file:
//
//	version: 1
//	suppressions:
//	  - check: GW-HRD-004
//	    resource: "account/* (sandbox-*)"
//	    reason: Sandbox default VPCs are deleted by the account vending flow
//	    expires: 2027-03-31
//
// check, reason and expires are required; resource defaults to "*".
// known tells which check IDs exist; nil accepts any. When the file has
// problems the error is a spec.Diagnostics listing every one of them, each
// "file:line:column: field: message".
func LoadSuppressions(path string, known func(id string) bool) ([]Suppression, error) {
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read suppressions: %s does not exist", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read suppressions: %w", err)
	}
	return ParseSuppressions(path, src, known)
}

// ParseSuppressions is LoadSuppressions for a file already in memory; name
// is used in messages and in each suppression's Source.
func ParseSuppressions(name string, src []byte, known func(id string) bool) ([]Suppression, error) {
	d := &suppressionDecoder{file: name, known: known}
	sups := d.parse(src)
	if len(d.diags) > 0 {
		slices.SortStableFunc(d.diags, func(a, b spec.Diagnostic) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			return a.Column - b.Column
		})
		return nil, d.diags
	}
	return sups, nil
}

// suppressionDecoder walks the YAML syntax tree of a suppressions file,
// collecting every problem rather than stopping at the first.
type suppressionDecoder struct {
	file  string
	known func(string) bool
	diags spec.Diagnostics
}

func (d *suppressionDecoder) errorf(p spec.Pos, path, format string, args ...any) {
	d.diags = append(d.diags, spec.Diagnostic{File: d.file, Line: p.Line, Column: p.Column, Path: path, Message: fmt.Sprintf(format, args...)})
}

func tokenPos(tk *token.Token) spec.Pos {
	if tk == nil || tk.Position == nil {
		return spec.Pos{}
	}
	return spec.Pos{Line: tk.Position.Line, Column: tk.Position.Column}
}

func nodePos(n ast.Node) spec.Pos {
	if n == nil {
		return spec.Pos{}
	}
	return tokenPos(n.GetToken())
}

func (d *suppressionDecoder) parse(src []byte) []Suppression {
	f, err := parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		type tokenError interface {
			GetToken() *token.Token
			GetMessage() string
		}
		if te, ok := err.(tokenError); ok {
			d.errorf(tokenPos(te.GetToken()), "", "invalid YAML: %s", te.GetMessage())
		} else {
			d.errorf(spec.Pos{}, "", "invalid YAML: %v", err)
		}
		return nil
	}
	if len(f.Docs) > 1 {
		d.errorf(nodePos(f.Docs[1].Body), "", "found %d YAML documents; a suppressions file is exactly one", len(f.Docs))
		return nil
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil || f.Docs[0].Body.Type() == ast.NullType {
		d.errorf(spec.Pos{Line: 1, Column: 1}, "", "the file is empty; write `version: %d` and a `suppressions:` list", SuppressionsVersion)
		return nil
	}
	kvs, ok := d.mapping(f.Docs[0].Body, "")
	if !ok {
		return nil
	}
	var (
		sups        []Suppression
		sawVersion  bool
		versionNode = f.Docs[0].Body
	)
	for _, kv := range kvs {
		switch key := d.key(kv); key {
		case "version":
			sawVersion = true
			v := kv.Value
			if v.Type() != ast.IntegerType || strings.TrimSpace(v.GetToken().Value) != fmt.Sprint(SuppressionsVersion) {
				d.errorf(nodePos(v), "version", "unsupported version %s: this groundwork reads version %d", strings.TrimSpace(v.String()), SuppressionsVersion)
			}
		case "suppressions":
			sups = d.list(kv.Value)
		case "":
		default:
			d.errorf(nodePos(kv.Key), key, "unknown field %q; expected version or suppressions", key)
		}
	}
	if !sawVersion {
		d.errorf(nodePos(versionNode), "version", "missing version: start the file with `version: %d`", SuppressionsVersion)
	}
	return sups
}

// mapping returns the key/value pairs of a mapping node, or reports that
// the node is not one.
func (d *suppressionDecoder) mapping(n ast.Node, path string) ([]*ast.MappingValueNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	d.errorf(nodePos(n), path, "expected a mapping, found %s", describe(n))
	return nil, false
}

// key returns a plain key's text, or reports it and returns "".
func (d *suppressionDecoder) key(kv *ast.MappingValueNode) string {
	k, ok := kv.Key.(ast.ScalarNode)
	if !ok || kv.Key.Type() == ast.NullType {
		d.errorf(nodePos(kv.Key), "", "expected a plain key, found %s", describe(kv.Key))
		return ""
	}
	return fmt.Sprint(k.GetValue())
}

func (d *suppressionDecoder) list(n ast.Node) []Suppression {
	if n.Type() == ast.NullType {
		return nil // `suppressions:` with nothing under it: none yet
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.errorf(nodePos(n), "suppressions", "expected a list, found %s", describe(n))
		return nil
	}
	var out []Suppression
	for i, item := range seq.Values {
		if s, ok := d.item(item, fmt.Sprintf("suppressions[%d]", i)); ok {
			out = append(out, s)
		}
	}
	return out
}

// item decodes one suppression; ok is false when it has a problem.
func (d *suppressionDecoder) item(n ast.Node, path string) (Suppression, bool) {
	before := len(d.diags)
	kvs, ok := d.mapping(n, path)
	if !ok {
		return Suppression{}, false
	}
	at := nodePos(n)
	if len(kvs) > 0 {
		at = nodePos(kvs[0].Key)
	}
	s := Suppression{Source: fmt.Sprintf("%s:%d", d.file, at.Line)}
	seen := map[string]bool{}
	for _, kv := range kvs {
		key := d.key(kv)
		if key == "" {
			continue
		}
		fp := path + "." + key
		if seen[key] {
			d.errorf(nodePos(kv.Key), fp, "duplicate key %q", key)
			continue
		}
		seen[key] = true
		switch key {
		case "check", "resource", "reason", "expires":
		default:
			d.errorf(nodePos(kv.Key), fp, "unknown field %q; expected check, resource, reason or expires", key)
			continue
		}
		v, ok := d.scalar(kv.Value, fp)
		if !ok {
			continue
		}
		p := nodePos(kv.Value)
		switch key {
		case "check":
			s.CheckID = v
			switch {
			case v == "":
				d.errorf(p, fp, "the check ID is empty")
			case d.known != nil && !d.known(v):
				d.errorf(p, fp, "unknown check %q; `groundwork audit --list-checks` lists them", v)
			}
		case "resource":
			s.Resource = v
			if problem := globProblem(v); problem != "" {
				d.errorf(p, fp, "%s", problem)
			}
		case "reason":
			s.Reason = v
			if v == "" {
				d.errorf(p, fp, "the reason is empty; say why the finding is accepted")
			}
		case "expires":
			t, err := time.Parse(dateLayout, v)
			if err != nil {
				d.errorf(p, fp, "%q is not a date: write it as YYYY-MM-DD, e.g. 2027-03-31", v)
				continue
			}
			s.Expires = t
		}
	}
	for _, req := range []struct{ key, why string }{
		{"check", "the ID of the check to mute, e.g. GW-HRD-004"},
		{"reason", "why the finding is accepted"},
		{"expires", "the last day it mutes, YYYY-MM-DD, so that it is reviewed"},
	} {
		if !seen[req.key] {
			d.errorf(at, path+"."+req.key, "missing %s: %s", req.key, req.why)
		}
	}
	if !seen["resource"] {
		s.Resource = "*"
	}
	return s, len(d.diags) == before
}

// scalar returns a scalar value's text, trimmed; numbers, booleans and
// dates keep their source text, so that "expires: 2027-03-31" is read as
// written.
func (d *suppressionDecoder) scalar(n ast.Node, path string) (string, bool) {
	sc, ok := n.(ast.ScalarNode)
	switch {
	case n.Type() == ast.NullType:
		return "", true
	case !ok:
		d.errorf(nodePos(n), path, "expected a single value, found %s", describe(n))
		return "", false
	case n.Type() == ast.IntegerType || n.Type() == ast.FloatType || n.Type() == ast.BoolType:
		return strings.TrimSpace(n.GetToken().Value), true
	}
	if lit, ok := n.(*ast.LiteralNode); ok && lit.Value != nil {
		// A block scalar (reason: | or >): its text, not its source.
		return strings.TrimSpace(lit.Value.Value), true
	}
	return strings.TrimSpace(fmt.Sprint(sc.GetValue())), true
}

func describe(n ast.Node) string {
	switch n.Type() {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.NullType:
		return "nothing"
	}
	return "a value"
}
