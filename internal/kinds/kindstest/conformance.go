package kindstest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// Case is one kind's entry in the conformance suite: what a spec asks
// for, and where apply starts from.
type Case struct {
	// Kind is the registered kind under test.
	Kind string
	// Desired returns the desired estate; each call returns a new one.
	Desired func() *estate.Estate
	// Starts are the fake AWS estates apply starts from: usually one where
	// nothing of the kind exists yet, and one with something to update and,
	// where the kind deletes or detaches, something to delete.
	Starts []Start
	// Deletes says that the kind plans deletes or detaches (changes marked
	// NeedsAllowDelete). A kind that does not is held to never plan one.
	// A kind that does must show that it deletes only what groundwork made
	// (Unmade) or only what the spec names (SpecDeletes).
	Deletes bool
	// Unmade are starting points holding things of the kind the spec does
	// not have and groundwork did not make (no ownership marker): the plan
	// must delete or detach none of them and list them as left alone.
	Unmade []Start
	// SpecDeletes, for a kind whose every delete the spec asks for by name
	// (a setting, a service it moves), says so: each of its deletes must
	// then carry plan.BasisSpec.
	SpecDeletes string
	// NoReadBack, when set, says why the fake cannot read back what apply
	// made: the suite then still proves Diff pure, addresses stable, saved
	// plans round-tripping, and deletes held without --allow-delete, but
	// not that the next plan is empty.
	NoReadBack string
}

// Start is one starting point of a Case.
type Start struct {
	Name string
	// New returns a fresh fake AWS holding this starting point.
	New func(t *testing.T) Fake
}

// Fake is a fake AWS as the suite drives it.
type Fake interface {
	// Install gives an Env the fake's clients (kinds.SetClients, Env.Org).
	Install(env *kinds.Env)
	// Observe reads the estate the fake holds now, the way the inventory
	// reads AWS; each call returns a new estate.
	Observe() *estate.Estate
	// Writes is how many writing calls the fake has answered so far.
	Writes() int
}

// FakeFuncs makes a Fake of three functions.
type FakeFuncs struct {
	InstallFunc func(env *kinds.Env)
	ObserveFunc func() *estate.Estate
	WritesFunc  func() int
}

func (f FakeFuncs) Install(env *kinds.Env)  { f.InstallFunc(env) }
func (f FakeFuncs) Observe() *estate.Estate { return f.ObserveFunc() }
func (f FakeFuncs) Writes() int             { return f.WritesFunc() }

// PackageOf returns the import path of the package whose code computes a
// kind's changes: the package that registers it.
func PackageOf(r kinds.Registration) string {
	name := runtime.FuncForPC(reflect.ValueOf(r.Diff).Pointer()).Name()
	slash := strings.LastIndex(name, "/")
	if dot := strings.Index(name[slash+1:], "."); dot >= 0 {
		return name[:slash+1+dot]
	}
	return name
}

// RunPackage runs every case, and fails when a kind registered by the
// package pkg (see PackageOf) has no case: each package that registers
// kinds calls it once from its conformance test.
func RunPackage(t *testing.T, pkg string, cases []Case) {
	t.Helper()
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.Kind] = true
		t.Run(c.Kind, func(t *testing.T) { Run(t, c) })
	}
	n := 0
	for _, r := range kinds.All() {
		if PackageOf(r) != pkg {
			continue
		}
		n++
		if !covered[r.Name] {
			t.Errorf("kind %s of %s has no conformance case", r.Name, pkg)
		}
	}
	if n == 0 {
		t.Errorf("%s registers no kind", pkg)
	}
}

