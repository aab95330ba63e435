package spec

import (
	"encoding/json"
	"fmt"
	"sort"
)

// DefaultTagPolicyName is the name of the tag policy groundwork generates.
const DefaultTagPolicyName = "groundwork-tagging"

// tagPolicyDocument renders the tagging dictionary as an AWS Organizations
// tag policy: for every dictionary key, its exact case (tag_key), its
// allowed values when the dictionary lists them (tag_value) and the
// resource types for which non-compliant operations are refused
// (enforced_for). encoding/json sorts map keys, so the document is stable.
func (f *Foundation) tagPolicyDocument() (string, error) {
	type assign struct {
		Assign any `json:"@@assign"`
	}
	type tagRule struct {
		TagKey      assign  `json:"tag_key"`
		TagValue    *assign `json:"tag_value,omitempty"`
		EnforcedFor *assign `json:"enforced_for,omitempty"`
	}
	keys := append([]string(nil), f.Tagging.Required...)
	for k := range f.Tagging.Values {
		if !contains(keys, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	tags := map[string]tagRule{}
	for _, k := range keys {
		r := tagRule{TagKey: assign{k}}
		if vals := f.Tagging.Values[k]; len(vals) > 0 {
			r.TagValue = &assign{vals}
		}
		if tp := f.Tagging.Policy; tp != nil && len(tp.EnforcedFor) > 0 {
			r.EnforcedFor = &assign{tp.EnforcedFor}
		}
		tags[k] = r
	}
	b, err := json.Marshal(map[string]any{"tags": tags})
	if err != nil {
		return "", fmt.Errorf("render tag policy: %w", err)
	}
	return string(b), nil
}

// tagPolicyEnabled reports whether the spec asks for a tag policy: unless
// disabled, whenever the dictionary has keys.
func (f *Foundation) tagPolicyEnabled() bool {
	return (f.Tagging.Policy == nil || !f.Tagging.Policy.Disabled) && len(f.Tagging.Required)+len(f.Tagging.Values) > 0
}
