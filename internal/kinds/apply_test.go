package kinds_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// createLogArchive is the change that creates the log-archive account,
// tagged Owner=security, in the Security OU.
func createLogArchive(t *testing.T) plan.Change {
	desired, actual := kindstest.DesiredEstate(), kindstest.MatchingEstate()
	desired.Accounts[kindstest.LogEmail].Tags = map[string]string{"Owner": "security"}
	delete(actual.Accounts, kindstest.LogEmail)
	return kindstest.Planned(t, desired, actual, kinds.AccountAddress(kindstest.LogEmail))
}

// moveLogArchive is the change that moves the log-archive account from
// the root into the Security OU.
func moveLogArchive(t *testing.T) plan.Change {
	actual := kindstest.MatchingEstate()
	actual.Accounts[kindstest.LogEmail].Unit = estate.RootPath
	return kindstest.Planned(t, kindstest.DesiredEstate(), actual, kinds.AccountAddress(kindstest.LogEmail))
}

func TestCreateAccount(t *testing.T) {
	tests := map[string]struct {
		setup   func(f *kindstest.FakeOrg)
		wantErr string
		// calls are exact counts of the listed operations.
		calls map[string]int
		// wantID is the ID the account must end up with; "" for a new one.
		wantID string
		// wantTags says the spec's tags must be on the account.
		wantTags bool
		// recovers says the apply must report a recovery.
		recovers bool
	}{
		"creates and polls until SUCCEEDED": {
			setup:    func(f *kindstest.FakeOrg) { f.CreatePolls = 3 },
			calls:    map[string]int{"ListAccounts": 1, "ListCreateAccountStatus": 1, "CreateAccount": 1, "DescribeCreateAccountStatus": 4, "MoveAccount": 1},
			wantTags: true,
		},
		"adopts the account that has the e-mail and moves it": {
			// AWS compares e-mails without regard to case.
			setup:    func(f *kindstest.FakeOrg) { f.AddAccount("333333333333", "log-archive", "Log@Example.com", f.Root) },
			calls:    map[string]int{"ListAccounts": 1, "ListCreateAccountStatus": 0, "CreateAccount": 0, "MoveAccount": 1, "TagResource": 1},
			wantID:   "333333333333",
			wantTags: true,
		},
		"waits for an in-flight request with the same name": {
			setup:  func(f *kindstest.FakeOrg) { f.AddRequest("car-earlier", "log-archive", kindstest.LogEmail, 2) },
			calls:  map[string]int{"ListCreateAccountStatus": 1, "CreateAccount": 0, "DescribeCreateAccountStatus": 3, "MoveAccount": 1},
			wantID: "",
		},
		"adopts the account when the request fails with EMAIL_ALREADY_EXISTS": {
			setup: func(f *kindstest.FakeOrg) {
				f.CreatePolls = 1
				// Someone else creates it while our request runs.
				f.OnCreateAccount = func() { f.AddAccount("444444444444", "log-archive", kindstest.LogEmail, f.Root) }
			},
			calls:  map[string]int{"CreateAccount": 1, "ListAccounts": 2, "MoveAccount": 1},
			wantID: "444444444444",
			// Tags are not checked: createAccount does not tag an account
			// it adopts this way (reported; the next plan shows the drift).
		},
		"looks for the request whose response was lost instead of creating again": {
			setup: func(f *kindstest.FakeOrg) {
				f.CreatePolls = 1
				f.LoseResponses = map[string]int{"CreateAccount": 1}
			},
			calls:    map[string]int{"CreateAccount": 1, "ListCreateAccountStatus": 2, "MoveAccount": 1},
			wantTags: true,
			recovers: true,
		},
		"returns an error on any other failure": {
			setup:   func(f *kindstest.FakeOrg) { f.FailCreate = types.CreateAccountFailureReasonAccountLimitExceeded },
			wantErr: "ACCOUNT_LIMIT_EXCEEDED",
			calls:   map[string]int{"CreateAccount": 1, "MoveAccount": 0, "ListParents": 0},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := kindstest.NewFakeOrg()
			f.AddUnit("ou-sec", "Security", f.Root)
			tt.setup(f)
			env := kindstest.NewEnv(t, f)
			env.SeedIDs(f.Root, map[string]string{"Security": "ou-sec"}, nil)

			err := kindstest.ApplyChange(t, env, createLogArchive(t))
			for op, want := range tt.calls {
				if got := f.Count(op); got != want {
					t.Errorf("%s called %d times, want %d", op, got, want)
				}
			}
			id := f.AccountByEmail(kindstest.LogEmail)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if id != "" {
					t.Errorf("account %s exists after a failed create", id)
				}
				return
			}
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if id == "" || (tt.wantID != "" && id != tt.wantID) {
				t.Fatalf("account with the e-mail is %q, want %q", id, tt.wantID)
			}
			if got := f.ParentOf(id); got != "ou-sec" {
				t.Errorf("account %s is in %q, want ou-sec", id, got)
			}
			if tt.wantTags {
				if got := f.TagsOf(id); got["Owner"] != "security" {
					t.Errorf("account tags %v, want Owner=security", got)
				}
			}
			if got := env.Recoveries(); (len(got) > 0) != tt.recovers {
				t.Errorf("recoveries %q, want some: %v", got, tt.recovers)
			}
			for _, in := range f.Created {
				if aws.ToString(in.RoleName) != kindstest.AccessRole {
					t.Errorf("CreateAccount RoleName %q, want %q", aws.ToString(in.RoleName), kindstest.AccessRole)
				}
			}
		})
	}
}

