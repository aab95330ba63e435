package identity_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/identity"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// acctPlan plans the model's kinds alone from what w holds.
func acctPlan(t *testing.T, w *iamWorld) (*plan.Plan, *estate.Estate) {
	t.Helper()
	d, base := acctEstates(t)
	actual := w.observe(t, base, d.Identity.Account)
	p := &plan.Plan{FormatVersion: plan.FormatVersion, Fingerprint: actual.Fingerprint(), Changes: []plan.Change{}}
	for _, name := range []string{identity.KindIdentityGroup, identity.KindIdentityUser, identity.KindStageRole} {
		k, _ := kinds.Lookup(name)
		c, n := k.Diff(d, actual)
		p.Changes = append(p.Changes, c...)
		p.Notes = append(p.Notes, n...)
	}
	// As kinds.Plan does: what the plan does not change exists already.
	planned := map[string]bool{}
	for _, ch := range p.Changes {
		planned[ch.Address] = true
	}
	for i := range p.Changes {
		p.Changes[i].DependsOn = slices.DeleteFunc(p.Changes[i].DependsOn, func(d string) bool { return !planned[d] })
	}
	p.Sort()
	return p, actual
}

func acctApply(t *testing.T, w *iamWorld, p *plan.Plan, actual *estate.Estate) *kinds.Env {
	t.Helper()
	env := &kinds.Env{CreateBackoff: func(int) time.Duration { return 0 }}
	env.Seed(actual)
	kinds.SetClients[identity.AccountClients](env, w)
	if _, err := apply.Run(context.Background(), env, p, apply.Options{}); err != nil {
		t.Fatalf("apply: %v", err)
	}
	return env
}

// The stage roles trust the Identity account by ID, only with MFA; they
// live under /org-admin/ with the spec's session; each user is made in
// the group, whose policy has the organization's ID and keeps IAM's
// policy variables.
func TestAccountModelApplyBuildsTheModel(t *testing.T) {
	w := newIAMWorld()
	p, actual := acctPlan(t, w)
	acctApply(t, w, p, actual)
	prod := w.accounts[acctProdID]
	if got := slices.Sorted(maps.Keys(prod.roles)); !slices.Equal(got, []string{"Administrator", "ReadOnly"}) {
		t.Errorf("web-prod roles %v, want Administrator and ReadOnly", got)
	}
	if got := slices.Sorted(maps.Keys(w.accounts[acctDevID].roles)); !slices.Equal(got, []string{"Administrator", "PowerUser"}) {
		t.Errorf("web-dev roles %v, want Administrator and PowerUser", got)
	}
	r := prod.roles["ReadOnly"]
	if r.path != "/org-admin/" || r.maxSession != 7200 || !strings.Contains(r.trust, "arn:aws:iam::"+acctIDID+":root") ||
		!strings.Contains(r.trust, `"aws:MultiFactorAuthPresent":"true"`) || r.tags[kinds.OwnerTagKey] != kinds.OwnerTagValue ||
		!slices.Equal(r.attached, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}) {
		t.Errorf("ReadOnly role %+v", r)
	}
	if len(w.accounts[acctIDID].roles) != 0 {
		t.Errorf("the Identity account got stage roles: %v", w.accounts[acctIDID].roles)
	}
	id := w.accounts[acctIDID]
	doc := id.groups["identity-users"].inline[identity.GroupPolicyName]
	if !strings.Contains(doc, `"aws:ResourceOrgID":"o-abc"`) || !strings.Contains(doc, "user/${aws:username}") {
		t.Errorf("group policy %s", doc)
	}
	for _, u := range []string{"ana", "ben"} {
		if got := id.users[u]; got == nil || !slices.Equal(got.groups, []string{"identity-users"}) || got.tags[kinds.OwnerTagKey] != kinds.OwnerTagValue {
			t.Errorf("user %s: %+v", u, got)
		}
	}
	if p2, _ := acctPlan(t, w); p2.HasChanges() {
		t.Errorf("second plan has changes: %+v", p2.Changes)
	}
}

// A CreateRole whose response is lost made the role: apply finds it and
// adopts it rather than making a second, and brings it to the trust.
func TestStageRoleLostCreateIsAdopted(t *testing.T) {
	w := newIAMWorld()
	w.lose["CreateRole"] = true
	p, actual := acctPlan(t, w)
	env := acctApply(t, w, p, actual)
	creates := 0
	for _, op := range w.writeLog() {
		if strings.HasPrefix(op, "CreateRole ") {
			creates++
		}
	}
	if creates != 4 {
		t.Errorf("%d CreateRole writes for 4 roles; the lost one must not be sent again", creates)
	}
	if !slices.ContainsFunc(env.Recoveries(), func(s string) bool { return strings.Contains(s, "adopted") }) {
		t.Errorf("recoveries %v; want the adoption said", env.Recoveries())
	}
	if p2, _ := acctPlan(t, w); p2.HasChanges() {
		t.Errorf("plan after the recovered apply has changes: %+v", p2.Changes)
	}
}

// What groundwork does not manage is said and left: a stage role under
// another path, policies the spec does not give a role, a user in the
// group the spec does not list.
func TestAccountModelLeavesWhatItDoesNotManage(t *testing.T) {
	w := acctLooseWorld()
	w.account(acctDevID).roles["PowerUser"] = &iamRole{path: "/", maxSession: 3600,
		attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, trust: `{"Version":"2012-10-17","Statement":[]}`}
	w.account(acctIDID).users["carol"] = &iamUser{groups: []string{"identity-users"}}
	p, actual := acctPlan(t, w)
	notes := strings.Join(p.Notes, "\n")
	for _, want := range []string{
		"the stage role PowerUser of " + acctDev + " is under the path /, not /org-admin/",
		"also holds arn:aws:iam::aws:policy/AdministratorAccess",
		"the IAM user carol of the Identity account is in the group identity-users but not in identity.identity_account.users",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	acctApply(t, w, p, actual)
	r := w.accounts[acctDevID].roles["PowerUser"]
	if r.path != "/" || !slices.Contains(r.attached, "arn:aws:iam::aws:policy/AdministratorAccess") || !strings.Contains(r.trust, acctIDID) {
		t.Errorf("PowerUser after apply %+v: the path and the extra policy stay, the trust is set", r)
	}
	if w.accounts[acctIDID].users["carol"] == nil {
		t.Error("carol was removed")
	}
}
