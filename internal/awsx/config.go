package awsx

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// Options choose how groundwork reaches AWS.
type Options struct {
	Profile string // shared config profile; "" uses the default chain
	Region  string // "" uses the chain's Region, then us-east-1
	// AccessRole is the role assumed in member accounts.
	AccessRole string
	Counter    *Counter
	// Concurrency, when above 0, is how many calls are in flight at once
	// per API (service, account and Region); 0 adapts each API's width
	// to its throttling (see AdaptiveStart).
	Concurrency int
}

// Retry policy. Organizations allows only a few requests per second per
// account and answers bursts with TooManyRequestsException, so calls are
// retried with the SDK's adaptive mode (client-side rate limiting plus
// exponential backoff with full jitter, capped at MaxBackoff). Throttling
// backs off from 1 s (the SDK's rule); every other retryable error from
// RetryBaseDelay, so that six attempts at a failing endpoint span seconds,
// not the 0.4 s of the SDK's 50 ms base. An endpoint that does not
// implement an operation answers HTTP 500 without an AWS error code; that
// is not retried (see shouldRetry).
const (
	MaxAttempts    = 6
	MaxBackoff     = 20 * time.Second
	RetryBaseDelay = time.Second
)

// Per-attempt HTTP timeouts, so that a hung endpoint fails each attempt
// in bounded time instead of waiting for the operating system. Connecting
// and the TLS handshake take milliseconds when the endpoint is up; the
// response header timeout is long enough for AWS's slowest synchronous
// writes (CreateTrail, PutKeyPolicy take seconds), and a read of a large
// page streams its body after the header, which this does not bound.
var (
	DialTimeout           = 10 * time.Second
	TLSHandshakeTimeout   = 10 * time.Second
	ResponseHeaderTimeout = 60 * time.Second
)

// Session is the management account's configuration plus cached
// configurations for member accounts. It is safe for concurrent use.
type Session struct {
	Base aws.Config
	opts Options

	mu       sync.Mutex
	members  map[string]aws.CredentialsProvider
	clients  map[clientKey]any
	limiters map[limiterKey]*limiter
	all      chan struct{}

	callerOnce sync.Once
	callerID   string

	signerOnce sync.Once
	signers    [2]*v4.Signer // every service's but S3's, and S3's
}

// signer is the SigV4 signer every client of the session but S3's signs
// with, and s3Signer S3's (which signs paths as they are, unescaped):
// each built with the options the SDK's clients give their own. One
// signer per session instead of one per account, Region and service
// (each with its own cache of derived keys: 31 MB of the 234 MB live at
// the peak of an audit of 1,000 accounts x 4 Regions). The signatures
// are the same; a shared signer derives a key again when another
// account's credentials sign through it, a few microseconds.
func (s *Session) signer() *v4.Signer   { s.initSigners(); return s.signers[0] }
func (s *Session) s3Signer() *v4.Signer { s.initSigners(); return s.signers[1] }

func (s *Session) initSigners() {
	s.signerOnce.Do(func() {
		for i := range s.signers {
			s.signers[i] = v4.NewSigner(func(so *v4.SignerOptions) {
				so.Logger = s.Base.Logger
				so.LogSigning = s.Base.ClientLogMode.IsSigning()
				so.DisableURIPathEscaping = i == 1
			})
		}
	})
}

// Load resolves credentials and Region through the standard chain.
func Load(ctx context.Context, opts Options) (*Session, error) {
	if opts.Counter == nil {
		opts.Counter = &Counter{}
	}
	load := []func(*config.LoadOptions) error{
		config.WithRetryer(newRetryer),
		config.WithAPIOptions(apiOptions(opts.Counter)),
		config.WithHTTPClient(newHTTPClient()),
	}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return &Session{Base: cfg, opts: opts, members: map[string]aws.CredentialsProvider{}}, nil
}

func apiOptions(c *Counter) []func(*middleware.Stack) error {
	return []func(*middleware.Stack) error{c.middleware, createOnceMiddleware}
}

// newHTTPClient is the SDK's HTTP client with groundwork's per-attempt
// timeouts.
func newHTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = DialTimeout }).
		WithTransportOptions(func(t *http.Transport) {
			t.TLSHandshakeTimeout = TLSHandshakeTimeout
			t.ResponseHeaderTimeout = ResponseHeaderTimeout
		})
}

