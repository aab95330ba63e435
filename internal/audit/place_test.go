package audit_test

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestWhereAccount(t *testing.T) {
	e := audittest.Foundation()
	tests := map[string]struct {
		key, resource, label string
	}{
		"management": {audittest.MgmtKey, "account/000000000000 (management)", "management eu-west-1"},
		"member":     {audittest.ArchiveKey, "account/111111111111 (log-archive)", "log-archive eu-west-1"},
		"unknown":    {"ghost@example.com", "account/ghost@example.com", "ghost@example.com eu-west-1"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := audit.WhereAccountResource(e, estate.AccountKey(tt.key)); got != tt.resource {
				t.Errorf("WhereAccountResource = %q, want %q", got, tt.resource)
			}
			if got := audit.WhereLabel(e, estate.Where{Account: estate.AccountKey(tt.key), Region: audittest.Home}); got != tt.label {
				t.Errorf("WhereLabel = %q, want %q", got, tt.label)
			}
		})
	}
	if got := audit.WhereAccount(estate.New(), audittest.MgmtKey); got != nil {
		t.Errorf("WhereAccount without an organization = %+v, want nil", got)
	}
}
