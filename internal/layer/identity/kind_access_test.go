package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// accApply plans desired against the world and applies the plan.
func accApply(t *testing.T, w *accWorld, desired *estate.Estate, allowDelete bool) (*plan.Plan, apply.Report, error) {
	t.Helper()
	actual := accObserve(t, w, desired.Identity)
	p := kinds.Plan(desired, actual)
	env := &kinds.Env{PollInterval: time.Millisecond, MaxPollInterval: time.Millisecond, Log: t.Logf}
	kinds.SetClients[AccessClients](env, w)
	env.Seed(actual)
	rep, err := apply.Run(context.Background(), env, p, apply.Options{AllowDelete: allowDelete})
	if err != nil {
		for _, r := range rep.Results {
			if r.Error != "" {
				err = fmt.Errorf("%w; %s: %s", err, r.Address, r.Error)
			}
		}
	}
	return p, rep, err
}

func addresses(p *plan.Plan, kind string) []string {
	var out []string
	for _, ch := range p.Changes {
		if ch.Kind == kind {
			out = append(out, ch.Action.String()+" "+ch.Address)
		}
	}
	return out
}

// An account the spec moves into an OU gets that OU's assignments in the
// same plan, after the move; the OU it leaves keeps its own.
func TestAssignmentsFollowAccountsIntoUnits(t *testing.T) {
	w := newAccWorld()
	accPrincipals(w)
	desired := accDesired()
	if _, _, err := accApply(t, w, desired, false); err != nil {
		t.Fatal(err)
	}
	desired.Accounts[accLA].Unit = "Workloads" // moved from Security
	actual := accObserve(t, w, desired.Identity)
	p := kinds.Plan(desired, actual)
	create := AssignmentAddress(estate.Assignment{PermissionSet: "ReadOnly", PrincipalType: estate.PrincipalGroup, Principal: "auditors", Account: accLA})
	remove := AssignmentAddress(estate.Assignment{PermissionSet: "LogArchiveAdminAccess", PrincipalType: estate.PrincipalGroup, Principal: "Log Archive Administrators", Account: accLA})
	got := addresses(p, KindAssignment)
	slices.Sort(got)
	if want := []string{"create " + create, "delete " + remove}; !slices.Equal(got, want) {
		t.Fatalf("assignments planned %q; want %q", got, want)
	}
	for _, ch := range p.Changes {
		if ch.Address == create && !slices.Contains(ch.DependsOn, kinds.AccountAddress(accLA)) {
			t.Errorf("the new assignment depends on %q; want it after the account's move", ch.DependsOn)
		}
	}
	// Before its principal, which the Identity Store kinds make.
	changes, _ := diffAssignments(desired, actual)
	for _, ch := range changes {
		if ch.Address == create && !slices.Contains(ch.DependsOn, "identity-store-group/auditors") {
			t.Errorf("the new assignment depends on %q; want it after the group's change", ch.DependsOn)
		}
	}
}

// Writes that touch the management account run as the management
// account; the rest as the delegated administrator of Identity Center.
func TestDelegatedAdministrationRule(t *testing.T) {
	w := newAccWorld()
	accPrincipals(w)
	desired := accDesired()
	actual := accObserve(t, w, desired.Identity)
	actual.Identity.Center.DelegatedAdmin = accLA
	for _, ch := range kinds.Plan(desired, actual).Changes {
		var via string
		switch ch.Kind {
		case KindPermissionSet:
			v, _ := plan.ValueOf[permSetValue](ch)
			via = v.Via
		case KindAssignment:
			v, _ := plan.ValueOf[assignmentValue](ch)
			via = v.Via
		default:
			continue
		}
		touches := strings.Contains(ch.Address, "AdministratorAccess") // assigned on the management account
		if want := map[bool]string{true: estate.ManagementKey, false: accLA}[touches]; via != want {
			t.Errorf("%s runs as %s; want %s", ch.Address, via, want)
		}
	}
	// Apply builds the clients there.
	p := kinds.Plan(desired, actual)
	env := &kinds.Env{PollInterval: time.Millisecond, MaxPollInterval: time.Millisecond, Log: t.Logf}
	kinds.SetClients[AccessClients](env, w)
	env.Seed(actual)
	if _, err := apply.Run(context.Background(), env, p, apply.Options{}); err != nil {
		t.Fatal(err)
	}
	if w.clientsAt[accMgmtID] == 0 || w.clientsAt[accLAID] == 0 || w.clientsAt[accWebID] != 0 {
		t.Errorf("clients built in %v; want the management account and the delegated administrator only", w.clientsAt)
	}
	// Without a delegated administrator, everything runs as the
	// management account.
	if got := writerFor(&estate.IdentityCenter{}, actual, false); got != estate.ManagementKey {
		t.Errorf("without a delegated administrator the writer is %s", got)
	}
}

