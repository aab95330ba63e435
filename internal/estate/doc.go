// Package estate is the one model of an AWS organization that groundwork
// shares between desired state (built from the spec) and actual state (read
// by the inventory). Diff, audit and import work on estates only, so none of
// them talks to AWS and all of them are tested with plain Go values.
package estate
