package posture

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func TestCustomerKeyRotationCheck(t *testing.T) {
	prodKeyOf := func(e *estate.Estate) *estate.PostureKey {
		return e.Posture.Keys[estate.PlaceKey(audittest.ProdKey, audittest.Home)][0]
	}
	audittest.RunCases(t, postured, map[string]audittest.Case{
		"passes when rotating": {Check: "GW-KMS-001"},
		"not rotating": {
			Check: "GW-KMS-001",
			Edit:  func(e *estate.Estate) { prodKeyOf(e).Rotation = new(false) },
			Want:  []string{"kms-key/k-prod (payments-prod eu-west-1)"}, Msg: "k-prod does not rotate",
		},
		"rotation unknown": {
			Check: "GW-KMS-001",
			Edit:  func(e *estate.Estate) { prodKeyOf(e).Rotation = nil },
		},
		"closing account ignored": {
			Check: "GW-KMS-001",
			Edit: func(e *estate.Estate) {
				prodKeyOf(e).Rotation = new(false)
				audittest.Account(e, "payments-prod").Status = "PENDING_CLOSURE"
			},
		},
	}, audittest.NamesAccount)
}
