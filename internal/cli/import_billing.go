package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/layer/billing"
)

// maxBillingReads bounds the reads of the billing layer: each read can
// find names only the one before looked at (the budgets' subscribers name
// the billing topic), and the chain is at most that long: defaults, then
// every budget, then the topic they notify.
const maxBillingReads = 3

// readBilling reads the billing layer where the import's spec would put
// groundwork's (importer.BillingHint) into actual.Billing, for readLayers.
// The first read looks under groundwork's names; when the organization's
// layer turns out to be named otherwise (a budget that notifies the
// billing topic under another name, say), the next read looks there too,
// for what is read only of a part the hint names (a budget's subscribers,
// the topic, the report bucket). A part the endpoint cannot answer for is
// left nil and named in actual.Billing.Unread, which importer.Spec writes
// into the spec. A read that fails is a warning and leaves actual.Billing
// nil: the import then leaves billing off. The errors returned are those
// importer.Spec would return.
func readBilling(ctx context.Context, g *globals, s *awsx.Session, actual *estate.Estate, opts importer.Options) error {
	var last *estate.Billing
	for range maxBillingReads {
		hint, err := importer.BillingHint(actual, opts)
		if err != nil || hint == nil || (last != nil && sameBillingNames(hint, last)) {
			return err
		}
		// Warn is set so that an unreadable part does not fail the read;
		// what it would say is in actual.Billing.Unread already.
		err = billing.Read(ctx, inventory.Reader{Session: s, Progress: g.progress, Warn: func(error) {}}, actual, hint)
		if err != nil {
			actual.Billing = nil
			fmt.Fprintf(g.io.Err, "warning: the billing layer was not read, so the spec leaves it off: %v\n", err)
			return nil
		}
		last = hint
	}
	return nil
}

// sameBillingNames tells whether two billing layers name the same topics,
// budgets, alarms, reports and report bucket.
func sameBillingNames(a, b *estate.Billing) bool {
	bucket := func(x *estate.Billing) string {
		if x.ReportBucket == nil {
			return ""
		}
		return x.ReportBucket.Name
	}
	return slices.Equal(slices.Sorted(maps.Keys(a.Topics)), slices.Sorted(maps.Keys(b.Topics))) &&
		slices.Equal(slices.Sorted(maps.Keys(a.Budgets)), slices.Sorted(maps.Keys(b.Budgets))) &&
		slices.Equal(slices.Sorted(maps.Keys(a.Alarms)), slices.Sorted(maps.Keys(b.Alarms))) &&
		slices.Equal(slices.Sorted(maps.Keys(a.Reports)), slices.Sorted(maps.Keys(b.Reports))) &&
		bucket(a) == bucket(b)
}
