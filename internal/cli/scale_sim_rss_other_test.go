//go:build !linux

package cli

// peakRSS is this process's peak resident memory, not measured here.
func peakRSS() int64 { return 0 }
