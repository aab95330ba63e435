package hardening_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/hardening"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// hrdEnv is an Env whose hardening clients are the fake world, with
// account IDs resolved from actual.
func hrdEnv(t *testing.T, world *hrdWorld, actual *estate.Estate) *kinds.Env {
	env := &kinds.Env{Log: t.Logf}
	kinds.SetClients[hardening.Clients](env, world)
	env.SeedActual(actual)
	return env
}

// hrdBareWorld is an organization nothing has hardened: a default VPC
// with two subnets and an internet gateway in log-archive's home Region,
// one with an instance in web-prod, and two IAM users in the management
// account, one of them holding one of everything.
func hrdBareWorld() *hrdWorld {
	w := newHrdWorld()
	w.vpcs[estate.Location{Account: hrdLAID, Region: "us-east-1"}] = &hrdFakeVPC{id: "vpc-la", isDefault: true,
		subnets: []string{"subnet-a", "subnet-b"}, gateways: []string{"igw-1"}}
	w.vpcs[estate.Location{Account: hrdWebID, Region: "eu-west-1"}] = &hrdFakeVPC{id: "vpc-web", isDefault: true, enis: 1,
		subnets: []string{"subnet-w"}}
	w.users["alice"] = &hrdFakeUser{arn: "arn:aws:iam::111111111111:user/alice", password: true,
		keys: []string{"AKIA1", "AKIA2"}, mfa: []string{"arn:aws:iam::111111111111:mfa/alice", "GAHT12345678"},
		certs: []string{"cert-1"}, ssh: []string{"APKA1"}, attached: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
		inline: []string{"own"}, groups: []string{"admins", "devs"}}
	w.users["ci"] = &hrdFakeUser{arn: hrdCaller, keys: []string{"AKIACI"}}
	return w
}

// hrdChanges returns the plan's changes of the hardening kinds.
func hrdChanges(p *plan.Plan) []plan.Change {
	var out []plan.Change
	for _, ch := range p.Changes {
		if slices.Contains(hrdKinds, ch.Kind) {
			out = append(out, ch)
		}
	}
	return out
}

// hrdOnly is the plan reduced to the hardening changes, so that apply
// runs them alone.
func hrdOnly(p *plan.Plan) *plan.Plan {
	q := *p
	q.Changes = hrdChanges(p)
	for i := range q.Changes {
		q.Changes[i].DependsOn = nil // organization and accounts exist
	}
	return &q
}

