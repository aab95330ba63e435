package identity

import (
	"context"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// The import of the identity section: the organization's Identity Center
// as the spec would write it (the users and groups its assignments use,
// every permission set, with inline policies as files beside the spec,
// and the assignments, collapsed back to OU paths where they cover a
// whole OU), so that plan on the result shows no changes.

func init() {
	importer.RegisterSection(importer.SectionType{Key: SpecKey, Order: 900, Read: readForImport, Write: writeIdentity})
}

// Written where the identity section would be when the import leaves it
// off: why, and how to start it.
const (
	identityNotRead  = "identity: IAM Identity Center could not be read (see the warnings above), so the identity section stays off."
	identityNoCenter = "identity: the home Region has no IAM Identity Center instance, so the identity section stays off."
	identityUnused   = "identity: IAM Identity Center has no permission set, so the identity section stays off."
	identityHowTo    = "\nTo have groundwork build it (users, groups, permission sets and their assignments), see groundwork\n" +
		"init's identity section."
)

// importUnread are the parts of the layer's read the import cannot do
// without: without them it would write a spec that deletes what it did
// not see.
var importUnread = []string{readInstanceName, readAccessName, readStoreName}

// readForImport reads the whole layer, as the audit does. A part that
// cannot be read is passed to r.Warn and recorded in Identity.Unread.
func readForImport(ctx context.Context, r inventory.Reader, im *importer.Import) error {
	actual := im.Actual()
	var unread []string
	rr := inventory.Reader{Session: r.Session, Width: r.Width, Progress: r.Progress, Shared: r.Shared,
		Warn: func(err error) {
			unread = append(unread, inventory.UnreadOf(err).Read)
			if r.Warn != nil {
				r.Warn(err)
			}
		}}
	if err := read(ctx, rr, nil, actual, im.Options().HomeRegion, true); err != nil {
		actual.Identity = nil
		if r.Warn != nil {
			r.Warn(fmt.Errorf("IAM Identity Center was not read, so the spec leaves the identity section off: %w", err))
		}
		return nil
	}
	for _, u := range unread {
		if slices.ContainsFunc(importUnread, func(p string) bool { return (inventory.Unread{Read: u}).Covers(p) }) {
			actual.Identity = nil
			return nil
		}
	}
	return nil
}

// importAccountModel, when set (by the Identity-account model's import,
// in its own file's init), writes the section of an organization that
// does not use Identity Center: ok false when it does not use the
// Identity-account model either. The section has one key, so its one
// registration (here) calls it.
var importAccountModel func(im *importer.Import) (value any, note string, ok bool)

// writeIdentity writes the identity section of an organization whose
// Identity Center holds a permission set; otherwise a note.
func writeIdentity(im *importer.Import) (any, string, error) {
	id := im.Actual().Identity
	if id != nil && (id.Center == nil || id.Center.InstanceMissing || len(id.Center.PermissionSets) == 0) && importAccountModel != nil {
		if value, note, ok := importAccountModel(im); ok {
			return value, note, nil
		}
	}
	switch {
	case id == nil:
		return nil, identityNotRead + identityHowTo, nil
	case id.Center == nil:
		return nil, identityNotRead + identityHowTo, nil
	case id.Center.InstanceMissing:
		return nil, identityNoCenter + identityHowTo, nil
	case len(id.Center.PermissionSets) == 0:
		return nil, identityUnused + identityHowTo, nil
	}
	x := &centerImport{Import: im, c: id.Center, sets: map[string]*importedSet{}}
	x.permissionSets()
	x.assignments()
	x.principals()
	value := importer.WithFiles{Value: x.node(false), Placeholder: x.node(true), Files: map[string][]byte{}}
	for _, s := range x.sets {
		if s.file != "" {
			value.Files[s.file] = []byte(x.c.PermissionSets[s.name].InlinePolicy)
		}
	}
	f, err := im.Probe(SpecKey, value)
	if err != nil {
		im.Warnf("the identity section cannot be written in the spec, which refuses it (%v); it is left off", importer.OneLine(err))
		return nil, "identity: the identity section could not be imported (see the warnings above), so it stays off." + identityHowTo, nil
	}
	x.warnChanges(f.Desired())
	return value, "", nil
}

// centerImport is the import of Identity Center in progress.
type centerImport struct {
	*importer.Import
	c *estate.IdentityCenter
	// external: some principal lacks what the Identity Store needs of a
	// user groundwork manages, so an identity provider provisions them.
	external bool
	sets     map[string]*importedSet
	entries  []*Assignment
	users    []string // user names the assignments use, directly or as members
	groups   []string
}

// importedSet is a permission set the spec writes.
type importedSet struct {
	name string
	spec *PermissionSet
	file string // the inline policy's file as the spec writes it, "" for none
}

// permissionSets takes every permission set the spec can express: one
// that grants something, with an inline policy the spec's lint accepts.
func (x *centerImport) permissionSets() {
	files := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(x.c.PermissionSets)) {
		ps := x.c.PermissionSets[name]
		s := &PermissionSet{Description: ps.Description, RelayState: ps.RelayState, Tags: ps.Tags}
		if ps.SessionDuration != "" && ps.SessionDuration != "PT1H" {
			s.SessionDuration = ps.SessionDuration
		}
		for _, arn := range ps.ManagedPolicies {
			s.ManagedPolicies = append(s.ManagedPolicies, managedPolicyName(arn))
		}
		for _, r := range ps.CustomerPolicies {
			s.CustomerManagedPolicies = append(s.CustomerManagedPolicies, specRef(r))
		}
		if b := ps.Boundary; b != nil {
			s.PermissionsBoundary = &Boundary{ManagedPolicy: managedPolicyName(b.ManagedPolicy)}
			if b.CustomerPolicy != nil {
				r := specRef(*b.CustomerPolicy)
				s.PermissionsBoundary.CustomerManagedPolicy = &r
			}
		}
		set := &importedSet{name: name, spec: s}
		if ps.InlinePolicy != "" {
			if probs := policy.Lint("", []byte(ps.InlinePolicy), policy.Identity); len(probs) > 0 {
				x.Warnf("permission set %s is left out: its inline policy fails the lint the spec runs (%s), and so do its assignments",
					name, probs[0].Error())
				continue
			}
			base := fileName(name)
			set.file = path.Join(filepath.ToSlash(x.Options().PolicyDir), "permission-sets", base+".json")
			for i := 2; files[set.file]; i++ {
				set.file = path.Join(filepath.ToSlash(x.Options().PolicyDir), "permission-sets", fmt.Sprintf("%s-%d.json", base, i))
			}
			files[set.file] = true
			s.InlinePolicy = set.file
		}
		if len(s.ManagedPolicies)+len(s.CustomerManagedPolicies) == 0 && s.InlinePolicy == "" {
			x.Warnf("permission set %s is left out: it grants nothing, which the spec refuses, and so are its assignments", name)
			continue
		}
		x.sets[name] = set
	}
}

