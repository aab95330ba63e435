package posture

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/posture/posturetest"
)

const prodRes = "account/444444444444 (payments-prod)"

// noOrgTrail leaves payments-prod without the organization trail's
// shadow copies, and makes the trail the other accounts see a trail of
// their own, not an organization trail: payments-prod is then covered by
// nothing.
func noOrgTrail(e *estate.Estate) {
	hideOrgTrail(e)
	for _, ts := range e.Posture.Trails {
		for _, t := range ts {
			t.Organization = false
		}
	}
}

// hideOrgTrail leaves payments-prod without the organization trail's
// shadow copies, as when its own read shows no trail.
func hideOrgTrail(e *estate.Estate) {
	for _, region := range []string{audittest.Home, audittest.Other} {
		e.Posture.Trails[estate.PlaceKey(audittest.ProdKey, region)] = nil
	}
}

func TestTrailCoverageCheck(t *testing.T) {
	all := []string{"account/000000000000 (management)", "account/111111111111 (log-archive)",
		"account/222222222222 (security-tooling)", "account/333333333333 (identity-center)", prodRes,
		"account/555555555555 (payments-dev)", "account/666666666666 (sandbox-ana)"}
	audittest.RunCases(t, postured, map[string]audittest.Case{
		"passes with the organization trail": {Check: "GW-TRL-001"},
		"organization trail stopped": {
			Check: "GW-TRL-001",
			Edit:  func(e *estate.Estate) { posturetest.OrgTrail(e).Logging = new(false) },
			Want:  all, Msg: "groundwork-org-trail is not logging",
		},
		"organization trail single-Region": {
			Check: "GW-TRL-001",
			Edit: func(e *estate.Estate) {
				for _, ts := range e.Posture.Trails {
					ts[0].MultiRegion = false
				}
			},
			Want: all, Msg: "groundwork-org-trail logs only eu-west-1",
		},
		"account not covered": {
			Check: "GW-TRL-001", Edit: noOrgTrail,
			Want: []string{prodRes}, Msg: "no multi-Region trail that is logging covers the account",
		},
		"organization trail covers an account that shows none": {
			Check: "GW-TRL-001", Edit: hideOrgTrail,
		},
		"own multi-Region trail covers": {
			Check: "GW-TRL-001",
			Edit:  func(e *estate.Estate) { noOrgTrail(e); posturetest.OwnTrail(audittest.ProdKey, "444444444444", nil)(e) },
		},
		"own trail stopped": {
			Check: "GW-TRL-001",
			Edit: func(e *estate.Estate) {
				noOrgTrail(e)
				posturetest.OwnTrail(audittest.ProdKey, "444444444444", func(t *estate.PostureTrail) { t.Logging = new(false) })(e)
			},
			Want: []string{prodRes}, Msg: "local is not logging",
		},
		"logging unknown is no judgement": {
			Check: "GW-TRL-001",
			Edit:  func(e *estate.Estate) { posturetest.OrgTrail(e).Logging = nil },
		},
		"trails not read in the account": {
			Check: "GW-TRL-001",
			Edit: func(e *estate.Estate) {
				for _, region := range []string{audittest.Home, audittest.Other} {
					delete(e.Posture.Trails, estate.PlaceKey(audittest.ProdKey, region))
				}
			},
		},
	}, audittest.NamesAccount)
}

func TestEveryTrailChecks(t *testing.T) {
	const orgRes = "trail/groundwork-org-trail (management eu-west-1)"
	audittest.RunCases(t, postured, map[string]audittest.Case{
		"002 passes": {Check: "GW-TRL-002"},
		"003 passes": {Check: "GW-TRL-003"},
		"002 org trail": {
			Check: "GW-TRL-002",
			Edit: func(e *estate.Estate) {
				for _, ts := range e.Posture.Trails {
					ts[0].LogFileValidation = false
				}
			},
			Want: []string{orgRes}, Msg: "trail groundwork-org-trail does not validate its log files",
		},
		"002 account's own trail": {
			Check: "GW-TRL-002",
			Edit:  posturetest.OwnTrail(audittest.ProdKey, "444444444444", func(t *estate.PostureTrail) { t.LogFileValidation = false }),
			Want:  []string{"trail/local (payments-prod eu-west-1)"},
		},
		"003 org trail, seen only as shadows": {
			Check: "GW-TRL-003",
			Edit: func(e *estate.Estate) {
				for _, ts := range e.Posture.Trails {
					ts[0].KMSKeyID = ""
				}
				e.Posture.Trails[estate.PlaceKey(audittest.MgmtKey, audittest.Home)] = nil
			},
			Want: []string{"trail/groundwork-org-trail (management eu-west-1)"}, Msg: "only with S3-managed keys",
		},
		"003 closing account's trail ignored": {
			Check: "GW-TRL-003",
			Edit: func(e *estate.Estate) {
				posturetest.OwnTrail(audittest.ProdKey, "444444444444", func(t *estate.PostureTrail) { t.KMSKeyID = "" })(e)
				audittest.Account(e, "payments-prod").Status = "SUSPENDED"
			},
		},
	}, audittest.NamesAccount)
}

// TestHomeTrailsPrefersOwner: a member account's shadow copy of the
// organization trail, seen in the trail's home Region, must not stand for
// the trail when the owner's own sighting was read too.
func TestHomeTrailsPrefersOwner(t *testing.T) {
	e := postured()
	var sightings []string
	for _, tr := range homeTrails(e) {
		if tr.ARN == posturetest.OrgTrailARN {
			sightings = append(sightings, tr.Where.String())
		}
	}
	if want := (estate.Where{Account: audittest.MgmtKey, Region: audittest.Home}).String(); len(sightings) != 1 || sightings[0] != want {
		t.Errorf("organization trail taken from %q, want only %q", sightings, want)
	}
}
