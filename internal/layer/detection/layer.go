// Package detection is what the audit reads, in every account and
// operational Region, of the services that look for trouble: AWS Security
// Hub and IAM Access Analyzer, and the checks of the CIS AWS Foundations
// Benchmark v3.0.0 on them (4.16 and 1.20). groundwork manages neither
// (the spec's services section gives them trusted access and a delegated
// administrator): the layer has no kinds.
package detection

import (
	"context"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

func init() {
	layer.Register(layer.Layer{
		Name:  "detection",
		Order: 80,
		Survey: func(ctx context.Context, r inventory.Reader, scope estate.Scope, _, actual *estate.Estate) error {
			return survey(ctx, r, actual, scope)
		},
		Forget: func(e *estate.Estate) { e.Detection = nil },
	})
}
