package policy

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// Tag policy grammar (AWS Organizations User Guide, "Tag policy syntax and
// examples" and "Inheritance operators"):
//
//	{"tags": {"costcenter": {
//	    "tag_key":      {"@@assign": "CostCenter"},
//	    "tag_value":    {"@@assign": ["100", "200"]},
//	    "enforced_for": {"@@assign": ["secretsmanager:*"]}}}}
//
// The policy key names the tag case-insensitively; tag_key fixes its case.
// Value operators are @@assign, @@append and @@remove, each with a list;
// @@operators_allowed_for_child_policies may appear at any level.
var (
	tagElements  = []string{"tag_key", "tag_value", "enforced_for", "report_required_tag_for"}
	childControl = "@@operators_allowed_for_child_policies"
	childOps     = []string{"@@all", "@@none", "@@assign", "@@append", "@@remove"}
	listOps      = []string{"@@assign", "@@append", "@@remove"}
)

const (
	maxTagKeyLength   = 128
	maxTagValueLength = 256
)

func lintTagPolicy(c *collector, src []byte) {
	for _, d := range findDuplicateKeys(src) {
		c.add(-1, "", strings.Join(append(d.path, d.key), "."),
			"key %q appears more than once in the same object; JSON parsers keep only the last", d.key)
	}
	top, ok := object(src)
	if !ok {
		c.add(-1, "", "", `a tag policy must be a JSON object with a "tags" key`)
		return
	}
	for _, k := range slices.Sorted(maps.Keys(top)) {
		if k != "tags" {
			c.add(-1, "", k, `unknown top-level key%s; a tag policy has only "tags"`, suggest(k, []string{"tags"}))
		}
	}
	tagsRaw, ok := top["tags"]
	if !ok {
		c.add(-1, "", "tags", "missing; a tag policy starts with a tags object")
		return
	}
	tags, ok := object(tagsRaw)
	if !ok {
		c.add(-1, "", "tags", "must be an object mapping policy keys to tag rules")
		return
	}
	if len(tags) == 0 {
		c.add(-1, "", "tags", "empty; name at least one tag key")
	}
	for _, policyKey := range slices.Sorted(maps.Keys(tags)) {
		lintTagRule(c, policyKey, tags[policyKey])
	}
}

func lintTagRule(c *collector, policyKey string, v json.RawMessage) {
	path := "tags." + policyKey
	rule, ok := object(v)
	if !ok {
		c.add(-1, "", path, "must be an object with tag_key, tag_value and enforced_for")
		return
	}
	if len(policyKey) > maxTagKeyLength {
		c.add(-1, "", path, "a tag key has at most %d characters", maxTagKeyLength)
	}
	for _, k := range slices.Sorted(maps.Keys(rule)) {
		switch {
		case k == childControl:
			lintChildControl(c, path+"."+k, rule[k])
		case !slices.Contains(tagElements, k):
			c.add(-1, "", path+"."+k, "unknown element%s; a tag rule has %s", suggest(k, tagElements), strings.Join(tagElements, ", "))
		case k == "tag_key":
			lintTagKey(c, policyKey, path+".tag_key", rule[k])
		default:
			lintTagList(c, k, path+"."+k, rule[k])
		}
	}
}

func lintTagKey(c *collector, policyKey, path string, v json.RawMessage) {
	ops, ok := object(v)
	if !ok {
		c.add(-1, "", path, `must be an object like {"@@assign": "CostCenter"}`)
		return
	}
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		switch op {
		case childControl:
			lintChildControl(c, path+"."+op, ops[op])
		case "@@assign":
			var key string
			if firstByte(ops[op]) != '"' || json.Unmarshal(ops[op], &key) != nil {
				c.add(-1, "", path+".@@assign", "must be a string: the tag key with the case resources must use")
				continue
			}
			if !strings.EqualFold(key, policyKey) {
				c.add(-1, "", path+".@@assign", "%q must be the policy key %q in the case resources must use", key, policyKey)
			}
		default:
			c.add(-1, "", path+"."+op, "tag_key takes only @@assign (and %s)", childControl)
		}
	}
}

func lintTagList(c *collector, element, path string, v json.RawMessage) {
	ops, ok := object(v)
	if !ok {
		c.add(-1, "", path, `must be an object like {"@@assign": ["..."]}`)
		return
	}
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		if op == childControl {
			lintChildControl(c, path+"."+op, ops[op])
			continue
		}
		if !slices.Contains(listOps, op) {
			c.add(-1, "", path+"."+op, "unknown operator; use @@assign, @@append or @@remove")
			continue
		}
		var items []string
		if firstByte(ops[op]) != '[' || json.Unmarshal(ops[op], &items) != nil {
			c.add(-1, "", path+"."+op, "must be a list of strings")
			continue
		}
		for _, it := range items {
			switch {
			case element == "tag_value" && len(it) > maxTagValueLength:
				c.add(-1, "", path+"."+op, "%q: a tag value has at most %d characters", it, maxTagValueLength)
			case element != "tag_value" && !strings.Contains(it, ":"):
				c.add(-1, "", path+"."+op, "%q is not a resource type: expected service:type, like ec2:instance or s3:bucket", it)
			}
		}
	}
}

func lintChildControl(c *collector, path string, v json.RawMessage) {
	var items []string
	if firstByte(v) != '[' || json.Unmarshal(v, &items) != nil {
		c.add(-1, "", path, "must be a list of operators")
		return
	}
	for _, it := range items {
		if !slices.Contains(childOps, it) {
			c.add(-1, "", path, "%q is not an operator; use %s", it, strings.Join(childOps, ", "))
		}
	}
}

// object decodes a JSON object, reporting false for anything else.
func object(v json.RawMessage) (map[string]json.RawMessage, bool) {
	if firstByte(v) != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(v, &m) != nil {
		return nil, false
	}
	return m, true
}
