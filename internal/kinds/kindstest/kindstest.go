// Package kindstest holds what the tests of resource kinds share, in the
// kinds package and in every layer: a fake Organizations API, a small
// organization as desired and as it exists, and checks of plan changes.
package kindstest

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// The e-mails and IDs of DesiredEstate and MatchingEstate.
const (
	LogEmail      = "log@example.com"
	PaymentsEmail = "payments@example.com"
	ManagementID  = "000000000001"
	LogID         = "111111111111"
	PaymentsID    = "222222222222"
)

// DesiredEstate is what a small spec asks for: three units, two accounts.
func DesiredEstate() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{FeatureSet: "ALL", ManagementAccountEmail: "root@example.com"}
	AddUnit(e, "", "Security", nil)
	AddUnit(e, "", "Workloads", map[string]string{"Owner": "platform"})
	AddUnit(e, "", "Workloads/Prod", nil)
	AddAccount(e, &estate.Account{Key: "log-archive", Name: "log-archive", Email: LogEmail, Unit: "Security"})
	AddAccount(e, &estate.Account{Key: "payments-prod", Name: "payments-prod", Email: PaymentsEmail, Unit: "Workloads/Prod",
		Tags: map[string]string{"Owner": "payments", "CostCenter": "FIN123"}})
	return e
}

// MatchingEstate is an organization that already is what DesiredEstate
// asks for, plus its management account.
func MatchingEstate() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", RootID: "r-root", FeatureSet: "ALL",
		ManagementAccountID: ManagementID, ManagementAccountEmail: "root@example.com"}
	AddUnit(e, "ou-sec", "Security", nil)
	AddUnit(e, "ou-wl", "Workloads", map[string]string{"Owner": "platform"})
	AddUnit(e, "ou-prod", "Workloads/Prod", nil)
	AddAccount(e, &estate.Account{ID: ManagementID, Name: "management", Email: "root@example.com", Status: "ACTIVE", Unit: ""})
	AddAccount(e, &estate.Account{ID: LogID, Name: "log-archive", Email: LogEmail, Status: "ACTIVE", Unit: "Security"})
	AddAccount(e, &estate.Account{ID: PaymentsID, Name: "payments-prod", Email: PaymentsEmail, Status: "ACTIVE", Unit: "Workloads/Prod",
		Tags: map[string]string{"Owner": "payments", "CostCenter": "FIN123"}})
	return e
}

// AddUnit adds a unit to an estate. A unit with an ID is an actual one,
// and carries groundwork's ownership marker as one groundwork made; use
// AddUnmarkedUnit for one made by hand.
func AddUnit(e *estate.Estate, id, path string, tags map[string]string) {
	if id != "" {
		tags = kinds.OwnerTags(tags)
	}
	e.Units[path] = &estate.Unit{ID: id, Path: path, Tags: tags}
}

// AddUnmarkedUnit adds an actual unit without groundwork's marker: one
// made by hand.
func AddUnmarkedUnit(e *estate.Estate, id, path string, tags map[string]string) {
	e.Units[path] = &estate.Unit{ID: id, Path: path, Tags: tags}
}

// AddAccount adds an account to an estate under its e-mail key.
func AddAccount(e *estate.Estate, a *estate.Account) {
	e.Accounts[estate.EmailKey(a.Email)] = a
}

// AccessRole is the role NewEnv's CreateAccount asks for.
const AccessRole = "OrganizationAccountAccessRole"

// NewEnv is an Env on the fake organization that polls without waiting
// and logs to the test.
func NewEnv(t *testing.T, f *FakeOrg) *kinds.Env {
	return &kinds.Env{Organizations: f, AccessRole: AccessRole, PollInterval: time.Millisecond, MaxPollInterval: time.Millisecond, Log: t.Logf,
		CreateBackoff: func(int) time.Duration { return time.Millisecond }}
}

// ApplyChange applies one change with its kind's Apply.
func ApplyChange(t *testing.T, env *kinds.Env, ch plan.Change) error {
	t.Helper()
	k, ok := kinds.Lookup(ch.Kind)
	if !ok {
		t.Fatalf("kind %q is not registered", ch.Kind)
	}
	return k.Apply(context.Background(), env, ch)
}

// WithoutValues drops the changes' typed values, for comparing them with
// changes written out by attributes; the saved-plan round trips of each
// package prove the values.
func WithoutValues(changes []plan.Change) []plan.Change {
	out := slices.Clone(changes)
	for i := range out {
		out[i].Value = nil
	}
	return out
}

// Planned is the change kinds.Plan makes at addr for desired against
// actual, so that a test applies what Diff made.
func Planned(t testing.TB, desired, actual *estate.Estate, addr string) plan.Change {
	t.Helper()
	for _, ch := range kinds.Plan(desired, actual).Changes {
		if ch.Address == addr {
			return ch
		}
	}
	t.Fatalf("nothing planned at %s", addr)
	return plan.Change{}
}

// Saved is p written to JSON and read back, as apply reads plan.json.
func Saved(t testing.TB, p *plan.Plan) *plan.Plan {
	t.Helper()
	b, err := p.Marshal()
	if err != nil {
		t.Fatalf("save plan: %v", err)
	}
	back, err := plan.Unmarshal(b)
	if err != nil {
		t.Fatalf("read saved plan: %v", err)
	}
	return back
}

// CheckChanges fails the test unless got holds exactly the changes of
// want by address, compared after normalize.
func CheckChanges(t *testing.T, got, want []plan.Change) {
	t.Helper()
	gotBy := map[string]plan.Change{}
	for _, ch := range got {
		gotBy[ch.Address] = normalize(ch)
	}
	wantBy := map[string]plan.Change{}
	for _, ch := range want {
		wantBy[ch.Address] = normalize(ch)
	}
	for addr, w := range wantBy {
		g, ok := gotBy[addr]
		if !ok {
			t.Errorf("missing change %s %s", w.Action, addr)
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("change %s:\n got  %+v\n want %+v", addr, g, w)
		}
	}
	for addr, g := range gotBy {
		if _, ok := wantBy[addr]; !ok {
			t.Errorf("unexpected change %s %s: %+v", g.Action, addr, g)
		}
	}
}

// normalize makes empty and nil collections compare equal and ignores the
// order of dependencies, which carries no meaning.
func normalize(ch plan.Change) plan.Change {
	if len(ch.Before) == 0 {
		ch.Before = nil
	}
	if len(ch.After) == 0 {
		ch.After = nil
	}
	if len(ch.DependsOn) == 0 {
		ch.DependsOn = nil
	} else {
		ch.DependsOn = slices.Sorted(slices.Values(ch.DependsOn))
	}
	return ch
}

// CheckNotes fails the test unless each of want is part of exactly one
// note, and there are as many notes as wants.
func CheckNotes(t *testing.T, got, want []string) {
	t.Helper()
	for _, w := range want {
		n := 0
		for _, g := range got {
			if strings.Contains(g, w) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d notes contain %q, want 1; notes:\n%s", n, w, strings.Join(got, "\n"))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d notes, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
}

// ChangesOfKind returns the changes of a plan of one kind, in plan order.
func ChangesOfKind(p *plan.Plan, kind string) []plan.Change {
	var out []plan.Change
	for _, ch := range p.Changes {
		if ch.Kind == kind {
			out = append(out, ch)
		}
	}
	return out
}

// WithAttr sets one attribute and returns the attributes.
func WithAttr(a plan.Attrs, key, value string) plan.Attrs {
	a[key] = value
	return a
}
