package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Lint checks a policy document against the rules of its kind and returns
// every problem found, in a stable order; none means the document is fine.
// file names the document in each Problem (it may be empty).
//
// For SCP and Identity it checks: JSON syntax (with line and column),
// repeated keys, the top-level keys (Version, Id, Statement), the Version,
// a non-empty Statement, and per statement the keys, Effect (Allow or
// Deny), exactly one of Action and NotAction, exactly one of Resource and
// NotResource, the action format (service:Action with * and ? wildcards, or
// "*"), resource ARNs, Sid characters and uniqueness, condition operators
// and values. For SCP also: no Principal or NotPrincipal, and the size
// limit. TagPolicy documents are checked against the tag policy grammar:
// a "tags" object whose entries have tag_key ({"@@assign": "Key"}, the
// policy key in the case resources must use), tag_value and enforced_for
// ({"@@assign": [...]}, or @@append and @@remove), and the size limit.
func Lint(file string, src []byte, kind Kind) []Problem {
	c := &collector{file: file}
	if err := checkSyntax(src); err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			c.add(-1, "", "", "invalid JSON at line %d, column %d: %s", se.Line, se.Column, se.Msg)
		} else {
			c.add(-1, "", "", "invalid JSON: %v", err)
		}
		return c.problems
	}
	switch kind {
	case SCP, Identity:
		lintIAM(c, src, kind)
	case TagPolicy:
		lintTagPolicy(c, src)
	default:
		c.add(-1, "", "", "cannot lint: unknown policy kind %v", kind)
		return c.problems
	}
	if limit := kind.MaxSize(); limit > 0 {
		if n, err := Size(src); err == nil && n > limit {
			noun := "a tag policy"
			if kind == SCP {
				noun = "an SCP"
			}
			c.add(-1, "", "", "%s characters without the whitespace outside strings; %s may have at most %s",
				thousands(n), noun, thousands(limit))
		}
	}
	return c.problems
}

var (
	topLevelKeys  = []string{"Version", "Id", "Statement"}
	statementKeys = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
		"Resource", "NotResource", "Condition"}

	sidPattern = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	// An action is service:Action. Service prefixes are lowercase letters,
	// digits and hyphens ("s3", "route53-recovery-cluster"); IAM compares
	// actions without case, so upper case is tolerated. Since September
	// 2025 SCPs, like IAM policies, accept * and ? anywhere in the action
	// name.
	actionPattern = regexp.MustCompile(`^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$`)
)

// iamVersions are the Version values each kind accepts. SCPs accept only
// the current version (SCP syntax: "Every SCP must include a Version
// element with the value 2012-10-17").
var iamVersions = map[Kind][]string{
	SCP:      {"2012-10-17"},
	Identity: {"2012-10-17", "2008-10-17"},
}

func lintIAM(c *collector, src []byte, kind Kind) {
	doc, raw := decodeDocument(src, c)
	lintDuplicateKeys(c, src, doc, raw)
	if raw.top == nil {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(raw.top)) {
		if !slices.Contains(topLevelKeys, k) {
			c.add(-1, "", k, "unknown top-level key%s; a policy has only Version, Id and Statement", suggest(k, topLevelKeys))
		}
	}
	versions := iamVersions[kind]
	if _, ok := raw.top["Version"]; !ok {
		c.add(-1, "", "Version", "missing; use %q", versions[0])
	} else if v := raw.top["Version"]; firstByte(v) == '"' && !slices.Contains(versions, doc.Version) {
		c.add(-1, "", "Version", "%q is not a policy language version; use %s", doc.Version, quoteList(versions, "or"))
	}
	if _, ok := raw.top["Statement"]; !ok {
		c.add(-1, "", "Statement", "missing; a policy needs at least one statement")
	} else if raw.statementList && len(raw.statements) == 0 {
		c.add(-1, "", "Statement", "empty; a policy needs at least one statement")
	}
	firstSid := map[string]int{}
	for i, st := range doc.Statements {
		lintStatement(c, i, st, raw.statements[i], kind)
		if st.Sid == "" {
			continue
		}
		if j, dup := firstSid[st.Sid]; dup {
			c.add(i, st.Sid, "Sid", "duplicate Sid %q: statement %d has it too; Sids must be unique in a policy", st.Sid, j)
		} else {
			firstSid[st.Sid] = i
		}
	}
}

