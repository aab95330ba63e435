package cli

import (
	"context"
	"fmt"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// collect opens a session and reads the actual estate.
func (g *globals) collect(ctx context.Context, accessRole string) (*estate.Estate, *awsx.Session, error) {
	s, err := g.session(ctx, accessRole)
	if err != nil {
		return nil, nil, err
	}
	g.progress("reading the organization")
	actual, err := inventory.Collect(ctx, s, inventory.Options{Progress: g.progress})
	if err != nil {
		return nil, nil, fmt.Errorf("read the organization: %w\n(check your credentials: groundwork runs as the management account; see the README's permissions)", err)
	}
	return actual, s, nil
}
