// Package posture is what the audit reads of every account beyond the
// foundation: IAM users and their credentials, workloads in the
// management account, buckets and KMS keys. The trails are the logging
// layer's survey's.
package posture

import (
	"context"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

func init() {
	layer.Register(layer.Layer{
		Name:  "posture",
		Order: 60,
		Survey: func(ctx context.Context, r inventory.Reader, scope estate.Scope, _, actual *estate.Estate) error {
			return survey(ctx, r, actual, scope)
		},
		Forget: func(e *estate.Estate) { e.Posture = nil },
	})
}