func TestCreateUnit(t *testing.T) {
	desired, actual := kindstest.DesiredEstate(), kindstest.MatchingEstate()
	desired.Units["Security"].Tags = map[string]string{"Owner": "security"}
	delete(actual.Units, "Security")
	create := kindstest.Planned(t, desired, actual, kinds.UnitAddress("Security"))
	tests := map[string]struct {
		existing string // ID of an OU named Security already under the root
		lose     bool   // the response to CreateOrganizationalUnit is lost
		creates  int
	}{
		"creates a missing OU":                       {creates: 1},
		"adopts an OU of the same name":              {existing: "ou-earlier", creates: 0},
		"adopts the OU whose create lost a response": {lose: true, creates: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := kindstest.NewFakeOrg()
			if tt.existing != "" {
				f.AddUnit(tt.existing, "Security", f.Root)
			}
			f.AddAccount(kindstest.LogID, "log-archive", kindstest.LogEmail, f.Root)
			if tt.lose {
				f.LoseResponses = map[string]int{"CreateOrganizationalUnit": 1}
			}
			env := kindstest.NewEnv(t, f) // not seeded: the root comes from ListRoots

			if err := kindstest.ApplyChange(t, env, create); err != nil {
				t.Fatalf("create unit: %v", err)
			}
			if got := f.Count("CreateOrganizationalUnit"); got != tt.creates {
				t.Errorf("CreateOrganizationalUnit called %d times, want %d", got, tt.creates)
			}
			var id string
			for uid, u := range f.Units {
				if u.Name == "Security" {
					id = uid
				}
			}
			if len(f.Units) != 1 || (tt.existing != "" && id != tt.existing) {
				t.Fatalf("units %v, want one Security (%q)", f.Units, tt.existing)
			}
			if got := f.TagsOf(id); got["Owner"] != "security" {
				t.Errorf("unit tags %v, want Owner=security", got)
			}
			// Later changes find the unit by path.
			if err := kindstest.ApplyChange(t, env, moveLogArchive(t)); err != nil {
				t.Fatalf("move account: %v", err)
			}
			if got := f.ParentOf(kindstest.LogID); got != id {
				t.Errorf("account is in %q, want the unit %q", got, id)
			}
		})
	}
}

