package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer"
)

// collect opens a session and reads the organization's core: its OU tree
// and accounts. The reader it returns reads the layers through the same
// session; warn, when set, makes their reads best-effort.
func (g *globals) collect(ctx context.Context, accessRole string, warn func(error)) (*estate.Estate, inventory.Reader, error) {
	s, err := g.session(ctx, accessRole)
	if err != nil {
		return nil, inventory.Reader{}, err
	}
	if _, err := g.whoami(ctx, s); err != nil {
		var member *memberError
		if errors.As(err, &member) {
			return nil, inventory.Reader{}, err
		}
		return nil, inventory.Reader{}, readError(err)
	}
	g.progress("reading the organization")
	r := inventory.Reader{Session: s, Width: g.concurrency, Warn: warn, Progress: g.progress, Shared: &inventory.Shared{}}
	actual, err := inventory.Collect(ctx, r)
	if err != nil {
		return nil, r, readError(err)
	}
	return actual, r, nil
}

// collectLayers reads the core and the named layers where desired says
// they live: what a plan compares the spec with.
func (g *globals) collectLayers(ctx context.Context, accessRole string, names []string, desired *estate.Estate) (*estate.Estate, *awsx.Session, error) {
	actual, r, err := g.collect(ctx, accessRole, nil)
	if err != nil {
		return nil, nil, err
	}
	if err := layer.Read(ctx, r, names, desired, actual); err != nil {
		return nil, nil, readError(err)
	}
	return actual, r.Session, nil
}

// readError says what failed; Main explains the cause (awsx.Explain),
// which is not always the credentials: throttling, server errors and the
// network fail reads as well.
func readError(err error) error {
	return fmt.Errorf("read the organization: %w", err)
}
