package estate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
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
	// Every layer, whatever it is: a layer added to Estate is covered
	// without anyone remembering to add it here. Layers are pointers to
	// structs of maps and sorted slices, whose JSON is deterministic.
	v := reflect.ValueOf(e).Elem()
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.Type.Kind() == reflect.Pointer && f.Name != "Organization" {
			fmt.Fprintf(h, "%s %s\n", f.Name, sortedJSON(v.Field(i).Interface()))
		}
	}
	fmt.Fprintf(h, "extra %s\n", sortedJSON(e.Extra))
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
