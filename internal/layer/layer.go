package layer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// Layer is what a layer declares about itself. Only Name is required: a
// layer that the spec does not manage (posture, network) has no Wanted or
// Read, and one that the audit does not read beyond the spec has no
// Survey.
type Layer struct {
	// Name is the layer's stable name, used in messages ("billing layer not
	// read") and in saved plans, which list the layers they read.
	Name string
	// Order places the layer among the others: in the layers a plan
	// lists, and in which failure a read of several reports first. Ties
	// go by Name. It does not sequence reads: they run at the same time
	// (ReadAfter and SurveyAfter say which wait).
	Order int
	// Wanted reports whether a desired estate asks for the layer: plan and
	// apply read it only then, and only then does it appear in a plan.
	Wanted func(desired *estate.Estate) bool
	// Read reads the layer into actual, where desired says it lives.
	// Called only when Wanted(desired), at the same time as the other
	// layers' reads and as the tags of the organization's accounts and
	// units, which it must not look at (inventory.CollectThen); it may
	// write only its own part of actual.
	Read func(ctx context.Context, r inventory.Reader, desired, actual *estate.Estate) error
	// ReadAfter names the layers whose Read must have finished before
	// this layer's starts, when both are read: those whose part of
	// actual it looks at. A name that is not a registered layer with a
	// Read is a programming error (Read panics).
	ReadAfter []string
	// Survey is how the audit reads the layer: across every account and
	// Region of scope, whatever the spec manages (desired is nil without a
	// spec). Surveys run at the same time as each other, after every
	// Read. A layer without Survey is read by the audit as plan reads it.
	Survey func(ctx context.Context, r inventory.Reader, scope estate.Scope, desired, actual *estate.Estate) error
	// SurveyAfter names the layers whose Survey must have finished before
	// this layer's starts: those whose part of actual it reads to know
	// where to look (the log groups of the trails the logging layer found).
	// The other surveys still run at the same time. A name that is not a
	// registered layer with a Survey is a programming error (Survey
	// panics).
	SurveyAfter []string
	// Forget removes the layer from an estate: what a failed read leaves,
	// so that its checks say nothing, and what a plan made from a wider
	// read (the audit's) must not see.
	Forget func(e *estate.Estate)
}

var registry = struct {
	sync.RWMutex
	byName map[string]Layer
}{byName: map[string]Layer{}}

// Register adds a layer. It is meant for init() and panics on a
// programming error: an empty or duplicate name, Wanted without Read, or
// a layer that can be read without a way to forget it.
func Register(l Layer) {
	if strings.TrimSpace(l.Name) == "" {
		panic("layer: register with an empty name")
	}
	if (l.Wanted == nil) != (l.Read == nil) {
		panic(fmt.Sprintf("layer: %s needs both Wanted and Read, or neither", l.Name))
	}
	if (l.Read != nil || l.Survey != nil) && l.Forget == nil {
		panic(fmt.Sprintf("layer: %s is read but has no Forget", l.Name))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.byName[l.Name]; dup {
		panic(fmt.Sprintf("layer: %s registered twice", l.Name))
	}
	registry.byName[l.Name] = l
}

// All returns every registered layer in Order, then Name.
func All() []Layer {
	registry.RLock()
	out := make([]Layer, 0, len(registry.byName))
	for _, l := range registry.byName {
		out = append(out, l)
	}
	registry.RUnlock()
	slices.SortFunc(out, func(a, b Layer) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// Lookup returns the layer registered under name.
func Lookup(name string) (Layer, bool) {
	registry.RLock()
	defer registry.RUnlock()
	l, ok := registry.byName[name]
	return l, ok
}

// WantedBy returns the names of the layers desired asks for, in order:
// what plan reads and what a saved plan records.
func WantedBy(desired *estate.Estate) []string {
	var out []string
	for _, l := range All() {
		if l.Wanted != nil && l.Wanted(desired) {
			out = append(out, l.Name)
		}
	}
	return out
}
