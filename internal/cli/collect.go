package cli

import (
	"context"
	"fmt"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// collect opens a session and reads the actual estate.
func (g *globals) collect(ctx context.Context, accessRole string, opts inventory.Options) (*estate.Estate, *awsx.Session, error) {
	s, err := g.session(ctx, accessRole)
	if err != nil {
		return nil, nil, err
	}
	g.progress("reading the organization")
	opts.Progress = g.progress
	actual, err := inventory.Collect(ctx, s, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("read the organization: %w\n(check your credentials: groundwork runs as the management account; see the README's permissions)", err)
	}
	return actual, s, nil
}

// reads returns what the inventory must read to plan for desired.
func reads(desired *estate.Estate) inventory.Options {
	opts := inventory.Options{OrgLayer: desired.Org != nil, Logging: desired.Logging}
	if desired.Org != nil && desired.Org.ManagementContacts != nil {
		opts.Contacts = true
	}
	for _, a := range desired.Accounts {
		if a.Contacts != nil {
			opts.Contacts = true
		}
	}
	return opts
}
