package policy

import (
	"errors"
	"io/fs"
	"testing"
)

// FuzzLint feeds arbitrary bytes to everything that reads a document: none
// of it may panic, and the pieces must agree with each other.
func FuzzLint(f *testing.F) {
	files, _ := fs.Glob(libraryFS, "library/*.json")
	for _, name := range files {
		src, _ := fs.ReadFile(libraryFS, name)
		f.Add(src)
	}
	for _, s := range []string{
		scpWith(denyAllStatement),
		`{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotAction": "sts:*", "NotResource": ["arn:aws:iam::*:role/*"], "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/O*"}}}}`,
		`{"Statement": [1, "x", null, {"Condition": {"Bool": {"k": [true, 1, null]}}}]}`,
		`{"tags": {"a": {"tag_key": {"@@assign": "A"}, "tag_value": {"@@assign": ["x"]}}}}`,
		`{"a": 1, "a": 2}`, `[`, ``, `null`, `"é"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, k := range []Kind{SCP, TagPolicy, Identity, 0} {
			for _, p := range Lint("f.json", src, k) {
				_ = p.Error()
				if p.Statement < -1 {
					t.Errorf("statement index %d", p.Statement)
				}
				if line, col := Locate(src, p); line < 1 || col < 1 {
					t.Errorf("Locate placed %+v at %d:%d", p, line, col)
				}
			}
		}
		n, sizeErr := Size(src)
		if sizeErr == nil && n > len(src) {
			t.Errorf("Size %d exceeds input length %d", n, len(src))
		}
		doc, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) && (se.Line < 1 || se.Column < 1) {
				t.Errorf("bad position %d:%d", se.Line, se.Column)
			}
			return
		}
		if sizeErr != nil {
			t.Errorf("Parse accepted what Minify rejects: %v", sizeErr)
		}
		for _, p := range DeniesAccess(doc, "", "") {
			_ = p.Error()
		}
		_ = DeniesAccess(doc, "org-admin/X", "123456789012")
		out, err := doc.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		if _, err := Parse(out); err != nil {
			t.Errorf("Parse(MarshalJSON(doc)) = %v for %s", err, out)
		}
	})
}
