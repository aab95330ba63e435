package importer

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// importUnits declares every OU the spec can name, empty ones and names
// with dots or spaces included. An OU name with '/' cannot be a spec key
// (unit paths use it as their separator): such an OU and everything under
// it is left out.
func (im *importer) importUnits() error {
	for _, u := range im.actual.SortedUnits() {
		parent := estate.ParentPath(u.Path)
		if parent != estate.RootPath && im.units[parent] == nil {
			continue // under a unit left out; already warned
		}
		if name := u.Name(); name == "" || strings.Contains(name, "/") {
			im.warnf("OU %s cannot be written in the spec (its name has '/'); it and everything in it are left out", estate.DisplayPath(u.Path))
			continue
		}
		im.units[u.Path] = u
	}
	if len(im.units) == 0 {
		return errors.New("import: the organization has no OUs, and a spec needs at least one")
	}
	return nil
}

var keyCharsRE = regexp.MustCompile(`[^a-z0-9-]+`)

// accountKey derives a spec key from an account name: lower case, runs of
// other characters replaced by '-', and without the "-ORG" suffix the
// naming convention adds, so that an account created by groundwork gets
// back the key it was created with.
func accountKey(name, org string) string {
	k := strings.Trim(keyCharsRE.ReplaceAllString(strings.ToLower(name), "-"), "-")
	for strings.Contains(k, "--") {
		k = strings.ReplaceAll(k, "--", "-")
	}
	if trimmed := strings.TrimSuffix(k, "-"+org); trimmed != "" {
		k = trimmed
	}
	if k == "" {
		k = "account"
	}
	return k
}

// roleHints are the roles recognised in account names; the spec allows
// each on one account.
var roleHints = []estate.Role{estate.RoleLogArchive, estate.RoleSecurityTooling, estate.RoleIdentityCenter}

func (im *importer) importAccounts() {
	im.accounts = map[string]*account{}
	o := im.opts
	names := map[string]string{strings.ToLower(im.mgmt.Name): "the management account"}
	// Accounts named by the convention first, so that each gets back the
	// key it was created with; then by name and e-mail, so that keys are
	// assigned the same way every time.
	conventional := func(a *estate.Account) bool {
		return a.Name == accountKey(a.Name, o.OrgID)+"-"+o.OrgID
	}
	members := im.actual.SortedAccounts()
	sort.SliceStable(members, func(i, j int) bool {
		if ci, cj := conventional(members[i]), conventional(members[j]); ci != cj {
			return ci
		}
		if members[i].Name != members[j].Name {
			return members[i].Name < members[j].Name
		}
		return members[i].Email < members[j].Email
	})
	for _, a := range members {
		if a == im.mgmt {
			continue
		}
		what := fmt.Sprintf("account %s %q (%s)", a.ID, a.Name, a.Email)
		switch {
		case a.Status != "" && a.Status != "ACTIVE":
			im.warnf("%s is %s; it is left out of the spec", what, a.Status)
			continue
		case a.Unit != estate.RootPath && im.units[a.Unit] == nil:
			im.warnf("%s is in %s, which is left out; so is the account", what, estate.DisplayPath(a.Unit))
			continue
		case !spec.IsEmail(a.Email):
			im.warnf("%s has an e-mail address the spec does not accept; it is left out", what)
			continue
		}
		if prev, dup := names[strings.ToLower(a.Name)]; dup {
			im.warnf("%s has the same name as %s, and names in a spec are unique; it is left out", what, prev)
			continue
		}
		names[strings.ToLower(a.Name)] = what
		base := accountKey(a.Name, o.OrgID)
		key := base
		for i := 2; im.accounts[key] != nil; i++ {
			key = fmt.Sprintf("%s-%d", base, i)
		}
		follows := a.Name == key+"-"+o.OrgID && strings.EqualFold(a.Email, "aws-"+key+"-"+o.OrgID+"@"+o.Domain)
		unit := a.Unit
		if unit == estate.RootPath {
			unit = estate.RootTarget // the spec's name for the root
		}
		im.accounts[key] = &account{src: a, spec: spec.Account{Unit: unit, Name: a.Name, Email: a.Email, ExemptFromNaming: !follows, Tags: a.Tags}}
		im.keyByEmail[estate.EmailKey(a.Email)] = key
	}
	for _, role := range roleHints {
		var with []string
		for _, key := range slices.Sorted(maps.Keys(im.accounts)) {
			if strings.Contains(key, string(role)) {
				with = append(with, key)
			}
		}
		if len(with) == 0 {
			continue
		}
		im.accounts[with[0]].spec.Role = string(role)
		if len(with) > 1 {
			im.warnf("accounts %s all look like the %s account; only %s gets role %s (a foundation has one)", strings.Join(with, ", "), role, with[0], role)
		}
	}
}

// Management is the organization's management account.
func (im *Import) Management() *estate.Account { return im.core.mgmt }

// SetManagementContacts sets the management account's own alternate
// contacts the spec writes (organization.management.contacts).
func (im *Import) SetManagementContacts(c *spec.Contacts) { im.core.mgmtContacts = c }

// AccountKeys are the keys of the member accounts the spec declares, in
// sorted order.
func (im *Import) AccountKeys() []string { return slices.Sorted(maps.Keys(im.core.accounts)) }

// Account returns the member account the spec declares under key: as the
// estate has it (src), and as the spec will write it (written), to which a
// section adds the fields of its layer; nil, nil for a key the spec does
// not declare. The core writes the account's unit, role, name, e-mail,
// exemption and tags; a section changes only fields it owns.
func (im *Import) Account(key string) (src *estate.Account, written *spec.Account) {
	a := im.core.accounts[key]
	if a == nil {
		return nil, nil
	}
	return a.src, &a.spec
}

// AccountKey returns the key the spec gives the account of an e-mail key
// (estate.EmailKey), and false when the spec does not declare it.
func (im *Import) AccountKey(emailKey string) (string, bool) {
	key, ok := im.core.keyByEmail[emailKey]
	return key, ok
}

// Target turns a target of the estate (estate.RootTarget, a unit path, an
// account's e-mail key) into the spec's (Root, a unit path, an account
// key), and returns false when the spec does not declare it.
func (im *Import) Target(t string) (string, bool) {
	if t == estate.RootTarget || im.core.units[t] != nil {
		return t, true
	}
	return im.AccountKey(t)
}
