package orglayer

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/policy"
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

// importTagPolicies recovers the organization's tag policy, when the spec
// would generate exactly it from a tagging dictionary, and sets the core's
// tagging section to that dictionary (importer.Import.SetTagging); every
// other tag policy is written as a file beside the spec, under
// policies.tag_policies, unless the spec would refuse it (then it is left
// out with a warning).
func (im *policiesImport) importTagPolicies() {
	var found *tagging
	var others []*estate.Policy
	for _, p := range im.Actual().Org.SortedPolicies() {
		if p.Type != estate.PolicyTypeTag || p.AWSManaged {
			continue
		}
		if found != nil {
			others = append(others, p)
			continue
		}
		t, _ := parseTagPolicy(p)
		if t != nil {
			if ok, err := reproduces(im.Import, t, p); err == nil && ok {
				t.attach = importTargets(im.Import, "tag policy "+p.Name, p)
				found = t
				continue
			}
		}
		others = append(others, p)
	}
	if found != nil {
		im.SetTagging(found.spec(found.attach))
	}
	files := map[string]bool{}
	dir := path.Join(filepath.ToSlash(im.Options().PolicyDir), "tag-policies")
	for _, p := range others {
		what := "tag policy " + p.Name
		content := prettyDocument(p.Content)
		if problems := policy.Lint("", content, policy.TagPolicy); len(problems) > 0 {
			warnRefused(im.Import, what, problems, p)
			continue
		}
		base := fileName(p.Name)
		file := path.Join(dir, base+".json")
		for i := 2; files[file]; i++ {
			file = path.Join(dir, fmt.Sprintf("%s-%d.json", base, i))
		}
		files[file] = true
		im.tagPolicies = append(im.tagPolicies, &importedSCP{name: p.Name, description: p.Description,
			file: file, content: content, attach: importTargets(im.Import, what, p)})
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
