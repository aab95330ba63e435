// Package datastores is what the audit reads, in every account and
// operational Region, of where the organization keeps data and of the
// instances that reach it: EBS encryption by default, RDS DB instances,
// EFS file systems and EC2 instances, and the checks of the CIS AWS Foundations Benchmark v3.0.0
// on them (1.18, 2.2.1, 2.3.1 to 2.3.3, 2.4.1 and 5.6). groundwork
// manages none of it: the layer has no kinds.
package datastores

import (
	"context"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

func init() {
	layer.Register(layer.Layer{
		Name:  "datastores",
		Order: 75,
		Survey: func(ctx context.Context, r inventory.Reader, scope estate.Scope, _, actual *estate.Estate) error {
			return survey(ctx, r, actual, scope)
		},
		Forget: func(e *estate.Estate) { e.Datastores = nil },
	})
}
