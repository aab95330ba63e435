package kinds_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

const (
	logEmail      = "log@example.com"
	paymentsEmail = "payments@example.com"
	managementID  = "000000000001"
	logID         = "111111111111"
	paymentsID    = "222222222222"
)

// desiredEstate is what a small spec asks for: three units, two accounts.
func desiredEstate() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{FeatureSet: "ALL", ManagementAccountEmail: "root@example.com"}
	addUnit(e, "", "Security", nil)
	addUnit(e, "", "Workloads", map[string]string{"Owner": "platform"})
	addUnit(e, "", "Workloads/Prod", nil)
	addAccount(e, &estate.Account{Key: "log-archive", Name: "log-archive", Email: logEmail, Unit: "Security"})
	addAccount(e, &estate.Account{Key: "payments-prod", Name: "payments-prod", Email: paymentsEmail, Unit: "Workloads/Prod",
		Tags: map[string]string{"Owner": "payments", "CostCenter": "FIN123"}})
	return e
}

// matchingEstate is an organization that already is what desiredEstate
// asks for, plus its management account.
func matchingEstate() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", RootID: "r-root", FeatureSet: "ALL",
		ManagementAccountID: managementID, ManagementAccountEmail: "root@example.com"}
	addUnit(e, "ou-sec", "Security", nil)
	addUnit(e, "ou-wl", "Workloads", map[string]string{"Owner": "platform"})
	addUnit(e, "ou-prod", "Workloads/Prod", nil)
	addAccount(e, &estate.Account{ID: managementID, Name: "management", Email: "root@example.com", Status: "ACTIVE", Unit: ""})
	addAccount(e, &estate.Account{ID: logID, Name: "log-archive", Email: logEmail, Status: "ACTIVE", Unit: "Security"})
	addAccount(e, &estate.Account{ID: paymentsID, Name: "payments-prod", Email: paymentsEmail, Status: "ACTIVE", Unit: "Workloads/Prod",
		Tags: map[string]string{"Owner": "payments", "CostCenter": "FIN123"}})
	return e
}

func addUnit(e *estate.Estate, id, path string, tags map[string]string) {
	e.Units[path] = &estate.Unit{ID: id, Path: path, Tags: tags}
}

func addAccount(e *estate.Estate, a *estate.Account) {
	e.Accounts[estate.EmailKey(a.Email)] = a
}

