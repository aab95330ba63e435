package importer

import (
	"maps"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// disabledTagging is the tagging section without a tag policy. values is
// written empty so that the default dictionary does not restrict the tags
// the import writes.
func disabledTagging() *spec.Tagging {
	return &spec.Tagging{Values: map[string][]string{}, Policy: &spec.TagPolicy{Disabled: true}}
}

// SetTagging sets the tagging section the import writes: the dictionary
// of the organization's tag policy, and the policy itself (t.Policy, which
// must be set). Without it, the import writes a dictionary that restricts
// nothing, without a tag policy. The tags of units and accounts that the
// dictionary does not allow are left out, with a warning each: the spec
// refuses them, and a tag the spec does not mention is one groundwork
// leaves alone.
func (im *Import) SetTagging(t *spec.Tagging) {
	c := im.core
	c.tagging = t
	if len(t.Values) == 0 {
		return
	}
	filter := func(what string, tags map[string]string) map[string]string {
		out := map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			if allowed, ok := t.Values[k]; ok && len(allowed) > 0 && !slices.Contains(allowed, tags[k]) {
				c.warnf("%s has tag %s=%q, which tag policy %s does not allow; the tag is left out of the spec and groundwork leaves it", what, k, tags[k], t.Policy.Name)
				continue
			}
			out[k] = tags[k]
		}
		return out
	}
	for _, path := range slices.Sorted(maps.Keys(c.units)) {
		u := c.units[path]
		if len(u.Tags) > 0 {
			clone := *u
			clone.Tags = filter("OU "+estate.DisplayPath(path), u.Tags)
			c.units[path] = &clone
		}
	}
	for _, key := range slices.Sorted(maps.Keys(c.accounts)) {
		a := c.accounts[key]
		a.spec.Tags = filter("account "+key, a.spec.Tags)
	}
}
