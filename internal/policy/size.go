package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

const (
	// MaxSCPSize is the most characters an SCP may have ("Quotas for AWS
	// Organizations": service control policy, 5,120 characters). Reports
	// of a higher quota exist; groundwork keeps to the documented one
	// until the quotas page says otherwise, since a policy within it is
	// accepted either way.
	MaxSCPSize = 5120
	// MaxTagPolicySize is the most characters a tag policy may have
	// (Quotas for AWS Organizations).
	MaxTagPolicySize = 10000
	// MaxSCPsPerTarget is the most SCPs attached directly to one root, OU
	// or account, FullAWSAccess included; inherited SCPs do not count
	// ("Quotas for AWS Organizations"; same caution as MaxSCPSize).
	MaxSCPsPerTarget = 5
)

// Minify removes the whitespace outside quoted strings, which is what the
// AWS console does before saving a policy. Nothing inside a string changes,
// escapes included. Invalid JSON yields a *SyntaxError.
func Minify(src []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, src); err != nil {
		if serr := checkSyntax(src); serr != nil {
			return nil, fmt.Errorf("minify policy: %w", serr)
		}
		return nil, fmt.Errorf("minify policy: %w", err)
	}
	return buf.Bytes(), nil
}

// Size is the length of the minified document: what AWS counts against a
// policy's size limit when the policy is stored minified, as groundwork
// stores it (through the API AWS counts the text exactly as sent).
// It counts bytes; for the ASCII that policies are written in, bytes and
// characters are the same, and for anything else bytes overcount, which is
// the safe side of a limit.
func Size(src []byte) (int, error) {
	min, err := Minify(src)
	if err != nil {
		return 0, err
	}
	return len(min), nil
}

// position turns the byte offset of a json.SyntaxError into the 1-based
// line and column of the offending character. encoding/json reports the
// offset just past that byte, or, when the input ends too early, the
// input's length: then the position is just past the last character.
func position(src []byte, offset int64, atEnd bool) (line, col int) {
	off := int(offset) - 1
	if atEnd {
		off = int(offset)
	}
	off = min(max(off, 0), len(src))
	line = 1 + bytes.Count(src[:off], []byte("\n"))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return line, utf8.RuneCount(src[start:off]) + 1
}

// duplicateKey is a key that appears twice in one JSON object. path leads
// to the object: object keys, and "[i]" for array elements.
type duplicateKey struct {
	path []string
	key  string
}

// findDuplicateKeys lists the keys repeated within an object. encoding/json
// silently keeps the last of them; AWS rejects such a policy ("Multiple
// Statement elements"). src must be valid JSON.
func findDuplicateKeys(src []byte) []duplicateKey {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var dups []duplicateKey
	var walk func(path []string) error
	walk = func(path []string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := kt.(string)
				if seen[key] {
					dups = append(dups, duplicateKey{path: append([]string(nil), path...), key: key})
				}
				seen[key] = true
				if err := walk(append(path, key)); err != nil {
					return err
				}
			}
			_, err = dec.Token() // '}'
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(append(path, fmt.Sprintf("[%d]", i))); err != nil {
					return err
				}
			}
			_, err = dec.Token() // ']'
			return err
		}
		return nil
	}
	_ = walk(nil) // src is valid JSON; an error would only cut the list short
	return dups
}
