package audit_test

import (
	"reflect"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestDrift(t *testing.T) {
	tests := map[string]struct {
		drift []estate.Drift
		want  []audit.Finding
	}{
		"no drift": {},
		"create, update and delete": {
			drift: []estate.Drift{
				{Action: "create", Kind: "unit", Address: "unit/Sandbox", Summary: "OU Sandbox under Root"},
				{Action: "update", Kind: "trail", Address: "trail/123456789012/eu-west-1/org-trail",
					Account: "123456789012", Region: "eu-west-1", Summary: "is_logging: false -> true"},
				{Action: "delete", Kind: "vpc", Address: "vpc/000000000000/us-east-1/vpc-1",
					Account: "000000000000", Region: "us-east-1", Summary: "default VPC vpc-1"},
			},
			want: []audit.Finding{
				{Resource: "unit/Sandbox", Message: "would create: OU Sandbox under Root"},
				{Resource: "trail/123456789012/eu-west-1/org-trail", Message: "would update: is_logging false -> true",
					Account: "123456789012", Region: "eu-west-1"},
				{Resource: "vpc/000000000000/us-east-1/vpc-1", Message: "would delete: default VPC vpc-1",
					Account: "000000000000", Region: "us-east-1"},
			},
		},
		"several fields, no summary, a reason": {
			drift: []estate.Drift{
				{Action: "Update", Kind: "recorder", Address: "recorder/1/eu-west-1/default",
					Summary: "all_supported: false -> true; include_global: false -> true; content differs; and 1 more"},
				{Action: "create", Kind: "policy", Address: "policy/deny-leave"},
				{Action: "delete", Kind: "unit", Address: "unit/Scratch", Summary: "not in the spec: apply --allow-delete deletes it"},
			},
			want: []audit.Finding{
				{Resource: "recorder/1/eu-west-1/default",
					Message: "would update: all_supported false -> true; include_global false -> true; content differs; and 1 more"},
				{Resource: "policy/deny-leave", Message: "would create: policy policy/deny-leave"},
				{Resource: "unit/Scratch", Message: "would delete: not in the spec: apply --allow-delete deletes it"},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := audittest.Foundation()
			e.Drift = tt.drift
			got := audit.CheckDrift(e)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("findings =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// TestDriftStamped runs the registered check: each finding carries the
// check's ID and severity.
func TestDriftStamped(t *testing.T) {
	e := audittest.Foundation()
	e.Drift = []estate.Drift{{Action: "update", Address: "trail/x", Summary: "is_logging: false -> true"}}
	var got []audit.Finding
	for _, f := range audit.Run(e).Findings {
		if f.CheckID == "GW-DRF-001" {
			got = append(got, f)
		}
	}
	if len(got) != 1 || got[0].Severity != audit.Medium || got[0].Resource != "trail/x" {
		t.Fatalf("GW-DRF-001 findings = %+v, want one medium finding on trail/x", got)
	}
	e.Drift = nil
	for _, f := range audit.Run(e).Findings {
		if f.CheckID == "GW-DRF-001" {
			t.Errorf("finding without drift: %+v", f)
		}
	}
}
