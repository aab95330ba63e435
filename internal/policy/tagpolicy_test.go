package policy

import (
	"strings"
	"testing"
)

func TestLintTagPolicy(t *testing.T) {
	tests := map[string]struct {
		src    string
		field  string
		phrase string
	}{
		"invalid JSON":       {`{"tags": }`, "", "invalid JSON at line 1, column 10"},
		"not an object":      {`["tags"]`, "", `a JSON object with a "tags" key`},
		"missing tags":       {`{"Tags": {}}`, "tags", "missing"},
		"unknown top key":    {`{"tags": {"a": {}}, "Tags": {}}`, "Tags", "unknown top-level key"},
		"tags not object":    {`{"tags": []}`, "tags", "must be an object"},
		"tags empty":         {`{"tags": {}}`, "tags", "empty"},
		"rule not object":    {`{"tags": {"owner": "x"}}`, "tags.owner", "must be an object"},
		"unknown element":    {`{"tags": {"owner": {"tag_values": {}}}}`, "tags.owner.tag_values", `unknown element (did you mean "tag_value"?`},
		"tag_key mismatch":   {`{"tags": {"owner": {"tag_key": {"@@assign": "CostCenter"}}}}`, "tags.owner.tag_key.@@assign", `"CostCenter" must be the policy key "owner"`},
		"tag_key not string": {`{"tags": {"owner": {"tag_key": {"@@assign": ["Owner"]}}}}`, "tags.owner.tag_key.@@assign", "must be a string"},
		"tag_key operator":   {`{"tags": {"owner": {"tag_key": {"@@append": "Owner"}}}}`, "tags.owner.tag_key.@@append", "takes only @@assign"},
		"tag_value not list": {`{"tags": {"owner": {"tag_value": {"@@assign": "a"}}}}`, "tags.owner.tag_value.@@assign", "must be a list of strings"},
		"tag_value operator": {`{"tags": {"owner": {"tag_value": {"@@set": ["a"]}}}}`, "tags.owner.tag_value.@@set", "unknown operator"},
		"tag_value too long": {`{"tags": {"owner": {"tag_value": {"@@assign": ["` + strings.Repeat("v", 257) + `"]}}}}`, "tags.owner.tag_value.@@assign", "at most 256 characters"},
		"enforced_for type":  {`{"tags": {"owner": {"enforced_for": {"@@assign": ["instance"]}}}}`, "tags.owner.enforced_for.@@assign", `"instance" is not a resource type`},
		"child operators":    {`{"tags": {"owner": {"tag_value": {"@@operators_allowed_for_child_policies": ["@@everything"], "@@assign": ["a"]}}}}`, "tags.owner.tag_value.@@operators_allowed_for_child_policies", `"@@everything" is not an operator`},
		"duplicate key":      {`{"tags": {"owner": {"tag_value": {"@@assign": ["a"]}, "tag_value": {"@@assign": ["b"]}}}}`, "tags.owner.tag_value", "appears more than once"},
		"too big": {`{"tags": {"owner": {"tag_value": {"@@assign": [` + strings.Repeat(`"value-of-some-length",`, 500) + `"x"]}}}}`, "",
			"a tag policy may have at most 10,000"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			problems := Lint("tags.json", []byte(tt.src), TagPolicy)
			for _, p := range problems {
				if p.Statement == -1 && p.Field == tt.field && strings.Contains(p.Message, tt.phrase) {
					return
				}
			}
			t.Errorf("no problem at field %q containing %q; got:\n%s", tt.field, tt.phrase, list(problems))
		})
	}
}

func TestLintTagPolicyAcceptsInheritanceOperators(t *testing.T) {
	src := `{"tags": {
		"costcenter": {
			"tag_key": {"@@assign": "CostCenter", "@@operators_allowed_for_child_policies": ["@@none"]},
			"tag_value": {"@@append": ["300"], "@@remove": ["100"], "@@operators_allowed_for_child_policies": ["@@append"]},
			"enforced_for": {"@@assign": ["ec2:instance", "secretsmanager:ALL_SUPPORTED"]}
		},
		"Environment": {"tag_key": {"@@assign": "Environment"}, "tag_value": {"@@assign": ["Prod", "Dev*"]}}
	}}`
	if problems := Lint("tags.json", []byte(src), TagPolicy); len(problems) != 0 {
		t.Errorf("Lint = %v", problems)
	}
}