func TestMoveAccount(t *testing.T) {
	move := moveLogArchive(t)
	tests := map[string]struct {
		parent string // where the account is when apply runs
		moves  int
	}{
		"moves an account that is elsewhere":          {parent: "r-root", moves: 1},
		"skips MoveAccount when already in place":     {parent: "ou-sec", moves: 0},
		"moves from where it is, not from the plan's": {parent: "ou-other", moves: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := kindstest.NewFakeOrg()
			f.AddUnit("ou-sec", "Security", f.Root)
			f.AddUnit("ou-other", "Other", f.Root)
			f.AddAccount(kindstest.LogID, "log-archive", kindstest.LogEmail, tt.parent)
			env := kindstest.NewEnv(t, f)
			env.SeedIDs(f.Root, map[string]string{"Security": "ou-sec", "Other": "ou-other"}, map[string]string{kindstest.LogEmail: kindstest.LogID})

			if err := kindstest.ApplyChange(t, env, move); err != nil {
				t.Fatalf("apply: %v", err)
			}
			if got := f.Count("MoveAccount"); got != tt.moves {
				t.Errorf("MoveAccount called %d times, want %d", got, tt.moves)
			}
			if got := f.ParentOf(kindstest.LogID); got != "ou-sec" {
				t.Errorf("account is in %q, want ou-sec", got)
			}
			if got := f.Count("TagResource"); got != 0 {
				t.Errorf("TagResource called %d times for a change without tags", got)
			}
		})
	}
}

// TestApplyAfterLostResponses builds a foundation from nothing while the
// first response of CreateOrganization, CreateOrganizationalUnit and
// CreateAccount is lost: one run applies everything, creates each thing
// once, and reports the three recoveries.
func TestApplyAfterLostResponses(t *testing.T) {
	f := kindstest.NewFakeOrg()
	f.InUse = false
	f.CreatePolls = 1
	f.LoseResponses = map[string]int{"CreateOrganization": 1, "CreateOrganizationalUnit": 1, "CreateAccount": 1}
	p := kinds.Plan(kindstest.DesiredEstate(), estate.New())
	rep, err := apply.Run(context.Background(), kindstest.NewEnv(t, f), p, apply.Options{})
	if err != nil || rep.Count(apply.Applied) != len(p.Changes) {
		t.Fatalf("apply: %v (%+v)", err, rep)
	}
	for op, n := range map[string]int{"CreateOrganization": 1, "CreateOrganizationalUnit": 3, "CreateAccount": 2} {
		if got := f.Count(op); got != n {
			t.Errorf("%s called %d times, want %d", op, got, n)
		}
	}
	if len(f.Accounts) != 2 || len(f.Units) != 3 {
		t.Errorf("%d accounts and %d units, want 2 and 3", len(f.Accounts), len(f.Units))
	}
	if len(rep.Recovered) != 3 {
		t.Errorf("recovered %q, want 3", rep.Recovered)
	}
}

// TestApplyTwice builds a foundation from nothing through apply.Run, then
// runs the same plan again as after a kill: the second run must adopt
// everything and create nothing.
func TestApplyTwice(t *testing.T) {
	f := kindstest.NewFakeOrg()
	f.InUse = false
	f.CreatePolls = 1
	p := kinds.Plan(kindstest.DesiredEstate(), estate.New())
	for run := 1; run <= 2; run++ {
		rep, err := apply.Run(context.Background(), kindstest.NewEnv(t, f), p, apply.Options{})
		if err != nil {
			t.Fatalf("run %d: %v (%+v)", run, err, rep)
		}
		if n := rep.Count(apply.Applied); n != len(p.Changes) {
			t.Fatalf("run %d: %d of %d changes applied: %+v", run, n, len(p.Changes), rep)
		}
	}
	want := map[string]int{"CreateOrganization": 1, "CreateOrganizationalUnit": 3, "CreateAccount": 2}
	for op, n := range want {
		if got := f.Count(op); got != n {
			t.Errorf("%s called %d times over two runs, want %d", op, got, n)
		}
	}
	got := map[string]string{} // e-mail -> unit path
	for _, a := range f.Accounts {
		got[a.Email] = f.PathOf(a.Parent)
	}
	if want := map[string]string{kindstest.LogEmail: "Security", kindstest.PaymentsEmail: "Workloads/Prod"}; !maps.Equal(got, want) {
		t.Errorf("accounts by unit %v, want %v", got, want)
	}
	if tags := f.TagsOf(f.AccountByEmail(kindstest.PaymentsEmail)); tags["CostCenter"] != "FIN123" || tags["Owner"] != "payments" {
		t.Errorf("payments tags %v", tags)
	}
}

