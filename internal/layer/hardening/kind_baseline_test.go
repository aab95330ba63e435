package hardening_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/hardening"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// The kinds of EBS encryption by default and the support role: what
// GW-DAT-001 (CIS 2.2.1) and GW-IAM-012 (CIS 1.17) ask of every account.

// baselineChanges plans the two kinds alone: their changes by address,
// and their notes.
func baselineChanges(t *testing.T, desired, actual *estate.Estate) (map[string]plan.Change, []string) {
	t.Helper()
	out := map[string]plan.Change{}
	var notes []string
	for _, name := range []string{hardening.KindEBSEncryption, hardening.KindSupportRole} {
		k, ok := kinds.Lookup(name)
		if !ok {
			t.Fatalf("kind %s is not registered", name)
		}
		changes, n := k.Diff(desired, actual)
		for _, ch := range changes {
			out[ch.Address] = ch
		}
		notes = append(notes, n...)
	}
	return out, notes
}

func TestPlanEBSEncryptionAndSupportRole(t *testing.T) {
	desired, actual := hrdEstates(t, "{}")
	changes, notes := baselineChanges(t, desired, actual)
	// Nothing read yet: every account and Region is to be set, every role
	// made.
	if len(changes) != 3*2+3 || len(notes) != 0 {
		t.Fatalf("changes %d, notes %q: %+v", len(changes), notes, changes)
	}
	for _, acct := range []string{estate.ManagementKey, hrdLA, hrdWeb} {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			ch := changes[hardening.EBSEncryptionAddress(acct, region)]
			want := plan.Attrs{"account": acct, "region": region, "enabled": "true"}
			if ch.Action != plan.Create || !reflect.DeepEqual(ch.After, want) || !reflect.DeepEqual(ch.DependsOn, hrdAccountDeps(acct)) {
				t.Errorf("EBS change in %s %s = %+v", acct, region, ch)
			}
		}
		ch := changes[hardening.SupportRoleAddress(acct)]
		want := plan.Attrs{"account": acct, "name": "groundwork-support", "path": "/org-admin/", "trusts_account": "true", "managed": "AWSSupportAccess"}
		if ch.Action != plan.Create || !reflect.DeepEqual(ch.After, want) || ch.NeedsAllowDelete {
			t.Errorf("support role change in %s = %+v", acct, ch)
		}
	}

	// Read back as apply leaves it, save: EBS off in one Region, a role
	// under another path, a role trusting someone else, a role without the
	// policy.
	h := actual.Hardening
	for key, want := range desired.Hardening.EBSEncryption {
		cp := *want
		h.EBSEncryption[key] = &cp
	}
	off := estate.Where{Account: hrdWeb, Region: "eu-west-1"}
	h.EBSEncryption[off.String()].Enabled = false
	h.SupportRoles[estate.ManagementKey] = &estate.SupportRole{Name: "groundwork-support", Path: "/", TrustsAccount: true, SupportAccess: true}
	h.SupportRoles[hrdLA] = &estate.SupportRole{Name: "groundwork-support", Path: "/org-admin/", SupportAccess: true}
	h.SupportRoles[hrdWeb] = &estate.SupportRole{Name: "groundwork-support", Path: "/org-admin/", TrustsAccount: true}
	changes, notes = baselineChanges(t, desired, actual)
	got := slices.Sorted(func(yield func(string) bool) {
		for a := range changes {
			if !yield(a) {
				return
			}
		}
	})
	wantAddrs := []string{hardening.EBSEncryptionAddress(hrdWeb, "eu-west-1"), hardening.SupportRoleAddress(hrdLA), hardening.SupportRoleAddress(hrdWeb)}
	slices.Sort(wantAddrs)
	if !reflect.DeepEqual(got, wantAddrs) {
		t.Errorf("changes at %q, want %q", got, wantAddrs)
	}
	if ch := changes[hardening.EBSEncryptionAddress(hrdWeb, "eu-west-1")]; ch.Action != plan.Update || ch.Before["enabled"] != "false" {
		t.Errorf("EBS change = %+v", ch)
	}
	if ch := changes[hardening.SupportRoleAddress(hrdLA)]; ch.Action != plan.Update || ch.Before["trusts_account"] != "false" {
		t.Errorf("role of log archive = %+v", ch)
	}
	if ch := changes[hardening.SupportRoleAddress(hrdWeb)]; ch.Action != plan.Update || ch.Before["managed"] != "" || ch.After["managed"] != "AWSSupportAccess" {
		t.Errorf("role of web-prod = %+v", ch)
	}
	// IAM cannot move a role: the one under / is kept there, and said so.
	kindstest.CheckNotes(t, notes, []string{"the support role groundwork-support of management is under the path /, not /org-admin/"})
}

// false leaves them alone: nothing is planned, whatever the accounts
// hold, and the reads are not asked for.
func TestPlanEBSEncryptionAndSupportRoleLeftAlone(t *testing.T) {
	desired, actual := hrdEstates(t, "{ebs_default_encryption: false, support_role: {enabled: false}}")
	if len(desired.Hardening.EBSEncryption) != 0 || len(desired.Hardening.SupportRoles) != 0 {
		t.Fatalf("switched off, still wanted: %+v %+v", desired.Hardening.EBSEncryption, desired.Hardening.SupportRoles)
	}
	w := estate.Where{Account: hrdWeb, Region: "us-east-1"}
	actual.Hardening.EBSEncryption[w.String()] = &estate.EBSEncryption{Where: w}
	if changes, notes := baselineChanges(t, desired, actual); len(changes)+len(notes) != 0 {
		t.Errorf("planned %+v, notes %q", changes, notes)
	}
}

