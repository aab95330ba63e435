package filterpattern

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := map[string]struct {
		pattern string
		want    string // the whole Error()
	}{
		"missing value": {
			`{ $.eventName = }`,
			`filter pattern: position 16: expected a value after "="`,
		},
		"missing value at the end": {
			`{ $.eventName !=`,
			`filter pattern: position 16: expected a value after "!="`,
		},
		"unclosed parenthesis": {
			`{ ($.a = 1 && $.b = 2 }`,
			`filter pattern: position 22: expected ")" to close the "(" at position 2, found "}"`,
		},
		"extra closing parenthesis": {
			`{ $.a = 1) }`,
			`filter pattern: position 9: unexpected ")" without a matching "("`,
		},
		"unknown operator ==": {
			`{ $.a == 1 }`,
			`filter pattern: position 6: unknown operator "=="; want =, !=, <, <=, >, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS`,
		},
		"unknown operator ~": {
			`{ $.a ~ 1 }`,
			`filter pattern: position 6: unknown operator "~"; want =, !=, <, <=, >, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS`,
		},
		"unknown word operator": {
			`{ $.a LIKE "x" }`,
			`filter pattern: position 6: unknown operator "LIKE"; want =, !=, <, <=, >, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS`,
		},
		"unterminated string": {
			`{ $.eventName = "ConsoleLogin }`,
			`filter pattern: position 16: unterminated string: no closing "`,
		},
		"dollar dot and nothing": {
			`{ $. = 1 }`,
			`filter pattern: position 4: expected a property name after "$.", found " "`,
		},
		"dollar dot at the end": {
			`{ $.`,
			`filter pattern: position 4: expected a property name after "$.", found the end of the pattern`,
		},
		"trailing and": {
			`{ $.a = 1 && }`,
			`filter pattern: position 13: expected a selector ("$.") or "(" after "&&", found "}"`,
		},
		"trailing or": {
			`{ $.a = 1 || }`,
			`filter pattern: position 13: expected a selector ("$.") or "(" after "||", found "}"`,
		},
		"single ampersand": {
			`{ $.a = 1 & $.b = 2 }`,
			`filter pattern: position 10: unknown operator "&"; use "&&"`,
		},
		"single bar": {
			`{ $.a = 1 | $.b = 2 }`,
			`filter pattern: position 10: unknown operator "|"; use "||"`,
		},
		"no braces": {
			`$.a = 1`,
			`filter pattern: position 0: groundwork reads only JSON filter patterns, which are enclosed in "{ }"; found "$"`,
		},
		"text pattern": {
			`ERROR -Exiting`,
			`filter pattern: position 0: groundwork reads only JSON filter patterns, which are enclosed in "{ }"; found "E"`,
		},
		"no closing brace": {
			`{ $.a = 1`,
			`filter pattern: position 9: expected "}" at the end of the pattern`,
		},
		"after closing brace": {
			`{ $.a = 1 } x`,
			`filter pattern: position 12: unexpected "x" after the closing "}"`,
		},
		"empty braces": {
			`{ }`,
			`filter pattern: position 2: expected a selector ("$.") or "(" after "{", found "}"`,
		},
		"two conditions without operator": {
			`{ $.a = 1 $.b = 2 }`,
			`filter pattern: position 10: expected "&&", "||" or "}", found "$"`,
		},
		"no operator": {
			`{ $.a }`,
			`filter pattern: position 6: expected an operator after $.a, found "}"`,
		},
		"no dot after dollar": {
			`{ $a = 1 }`,
			`filter pattern: position 3: expected "." after "$", found "a"`,
		},
		"index on the root": {
			`{ $[0] = 1 }`,
			`filter pattern: position 3: expected "." after "$": an array index must follow a property`,
		},
		"index not a number": {
			`{ $.a[x] = 1 }`,
			`filter pattern: position 6: expected an array index (0, 1, ...) after "[", found "x"`,
		},
		"index not closed": {
			`{ $.a[0 = 1 }`,
			`filter pattern: position 7: expected "]" to close the "[" at position 5, found " "`,
		},
		"wildcard selector": {
			`{ $.a[*] = 1 }`,
			`filter pattern: position 6: wildcard selectors ($.*, [*]) are not supported by groundwork's evaluator`,
		},
		"regular expression": {
			`{ $.eventType = %Trail% }`,
			`filter pattern: position 16: regular expressions (%...%) are not supported by groundwork's evaluator`,
		},
		"string with <": {
			`{ $.eventName < "b" }`,
			`filter pattern: position 16: expected a number after "<": < compares numbers only`,
		},
		"word with >=": {
			`{ $.latency >= high }`,
			`filter pattern: position 15: expected a number after ">=": >= compares numbers only`,
		},
		"unquoted special character": {
			`{ $.userIdentity.arn = arn:aws:iam::1:root }`,
			`filter pattern: position 26: ":" in an unquoted value: put values with characters other than letters, digits, "_", "-", ".", "+" and "*" in double quotes`,
		},
		"is not": {
			`{ $.a IS NOT NULL }`,
			`filter pattern: position 6: "IS NOT" is not supported by CloudWatch Logs; use NOT EXISTS for an absent selector`,
		},
		"exists": {
			`{ $.a EXISTS }`,
			`filter pattern: position 6: "EXISTS" is not supported by CloudWatch Logs; only NOT EXISTS is`,
		},
		"is what": {
			`{ $.a IS EMPTY }`,
			`filter pattern: position 9: expected NULL, TRUE or FALSE after "IS", found "EMPTY"`,
		},
		"not what": {
			`{ $.a NOT }`,
			`filter pattern: position 10: expected EXISTS after "NOT", found "}"`,
		},
		"lower-case keyword": {
			`{ $.a is null }`,
			`filter pattern: position 6: keywords are upper case: write IS, not is`,
		},
		"bracket key without quotes": {
			`{ $.[cluster.name] = "c" }`,
			`filter pattern: position 5: expected a property name in single quotes after ".[", as in $.['cluster.name'], found "c"`,
		},
		"bracket key unterminated": {
			`{ $.['cluster.name] = "c" }`,
			`filter pattern: position 5: unterminated property name: no closing "'"`,
		},
		"position counts characters": {
			`{ $.['café'] = "x" && }`,
			`filter pattern: position 22: expected a selector ("$.") or "(" after "&&", found "}"`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(tc.pattern)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%s) = %v, want a *SyntaxError", tc.pattern, err)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse(%s):\n got  %s\n want %s", tc.pattern, err, tc.want)
			}
		})
	}
}

func TestParseTooLong(t *testing.T) {
	long := "{ $.a = \"" + strings.Repeat("x", MaxLength) + "\" }"
	_, err := Parse(long)
	var se *SyntaxError
	if !errors.As(err, &se) || se.Pos != MaxLength {
		t.Fatalf("Parse(%d characters) = %v, want a SyntaxError at %d", len(long), err, MaxLength)
	}
	// Exactly the limit is fine, and the limit counts characters.
	exact := "{ $.a = \"" + strings.Repeat("é", MaxLength-12) + "\" }"
	if _, err := Parse(exact); err != nil {
		t.Errorf("a pattern of %d characters: %v", MaxLength, err)
	}
}

func TestParseSharesSelectors(t *testing.T) {
	p, err := Parse(`{ $.a.b = 1 || $.['a'].['b'] = 2 || $.a.b IS NULL || $.a[0] NOT EXISTS }`)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.paths) != 2 {
		t.Errorf("%d selectors, want 2: $.a.b and $.['a'].['b'] are one", len(p.paths))
	}
}