// managedPolicyName writes an AWS managed policy by name where the spec
// turns the name back into the same ARN, else by ARN.
func managedPolicyName(arn string) string {
	if name, ok := strings.CutPrefix(arn, "arn:aws:iam::aws:policy/"); ok && ManagedPolicyARN(name) == arn {
		return name
	}
	return arn
}

func specRef(r estate.PolicyRef) PolicyRef {
	if r.Path == "/" {
		r.Path = ""
	}
	return PolicyRef{Name: r.Name, Path: r.Path}
}

var fileNameRE = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName makes a permission set name safe as a file name.
func fileName(name string) string {
	if n := strings.Trim(fileNameRE.ReplaceAllString(name, "-"), "-."); n != "" {
		return n
	}
	return "permission-set"
}

// principal is a user or group holding one permission set.
type principal struct{ set, typ, name string }

// assignments collapses the organization's assignments into the spec's:
// per principal and permission set, the accounts it holds the set in,
// with each OU of two or more accounts that it holds whole written as
// the OU (and the whole organization as root, for users), then the
// principals with the same targets written together.
func (x *centerImport) assignments() {
	held := map[principal]map[string]bool{} // -> spec targets: account keys, "management"
	for _, a := range x.c.Assignments {
		if x.sets[a.PermissionSet] == nil {
			continue
		}
		if a.PrincipalID != "" && a.Principal == a.PrincipalID {
			x.Warnf("the assignment of %s in %s to %s %s, which the Identity Store no longer has, is left out",
				a.PermissionSet, a.Account, strings.ToLower(a.PrincipalType), a.PrincipalID)
			continue
		}
		target, ok := x.target(a.Account)
		if !ok {
			x.Warnf("the assignment of %s to %s %s in account %s is left out: the spec does not declare the account",
				a.PermissionSet, strings.ToLower(a.PrincipalType), a.Principal, a.Account)
			continue
		}
		if target == estate.ManagementKey && a.PrincipalType == estate.PrincipalGroup {
			x.Warnf("group %s's assignment of %s on the management account is left out: the spec allows only named users "+
				"there (guidance 000); plan shows it as a change, and apply --allow-delete removes it", a.Principal, a.PermissionSet)
			continue
		}
		p := principal{a.PermissionSet, a.PrincipalType, a.Principal}
		if held[p] == nil {
			held[p] = map[string]bool{}
		}
		held[p][target] = true
	}
	byTargets := map[string]*Assignment{}
	for _, p := range slices.SortedFunc(maps.Keys(held), func(a, b principal) int {
		return strings.Compare(a.set+"\x00"+a.typ+"\x00"+a.name, b.set+"\x00"+b.typ+"\x00"+b.name)
	}) {
		units, accounts, root := x.collapse(held[p], p.typ == estate.PrincipalUser)
		k := fmt.Sprintf("%s\x00%v\x00%s\x00%s", p.set, root, strings.Join(units, ","), strings.Join(accounts, ","))
		e := byTargets[k]
		if e == nil {
			e = &Assignment{PermissionSet: p.set, Units: units, Accounts: accounts, Root: root}
			byTargets[k] = e
			x.entries = append(x.entries, e)
		}
		if p.typ == estate.PrincipalUser {
			e.Users = append(e.Users, p.name)
		} else {
			e.Groups = append(e.Groups, p.name)
		}
	}
}

