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
		Forget: func(e *estate.Estate) { e.Billing = nil },
	})
}
