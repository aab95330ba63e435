package orglayer

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// tagging is the tagging section as the spec will write it for a tag
// policy the import recovers.
type tagging struct {
	name        string
	required    []string
	values      map[string][]string
	enforcedFor []string
	attach      []string
}

// spec is the tagging section with the tag policy attached to attach.
func (t *tagging) spec(attach []string) *spec.Tagging {
	p := &spec.TagPolicy{Name: t.name, Attach: attach}
	if len(t.enforcedFor) > 0 {
		p.EnforcedFor = t.enforcedFor
	}
	return &spec.Tagging{Required: t.required, Values: t.values, Policy: p}
}

// importTagPolicy recovers the organization's tag policy, when the spec
// would generate exactly it from a tagging dictionary, and sets the core's
// tagging section to that dictionary (importer.Import.SetTagging); the
// spec holds one tag policy, and the others are left out with a warning.
func importTagPolicy(im *importer.Import) {
	var found *tagging
	for _, p := range im.Actual().Org.SortedPolicies() {
		if p.Type != estate.PolicyTypeTag || p.AWSManaged {
			continue
		}
		if found != nil {
			im.Warnf("tag policy %s is not expressible: the spec holds one tag policy (%s); kept out of the spec: %s", p.Name, found.name, leftOutFate(p, "deleting"))
			continue
		}
		t, why := parseTagPolicy(p)
		if t != nil {
			ok, err := reproduces(im, t, p)
			if err != nil {
				why = err.Error()
			} else if !ok {
				why = "the spec's generated policy differs from it"
				if p.Description != "" {
					why += " (the spec cannot set a tag policy's description)"
				}
			} else {
				t.attach = importTargets(im, "tag policy "+p.Name, p)
				found = t
				continue
			}
		}
		im.Warnf("tag policy %s is not expressible (%s); kept out of the spec: %s", p.Name, why, leftOutFate(p, "deleting"))
	}
	if found != nil {
		im.SetTagging(found.spec(found.attach))
	}
}

// reproduces reports whether the spec would generate exactly p from t.
func reproduces(im *importer.Import, t *tagging, p *estate.Policy) (bool, error) {
	f, err := im.ProbeBare(t.spec([]string{}), nil)
	if err != nil {
		return false, fmt.Errorf("the spec refuses its dictionary: %v", err)
	}
	d := f.Desired().Org.Policies[estate.PolicyKey(estate.PolicyTypeTag, p.Name)]
	return d != nil && d.Description == p.Description && kinds.PrettyJSON(d.Content) == kinds.PrettyJSON(p.Content), nil
}

// parseTagPolicy reads a tag policy in the form the spec generates:
// {"tags": {K: {"tag_key": {"@@assign": K}, "tag_value": {"@@assign": [...]},
// "enforced_for": {"@@assign": [...]}}}} with one enforced_for for all
// keys. It returns nil and the reason for anything else.
func parseTagPolicy(p *estate.Policy) (*tagging, string) {
	var doc map[string]map[string]map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(p.Content), &doc); err != nil || len(doc) != 1 || doc["tags"] == nil {
		return nil, `it is not a plain {"tags": {...}} document`
	}
	t := &tagging{name: p.Name, values: map[string][]string{}}
	first := true
	for _, key := range slices.Sorted(maps.Keys(doc["tags"])) {
		rule := doc["tags"][key]
		for elem, ops := range rule {
			if len(ops) != 1 || ops["@@assign"] == nil {
				return nil, fmt.Sprintf("%s.%s uses operators other than @@assign", key, elem)
			}
		}
		var tagKey string
		if err := json.Unmarshal(rule["tag_key"]["@@assign"], &tagKey); err != nil || tagKey != key {
			return nil, fmt.Sprintf("the tag_key of %s is not %q", key, key)
		}
		var values, enforced []string
		for elem, ops := range rule {
			var err error
			switch elem {
			case "tag_key":
			case "tag_value":
				err = json.Unmarshal(ops["@@assign"], &values)
			case "enforced_for":
				err = json.Unmarshal(ops["@@assign"], &enforced)
			default:
				return nil, fmt.Sprintf("%s has %s, which the spec does not generate", key, elem)
			}
			if err != nil {
				return nil, fmt.Sprintf("%s.%s is not a list of strings", key, elem)
			}
		}
		if !first && !slices.Equal(enforced, t.enforcedFor) {
			return nil, "its keys are enforced for different resource types"
		}
		first = false
		t.enforcedFor = enforced
		t.required = append(t.required, key)
		if values != nil {
			t.values[key] = values
		}
	}
	if len(t.required) == 0 {
		return nil, "it names no tag keys"
	}
	return t, ""
}
