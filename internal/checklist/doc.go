// Package checklist lists the steps of the guidance that only the root
// user or the console can do, and reads their state wherever an API can
// tell: root MFA and access keys from IAM's account summary, contacts from
// Account Management, pending SNS subscriptions, whether Cost Explorer
// answers. Steps no API can tell (the billing preferences, the Identity
// Center settings, the root password) are listed as Manual, with the
// console path that does them.
//
// A step lives in the file of its topic (root.go, billing.go, ...) and
// registers itself in init(). Run asks AWS only through a Reader, so every
// detector is tested with a fake, and never fails as a whole: a detector
// whose read fails reports its item Unknown with the error in Detail.
package checklist