func TestApplyHardeningFromScratch(t *testing.T) {
	world := hrdBareWorld()
	desired, base := hrdEstates(t, "{management_iam_users: delete}")
	actual := world.observe(base, desired.Hardening)
	actual.Hardening.Caller = hrdCaller
	p := hrdOnly(kinds.Plan(desired, actual))
	if n := len(p.Changes); n != 8 { // 3 policies, 3 blocks, 1 VPC, 1 user
		t.Fatalf("%d hardening changes, want 8: %+v", n, p.Changes)
	}
	env := hrdEnv(t, world, actual)

	// Without --allow-delete the deletes are held and nothing is deleted.
	rep, err := apply.Run(context.Background(), env, p, apply.Options{Width: 4})
	if err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
	if rep.Count(apply.Applied) != 6 || rep.Count(apply.Held) != 2 {
		t.Errorf("apply without --allow-delete: %+v", rep.Results)
	}
	if world.vpcs[estate.Location{Account: hrdLAID, Region: "us-east-1"}] == nil || world.users["alice"] == nil {
		t.Fatalf("a held delete ran")
	}

	// --allow-delete does not give the default VPCs: they are confirmed
	// on their own.
	rep, err = apply.Run(context.Background(), env, p, apply.Options{Width: 4, AllowDelete: true})
	if err != nil {
		t.Fatalf("apply --allow-delete: %v\n%+v", err, rep)
	}
	if rep.Count(apply.Held) != 1 || world.vpcs[estate.Location{Account: hrdLAID, Region: "us-east-1"}] == nil {
		t.Errorf("apply --allow-delete deleted the default VPC or held more: %+v", rep.Results)
	}
	rep, err = apply.Run(context.Background(), env, p, apply.Options{Width: 4, Confirmed: []string{hardening.ConfirmDefaultVPCs}})
	if err != nil || rep.Count(apply.Held) != 1 {
		t.Fatalf("apply --%s: %v\n%+v", hardening.ConfirmDefaultVPCs, err, rep)
	}
	for _, id := range []string{hrdMgmtID, hrdLAID, hrdWebID} {
		pp := world.policies[id]
		if pp == nil || aws.ToInt32(pp.MinimumPasswordLength) != 14 || aws.ToInt32(pp.MaxPasswordAge) != 90 ||
			aws.ToInt32(pp.PasswordReusePrevention) != 24 || !pp.RequireSymbols || !pp.RequireUppercaseCharacters ||
			!pp.RequireLowercaseCharacters || !pp.RequireNumbers || !pp.AllowUsersToChangePassword || aws.ToBool(pp.HardExpiry) {
			t.Errorf("password policy of %s = %+v", id, pp)
		}
		b := world.blocks[id]
		if b == nil || aws.ToString(b.AccountId) != id || !aws.ToBool(b.PublicAccessBlockConfiguration.BlockPublicAcls) ||
			!aws.ToBool(b.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
			t.Errorf("Block Public Access of %s = %+v", id, b)
		}
	}
	if world.vpcs[estate.Location{Account: hrdLAID, Region: "us-east-1"}] != nil {
		t.Errorf("the empty default VPC is still there")
	}
	if world.vpcs[estate.Location{Account: hrdWebID, Region: "eu-west-1"}] == nil {
		t.Errorf("the default VPC with an instance was deleted")
	}
	if _, ok := world.users["alice"]; ok {
		t.Errorf("alice is still there")
	}
	if _, ok := world.users["ci"]; !ok {
		t.Errorf("the user groundwork runs as was deleted")
	}

	// Read back, only the kept VPC's note is left.
	again := world.observe(base, desired.Hardening)
	again.Hardening.Caller = hrdCaller
	changes, notes := hrdDiff(t, desired, again)
	if len(changes) != 0 {
		t.Errorf("second plan: %+v", changes)
	}
	kindstest.CheckNotes(t, notes, []string{"default VPC vpc-web", "IAM user ci of the management account kept"})

	// Applying the same plan again (a rerun after a kill) is safe: the
	// puts repeat, the deletes find nothing left.
	writes := len(world.writeLog())
	if rep, err := apply.Run(context.Background(), env, p, apply.Options{Width: 4, AllowDelete: true, Confirmed: []string{hardening.ConfirmDefaultVPCs}}); err != nil {
		t.Fatalf("apply again: %v\n%+v", err, rep)
	}
	if got := world.writeLog()[writes:]; len(got) != 6 {
		t.Errorf("second apply wrote %q, want only the six puts", got)
	}
}

func TestApplyDefaultVPC(t *testing.T) {
	la := estate.Location{Account: hrdLAID, Region: "us-east-1"}
	desired, planned := hrdEstates(t, "{}")
	addDefaultVPC(planned, hrdLA, "us-east-1", "vpc-la", 0)
	change := hrdChange(t, desired, planned, hardening.DefaultVPCAddress(estate.Where{Account: hrdLA, Region: "us-east-1"}))
	tests := map[string]struct {
		setup   func(w *hrdWorld)
		wantErr string
		writes  []string
	}{
		"subnets, then the gateway, then the VPC": {
			writes: []string{
				"DeleteSubnet 222222222222 us-east-1 subnet-a", "DeleteSubnet 222222222222 us-east-1 subnet-b",
				"DetachInternetGateway 222222222222 us-east-1 igw-1", "DeleteInternetGateway 222222222222 us-east-1 igw-1",
				"DeleteVpc 222222222222 us-east-1 vpc-la",
			},
		},
		"without a gateway (as moto makes them)": {
			setup:  func(w *hrdWorld) { w.vpcs[la].gateways = nil },
			writes: []string{"DeleteSubnet 222222222222 us-east-1 subnet-a", "DeleteSubnet 222222222222 us-east-1 subnet-b", "DeleteVpc 222222222222 us-east-1 vpc-la"},
		},
		"already gone": {
			setup: func(w *hrdWorld) { delete(w.vpcs, la) },
		},
		"something started in it since the plan": {
			setup:   func(w *hrdWorld) { w.onDescribeVpcs = func() { w.mu.Lock(); w.vpcs[la].enis = 2; w.mu.Unlock() } },
			wantErr: "has 2 network interfaces since the plan was made; it is kept",
		},
		"no longer the default VPC": {
			setup:   func(w *hrdWorld) { w.vpcs[la].isDefault = false },
			wantErr: "is not a default VPC",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			world := hrdBareWorld()
			if tt.setup != nil {
				tt.setup(world)
			}
			_, actual := hrdEstates(t, "{}")
			err := kindstest.ApplyChange(t, hrdEnv(t, world, actual), change)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && !strings.Contains(fmt.Sprint(err), tt.wantErr) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if got := world.writeLog(); !slices.Equal(got, tt.writes) {
				t.Errorf("writes:\n got  %q\n want %q", got, tt.writes)
			}
			// Success leaves no VPC; a refusal keeps it whole.
			if gone := world.vpcs[la] == nil; gone != (tt.wantErr == "") {
				t.Errorf("VPC gone = %v after error %v", gone, err)
			}
			if v := world.vpcs[la]; v != nil && len(v.subnets) != 2 {
				t.Errorf("a kept VPC lost its subnets: %+v", v)
			}
		})
	}
}