// target is the spec's name of an account an assignment is in:
// "management", or the spec's account key.
func (x *centerImport) target(key string) (string, bool) {
	if key == estate.ManagementKey {
		return key, true
	}
	if m := x.Management(); m != nil && estate.EmailKey(m.Email) == key {
		return estate.ManagementKey, true
	}
	return x.AccountKey(key)
}

// collapse writes a set of spec targets as the root (when users hold
// every account), OUs held whole (the highest such OU, of two or more
// accounts) and the remaining accounts, each sorted.
func (x *centerImport) collapse(targets map[string]bool, users bool) (units, accounts []string, root bool) {
	where := x.accountUnits()
	if users && len(where) > 1 && len(targets) == len(where) {
		return nil, nil, true
	}
	left := maps.Clone(targets)
	paths := slices.Sorted(maps.Keys(x.Actual().Units))
	slices.SortStableFunc(paths, func(a, b string) int { return strings.Count(a, "/") - strings.Count(b, "/") })
	for _, p := range paths {
		var in []string
		for t, unit := range where {
			if unit == p || strings.HasPrefix(unit, p+"/") {
				in = append(in, t)
			}
		}
		if len(in) < 2 || slices.ContainsFunc(in, func(t string) bool { return !left[t] }) {
			continue
		}
		units = append(units, p)
		for _, t := range in {
			delete(left, t)
		}
	}
	slices.Sort(units)
	return units, slices.Sorted(maps.Keys(left)), false
}

// accountUnits maps every account of the organization in use to its OU
// path, by the spec's target name; an account in use that the spec does
// not declare is under the name "?"+e-mail, which no assignment holds,
// so that no OU holding it is collapsed.
func (x *centerImport) accountUnits() map[string]string {
	out := map[string]string{}
	for _, a := range x.Actual().Accounts {
		if !a.Active() {
			continue
		}
		if t, ok := x.target(estate.EmailKey(a.Email)); ok {
			out[t] = a.Unit
		} else if x.Actual().IsManagement(a) {
			out[estate.ManagementKey] = a.Unit
		} else {
			out["?"+a.Email] = a.Unit
		}
	}
	return out
}

// principals picks the users and groups the assignments use, and the
// identity source their records allow.
func (x *centerImport) principals() {
	users, groups := map[string]bool{}, map[string]bool{}
	for _, e := range x.entries {
		for _, u := range e.Users {
			users[u] = true
		}
		for _, g := range e.Groups {
			groups[g] = true
			if sg := x.c.Groups[g]; sg != nil {
				for _, m := range sg.Members {
					users[m] = true
				}
			}
		}
	}
	x.users, x.groups = slices.Sorted(maps.Keys(users)), slices.Sorted(maps.Keys(groups))
	for _, u := range x.users {
		su := x.c.Users[u]
		if su == nil || su.GivenName == "" || su.FamilyName == "" || su.Email == "" {
			x.external = true
		}
	}
	if x.external {
		x.Warnf("some users the assignments use lack a given name, family name or e-mail, as users an identity provider " +
			"provisions may: the spec names users and groups with source: external, and groundwork leaves them and the " +
			"memberships to the provider")
	}
}

