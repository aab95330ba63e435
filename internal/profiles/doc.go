// Package profiles builds the AWS config (~/.aws/config) a person needs to
// reach every account of the organization: `groundwork profiles`.
//
// It is a framework that layers plug into, as the audit and the importer
// are. A layer registers a Source (Register) that turns its part of the
// desired and actual estates into Targets: an account and a role in it,
// with how to sign in (an IAM Identity Center sso-session, or a role
// assumed from a source profile with MFA). This package names the targets
// from a template (Names), renders them as the AWS CLI reads them
// (Render, JSON) and merges them into an existing config file between
// markers without touching any other line (Merge, WriteFile).
//
// Nothing here talks to AWS: the CLI reads the layers, then calls the
// sources with the estates.
package profiles
