package audit

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

const prodRes = "account/444444444444 (payments-prod)"

func seenOrgTrail(e *estate.Estate) *estate.PostureTrail {
	return e.Posture.Trails[estate.PlaceKey(mgmtKey, home)][0]
}

// ownTrail gives an account a trail of its own, homed in home, replacing
// what it saw there.
func ownTrail(key, id string, edit func(t *estate.PostureTrail)) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		at := estate.Where{Account: key, Region: home}
		t := &estate.PostureTrail{Where: at, Name: "local", ARN: "arn:aws:cloudtrail:eu-west-1:" + id + ":trail/local",
			HomeRegion: home, MultiRegion: true, LogFileValidation: true, KMSKeyID: "k", Logging: ptr(true)}
		if edit != nil {
			edit(t)
		}
		e.Posture.Trails[at.String()] = []*estate.PostureTrail{t}
	}
}

// noOrgTrail leaves payments-prod without the organization trail's shadow.
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
	for _, region := range []string{home, other} {
		e.Posture.Trails[estate.PlaceKey(prodKey, region)] = nil
	}
}

func TestTrailCoverageCheck(t *testing.T) {
	all := []string{"account/000000000000 (management)", "account/111111111111 (log-archive)",
		"account/222222222222 (security-tooling)", "account/333333333333 (identity-center)", prodRes,
		"account/555555555555 (payments-dev)", "account/666666666666 (sandbox-ana)"}
	runCases(t, postured, map[string]checkCase{
		"passes with the organization trail": {check: "GW-TRL-001"},
		"organization trail stopped": {
			check: "GW-TRL-001",
			edit:  func(e *estate.Estate) { seenOrgTrail(e).Logging = ptr(false) },
			want:  all, msg: "groundwork-org-trail is not logging",
		},
		"organization trail single-Region": {
			check: "GW-TRL-001",
			edit: func(e *estate.Estate) {
				for _, ts := range e.Posture.Trails {
					ts[0].MultiRegion = false
				}
			},
			want: all, msg: "groundwork-org-trail logs only eu-west-1",
		},
		"account not covered": {
			check: "GW-TRL-001", edit: noOrgTrail,
			want: []string{prodRes}, msg: "no multi-Region trail that is logging covers the account",
		},
		"organization trail covers an account that shows none": {
			check: "GW-TRL-001", edit: hideOrgTrail,
		},
		"own multi-Region trail covers": {
			check: "GW-TRL-001",
			edit:  func(e *estate.Estate) { noOrgTrail(e); ownTrail(prodKey, "444444444444", nil)(e) },
		},
		"own trail stopped": {
			check: "GW-TRL-001",
			edit: func(e *estate.Estate) {
				noOrgTrail(e)
				ownTrail(prodKey, "444444444444", func(t *estate.PostureTrail) { t.Logging = ptr(false) })(e)
			},
			want: []string{prodRes}, msg: "local is not logging",
		},
		"logging unknown is no judgement": {
			check: "GW-TRL-001",
			edit:  func(e *estate.Estate) { seenOrgTrail(e).Logging = nil },
		},
		"trails not read in the account": {
			check: "GW-TRL-001",
			edit: func(e *estate.Estate) {
				for _, region := range []string{home, other} {
					delete(e.Posture.Trails, estate.PlaceKey(prodKey, region))
				}
			},
		},
	}, namesAccount)
}

func TestEveryTrailChecks(t *testing.T) {
	const orgRes = "trail/groundwork-org-trail (management eu-west-1)"
	runCases(t, postured, map[string]checkCase{
		"002 passes": {check: "GW-TRL-002"},
		"003 passes": {check: "GW-TRL-003"},
		"002 org trail": {
			check: "GW-TRL-002",
			edit: func(e *estate.Estate) {
				for _, ts := range e.Posture.Trails {
					ts[0].LogFileValidation = false
				}
			},
			want: []string{orgRes}, msg: "trail groundwork-org-trail does not validate its log files",
		},
		"002 account's own trail": {
			check: "GW-TRL-002",
			edit:  ownTrail(prodKey, "444444444444", func(t *estate.PostureTrail) { t.LogFileValidation = false }),
			want:  []string{"trail/local (payments-prod eu-west-1)"},
		},
		"003 org trail, seen only as shadows": {
			check: "GW-TRL-003",
			edit: func(e *estate.Estate) {
				for _, ts := range e.Posture.Trails {
					ts[0].KMSKeyID = ""
				}
				e.Posture.Trails[estate.PlaceKey(mgmtKey, home)] = nil
			},
			want: []string{"trail/groundwork-org-trail (management eu-west-1)"}, msg: "only with S3-managed keys",
		},
		"003 closing account's trail ignored": {
			check: "GW-TRL-003",
			edit: func(e *estate.Estate) {
				ownTrail(prodKey, "444444444444", func(t *estate.PostureTrail) { t.KMSKeyID = "" })(e)
				acct(e, "payments-prod").Status = "SUSPENDED"
			},
		},
	}, namesAccount)
}

// TestHomeTrailsPrefersOwner: a member account's shadow copy of the
// organization trail, seen in the trail's home Region, must not stand for
// the trail when the owner's own sighting was read too.
func TestHomeTrailsPrefersOwner(t *testing.T) {
	e := postured()
	var sightings []string
	for _, tr := range homeTrails(e) {
		if tr.ARN == orgTrailARN {
			sightings = append(sightings, tr.Where.String())
		}
	}
	if want := (estate.Where{Account: mgmtKey, Region: home}).String(); len(sightings) != 1 || sightings[0] != want {
		t.Errorf("organization trail taken from %q, want only %q", sightings, want)
	}
}
