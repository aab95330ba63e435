package estate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// Fingerprint is a digest of everything in the estate a plan depends on.
// Two reads of an unchanged organization give the same fingerprint; any
// change to the organization, its units, accounts or tags changes it.
func (e *Estate) Fingerprint() string {
	h := sha256.New()
	if o := e.Organization; o != nil {
		fmt.Fprintf(h, "org %q %q %q %q\n", o.ID, o.RootID, o.FeatureSet, o.ManagementAccountID)
	}
	for _, u := range e.SortedUnits() {
		fmt.Fprintf(h, "unit %q %q\n", u.Path, u.ID)
		writeTags(h, u.Tags)
	}
	for _, a := range e.SortedAccounts() {
		fmt.Fprintf(h, "account %q %q %q %q %q\n", a.Email, a.ID, a.Name, a.Unit, a.Status)
		writeTags(h, a.Tags)
		for _, ct := range ContactTypes {
			if c, ok := a.Contacts[ct]; ok {
				fmt.Fprintf(h, "  contact %s %q %q %q %q\n", ct, c.Name, c.Title, c.Email, c.Phone)
			}
		}
	}
	if l := e.Org; l != nil {
		fmt.Fprintf(h, "policy types %q\ntrusted %q\n", l.EnabledPolicyTypes, l.TrustedServices)
		for _, p := range l.SortedPolicies() {
			fmt.Fprintf(h, "policy %q %q %q %q %q %q\n", p.Type, p.Name, p.ID, p.Description, p.Content, p.Targets)
		}
		admins := make([]string, 0, len(l.DelegatedAdmins))
		for svc, acct := range l.DelegatedAdmins {
			admins = append(admins, svc+"="+acct)
		}
		sort.Strings(admins)
		fmt.Fprintf(h, "delegated %q\n", admins)
	}
	for _, layer := range []any{e.Monitoring, e.Billing, e.Hardening} {
		fmt.Fprintf(h, "%s\n", sortedJSON(layer))
	}
	if l := e.Logging; l != nil {
		fmt.Fprintf(h, "logging scope %q\n", l.Scope)
		for _, m := range []any{l.Keys, l.Buckets, l.Trails, l.LogGroups, l.Roles, l.Recorders, l.Aggregators, l.Rules} {
			fmt.Fprintf(h, "%s\n", sortedJSON(m))
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func writeTags(w io.Writer, tags map[string]string) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  tag %q=%q\n", k, tags[k])
	}
}

// sortedJSON renders a map of resources; encoding/json sorts map keys.
func sortedJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(err.Error())
	}
	return b
}
