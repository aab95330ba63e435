package spec

import (
	"slices"

	"github.com/groundwork-aws/groundwork/internal/input"
)

// DocumentKind names a kind of YAML file in the two messages about the
// file as a whole, which a field path cannot place.
type DocumentKind struct {
	// Noun is the file with its article, as in "found 2 YAML documents;
	// a suppressions file is exactly one".
	Noun string
	// Empty says what to write in an empty file, after "the file is
	// empty; ".
	Empty string
}

// Document is a YAML file other than foundation.yaml decoded by the same
// rules, so that every file groundwork reads reports problems the same way:
// keys are the `yaml` tags of the struct decoded into; unknown keys (with a
// did-you-mean), wrong types, duplicate keys, broken YAML, more than one
// YAML document and runaway aliases are diagnostics; decoding goes on past
// each problem, so that one run reports all of them as
// file:line:column: path: message. The caller then validates the decoded
// struct and reports its own problems with Errorf, which places them by
// field path.
//
// Paths name fields by their keys, joined by "." with list indexes in
// brackets: "suppressions[2].expires". The root is "".
//
// A Document is not safe for concurrent use.
type Document struct {
	// v places problems as the spec's own validation does; it only uses the
	// decoder, never a Foundation.
	v Validator
}

// DecodeDocument decodes src, the contents of the file called name, into
// out, which must point to a struct whose fields are strings, ints, bools,
// or structs, pointers, slices and string-keyed maps of them. When the file
// is not YAML, is empty or holds more than one document, nothing is decoded
// and every later Errorf is ignored; Err reports why. The same holds when
// the top level is not a mapping.
func DecodeDocument(name string, src []byte, out any, kind DocumentKind) *Document {
	d := newDecoder(name)
	d.kind = kind
	d.parse(src, out)
	d.validating = true
	return &Document{v: Validator{d: d}}
}

// Errorf adds a problem at the value of path ("suppressions[2].expires");
// when path was not written, at the key of the nearest parent that was (a
// missing field is reported where its parent starts). It adds nothing when
// path, or a parent of it, already failed to decode, so that one mistake
// gives one message.
func (d *Document) Errorf(path, format string, args ...any) {
	if d.v.d.failed[""] {
		return // the file as a whole is wrong: that is the one message
	}
	d.v.At(path, format, args...)
}

// Has reports whether path was written in the file, even with an empty
// value ("reason:"), and even when its value could not be decoded.
func (d *Document) Has(path string) bool {
	_, ok := d.v.d.pos[path]
	return ok
}

// Pos returns the position of the value of path, or the zero Pos when path
// was not written.
func (d *Document) Pos(path string) Pos {
	return d.v.d.pos[path]
}

// Err returns every problem found so far, while decoding and through
// Errorf, as Diagnostics sorted by position; nil when there is none.
func (d *Document) Err() error {
	if len(d.v.d.diags) == 0 {
		return nil
	}
	d.v.d.diags.sort()
	return slices.Clone(d.v.d.diags)
}

// ReadDocument reads the YAML file at path, but no more of it than
// input.Spec allows (2 MiB): a larger file is Diagnostics placed where it
// passes the limit, naming the kind of file. Other errors are the os
// package's, so that errors.Is(err, fs.ErrNotExist) holds for a missing
// file.
func ReadDocument(path string, kind DocumentKind) ([]byte, error) {
	limits := input.Spec
	limits.Kind = kind.Noun
	src, err := input.ReadFile(path, limits)
	if e, ok := input.AsError(err); ok {
		return nil, Diagnostics{{File: e.File, Line: e.Line, Column: e.Column, Message: e.Message}}
	}
	return src, err
}
