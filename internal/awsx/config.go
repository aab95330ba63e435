package awsx

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
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
}

// Retry policy. Organizations allows only a few requests per second per
// account and answers bursts with TooManyRequestsException, so calls are
// retried with the SDK's adaptive mode (client-side rate limiting plus
// exponential backoff). An operation the endpoint does not implement answers
// HTTP 500 every time; MaxAttempts bounds how long that takes to surface.
const (
	MaxAttempts = 6
	MaxBackoff  = 20 * time.Second
)

// Session is the management account's configuration plus cached
// configurations for member accounts. It is safe for concurrent use.
type Session struct {
	Base aws.Config
	opts Options

	mu      sync.Mutex
	members map[string]aws.CredentialsProvider

	callerOnce sync.Once
	callerID   string
}

// Load resolves credentials and Region through the standard chain.
func Load(ctx context.Context, opts Options) (*Session, error) {
	if opts.Counter == nil {
		opts.Counter = &Counter{}
	}
	load := []func(*config.LoadOptions) error{
		config.WithRetryer(newRetryer),
		config.WithAPIOptions(apiOptions(opts.Counter)),
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
	return []func(*middleware.Stack) error{c.middleware}
}

// retryBaseDelay is the base of the backoff before retrying an error
// other than throttling; zero keeps the SDK's (50 ms).
var retryBaseDelay time.Duration

// SetRetryBaseDelay sets the base of the backoff before retrying an error
// other than throttling and returns a func that restores the SDK's. It is
// for the tests of other packages against a local API server that answers
// every call of an operation it lacks with HTTP 500, which groundwork
// retries MaxAttempts times; call it before any Session is loaded.
func SetRetryBaseDelay(d time.Duration) (restore func()) {
	d0 := retryBaseDelay
	retryBaseDelay = d
	return func() { retryBaseDelay = d0 }
}

func newRetryer() aws.Retryer {
	return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
			so.MaxAttempts = MaxAttempts
			so.MaxBackoff = MaxBackoff
			so.BaseDelay = retryBaseDelay
			so.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(shouldRetry)}, so.Retryables...)
		})
	})
}

// shouldRetry is groundwork's one addition to the SDK's retry rules. A
// cancelled or expired context is never retried; Organizations'
// ConcurrentModificationException and TooManyRequestsException are, and so
// are the errors CloudTrail gives for a role or key policy created moments
// before (IAM and KMS changes take seconds to reach CloudTrail): a
// genuinely wrong role or key still fails after MaxAttempts.
// Everything else is left to the SDK's defaults (UnknownTernary).
func shouldRetry(err error) aws.Ternary {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
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
	return aws.UnknownTernary
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
	if accountID == "" {
		return cfg
	}
	if managementID == "" {
		managementID = s.caller()
	}
	if accountID == managementID {
		return cfg
	}
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
