package kinds

import (
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/plan"
)

// DifferingAttrs lists the fields whose values differ between before and
// after, in the order of fields.
func DifferingAttrs(before, after plan.Attrs, fields []string) []string {
	var out []string
	for _, f := range fields {
		if before[f] != after[f] {
			out = append(out, f)
		}
	}
	return out
}

// SortedAttrKeys lists the keys of a that start with prefix, sorted.
func SortedAttrKeys(a plan.Attrs, prefix string) []string {
	var keys []string
	for k := range a {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
