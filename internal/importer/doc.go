// Package importer writes the spec of a live organization: it turns an
// actual estate (read by the inventory) into foundation.yaml and the policy
// files beside it, such that planning that spec against the same
// organization shows no changes. LoggingHint says where to read the
// logging layer for it. It is pure: it reads no AWS and writes no files;
// the CLI does both.
package importer