func TestPlan(t *testing.T) {
	logAddr, paymentsAddr := kinds.AccountAddress(logEmail), kinds.AccountAddress(paymentsEmail)
	tests := map[string]struct {
		desired func(*estate.Estate) // changes desiredEstate(); may be nil
		actual  func(*estate.Estate) // changes matchingEstate(); may be nil
		empty   bool                 // start from an empty actual estate instead
		changes []plan.Change
		notes   []string // each must be part of exactly one note
	}{
		"empty organization is built top-down": {
			empty: true,
			changes: []plan.Change{
				{Address: "organization", Kind: "organization", Action: plan.Create,
					After: plan.Attrs{"feature_set": "ALL"}, Reason: "the management account is not in an organization yet"},
				{Address: "unit/Security", Kind: "unit", Action: plan.Create,
					After: plan.Attrs{"name": "Security"}, DependsOn: []string{"organization"}},
				{Address: "unit/Workloads", Kind: "unit", Action: plan.Create,
					After: plan.Attrs{"name": "Workloads", "tags.Owner": "platform"}, DependsOn: []string{"organization"}},
				{Address: "unit/Workloads/Prod", Kind: "unit", Action: plan.Create, Group: "Workloads",
					After: plan.Attrs{"name": "Prod"}, DependsOn: []string{"organization", "unit/Workloads"}},
				{Address: logAddr, Kind: "account", Action: plan.Create, Group: "Security",
					After:     plan.Attrs{"name": "log-archive", "email": logEmail, "unit": "Root/Security"},
					DependsOn: []string{"organization", "unit/Security"}},
				{Address: paymentsAddr, Kind: "account", Action: plan.Create, Group: "Workloads/Prod",
					After: plan.Attrs{"name": "payments-prod", "email": paymentsEmail, "unit": "Root/Workloads/Prod",
						"tags.Owner": "payments", "tags.CostCenter": "FIN123"},
					DependsOn: []string{"organization", "unit/Workloads/Prod"}},
			},
		},
		// The management account is in the actual estate and not in the
		// spec: it gets no note.
		"matching estate has no changes and no notes": {},
		"account in the wrong OU is moved": {
			actual: func(e *estate.Estate) { e.Accounts[logEmail].Unit = "" },
			changes: []plan.Change{{Address: logAddr, Kind: "account", Action: plan.Update, Group: "Security",
				Before: plan.Attrs{"id": logID, "unit": "Root"}, After: plan.Attrs{"id": logID, "unit": "Root/Security"}}},
		},
		"account into a unit still to be created depends on it": {
			desired: func(e *estate.Estate) {
				addUnit(e, "", "Workloads/Prod/Payments", nil)
				e.Accounts[paymentsEmail].Unit = "Workloads/Prod/Payments"
			},
			changes: []plan.Change{
				{Address: "unit/Workloads/Prod/Payments", Kind: "unit", Action: plan.Create, Group: "Workloads/Prod",
					After: plan.Attrs{"name": "Payments"}},
				{Address: paymentsAddr, Kind: "account", Action: plan.Update, Group: "Workloads/Prod/Payments",
					Before:    plan.Attrs{"id": paymentsID, "unit": "Root/Workloads/Prod"},
					After:     plan.Attrs{"id": paymentsID, "unit": "Root/Workloads/Prod/Payments"},
					DependsOn: []string{"unit/Workloads/Prod/Payments"}},
			},
		},
		"tag drift updates only the differing keys": {
			actual: func(e *estate.Estate) {
				e.Units["Workloads"].Tags = map[string]string{"Owner": "someone", "Extra": "kept"}
				e.Accounts[paymentsEmail].Tags = map[string]string{"CostCenter": "OLD", "Team": "kept"}
			},
			changes: []plan.Change{
				{Address: "unit/Workloads", Kind: "unit", Action: plan.Update,
					Before: plan.Attrs{"tags.Owner": "someone"}, After: plan.Attrs{"tags.Owner": "platform"}},
				{Address: paymentsAddr, Kind: "account", Action: plan.Update, Group: "Workloads/Prod",
					Before: plan.Attrs{"id": paymentsID, "tags.CostCenter": "OLD"},
					After:  plan.Attrs{"id": paymentsID, "tags.CostCenter": "FIN123", "tags.Owner": "payments"}},
			},
		},
		"units not in the spec are deleted children first": {
			actual: func(e *estate.Estate) {
				addUnit(e, "ou-old", "Old", map[string]string{"Owner": "nobody"})
				addUnit(e, "ou-child", "Old/Child", nil)
			},
			changes: []plan.Change{
				{Address: "unit/Old", Kind: "unit", Action: plan.Delete, Reason: "not in the spec", NeedsAllowDelete: true,
					Before:    plan.Attrs{"name": "Old", "id": "ou-old", "tags.Owner": "nobody"},
					DependsOn: []string{"unit/Old/Child"}},
				{Address: "unit/Old/Child", Kind: "unit", Action: plan.Delete, Group: "Old", Reason: "not in the spec", NeedsAllowDelete: true,
					Before: plan.Attrs{"name": "Child", "id": "ou-child"}},
			},
		},
		"unit delete waits for the managed account moved out of it": {
			actual: func(e *estate.Estate) {
				addUnit(e, "ou-old", "Old", nil)
				e.Accounts[logEmail].Unit = "Old"
			},
			changes: []plan.Change{
				{Address: logAddr, Kind: "account", Action: plan.Update, Group: "Security",
					Before: plan.Attrs{"id": logID, "unit": "Root/Old"}, After: plan.Attrs{"id": logID, "unit": "Root/Security"}},
				{Address: "unit/Old", Kind: "unit", Action: plan.Delete, Reason: "not in the spec", NeedsAllowDelete: true,
					Before: plan.Attrs{"name": "Old", "id": "ou-old"}, DependsOn: []string{logAddr}},
			},
		},
		"unit holding an unmanaged account is kept, and so is its parent": {
			actual: func(e *estate.Estate) {
				addUnit(e, "ou-legacy", "Legacy", nil)
				addUnit(e, "ou-inner", "Legacy/Inner", nil)
				addAccount(e, &estate.Account{ID: "999999999999", Name: "stray", Email: "stray@example.com", Status: "ACTIVE", Unit: "Legacy/Inner"})
			},
			notes: []string{
				"account 999999999999 stray (stray@example.com) in Root/Legacy/Inner is not in the spec",
				"OU Root/Legacy/Inner is not in the spec but still holds stray (999999999999)",
				"OU Root/Legacy is not in the spec but still holds OU Inner",
			},
		},
		"suspended managed account keeps the unit it sits in": {
			actual: func(e *estate.Estate) {
				addUnit(e, "ou-old", "Old", nil)
				e.Accounts[logEmail].Unit = "Old"
				e.Accounts[logEmail].Status = "SUSPENDED"
			},
			notes: []string{
				"account " + logID + " (" + logEmail + ") is SUSPENDED",
				"OU Root/Old is not in the spec but still holds log-archive (" + logID + ")",
			},
		},
		"unmanaged account gets a note and no change": {
			actual: func(e *estate.Estate) {
				addAccount(e, &estate.Account{ID: "999999999999", Name: "stray", Email: "stray@example.com", Status: "ACTIVE", Unit: "Security"})
			},
			notes: []string{"account 999999999999 stray (stray@example.com) in Root/Security is not in the spec"},
		},
		"suspended account gets a note and no change": {
			actual: func(e *estate.Estate) {
				e.Accounts[logEmail].Status = "SUSPENDED"
				e.Accounts[logEmail].Unit = "" // would be moved if it were active
			},
			notes: []string{"account " + logID + " (" + logEmail + ") is SUSPENDED; groundwork does not manage it until it is active"},
		},
		"name mismatch gets a note and no change": {
			actual: func(e *estate.Estate) { e.Accounts[logEmail].Name = "logs" },
			notes:  []string{`is named "logs" in AWS and "log-archive" in the spec; rename it in the console (Account settings) or set accounts.log-archive.name`},
		},
		"consolidated billing only is updated to all features": {
			actual: func(e *estate.Estate) { e.Organization.FeatureSet = "CONSOLIDATED_BILLING" },
			changes: []plan.Change{{Address: "organization", Kind: "organization", Action: plan.Update,
				Before: plan.Attrs{"feature_set": "CONSOLIDATED_BILLING"}, After: plan.Attrs{"feature_set": "ALL"},
				Reason: "guardrails need all features; every member account must accept the request AWS sends"}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := desiredEstate(), matchingEstate()
			if tt.empty {
				actual = estate.New()
			}
			if tt.desired != nil {
				tt.desired(desired)
			}
			if tt.actual != nil {
				tt.actual(actual)
			}
			p := kinds.Plan(desired, actual)
			if err := p.Validate(); err != nil {
				t.Fatalf("plan does not validate: %v", err)
			}
			if p.Fingerprint != actual.Fingerprint() {
				t.Errorf("fingerprint %q, want the actual estate's %q", p.Fingerprint, actual.Fingerprint())
			}
			checkChanges(t, p.Changes, tt.changes)
			checkNotes(t, p.Notes, tt.notes)
		})
	}
}

func checkChanges(t *testing.T, got, want []plan.Change) {
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

func checkNotes(t *testing.T, got, want []string) {
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
