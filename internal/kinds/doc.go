// Package kinds holds one file per resource kind groundwork manages. Each
// kind registers itself in init() with how to diff desired against actual
// estate into plan changes and how to carry a change out against AWS.
// Plan computes a whole plan from every registered kind; it has no side
// effects.
package kinds
