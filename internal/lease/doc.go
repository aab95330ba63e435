// Package lease keeps two applies from running against one organization
// at once, without infrastructure: the lease is an SSM parameter in the
// management account's home Region. The first apply creates it
// (create-if-absent is atomic in SSM); later ones take it over once it is
// released or expired, the first write after the version they read
// winning (SSM numbers every write). It names its holder and expires, so
// that a crash never locks anyone out for longer than its time to live,
// and an apply on the same machine takes over at once from one that is no
// longer running. An apply observes the lease before it reads the
// organization and acquires it only when it has changes to make: an
// apply with nothing to do writes nothing, and one that planned while
// another applied is refused rather than applying a stale plan.
package lease
