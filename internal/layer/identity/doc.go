// Package identity is the identity layer: how people reach the accounts
// (guidance 000 "Deploy AWS IAM Identity Center" and its assignments,
// guidance 002's Identity-account model). It holds the identity section
// of foundation.yaml, its reader, kinds, checks and importer.
package identity