// testRetryBaseDelay, when set, replaces the backoff base of every retry,
// throttling included; see SetRetryBaseDelay.
var testRetryBaseDelay time.Duration

// SetRetryBaseDelay makes every retry back off from d instead of
// RetryBaseDelay (and 1 s for throttling), and turns off the adaptive
// mode's client-side rate limiting; it returns a func that restores the
// defaults. It is for tests against a local API server, whose faults (and
// those a test injects) need no seconds to clear: the fault proxy
// throttles at random, not by rate, and the adaptive limiter would only
// slow every client it shares down. Call it before any Session is loaded.
func SetRetryBaseDelay(d time.Duration) (restore func()) {
	d0 := testRetryBaseDelay
	testRetryBaseDelay = d
	return func() { testRetryBaseDelay = d0 }
}

// retryables are what every retryer asks whether an error is worth
// another attempt: groundwork's shouldRetry first, then the SDK's
// defaults. One slice for every client (a retryer only reads it), not a
// copy in each of the tens of thousands a large organization's read
// builds.
var retryables = sync.OnceValue(func() []retry.IsErrorRetryable {
	return append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(shouldRetry)}, retry.DefaultRetryables...)
})

func newRetryer() aws.Retryer {
	standard := func(so *retry.StandardOptions) {
		so.MaxAttempts = MaxAttempts
		so.MaxBackoff = MaxBackoff
		so.BaseDelay = RetryBaseDelay
		so.Retryables = retryables()
	}
	if testRetryBaseDelay > 0 {
		return capTimeouts{retry.NewStandard(standard, func(so *retry.StandardOptions) {
			so.Backoff = jitterBackoff(testRetryBaseDelay)
		})}
	}
	return capTimeouts{retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, standard)
	})}
}

// TimeoutAttempts is how many times a call is sent to an endpoint that
// took its request and did not answer within ResponseHeaderTimeout. One
// retry rides out a lost connection; six would keep a hung endpoint's
// caller waiting six minutes (issue 12 met a plan waiting over 300 s).
const TimeoutAttempts = 2

// capTimeouts is the retryer that stops after TimeoutAttempts when an
// attempt timed out waiting for the response; every other error keeps
// MaxAttempts.
type capTimeouts struct{ aws.RetryerV2 }

func (c capTimeouts) RetryDelay(attempt int, err error) (time.Duration, error) {
	if attempt >= TimeoutAttempts && responseTimeout(err) {
		return 0, fmt.Errorf("no answer within %s, %d times: %w", ResponseHeaderTimeout, attempt, err)
	}
	return c.RetryerV2.RetryDelay(attempt, err)
}

// responseTimeout reports whether err is a request that timed out after
// its connection was made: a timeout that is neither a dial's nor the
// caller's context ending.
func responseTimeout(err error) bool {
	var timeout interface{ Timeout() bool }
	if !errors.As(err, &timeout) || !timeout.Timeout() || isContextError(err) {
		return false
	}
	var op *net.OpError
	return !errors.As(err, &op) || op.Op != "dial"
}

// jitterBackoff is full-jitter exponential backoff from base, capped at
// MaxBackoff, for every error alike.
func jitterBackoff(base time.Duration) retry.BackoffDelayerFunc {
	return func(attempt int, _ error) (time.Duration, error) {
		d := min(base<<min(max(attempt-1, 0), 30), MaxBackoff)
		return time.Duration(rand.Int64N(int64(d) + 1)), nil
	}
}

