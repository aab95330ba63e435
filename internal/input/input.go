package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"
)

// Limits bound one kind of file.
type Limits struct {
	// Kind names the file in messages: "a spec", "a policy file".
	Kind string
	// Size is the most bytes the file may have.
	Size int64
	// Depth is the most nesting levels its contents may have: mappings and
	// lists for YAML, objects and arrays for JSON.
	Depth int
}

// The limits of each kind of file groundwork reads. None of them is near
// what a real file needs: the example foundation of this repository is
// 9 KB and 6 levels deep, a foundation of 20,000 tagged accounts is under
// 2 MiB, a policy document is at most 10,000 characters minified and 6
// levels deep, and a saved plan nests 6 levels. The YAML parser holds
// about 250 bytes per byte of input (docs/benchmarks.md: 2 MiB of spec
// peaks at about 520 MB), which is what the YAML size limit bounds.
var (
	// Spec is foundation.yaml, and every other YAML file (the suppressions
	// file) under its own Kind.
	Spec = Limits{Kind: "a spec", Size: 2 << 20, Depth: 64}
	// Policy is a policy document the spec names. AWS stores at most
	// 10,000 characters of a tag policy and 5,120 of an SCP; 1 MiB leaves
	// room for any indentation and comments around that.
	Policy = Limits{Kind: "a policy file", Size: 1 << 20, Depth: 64}
	// Plan is a plan saved with `groundwork plan --out`. A change takes
	// under a kilobyte, so 32 MiB holds some 300,000 changes, far more than
	// a thousand accounts in every Region need; decoded, a plan of 32 MiB
	// peaks at about 600 MB (docs/benchmarks.md).
	Plan = Limits{Kind: "a saved plan", Size: 32 << 20, Depth: 64}
)

// Error is a file that passed one of its limits, or is not UTF-8 text.
type Error struct {
	File         string
	Line, Column int // 1-based; Column counts characters
	Message      string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// bom is the UTF-8 byte-order mark some editors write at the start.
var bom = []byte{0xEF, 0xBB, 0xBF}

// ReadFile reads the file at path, but never more than l.Size+1 bytes: a
// larger file is an *Error placed at its first byte past the limit, and is
// not read further. Other errors are the os package's, unwrapped, so that
// errors.Is(err, fs.ErrNotExist) holds for a missing file.
func ReadFile(path string, l Limits) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, l.Size+1))
	if err != nil {
		return nil, err
	}
	if e := checkSize(path, src, l); e != nil {
		return nil, e
	}
	return src, nil
}

// checkSize refuses src longer than l.Size bytes.
func checkSize(name string, src []byte, l Limits) *Error {
	if int64(len(src)) <= l.Size {
		return nil
	}
	return errorAt(name, stripBOM(src), int(l.Size)-(len(src)-len(stripBOM(src))),
		"the file is larger than %s, the most groundwork reads for %s", sizeText(l.Size), l.Kind)
}

// sizeText writes a byte count as people read it.
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB (%d bytes)", n>>20, n)
	}
	return fmt.Sprintf("%d bytes", n)
}

// stripBOM drops a leading byte-order mark.
func stripBOM(src []byte) []byte {
	return bytes.TrimPrefix(src, bom)
}

// checkText drops a byte-order mark and refuses src that is too large,
// holds a NUL byte or is not UTF-8.
func checkText(name string, src []byte, l Limits) ([]byte, *Error) {
	if e := checkSize(name, src, l); e != nil {
		return nil, e
	}
	src = stripBOM(src)
	if i := bytes.IndexByte(src, 0); i >= 0 && utf8.Valid(src[:i]) {
		return nil, errorAt(name, src, i, "the file has a NUL byte: it is binary, not %s", l.Kind)
	}
	if !utf8.Valid(src) {
		i := invalidUTF8(src)
		if j := bytes.IndexByte(src[:i], 0); j >= 0 {
			return nil, errorAt(name, src, j, "the file has a NUL byte: it is binary, not %s", l.Kind)
		}
		return nil, errorAt(name, src, i, "the file is not UTF-8 (byte 0x%02x); save it as UTF-8", src[i])
	}
	return src, nil
}

// invalidUTF8 returns the offset of the first byte of src that does not
// start a valid UTF-8 sequence.
func invalidUTF8(src []byte) int {
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(src)
}

// errorAt builds an *Error at byte offset off of src.
func errorAt(name string, src []byte, off int, format string, args ...any) *Error {
	line, col := Position(src, off)
	return &Error{File: name, Line: line, Column: col, Message: fmt.Sprintf(format, args...)}
}

// Position turns a byte offset of src into a 1-based line and column, the
// column counting characters (an invalid byte counts as one).
func Position(src []byte, off int) (line, col int) {
	off = min(max(off, 0), len(src))
	line = 1 + bytes.Count(src[:off], []byte("\n"))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return line, utf8.RuneCount(src[start:off]) + 1
}

// YAML checks src, the contents of the YAML file name, against l before a
// parser sees it, and returns it without a byte-order mark.
func YAML(name string, src []byte, l Limits) ([]byte, error) {
	src, e := checkText(name, src, l)
	if e != nil {
		return nil, e
	}
	if off, ok := yamlDepth(src, l.Depth); !ok {
		return nil, errorAt(name, src, off, "nesting deeper than %d levels, the most groundwork reads for %s", l.Depth, l.Kind)
	}
	return src, nil
}

// JSON is YAML for a JSON file.
func JSON(name string, src []byte, l Limits) ([]byte, error) {
	src, e := checkText(name, src, l)
	if e != nil {
		return nil, e
	}
	if off, ok := jsonDepth(src, l.Depth); !ok {
		return nil, errorAt(name, src, off, "nesting deeper than %d levels, the most groundwork reads for %s", l.Depth, l.Kind)
	}
	return src, nil
}

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
