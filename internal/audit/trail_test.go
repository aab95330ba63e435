package audit

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// addTrail adds a second trail, a copy of the organization trail named
// name in acct's home Region, and returns it for editing.
func addTrail(e *estate.Estate, acct, name string) *estate.Trail {
	t := *orgTrail(e)
	t.Where, t.Name = estate.Where{Account: acct, Region: home}, name
	e.Logging.Trails[t.Key(name)] = &t
	return &t
}

// moveTrail moves the organization trail to acct's home Region.
func moveTrail(e *estate.Estate, acct string) {
	t := orgTrail(e)
	delete(e.Logging.Trails, t.Key(t.Name))
	t.Where = estate.Where{Account: acct, Region: home}
	e.Logging.Trails[t.Key(t.Name)] = t
}

func TestTrailChecks(t *testing.T) {
	const org = "organization/o-abc123"
	runCases(t, logged, map[string]checkCase{
		"001 passes": {check: "GW-LOG-001"},
		"001 passes with the trail in the delegated administrator": {
			check: "GW-LOG-001",
			edit:  func(e *estate.Estate) { moveTrail(e, toolingKey) },
		},
		"001 no trail": {
			check: "GW-LOG-001",
			edit:  func(e *estate.Estate) { e.Logging.Trails = map[string]*estate.Trail{} },
			want:  []string{org}, msg: "no organization trail",
		},
		"001 only a single-account trail": {
			check: "GW-LOG-001",
			edit:  func(e *estate.Estate) { orgTrail(e).Organization = false },
			want:  []string{org}, msg: "(single-account trails: groundwork-org-trail in management eu-west-1)",
		},
		"001 a trail in a closing account does not count": {
			check: "GW-LOG-001",
			edit: func(e *estate.Estate) {
				moveTrail(e, sandboxKey)
				acct(e, "sandbox-ana").Status = "SUSPENDED"
			},
			want: []string{org}, msg: "no organization trail: nothing records",
		},

		"002 passes": {check: "GW-LOG-002"},
		"002 single-Region trail": {
			check: "GW-LOG-002",
			edit:  func(e *estate.Estate) { orgTrail(e).MultiRegion = false },
			want:  []string{orgTrailResource}, msg: "logs only its home Region eu-west-1",
		},
		"002 each organization trail is judged": {
			check: "GW-LOG-002",
			edit:  func(e *estate.Estate) { addTrail(e, toolingKey, "second").MultiRegion = false },
			want:  []string{"trail/second (security-tooling eu-west-1)"},
		},
		"002 a single-account trail is not judged": {
			check: "GW-LOG-002",
			edit: func(e *estate.Estate) {
				t := addTrail(e, prodKey, "app")
				t.Organization, t.MultiRegion = false, false
			},
		},

		"003 passes": {check: "GW-LOG-003"},
		"003 no global service events": {
			check: "GW-LOG-003",
			edit:  func(e *estate.Estate) { orgTrail(e).GlobalServiceEvents = false },
			want:  []string{orgTrailResource}, msg: "does not include global service events",
		},

		"004 passes": {check: "GW-LOG-004"},
		"004 no log file validation": {
			check: "GW-LOG-004",
			edit:  func(e *estate.Estate) { orgTrail(e).LogFileValidation = false },
			want:  []string{orgTrailResource}, msg: "log file validation is off",
		},

		"005 passes": {check: "GW-LOG-005"},
		"005 no KMS key": {
			check: "GW-LOG-005",
			edit:  func(e *estate.Estate) { orgTrail(e).KMSKey = "" },
			want:  []string{orgTrailResource}, msg: "uses no KMS key",
		},

		"006 passes": {check: "GW-LOG-006"},
		"006 stopped": {
			check: "GW-LOG-006",
			edit:  func(e *estate.Estate) { orgTrail(e).Logging = false },
			want:  []string{orgTrailResource}, msg: "no events are delivered to " + ctBucket,
		},
		"006 a stopped trail in a closing account is ignored": {
			check: "GW-LOG-006",
			edit: func(e *estate.Estate) {
				addTrail(e, sandboxKey, "old").Logging = false
				acct(e, "sandbox-ana").Status = "PENDING_CLOSURE"
			},
		},

		"007 passes": {check: "GW-LOG-007"},
		"007 no CloudWatch Logs": {
			check: "GW-LOG-007",
			edit:  func(e *estate.Estate) { orgTrail(e).LogGroupARN = "" },
			want:  []string{orgTrailResource}, msg: "does not deliver to CloudWatch Logs",
		},
	})
}
