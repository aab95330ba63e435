// Package audittest helps test audit checks: table tests that edit a
// clean estate and compare the findings of one check, and the recommended
// foundation of guidance 000 that every layer's clean estate builds on.
//
// A layer's check tests start from Foundation, add the layer they judge,
// and run rows through RunCases; only the checks of the packages the test
// binary links are registered, so a layer's tests see the core checks and
// its own.
package audittest

import (
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Case is one row of a check's table test: edit a clean estate, run the
// check, compare the findings' resources in order and look for Msg in the
// first finding's message.
type Case struct {
	Check string
	Edit  func(e *estate.Estate)
	Want  []string // resources of the findings, in order
	Msg   string   // part of the first finding's message
}

// Rule is what a test holds every finding of its rows to, beyond the
// resources and the first finding's message.
type Rule func(t *testing.T, c Case, f audit.Finding)

// EveryMessage holds every finding, not only the first, to the row's Msg.
func EveryMessage(t *testing.T, c Case, f audit.Finding) {
	t.Helper()
	if !strings.Contains(f.Message, c.Msg) {
		t.Errorf("message %q does not say %q", f.Message, c.Msg)
	}
}

// NamesAccount holds every finding to naming the ID of its account.
func NamesAccount(t *testing.T, _ Case, f audit.Finding) {
	t.Helper()
	if f.Account == "" {
		t.Errorf("finding %+v names no account", f)
	}
}

// RunCases runs each row as a subtest on a fresh estate from clean, which
// every check the rows name must pass unedited, and holds every finding
// to each of rules. A row with Msg but no findings fails rather than
// passing unchecked.
func RunCases(t *testing.T, clean func() *estate.Estate, cases map[string]Case, rules ...Rule) {
	t.Helper()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := clean()
			if c.Edit != nil {
				c.Edit(e)
			}
			fs := RunCheck(t, c.Check, e)
			var got []string
			for _, f := range fs {
				got = append(got, f.Resource)
			}
			if !slices.Equal(got, c.Want) {
				t.Fatalf("resources = %q, want %q; findings: %+v", got, c.Want, fs)
			}
			if c.Msg != "" {
				if len(fs) == 0 {
					t.Fatalf("no finding to carry message %q", c.Msg)
				}
				if !strings.Contains(fs[0].Message, c.Msg) {
					t.Errorf("message = %q, want it to contain %q", fs[0].Message, c.Msg)
				}
			}
			for _, f := range fs {
				for _, rule := range rules {
					rule(t, c, f)
				}
			}
		})
	}
}

// RunCheck runs one registered check the way audit.Run does, sorted, and
// fails the test when no check has the ID.
func RunCheck(t *testing.T, id string, e *estate.Estate) []audit.Finding {
	t.Helper()
	for _, c := range audit.Checks() {
		if c.ID == id {
			fs := audit.RunCheck(c, e)
			audit.SortFindings(fs)
			return fs
		}
	}
	t.Fatalf("check %s is not registered", id)
	return nil
}

// Place is where a finding says it is: its resource, the ID of its
// account and its Region.
type Place struct{ Resource, Account, Region string }

// PlaceCase is one row of a table of where findings say they are: edit
// the estate Clean makes, run the check and compare the first finding's
// place.
type PlaceCase struct {
	Clean func() *estate.Estate
	Check string
	Edit  func(e *estate.Estate)
	Want  Place
}

// RunPlaces runs each row as a subtest: findings name the account (by ID)
// and Region they are in, per account for account-wide settings, per
// account and Region for regional resources, neither for the organization
// as a whole.
func RunPlaces(t *testing.T, cases map[string]PlaceCase) {
	t.Helper()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := c.Clean()
			c.Edit(e)
			fs := RunCheck(t, c.Check, e)
			if len(fs) == 0 {
				t.Fatalf("%s found nothing", c.Check)
			}
			if got := (Place{fs[0].Resource, fs[0].Account, fs[0].Region}); got != c.Want {
				t.Errorf("first finding at %+v, want %+v", got, c.Want)
			}
		})
	}
}

// Clean fails the test on any finding of a whole audit of e, a layer's
// clean estate; what names it in the failure.
func Clean(t *testing.T, what string, e *estate.Estate) {
	t.Helper()
	if r := audit.Run(e); len(r.Findings) != 0 {
		t.Errorf("findings on the %s: %+v", what, r.Findings)
	}
}

// Registered fails the test unless the registered checks whose IDs start
// with prefix are want, in order; it returns those checks.
func Registered(t *testing.T, prefix string, want []string) []audit.Check {
	t.Helper()
	var got []audit.Check
	var ids []string
	for _, c := range audit.Checks() {
		if strings.HasPrefix(c.ID, prefix) {
			got = append(got, c)
			ids = append(ids, c.ID)
		}
	}
	if !slices.Equal(ids, want) {
		t.Errorf("%s checks = %q, want %q", strings.TrimSuffix(prefix, "-"), ids, want)
	}
	return got
}

// Documented fails the test for each of checks without guidance or
// remediation.
func Documented(t *testing.T, checks []audit.Check) {
	t.Helper()
	for _, c := range checks {
		if c.Guidance == "" || c.Remediation == "" {
			t.Errorf("%s lacks guidance or remediation", c.ID)
		}
	}
}
