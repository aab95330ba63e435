package awsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Cause is what went wrong in a call to AWS, in the terms a user acts on.
// The SDK's error chains name what it tried (EC2 IMDS, a cached token
// file, a retry token); a Cause names what the user can change.
type Cause int

// The causes Classify tells apart.
const (
	CauseUnknown            Cause = iota // nothing more specific to say than the error itself
	CauseCanceled                        // the run was stopped: a signal, or the overall timeout
	CauseNoCredentials                   // the credential chain found none, or the profile does not exist
	CauseSSOLogin                        // an IAM Identity Center profile without a valid cached token
	CauseCredentialsRefused              // AWS refused the credentials: expired, revoked, mistyped, or a skewed clock
	CauseAccessDenied                    // the credentials may not call the action
	CauseThrottled                       // AWS throttled the calls and the retries did not get through
	CauseServerError                     // the endpoint answered with a server error (HTTP 5xx)
	CauseUnreachable                     // no connection: refused, unknown host, no route
	CauseTimeout                         // the endpoint did not answer in time
	CauseConnectionBroken                // the connection broke during the call (reset, cut short)
)

var causeNames = [...]string{"unknown", "canceled", "no credentials", "sso login", "credentials refused",
	"access denied", "throttled", "server error", "unreachable", "timeout", "connection broken"}

func (c Cause) String() string {
	if c < 0 || int(c) >= len(causeNames) {
		return fmt.Sprintf("Cause(%d)", int(c))
	}
	return causeNames[c]
}

// Problem is an error of a call to AWS, classified.
type Problem struct {
	Cause Cause
	// Service and Operation name the call that failed, as the SDK names
	// them ("Organizations", "ListRoots"); the innermost call when one
	// call failed inside another (an AssumeRole for a member's
	// credentials inside a read).
	Service, Operation string
	// Action is the IAM action the call needs ("organizations:ListRoots"),
	// as AWS's message names it or else derived from the call.
	Action string
	// Code is the AWS error code, when there is one.
	Code string
	// Endpoint is scheme://host of the endpoint the call went to, when
	// the error names it.
	Endpoint string
	// Attempts is how many attempts the SDK made before it gave up
	// retrying; 0 when it did not retry or the error does not say.
	Attempts int
	// Retried says the SDK retried the call and then gave up (its
	// attempts or its retry quota ran out).
	Retried bool
	// Profile is the shared-config profile that does not exist, for
	// CauseNoCredentials.
	Profile string
}

// The AWS error codes of each cause. Throttling follows the SDK's list
// without LimitExceededException, which Organizations and others use for
// quotas (too many accounts, policies), not for rates.
var (
	accessDeniedCodes = codes("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
		"AuthorizationError", "AuthorizationErrorException", "UnauthorizedAccess", "NotAuthorized")
	refusedCodes = codes("InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
		"ExpiredToken", "ExpiredTokenException", "InvalidAccessKeyId", "AuthFailure", "InvalidSignatureException",
		"InvalidToken", "RequestExpired", "RequestTimeTooSkewed", "IncompleteSignature")
	throttleCodes = func() map[string]bool {
		m := map[string]bool{}
		for c := range retry.DefaultThrottleErrorCodes {
			m[c] = c != "LimitExceededException"
		}
		return m
	}()
	serverCodes = codes("InternalFailure", "InternalError", "InternalServerError", "InternalException",
		"ServiceUnavailable", "ServiceUnavailableException", "ServiceFailure", "ServiceException")
)

func codes(cs ...string) map[string]bool {
	m := map[string]bool{}
	for _, c := range cs {
		m[c] = true
	}
	return m
}

// notAuthorized finds the action in AWS's AccessDenied messages: "User:
// arn:... is not authorized to perform: organizations:ListRoots on ...".
var notAuthorized = regexp.MustCompile(`perform: ([a-z0-9-]+:[A-Za-z0-9]+)`)

