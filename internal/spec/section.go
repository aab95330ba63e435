package spec

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Section is one top-level part of foundation.yaml that a layer owns. Its
// value is a pointer to a struct whose fields the decoder fills by their
// `yaml` tags, with the same rules and diagnostics as the core sections.
type Section interface {
	// Defaults fills what the file leaves out; written tells whether a
	// field path (e.g. "units.Security.tags") was written. It runs after the
	// core defaults and after the Defaults of every section before it in
	// Sections order, and runs even when the file has problems.
	Defaults(f *Foundation, written func(path string) bool)
	// Validate reports every problem through v; it runs after every
	// section's Defaults. It must not stop at the first problem.
	Validate(f *Foundation, v *Validator)
	// Desired adds the section's desired state to e (called by
	// Foundation.Desired after the core sections, in Sections order).
	Desired(f *Foundation, e *estate.Estate)
}

// SectionType registers a section.
type SectionType struct {
	// Key is the top-level key in foundation.yaml the section is read from.
	Key string
	// New returns a pointer to a zero section; the decoder fills it by its
	// yaml tags, exactly as it does the core sections.
	New func() Section
	// Starter, when set, returns the commented YAML that `groundwork init`
	// writes for this section, given the starter options (Regions filled
	// with the home Region when empty). The text ends in a newline; the
	// starter puts a blank line between sections.
	Starter func(opts StarterOptions) string
	// Order places the section among the top-level keys in the starter
	// output and in Desired/Defaults/Validate order: lower first; ties by
	// Key. The starter writes the core parts (version, organization, units,
	// accounts) first, then the core's tagging part at Order 100 among the
	// sections. A section whose Defaults read another section come after
	// it.
	Order int
}

var registry struct {
	sync.RWMutex
	types map[string]SectionType
}

// coreKeys are the top-level keys Foundation itself decodes.
var coreKeys = func() []string {
	var keys []string
	t := reflect.TypeOf(Foundation{})
	for i := 0; i < t.NumField(); i++ {
		if name := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]; name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}()

// RegisterSection registers a section type; layer packages call it from
// init. It panics on an empty key, a nil New, a New that does not return a
// pointer to a struct, a key already registered, or a key that is a core
// field of Foundation.
func RegisterSection(t SectionType) {
	switch {
	case t.Key == "":
		panic("spec: RegisterSection with an empty key")
	case t.New == nil:
		panic(fmt.Sprintf("spec: section %q registered without New", t.Key))
	case slices.Contains(coreKeys, t.Key):
		panic(fmt.Sprintf("spec: section %q is a core field of foundation.yaml", t.Key))
	}
	if rv := reflect.ValueOf(t.New()); rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("spec: section %q: New must return a pointer to a struct, not %T", t.Key, t.New()))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.types[t.Key]; dup {
		panic(fmt.Sprintf("spec: section %q registered twice", t.Key))
	}
	if registry.types == nil {
		registry.types = map[string]SectionType{}
	}
	registry.types[t.Key] = t
}

// Sections returns the registered section types sorted by Order, then Key.
func Sections() []SectionType {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]SectionType, 0, len(registry.types))
	for _, t := range registry.types {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b SectionType) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

func sectionType(key string) (SectionType, bool) {
	registry.RLock()
	defer registry.RUnlock()
	t, ok := registry.types[key]
	return t, ok
}

// Section returns the decoded and defaulted section registered under key;
// when the file omits it, New() with Defaults applied. It returns nil for a
// key no section is registered under. For a Foundation that Parse returned
// it is safe for concurrent use; one built by hand gets its omitted
// sections on first use, which must not race.
func (f *Foundation) Section(key string) Section {
	if s, ok := f.sections[key]; ok {
		return s
	}
	t, ok := sectionType(key)
	if !ok {
		return nil
	}
	s := t.New()
	s.Defaults(f, func(path string) bool { _, ok := f.pos[path]; return ok })
	if f.sections == nil {
		f.sections = map[string]Section{}
	}
	f.sections[key] = s
	return s
}

// Validator is what sections report problems through. It places each
// problem at the position of the field path it names, and says nothing
// about a path that already failed to decode, so that one mistake gives one
// message.
type Validator struct {
	f *Foundation
	d *decoder
}

// At reports a problem at the value of path ("units.Security.guardrails"),
// falling back to its key and then to the key of the nearest written
// parent (a missing field is reported where its parent starts).
func (v *Validator) At(path, format string, args ...any) {
	if v.d.undecodable(path) {
		return
	}
	p, ok := v.d.pos[path]
	if !ok {
		p, ok = v.d.keyPos[path]
	}
	for q := path; !ok; {
		if q == "" {
			p, ok = Pos{Line: 1, Column: 1}, true
			break
		}
		if i := strings.LastIndexAny(q, ".["); i >= 0 {
			q = q[:i]
		} else {
			q = ""
		}
		// A missing field is reported at its parent's key: the value of a
		// block mapping starts at its first child, which misleads.
		if p, ok = v.d.keyPos[q]; !ok {
			p, ok = v.d.pos[q]
		}
	}
	v.d.errorf(p, path, format, args...)
}

// AtKey reports a problem at the key of path, for things named by their
// key, such as an account; at its value when the key has no position.
func (v *Validator) AtKey(path, format string, args ...any) {
	if v.d.undecodable(path) {
		return
	}
	if p, ok := v.d.keyPos[path]; ok {
		v.d.errorf(p, path, format, args...)
		return
	}
	v.At(path, format, args...)
}

// InFile reports a problem in another file the spec names, such as a
// policy document, at line and column of that file (1-based; zero when
// not known). It is listed with the spec's own problems, sorted by file
// and position.
func (v *Validator) InFile(file string, line, column int, format string, args ...any) {
	v.d.diags = append(v.d.diags, Diagnostic{File: file, Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
}

// Reported reports whether a problem was already reported at path or
// under it (path.x, path[i]), decoding problems included: for a check that
// would only repeat it, such as rendering from settings that are wrong.
func (v *Validator) Reported(path string) bool {
	for _, d := range v.d.diags {
		if d.Path == path || strings.HasPrefix(d.Path, path+".") || strings.HasPrefix(d.Path, path+"[") {
			return true
		}
	}
	return false
}

// Written reports whether the file wrote path, even with an empty value.
func (v *Validator) Written(path string) bool {
	_, ok := v.d.pos[path]
	return ok
}

// Foundation returns the spec being validated, defaults applied.
func (v *Validator) Foundation() *Foundation { return v.f }