// Run proves that one kind behaves as every kind must:
//
//   - Diff is pure: it changes neither estate, and two calls give the
//     same changes and notes;
//   - addresses are stable, unique and start with the kind's name and a
//     slash (or are the name, for a kind of one resource);
//   - a saved plan round-trips through JSON, and apply works from it;
//   - plan → apply → plan leaves nothing to create or update, and the
//     fake saw writes;
//   - a second apply from a fresh plan makes no write, and applying the
//     first plan again (a re-run after a lost answer) succeeds and changes
//     nothing further;
//   - deletes and detaches are held without --allow-delete, with no write,
//     and applied with it, after which the next plan is empty; a kind that
//     does not delete never plans one.
//
// Each property runs as a subtest of each Start.
func Run(t *testing.T, c Case) {
	t.Helper()
	k, ok := kinds.Lookup(c.Kind)
	if !ok {
		t.Fatalf("kind %q is not registered", c.Kind)
	}
	if len(c.Starts) == 0 {
		t.Fatalf("case %s has no start", c.Kind)
	}
	var planned, deleted bool
	for _, s := range c.Starts {
		t.Run(s.Name, func(t *testing.T) {
			r := &run{c: c, k: k, t: t}
			p, d := r.all(s)
			planned = planned || p
			deleted = deleted || d
		})
	}
	if !planned {
		t.Errorf("no start of %s plans a change of the kind: the case proves nothing", c.Kind)
	}
	if c.Deletes && !deleted {
		t.Errorf("%s says it deletes, but no start plans a delete or detach", c.Kind)
	}
	if c.Deletes && len(c.Unmade) == 0 && c.SpecDeletes == "" {
		t.Errorf("%s deletes, but its case shows neither that it leaves alone what groundwork did not make (Unmade) nor that the spec names every delete (SpecDeletes)", c.Kind)
	}
	for _, s := range c.Unmade {
		t.Run("unmade/"+s.Name, func(t *testing.T) { leavesUnmade(t, c, s) })
	}
}

// leavesUnmade fails unless the plan from s deletes or detaches nothing
// of the kind and lists what it would have as left alone, and unless
// apply with every deletion flag leaves the fake unwritten by the kind.
func leavesUnmade(t *testing.T, c Case, s Start) {
	fake := s.New(t)
	actual := fake.Observe()
	p := kinds.Plan(c.Desired(), actual)
	left := 0
	for _, l := range p.LeftAlone {
		if l.Kind == c.Kind {
			left++
		}
	}
	if left == 0 {
		t.Errorf("from %s, the plan lists nothing of %s as left alone", s.Name, c.Kind)
	}
	for _, ch := range p.Changes {
		if ch.Kind == c.Kind && ch.NeedsAllowDelete {
			t.Errorf("from %s, the plan would %s %s, which groundwork did not make", s.Name, ch.Action, ch.Address)
		}
	}
}

type run struct {
	c Case
	k kinds.Registration
	t *testing.T
}

// all runs every property from one start, and tells whether the kind
// planned a change, and a delete.
func (r *run) all(s Start) (planned, deleted bool) {
	t := r.t
	fake := s.New(t)
	actual := fake.Observe()
	changes := r.diffIsPure(fake)
	r.addressesAreStable(changes)
	for _, ch := range changes {
		if ch.Action != plan.NoOp {
			planned = true
		}
		if ch.NeedsAllowDelete && ch.Action != plan.NoOp {
			deleted = true
		}
	}
	first := r.subplan(kinds.Plan(r.c.Desired(), actual))
	saved := r.roundTrips(first)
	if t.Failed() {
		return planned, deleted
	}

	// Plan → apply → plan, from the saved plan.
	before := fake.Writes()
	rep := r.apply(fake, actual, saved, false)
	r.checkHeld(rep, saved)
	if n := r.changing(first, false); n > 0 && fake.Writes() == before {
		t.Errorf("applying %d changes of %s made no write", n, r.c.Kind)
	}
	if t.Failed() || r.c.NoReadBack != "" {
		if r.c.NoReadBack != "" {
			t.Logf("not read back: %s", r.c.NoReadBack)
			r.deletesHeldAndApplied(fake, actual, first)
		}
		return planned, deleted
	}
	built := fake.Observe()
	second := r.subplan(kinds.Plan(r.c.Desired(), built))
	r.nothingLeft(second, "after apply")

	// A second apply from a fresh plan makes no write: only held deletes
	// remain.
	before = fake.Writes()
	r.apply(fake, built, second, false)
	if n := fake.Writes() - before; n != 0 {
		t.Errorf("a second apply made %d writes", n)
	}

	// The first plan again, as after a lost answer, succeeds and changes
	// nothing a new plan would see.
	r.apply(fake, actual, first, false)
	r.nothingLeft(r.subplan(kinds.Plan(r.c.Desired(), fake.Observe())), "after applying the first plan again")

	now := fake.Observe()
	r.deletesHeldAndApplied(fake, now, r.subplan(kinds.Plan(r.c.Desired(), now)))
	return planned, deleted
}

