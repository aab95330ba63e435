package policy

import (
	"strings"
	"unicode"
)

// MatchWildcard reports whether value matches an IAM wildcard pattern: "*"
// matches any run of characters, empty included, and "?" exactly one
// character. Every other character matches itself, ignoring case when
// foldCase is set: IAM compares actions without case and resource ARNs with
// it. A "*" or "?" inside value is an ordinary character.
func MatchWildcard(pattern, value string, foldCase bool) bool {
	p, v := []rune(pattern), []rune(value)
	// Greedy match with backtracking to the last star: linear for patterns
	// with one star, O(len(p)*len(v)) at worst.
	pi, vi := 0, 0
	star, mark := -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case pi < len(p) && (p[pi] == '?' || sameRune(p[pi], v[vi], foldCase)):
			pi++
			vi++
		case star >= 0:
			pi = star + 1
			mark++
			vi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func sameRune(a, b rune, fold bool) bool {
	if a == b {
		return true
	}
	return fold && unicode.ToLower(a) == unicode.ToLower(b)
}

// matchesEverything reports whether a pattern matches any string: "*",
// "**", ...
func matchesEverything(pattern string) bool {
	return pattern != "" && strings.Trim(pattern, "*") == ""
}

// wildcardsOverlap reports whether some string matches both patterns, each
// read with IAM wildcards.
func wildcardsOverlap(a, b string, fold bool) bool {
	p, q := []rune(a), []rune(b)
	// next[j] is the answer for p[i+1:] against q[j:], cur[j] for p[i:];
	// filled from the ends of both patterns backwards.
	next, cur := make([]bool, len(q)+1), make([]bool, len(q)+1)
	for i := len(p); i >= 0; i-- {
		for j := len(q); j >= 0; j-- {
			var r bool
			switch {
			case i == len(p) && j == len(q):
				r = true
			case i < len(p) && p[i] == '*':
				// p's star matches nothing, or absorbs q's next symbol.
				r = next[j] || (j < len(q) && cur[j+1])
			case j < len(q) && q[j] == '*':
				r = cur[j+1] || (i < len(p) && next[j])
			case i < len(p) && j < len(q):
				r = (p[i] == '?' || q[j] == '?' || sameRune(p[i], q[j], fold)) && next[j+1]
			}
			cur[j] = r
		}
		next, cur = cur, next
	}
	return next[0]
}

// wildcardCovers reports whether every string that specific matches is also
// matched by general. It may answer false for a few exotic pairs where the
// answer is true, never the other way round: a specific "*" must be
// absorbed by a general "*", a specific "?" by a general "?" or "*".
func wildcardCovers(general, specific string, fold bool) bool {
	g, s := []rune(general), []rune(specific)
	next, cur := make([]bool, len(s)+1), make([]bool, len(s)+1)
	for i := len(g); i >= 0; i-- {
		for j := len(s); j >= 0; j-- {
			var r bool
			switch {
			case i == len(g):
				r = j == len(s)
			case g[i] == '*':
				r = next[j] || (j < len(s) && cur[j+1])
			case j == len(s) || s[j] == '*':
				r = false
			case g[i] == '?':
				r = next[j+1]
			case s[j] == '?':
				r = false
			default:
				r = sameRune(g[i], s[j], fold) && next[j+1]
			}
			cur[j] = r
		}
		next, cur = cur, next
	}
	return next[0]
}

// arnParts splits an ARN into its six colon-delimited components, the
// resource last with any colons it has.
func arnParts(arn string) ([]string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	return parts, len(parts) == 6
}

// arnCovers is wildcardCovers applied the way ArnLike compares: component
// by component, so that a wildcard never spans a colon. A general value
// that is not an ARN covers nothing.
func arnCovers(general, specific string) bool {
	g, ok1 := arnParts(general)
	s, ok2 := arnParts(specific)
	if !ok1 || !ok2 {
		return false
	}
	for i := range g {
		if !wildcardCovers(g[i], s[i], false) {
			return false
		}
	}
	return true
}

// arnOverlap reports whether some real ARN matches both patterns. A real
// ARN has six colon-delimited components and only the last may hold a
// colon, so when both patterns have six components they are compared
// component by component: the "*" account of
// arn:aws:iam::*:role/OrganizationAccountAccessRole cannot stand for
// "1:role/Developer". Anything else is compared as a whole string, which
// errs towards an overlap.
func arnOverlap(a, b string) bool {
	pa, ok1 := arnParts(a)
	pb, ok2 := arnParts(b)
	if !ok1 || !ok2 {
		return wildcardsOverlap(a, b, false)
	}
	for i := range pa {
		if !wildcardsOverlap(pa[i], pb[i], false) {
			return false
		}
	}
	return true
}
