package audit

import (
	"reflect"
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestRunStampsCheckFields(t *testing.T) {
	c := Check{
		ID: "GW-T-001", Title: "t", Severity: Medium, Guidance: "000", Remediation: "fix", Controls: []string{"C-1"},
		Run: func(*estate.Estate) []Finding { return []Finding{{Resource: "r", Message: "m"}} },
	}
	got := run(c, estate.New())
	want := Finding{CheckID: "GW-T-001", Severity: Medium, Title: "t", Resource: "r", Message: "m",
		Remediation: "fix", Guidance: "000", Controls: []string{"C-1"}}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("run = %+v, want %+v", got, want)
	}
	got[0].Controls[0] = "changed"
	if c.Controls[0] != "C-1" {
		t.Error("a finding shares its Controls slice with the check")
	}
}

func TestSortFindings(t *testing.T) {
	fs := []Finding{
		{CheckID: "GW-B-001", Severity: Low, Resource: "x"},
		{CheckID: "GW-A-002", Severity: High, Resource: "b"},
		{CheckID: "GW-A-002", Severity: High, Resource: "a"},
		{CheckID: "GW-A-001", Severity: High, Resource: "z"},
		{CheckID: "GW-C-001", Severity: Critical, Resource: "y"},
	}
	SortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.CheckID+" "+f.Resource)
	}
	want := []string{"GW-C-001 y", "GW-A-001 z", "GW-A-002 a", "GW-A-002 b", "GW-B-001 x"}
	if !slices.Equal(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
}

func TestFailed(t *testing.T) {
	r := Result{Findings: []Finding{{Severity: Low}, {Severity: Medium}}}
	tests := map[string]struct {
		r         Result
		threshold Severity
		want      bool
	}{
		"below":     {r, High, false},
		"at":        {r, Medium, true},
		"above":     {r, Info, true},
		"no result": {Result{}, Info, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tt.r.Failed(tt.threshold); got != tt.want {
				t.Errorf("Failed(%v) = %v, want %v", tt.threshold, got, tt.want)
			}
		})
	}
}

func TestRunNilEstate(t *testing.T) {
	r := Run(nil)
	if !r.Failed(High) {
		t.Error("an empty estate should fail at high: it has no organization")
	}
}

// TestFindingPlaces checks that findings name the account (by ID) and
// Region they are in: per account for account-wide settings, per account
// and Region for regional resources, neither for the organization as a
// whole.
func TestFindingPlaces(t *testing.T) {
	type place struct{ resource, account, region string }
	tests := map[string]struct {
		estate func() *estate.Estate
		check  string
		edit   func(e *estate.Estate)
		want   place
	}{
		"budget missing": {billed, "GW-BIL-001", func(e *estate.Estate) { clear(e.Billing.Budgets) },
			place{"account/000000000000 (management)", "000000000000", ""}},
		"billing alarm missing": {billed, "GW-BIL-004", func(e *estate.Estate) { clear(e.Billing.Alarms) },
			place{"account/000000000000 (management)", "000000000000", estate.BillingRegion}},
		"billing topic unsubscribed": {billed, "GW-BIL-003", func(e *estate.Estate) {
			for _, t := range e.Billing.Topics {
				t.Subscriptions = nil
			}
		}, place{"topic/groundwork-billing-notifications (management us-east-1)", "000000000000", "us-east-1"}},
		"log bucket public": {logged, "GW-LOG-010", func(e *estate.Estate) { logBucket(e, ctBucket).BlockPublicAccess = false },
			place{"bucket/" + ctBucket, "111111111111", home}},
		"key not rotating": {logged, "GW-LOG-040", func(e *estate.Estate) { logKey(e, ctKeyAlias).Rotation = false },
			place{"key/" + ctKeyAlias + " (security-tooling " + home + ")", "222222222222", home}},
		"trail without validation": {logged, "GW-LOG-004", func(e *estate.Estate) { orgTrail(e).LogFileValidation = false },
			place{orgTrailResource, "000000000000", home}},
		"no organization trail": {logged, "GW-LOG-001", func(e *estate.Estate) { clear(e.Logging.Trails) },
			place{"organization/o-abc123", "", ""}},
		"Config not recording": {logged, "GW-LOG-020", dropRecorder(prodKey, other),
			place{"account/444444444444 (payments-prod)", "444444444444", ""}},
		"baseline rules missing": {logged, "GW-LOG-050", dropRules(devKey, home, "CLOUD_TRAIL_ENABLED"),
			place{"account/555555555555 (payments-dev)", "555555555555", home}},
		"root access keys": {hardened, "GW-HRD-006", func(e *estate.Estate) { e.Hardening.Roots[archiveKey].AccessKeys = true },
			place{hrdArchiveRes, "111111111111", ""}},
		"security topic missing": {monitored, "GW-MON-001", func(e *estate.Estate) { delete(e.Monitoring.Topics, monEast.Key(secTopic)) },
			place{"topic/" + secTopic + " (management us-east-1)", "000000000000", "us-east-1"}},
		"alarm missing": {monitored, "GW-MON-010", func(e *estate.Estate) { clear(e.Monitoring.Alarms) },
			place{"metric-filter/RootUserActivityFilter (management " + home + ")", "000000000000", home}},
		"account under the root": {foundation, "GW-ORG-005", func(e *estate.Estate) { acct(e, "payments-dev").Unit = estate.RootPath },
			place{"account/555555555555 (payments-dev)", "555555555555", ""}},
		"OU mixing stages": {foundation, "GW-ORG-004", func(e *estate.Estate) { acct(e, "payments-dev").Unit = "Workloads/Prod" },
			place{"ou/Root/Workloads/Prod", "", ""}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := tt.estate()
			tt.edit(e)
			fs := runCheck(t, tt.check, e)
			if len(fs) == 0 {
				t.Fatalf("%s found nothing", tt.check)
			}
			if got := (place{fs[0].Resource, fs[0].Account, fs[0].Region}); got != tt.want {
				t.Errorf("first finding at %+v, want %+v", got, tt.want)
			}
		})
	}
}
