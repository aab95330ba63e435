// Package monitoring is the monitoring layer: the security topic, the CIS
// metric filters and alarms on the organization trail's log group, and the
// root sign-in rule (guidance 000, 001 and 003).
package monitoring

import (
	"context"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

func init() {
	layer.Register(layer.Layer{
		Name: "monitoring",
		// Listed after logging, whose trail it watches. Its plan read
		// looks at the spec's log groups, not the logging layer's read,
		// so it needs no ReadAfter; its survey waits for logging's.
		Order:  30,
		Wanted: func(desired *estate.Estate) bool { return desired.Monitoring != nil },
		Read: func(ctx context.Context, r inventory.Reader, desired, actual *estate.Estate) error {
			return Read(ctx, r, actual, desired.Monitoring)
		},
		// The audit judges what watches the organization's trails with or
		// without a monitoring section: the trails are read by another
		// layer's survey first.
		Survey: func(ctx context.Context, r inventory.Reader, scope estate.Scope, desired, actual *estate.Estate) error {
			var want *estate.Monitoring
			if desired != nil {
				want = desired.Monitoring
			}
			return Survey(ctx, r, scope, actual, want)
		},
		SurveyAfter: []string{"logging"},
		Forget:      func(e *estate.Estate) { e.Monitoring = nil },
	})
}
