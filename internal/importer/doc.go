// Package importer writes the spec of a live organization: it turns an
// actual estate (read by the inventory) into foundation.yaml and the policy
// files beside it, such that planning that spec against the same
// organization shows no changes.
//
// It is a framework that layers plug into. The core imports the
// organization (units, accounts, tagging, SCPs, services, contacts); each
// layer registers a SectionType (RegisterSection) that reads its part of
// the organization where the spec would put groundwork's layer, and
// writes its section, as a value of the spec's own type rendered by its
// yaml tags (Encode) so that no key of the spec is spelled twice. Run
// drives a whole import; Spec writes the spec of an estate already read.
// The importer reads AWS only through the sections' Read and writes no
// files; the CLI writes them.
//
// The built-in layers' sections (logging.go, monitoring.go, hardening.go,
// billing.go) use only the exported API and are to move into their layer
// packages, as are the organization layer's parts of the core (SCPs, tag
// policy, services, contacts); until they do, they are where the importer
// imports layers (their spec types and readers).
package importer
