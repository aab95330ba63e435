package audit_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestRunStampsCheckFields(t *testing.T) {
	c := audit.Check{
		ID: "GW-T-001", Title: "t", Severity: audit.Medium, Guidance: "000", Remediation: "fix", Controls: []string{"C-1"},
		Run: func(*estate.Estate) []audit.Finding { return []audit.Finding{{Resource: "r", Message: "m"}} },
	}
	got := audit.RunCheck(c, estate.New())
	want := audit.Finding{CheckID: "GW-T-001", Severity: audit.Medium, Title: "t", Resource: "r", Message: "m",
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
	fs := []audit.Finding{
		{CheckID: "GW-B-001", Severity: audit.Low, Resource: "x"},
		{CheckID: "GW-A-002", Severity: audit.High, Resource: "b"},
		{CheckID: "GW-A-002", Severity: audit.High, Resource: "a"},
		{CheckID: "GW-A-001", Severity: audit.High, Resource: "z"},
		{CheckID: "GW-C-001", Severity: audit.Critical, Resource: "y"},
	}
	audit.SortFindings(fs)
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
	r := audit.Result{Findings: []audit.Finding{{Severity: audit.Low}, {Severity: audit.Medium}}}
	tests := map[string]struct {
		r         audit.Result
		threshold audit.Severity
		want      bool
	}{
		"below":     {r, audit.High, false},
		"at":        {r, audit.Medium, true},
		"above":     {r, audit.Info, true},
		"no result": {audit.Result{}, audit.Info, false},
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
	r := audit.Run(nil)
	if !r.Failed(audit.High) {
		t.Error("an empty estate should fail at high: it has no organization")
	}
}

// TestFindingPlaces: an account's finding names the account by ID; an
// OU's names no account. Each layer's tests hold its own findings' places
// the same way.
func TestFindingPlaces(t *testing.T) {
	audittest.RunPlaces(t, map[string]audittest.PlaceCase{
		"account under the root": {Clean: audittest.Foundation, Check: "GW-ORG-005",
			Edit: func(e *estate.Estate) { audittest.Account(e, "payments-dev").Unit = estate.RootPath },
			Want: audittest.Place{Resource: "account/555555555555 (payments-dev)", Account: "555555555555"}},
		"OU mixing stages": {Clean: audittest.Foundation, Check: "GW-ORG-004",
			Edit: func(e *estate.Estate) { audittest.Account(e, "payments-dev").Unit = "Workloads/Prod" },
			Want: audittest.Place{Resource: "ou/Root/Workloads/Prod"}},
	})
}