// node writes the section. With placeholders, an inline policy file is
// left out, with a managed policy in its place where the set would grant
// nothing without it, so that the spec validates without the files
// (which the import linted on its own).
func (x *centerImport) node(placeholders bool) *importer.Node {
	s := &Spec{}
	n := importer.NewNode()
	if x.external {
		s.Source = estate.SourceExternal
		n = importer.EncodeFields(s, &s.Source)
	}
	users := importer.NewNode()
	for _, name := range x.users {
		u := &User{}
		if su := x.c.Users[name]; su != nil && !x.external {
			u = &User{GivenName: su.GivenName, FamilyName: su.FamilyName, Email: su.Email}
			if su.DisplayName != strings.TrimSpace(su.GivenName+" "+su.FamilyName) {
				u.DisplayName = su.DisplayName
			}
		}
		users.Set(name, importer.EncodeFields(u, &u.DisplayName, &u.GivenName, &u.FamilyName, &u.Email))
	}
	if len(x.users) > 0 {
		n.Set(importer.FieldKey(s, &s.Users), users)
	}
	groups := importer.NewNode()
	for _, name := range x.groups {
		g := &Group{}
		if sg := x.c.Groups[name]; sg != nil {
			g.Description = sg.Description
			if !x.external && len(sg.Members) > 0 {
				g.Members = slices.Clone(sg.Members)
			}
		}
		groups.Set(name, importer.EncodeFields(g, &g.Description, &g.Members))
	}
	if len(x.groups) > 0 {
		n.Set(importer.FieldKey(s, &s.Groups), groups)
	}
	sets := importer.NewNode()
	for _, name := range slices.Sorted(maps.Keys(x.sets)) {
		sets.Set(name, setNode(x.sets[name].spec, placeholders))
	}
	n.Set(importer.FieldKey(s, &s.PermissionSets), sets)
	var entries []*importer.Node
	for _, e := range x.entries {
		entries = append(entries, importer.EncodeFields(e, &e.PermissionSet, &e.Users, &e.Groups, &e.Accounts, &e.Units, &e.Root))
	}
	n.Set(importer.FieldKey(s, &s.Assignments), entries)
	// Written always: unwritten, the spec would derive the attributes
	// from the tagging dictionary. An empty mapping (none, or not read)
	// leaves the instance's as they are.
	attrs := x.c.AccessControlAttributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	n.Set(importer.FieldKey(s, &s.AccessControlAttributes), importer.Encode(attrs))
	return n
}

// setNode writes a permission set, customer managed policies as a
// sequence of mappings.
func setNode(ps *PermissionSet, placeholders bool) *importer.Node {
	p := *ps
	if placeholders && p.InlinePolicy != "" {
		p.InlinePolicy = ""
		if len(p.ManagedPolicies)+len(p.CustomerManagedPolicies) == 0 {
			p.ManagedPolicies = []string{"ReadOnlyAccess"}
		}
	}
	n := importer.EncodeFields(&p, &p.Description, &p.SessionDuration, &p.RelayState, &p.ManagedPolicies,
		&p.InlinePolicy, &p.PermissionsBoundary, &p.Tags)
	if len(p.CustomerManagedPolicies) > 0 {
		var refs []*importer.Node
		for _, r := range p.CustomerManagedPolicies {
			refs = append(refs, importer.EncodeFields(&r, &r.Name, &r.Path))
		}
		n.Set(importer.FieldKey(&p, &p.CustomerManagedPolicies), refs)
	}
	return n
}

// warnChanges warns with the changes a plan of the imported identity
// section would make: those it makes beyond a plan without the section
// (the core's own are the core's to warn about). The probe wrote
// placeholders for inline policy files; the desired sets get the
// documents the files hold.
func (x *centerImport) warnChanges(desired *estate.Estate) {
	if desired.Identity == nil || desired.Identity.Center == nil {
		return
	}
	for name, s := range x.sets {
		if d := desired.Identity.Center.PermissionSets[name]; d != nil && s.file != "" {
			d.InlinePolicy = x.c.PermissionSets[name].InlinePolicy
			d.ManagedPolicies = nil
			for _, m := range s.spec.ManagedPolicies {
				d.ManagedPolicies = append(d.ManagedPolicies, ManagedPolicyARN(m))
			}
			slices.Sort(d.ManagedPolicies)
		}
	}
	names := []string{"identity"}
	actual := layer.PlanView(x.Actual(), names)
	without := *desired
	without.Identity = nil
	base := map[string]bool{}
	for _, ch := range kinds.Plan(layer.PlanView(&without, names), actual).Changes {
		base[ch.Address+" "+ch.Action.String()] = true
	}
	var changes []string
	for _, ch := range kinds.Plan(layer.PlanView(desired, names), actual).Changes {
		if !base[ch.Address+" "+ch.Action.String()] && !ch.Adopt {
			changes = append(changes, ch.Action.String()+" "+ch.Address)
		}
	}
	if len(changes) > 0 {
		x.Warnf("the identity section differs from the organization's Identity Center in %d place(s); plan shows them: %s",
			len(changes), strings.Join(changes, "; "))
	}
}
