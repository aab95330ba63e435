// Package posturetest builds posture-layer estates for the tests of the
// checks that judge them: the posture layer's own, and the CIS section 4
// checks that the monitoring layer runs on the posture's trails when the
// spec has no monitoring section.
package posturetest

import (
	"slices"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// AsOf is when the posture layer of Trailed was read.
var AsOf = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// OrgTrailARN is the organization trail every account of Trailed sees.
const OrgTrailARN = "arn:aws:cloudtrail:eu-west-1:000000000000:trail/groundwork-org-trail"

// Trailed is the recommended foundation with the trails of its posture
// layer read in every account and Region: the organization trail,
// multi-Region, validated and encrypted, seen everywhere and known to be
// logging where it is homed and owned, in the management account's home
// Region. It delivers to no log group, and nothing else of the layer is
// read.
func Trailed() *estate.Estate {
	e := audittest.Foundation()
	e.HomeRegion, e.Regions = audittest.Home, []string{audittest.Home, audittest.Other}
	p := estate.NewPosture(AsOf)
	p.Accounts, p.Regions, p.HomeRegion = slices.Sorted(slices.Values(audittest.AccountKeys())), e.Regions, audittest.Home
	for _, key := range p.Accounts {
		for _, region := range p.Regions {
			at := estate.Where{Account: estate.AccountKey(key), Region: region}
			org := &estate.PostureTrail{Where: at, Name: "groundwork-org-trail", ARN: OrgTrailARN, HomeRegion: audittest.Home,
				MultiRegion: true, Organization: true, LogFileValidation: true, KMSKeyID: "arn:aws:kms:eu-west-1:222222222222:key/k1"}
			if key == audittest.MgmtKey && region == audittest.Home {
				org.Logging = new(true)
			}
			p.Trails[at.String()] = []*estate.PostureTrail{org}
		}
	}
	e.Posture = p
	return e
}

// OrgTrail is the organization trail as seen where it is homed and owned,
// the one place the layer knows whether it is logging.
func OrgTrail(e *estate.Estate) *estate.PostureTrail {
	return e.Posture.Trails[estate.PlaceKey(audittest.MgmtKey, audittest.Home)][0]
}

// OwnTrail gives an account (key, AWS ID id) a multi-Region trail of its
// own that is logging, homed in the home Region, replacing what it saw
// there; edit, when not nil, changes it first.
func OwnTrail(key, id string, edit func(t *estate.PostureTrail)) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		at := estate.Where{Account: estate.AccountKey(key), Region: audittest.Home}
		t := &estate.PostureTrail{Where: at, Name: "local", ARN: "arn:aws:cloudtrail:eu-west-1:" + id + ":trail/local",
			HomeRegion: audittest.Home, MultiRegion: true, LogFileValidation: true, KMSKeyID: "k", Logging: new(true)}
		if edit != nil {
			edit(t)
		}
		e.Posture.Trails[at.String()] = []*estate.PostureTrail{t}
	}
}
