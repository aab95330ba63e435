package importer

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// tagging is the tagging section as the spec will write it. nil means the
// tag policy is disabled.
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

// disabledTagging is the tagging section without a tag policy. values is
// written empty so that the default dictionary does not restrict the tags
// the import writes.
func disabledTagging() *spec.Tagging {
	return &spec.Tagging{Values: map[string][]string{}, Policy: &spec.TagPolicy{Disabled: true}}
}

func (im *importer) importTagPolicy() {
	for _, p := range im.actual.Org.SortedPolicies() {
		if p.Type != estate.PolicyTypeTag || p.AWSManaged {
			continue
		}
		if im.tagging != nil {
			im.warnf("tag policy %s is not expressible: the spec holds one tag policy (%s); kept out of the spec, so plan will propose deleting it (held unless --allow-delete)", p.Name, im.tagging.name)
			continue
		}
		t, why := parseTagPolicy(p)
		if t != nil {
			ok, err := im.reproduces(t, p)
			if err != nil {
				why = err.Error()
			} else if !ok {
				why = "the spec's generated policy differs from it"
				if p.Description != "" {
					why += " (the spec cannot set a tag policy's description)"
				}
			} else {
				t.attach = im.targets("tag policy "+p.Name, p.Targets)
				im.tagging = t
				continue
			}
		}
		im.warnf("tag policy %s is not expressible (%s); kept out of the spec, so plan will propose deleting it (held unless --allow-delete)", p.Name, why)
	}
}

// reproduces reports whether the spec would generate exactly p from t.
func (im *importer) reproduces(t *tagging, p *estate.Policy) (bool, error) {
	f, err := im.probe(nil, t.spec([]string{}), nil)
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
	for _, key := range sortedKeys(doc["tags"]) {
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

// dropDisallowedTags leaves out the tags the recovered tag policy does not
// allow: the spec refuses them, and a tag the spec does not mention is one
// groundwork leaves alone.
func (im *importer) dropDisallowedTags() {
	if im.tagging == nil || len(im.tagging.values) == 0 {
		return
	}
	filter := func(what string, tags map[string]string) map[string]string {
		out := map[string]string{}
		for _, k := range sortedKeys(tags) {
			if allowed, ok := im.tagging.values[k]; ok && len(allowed) > 0 && !contains(allowed, tags[k]) {
				im.warnf("%s has tag %s=%q, which tag policy %s does not allow; the tag is left out of the spec and groundwork leaves it", what, k, tags[k], im.tagging.name)
				continue
			}
			out[k] = tags[k]
		}
		return out
	}
	for _, path := range sortedKeys(im.units) {
		u := im.units[path]
		if len(u.Tags) > 0 {
			clone := *u
			clone.Tags = filter("OU "+estate.DisplayPath(path), u.Tags)
			im.units[path] = &clone
		}
	}
	for _, key := range sortedKeys(im.accounts) {
		a := im.accounts[key]
		a.tags = filter("account "+key, a.tags)
	}
}
