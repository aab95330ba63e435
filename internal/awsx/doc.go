// Package awsx builds the AWS SDK configurations groundwork uses: the
// standard credential chain (environment, profiles, SSO sessions), the
// endpoint from AWS_ENDPOINT_URL, one retry policy, a call counter on every
// client, and cached assume-role credentials for member accounts.
package awsx
