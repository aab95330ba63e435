package importer

import (
	"fmt"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
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
		org.Management = spec.Management{Name: im.mgmt.Name, Email: im.mgmt.Email, ExemptFromNaming: !conventional}
	}
	return Encode(org)
}

// probe parses a small spec with the import's organization and the given
// SCPs and tagging section (nil: none), and returns it loaded: the spec's
// own answer to what it would make of them.
func (im *importer) probe(scps *Node, tagging *spec.Tagging, protected []string) (*spec.Foundation, error) {
	root := NewNode()
	root.Set(key(&top.Version), Raw(fmt.Sprint(spec.Version)))
	root.Set(key(&top.Organization), im.organization(false))
	root.Child(key(&top.Units)).Set("Probe", NewNode())
	if tagging == nil {
		tagging = disabledTagging()
	}
	root.Set(key(&top.Tagging), Encode(tagging))
	root.Set(orglayer.PoliciesKey, policiesNode(scps, protected))
	root.Set(orglayer.ServicesKey, Encode(orglayer.Services{TrustedAccess: []string{}, DelegatedAdmins: map[string]string{}}))
	var b strings.Builder
	root.render(&b, 0)
	return spec.Parse(probeFile, []byte(b.String()))
}

// top names the spec's top-level keys (see key).
var top spec.Foundation

// key is the spec's key of a field of top.
func key(field any) string { return FieldKey(&top, field) }

// policiesNode writes the policies section: scps is a mapping of SCPs by
// name (nil: none), written after the role paths.
func policiesNode(scps *Node, protected []string) *Node {
	p := orglayer.Policies{}
	if len(protected) > 0 {
		p.ProtectedRolePaths = protected
	}
	if scps == nil {
		scps = NewNode()
	}
	return encodeFields(&p, &p.ProtectedRolePaths).Set(FieldKey(&p, &p.SCPs), scps)
}

// spec builds the whole spec: the core's sections, then the registered
// sections' values (or notes) in order, then contacts. With placeholders,
// SCP files are replaced by a library policy, so that the spec can be
// validated without the files (which are checked on their own, see
// checkSCP).
func (im *Import) spec(placeholders bool) *Node {
	c := im.core
	root := NewNode()
	root.Set(key(&top.Version), Raw(fmt.Sprint(spec.Version)))
	root.Set(key(&top.Organization), c.organization(true))
	root.Set(key(&top.Units), c.unitsNode(estate.RootPath))
	accounts := NewNode()
	for _, key := range sortedKeys(c.accounts) {
		accounts.Set(key, c.accountNode(c.accounts[key]))
	}
	root.Set(key(&top.Accounts), accounts)
	if c.tagging != nil {
		root.Set(key(&top.Tagging), Encode(c.tagging.spec(c.tagging.attach)))
	} else {
		root.Set(key(&top.Tagging), Encode(disabledTagging()))
	}
	scps := NewNode()
	for _, s := range c.scps {
		p := orglayer.SCP{Description: s.description, Attach: s.attach}
		switch {
		case s.file != "" && placeholders:
			p.Library = []string{"PreventMemberLeaveOrg"}
		case s.file != "":
			p.File = s.file
		default:
			p.Library = s.library
		}
		scps.Set(s.name, encodeFields(&p, &p.Description, &p.Library, &p.File, &p.Attach))
	}
	root.Set(orglayer.PoliciesKey, policiesNode(scps, c.protectedPaths))
	root.Set(orglayer.ServicesKey, Encode(orglayer.Services{TrustedAccess: c.trusted, DelegatedAdmins: c.delegated}))
	for _, s := range im.order {
		w, ok := im.written[s.Key]
		switch {
		case !ok:
		case w.value != nil:
			root.Set(s.Key, Encode(w.value))
		case w.note != "":
			root.Comment(w.note)
		}
	}
	if c.contacts != nil {
		root.Set(orglayer.ContactsKey, Encode(c.contacts))
	}
	return root
}

// unitsNode writes the units under parent, recursively.
func (im *importer) unitsNode(parent string) *Node {
	n := NewNode()
	for _, path := range sortedKeys(im.units) {
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
		un := encodeFields(&su, &su.Guardrails, &su.Tags)
		if children := im.unitsNode(path); children.Len() > 0 {
			un.Set(FieldKey(&su, &su.Units), children)
		}
		n.Set(u.Name(), un)
	}
	return n
}

func (im *importer) accountNode(a *account) *Node {
	sa := spec.Account{Unit: a.src.Unit, Role: a.role, Name: a.src.Name, Email: a.src.Email,
		ExemptFromNaming: a.exempt, Contacts: a.contacts}
	if len(a.tags) > 0 {
		sa.Tags = a.tags
	}
	return encodeFields(&sa, &sa.Unit, &sa.Role, &sa.Name, &sa.Email, &sa.ExemptFromNaming, &sa.Tags, &sa.Contacts)
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
	for _, s := range c.scps {
		if s.file != "" {
			files[s.file] = s.content
		}
	}
	return Result{YAML: []byte(b.String()), Files: files, Warnings: c.warnings}, nil
}
