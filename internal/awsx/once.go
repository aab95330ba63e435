package awsx

import (
	"context"
	"errors"
	"net"
	"net/http"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// NonIdempotent lists the writes, by service ID and operation, that make a
// second thing when sent twice (CreateAccount, CreateKey), or that refuse
// the second time with "already exists" for what the first made. The SDK
// never retries one of them once its request may have reached AWS: a lost
// response would become a duplicate. The caller gets a *MaybeDoneError and
// looks for what the first attempt made before creating again.
//
// Creates that AWS makes idempotent by name are not here and are retried
// as usual: CreateTopic, PutMetricAlarm, Put* settings, CreateLogGroup
// (ResourceAlreadyExists is adopted by its caller), and SNS Subscribe,
// which answers the existing subscription for the same topic, protocol
// and endpoint (AWS and moto alike) rather than making a second one.
//
// PutMetricFilter replaces a filter of the same name in AWS, but the local
// API server the tests use (moto) appends a second one; it is here so
// that groundwork makes no duplicate on either.
var NonIdempotent = map[string]bool{
	"Organizations/CreateAccount":            true,
	"Organizations/CreateOrganizationalUnit": true,
	"Organizations/CreatePolicy":             true,
	"Organizations/CreateOrganization":       true,
	"KMS/CreateKey":                          true,
	"KMS/CreateAlias":                        true,
	"CloudTrail/CreateTrail":                 true,
	"IAM/CreateRole":                         true,
	"CloudWatch Logs/PutMetricFilter":        true,
	// The Identity Store refuses a second user of a name, group of a
	// display name or membership of a user in a group as a conflict.
	"identitystore/CreateUser":            true,
	"identitystore/CreateGroup":           true,
	"identitystore/CreateGroupMembership": true,
}

// MaybeDoneError is the error of a non-idempotent write whose request may
// have reached AWS: the connection broke, timed out or closed before a
// response arrived, or AWS answered with a server error. Whether the
// write happened is unknown; the caller must look before writing again.
type MaybeDoneError struct {
	Service, Operation string
	Err                error
}

func (e *MaybeDoneError) Error() string {
	return e.Err.Error() + " (the request may have reached AWS)"
}

func (e *MaybeDoneError) Unwrap() error { return e.Err }

// MaybeDone reports whether err is a non-idempotent write's error after
// which the write may have happened.
func MaybeDone(err error) bool {
	var m *MaybeDoneError
	return errors.As(err, &m)
}

// createOnceMiddleware runs inside the SDK's retry loop, once per attempt
// (Finalize, after Retry), and marks the error of a NonIdempotent
// operation as a MaybeDoneError unless the request surely did not reach
// AWS (see refused); shouldRetry refuses to retry those.
func createOnceMiddleware(stack *middleware.Stack) error {
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("groundwork.createOnce",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleFinalize(ctx, in)
			svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
			if err != nil && NonIdempotent[svc+"/"+op] && !refused(err) && !isContextError(err) {
				err = &MaybeDoneError{Service: svc, Operation: op, Err: err}
			}
			return out, md, err
		}), "Retry", middleware.After)
}

// refused reports whether err says the request made nothing: AWS
// answered with a client error (throttling, validation, already exists,
// concurrent modification), or no connection was made at all.
func refused(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var ae smithy.APIError
	var re *smithyhttp.ResponseError
	if errors.As(err, &ae) && errors.As(err, &re) {
		return re.HTTPStatusCode() < http.StatusInternalServerError
	}
	return false
}
