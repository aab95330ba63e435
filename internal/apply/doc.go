// Package apply carries out a plan: it walks the changes in dependency
// order, runs independent ones concurrently within a bound, skips whatever
// depends on a change that failed or was held back, and reports what
// happened to each change.
package apply
