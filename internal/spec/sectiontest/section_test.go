// Package sectiontest proves the section registry of package spec with a
// toy section, registered as a layer package would register its own. It is
// a package of its own so that the toy section, registered for the whole
// test binary, never shows in the spec package's own tests (its lists of
// top-level keys, its starter golden file).
package sectiontest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// widgets is the toy section: a string, a nested struct and a list.
type widgets struct {
	Name  string       `yaml:"name"`
	Size  widgetSize   `yaml:"size"`
	Items []widgetItem `yaml:"items"`

	// What the registry did with it, for the tests.
	defaulted      bool
	nameWritten    bool
	coreAccessRole string // the core default as Defaults saw it
	validated      bool
	validatorSpec  *spec.Foundation
	desired        *estate.Estate
}

type widgetSize struct {
	Min int `yaml:"min"`
	Max int `yaml:"max"`
}

type widgetItem struct {
	ID    string `yaml:"id"`
	Count int    `yaml:"count"`
}

const defaultWidgetName = "standard"

func (w *widgets) Defaults(f *spec.Foundation, written func(string) bool) {
	w.defaulted = true
	w.nameWritten = written("widgets.name")
	w.coreAccessRole = f.Organization.AccessRole
	if w.Name == "" {
		w.Name = defaultWidgetName
	}
	if w.Size.Max == 0 {
		w.Size.Max = 10
	}
}

func (w *widgets) Validate(f *spec.Foundation, v *spec.Validator) {
	w.validated = true
	w.validatorSpec = v.Foundation()
	if w.Size.Min > w.Size.Max {
		v.At("widgets.size.min", "%d is above max %d", w.Size.Min, w.Size.Max)
	}
	for i, it := range w.Items {
		if it.ID == "" {
			v.At(fmt.Sprintf("widgets.items[%d].id", i), "required: the item's name")
		}
	}
	if v.Written("widgets.items") && len(w.Items) == 0 {
		v.AtKey("widgets.items", "list at least one item, or leave items out")
	}
}

func (w *widgets) Desired(f *spec.Foundation, e *estate.Estate) { w.desired = e }

func init() {
	spec.RegisterSection(spec.SectionType{
		Key: "widgets",
		New: func() spec.Section { return &widgets{} },
		Starter: func(opts spec.StarterOptions) string {
			return "# Widgets of " + opts.OrgID + " in " + strings.Join(opts.Regions, ", ") + ".\nwidgets:\n  name: starter\n"
		},
		Order: 650, // after the core's tagging part (100)
	})
}

const minimal = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1}
units: {Security: {}, Workloads: {units: {Prod: {}}}, Sandbox: {}}
`

func parse(t *testing.T, src string) (*spec.Foundation, []string) {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(src))
	if err == nil {
		return f, nil
	}
	var ds spec.Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("Parse error is %T (%v); want spec.Diagnostics", err, err)
	}
	var out []string
	for _, d := range ds {
		out = append(out, d.Error())
	}
	return nil, out
}

func widgetsOf(t *testing.T, f *spec.Foundation) *widgets {
	t.Helper()
	w, ok := f.Section("widgets").(*widgets)
	if !ok {
		t.Fatalf("Section(widgets) = %T; want *widgets", f.Section("widgets"))
	}
	return w
}

func TestSectionDiagnostics(t *testing.T) {
	tests := map[string]struct {
		src  string
		want []string
	}{
		"wrong types, at their positions": {
			src: minimal + "widgets:\n  name: [a]\n  size: {min: many}\n  items:\n    - {id: a, count: 1}\n    - {id: b, count: lots}\n",
			want: []string{
				`foundation.yaml:5:9: widgets.name: expected a string, found a list`,
				`foundation.yaml:6:15: widgets.size.min: expected a whole number, found a string`,
				`foundation.yaml:9:22: widgets.items[1].count: expected a whole number, found a string`,
			},
		},
		"unknown key inside, with did-you-mean": {
			src:  minimal + "widgets:\n  nmae: x\n  size: {mx: 3}\n",
			want: []string{`foundation.yaml:5:3: widgets.nmae: unknown field "nmae"; expected one of: items, name, size (did you mean "name"?)`, `foundation.yaml:6:10: widgets.size.mx: unknown field "mx"; expected one of: max, min (did you mean "max"?)`},
		},
		"unknown top-level key suggests the section": {
			src:  minimal + "widget: {}\n",
			want: []string{`foundation.yaml:4:1: widget: unknown field "widget"; expected one of: accounts, organization, tagging, units, version, widgets (did you mean "widgets"?)`},
		},
		"duplicate key": {
			src:  minimal + "widgets: {}\nwidgets: {name: b}\n",
			want: []string{`foundation.yaml:5:1: widgets: duplicate key "widgets"`},
		},
		"not a mapping": {
			src:  minimal + "widgets: [a]\n",
			want: []string{`foundation.yaml:4:10: widgets: expected a mapping, found a list`},
		},
		"section and core problems together": {
			src: strings.Replace(minimal, "us-east-1", "us-east-l", 1) + "widgets:\n  size: {min: 20}\n  items: [{count: 2}]\n",
			want: []string{
				`foundation.yaml:2:69: organization.home_region: "us-east-l" is not an AWS Region (did you mean "us-east-1"?)`,
				`foundation.yaml:5:15: widgets.size.min: 20 is above max 10`,
				`foundation.yaml:6:12: widgets.items[0].id: required: the item's name`,
			},
		},
		"missing field is placed at its parent": {
			src:  minimal + "widgets:\n  items: []\n",
			want: []string{`foundation.yaml:5:3: widgets.items: list at least one item, or leave items out`},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f, got := parse(t, tt.src)
			if f != nil {
				t.Fatal("Parse succeeded; want diagnostics")
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("diagnostics:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
		})
	}
}

