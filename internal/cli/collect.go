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

// collect opens a session and reads the organization's core: its OU tree,
// accounts and their tags. The reader it returns reads the layers through
// the same session; warn, when set, makes their reads best-effort.
func (g *globals) collect(ctx context.Context, accessRole string, warn func(error)) (*estate.Estate, inventory.Reader, error) {
	return g.collectThen(ctx, accessRole, warn, nil)
}

// collectThen reads the core as collect does and runs then, when set,
// beside the tags of its accounts and units, once the accounts are known
// (inventory.CollectThen): the layers' reads need the accounts, not their
// tags, which take one call each from the management account's scarce
// Organizations budget. A failure of either fails the read.
func (g *globals) collectThen(ctx context.Context, accessRole string, warn func(error), then func(context.Context, inventory.Reader, *estate.Estate) error) (*estate.Estate, inventory.Reader, error) {
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
	var next func(context.Context, *estate.Estate) error
	if then != nil {
		next = func(tctx context.Context, actual *estate.Estate) error {
			tr := r
			if warn != nil {
				// Once the tags' failure has stopped the layers, the run
				// fails on it: what the layers could not read for being
				// stopped is no warning.
				tr.Warn = func(err error) {
					if tctx.Err() == nil || ctx.Err() != nil {
						warn(err)
					}
				}
			}
			return then(tctx, tr, actual)
		}
	}
	actual, err := inventory.CollectThen(ctx, r, next)
	if err != nil {
		return nil, r, readError(err)
	}
	return actual, r, nil
}

// collectLayers reads the core and the named layers where desired says
// they live, the layers beside the tags: what a plan compares the spec
// with.
func (g *globals) collectLayers(ctx context.Context, accessRole string, names []string, desired *estate.Estate) (*estate.Estate, *awsx.Session, error) {
	actual, r, err := g.collectThen(ctx, accessRole, nil, func(ctx context.Context, r inventory.Reader, actual *estate.Estate) error {
		return layer.Read(ctx, r, names, desired, actual)
	})
	if err != nil {
		return nil, nil, err
	}
	return actual, r.Session, nil
}

// readError says what failed; Main explains the cause (awsx.Explain),
// which is not always the credentials: throttling, server errors and the
// network fail reads as well.
func readError(err error) error {
	return fmt.Errorf("read the organization: %w", err)
}
