package audit_test

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// tagged is the recommended foundation with its accounts' tags read: the
// workload accounts carry Owner and Environment, the others no tags.
func tagged() *estate.Estate {
	e := audittest.Foundation()
	for _, a := range e.Accounts {
		a.Tags = map[string]string{}
	}
	audittest.Account(e, "payments-prod").Tags = map[string]string{"Owner": "payments-team", "Environment": "Prod"}
	audittest.Account(e, "payments-dev").Tags = map[string]string{"Owner": "payments-team", "Environment": "Dev"}
	return e
}

func TestWorkloadTagsCheck(t *testing.T) {
	audittest.RunCases(t, tagged, map[string]audittest.Case{
		"002 passes": {Check: "GW-TAG-002"},
		"002 passes for tags not read": {
			Check: "GW-TAG-002",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "payments-dev").Tags = nil },
		},
		"002 other accounts need not": {
			Check: "GW-TAG-002",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "network", "Infrastructure", estate.RoleNone, "").Tags = map[string]string{}
			},
		},
		"002 closing accounts are ignored": {
			Check: "GW-TAG-002",
			Edit: func(e *estate.Estate) {
				a := audittest.AddAccount(e, "777777777777", "old", "Workloads/Prod", estate.RoleWorkload, "prod")
				a.Tags, a.Status = map[string]string{}, "SUSPENDED"
			},
		},
		"002 untagged workload": {
			Check: "GW-TAG-002",
			Edit:  func(e *estate.Estate) { audittest.Account(e, "payments-dev").Tags = map[string]string{} },
			Want:  []string{"account/555555555555 (payments-dev)"}, Msg: "lacks the Owner and Environment tags",
		},
		"002 empty value and wrong case": {
			Check: "GW-TAG-002",
			Edit: func(e *estate.Estate) {
				audittest.Account(e, "payments-prod").Tags = map[string]string{"Owner": " ", "environment": "Prod"}
			},
			Want: []string{"account/444444444444 (payments-prod)"},
			Msg:  "lacks the Owner and Environment tags of the tagging dictionary (tag keys are case-sensitive; it has environment)",
		},
		"002 unannotated account under Workloads": {
			Check: "GW-TAG-002",
			Edit: func(e *estate.Estate) {
				audittest.AddAccount(e, "777777777777", "data", "Workloads/Apps", estate.RoleNone, "").Tags = map[string]string{"Owner": "data-team"}
			},
			Want: []string{"account/777777777777 (data)"}, Msg: "lacks the Environment tag of",
		},
	})
}
