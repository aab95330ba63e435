// Package inventory reads the actual estate from AWS: read-only,
// concurrent within bounds, every list paginated. One file per AWS service.
package inventory
