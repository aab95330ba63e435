package importer

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// SectionType is a top-level section of the spec that a layer imports
// itself. The core of the import (organization, units, accounts, tagging)
// runs first; then every section, in Order and then Key, reads what it
// needs and writes its value. The sections are written after the core, in
// Position order.
type SectionType struct {
	// Key is the section's key in foundation.yaml.
	Key string
	// Order places the section among the others: sections run in Order,
	// then Key. A section that decides against another (one that watches
	// what another layer builds, or whose defaults another's probes read)
	// comes after it.
	Order int
	// Position places the section in the written spec, when it is not
	// where Order puts it: sections are written in Position, then Key, and
	// a Position of 0 is taken as Order. A section that must run early, for
	// the probes of later ones to see it, but reads best at the end of the
	// file, runs at a low Order and is written at a high Position.
	Position int
	// Bare, optional, is the section's value in bare probes (see
	// Import.ProbeBare): one that asks for nothing, so that a probe of
	// another part is not refused for what the section's defaults would
	// build. nil leaves the section out of them.
	Bare any
	// Read, optional, reads into im.Actual() what Write needs: typically,
	// Probe with an empty section to learn where groundwork's layer would
	// be, then read it through the layer's reader. Errors it returns fail
	// the import; a part that cannot be read is passed to r.Warn and left
	// unread, so that Write leaves it off.
	Read func(ctx context.Context, r inventory.Reader, im *Import) error
	// Write returns the value written under Key: a struct of the spec's
	// own section type (written by its yaml tags, see Encode), a *Node, or
	// a WithFiles; or nil and a note, written as a comment in the
	// section's place ("" for none). What the spec cannot express goes to
	// im.Warnf. An error fails the import: an estate the section cannot be
	// imported from (its layer was not read), or a groundwork bug.
	Write func(im *Import) (value any, note string, err error)
}

// WithFiles is a section's value (see SectionType.Write) that refers to
// files beside the spec, such as policy documents. The import returns
// Files in Result.Files, by the path the spec writes. Probes and the check
// that the imported spec loads have no files: they write Placeholder, a
// value that refers to none, in Value's place.
type WithFiles struct {
	Value, Placeholder any
	Files              map[string][]byte
}

// position is where s is written (see SectionType.Position).
func (s SectionType) position() int {
	if s.Position != 0 {
		return s.Position
	}
	return s.Order
}

// registry holds the registered sections, sorted by Order, then Key.
var registry struct {
	sync.RWMutex
	sections []SectionType
}

// RegisterSection adds a section to every import. It is meant for init
// functions, and panics on an empty or duplicate key, a key of the core,
// or a nil Write.
func RegisterSection(t SectionType) {
	registry.Lock()
	defer registry.Unlock()
	switch {
	case t.Key == "":
		panic("importer: RegisterSection with an empty key")
	case t.Write == nil:
		panic(fmt.Sprintf("importer: section %s has no Write", t.Key))
	case coreKeys[t.Key]:
		panic(fmt.Sprintf("importer: section %s is written by the core", t.Key))
	case slices.ContainsFunc(registry.sections, func(s SectionType) bool { return s.Key == t.Key }):
		panic(fmt.Sprintf("importer: section %s registered twice", t.Key))
	}
	registry.sections = append(registry.sections, t)
	slices.SortFunc(registry.sections, func(a, b SectionType) int {
		return cmp.Or(cmp.Compare(a.Order, b.Order), strings.Compare(a.Key, b.Key))
	})
}

// sections returns the registered sections in order.
func sections() []SectionType {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Clone(registry.sections)
}

// coreKeys are the top-level keys the core writes.
var coreKeys = map[string]bool{
	key(&top.Version): true, key(&top.Organization): true, key(&top.Units): true, key(&top.Accounts): true,
	key(&top.Tagging): true,
}