func lintStatement(c *collector, i int, st Statement, m map[string]json.RawMessage, kind Kind) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(statementKeys, k) {
			c.add(i, st.Sid, k, "unknown statement key%s; a statement has %s", suggest(k, statementKeys),
				strings.Join(statementKeys, ", "))
		}
	}
	if v, ok := m["Sid"]; ok && firstByte(v) == '"' && !sidPattern.MatchString(st.Sid) {
		if st.Sid == "" {
			c.add(i, st.Sid, "Sid", "empty; leave Sid out or name the statement with only A-Z, a-z and 0-9")
		} else {
			c.add(i, st.Sid, "Sid", "%q has characters IAM does not allow in a Sid: only A-Z, a-z and 0-9", st.Sid)
		}
	}
	switch v, ok := m["Effect"]; {
	case !ok:
		c.add(i, st.Sid, "Effect", "missing; use Allow or Deny")
	case firstByte(v) == '"' && st.Effect != "Allow" && st.Effect != "Deny":
		c.add(i, st.Sid, "Effect", "%q is not an effect; use Allow or Deny (case matters)", st.Effect)
	}
	lintOneOf(c, i, st.Sid, m, "Action", "NotAction")
	lintOneOf(c, i, st.Sid, m, "Resource", "NotResource")
	for _, f := range []struct {
		name string
		list []string
	}{{"Action", st.Action}, {"NotAction", st.NotAction}} {
		if _, ok := m[f.name]; ok && f.list != nil && len(f.list) == 0 {
			c.add(i, st.Sid, f.name, "empty list; name at least one action")
		}
		for _, a := range f.list {
			if msg := actionProblem(a); msg != "" {
				c.add(i, st.Sid, f.name, "%s", msg)
			}
		}
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"Resource", st.Resource}, {"NotResource", st.NotResource}} {
		if _, ok := m[f.name]; ok && f.list != nil && len(f.list) == 0 {
			c.add(i, st.Sid, f.name, `empty list; name at least one resource ARN or "*"`)
		}
		for _, r := range f.list {
			if msg := resourceProblem(r); msg != "" {
				c.add(i, st.Sid, f.name, "%s", msg)
			}
		}
	}
	_, hasP := m["Principal"]
	_, hasNP := m["NotPrincipal"]
	switch {
	case kind == SCP && hasP:
		c.add(i, st.Sid, "Principal", "not supported in SCPs: an SCP applies to every principal in the accounts it is attached to; to exempt some, use a Condition on aws:PrincipalArn")
	case kind == SCP && hasNP:
		c.add(i, st.Sid, "NotPrincipal", "not supported in SCPs; use a Condition with ArnNotLike on aws:PrincipalArn")
	case hasP && hasNP:
		c.add(i, st.Sid, "NotPrincipal", "a statement has Principal or NotPrincipal, not both")
	case hasNP && st.Effect == "Allow":
		c.add(i, st.Sid, "NotPrincipal", "IAM supports NotPrincipal only with Effect Deny")
	}
	lintCondition(c, i, st)
}

// lintOneOf checks that a statement has exactly one of two alternative
// elements.
func lintOneOf(c *collector, i int, sid string, m map[string]json.RawMessage, a, notA string) {
	_, hasA := m[a]
	_, hasNot := m[notA]
	switch {
	case hasA && hasNot:
		c.add(i, sid, notA, "a statement has %s or %s, not both", a, notA)
	case !hasA && !hasNot:
		c.add(i, sid, a, "missing; a statement needs %s or %s", a, notA)
	}
}

func actionProblem(a string) string {
	if a == "*" || actionPattern.MatchString(a) {
		return ""
	}
	if strings.Count(a, ":") == 1 && strings.ContainsAny(a[:strings.IndexByte(a, ':')], "*?") {
		return fmt.Sprintf("%q has a wildcard in the service prefix; name the service (like s3:*) or use \"*\" for every action", a)
	}
	return fmt.Sprintf("%q is not an action: expected service:Action (like s3:GetObject, ec2:Describe*) or \"*\"", a)
}

func resourceProblem(r string) string {
	if r == "*" {
		return ""
	}
	if !strings.HasPrefix(r, "arn:") {
		return fmt.Sprintf("%q is not a resource: expected an ARN (arn:partition:service:region:account:resource) or \"*\"", r)
	}
	if _, ok := arnParts(r); !ok {
		return fmt.Sprintf("%q has fewer than the six colon-separated parts of an ARN (arn:partition:service:region:account:resource)", r)
	}
	return ""
}

