// Package billing is the billing layer: the management account's budget,
// estimated-charges alarm, billing topic, Cost and Usage Report and cost
// allocation tags (guidance 000, 001 and 003).
package billing

import (
	"context"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

func init() {
	layer.Register(layer.Layer{
		Name:   "billing",
		Order:  40,
		Wanted: func(desired *estate.Estate) bool { return desired.Billing != nil },
		Read: func(ctx context.Context, r inventory.Reader, desired, actual *estate.Estate) error {
			return Read(ctx, r, actual, desired.Billing)
		},
		// The audit judges the management account's billing with or
		// without a billing section: everything of it there is, and what
		// the spec names besides.
		Survey: func(ctx context.Context, r inventory.Reader, _ estate.Scope, desired, actual *estate.Estate) error {
			var want *estate.Billing
			if desired != nil {
				want = desired.Billing
			}
			return Survey(ctx, r, actual, want)
		},
		Forget: func(e *estate.Estate) { e.Billing = nil },
	})
}
