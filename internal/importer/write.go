package importer

import (
	"fmt"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// probeFile names probe specs in messages.
const probeFile = "import-probe.yaml"

// organization writes the organization section; the management account
// only for the real spec, not for probes.
func (im *importer) organization(management bool) *node {
	o := im.opts
	n := newNode()
	n.set("id", o.OrgID).set("email_domain", o.Domain).set("home_region", o.HomeRegion).set("regions", o.Regions)
	if management {
		m := n.child("management").set("name", im.mgmt.Name).set("email", im.mgmt.Email)
		conventional := im.mgmt.Name == managementPrefix+o.OrgID && strings.EqualFold(im.mgmt.Email, managementPrefix+o.OrgID+"@"+o.Domain)
		if !conventional {
			m.set("exempt_from_naming", true)
		}
	}
	return n
}

// probe parses a small spec with the import's organization and the given
// SCPs and tagging section (nil: none), and returns it loaded: the spec's
// own answer to what it would make of them.
func (im *importer) probe(scps, tagging *node, protected []string) (*spec.Foundation, error) {
	root := newNode()
	root.set("version", raw(fmt.Sprint(spec.Version)))
	root.set("organization", im.organization(false))
	root.child("units").set("Probe", newNode())
	if tagging == nil {
		tagging = disabledTagging()
	}
	root.set("tagging", tagging)
	root.set("policies", policiesNode(scps, protected))
	root.set("services", newNode().set("trusted_access", []string{}).set("delegated_admins", newNode()))
	var b strings.Builder
	root.render(&b, 0)
	return spec.Parse(probeFile, []byte(b.String()))
}

func policiesNode(scps *node, protected []string) *node {
	n := newNode()
	if len(protected) > 0 {
		n.set("protected_role_paths", protected)
	}
	if scps == nil {
		scps = newNode()
	}
	return n.set("scps", scps)
}

// spec builds the whole spec. With placeholders, SCP files are replaced by
// a library policy, so that the spec can be validated without the files
// (which are checked on their own, see checkSCP).
func (im *importer) spec(placeholders bool) *node {
	root := newNode()
	root.set("version", raw(fmt.Sprint(spec.Version)))
	root.set("organization", im.organization(true))
	root.set("units", im.unitsNode(estate.RootPath))
	accounts := newNode()
	for _, key := range sortedKeys(im.accounts) {
		accounts.set(key, im.accountNode(im.accounts[key]))
	}
	root.set("accounts", accounts)
	if im.tagging != nil {
		root.set("tagging", im.tagging.node(im.tagging.attach))
	} else {
		root.set("tagging", disabledTagging())
	}
	scps := newNode()
	for _, s := range im.scps {
		n := scps.child(s.name)
		if s.description != "" {
			n.set("description", s.description)
		}
		switch {
		case s.file != "" && placeholders:
			n.set("library", []string{"PreventMemberLeaveOrg"})
		case s.file != "":
			n.set("file", s.file)
		default:
			n.set("library", s.library)
		}
		n.set("attach", s.attach)
	}
	root.set("policies", policiesNode(scps, im.protectedPaths))
	delegated := newNode()
	setSorted(delegated, im.delegated, func(v string) any { return v })
	root.set("services", newNode().set("trusted_access", im.trusted).set("delegated_admins", delegated))
	if im.logging != nil {
		root.set("logging", im.logging)
	} else if im.loggingNote != "" {
		root.set("", comment(im.loggingNote))
	}
	for _, l := range []struct {
		key  string
		n    *node
		note string
	}{{"monitoring", im.monitoring, im.monitoringNote}, {"hardening", im.hardening, im.hardeningNote}, {"billing", im.billing, im.billingNote}} {
		if l.n != nil {
			root.set(l.key, l.n)
		} else if l.note != "" {
			root.set("", comment(l.note))
		}
	}
	if im.contacts != nil {
		root.set("contacts", contactsNode(im.contacts))
	}
	return root
}

// unitsNode writes the units under parent, recursively.
func (im *importer) unitsNode(parent string) *node {
	n := newNode()
	for _, path := range sortedKeys(im.units) {
		u := im.units[path]
		if u.Parent() != parent {
			continue
		}
		un := newNode()
		if parent == estate.RootPath && strings.EqualFold(u.Name(), "Exceptions") {
			un.set("guardrails", "none")
		}
		if len(u.Tags) > 0 {
			un.set("tags", stringMap(u.Tags))
		}
		if children := im.unitsNode(path); len(children.entries) > 0 {
			un.set("units", children)
		}
		n.set(u.Name(), un)
	}
	return n
}

func (im *importer) accountNode(a *account) *node {
	n := newNode()
	n.set("unit", a.src.Unit)
	if a.role != "" {
		n.set("role", a.role)
	}
	n.set("name", a.src.Name).set("email", a.src.Email)
	if a.exempt {
		n.set("exempt_from_naming", true)
	}
	if len(a.tags) > 0 {
		n.set("tags", stringMap(a.tags))
	}
	if a.contacts != nil {
		n.set("contacts", contactsNode(a.contacts))
	}
	return n
}

// result renders the spec, after checking that it loads.
func (im *importer) result() (Result, error) {
	var check strings.Builder
	im.spec(true).render(&check, 0)
	if _, err := spec.Parse(probeFile, []byte(check.String())); err != nil {
		return Result{}, fmt.Errorf("import: the imported spec does not validate (a groundwork bug; please report it with these messages):\n%v", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# imported from organization %s on %s by groundwork import; review before apply\n",
		im.actual.Organization.ID, im.opts.Now.Format("2006-01-02"))
	if len(im.warnings) > 0 {
		b.WriteString("#\n# What the spec could not express or left out:\n")
		for _, w := range im.warnings {
			b.WriteString("#   - " + strings.ReplaceAll(w, "\n", " ") + "\n")
		}
	}
	im.spec(false).render(&b, 0)
	files := map[string][]byte{}
	for _, s := range im.scps {
		if s.file != "" {
			files[s.file] = s.content
		}
	}
	return Result{YAML: []byte(b.String()), Files: files, Warnings: im.warnings}, nil
}