func TestApplyEBSEncryptionAndSupportRole(t *testing.T) {
	world := hrdBareWorld()
	// web-prod has the role already, made by hand: trusting another
	// account, holding nothing, untagged.
	world.roles[hrdWebID+"/ops-support"] = &hrdFakeRole{name: "ops-support", path: "/org-admin/", trust: "arn:aws:iam::999999999999:root"}
	desired, base := hrdEstates(t, "{support_role: {name: ops-support}}")
	actual := world.observe(base, desired.Hardening)
	p := kinds.Plan(desired, actual)
	p.Changes = slices.DeleteFunc(p.Changes, func(ch plan.Change) bool {
		return ch.Kind != hardening.KindEBSEncryption && ch.Kind != hardening.KindSupportRole
	})
	for i := range p.Changes {
		p.Changes[i].DependsOn = nil
	}
	if len(p.Changes) != 9 {
		t.Fatalf("%d changes, want 6 Regions and 3 roles: %+v", len(p.Changes), p.Changes)
	}
	env := hrdEnv(t, world, actual)
	if rep, err := apply.Run(context.Background(), env, p, apply.Options{Width: 4}); err != nil || rep.Count(apply.Applied) != 9 {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
	for _, id := range []string{hrdMgmtID, hrdLAID, hrdWebID} {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			if !world.ebs[estate.Location{Account: estate.AccountID(id), Region: region}] {
				t.Errorf("EBS encryption by default off in %s %s", id, region)
			}
		}
		r := world.roles[id+"/ops-support"]
		if r == nil || r.path != "/org-admin/" || r.trust != "arn:aws:iam::"+id+":root" ||
			!reflect.DeepEqual(r.attached, []string{"arn:aws:iam::aws:policy/AWSSupportAccess"}) {
			t.Errorf("support role of %s = %+v", id, r)
		}
	}
	// What groundwork makes carries its marker; a role it adopts keeps its
	// own tags.
	if !kinds.Owned(world.roles[hrdLAID+"/ops-support"].tags) || kinds.Owned(world.roles[hrdWebID+"/ops-support"].tags) {
		t.Errorf("tags: made %v, adopted %v", world.roles[hrdLAID+"/ops-support"].tags, world.roles[hrdWebID+"/ops-support"].tags)
	}
	if again, _ := baselineChanges(t, desired, world.observe(base, desired.Hardening)); len(again) != 0 {
		t.Errorf("second plan: %+v", again)
	}

	// Applying the same plan again (a rerun after a kill) makes no second
	// role: CreateRole is not sent where the role exists.
	writes := len(world.writeLog())
	if rep, err := apply.Run(context.Background(), env, p, apply.Options{Width: 4}); err != nil {
		t.Fatalf("apply again: %v\n%+v", err, rep)
	}
	for _, w := range world.writeLog()[writes:] {
		if len(w) >= 10 && w[:10] == "CreateRole" {
			t.Errorf("second apply wrote %q", w)
		}
	}
}

// A role made between plan and apply (by another run) is adopted, not
// made twice: CreateRole's EntityAlreadyExists sends kinds.Env.CreateOnce
// to look, and the role gets the trust and the policy.
func TestApplySupportRoleMadeMeanwhile(t *testing.T) {
	world := hrdBareWorld()
	desired, base := hrdEstates(t, "{}")
	actual := world.observe(base, desired.Hardening)
	p := kinds.Plan(desired, actual)
	p.Changes = slices.DeleteFunc(p.Changes, func(ch plan.Change) bool { return ch.Address != hardening.SupportRoleAddress(hrdLA) })
	p.Changes[0].DependsOn = nil
	env := hrdEnv(t, world, actual)
	api := supportRaceAPI{hrdIAMAt: world.SupportRole(estate.Location{Account: hrdLAID}).(hrdIAMAt)}
	kinds.SetClients[hardening.Clients](env, supportRaceWorld{world, api})
	if rep, err := apply.Run(context.Background(), env, p, apply.Options{}); err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
	r := world.roles[hrdLAID+"/groundwork-support"]
	if r == nil || r.trust != "arn:aws:iam::"+hrdLAID+":root" || !slices.Contains(r.attached, "arn:aws:iam::aws:policy/AWSSupportAccess") {
		t.Errorf("role = %+v", r)
	}
	if got := env.Recoveries(); len(got) != 1 {
		t.Errorf("recoveries %q, want the adoption", got)
	}
}

// supportRaceAPI is an account where another run makes the role just
// before this one's CreateRole reaches IAM.
type supportRaceAPI struct{ hrdIAMAt }

func (c supportRaceAPI) CreateRole(ctx context.Context, in *iam.CreateRoleInput, opts ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	c.f.mu.Lock()
	c.f.roles[string(c.w.Account)+"/"+aws.ToString(in.RoleName)] = &hrdFakeRole{name: aws.ToString(in.RoleName), path: "/org-admin/",
		trust: "arn:aws:iam::999999999999:root"}
	c.f.mu.Unlock()
	return c.hrdIAMAt.CreateRole(ctx, in, opts...)
}

type supportRaceWorld struct {
	*hrdWorld
	api supportRaceAPI
}

func (w supportRaceWorld) SupportRole(estate.Location) hardening.SupportRoleAPI { return w.api }
