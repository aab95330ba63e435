package importer

import (
	"regexp"
	"sort"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// target turns a policy target of the estate (Root, a unit path, an
// account's e-mail key) into the spec's (Root, a unit path, an account
// key).
func (im *importer) target(t string) (string, bool) {
	if t == estate.RootTarget || im.units[t] != nil {
		return t, true
	}
	key, ok := im.keyByEmail[t]
	return key, ok
}

// targets converts a policy's targets, warning about those the spec cannot
// name.
func (im *importer) targets(what string, ts []string) []string {
	out := []string{}
	for _, t := range ts {
		st, ok := im.target(t)
		if !ok {
			im.warnf("%s is attached to %s, which the spec does not declare; plan will propose detaching it", what, t)
			continue
		}
		out = append(out, st)
	}
	sort.Strings(out)
	return out
}

// servicePrincipalRE is the service principal shape the spec accepts.
var servicePrincipalRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$`)

func (im *importer) importServices() {
	l := im.actual.Org
	trusted := map[string]bool{}
	im.trusted = []string{}
	for _, svc := range l.TrustedServices {
		if !servicePrincipalRE.MatchString(svc) {
			im.warnf("trusted access for %s cannot be written in the spec; groundwork leaves it on", svc)
			continue
		}
		trusted[svc] = true
		im.trusted = append(im.trusted, svc)
	}
	sort.Strings(im.trusted)
	im.delegated = map[string]string{}
	for _, svc := range sortedKeys(l.DelegatedAdmins) {
		email := l.DelegatedAdmins[svc]
		key, ok := im.keyByEmail[email]
		switch {
		case !ok:
			im.warnf("%s is delegated to %s, which the spec does not declare; the delegation is left out and groundwork leaves it", svc, email)
		case !trusted[svc]:
			im.warnf("%s is delegated to %s without trusted access, which the spec requires; the delegation is left out and groundwork leaves it", svc, key)
		default:
			im.delegated[svc] = key
		}
	}
}
