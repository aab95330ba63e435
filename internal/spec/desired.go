package spec

import (
	"maps"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Desired turns a loaded spec into the estate it asks for. IDs are empty:
// a desired estate says what should exist, not what AWS called it.
func (f *Foundation) Desired() *estate.Estate {
	e := estate.New()
	e.HomeRegion = f.Organization.HomeRegion
	e.Regions = append([]string(nil), f.Organization.Regions...)
	e.Organization = &estate.Organization{
		FeatureSet:             "ALL",
		ManagementAccountEmail: f.Organization.Management.Email,
	}
	walkUnits(f.Units, "", func(path string, u *Unit) {
		e.Units[path] = &estate.Unit{Path: path, Tags: maps.Clone(u.Tags), Guardrails: u.Guardrails != "none"}
	})
	for key, a := range f.Accounts {
		e.Accounts[estate.EmailKey(a.Email)] = &estate.Account{
			Key:         key,
			Name:        a.Name,
			Email:       a.Email,
			Unit:        a.Unit,
			Tags:        maps.Clone(a.Tags),
			Role:        estate.Role(a.Role),
			Environment: a.Environment,
			Contacts:    f.resolveContacts(a.Name, a.Contacts),
		}
	}
	e.Org = f.desiredOrgLayer()
	e.Logging = f.desiredLogging()
	e.Monitoring = f.desiredMonitoring()
	e.Billing = f.desiredBilling()
	e.Hardening = f.desiredHardening()
	for _, st := range Sections() {
		f.Section(st.Key).Desired(f, e)
	}
	return e
}

// desiredOrgLayer builds the organization layer the spec asks for.
func (f *Foundation) desiredOrgLayer() *estate.OrgLayer {
	l := estate.NewOrgLayer()
	target := func(t string) string {
		if a, ok := f.Accounts[t]; ok {
			return estate.EmailKey(a.Email)
		}
		return t
	}
	targets := func(ts []string) []string {
		out := make([]string, 0, len(ts))
		for _, t := range ts {
			out = append(out, target(t))
		}
		sort.Strings(out)
		return out
	}
	for name, s := range f.Policies.SCPs {
		source := s.File
		if source == "" {
			source = "library:" + strings.Join(s.Library, ",")
		}
		l.Policies[estate.PolicyKey(estate.PolicyTypeSCP, name)] = &estate.Policy{
			Name: name, Type: estate.PolicyTypeSCP, Description: s.Description,
			Content: s.Content, Targets: targets(s.Attach), Source: source,
		}
	}
	if len(f.Policies.SCPs) > 0 {
		l.EnabledPolicyTypes = append(l.EnabledPolicyTypes, estate.PolicyTypeSCP)
	}
	if tp := f.Tagging.Policy; tp != nil && !tp.Disabled && f.tagPolicyEnabled() {
		content, err := f.tagPolicyDocument()
		if err == nil {
			l.Policies[estate.PolicyKey(estate.PolicyTypeTag, tp.Name)] = &estate.Policy{
				Name: tp.Name, Type: estate.PolicyTypeTag, Description: "Tagging dictionary: key case and allowed values",
				Content: content, Targets: targets(tp.Attach), Source: "tagging",
			}
			l.EnabledPolicyTypes = append(l.EnabledPolicyTypes, estate.PolicyTypeTag)
		}
	}
	sort.Strings(l.EnabledPolicyTypes)
	l.TrustedServices = append([]string(nil), f.Services.TrustedAccess...)
	sort.Strings(l.TrustedServices)
	for svc, key := range f.Services.DelegatedAdmins {
		l.DelegatedAdmins[svc] = target(key)
	}
	l.ManagementContacts = f.resolveContacts(f.Organization.Management.Name, nil)
	return l
}
