// Package inventory is the read side of groundwork's framework: it reads
// the core of the actual estate (the organization, its OUs and accounts)
// and gives the layers what they read themselves with (Reader, Options,
// the fan-out over accounts, what an AWS error means). Read-only,
// concurrent within bounds, every list paginated. It names no layer: each
// reads itself in internal/layer/<name>.
package inventory