func TestApplyManagementUser(t *testing.T) {
	desired, planned := hrdEstates(t, "{management_iam_users: delete}")
	addUsers(planned, "alice")
	change := hrdChange(t, desired, planned, hardening.ManagementIAMUserAddress("alice"))
	t.Run("everything it holds first", func(t *testing.T) {
		world := hrdBareWorld()
		_, actual := hrdEstates(t, "{}")
		if err := kindstest.ApplyChange(t, hrdEnv(t, world, actual), change); err != nil {
			t.Fatal(err)
		}
		want := []string{
			"DeleteAccessKey alice AKIA1", "DeleteAccessKey alice AKIA2", "DeleteLoginProfile alice",
			"DeactivateMFADevice alice arn:aws:iam::111111111111:mfa/alice", "DeleteVirtualMFADevice arn:aws:iam::111111111111:mfa/alice",
			"DeactivateMFADevice alice GAHT12345678", // hardware: detached, not deleted
			"DeleteSigningCertificate alice cert-1", "DeleteSSHPublicKey alice APKA1",
			"DetachUserPolicy alice arn:aws:iam::aws:policy/ReadOnlyAccess", "DeleteUserPolicy alice own",
			"RemoveUserFromGroup alice admins", "RemoveUserFromGroup alice devs", "DeleteUser alice",
		}
		if got := world.writeLog(); !slices.Equal(got, want) {
			t.Errorf("writes:\n got  %q\n want %q", got, want)
		}
		if world.count("ListServiceSpecificCredentials") != 0 {
			t.Errorf("service-specific credentials looked for without a DeleteConflict")
		}
	})
	t.Run("service-specific credentials when IAM says something is left", func(t *testing.T) {
		world := hrdBareWorld()
		world.users["alice"].svc = []string{"ACCA1", "ACCA2"}
		_, actual := hrdEstates(t, "{}")
		if err := kindstest.ApplyChange(t, hrdEnv(t, world, actual), change); err != nil {
			t.Fatal(err)
		}
		log := world.writeLog()
		tail := log[len(log)-4:]
		want := []string{"DeleteUser alice", "DeleteServiceSpecificCredential alice ACCA1", "DeleteServiceSpecificCredential alice ACCA2", "DeleteUser alice"}
		if !slices.Equal(tail, want) {
			t.Errorf("last writes %q, want %q", tail, want)
		}
		if _, ok := world.users["alice"]; ok {
			t.Errorf("alice is still there")
		}
	})
	t.Run("already gone", func(t *testing.T) {
		world := hrdBareWorld()
		delete(world.users, "alice")
		_, actual := hrdEstates(t, "{}")
		if err := kindstest.ApplyChange(t, hrdEnv(t, world, actual), change); err != nil {
			t.Fatal(err)
		}
		if got := world.writeLog(); len(got) != 0 {
			t.Errorf("writes for a user already gone: %q", got)
		}
	})
}

