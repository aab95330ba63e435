// Package hardening is the hardening layer: the IAM password policy, S3
// Block Public Access, no default VPCs and no IAM users in the management
// account (guidance 000, 001 and 003).
package hardening

import (
	"context"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

func init() {
	layer.Register(layer.Layer{
		Name:   "hardening",
		Order:  50,
		Wanted: func(desired *estate.Estate) bool { return desired.Hardening != nil },
		Read: func(ctx context.Context, r inventory.Reader, desired, actual *estate.Estate) error {
			return Read(ctx, r, actual, desired.Hardening)
		},
		// The audit judges every account's hardening, with or without a
		// hardening section: where the spec has one, as it says; otherwise
		// across the whole scope.
		Survey: func(ctx context.Context, r inventory.Reader, scope estate.Scope, desired, actual *estate.Estate) error {
			want := wholeEstate(actual, scope)
			if desired != nil && desired.Hardening != nil {
				want = desired.Hardening
			}
			return Read(ctx, r, actual, want)
		},
		Forget: func(e *estate.Estate) { e.Hardening = nil },
	})
}

// wholeEstate is the hardening layer to read when the spec has none:
// every account and Region of the scope, by key, the management account as
// estate.ManagementKey (as a desired layer names it).
func wholeEstate(actual *estate.Estate, scope estate.Scope) *estate.Hardening {
	h := estate.NewHardening()
	h.Regions, h.HomeRegion = slices.Clone(scope.Regions), scope.HomeRegion
	for _, key := range scope.Accounts {
		if a := actual.Accounts[key]; a != nil && actual.IsManagement(a) {
			key = estate.ManagementKey
		}
		h.Accounts = append(h.Accounts, key)
	}
	slices.Sort(h.Accounts)
	return h
}
