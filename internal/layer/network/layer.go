// Package network is what the audit reads of every account's networks:
// VPCs and their flow logs, security groups and network ACLs.
package network

import (
	"context"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

func init() {
	layer.Register(layer.Layer{
		Name:  "network",
		Order: 70,
		Survey: func(ctx context.Context, r inventory.Reader, scope estate.Scope, _, actual *estate.Estate) error {
			return survey(ctx, r, actual, scope)
		},
		Forget: func(e *estate.Estate) { e.Network = nil },
	})
}
