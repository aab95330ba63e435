package all_test

import (
	"context"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// toyKey is a section registered from outside the importer, as a layer
// package registers its own. It does anything only in imports whose
// policy directory is toyPolicyDir, so that the other tests' specs stay
// as they are.
const (
	toyKey       = "toy"
	toyPolicyDir = "toy-policies"
)

// toySaw is what the toy section saw of the import, for TestSection.
var toySaw struct {
	logging           bool
	bare, value, none error
}

func init() {
	importer.RegisterSection(importer.SectionType{
		Key: toyKey, Order: 1000,
		Read: func(context.Context, inventory.Reader, *importer.Import) error { return nil },
		Write: func(im *importer.Import) (any, string, error) {
			if im.Options().PolicyDir != toyPolicyDir {
				return nil, "", nil
			}
			toySaw.logging = im.Section("logging") != nil
			_, toySaw.bare = im.Probe(toyKey, nil)
			_, toySaw.value = im.Probe(toyKey, struct {
				Size int `yaml:"size"`
			}{3})
			_, toySaw.none = im.Probe("no-such-section", nil)
			im.Warnf("the toy layer is %s", "left off")
			return nil, "toy: the toy layer stays off.", nil
		},
	})
}

// TestSection imports through a section registered from this package: it
// runs after the built-in ones, sees what they wrote, asks the spec about
// values (which refuses a key it does not know), warns, and has its note
// written after the built-in sections and before contacts.
func TestSection(t *testing.T) {
	e := withLogging("{}", nil)(t)
	for _, a := range e.Accounts {
		a.Contacts = contactsFor(a.Name, "+1 555 0100") // so that the spec has a contacts section
	}
	o := opts
	o.PolicyDir = toyPolicyDir
	res, err := importer.Spec(e, o)
	if err != nil {
		t.Fatal(err)
	}
	y := string(res.YAML)
	toy, billing, contacts := strings.Index(y, "# toy: the toy layer stays off.\n"), strings.Index(y, "# billing:"), strings.Index(y, "\ncontacts:")
	if toy < 0 || billing < 0 || contacts < 0 || !(billing < toy && toy < contacts) {
		t.Errorf("the toy note is not between billing and contacts (%d, %d, %d):\n%s", billing, toy, contacts, y)
	}
	if !strings.Contains(y, "\nlogging:") || !toySaw.logging {
		t.Errorf("the toy section did not see the logging section (saw it: %v):\n%s", toySaw.logging, y)
	}
	if toySaw.bare != nil {
		t.Errorf("Probe without the section: %v", toySaw.bare)
	}
	if toySaw.value == nil || !strings.Contains(toySaw.value.Error(), toyKey) {
		t.Errorf("Probe with a section the spec does not know = %v, want its refusal", toySaw.value)
	}
	if toySaw.none == nil {
		t.Error("Probe of an unregistered section succeeded")
	}
	if n := len(res.Warnings); n == 0 || res.Warnings[n-1] != "the toy layer is left off" {
		t.Errorf("warnings = %q, want the toy's last", res.Warnings)
	}

	im, err := importer.Prepare(e, o, toyKey)
	if err != nil {
		t.Fatal(err)
	}
	if im.Section("logging") == nil || im.Section(toyKey) != nil || im.Actual() != e || im.Options().OrgID != o.OrgID {
		t.Errorf("Prepare(%s): logging %v, toy %v", toyKey, im.Section("logging"), im.Section(toyKey))
	}
	if _, err := importer.Prepare(e, o, "no-such-section"); err == nil {
		t.Error("Prepare of an unregistered section succeeded")
	}
}

func TestRegisterSectionRefuses(t *testing.T) {
	write := func(*importer.Import) (any, string, error) { return nil, "", nil }
	for name, s := range map[string]importer.SectionType{
		"an empty key":    {Write: write},
		"no Write":        {Key: "toy-without-write"},
		"a duplicate key": {Key: toyKey, Write: write},
		"a core key":      {Key: "accounts", Write: write},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterSection with %s did not panic", name)
				}
			}()
			importer.RegisterSection(s)
		})
	}
}
