package awsx

import (
	"errors"
	"net/http"
	"slices"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// What a read's error means. AWS says "no such thing" with an error code,
// not a type, in most services; an endpoint that lacks an operation or a
// whole service answers in ways a reader must tell apart from a refusal.

// ErrorCodeIs reports whether err is an AWS error with one of codes: how
// readers tell "no such thing" (NoSuchBucket, NotFoundException, ...)
// from a failure.
func ErrorCodeIs(err error, codes ...string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && slices.Contains(codes, ae.ErrorCode())
}

// Unimplemented reports what an endpoint lacking an operation answers:
// HTTP 500 with no AWS error code (moto 5.2 sends an HTML error page). A
// fault of AWS itself carries a code such as InternalFailure.
func Unimplemented(err error) bool {
	var re *awshttp.ResponseError
	var ae smithy.APIError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusInternalServerError && !errors.As(err, &ae)
}

// Unsupported reports whether err says the service cannot answer the call
// at all, rather than that the call was wrong or refused: a not-implemented
// or internal-error code, or any server error.
func Unsupported(err error) bool {
	if err == nil {
		return false
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NotImplemented", "NotImplementedException", "InternalFailure", "InternalError", "InternalServerError",
			"ServiceUnavailable":
			return true
		}
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() >= http.StatusInternalServerError
}

// Found turns the answer of a read of one named thing into whether it
// exists: no error is found; an error with one of the codes that say
// "no such thing" (NoSuchEntity, ...) is not found, and no failure; any
// other error is returned. It is the look a create guard calls.
func Found(err error, missing ...string) (bool, error) {
	if ErrorCodeIs(err, missing...) {
		return false, nil
	}
	return err == nil, err
}
