// Package testenv runs the moto server, an independent implementation of
// the AWS APIs, for groundwork's integration tests, and the AWS CLI against
// it for independent verification. The server and CLI come from the
// project's venv (scripts/venv.sh, run by `make test`).
//
// Both run from small python programs embedded here, for speed only:
// moto_server.py starts moto's own server less work moto 5.2 does for
// nothing on every request and reset, and aws_cli.py runs the AWS CLI's own
// commands many to one process. What the server answers and what the CLI
// sends are unchanged.
//
// StartFaultProxy puts a seeded fault-injecting reverse proxy in front of
// the server: throttling and server errors in each protocol's own error
// shape, connections reset before the request is forwarded, and responses
// dropped after the server carried the request out (the lost response).
// groundwork points AWS_ENDPOINT_URL at the proxy; independent checks
// through the AWS CLI go to the server itself.
//
// Without the venv, tests that need the server are skipped on a developer's
// machine and fail when CI=true: in CI a missing server is a failure.
package testenv
