package report

import (
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// SpecLocation is where foundation.yaml declares something: the field
// path, and the position of its key (1-based).
type SpecLocation struct {
	// Path is the field path: "accounts.log-archive", "units.Workloads".
	Path         string
	Line, Column int
}

// Locator says where the spec declares what a finding of check c is
// about; ok is false when the spec declares nothing the finding concerns.
// It must be pure: writers call it once per finding.
type Locator func(f audit.Finding, c audit.Check) (loc SpecLocation, ok bool)

// SpecLocator locates findings in the spec f, over the actual estate e
// that estate.Annotate has given the spec's account keys. A finding is
// placed, in this order of preference, at:
//
//   - the account it names ("account/<id> (name)"): its key under
//     accounts, or organization.management for the management account;
//   - the OU it names ("ou/Root/Workloads/Prod"): units.Workloads.units.Prod;
//   - within the spec section of a layer the check reads (Check.Reads:
//     "logging", or "organization/policies" for the policies section), the
//     key named like the resource ("policy/p-1a2b (groundwork-baseline)"
//     at policies.scps.groundwork-baseline), else the section itself;
//   - the organization section, for a finding on the organization.
//
// Only what the file writes has a position: a section left to its
// defaults, or an account the spec does not declare, locates nothing,
// and the finding keeps only its place in AWS.
func SpecLocator(f *spec.Foundation, e *estate.Estate) Locator {
	sections := map[string]bool{}
	for _, t := range spec.Sections() {
		sections[t.Key] = true
	}
	at := func(path string) (SpecLocation, bool) {
		p := f.KeyPos(path)
		if p.Line == 0 {
			return SpecLocation{}, false
		}
		return SpecLocation{Path: path, Line: p.Line, Column: p.Column}, true
	}
	return func(fd audit.Finding, c audit.Check) (SpecLocation, bool) {
		kind, name, _ := strings.Cut(fd.Resource, "/")
		switch kind {
		case "account":
			if loc, ok := at(accountPath(f, e, fd.Account, name)); ok {
				return loc, true
			}
		case "ou", "unit":
			if loc, ok := at(unitPath(kind, name)); ok {
				return loc, true
			}
		}
		for _, key := range sectionsRead(c, sections) {
			if _, ok := at(key); !ok {
				continue
			}
			for _, n := range resourceNames(fd.Resource) {
				for _, p := range f.KeyPaths(key) {
					if strings.HasSuffix(p, "."+n) {
						return at(p)
					}
				}
			}
			return at(key)
		}
		if kind == "organization" || fd.Resource == "organization" {
			return at("organization")
		}
		return SpecLocation{}, false
	}
}

// accountPath is the field path that declares the account with ID id, or
// else the one named by the rest of its resource name ("<id> (name)", or a
// key for an account the estate does not know); "" for none.
func accountPath(f *spec.Foundation, e *estate.Estate, id, rest string) string {
	token, _, _ := strings.Cut(rest, " ")
	if id == "" {
		id = token
	}
	if a := e.AccountByID(id); a != nil {
		switch {
		case a.Key != "":
			return "accounts." + a.Key
		case e.IsManagement(a):
			return "organization.management"
		}
		return ""
	}
	if token == estate.ManagementKey {
		return "organization.management"
	}
	if _, ok := f.Accounts[token]; ok {
		return "accounts." + token
	}
	return ""
}

// unitPath is the field path of an OU: by its display path in a finding
// ("ou/Root/Workloads/Prod"), or by its path in a plan's address
// ("unit/Workloads/Prod"), units.Workloads.units.Prod; the root has none.
func unitPath(kind, name string) string {
	name, _, _ = strings.Cut(name, " ")
	if kind == "ou" {
		rest, ok := strings.CutPrefix(name, "Root/")
		if !ok {
			return ""
		}
		name = rest
	}
	if name == "" {
		return ""
	}
	return "units." + strings.ReplaceAll(name, "/", ".units.")
}

// sectionsRead returns the spec sections a check reads, most specific
// first: of "organization/policies", the policies section; of "logging",
// the logging section. A core key such as organization is no layer's
// section and is never returned.
func sectionsRead(c audit.Check, sections map[string]bool) []string {
	var out []string
	for _, r := range c.Reads {
		parts := strings.Split(r, "/")
		for i := len(parts) - 1; i >= 0; i-- {
			if sections[parts[i]] {
				out = append(out, parts[i])
				break
			}
		}
	}
	return out
}

// resourceNames are the names a resource may be declared under in the
// spec: of "policy/p-1a2b (groundwork-baseline)", groundwork-baseline and
// p-1a2b; of "trail/123456789012/eu-west-1/org-trail", org-trail. A
// label that says where the resource is ("management eu-west-1") is no
// name.
func resourceNames(resource string) []string {
	_, rest, ok := strings.Cut(resource, "/")
	if !ok {
		return nil
	}
	base, label, _ := strings.Cut(rest, " (")
	label = strings.TrimSuffix(label, ")")
	var out []string
	if label != "" && !strings.ContainsAny(label, " /") {
		out = append(out, label)
	}
	if i := strings.LastIndex(base, "/"); i >= 0 {
		base = base[i+1:]
	}
	if base != "" && !strings.ContainsAny(base, " *") {
		out = append(out, base)
	}
	return out
}
