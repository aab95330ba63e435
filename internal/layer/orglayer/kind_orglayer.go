package orglayer

import (
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// orgLayers returns the organization layers of both estates, empty ones
// where an estate has none. ok is false when the desired estate does not
// manage the layer at all.
func orgLayers(desired, actual *estate.Estate) (d, a *estate.OrgLayer, ok bool) {
	if desired.Org == nil {
		return nil, nil, false
	}
	a = actual.Org
	if a == nil {
		a = estate.NewOrgLayer()
	}
	return desired.Org, a, true
}

// orgDeps are the dependencies of a change that needs the organization to
// exist.
func orgDeps(actual *estate.Estate) []string {
	if actual.Organization == nil {
		return []string{kinds.OrganizationAddress}
	}
	return nil
}

// targetDep is the change a policy target waits for when the plan creates
// it.
func targetDep(target string, actual *estate.Estate) string {
	switch {
	case target == estate.RootTarget:
		return ""
	case kinds.IsAccountTarget(target):
		if _, ok := actual.Accounts[target]; !ok {
			return kinds.AccountAddress(target)
		}
	default:
		if _, ok := actual.Units[target]; !ok {
			return kinds.UnitAddress(target)
		}
	}
	return ""
}
