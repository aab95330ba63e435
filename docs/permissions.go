// Package docs carries the documents groundwork reads at run time, so
// that what the binary says and what the repository documents are one
// text: the IAM policy of docs/permissions.json names the statement an
// AccessDenied error points to.
package docs

import _ "embed"

// Permissions is docs/permissions.json: the IAM policy groundwork needs
// in the management account, one statement (Sid) per purpose.
//
//go:embed permissions.json
var Permissions []byte