// fakeOrgState is what a FakeOrg holds, by name: each unit's path and
// tags, each account's unit path and tags.
func fakeOrgState(f *kindstest.FakeOrg) map[string]string {
	out := map[string]string{}
	for id := range f.Units {
		out["unit "+f.PathOf(id)] = fmt.Sprint(f.TagsOf(id))
	}
	for id, a := range f.Accounts {
		out["account "+a.Email] = f.PathOf(a.Parent) + " " + fmt.Sprint(f.TagsOf(id))
	}
	return out
}

// TestSavedPlanAppliesTheSame: a plan saved to JSON and read back makes
// the same writes, and the same organization, as the plan Diff made, for
// creates, moves, tags and deletes.
func TestSavedPlanAppliesTheSame(t *testing.T) {
	tests := map[string]func() (*kindstest.FakeOrg, *estate.Estate){
		"from nothing": func() (*kindstest.FakeOrg, *estate.Estate) {
			f := kindstest.NewFakeOrg()
			f.InUse = false
			f.CreatePolls = 1
			return f, estate.New()
		},
		"drifted": func() (*kindstest.FakeOrg, *estate.Estate) {
			f := kindstest.NewFakeOrg()
			f.Root = "r-root"
			for _, u := range [][3]string{{"ou-sec", "Security", "r-root"}, {"ou-wl", "Workloads", "r-root"},
				{"ou-prod", "Prod", "ou-wl"}, {"ou-old", "Old", "r-root"}} {
				f.AddUnit(u[0], u[1], u[2])
			}
			f.AddAccount(kindstest.LogID, "log-archive", kindstest.LogEmail, "r-root")
			f.AddAccount(kindstest.PaymentsID, "payments-prod", kindstest.PaymentsEmail, "ou-prod")
			actual := kindstest.MatchingEstate()
			kindstest.AddUnit(actual, "ou-old", "Old", nil)
			actual.Accounts[kindstest.LogEmail].Unit = estate.RootPath
			actual.Units["Workloads"].Tags = map[string]string{"Owner": "someone"}
			actual.Accounts[kindstest.PaymentsEmail].Tags = map[string]string{"CostCenter": "OLD"}
			return f, actual
		},
	}
	writes := []string{"CreateOrganization", "CreateOrganizationalUnit", "DeleteOrganizationalUnit", "CreateAccount", "MoveAccount", "TagResource"}
	for name, setup := range tests {
		t.Run(name, func(t *testing.T) {
			var calls [2]map[string]int
			var state [2]map[string]string
			for i, saved := range []bool{false, true} {
				f, actual := setup()
				p := kinds.Plan(kindstest.DesiredEstate(), actual)
				if saved {
					b, err := p.Marshal()
					if err != nil {
						t.Fatal(err)
					}
					if p, err = plan.Unmarshal(b); err != nil {
						t.Fatal(err)
					}
				}
				env := kindstest.NewEnv(t, f)
				if actual.Organization != nil {
					units, accounts := map[string]string{}, map[string]string{}
					for path, u := range actual.Units {
						units[path] = u.ID
					}
					for key, a := range actual.Accounts {
						accounts[key] = a.ID
					}
					env.SeedIDs(f.Root, units, accounts)
				}
				rep, err := apply.Run(context.Background(), env, p, apply.Options{AllowDelete: true})
				if err != nil || rep.Count(apply.Applied) != len(p.Changes) {
					t.Fatalf("apply: %v %+v", err, rep)
				}
				calls[i] = map[string]int{}
				for _, op := range writes {
					calls[i][op] = f.Count(op)
				}
				state[i] = fakeOrgState(f)
			}
			if !maps.Equal(calls[0], calls[1]) {
				t.Errorf("writes from the saved plan %v, from the plan in memory %v", calls[1], calls[0])
			}
			if !maps.Equal(state[0], state[1]) {
				t.Errorf("the saved plan made\n %v\nthe plan in memory\n %v", state[1], state[0])
			}
		})
	}
}
