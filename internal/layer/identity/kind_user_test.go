package identity

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// storeKinds are the kinds of this part of the layer.
var storeKinds = []string{KindStoreUser, KindStoreGroup, KindStoreMembership, KindAccessControl}

// storeChanges returns the plan's changes of the store kinds, by address.
func storeChanges(p *plan.Plan) map[string]plan.Change {
	out := map[string]plan.Change{}
	for _, ch := range p.Changes {
		if slices.Contains(storeKinds, ch.Kind) {
			out[ch.Address] = ch
		}
	}
	return out
}

// observed is the estate a plan reads from f.
func observed(f *storeFake) *estate.Estate {
	e := kindstest.MatchingEstate()
	e.Identity = &estate.Identity{Center: f.center(storeRegion)}
	return e
}

// applyStore applies p's store changes (and what they depend on) on f.
func applyStore(t *testing.T, f *storeFake, actual *estate.Estate, p *plan.Plan, allowDelete bool) apply.Report {
	t.Helper()
	q := *p
	q.Changes = nil
	for _, ch := range p.Changes {
		if slices.Contains(storeKinds, ch.Kind) {
			ch.DependsOn = slices.DeleteFunc(slices.Clone(ch.DependsOn), func(d string) bool { return !strings.HasPrefix(d, "identity-") })
			q.Changes = append(q.Changes, ch)
		}
	}
	env := &kinds.Env{Log: t.Logf, CreateBackoff: func(int) time.Duration { return 0 }}
	kinds.SetClients(env, f.clients())
	env.Seed(actual)
	rep, err := apply.Run(context.Background(), env, &q, apply.Options{AllowDelete: allowDelete})
	if err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep.Results)
	}
	return rep
}

// Without an instance in the home Region, nothing of the layer is
// planned, and the plan says that it waits and names the checklist step.
func TestStoreWaitsForTheInstance(t *testing.T) {
	f := newStoreFake()
	f.instanceARN = ""
	p := kinds.Plan(storeDesired(), observed(f))
	if ch := storeChanges(p); len(ch) != 0 {
		t.Errorf("planned %v while the layer waits for the instance", ch)
	}
	var note string
	for _, n := range p.Notes {
		if strings.Contains(n, InstanceStep) {
			note = n
		}
	}
	if !strings.Contains(note, "not enabled in us-east-1") || !strings.Contains(note, "waits for the instance") {
		t.Errorf("notes %q; want one saying the layer waits, naming %s", p.Notes, InstanceStep)
	}
}

// With an external identity provider, groundwork plans no user, group
// or membership: the provider manages them.
func TestStoreExternalSourcePlansNoPrincipals(t *testing.T) {
	desired := storeDesired()
	desired.Identity.Center.Source = estate.SourceExternal
	for addr, ch := range storeChanges(kinds.Plan(desired, observed(newStoreFake()))) {
		if ch.Kind != KindAccessControl {
			t.Errorf("planned %s %s with an external identity source", ch.Action, addr)
		}
	}
}

// Users and groups the spec does not list are noted and left; the
// attributes' update keeps the instance's other attributes.
func TestStoreLeavesWhatTheSpecDoesNotList(t *testing.T) {
	f := newStoreFake()
	f.addUser("ana", "Ana", "Lima", "ana@example.com")
	f.addUser("zed", "Zed", "Hand", "zed@example.com")
	f.addGroup("old-admins", "")
	f.attrs = []ssotypes.AccessControlAttribute{{Key: aws.String("Team"), Value: &ssotypes.AccessControlAttributeValue{Source: []string{"${path:enterprise.department}"}}}}
	actual := observed(f)
	p := kinds.Plan(storeDesired(), actual)
	notes := strings.Join(p.Notes, "\n")
	for _, s := range []string{"1 users the spec does not list (zed)", "1 groups the spec does not list (old-admins)", "access control attributes the spec does not write (Team)"} {
		if !strings.Contains(notes, s) {
			t.Errorf("notes lack %q:\n%s", s, notes)
		}
	}
	ch := storeChanges(p)
	if c := ch[KindAccessControl]; c.Action != plan.Update {
		t.Fatalf("attributes: %+v; want an update", c)
	}
	applyStore(t, f, actual, p, true)
	after := f.center(storeRegion)
	if after.Users["zed"] == nil || after.Groups["old-admins"] == nil {
		t.Error("a user or group the spec does not list was deleted")
	}
	want := map[string]string{"CostCenter": "${path:enterprise.costCenter}", "Department": "${path:enterprise.department}", "Team": "${path:enterprise.department}"}
	if got := after.AccessControlAttributes; len(got) != len(want) || got["Team"] != want["Team"] || got["CostCenter"] != want["CostCenter"] {
		t.Errorf("attributes after apply %v; want %v", got, want)
	}
}

