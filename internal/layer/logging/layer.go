// Package logging is the central logging layer: the organization trail,
// its bucket, key and log group, AWS Config recorders, rules and the
// aggregator (guidance 000, 002 and 003).
package logging

import (
	"context"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

func init() {
	layer.Register(layer.Layer{
		Name:   "logging",
		Order:  20,
		Wanted: func(desired *estate.Estate) bool { return desired.Logging != nil },
		Read: func(ctx context.Context, r inventory.Reader, desired, actual *estate.Estate) error {
			return Read(ctx, r, actual, desired.Logging)
		},
		// The audit judges every trail, Config recorder, aggregator, rule
		// and log bucket of the organization, with or without a logging
		// section: the spec adds its own resources, for drift and names.
		Survey: func(ctx context.Context, r inventory.Reader, scope estate.Scope, desired, actual *estate.Estate) error {
			var want *estate.Logging
			if desired != nil {
				want = desired.Logging
			}
			return Survey(ctx, r, scope, actual, want)
		},
		Forget: func(e *estate.Estate) { e.Logging = nil },
	})
}
