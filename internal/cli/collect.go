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
	opts := inventory.Options{OrgLayer: desired.Org != nil, Logging: desired.Logging,
		Monitoring: desired.Monitoring, Billing: desired.Billing, Hardening: desired.Hardening}
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

// readsLayers tells whether the inventory reads layers whose whereabouts
// come from the spec: a saved plan records it, and applying the plan reads
// the spec again to look in the same places.
func readsLayers(opts inventory.Options) bool {
	return opts.Logging != nil || opts.Monitoring != nil || opts.Billing != nil || opts.Hardening != nil
}
