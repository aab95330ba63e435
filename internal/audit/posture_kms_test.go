package audit

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestCustomerKeyRotationCheck(t *testing.T) {
	prodKeyOf := func(e *estate.Estate) *estate.PostureKey { return e.Posture.Keys[estate.PlaceKey(prodKey, home)][0] }
	runCases(t, postured, map[string]checkCase{
		"passes when rotating": {check: "GW-KMS-001"},
		"not rotating": {
			check: "GW-KMS-001",
			edit:  func(e *estate.Estate) { prodKeyOf(e).Rotation = ptr(false) },
			want:  []string{"kms-key/k-prod (payments-prod eu-west-1)"}, msg: "k-prod does not rotate",
		},
		"rotation unknown": {
			check: "GW-KMS-001",
			edit:  func(e *estate.Estate) { prodKeyOf(e).Rotation = nil },
		},
		"closing account ignored": {
			check: "GW-KMS-001",
			edit: func(e *estate.Estate) {
				prodKeyOf(e).Rotation = ptr(false)
				acct(e, "payments-prod").Status = "PENDING_CLOSURE"
			},
		},
	}, namesAccount)
}
