package logging

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// addTrail adds a second trail, a copy of the organization trail named
// name in acct's home Region, and returns it for editing.
func addTrail(e *estate.Estate, acct, name string) *estate.Trail {
	t := *loggedTrail(e)
	t.Where, t.Name = estate.Where{Account: estate.AccountKey(acct), Region: audittest.Home}, name
	e.Logging.Trails[t.Key(name)] = &t
	return &t
}

// moveTrail moves the organization trail to acct's home Region.
func moveTrail(e *estate.Estate, acct string) {
	t := loggedTrail(e)
	delete(e.Logging.Trails, t.Key(t.Name))
	t.Where = estate.Where{Account: estate.AccountKey(acct), Region: audittest.Home}
	e.Logging.Trails[t.Key(t.Name)] = t
}

func TestTrailChecks(t *testing.T) {
	const org = "organization/o-abc123"
	audittest.RunCases(t, logged, map[string]audittest.Case{
		"001 passes": {Check: "GW-LOG-001"},
		"001 passes with the trail in the delegated administrator": {
			Check: "GW-LOG-001",
			Edit:  func(e *estate.Estate) { moveTrail(e, audittest.ToolingKey) },
		},
		"001 no trail": {
			Check: "GW-LOG-001",
			Edit:  func(e *estate.Estate) { e.Logging.Trails = map[string]*estate.Trail{} },
			Want:  []string{org}, Msg: "no organization trail",
		},
		"001 only a single-account trail": {
			Check: "GW-LOG-001",
			Edit:  func(e *estate.Estate) { loggedTrail(e).Organization = false },
			Want:  []string{org}, Msg: "(single-account trails: groundwork-org-trail in management eu-west-1)",
		},
		"001 a trail in a closing account does not count": {
			Check: "GW-LOG-001",
			Edit: func(e *estate.Estate) {
				moveTrail(e, audittest.SandboxKey)
				audittest.Account(e, "sandbox-ana").Status = "SUSPENDED"
			},
			Want: []string{org}, Msg: "no organization trail: nothing records",
		},

		"003 passes": {Check: "GW-LOG-003"},
		"003 no global service events": {
			Check: "GW-LOG-003",
			Edit:  func(e *estate.Estate) { loggedTrail(e).GlobalServiceEvents = false },
			Want:  []string{orgTrailResource}, Msg: "does not include global service events",
		},
		"003 each organization trail is judged": {
			Check: "GW-LOG-003",
			Edit:  func(e *estate.Estate) { addTrail(e, audittest.ToolingKey, "second").GlobalServiceEvents = false },
			Want:  []string{"trail/second (security-tooling eu-west-1)"},
		},
		"003 a single-Region trail is not judged": {
			Check: "GW-LOG-003",
			Edit: func(e *estate.Estate) {
				t := addTrail(e, audittest.ProdKey, "app")
				t.Organization, t.MultiRegion, t.GlobalServiceEvents = false, false, false
			},
		},
		"003 an account's own multi-Region trail is judged": {
			Check: "GW-LOG-003",
			Edit: func(e *estate.Estate) {
				t := addTrail(e, audittest.ProdKey, "app")
				t.Organization, t.GlobalServiceEvents = false, false
			},
			Want: []string{"trail/app (payments-prod eu-west-1)"}, Msg: "trail app does not include global service events",
		},

		"007 passes": {Check: "GW-LOG-007"},
		"007 no CloudWatch Logs": {
			Check: "GW-LOG-007",
			Edit:  func(e *estate.Estate) { loggedTrail(e).LogGroupARN = "" },
			Want:  []string{orgTrailResource}, Msg: "does not deliver to CloudWatch Logs",
		},
		"007 a trail outside the organization that reaches it is judged": {
			Check: "GW-LOG-007",
			Edit: func(e *estate.Estate) {
				t := loggedTrail(e)
				delete(e.Logging.Trails, t.Key(t.Name))
				t.Account, t.LogGroupARN = "999999999999", ""
				e.Logging.Trails[t.Key(t.Name)] = t
			},
			Want: []string{"trail/groundwork-org-trail (999999999999 eu-west-1)"},
		},
		"007 a trail in a closing account is ignored": {
			Check: "GW-LOG-007",
			Edit: func(e *estate.Estate) {
				addTrail(e, audittest.SandboxKey, "old").LogGroupARN = ""
				audittest.Account(e, "sandbox-ana").Status = "PENDING_CLOSURE"
			},
		},
	})
}