// conditionOperators are IAM's condition operators (IAM User Guide, "IAM
// JSON policy elements: Condition operators"). Each also takes the
// IfExists suffix (except Null) and the ForAllValues: or ForAnyValue:
// prefix.
var conditionOperators = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
	"StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
	"NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
	"DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
	"Null",
}

// conditionOperator splits an operator into its set prefix, base operator
// and IfExists suffix; ok is false when the base is not an IAM operator.
func conditionOperator(op string) (set, base string, ifExists, ok bool) {
	base = op
	for _, p := range []string{"ForAllValues:", "ForAnyValue:"} {
		if strings.HasPrefix(base, p) {
			set, base = strings.TrimSuffix(p, ":"), strings.TrimPrefix(base, p)
			break
		}
	}
	if strings.HasSuffix(base, "IfExists") && base != "IfExists" {
		ifExists, base = true, strings.TrimSuffix(base, "IfExists")
	}
	ok = slices.Contains(conditionOperators, base) && !(base == "Null" && ifExists)
	return set, base, ifExists, ok
}

func lintCondition(c *collector, i int, st Statement) {
	for _, op := range slices.Sorted(maps.Keys(st.Condition)) {
		_, base, ifExists, ok := conditionOperator(op)
		if !ok {
			switch {
			case base == "Null" && ifExists:
				c.add(i, st.Sid, "Condition", "%q: Null takes no IfExists suffix; Null itself tests whether a key is present", op)
			default:
				c.add(i, st.Sid, "Condition", "unknown condition operator %q%s", op, suggestOperator(op))
			}
			continue
		}
		keys := st.Condition[op]
		if len(keys) == 0 {
			c.add(i, st.Sid, "Condition", "%s has no condition keys", op)
		}
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			if !strings.Contains(key, ":") {
				c.add(i, st.Sid, "Condition", "%s: %q is not a condition key: expected prefix:name, like aws:PrincipalArn", op, key)
			}
			vals := keys[key]
			if len(vals) == 0 {
				c.add(i, st.Sid, "Condition", "%s %s has no values", op, key)
			}
			for _, v := range vals {
				if msg := conditionValueProblem(base, v); msg != "" {
					c.add(i, st.Sid, "Condition", "%s %s: %s", op, key, msg)
				}
			}
		}
	}
}

func conditionValueProblem(base, v string) string {
	switch {
	case base == "Bool" || base == "Null":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return fmt.Sprintf("%q is not true or false", v)
		}
	case strings.HasPrefix(base, "Numeric"):
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Sprintf("%q is not a number", v)
		}
	}
	return ""
}

func suggestOperator(op string) string {
	_, base, ifExists, _ := conditionOperator(op)
	for _, known := range conditionOperators {
		if strings.EqualFold(known, base) {
			want := strings.Replace(op, base, known, 1)
			if ifExists && !strings.HasSuffix(want, "IfExists") {
				want += "IfExists"
			}
			return fmt.Sprintf(" (did you mean %q?)", want)
		}
	}
	return ""
}

// suggest proposes the known key that key is probably a misspelling of:
// one that differs only in case, or by at most two edits.
func suggest(key string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return fmt.Sprintf(" (did you mean %q? keys are case-sensitive)", k)
		}
	}
	for _, k := range known {
		if len(key) >= 4 && editDistance(strings.ToLower(k), strings.ToLower(key)) <= 2 {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func quoteList(items []string, conj string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}

// lintDuplicateKeys reports keys repeated within one JSON object, placing
// each under its statement when it is inside one.
func lintDuplicateKeys(c *collector, src []byte, doc *Document, raw rawDocument) {
	for _, d := range findDuplicateKeys(src) {
		stmt, rest := -1, d.path
		if len(rest) > 0 && rest[0] == "Statement" {
			rest = rest[1:]
			switch {
			case !raw.statementList:
				stmt = 0
			case len(rest) > 0:
				if n, err := strconv.Atoi(strings.Trim(rest[0], "[]")); err == nil {
					stmt, rest = n, rest[1:]
				}
			}
		}
		sid := ""
		if stmt >= 0 && stmt < len(doc.Statements) {
			sid = doc.Statements[stmt].Sid
		}
		field := strings.Join(append(append([]string(nil), rest...), d.key), ".")
		if stmt < 0 && len(d.path) > 0 {
			field = strings.Join(append(append([]string(nil), d.path...), d.key), ".")
		}
		c.add(stmt, sid, field, "key %q appears more than once in the same object; AWS rejects the policy and JSON parsers keep only the last", d.key)
	}
}
