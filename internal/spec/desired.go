package spec

import (
	"maps"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Desired turns a loaded spec into the estate it asks for: the core
// (organization, units, accounts), then each registered section's part, in
// Sections order. IDs are empty: a desired estate says what should exist,
// not what AWS called it.
func (f *Foundation) Desired() *estate.Estate {
	e := estate.New()
	e.HomeRegion = f.Organization.HomeRegion
	e.EmailDomain = f.Organization.EmailDomain
	e.Regions = append([]string(nil), f.Organization.Regions...)
	e.Organization = &estate.Organization{
		FeatureSet:             "ALL",
		ManagementAccountEmail: f.Organization.Management.Email,
		ManagementAccountName:  f.Organization.Management.Name,
	}
	walkUnits(f.Units, "", func(path string, u *Unit) {
		e.Units[path] = &estate.Unit{Path: path, Tags: maps.Clone(u.Tags), Guardrails: u.Guardrails != "none"}
	})
	for key, a := range f.Accounts {
		e.Accounts[estate.EmailKey(a.Email)] = &estate.Account{
			Key:         key,
			Name:        a.Name,
			Email:       a.Email,
			Unit:        a.UnitPath(),
			Tags:        maps.Clone(a.Tags),
			Role:        estate.Role(a.Role),
			Environment: a.Environment,
		}
	}
	for _, st := range Sections() {
		f.Section(st.Key).Desired(f, e)
	}
	return e
}
