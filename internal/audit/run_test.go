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
