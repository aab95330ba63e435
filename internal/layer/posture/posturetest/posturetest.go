// Package posturetest builds posture-layer estates for the tests of the
// checks that judge them.
package posturetest

import (
	"slices"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// AsOf is when the posture layer of Surveyed was read.
var AsOf = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Surveyed is the recommended foundation with an empty posture layer read
// at AsOf in every account and Region: the tests fill in what they judge.
func Surveyed() *estate.Estate {
	e := audittest.Foundation()
	e.HomeRegion, e.Regions = audittest.Home, []string{audittest.Home, audittest.Other}
	p := estate.NewPosture(AsOf)
	p.Accounts, p.Regions, p.HomeRegion = slices.Sorted(slices.Values(audittest.AccountKeys())), e.Regions, audittest.Home
	e.Posture = p
	return e
}
