// Package policy reads, checks and builds AWS policy documents: IAM-grammar
// documents (service control policies and generic IAM policies) and AWS
// Organizations tag policies. It is pure Go and never calls AWS.
//
// It offers four things:
//
//   - a document model and a parser that accepts IAM's shorthand (a single
//     statement object, a string where a list is expected, booleans and
//     numbers as condition values): Document, Parse;
//   - a linter that reports every problem at once, each naming the file, the
//     statement, its Sid and the field: Lint, Problem, Size, Minify,
//     CheckAttachmentLimit;
//   - a lockout guard that finds SCP statements which would cut groundwork's
//     own role out of member accounts: DeniesAccess, MatchWildcard;
//   - the SCP library, embedded JSON templates rendered with the foundation's
//     parameters: Library, Render, RenderCombined.
//
// The AWS rules encoded here, and where they come from:
//
//   - SCPs use the full IAM policy language since September 2025 (AWS
//     Security Blog, "Unlock new possibilities: AWS Organizations service
//     control policy now supports full IAM language"): Condition, NotAction,
//     NotResource and individual resource ARNs in Allow statements too, and
//     wildcards anywhere in an action name. Principal and NotPrincipal stay
//     unsupported in SCPs (IAM User Guide, "AWS JSON policy elements:
//     NotPrincipal": "SCPs and RCPs don't support NotPrincipal"; SCP syntax).
//   - Every statement needs Resource or NotResource (IAM Access Analyzer
//     policy check MISSING_RESOURCE applies to every policy type except
//     role trust policies).
//   - An SCP's size counts every character AWS stores. The console strips
//     whitespace outside quoted strings before saving; the API (and so
//     groundwork) stores the text exactly as sent, which is why groundwork
//     always sends Minify's output and Size measures that form (AWS
//     Organizations User Guide, "SCP syntax" and "Quotas for AWS
//     Organizations"; AWS re:Post "How do I manage the SCP character size
//     limit").
//   - An SCP may have 5,120 characters and a root, OU or account may have
//     5 SCPs attached directly, FullAWSAccess included ("Quotas for AWS
//     Organizations"). Tag policies may have 10,000 characters.
//
// Everything here is safe for concurrent use: the package holds no mutable
// state, and the embedded library is read-only.
package policy
