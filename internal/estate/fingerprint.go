package estate

import (
	"crypto/sha256"
	"encoding/hex"
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