// A change to a provisioned set provisions it again to every account it
// is provisioned to or assigned in, waiting on each request, and names
// every account where that failed.
func TestProvisioningAfterAChange(t *testing.T) {
	w := newAccWorld()
	accPrincipals(w)
	w.async = true
	desired := accDesired()
	if _, _, err := accApply(t, w, desired, false); err != nil {
		t.Fatal(err)
	}
	desired.Identity.Center.PermissionSets["ReadOnly"].SessionDuration = "PT4H"
	desired.Identity.Center.PermissionSets["LogArchiveAdminAccess"].Description = "changed"
	w.failProvision[accLAID] = "the customer managed policy log-archive-admin does not exist in the account"
	w.writes = nil
	_, _, err := accApply(t, w, desired, false)
	if err == nil || !strings.Contains(err.Error(), "log-archive@example.com: AWS could not carry it out: the customer managed policy log-archive-admin does not exist") {
		t.Errorf("apply: %v; want the failure named by account", err)
	}
	if !slices.Contains(w.writeLog(), "ProvisionPermissionSet ReadOnly "+accWebID) || w.calls["DescribePermissionSetProvisioningStatus"] == 0 {
		t.Errorf("writes %q; want ReadOnly provisioned to web-prod, waited on", w.writeLog())
	}
	// The failed account stays out of date: the next plan provisions it.
	delete(w.failProvision, accLAID)
	p := kinds.Plan(desired, accObserve(t, w, desired.Identity))
	if got := addresses(p, KindPermissionSet); !slices.Equal(got, []string{"update " + PermissionSetAddress("LogArchiveAdminAccess")}) {
		t.Errorf("after the failure the plan holds %q; want the Log Archive set provisioned again", got)
	}
	if _, _, err := accApply(t, w, desired, false); err != nil {
		t.Fatal(err)
	}
	if p := kinds.Plan(desired, accObserve(t, w, desired.Identity)); p.HasChanges() {
		t.Errorf("after provisioning the plan still holds %q", addresses(p, KindPermissionSet))
	}
}

// Where the endpoint cannot read tags and boundaries (moto 5.2), they are
// not compared, the plan says so, and no tag or boundary write is made.
func TestUnreadAttributesAreNotCompared(t *testing.T) {
	w := newAccWorld()
	accPrincipals(w)
	desired := accDesired()
	if _, _, err := accApply(t, w, desired, false); err != nil {
		t.Fatal(err)
	}
	w.lacks["ListTagsForResource"], w.lacks["GetPermissionsBoundaryForPermissionSet"] = true, true
	desired.Identity.Center.PermissionSets["LogArchiveAdminAccess"].Tags = map[string]string{"Owner": "someone else"}
	p := kinds.Plan(desired, accObserve(t, w, desired.Identity))
	if got := addresses(p, KindPermissionSet); len(got) != 0 {
		t.Errorf("planned %q; want nothing, tags and boundary unread", got)
	}
	if !slices.ContainsFunc(p.Notes, func(n string) bool {
		return strings.Contains(n, "LogArchiveAdminAccess") && strings.Contains(n, "not compared")
	}) {
		t.Errorf("notes %q; want one saying the set's tags and boundary are not compared", p.Notes)
	}
}

// Assignments of permission sets the spec does not declare are never
// planned, not even with --allow-delete.
func TestAssignmentsOfOtherSetsAreLeft(t *testing.T) {
	w := newAccWorld()
	_, _, auditors := accPrincipals(w)
	other := w.addSet(&accSet{name: "Billing", duration: "PT1H"})
	w.assign(other, accMgmtID, "GROUP", auditors)
	p, _, err := accApply(t, w, accDesired(), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addresses(p, KindAssignment) {
		if strings.Contains(a, "Billing") {
			t.Errorf("planned %s", a)
		}
	}
	if !w.assigned[other+" "+accMgmtID+" GROUP "+auditors] {
		t.Error("the Billing assignment was removed")
	}
}

// The assignments find their set's ARN as the plan read it, or as the
// set's change in the same apply recorded it, without listing and
// describing every set of the instance once per assignment.
func TestAssignmentsFindTheirSetWithoutALookUp(t *testing.T) {
	w := newAccWorld()
	accPrincipals(w)
	desired := accDesired()
	if _, _, err := accApply(t, w, desired, false); err != nil { // every set made in this apply
		t.Fatal(err)
	}
	if n := w.calls["ListPermissionSets"]; n != 1 {
		t.Errorf("%d ListPermissionSets in the read and the apply; want the read's one (a create looks the set up only after an error)", n)
	}
	// A set made before the plan: its new assignment takes the ARN read.
	desired.Identity.Center.Grants = append(desired.Identity.Center.Grants,
		estate.Grant{PermissionSet: "ReadOnly", Groups: []string{"auditors"}, Accounts: []string{accLA}})
	w.calls = map[string]int{}
	p, _, err := accApply(t, w, desired, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := addresses(p, KindAssignment); len(got) != 1 || w.calls["ListPermissionSets"] != 1 {
		t.Errorf("planned %q with %d ListPermissionSets; want one assignment and the read's one call", got, w.calls["ListPermissionSets"])
	}
}
