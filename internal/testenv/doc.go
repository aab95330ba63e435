// Package testenv runs the moto server, an independent implementation of
// the AWS APIs, for groundwork's integration tests, and the AWS CLI against
// it for independent verification. The server and CLI come from the
// project's venv (scripts/venv.sh, run by `make test`).
//
// Without the venv, tests that need the server are skipped on a developer's
// machine and fail when CI=true: in CI a missing server is a failure.
package testenv