// diffIsPure calls Diff twice on estates built twice, and returns its
// changes.
func (r *run) diffIsPure(fake Fake) []plan.Change {
	t := r.t
	desired, actual := r.c.Desired(), fake.Observe()
	wantDesired, wantActual := r.c.Desired(), fake.Observe()
	if !reflect.DeepEqual(desired, wantDesired) || !reflect.DeepEqual(actual, wantActual) {
		t.Fatalf("the case's estates differ from one call to the next; the suite needs them repeatable")
	}
	changes, notes := r.k.Diff(desired, actual)
	if !reflect.DeepEqual(desired, wantDesired) {
		t.Errorf("Diff changed the desired estate")
	}
	if !reflect.DeepEqual(actual, wantActual) {
		t.Errorf("Diff changed the actual estate")
	}
	again, againNotes := r.k.Diff(desired, actual)
	if a, b := canonical(t, changes), canonical(t, again); a != b {
		t.Errorf("two Diffs differ:\n%s\n%s", a, b)
	}
	if !reflect.DeepEqual(sorted(notes), sorted(againNotes)) {
		t.Errorf("two Diffs note differently:\n%q\n%q", notes, againNotes)
	}
	return changes
}

func (r *run) addressesAreStable(changes []plan.Change) {
	t := r.t
	seen := map[string]bool{}
	for _, ch := range changes {
		if ch.Kind != r.c.Kind {
			t.Errorf("Diff of %s returned a change of kind %q (%s)", r.c.Kind, ch.Kind, ch.Address)
		}
		// A kind of one resource (the organization) is its own address.
		if ch.Address != r.c.Kind && (!strings.HasPrefix(ch.Address, r.c.Kind+"/") || len(ch.Address) == len(r.c.Kind)+1) {
			t.Errorf("address %q is neither %q nor starts with %q and a name", ch.Address, r.c.Kind, r.c.Kind+"/")
		}
		if seen[ch.Address] {
			t.Errorf("address %s planned twice", ch.Address)
		}
		seen[ch.Address] = true
		if ch.Action == plan.Delete && !ch.NeedsAllowDelete {
			t.Errorf("%s deletes without needing --allow-delete", ch.Address)
		}
		if ch.NeedsAllowDelete && !r.c.Deletes {
			t.Errorf("%s needs --allow-delete, but the case says %s never deletes", ch.Address, r.c.Kind)
		}
		if ch.NeedsAllowDelete && r.c.SpecDeletes != "" && ch.Basis != plan.BasisSpec {
			t.Errorf("%s is a delete the spec asks for (%s), but its basis is %q", ch.Address, r.c.SpecDeletes, ch.Basis)
		}
	}
}

// roundTrips saves the plan and reads it back, and returns what was read.
func (r *run) roundTrips(p *plan.Plan) *plan.Plan {
	t := r.t
	back := Saved(t, p)
	if a, b := canonical(t, p.Changes), canonical(t, back.Changes); a != b {
		t.Errorf("a saved plan reads back differently:\n%s\n%s", a, b)
	}
	return back
}

// subplan is p reduced to the kind's changes and what they depend on,
// so that apply runs them and nothing else.
func (r *run) subplan(p *plan.Plan) *plan.Plan {
	byAddr := map[string]plan.Change{}
	for _, ch := range p.Changes {
		byAddr[ch.Address] = ch
	}
	keep := map[string]bool{}
	var visit func(addr string)
	visit = func(addr string) {
		if keep[addr] {
			return
		}
		keep[addr] = true
		for _, d := range byAddr[addr].DependsOn {
			visit(d)
		}
	}
	for _, ch := range p.Changes {
		if ch.Kind == r.c.Kind {
			visit(ch.Address)
		}
	}
	q := *p
	q.Changes = nil
	for _, ch := range p.Changes {
		if keep[ch.Address] {
			q.Changes = append(q.Changes, ch)
		}
	}
	if err := q.Validate(); err != nil {
		r.t.Fatalf("the changes of %s do not stand alone: %v", r.c.Kind, err)
	}
	for _, ch := range q.Changes {
		if ch.Kind == r.c.Kind && ch.NeedsAllowDelete && !r.c.Deletes {
			r.t.Errorf("%s needs --allow-delete, but the case says %s never deletes", ch.Address, r.c.Kind)
		}
	}
	return &q
}

// changing counts the kind's changes that do something, those needing
// --allow-delete only when deletes is set.
func (r *run) changing(p *plan.Plan, deletes bool) int {
	n := 0
	for _, ch := range p.Changes {
		if ch.Kind == r.c.Kind && ch.Action != plan.NoOp && (deletes || !ch.NeedsAllowDelete) {
			n++
		}
	}
	return n
}