func TestSectionLifecycle(t *testing.T) {
	f, diags := parse(t, minimal+"widgets:\n  name: custom\n  items: [{id: a, count: 2}]\n")
	if diags != nil {
		t.Fatalf("Parse: %v", diags)
	}
	w := widgetsOf(t, f)
	if w.Name != "custom" || !w.nameWritten || len(w.Items) != 1 || w.Items[0] != (widgetItem{"a", 2}) || w.Size.Max != 10 {
		t.Errorf("decoded and defaulted = %+v", *w)
	}
	if !w.defaulted || w.coreAccessRole != policy.DefaultAccessRole {
		t.Errorf("Defaults ran: %v, saw access role %q; want it run after the core defaults", w.defaulted, w.coreAccessRole)
	}
	if !w.validated || w.validatorSpec != f {
		t.Errorf("Validate ran: %v, with Foundation %p; want %p", w.validated, w.validatorSpec, f)
	}
	if w.desired != nil {
		t.Fatal("Desired ran before Foundation.Desired")
	}
	e := f.Desired()
	if w.desired != e {
		t.Errorf("Desired got estate %p; want the one Foundation.Desired returns, %p", w.desired, e)
	}
	if f.Pos("widgets.name") != (spec.Pos{Line: 5, Column: 9}) {
		t.Errorf("Pos(widgets.name) = %v", f.Pos("widgets.name"))
	}
}

func TestSectionOmitted(t *testing.T) {
	f, diags := parse(t, minimal)
	if diags != nil {
		t.Fatalf("Parse: %v", diags)
	}
	w := widgetsOf(t, f)
	if !w.defaulted || !w.validated || w.nameWritten || w.Name != defaultWidgetName || w.Size.Max != 10 || w.Items != nil {
		t.Errorf("omitted section = %+v; want a zero section, defaulted and validated", *w)
	}
	if f.Section("widgets") != f.Section("widgets") {
		t.Error("Section returns a different value each call")
	}
	if s := f.Section("gadgets"); s != nil {
		t.Errorf("Section(gadgets) = %v; want nil for an unregistered key", s)
	}
	// A Foundation built by hand gets its sections on first use.
	var hand spec.Foundation
	if w := widgetsOf(t, &hand); !w.defaulted || w.Name != defaultWidgetName {
		t.Errorf("hand-built section = %+v; want defaulted", *w)
	}
}

func TestSectionStarter(t *testing.T) {
	src, err := spec.Starter(spec.StarterOptions{OrgID: "primary", Domain: "example.com", HomeRegion: "us-east-1"})
	if err != nil {
		t.Fatalf("Starter: %v", err)
	}
	const want = "    Environment: [Sandbox, Dev, PreProd, QA, Prod, Testing]\n\n# Widgets of primary in us-east-1.\nwidgets:\n  name: starter\n"
	if !strings.HasSuffix(string(src), want) {
		t.Errorf("Starter output does not place the section by Order; want it to contain:\n%s\ngot:\n%s", want, src)
	}
	f, diags := parse(t, string(src))
	if diags != nil {
		t.Fatalf("Parse(Starter): %v", diags)
	}
	if w := widgetsOf(t, f); w.Name != "starter" {
		t.Errorf("starter widgets.name = %q", w.Name)
	}
}

func TestRegisterSectionPanics(t *testing.T) {
	newWidgets := func() spec.Section { return &widgets{} }
	tests := map[string]struct {
		t    spec.SectionType
		want string
	}{
		"duplicate":      {spec.SectionType{Key: "widgets", New: newWidgets}, `section "widgets" registered twice`},
		"core key":       {spec.SectionType{Key: "tagging", New: newWidgets}, `section "tagging" is a core field`},
		"core key, root": {spec.SectionType{Key: "version", New: newWidgets}, `section "version" is a core field`},
		"empty key":      {spec.SectionType{New: newWidgets}, "empty key"},
		"nil New":        {spec.SectionType{Key: "gadgets"}, `section "gadgets" registered without New`},
		"not a pointer":  {spec.SectionType{Key: "gadgets", New: func() spec.Section { return valueSection{} }}, "New must return a pointer to a struct"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if msg := fmt.Sprint(r); r == nil || !strings.Contains(msg, tt.want) {
					t.Errorf("RegisterSection panicked with %v; want a panic containing %q", r, tt.want)
				}
			}()
			spec.RegisterSection(tt.t)
		})
	}
	if got := spec.Sections(); len(got) != 1 || got[0].Key != "widgets" {
		t.Errorf("Sections() after the failed registrations = %v; want only widgets", got)
	}
}

type valueSection struct{}

func (valueSection) Defaults(*spec.Foundation, func(string) bool) {}
func (valueSection) Validate(*spec.Foundation, *spec.Validator)   {}
func (valueSection) Desired(*spec.Foundation, *estate.Estate)     {}