// Classify says what err, returned by a call to AWS, means. It looks
// through the whole chain: a call fails inside the credential chain, the
// retryer and the HTTP client, each of which wraps the error below it.
func Classify(err error) Problem {
	var p Problem
	if err == nil {
		return p
	}
	var ma *retry.MaxAttemptsError
	if errors.As(err, &ma) {
		p.Attempts, p.Retried = ma.Attempt, true
	}
	var qe ratelimit.QuotaExceededError
	if errors.As(err, &qe) {
		p.Retried = true
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		p.Endpoint = endpointOf(ue.URL)
	}
	// The call that failed is the innermost operation around the AWS
	// error: an AssumeRole inside a read is the AssumeRole.
	var op *smithy.OperationError
	var ae smithy.APIError
	walk(err, func(e error) bool {
		if o, ok := e.(*smithy.OperationError); ok {
			op = o
		}
		if a, ok := e.(smithy.APIError); ok {
			ae = a
			return false
		}
		return true
	})
	if op != nil {
		p.Service, p.Operation = op.ServiceID, op.OperationName
	}

	var noProfile config.SharedConfigProfileNotExistError
	var ssoToken *ssocreds.InvalidTokenError
	switch {
	case errors.As(err, &noProfile):
		p.Cause, p.Profile = CauseNoCredentials, noProfile.Profile
		return p
	case errors.Is(err, context.Canceled):
		p.Cause = CauseCanceled
		return p
	case errors.As(err, &ssoToken), p.Service == "SSO" || p.Service == "SSO OIDC",
		strings.Contains(err.Error(), "SSO token"):
		p.Cause = CauseSSOLogin
		return p
	}
	if ae != nil {
		p.Code = ae.ErrorCode()
		switch {
		case accessDeniedCodes[p.Code]:
			p.Cause = CauseAccessDenied
			if m := notAuthorized.FindStringSubmatch(ae.ErrorMessage()); m != nil {
				p.Action = m[1]
			} else {
				p.Action = IAMAction(p.Service, p.Operation)
			}
		case refusedCodes[p.Code]:
			p.Cause = CauseCredentialsRefused
		case throttleCodes[p.Code]:
			p.Cause = CauseThrottled
		case serverCodes[p.Code]:
			p.Cause = CauseServerError
		}
		if p.Cause != CauseUnknown {
			return p
		}
	}
	// The credential chain ends at EC2's instance metadata service when
	// nothing before it had credentials: on a laptop, "no EC2 IMDS role
	// found" means "no credentials", whatever the network said to IMDS.
	if msg := err.Error(); strings.Contains(msg, "EC2 IMDS") || strings.Contains(msg, "ec2imds") ||
		strings.Contains(msg, "failed to retrieve credentials") && strings.Contains(msg, "no valid providers") {
		p.Cause = CauseNoCredentials
		return p
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= http.StatusInternalServerError {
		p.Cause = CauseServerError
		return p
	}
	p.Cause = networkCause(err)
	return p
}

// networkCause classifies an error of the connection itself.
func networkCause(err error) Cause {
	var dns *net.DNSError
	var ne net.Error
	var op *net.OpError
	switch {
	case errors.As(err, &dns), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EADDRNOTAVAIL):
		return CauseUnreachable
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return CauseTimeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNABORTED):
		return CauseConnectionBroken
	case errors.As(err, &op) && op.Op == "dial":
		return CauseUnreachable
	}
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return CauseConnectionBroken
	}
	return CauseUnknown
}

// walk calls visit on err and every error it wraps, depth first, until
// visit returns false.
func walk(err error, visit func(error) bool) bool {
	if err == nil {
		return true
	}
	if !visit(err) {
		return false
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return walk(u.Unwrap(), visit)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if !walk(e, visit) {
				return false
			}
		}
	}
	return true
}

func endpointOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// iamPrefixes maps the SDK's service IDs to IAM's service prefixes.
var iamPrefixes = map[string]string{
	"AccessAnalyzer": "access-analyzer", "Account": "account", "Budgets": "budgets", "CloudTrail": "cloudtrail", "CloudWatch": "cloudwatch",
	"CloudWatch Logs": "logs", "Config Service": "config", "Cost and Usage Report Service": "cur",
	"Cost Explorer": "ce", "EC2": "ec2", "ECS": "ecs", "EFS": "elasticfilesystem", "EKS": "eks", "EventBridge": "events", "IAM": "iam",
	"KMS": "kms", "Lambda": "lambda", "Macie2": "macie2", "Organizations": "organizations", "RDS": "rds", "S3": "s3",
	"S3 Control": "s3", "SecurityHub": "securityhub", "SNS": "sns", "SSM": "ssm", "STS": "sts", "SSO Admin": "sso", "identitystore": "identitystore",
}

// s3Actions are the S3 operations whose IAM action has another name.
var s3Actions = map[string]string{
	"S3/GetBucketEncryption":             "GetEncryptionConfiguration",
	"S3/PutBucketEncryption":             "PutEncryptionConfiguration",
	"S3/GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
	"S3/PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
	"S3/DeleteBucketLifecycle":           "PutLifecycleConfiguration",
	"S3/GetPublicAccessBlock":            "GetBucketPublicAccessBlock",
	"S3/PutPublicAccessBlock":            "PutBucketPublicAccessBlock",
	"S3/DeletePublicAccessBlock":         "PutBucketPublicAccessBlock",
	"S3/HeadBucket":                      "ListBucket",
	"S3/ListObjectsV2":                   "ListBucket",
	"S3/ListBuckets":                     "ListAllMyBuckets",
	"S3 Control/GetPublicAccessBlock":    "GetAccountPublicAccessBlock",
	"S3 Control/PutPublicAccessBlock":    "PutAccountPublicAccessBlock",
	"S3 Control/DeletePublicAccessBlock": "PutAccountPublicAccessBlock",
}

// IAMAction returns the IAM action an SDK call needs: usually the
// service's prefix and the operation's name, with the exceptions of S3
// and Budgets, whose actions are named otherwise. "" when the service is
// not one groundwork calls.
func IAMAction(service, operation string) string {
	prefix, ok := iamPrefixes[service]
	if !ok || operation == "" {
		return ""
	}
	if a, ok := s3Actions[service+"/"+operation]; ok {
		return prefix + ":" + a
	}
	if service == "Budgets" {
		if strings.HasPrefix(operation, "Describe") {
			return "budgets:ViewBudget"
		}
		return "budgets:ModifyBudget"
	}
	return prefix + ":" + operation
}
