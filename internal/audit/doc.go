// Package audit runs groundwork's checks over an actual estate and reports
// what falls short of the guidance as findings.
//
// A check is a pure function of an *estate.Estate: it makes no AWS calls and
// does no I/O, so Run is deterministic and every check is tested with plain
// Go values. Checks live one file per topic (organization.go, ...) and
// register themselves in init(); each carries the guidance it comes from,
// the compliance controls it maps to, and a remediation naming the spec
// field or manual step that fixes it.
//
// Accounts that are SUSPENDED or PENDING_CLOSURE are on their way out of the
// organization; the checks ignore them.
package audit
