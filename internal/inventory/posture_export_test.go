package inventory

import "time"

// SetCredentialReportPoll shortens the wait for a credential report in
// tests; it returns a func restoring the default.
func SetCredentialReportPoll(d time.Duration, polls int) func() {
	d0, n0 := credentialReportPoll, credentialReportPolls
	credentialReportPoll, credentialReportPolls = d, polls
	return func() { credentialReportPoll, credentialReportPolls = d0, n0 }
}
