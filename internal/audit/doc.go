// Package audit runs groundwork's checks over an actual estate and reports
// what falls short of the guidance as findings.
//
// A check is a pure function of an *estate.Estate: it makes no AWS calls and
// does no I/O, so Run is deterministic and every check is tested with plain
// Go values. Checks register themselves in init() with Register; each
// carries the guidance it comes from, the compliance controls it maps to,
// and a remediation naming the spec field or manual step that fixes it.
//
// This package is the framework: Check, Finding and Severity, the registry,
// Run, the catalogue, suppressions, and the names and places every check
// reports findings by (AccountResource, PlacedFinding, Leaving, ...). It
// holds the checks on the organization itself, its OUs and accounts, and
// drift from the spec; each layer under internal/layer holds the checks on
// what it reads, one check_<topic>.go per topic. Package audittest helps
// test them.
//
// Only accounts in use (estate.Account.Active) are judged: one that is
// SUSPENDED, PENDING_CLOSURE or CLOSED is on its way out of the
// organization, and one PENDING_ACTIVATION cannot be entered yet.
package audit
