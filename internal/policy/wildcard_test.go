package policy

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMatchWildcard(t *testing.T) {
	tests := []struct {
		pattern, value string
		fold, want     bool
	}{
		{"*", "sts:AssumeRole", true, true},
		{"*", "", false, true},
		{"sts:*", "sts:AssumeRole", true, true},
		{"sts:Assume*", "sts:AssumeRole", true, true},
		{"sts:Assume*", "sts:AssumeRoleWithSAML", true, true},
		{"sts:AssumeRole", "sts:AssumeRoleWithSAML", true, false},
		{"STS:assumerole", "sts:AssumeRole", true, true},
		{"STS:assumerole", "sts:AssumeRole", false, false},
		{"sts:*Role", "sts:AssumeRole", true, true},
		{"sts:?ssumeRole", "sts:AssumeRole", true, true},
		{"sts:??sumeRole", "sts:AssumeRole", true, true},
		{"sts:?AssumeRole", "sts:AssumeRole", true, false},
		{"iam:*", "sts:AssumeRole", true, false},
		{"*:*", "sts:AssumeRole", true, true},
		{"arn:aws:iam::*:role/Org*", "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole", false, true},
		{"arn:aws:iam::*:role/org*", "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole", false, false},
		{"a*b*c", "aXXbYYc", false, true},
		{"a*b*c", "aXXbYY", false, false},
		{"a**", "a", false, true},
		{"", "", false, true},
		{"", "a", false, false},
		{"a?", "a", false, false},
		// Wildcards in the value are plain characters.
		{"a?c", "a*c", false, true},
		{"abc", "a*c", false, false},
	}
	for _, tt := range tests {
		if got := MatchWildcard(tt.pattern, tt.value, tt.fold); got != tt.want {
			t.Errorf("MatchWildcard(%q, %q, %v) = %v, want %v", tt.pattern, tt.value, tt.fold, got, tt.want)
		}
	}
}

func TestWildcardsOverlap(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"arn:aws:iam::*:role/*", "arn:aws:iam::*:role/OrganizationAccountAccessRole", true},
		{"arn:aws:iam::111111111111:role/*", "arn:aws:iam::*:role/OrganizationAccountAccessRole", true},
		{"arn:aws:iam::111111111111:role/*", "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole", false},
		{"arn:aws:iam::*:role/Other", "arn:aws:iam::*:role/OrganizationAccountAccessRole", false},
		{"arn:aws:iam::*:root", "arn:aws:iam::*:role/OrganizationAccountAccessRole", false},
		{"arn:aws:s3:::*", "arn:aws:iam::*:role/X", false},
		{"*", "anything", true},
		{"a?c", "*b*", true},
		{"a?c", "*bb*", false},
	}
	for _, tt := range tests {
		if got := wildcardsOverlap(tt.a, tt.b, false); got != tt.want {
			t.Errorf("wildcardsOverlap(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := wildcardsOverlap(tt.b, tt.a, false); got != tt.want {
			t.Errorf("wildcardsOverlap(%q, %q) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestWildcardCovers(t *testing.T) {
	tests := []struct {
		general, specific string
		want              bool
	}{
		{"arn:aws:iam::*:role/OrganizationAccountAccessRole", "arn:aws:iam::*:role/OrganizationAccountAccessRole", true},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::*:role/OrganizationAccountAccessRole", true},
		{"arn:aws:iam::111111111111:role/*", "arn:aws:iam::*:role/OrganizationAccountAccessRole", false},
		{"arn:aws:iam::?:role/X", "arn:aws:iam::*:role/X", false},
		{"a*", "a?b*", true},
		{"a?*", "a*", false},
		{"*", "*", true},
	}
	for _, tt := range tests {
		if got := wildcardCovers(tt.general, tt.specific, false); got != tt.want {
			t.Errorf("wildcardCovers(%q, %q) = %v, want %v", tt.general, tt.specific, got, tt.want)
		}
	}
	// Real ARNs have colon-free components, so the account "*" of one
	// pattern cannot absorb the role part of the other.
	if arnOverlap("arn:aws:iam::*:role/Developer*", "arn:aws:iam::*:role/OrganizationAccountAccessRole") {
		t.Error("arnOverlap matched a Developer role pattern with the access role")
	}
	if !wildcardsOverlap("arn:aws:iam::*:role/Developer*", "arn:aws:iam::*:role/OrganizationAccountAccessRole", false) {
		t.Error("whole-string overlap should see the (unreal) common string")
	}
	if !arnOverlap("*", "arn:aws:iam::*:role/X") || !arnOverlap("arn:aws:iam::*", "arn:aws:iam::*:role/X") {
		t.Error("arnOverlap with a pattern that is not a full ARN should fall back to whole strings")
	}
	// ArnLike compares component by component: a star does not span colons.
	if arnCovers("arn:aws:iam::*", "arn:aws:iam::*:role/X") {
		t.Error(`arnCovers("arn:aws:iam::*", ...) = true for a value that is not an ARN`)
	}
	if !arnCovers("arn:*:iam::*:role/*", "arn:aws:iam::123456789012:role/X") {
		t.Error("arnCovers with wildcard partition = false")
	}
}

// wildcardRegexp is an independent oracle for MatchWildcard.
func wildcardRegexp(pattern string, fold bool) *regexp.Regexp {
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString(`^`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(`(?s:.*)`)
		case '?':
			b.WriteString(`(?s:.)`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

func FuzzMatchWildcard(f *testing.F) {
	f.Add("sts:Assume*", "sts:AssumeRole", true)
	f.Add("a*b?c*", "aXbYcZ", false)
	f.Add("**?", "", false)
	f.Fuzz(func(t *testing.T, pattern, value string, fold bool) {
		if len(pattern) > 64 || len(value) > 64 || !utf8Valid(pattern, value) {
			return
		}
		got := MatchWildcard(pattern, value, fold)
		if fold {
			// Unicode case folding differs between regexp and ToLower for
			// a few runes; compare on ASCII only.
			if !isASCII(pattern) || !isASCII(value) {
				return
			}
		}
		if want := wildcardRegexp(pattern, fold).MatchString(value); got != want {
			t.Errorf("MatchWildcard(%q, %q, %v) = %v, regexp says %v", pattern, value, fold, got, want)
		}
		// Read value as a pattern too: overlap is symmetric, and a pattern
		// covers another only if they overlap.
		if wildcardsOverlap(pattern, value, fold) != wildcardsOverlap(value, pattern, fold) {
			t.Errorf("wildcardsOverlap(%q, %q) is not symmetric", pattern, value)
		}
		if wildcardCovers(pattern, value, fold) && !wildcardsOverlap(pattern, value, fold) {
			t.Errorf("wildcardCovers(%q, %q) without overlap", pattern, value)
		}
		if !strings.ContainsAny(value, "*?") {
			if ov := wildcardsOverlap(pattern, value, fold); ov != got {
				t.Errorf("wildcardsOverlap(%q, %q) = %v, MatchWildcard = %v", pattern, value, ov, got)
			}
			if cv := wildcardCovers(pattern, value, fold); cv != got {
				t.Errorf("wildcardCovers(%q, %q) = %v, MatchWildcard = %v", pattern, value, cv, got)
			}
		}
	})
}

func utf8Valid(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