func TestApplyPasswordPolicyOffValues(t *testing.T) {
	world := newHrdWorld()
	desired, actual := hrdEstates(t, "{password_policy: {max_age_days: 0, reuse_prevention: 0}}")
	delete(actual.Hardening.PasswordPolicies, hrdLA)
	ch := hrdChange(t, desired, actual, hardening.PasswordPolicyAddress(hrdLA))
	ch.DependsOn = nil // the account exists
	if err := kindstest.ApplyChange(t, hrdEnv(t, world, actual), ch); err != nil {
		t.Fatal(err)
	}
	p := world.policies[hrdLAID]
	if p.MaxPasswordAge != nil || p.PasswordReusePrevention != nil {
		t.Errorf("0 must leave expiry and reuse prevention out: %+v", p)
	}
	// A saved plan edited by hand: a malformed number is refused, never
	// read as 0.
	ch = kindstest.Saved(t, &plan.Plan{FormatVersion: plan.FormatVersion, Fingerprint: "f", Changes: []plan.Change{ch}}).Changes[0]
	ch.Value.(map[string]any)["policy"].(map[string]any)["MaxAgeDays"] = "ninety"
	if err := kindstest.ApplyChange(t, hrdEnv(t, world, actual), ch); !strings.Contains(fmt.Sprint(err), "make the plan again") {
		t.Errorf("malformed number: %v", err)
	}
}

func TestApplyHardeningNeedsItsClients(t *testing.T) {
	desired, actual := hrdEstates(t, "{management_iam_users: delete}")
	delete(actual.Hardening.PasswordPolicies, hrdLA)
	delete(actual.Hardening.PublicAccessBlocks, hrdLA)
	addDefaultVPC(actual, hrdLA, "us-east-1", "vpc-la", 0)
	addUsers(actual, "alice")
	changes, _ := hrdDiff(t, desired, actual)
	if len(changes) != 4 {
		t.Fatalf("%d changes, want one of each kind: %+v", len(changes), changes)
	}
	env := &kinds.Env{Log: t.Logf}
	env.SeedActual(actual)
	for _, ch := range changes {
		if err := kindstest.ApplyChange(t, env, ch); err == nil || !strings.Contains(err.Error(), "no hardening clients") {
			t.Errorf("%s without clients: %v", ch.Kind, err)
		}
	}
}

func TestApplyHardeningInAnAccountNotCreated(t *testing.T) {
	world := newHrdWorld()
	desired, actual := hrdEstates(t, "{}")
	delete(actual.Hardening.PublicAccessBlocks, hrdWeb)
	ch := hrdChange(t, desired, actual, hardening.AccountPublicAccessBlockAddress(hrdWeb))
	delete(actual.Accounts, hrdWeb)
	err := kindstest.ApplyChange(t, hrdEnv(t, world, actual), ch)
	if err == nil || !strings.Contains(err.Error(), "does not exist yet") {
		t.Errorf("error = %v", err)
	}
	if len(world.writeLog()) != 0 {
		t.Errorf("wrote %q", world.writeLog())
	}
}

// TestHardeningSavedPlanAppliesTheSame: a plan saved to JSON and read
// back makes the same writes as the plan Diff made, for every kind.
func TestHardeningSavedPlanAppliesTheSame(t *testing.T) {
	var logs [2][]string
	var worlds [2]*hrdWorld
	for i, saved := range []bool{false, true} {
		world := hrdBareWorld()
		desired, base := hrdEstates(t, "{management_iam_users: delete}")
		actual := world.observe(base, desired.Hardening)
		actual.Hardening.Caller = hrdCaller
		p := hrdOnly(kinds.Plan(desired, actual))
		if saved {
			p = kindstest.Saved(t, p)
		}
		kindsSeen := map[string]bool{}
		for _, ch := range p.Changes {
			kindsSeen[ch.Kind] = true
		}
		if len(kindsSeen) != len(hrdKinds) {
			t.Fatalf("the plan has changes of %v, want every hardening kind", kindsSeen)
		}
		rep, err := apply.Run(context.Background(), hrdEnv(t, world, actual), p, apply.Options{Width: 1, AllowDelete: true})
		if err != nil {
			t.Fatalf("apply: %v\n%+v", err, rep)
		}
		logs[i], worlds[i] = world.writeLog(), world
		slices.Sort(logs[i])
	}
	if !slices.Equal(logs[0], logs[1]) {
		t.Errorf("writes from the saved plan:\n %q\nfrom the plan in memory:\n %q", logs[1], logs[0])
	}
	if !reflect.DeepEqual(worlds[0].policies, worlds[1].policies) || !reflect.DeepEqual(worlds[0].blocks, worlds[1].blocks) {
		t.Errorf("the saved plan put\n %+v %+v\nthe plan in memory\n %+v %+v", worlds[1].policies, worlds[1].blocks, worlds[0].policies, worlds[0].blocks)
	}
}