// An update sets only the attributes that differ; a user whose name
// differs only in case is the same user.
func TestUserUpdateSetsWhatDiffers(t *testing.T) {
	f := newStoreFake()
	f.addUser("ANA", "Ana", "Lima", "old@example.com")
	actual := observed(f)
	ch := storeChanges(kinds.Plan(storeDesired(), actual))[StoreUserAddress("ana")]
	v, err := plan.ValueOf[userValue](ch)
	if err != nil || ch.Action != plan.Update || !slices.Equal(v.Set, []string{"user_name", "email"}) {
		t.Fatalf("change %+v, value %+v, %v; want an update of user_name and email", ch, v, err)
	}
	if !strings.Contains(ch.Reason, "user_name, email") {
		t.Errorf("reason %q", ch.Reason)
	}
	applyStore(t, f, actual, kinds.Plan(storeDesired(), actual), false)
	u := f.center(storeRegion).Users["ana"]
	if u == nil || u.Email != "ana@example.com" || u.FamilyName != "Lima" {
		t.Errorf("user after apply %+v", u)
	}
	if f.calls["CreateUser"] != 1 { // bo only
		t.Errorf("CreateUser called %d times; want once, for bo", f.calls["CreateUser"])
	}
}

// A create whose answer is lost is not sent again: the user, group and
// membership it made are found and adopted, and the apply records the
// recovery.
func TestStoreCreatesAdoptWhatALostAnswerMade(t *testing.T) {
	f := newStoreFake()
	f.lose["CreateUser"], f.lose["CreateGroup"], f.lose["CreateGroupMembership"] = true, true, true
	actual := observed(f)
	rep := applyStore(t, f, actual, kinds.Plan(storeDesired(), actual), false)
	for _, r := range rep.Results {
		if r.Outcome != apply.Applied {
			t.Errorf("%s: %s %s", r.Address, r.Outcome, r.Error)
		}
	}
	c := f.center(storeRegion)
	if len(c.Users) != 2 || len(c.Groups) != 2 || !slices.Equal(c.Groups["admins"].Members, []string{"ana", "bo"}) {
		t.Errorf("store after apply: users %v, groups %v", c.Users, c.Groups)
	}
	if f.calls["CreateUser"] != 2 || f.calls["CreateGroup"] != 2 || f.calls["CreateGroupMembership"] != 3 {
		t.Errorf("creates %v; want each sent once", f.calls)
	}
	if next := storeChanges(kinds.Plan(storeDesired(), observed(f))); len(next) != 0 {
		t.Errorf("the next plan has %v", next)
	}
}

// A plan made offline knows no instance: apply finds it, asking once,
// and without one fails naming the checklist step.
func TestStoreOfflinePlanFindsTheInstance(t *testing.T) {
	offline := kindstest.MatchingEstate()
	p := kinds.Plan(storeDesired(), offline)
	if n := len(storeChanges(p)); n != 8 {
		t.Fatalf("offline plan has %d store changes; want 8 creates", n)
	}
	f := newStoreFake()
	applyStore(t, f, offline, p, false)
	if f.calls["ListInstances"] != 1 {
		t.Errorf("ListInstances called %d times; want once for the whole apply", f.calls["ListInstances"])
	}
	if c := f.center(storeRegion); len(c.Users) != 2 || len(c.AccessControlAttributes) != 2 {
		t.Errorf("store after apply %+v", c)
	}

	none := newStoreFake()
	none.instanceARN = ""
	env := &kinds.Env{}
	kinds.SetClients(env, none.clients())
	env.Seed(offline)
	err := kindstest.ApplyChange(t, env, storeChanges(p)[StoreUserAddress("ana")])
	if err == nil || !strings.Contains(err.Error(), InstanceStep) {
		t.Errorf("error %v; want it to name %s", err, InstanceStep)
	}
}
