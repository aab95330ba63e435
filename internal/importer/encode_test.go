package importer

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/spec"
)

// Types shaped like the layers' sections of the spec, for the rules
// Encode follows with them.
type (
	trailSpec struct {
		Name             string `yaml:"name"`
		Account          string `yaml:"account"`
		LogRetentionDays int    `yaml:"log_retention_days"`
	}
	bucketsSpec struct {
		RetentionDays *int `yaml:"retention_days"`
	}
	configSpec struct {
		Rules             []string `yaml:"rules"`
		OrganizationRules bool     `yaml:"organization_rules"`
	}
	trailsSection struct {
		Trail   trailSpec   `yaml:"trail"`
		Buckets bucketsSpec `yaml:"buckets"`
		Config  configSpec  `yaml:"config"`
	}
	budgetSpec struct {
		MonthlyUSD int `yaml:"monthly_usd"`
	}
	reportSpec struct {
		Name    string `yaml:"name"`
		Enabled *bool  `yaml:"enabled"`
	}
	costsSection struct {
		Disabled           bool        `yaml:"disabled"`
		Budget             *budgetSpec `yaml:"budget"`
		CUR                reportSpec  `yaml:"cur"`
		CostAllocationTags *bool       `yaml:"cost_allocation_tags"`
	}
	topicSpec struct {
		Subscribers []string `yaml:"subscribers"`
	}
	alarmsSection struct {
		SecurityTopic topicSpec `yaml:"security_topic"`
		Alarms        []string  `yaml:"alarms"`
	}
	servicesSection struct {
		TrustedAccess   []string          `yaml:"trusted_access"`
		DelegatedAdmins map[string]string `yaml:"delegated_admins"`
	}
	documentSpec struct {
		File    string `yaml:"file"`
		Content string `yaml:"-"`
	}
)

func render(n *Node) string {
	var b strings.Builder
	n.render(&b, 0)
	return b.String()
}

// TestEncode checks the rules sections rely on to write exactly what they
// mean: zero values left out, pointers and non-nil empty lists and maps
// written, fields in the struct's order, map entries sorted.
func TestEncode(t *testing.T) {
	for name, tc := range map[string]struct {
		v    any
		want string
	}{
		"empty section": {&trailsSection{}, ""},
		"zero values left out, set ones in struct order": {
			trailsSection{Trail: trailSpec{LogRetentionDays: 90, Name: "t"}, Config: configSpec{OrganizationRules: true}},
			"trail:\n  name: t\n  log_retention_days: 90\nconfig:\n  organization_rules: true\n",
		},
		"pointers written whatever they point to": {
			costsSection{CostAllocationTags: new(false), Budget: &budgetSpec{}, CUR: reportSpec{Enabled: new(false)}},
			"budget: {}\ncur:\n  enabled: false\ncost_allocation_tags: false\n",
		},
		"pointed-to zero numbers": {bucketsSpec{RetentionDays: new(0)}, "retention_days: 0\n"},
		"nil list left out, empty list written": {
			alarmsSection{Alarms: []string{}, SecurityTopic: topicSpec{Subscribers: nil}},
			"alarms: []\n",
		},
		"maps sorted, entries always written, empty map written": {
			spec.Tagging{Values: map[string][]string{"b": {"x"}, "a": {}}, Policy: &spec.TagPolicy{Disabled: true}},
			"values:\n  a: []\n  b: [x]\npolicy:\n  disabled: true\n",
		},
		"empty map":        {servicesSection{TrustedAccess: []string{}, DelegatedAdmins: map[string]string{}}, "trusted_access: []\ndelegated_admins: {}\n"},
		"a map at the top": {map[string]string{"z": "", "a": "1"}, "a: \"1\"\nz: \"\"\n"},
		"a node as it is":  {NewNode().Set("k", "v"), "k: v\n"},
		"yaml:- left out":  {documentSpec{File: "f.json", Content: "{}"}, "file: f.json\n"},
		"nested node field": {struct {
			N *Node `yaml:"node"`
		}{NewNode().Set("a", 1)}, "node:\n  a: 1\n"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := render(Encode(tc.v)); got != tc.want {
				t.Errorf("Encode = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEncodePanicsOnWhatItCannotWrite(t *testing.T) {
	for name, v := range map[string]any{"a scalar": "x", "a float field": struct{ F float64 }{1}, "int keys": map[int]string{1: "a"}} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Encode(%#v) did not panic", v)
				}
			}()
			Encode(v)
		})
	}
}

func TestFieldKeyAndComments(t *testing.T) {
	s := &costsSection{CUR: reportSpec{Name: "r"}, CostAllocationTags: new(false)}
	if got := FieldKey(s, &s.Disabled); got != "disabled" {
		t.Errorf("FieldKey of the first field = %q", got)
	}
	var o struct {
		In struct {
			A string `yaml:"a"`
		} `yaml:"in"`
	}
	if got := FieldKey(&o, &o.In); got != "in" {
		t.Errorf("FieldKey of a struct field = %q", got)
	}
	n := Encode(s)
	n.CommentBefore(FieldKey(s, &s.CostAllocationTags), "tags\nnot read")
	n.Lookup(FieldKey(s, &s.CUR)).Comment("a note")
	n.CommentBefore("absent", "at the end")
	want := "cur:\n  name: r\n  # a note\n# tags\n# not read\ncost_allocation_tags: false\n# at the end\n"
	if got := render(n); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("FieldKey of a field of another struct did not panic")
		}
	}()
	FieldKey(&o, &o.In.A) // the same address as o.In, but not a field of o
}