// shouldRetry is groundwork's one addition to the SDK's retry rules.
//
// The caller's own cancelled or expired context is never retried. A
// timeout of the connection is: Go's dial and response-header timeouts
// answer errors.Is(err, context.DeadlineExceeded) too, so the context's
// errors are told apart by identity, not by Is (and a retry after the
// caller's context ended stops at once in the SDK's retry loop anyway).
//
// Organizations' ConcurrentModificationException and
// TooManyRequestsException are retried, and so are the errors CloudTrail
// gives for a role or key policy created moments before (IAM and KMS
// changes take seconds to reach CloudTrail): a genuinely wrong role or key
// still fails after MaxAttempts.
//
// HTTP 500 without an AWS error code is an endpoint that does not
// implement the operation (see Unimplemented): asking again gets the same
// answer. AWS's own server errors carry a code and are retried.
//
// A non-idempotent create whose request may have reached AWS is not
// retried (see createOnceMiddleware). Everything else is left to the
// SDK's defaults (UnknownTernary).
func shouldRetry(err error) aws.Ternary {
	var unsure *MaybeDoneError
	if errors.As(err, &unsure) {
		return aws.FalseTernary
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return aws.TrueTernary
	}
	if isContextError(err) {
		return aws.FalseTernary
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ConcurrentModificationException", "TooManyRequestsException",
			"InvalidCloudWatchLogsRoleArnException", "InsufficientEncryptionPolicyException":
			return aws.TrueTernary
		}
	}
	if Unimplemented(err) {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}

// isContextError reports whether err wraps context.Canceled or
// context.DeadlineExceeded itself, not an error that only says it is one.
func isContextError(err error) bool {
	if err == nil {
		return false
	}
	if err == context.Canceled || err == context.DeadlineExceeded {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return isContextError(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if isContextError(e) {
				return true
			}
		}
	}
	return false
}

// PathStyle reports whether S3 must be addressed path-style: when an
// endpoint override (AWS_ENDPOINT_URL) points at a server that does not
// serve virtual-hosted bucket names, such as a local AWS API.
func (s *Session) PathStyle() bool {
	return s.Base.BaseEndpoint != nil && *s.Base.BaseEndpoint != ""
}

// Counter returns the session's call counter.
func (s *Session) Counter() *Counter { return s.opts.Counter }

// Config returns the configuration for accountID in region: the base
// configuration for the management account (or when accountID is ""),
// otherwise one whose credentials come from assuming the access role in
// that account. Credentials are cached per account and refreshed before
// they expire.
func (s *Session) Config(accountID, managementID, region string) aws.Config {
	cfg := s.Base.Copy()
	if region != "" {
		cfg.Region = region
	}
	limited := func(account string) aws.Config {
		cfg.APIOptions = append(slices.Clip(cfg.APIOptions), s.limitMiddleware(account, cfg.Region))
		return cfg
	}
	if accountID == "" {
		return limited("")
	}
	if managementID == "" {
		managementID = s.caller()
	}
	if accountID == managementID {
		return limited("")
	}
	cfg = limited(accountID)
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.members[accountID]
	if !ok {
		role := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition(s.Base.Region), accountID, s.opts.AccessRole)
		p = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(s.Base), role, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "groundwork"
		}), func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = 5 * time.Minute })
		s.members[accountID] = p
	}
	cfg.Credentials = p
	return cfg
}

// caller is the account the session's own credentials belong to, asked
// of STS once; "" when STS cannot tell, in which case every account is
// entered through the access role.
func (s *Session) caller() string {
	s.callerOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := sts.NewFromConfig(s.Base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err == nil {
			s.callerID = aws.ToString(out.Account)
		}
	})
	return s.callerID
}

func partition(region string) string {
	switch {
	case len(region) > 3 && region[:3] == "cn-":
		return "aws-cn"
	case len(region) > 7 && region[:7] == "us-gov-":
		return "aws-us-gov"
	}
	return "aws"
}

// ConfigFor names the configuration of one account and Region of a
// session, for code that builds clients lazily.
type ConfigFor struct {
	Session    *Session
	Account    string
	Management string
	Region     string
}

// Config returns the configuration; see Session.Config.
func (c ConfigFor) Config() aws.Config {
	return c.Session.Config(c.Account, c.Management, c.Region)
}

// Backoff is the wait before the attempt-th repeat of something that
// failed (attempt counts from 1): full-jitter exponential backoff from
// RetryBaseDelay (or the tests' SetRetryBaseDelay), capped at MaxBackoff.
// It is for the loops that look again before repeating a create, not for
// a second retry loop around the SDK's.
func Backoff(attempt int) time.Duration {
	base := RetryBaseDelay
	if testRetryBaseDelay > 0 {
		base = testRetryBaseDelay
	}
	d, _ := jitterBackoff(base)(attempt, nil)
	return d
}
