// Package cli wires groundwork's verbs to the packages that do the work.
// Each verb is a cobra command whose RunE builds inputs, calls into
// spec/inventory/kinds/apply/audit and prints; Main maps errors to the
// documented exit codes and is the only thing cmd/groundwork calls.
package cli
