package importer

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// probeFile names probe specs in messages.
const probeFile = "import-probe.yaml"

// organization writes the organization section; the management account
// only for the real spec, not for probes.
func (im *importer) organization(management bool) *Node {
	o := im.opts
	org := spec.Organization{ID: o.OrgID, EmailDomain: o.Domain, HomeRegion: o.HomeRegion, Regions: o.Regions}
	if management {
		conventional := im.mgmt.Name == managementPrefix+o.OrgID && strings.EqualFold(im.mgmt.Email, managementPrefix+o.OrgID+"@"+o.Domain)
		org.Management = spec.Management{Name: im.mgmt.Name, Email: im.mgmt.Email, ExemptFromNaming: !conventional, Contacts: im.mgmtContacts}
	}
	return Encode(org)
}

// ProbeBare loads a spec of the organization alone: the import's options,
// one placeholder OU, no accounts, the tagging section t (nil: the
// dictionary without a tag policy), and the registered sections at their
// Bare values, except those values names (nil: without the section). It
// returns spec.Parse's result: a section asks the spec what it would make
// of a value of its own, away from what the import decides elsewhere (the
// accounts' tags, which t may not allow yet).
func (im *Import) ProbeBare(t *spec.Tagging, values map[string]any) (*spec.Foundation, error) {
	root := NewNode()
	root.Set(key(&top.Version), Raw(fmt.Sprint(spec.Version)))
	root.Set(key(&top.Organization), im.core.organization(false))
	root.Child(key(&top.Units)).Set("Probe", NewNode())
	if t == nil {
		t = disabledTagging()
	}
	root.Set(key(&top.Tagging), Encode(t))
	for _, s := range im.layout {
		v, ok := values[s.Key]
		if !ok {
			v = s.Bare
		}
		if v = placeholder(absentIfNil(v)); v != nil {
			root.Set(s.Key, Encode(v))
		}
	}
	var b strings.Builder
	root.render(&b, 0)
	return spec.Parse(probeFile, []byte(b.String()))
}

// placeholder is what probes write of a section's value: a WithFiles's
// Placeholder, any other value as it is.
func placeholder(v any) any {
	if f, ok := v.(WithFiles); ok {
		return absentIfNil(f.Placeholder)
	}
	return v
}

// top names the spec's top-level keys (see key).
var top spec.Foundation

// key is the spec's key of a field of top.
func key(field any) string { return FieldKey(&top, field) }

// spec builds the whole spec: the core's sections, then the registered
// sections' values (or notes) in Position order. With placeholders, each
// WithFiles is written as its Placeholder, so that the spec can be
// validated without the files.
func (im *Import) spec(placeholders bool) *Node {
	c := im.core
	root := NewNode()
	root.Set(key(&top.Version), Raw(fmt.Sprint(spec.Version)))
	root.Set(key(&top.Organization), c.organization(true))
	root.Set(key(&top.Units), c.unitsNode(estate.RootPath))
	accounts := NewNode()
	for _, key := range slices.Sorted(maps.Keys(c.accounts)) {
		accounts.Set(key, c.accountNode(c.accounts[key]))
	}
	root.Set(key(&top.Accounts), accounts)
	if c.tagging != nil {
		root.Set(key(&top.Tagging), Encode(c.tagging))
	} else {
		root.Set(key(&top.Tagging), Encode(disabledTagging()))
	}
	for _, s := range im.layout {
		w, ok := im.written[s.Key]
		value := w.value
		if f, isFiles := value.(WithFiles); isFiles && !placeholders {
			value = absentIfNil(f.Value)
		} else {
			value = placeholder(value)
		}
		switch {
		case !ok:
		case value != nil:
			root.Set(s.Key, Encode(value))
		case w.note != "":
			root.Comment(w.note)
		}
	}
	return root
}

// unitsNode writes the units under parent, recursively.
func (im *importer) unitsNode(parent string) *Node {
	n := NewNode()
	for _, path := range slices.Sorted(maps.Keys(im.units)) {
		u := im.units[path]
		if u.Parent() != parent {
			continue
		}
		su := spec.Unit{}
		if parent == estate.RootPath && strings.EqualFold(u.Name(), "Exceptions") {
			su.Guardrails = "none"
		}
		if len(u.Tags) > 0 {
			su.Tags = u.Tags
		}
		un := EncodeFields(&su, &su.Guardrails, &su.Tags)
		if children := im.unitsNode(path); children.Len() > 0 {
			un.Set(FieldKey(&su, &su.Units), children)
		}
		n.Set(u.Name(), un)
	}
	return n
}

func (im *importer) accountNode(a *account) *Node {
	sa := a.spec
	if len(sa.Tags) == 0 {
		sa.Tags = nil
	}
	return EncodeFields(&sa, &sa.Unit, &sa.Role, &sa.Name, &sa.Email, &sa.ExemptFromNaming, &sa.Tags, &sa.Contacts)
}

// result renders the spec, after checking that it loads.
func (im *Import) result() (Result, error) {
	c := im.core
	var check strings.Builder
	im.spec(true).render(&check, 0)
	if _, err := spec.Parse(probeFile, []byte(check.String())); err != nil {
		return Result{}, fmt.Errorf("import: the imported spec does not validate (a groundwork bug; please report it with these messages):\n%v", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# imported from organization %s on %s by groundwork import; review before apply\n",
		c.actual.Organization.ID, c.opts.Now.Format("2006-01-02"))
	if len(c.warnings) > 0 {
		b.WriteString("#\n# What the spec could not express or left out:\n")
		for _, w := range c.warnings {
			b.WriteString("#   - " + strings.ReplaceAll(w, "\n", " ") + "\n")
		}
	}
	im.spec(false).render(&b, 0)
	files := map[string][]byte{}
	for _, w := range im.written {
		if f, ok := w.value.(WithFiles); ok {
			maps.Copy(files, f.Files)
		}
	}
	return Result{YAML: []byte(b.String()), Files: files, Warnings: c.warnings}, nil
}
