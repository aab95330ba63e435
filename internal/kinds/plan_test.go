package kinds_test

import (
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

func TestPlan(t *testing.T) {
	logAddr, paymentsAddr := kinds.AccountAddress(kindstest.LogEmail), kinds.AccountAddress(kindstest.PaymentsEmail)
	tests := map[string]struct {
		desired func(*estate.Estate) // changes kindstest.DesiredEstate(); may be nil
		actual  func(*estate.Estate) // changes kindstest.MatchingEstate(); may be nil
		empty   bool                 // start from an empty actual estate instead
		changes []plan.Change
		notes   []string // each must be part of exactly one note
		// leftAlone are the addresses the plan lists as left alone.
		leftAlone []string
	}{
		"empty organization is built top-down": {
			empty: true,
			changes: []plan.Change{
				{Address: "organization", Kind: "organization", Action: plan.Create,
					After: plan.Attrs{"feature_set": "ALL"}, Reason: "the management account is not in an organization yet"},
				{Address: "unit/Security", Kind: "unit", Action: plan.Create,
					After: plan.Attrs{"name": "Security", "tags.groundwork:managed": "true"}, DependsOn: []string{"organization"}},
				{Address: "unit/Workloads", Kind: "unit", Action: plan.Create,
					After: plan.Attrs{"name": "Workloads", "tags.Owner": "platform", "tags.groundwork:managed": "true"}, DependsOn: []string{"organization"}},
				{Address: "unit/Workloads/Prod", Kind: "unit", Action: plan.Create, Group: "Workloads",
					After: plan.Attrs{"name": "Prod", "tags.groundwork:managed": "true"}, DependsOn: []string{"organization", "unit/Workloads"}},
				{Address: logAddr, Kind: "account", Action: plan.Create, Group: "Security",
					After:     plan.Attrs{"name": "log-archive", "email": kindstest.LogEmail, "unit": "Root/Security"},
					DependsOn: []string{"organization", "unit/Security"}},
				{Address: paymentsAddr, Kind: "account", Action: plan.Create, Group: "Workloads/Prod",
					After: plan.Attrs{"name": "payments-prod", "email": kindstest.PaymentsEmail, "unit": "Root/Workloads/Prod",
						"tags.Owner": "payments", "tags.CostCenter": "FIN123"},
					DependsOn: []string{"organization", "unit/Workloads/Prod"}},
			},
		},
		// The management account is in the actual estate and not in the
		// spec: it gets no note.
		"matching estate has no changes and no notes": {},
		"account in the wrong OU is moved": {
			actual: func(e *estate.Estate) { e.Accounts[kindstest.LogEmail].Unit = "" },
			changes: []plan.Change{{Address: logAddr, Kind: "account", Action: plan.Update, Group: "Security",
				Before: plan.Attrs{"id": kindstest.LogID, "unit": "Root"}, After: plan.Attrs{"id": kindstest.LogID, "unit": "Root/Security"}}},
		},
		"account into a unit still to be created depends on it": {
			desired: func(e *estate.Estate) {
				kindstest.AddUnit(e, "", "Workloads/Prod/Payments", nil)
				e.Accounts[kindstest.PaymentsEmail].Unit = "Workloads/Prod/Payments"
			},
			changes: []plan.Change{
				{Address: "unit/Workloads/Prod/Payments", Kind: "unit", Action: plan.Create, Group: "Workloads/Prod",
					After: plan.Attrs{"name": "Payments", "tags.groundwork:managed": "true"}},
				{Address: paymentsAddr, Kind: "account", Action: plan.Update, Group: "Workloads/Prod/Payments",
					Before:    plan.Attrs{"id": kindstest.PaymentsID, "unit": "Root/Workloads/Prod"},
					After:     plan.Attrs{"id": kindstest.PaymentsID, "unit": "Root/Workloads/Prod/Payments"},
					DependsOn: []string{"unit/Workloads/Prod/Payments"}},
			},
		},
		"tag drift updates only the differing keys": {
			actual: func(e *estate.Estate) {
				e.Units["Workloads"].Tags = kinds.OwnerTags(map[string]string{"Owner": "someone", "Extra": "kept"})
				e.Accounts[kindstest.PaymentsEmail].Tags = map[string]string{"CostCenter": "OLD", "Team": "kept"}
			},
			changes: []plan.Change{
				{Address: "unit/Workloads", Kind: "unit", Action: plan.Update,
					Before: plan.Attrs{"tags.Owner": "someone"}, After: plan.Attrs{"tags.Owner": "platform"}},
				{Address: paymentsAddr, Kind: "account", Action: plan.Update, Group: "Workloads/Prod",
					Before: plan.Attrs{"id": kindstest.PaymentsID, "tags.CostCenter": "OLD"},
					After:  plan.Attrs{"id": kindstest.PaymentsID, "tags.CostCenter": "FIN123", "tags.Owner": "payments"}},
			},
		},
		"units not in the spec are deleted children first": {
			actual: func(e *estate.Estate) {
				kindstest.AddUnit(e, "ou-old", "Old", map[string]string{"Owner": "nobody"})
				kindstest.AddUnit(e, "ou-child", "Old/Child", nil)
			},
			changes: []plan.Change{
				{Address: "unit/Old", Kind: "unit", Action: plan.Delete, Reason: "not in the spec", NeedsAllowDelete: true,
					Before:    plan.Attrs{"name": "Old", "id": "ou-old", "tags.Owner": "nobody", "tags.groundwork:managed": "true"},
					DependsOn: []string{"unit/Old/Child"}, Basis: plan.BasisMarked},
				{Address: "unit/Old/Child", Kind: "unit", Action: plan.Delete, Group: "Old", Reason: "not in the spec", NeedsAllowDelete: true,
					Before: plan.Attrs{"name": "Child", "id": "ou-child", "tags.groundwork:managed": "true"}, Basis: plan.BasisMarked},
			},
		},
		// An OU made by hand is not groundwork's to delete, and neither is
		// its parent, which would be empty only once it went.
		"units groundwork did not make are left alone": {
			actual: func(e *estate.Estate) {
				kindstest.AddUnit(e, "ou-old", "Old", nil)
				kindstest.AddUnmarkedUnit(e, "ou-child", "Old/Child.v2", nil)
				kindstest.AddUnmarkedUnit(e, "ou-empty", "Empty OU", nil)
			},
			leftAlone: []string{"unit/Empty OU", "unit/Old", "unit/Old/Child.v2"},
		},
		// A unit the spec declares that predates the marker is adopted:
		// marked, which is no change to the organization.
		"declared units without the marker are adopted": {
			actual: func(e *estate.Estate) {
				e.Units["Security"].Tags = nil
				e.Units["Workloads"].Tags = map[string]string{"Owner": "someone"}
			},
			changes: []plan.Change{
				{Address: "unit/Security", Kind: "unit", Action: plan.Update, Before: plan.Attrs{}, After: plan.Attrs{"tags.groundwork:managed": "true"}, Adopt: true},
				{Address: "unit/Workloads", Kind: "unit", Action: plan.Update,
					Before: plan.Attrs{"tags.Owner": "someone"}, After: plan.Attrs{"tags.Owner": "platform", "tags.groundwork:managed": "true"}},
			},
		},
		"unit delete waits for the managed account moved out of it": {
			actual: func(e *estate.Estate) {
				kindstest.AddUnit(e, "ou-old", "Old", nil)
				e.Accounts[kindstest.LogEmail].Unit = "Old"
			},
			changes: []plan.Change{
				{Address: logAddr, Kind: "account", Action: plan.Update, Group: "Security",
					Before: plan.Attrs{"id": kindstest.LogID, "unit": "Root/Old"}, After: plan.Attrs{"id": kindstest.LogID, "unit": "Root/Security"}},
				{Address: "unit/Old", Kind: "unit", Action: plan.Delete, Reason: "not in the spec", NeedsAllowDelete: true,
					Before: plan.Attrs{"name": "Old", "id": "ou-old", "tags.groundwork:managed": "true"}, DependsOn: []string{logAddr}, Basis: plan.BasisMarked},
			},
		},
		"unit holding an unmanaged account is kept, and so is its parent": {
			actual: func(e *estate.Estate) {
				kindstest.AddUnit(e, "ou-legacy", "Legacy", nil)
				kindstest.AddUnit(e, "ou-inner", "Legacy/Inner", nil)
				kindstest.AddAccount(e, &estate.Account{ID: "999999999999", Name: "stray", Email: "stray@example.com", Status: "ACTIVE", Unit: "Legacy/Inner"})
			},
			notes: []string{
				"account 999999999999 stray (stray@example.com) in Root/Legacy/Inner is not in the spec",
				"OU Root/Legacy/Inner is not in the spec but still holds stray (999999999999)",
				"OU Root/Legacy is not in the spec but still holds OU Inner",
			},
		},
		"suspended managed account keeps the unit it sits in": {
			actual: func(e *estate.Estate) {
				kindstest.AddUnit(e, "ou-old", "Old", nil)
				e.Accounts[kindstest.LogEmail].Unit = "Old"
				e.Accounts[kindstest.LogEmail].Status = "SUSPENDED"
			},
			notes: []string{
				"account " + kindstest.LogID + " (" + kindstest.LogEmail + ") is SUSPENDED",
				"OU Root/Old is not in the spec but still holds log-archive (" + kindstest.LogID + ")",
			},
		},
		"unmanaged account gets a note and no change": {
			actual: func(e *estate.Estate) {
				kindstest.AddAccount(e, &estate.Account{ID: "999999999999", Name: "stray", Email: "stray@example.com", Status: "ACTIVE", Unit: "Security"})
			},
			notes: []string{"account 999999999999 stray (stray@example.com) in Root/Security is not in the spec"},
		},
		"suspended account gets a note and no change": {
			actual: func(e *estate.Estate) {
				e.Accounts[kindstest.LogEmail].Status = "SUSPENDED"
				e.Accounts[kindstest.LogEmail].Unit = "" // would be moved if it were active
			},
			notes: []string{"account " + kindstest.LogID + " (" + kindstest.LogEmail + ") is SUSPENDED; groundwork does not manage it until it is active"},
		},
		"name mismatch gets a note and no change": {
			actual: func(e *estate.Estate) { e.Accounts[kindstest.LogEmail].Name = "logs" },
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
			desired, actual := kindstest.DesiredEstate(), kindstest.MatchingEstate()
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
			kindstest.CheckChanges(t, kindstest.WithoutValues(p.Changes), tt.changes)
			kindstest.CheckNotes(t, p.Notes, tt.notes)
			var left []string
			for _, l := range p.LeftAlone {
				left = append(left, l.Address)
			}
			if !slices.Equal(left, tt.leftAlone) {
				t.Errorf("left alone %v, want %v", left, tt.leftAlone)
			}
			if tt.changes == nil && p.HasChanges() {
				t.Errorf("plan has changes")
			}
		})
	}
}
