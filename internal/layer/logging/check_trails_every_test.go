package logging

import (
	"slices"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// notOrganization makes the organization trail the management account's
// own, seen there alone: the members are covered by nothing.
func notOrganization(e *estate.Estate) {
	t := loggedTrail(e)
	t.Organization = false
	t.SeenIn = slices.DeleteFunc(t.SeenIn, func(w estate.Where) bool { return w.Account != audittest.MgmtKey })
}

func TestTrailCoverageCheck(t *testing.T) {
	members := allAccounts[1:]
	audittest.RunCases(t, logged, map[string]audittest.Case{
		"passes with the organization trail": {Check: "GW-TRL-001"},
		"organization trail stopped": {
			Check: "GW-TRL-001",
			Edit:  func(e *estate.Estate) { loggedTrail(e).Logging = false },
			Want:  allAccounts, Msg: "groundwork-org-trail is not logging",
		},
		"organization trail single-Region": {
			Check: "GW-TRL-001",
			Edit:  func(e *estate.Estate) { loggedTrail(e).MultiRegion = false },
			Want:  allAccounts, Msg: "groundwork-org-trail logs only eu-west-1",
		},
		"members not covered": {
			Check: "GW-TRL-001", Edit: notOrganization,
			Want: members, Msg: "no multi-Region trail that is logging covers the account",
		},
		"organization trail covers an account that shows none": {
			Check: "GW-TRL-001",
			Edit: func(e *estate.Estate) {
				t := loggedTrail(e)
				t.SeenIn = slices.DeleteFunc(t.SeenIn, func(w estate.Where) bool { return w.Account == audittest.ProdKey })
			},
		},
		"own multi-Region trail covers": {
			Check: "GW-TRL-001",
			Edit: func(e *estate.Estate) {
				notOrganization(e)
				ownTrail(e, audittest.ProdKey)
			},
			Want: slices.DeleteFunc(slices.Clone(members), func(r string) bool { return r == prodResource }),
		},
		"own trail stopped": {
			Check: "GW-TRL-001",
			Edit: func(e *estate.Estate) {
				notOrganization(e)
				ownTrail(e, audittest.ProdKey).Logging = false
				for _, k := range audittest.AccountKeys() {
					if k != audittest.ProdKey && k != audittest.MgmtKey {
						e.Logging.TrailsRead = slices.DeleteFunc(e.Logging.TrailsRead, func(w estate.Where) bool { return w.Account == estate.AccountKey(k) })
					}
				}
			},
			Want: []string{prodResource}, Msg: "own is not logging",
		},
		"logging unknown is no judgement": {
			Check: "GW-TRL-001",
			Edit:  func(e *estate.Estate) { t := loggedTrail(e); t.Logging, t.StatusRead = false, false },
		},
		"trails not read in an account": {
			Check: "GW-TRL-001",
			Edit: func(e *estate.Estate) {
				notOrganization(e)
				e.Logging.TrailsRead = slices.DeleteFunc(e.Logging.TrailsRead, func(w estate.Where) bool { return w.Account != audittest.ProdKey })
			},
			Want: []string{prodResource},
		},
	}, audittest.NamesAccount)
}

func TestEveryTrailChecks(t *testing.T) {
	audittest.RunCases(t, logged, map[string]audittest.Case{
		"002 passes": {Check: "GW-TRL-002"},
		"003 passes": {Check: "GW-TRL-003"},
		"002 organization trail": {
			Check: "GW-TRL-002",
			Edit:  func(e *estate.Estate) { loggedTrail(e).LogFileValidation = false },
			Want:  []string{orgTrailResource}, Msg: "trail groundwork-org-trail does not validate its log files",
		},
		"002 an account's own trail": {
			Check: "GW-TRL-002",
			Edit:  func(e *estate.Estate) { ownTrail(e, audittest.ProdKey).LogFileValidation = false },
			Want:  []string{"trail/own (payments-prod eu-west-1)"},
		},
		"003 a trail outside the organization that reaches it": {
			Check: "GW-TRL-003",
			Edit: func(e *estate.Estate) {
				t := loggedTrail(e)
				delete(e.Logging.Trails, t.Key(t.Name))
				t.Account, t.KMSKey = "999999999999", ""
				e.Logging.Trails[t.Key(t.Name)] = t
			},
			Want: []string{"trail/groundwork-org-trail (999999999999 eu-west-1)"}, Msg: "only with S3-managed keys",
		},
		"003 closing account's trail ignored": {
			Check: "GW-TRL-003",
			Edit: func(e *estate.Estate) {
				ownTrail(e, audittest.ProdKey).KMSKey = ""
				audittest.Account(e, "payments-prod").Status = "SUSPENDED"
			},
		},
	}, audittest.NamesAccount)
}