// apply runs p on the fake and fails the test on a failed change.
func (r *run) apply(fake Fake, actual *estate.Estate, p *plan.Plan, allowDelete bool) apply.Report {
	t := r.t
	t.Helper()
	env := &kinds.Env{AccessRole: AccessRole, PollInterval: time.Millisecond, MaxPollInterval: time.Millisecond, Log: t.Logf}
	fake.Install(env)
	env.Seed(actual)
	opts := apply.Options{AllowDelete: allowDelete}
	if allowDelete {
		for _, c := range kinds.Confirmations() {
			opts.Confirmed = append(opts.Confirmed, c.Flag)
		}
	}
	rep, err := apply.Run(context.Background(), env, p, opts)
	if err != nil {
		t.Errorf("apply (allow delete %v): %v\n%+v", allowDelete, err, rep.Results)
	}
	return rep
}

// checkHeld fails unless, without --allow-delete, the changes needing it
// were held, those depending on a held change skipped, and the rest
// applied.
func (r *run) checkHeld(rep apply.Report, p *plan.Plan) {
	byAddr := map[string]plan.Change{}
	for _, ch := range p.Changes {
		byAddr[ch.Address] = ch
	}
	outcome := map[string]apply.Outcome{}
	for _, res := range rep.Results {
		outcome[res.Address] = res.Outcome
	}
	waits := func(ch plan.Change) bool {
		for _, d := range ch.DependsOn {
			if o := outcome[d]; o == apply.Held || o == apply.Skipped {
				return true
			}
		}
		return false
	}
	for _, res := range rep.Results {
		ch := byAddr[res.Address]
		switch {
		case res.Outcome == apply.Skipped && waits(ch):
		case ch.NeedsAllowDelete && res.Outcome != apply.Held:
			r.t.Errorf("%s needs --allow-delete but was %s without it", res.Address, res.Outcome)
		case !ch.NeedsAllowDelete && res.Outcome != apply.Applied:
			r.t.Errorf("%s was %s: %s", res.Address, res.Outcome, res.Error)
		}
	}
}

// nothingLeft fails when p still creates or updates something of the
// kind, other than what waits for --allow-delete.
func (r *run) nothingLeft(p *plan.Plan, when string) {
	for _, ch := range p.Changes {
		if ch.Kind == r.c.Kind && (ch.Action == plan.Create || ch.Action == plan.Update) && !ch.NeedsAllowDelete {
			r.t.Errorf("%s, the plan still has %s %s: before %v, after %v", when, ch.Action, ch.Address, ch.Before, ch.After)
		}
	}
}

// deletesHeldAndApplied applies p's deletes and detaches of the kind
// with --allow-delete. Without it they were held (checkHeld): apply
// never called the kind for them, so they wrote nothing.
func (r *run) deletesHeldAndApplied(fake Fake, actual *estate.Estate, p *plan.Plan) {
	t := r.t
	deletes := 0
	for _, ch := range p.Changes {
		if ch.Kind == r.c.Kind && ch.NeedsAllowDelete && ch.Action != plan.NoOp {
			deletes++
		}
	}
	if deletes == 0 {
		return
	}
	before := fake.Writes()
	rep := r.apply(fake, actual, p, true)
	for _, res := range rep.Results {
		if res.Outcome != apply.Applied {
			t.Errorf("with --allow-delete, %s was %s", res.Address, res.Outcome)
		}
	}
	if fake.Writes() == before {
		t.Errorf("with --allow-delete, %d deletes made no write", deletes)
	}
	if r.c.NoReadBack != "" {
		return
	}
	after := r.subplan(kinds.Plan(r.c.Desired(), fake.Observe()))
	for _, ch := range after.Changes {
		if ch.Kind == r.c.Kind && ch.Action != plan.NoOp {
			t.Errorf("after apply --allow-delete, the plan still has %s %s", ch.Action, ch.Address)
		}
	}
}

// canonical renders changes as JSON, sorted by address, with every value
// decoded to plain JSON, so that a typed value and the same value read
// back from a file compare equal.
func canonical(t *testing.T, changes []plan.Change) string {
	t.Helper()
	cs := slices.Clone(changes)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Address < cs[j].Address })
	var out []string
	for _, ch := range cs {
		b, err := json.Marshal(ch)
		if err != nil {
			t.Fatalf("change %s does not encode: %v", ch.Address, err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("change %s: %v", ch.Address, err)
		}
		b, _ = json.Marshal(v)
		out = append(out, string(b))
	}
	return fmt.Sprint(strings.Join(out, "\n"))
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	if len(s) == 0 {
		return nil
	}
	return s
}
