// Package importer writes the spec of a live organization: it turns an
// actual estate (read by the inventory) into foundation.yaml and the policy
// files beside it, such that planning that spec against the same
// organization shows no changes.
//
// It is a framework that layers plug into. The core imports the
// organization itself (units, accounts, the tagging dictionary); each
// layer registers a SectionType (RegisterSection) that reads its part of
// the organization where the spec would put groundwork's layer, and
// writes its section, as a value of the spec's own type rendered by its
// yaml tags (Encode) so that no key of the spec is spelled twice. A
// section asks the spec what it would make of a value (Import.Probe,
// Import.ProbeBare) rather than repeating the spec's defaults. Run drives
// a whole import; Spec writes the spec of an estate already read. The
// importer reads AWS only through the sections' Read and writes no files;
// the CLI writes them.
package importer
