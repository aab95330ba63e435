package audit

import (
	"regexp"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

var checkID = regexp.MustCompile(`^GW-[A-Z]+-[0-9]{3}$`)

func TestRegisteredChecks(t *testing.T) {
	cs := Checks()
	if len(cs) == 0 {
		t.Fatal("no checks registered")
	}
	seen := map[string]bool{}
	for i, c := range cs {
		if seen[c.ID] {
			t.Errorf("%s: duplicate ID", c.ID)
		}
		seen[c.ID] = true
		if i > 0 && cs[i-1].ID >= c.ID {
			t.Errorf("Checks not sorted by ID: %s before %s", cs[i-1].ID, c.ID)
		}
		if !checkID.MatchString(c.ID) {
			t.Errorf("%s: ID does not match %s", c.ID, checkID)
		}
		if c.Title == "" || c.Guidance == "" || c.Remediation == "" {
			t.Errorf("%s: title, guidance and remediation are all required", c.ID)
		}
		if c.Severity < Info || c.Severity > Critical {
			t.Errorf("%s: invalid severity %d", c.ID, c.Severity)
		}
	}
}

func TestRegisterPanics(t *testing.T) {
	noop := func(*estate.Estate) []Finding { return nil }
	tests := map[string][]Check{
		"empty ID":  {{ID: " ", Run: noop}},
		"nil Run":   {{ID: "GW-X-001"}},
		"duplicate": {{ID: "GW-X-001", Run: noop}, {ID: "GW-X-001", Run: noop}},
	}
	for name, cs := range tests {
		t.Run(name, func(t *testing.T) {
			r := &registry{checks: map[string]Check{}}
			defer func() {
				if recover() == nil {
					t.Error("register did not panic")
				}
			}()
			for _, c := range cs {
				r.register(c)
			}
		})
	}
}