// Import is an import in progress, as a section sees it: the actual
// estate, the options with their defaults filled, the warnings, and what
// the sections before it wrote. It is not safe for concurrent use; the
// sections of an import run one after another.
type Import struct {
	core *importer
	// written are the sections' values (nil: left off) and notes, by key.
	written map[string]written
	// order is the sections in run order, layout in written order.
	order, layout []SectionType
}

type written struct {
	value any
	note  string
}

// Actual is the estate being imported. Sections read into it (see
// SectionType.Read) and otherwise leave it as it is.
func (im *Import) Actual() *estate.Estate { return im.core.actual }

// Options are the import's options, with the defaults the organization
// tells filled in.
func (im *Import) Options() Options { return im.core.opts }

// Warnf adds a warning: what the spec cannot express or leaves out, one
// sentence. Warnings are written at the top of the spec and returned in
// Result.Warnings, in the order they were made.
func (im *Import) Warnf(format string, args ...any) { im.core.warnf(format, args...) }

// Section returns what an earlier section wrote (its value as given by
// Write), or nil when it left itself off or has not run.
func (im *Import) Section(key string) any { return im.written[key].value }

// Probe loads the would-be spec: the core, the sections imported so far,
// and the section key set to value (nil: without it), each WithFiles
// written as its Placeholder. It returns spec.Parse's result: a section asks the spec
// what it would make of a value (its defaults, its desired layer: the
// hint of where groundwork's layer would be), and whether it accepts it.
func (im *Import) Probe(key string, value any) (*spec.Foundation, error) {
	if !slices.ContainsFunc(im.order, func(s SectionType) bool { return s.Key == key }) {
		return nil, fmt.Errorf("import: probe of %s, which is no registered section", key)
	}
	saved, had := im.written[key]
	im.written[key] = written{value: absentIfNil(value)}
	defer func() {
		if had {
			im.written[key] = saved
		} else {
			delete(im.written, key)
		}
	}()
	var b strings.Builder
	im.spec(true).render(&b, 0)
	return spec.Parse(probeFile, []byte(b.String()))
}

// absentIfNil turns a nil pointer (a section's *spec.X left nil) into nil,
// so that it leaves the section out like an untyped nil.
func absentIfNil(v any) any {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil
	}
	return v
}

// maxListedChanges is how many changes a warning of WarnChanges names; a
// layer missing from many accounts would otherwise make a warning of
// hundreds of addresses.
const maxListedChanges = 10

// WarnChanges plans f (a Probe's result) against the actual estate and,
// when kinds of the layer change (of says which), warns with the changes:
// what differs still goes into the spec, which is the layer groundwork
// converges to.
func (im *Import) WarnChanges(layer string, f *spec.Foundation, of func(kind string) bool) {
	var changes []string
	for _, ch := range kinds.Plan(f.Desired(), im.Actual()).Changes {
		if of(ch.Kind) && !ch.Adopt {
			changes = append(changes, describeChange(ch))
		}
	}
	if len(changes) == 0 {
		return
	}
	listed := changes
	if len(listed) > maxListedChanges {
		listed = append(slices.Clone(listed[:maxListedChanges]), fmt.Sprintf("and %d more", len(changes)-maxListedChanges))
	}
	places := "places"
	if len(changes) == 1 {
		places = "place"
	}
	im.Warnf("the %s layer differs from groundwork's in %d %s; plan shows them, and the next apply makes them: %s",
		layer, len(changes), places, strings.Join(listed, "; "))
}

func describeChange(ch plan.Change) string {
	s := ch.Action.String() + " " + ch.Address
	if ch.Reason != "" {
		s += " (" + ch.Reason + ")"
	}
	return s
}

// OneLine is an error's message on one line, for a warning.
func OneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// SameSet tells whether two lists hold the same strings, ignoring order
// and repeats: how the spec reads lists of subscribers or rules.
func SameSet(a, b []string) bool {
	return slices.Equal(slices.Compact(slices.Sorted(slices.Values(a))), slices.Compact(slices.Sorted(slices.Values(b))))
}
