package awsx

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/groundwork-aws/groundwork/docs"
)

// The errors these tests classify are the SDK's own: each case makes a
// real call through a real client against a local endpoint that answers
// the way AWS or a broken network does, or loads a real configuration
// from files the case writes.

// twoAttempts retries once, at once: enough to show "retried" without
// waiting for the SDK's backoff.
func twoAttempts() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 2
		o.RateLimiter = ratelimit.None
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

func staticConfig(endpoint string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      twoAttempts,
		BaseEndpoint: aws.String(endpoint),
	}
}

// answer serves one canned AWS error (or a hang) for every request.
func answer(t *testing.T, status int, header map[string]string, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func queryError(code, msg string) string {
	return fmt.Sprintf(`<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>r</RequestId></ErrorResponse>`, code, msg)
}

var jsonHeader = map[string]string{"Content-Type": "application/x-amz-json-1.1"}

func jsonError(code, msg string) string {
	return fmt.Sprintf(`{"__type":"%s","Message":"%s"}`, code, msg)
}

func callerIdentity(cfg aws.Config) error {
	_, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	return fmt.Errorf("who am I: %w", err)
}

func listRoots(cfg aws.Config) error {
	_, err := organizations.NewFromConfig(cfg).ListRoots(context.Background(), &organizations.ListRootsInput{})
	return fmt.Errorf("read the organization: list roots: %w", err)
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// listener accepts connections and hands each to serve.
func listener(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return "http://" + l.Addr().String()
}

// isolate points the SDK's configuration at an empty home, with no
// credentials in the environment, as on a new laptop.
func isolate(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials"))
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_EC2_METADATA_DISABLED", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ROLE_ARN"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_REGION", "us-east-1")
	return home
}

func writeConfig(t *testing.T, home, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// loaded calls STS through the default chain as groundwork loads it.
func loaded(t *testing.T, profile string) error {
	t.Helper()
	var opts []func(*config.LoadOptions) error
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	opts = append(opts, config.WithRetryer(twoAttempts))
	cfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	cfg.BaseEndpoint = aws.String(closedPort(t))
	return callerIdentity(cfg)
}

const ssoProfile = `[profile corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Admin
region = us-east-1
`

func TestExplain(t *testing.T) {
	tests := map[string]struct {
		err     func(t *testing.T) error
		profile string
		cause   Cause
		want    []string // in the explained text
		notWant []string
	}{
		"no credentials on a laptop": {
			err: func(t *testing.T) error {
				isolate(t)
				// IMDS is not there, as on a laptop: the chain ends in a
				// refused connection to it.
				t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", closedPort(t))
				return loaded(t, "")
			},
			cause:   CauseNoCredentials,
			want:    []string{"who am I: no AWS credentials found", "aws configure --profile NAME", "aws sso login --profile NAME", "AWS_ACCESS_KEY_ID"},
			notWant: []string{"IMDS", "refused"},
		},
		"no credentials with IMDS disabled": {
			err: func(t *testing.T) error {
				isolate(t)
				t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
				return loaded(t, "")
			},
			cause:   CauseNoCredentials,
			want:    []string{"no AWS credentials found"},
			notWant: []string{"IMDS"},
		},
		"a profile that does not exist": {
			err: func(t *testing.T) error {
				home := isolate(t)
				writeConfig(t, home, ssoProfile)
				return loaded(t, "prod")
			},
			profile: "prod",
			cause:   CauseNoCredentials,
			want:    []string{`the AWS profile "prod" does not exist`, "aws configure --profile prod"},
		},
		"an SSO profile never logged in": {
			err: func(t *testing.T) error {
				home := isolate(t)
				writeConfig(t, home, ssoProfile)
				return loaded(t, "corp")
			},
			profile: "corp",
			cause:   CauseSSOLogin,
			want:    []string{"who am I: the IAM Identity Center (SSO) session of profile corp", "aws sso login --profile corp"},
			notWant: []string{"sso/cache", "no such file"},
		},
		"an SSO profile whose token expired": {
			err: func(t *testing.T) error {
				home := isolate(t)
				writeConfig(t, home, ssoProfile)
				sum := sha1.Sum([]byte("https://corp.awsapps.com/start"))
				dir := filepath.Join(home, ".aws", "sso", "cache")
				os.MkdirAll(dir, 0o700)
				tok, _ := json.Marshal(map[string]string{"accessToken": "t", "expiresAt": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})
				if err := os.WriteFile(filepath.Join(dir, hex.EncodeToString(sum[:])+".json"), tok, 0o600); err != nil {
					t.Fatal(err)
				}
				return loaded(t, "corp")
			},
			profile: "corp",
			cause:   CauseSSOLogin,
			want:    []string{"aws sso login --profile corp"},
		},
		"an SSO session profile never logged in": {
			err: func(t *testing.T) error {
				home := isolate(t)
				writeConfig(t, home, "[profile corp]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = us-east-1\n"+
					"[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n")
				return loaded(t, "corp")
			},
			profile: "corp",
			cause:   CauseSSOLogin,
			want:    []string{"aws sso login --profile corp"},
		},
		"connection refused": {
			err:     func(t *testing.T) error { return listRoots(staticConfig(closedPort(t))) },
			cause:   CauseUnreachable,
			want:    []string{"cannot reach http://127.0.0.1:", "connection refused, 2 attempts", "not a credentials problem"},
			notWant: []string{"check your credentials"},
		},
		"unknown host": {
			err:   func(t *testing.T) error { return listRoots(staticConfig("http://groundwork-test.invalid")) },
			cause: CauseUnreachable,
			want:  []string{"cannot reach http://groundwork-test.invalid", "not a credentials problem"},
		},
		"an endpoint that never answers": {
			err: func(t *testing.T) error {
				hang := make(chan struct{})
				t.Cleanup(func() { close(hang) })
				cfg := staticConfig(listener(t, func(c net.Conn) { <-hang; c.Close() }))
				cfg.HTTPClient = awshttp.NewBuildableClient().WithTimeout(50 * time.Millisecond)
				return listRoots(cfg)
			},
			cause: CauseTimeout,
			want:  []string{"http://127.0.0.1:", "did not answer in time (2 attempts)"},
		},
		"an endpoint that never answers before the deadline": {
			err: func(t *testing.T) error {
				hang := make(chan struct{})
				t.Cleanup(func() { close(hang) })
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				defer cancel()
				cfg := staticConfig(listener(t, func(c net.Conn) { <-hang; c.Close() }))
				_, err := organizations.NewFromConfig(cfg).ListRoots(ctx, &organizations.ListRootsInput{})
				return err
			},
			cause: CauseTimeout,
			// The deadline stops the call before the HTTP client
			// names the URL: the service names the endpoint.
			want: []string{"the Organizations endpoint did not answer in time"},
		},
		"connection reset": {
			err: func(t *testing.T) error {
				return listRoots(staticConfig(listener(t, func(c net.Conn) {
					c.(*net.TCPConn).SetLinger(0)
					buf := make([]byte, 1)
					c.Read(buf)
					c.Close()
				})))
			},
			cause: CauseConnectionBroken,
			want:  []string{"the connection to http://127.0.0.1:", "broke during the call", "2 attempts"},
		},
		"throttling": {
			err: func(t *testing.T) error {
				return callerIdentity(staticConfig(answer(t, 400, nil, queryError("Throttling", "Rate exceeded"))))
			},
			cause:   CauseThrottled,
			want:    []string{"AWS throttled the calls to STS GetCallerIdentity (Throttling, 2 attempts)", "wait a few minutes"},
			notWant: []string{"credentials"},
		},
		"Organizations throttling": {
			err: func(t *testing.T) error {
				return listRoots(staticConfig(answer(t, 400, jsonHeader, jsonError("TooManyRequestsException", "AWS Organizations can't complete your request because another request is already in progress."))))
			},
			cause: CauseThrottled,
			want:  []string{"Organizations ListRoots (TooManyRequestsException"},
		},
		"a quota is not throttling": {
			err: func(t *testing.T) error {
				return listRoots(staticConfig(answer(t, 400, jsonHeader, jsonError("LimitExceededException", "too many accounts"))))
			},
			cause: CauseUnknown,
		},
		"service unavailable": {
			err: func(t *testing.T) error {
				return callerIdentity(staticConfig(answer(t, 503, nil, queryError("ServiceUnavailable", "try later"))))
			},
			cause:   CauseServerError,
			want:    []string{"failed with a server error (ServiceUnavailable, 2 attempts)", "not of the credentials"},
			notWant: []string{"check your credentials"},
		},
		"a bare HTTP 500": {
			err: func(t *testing.T) error {
				return listRoots(staticConfig(answer(t, 500, map[string]string{"Content-Type": "text/html"}, "<html>boom</html>")))
			},
			cause: CauseServerError,
			want:  []string{"server error (HTTP 5xx, 2 attempts)"},
		},
		"access denied without the action in the message": {
			err: func(t *testing.T) error {
				return listRoots(staticConfig(answer(t, 400, jsonHeader, jsonError("AccessDeniedException", "You don't have permissions to access this resource."))))
			},
			cause: CauseAccessDenied,
			want:  []string{"may not call organizations:ListRoots", "statement GroundworkReadOrganization"},
		},
		"access denied naming the action": {
			err: func(t *testing.T) error {
				return callerIdentity(staticConfig(answer(t, 403, nil, queryError("AccessDenied",
					"User: arn:aws:iam::111111111111:user/ana is not authorized to perform: organizations:CreateAccount on resource: *"))))
			},
			cause: CauseAccessDenied,
			want:  []string{"may not call organizations:CreateAccount", "statement GroundworkBuildOrganization"},
		},
		"entering a member account refused": {
			err: func(t *testing.T) error {
				cfg := staticConfig(answer(t, 403, nil, queryError("AccessDenied",
					"User: arn:aws:iam::111111111111:user/ana is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/OrganizationAccountAccessRole")))
				member := cfg.Copy()
				member.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"))
				return listRoots(member)
			},
			cause: CauseAccessDenied,
			want:  []string{"could not enter a member account", "GroundworkEnterMemberAccounts", "trust the management account"},
		},
		"access denied in a member account": {
			err: func(t *testing.T) error {
				cfg := staticConfig(answer(t, 403, map[string]string{"Content-Type": "application/xml"}, `<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`))
				_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetBucketEncryption(context.Background(), &s3.GetBucketEncryptionInput{Bucket: aws.String("b")})
				return err
			},
			cause: CauseAccessDenied,
			want:  []string{"may not call s3:GetEncryptionConfiguration", "through the access role"},
		},
		"expired keys": {
			err: func(t *testing.T) error {
				return callerIdentity(staticConfig(answer(t, 403, nil, queryError("ExpiredToken", "The security token included in the request is expired"))))
			},
			profile: "corp",
			cause:   CauseCredentialsRefused,
			want:    []string{"AWS refused the credentials (ExpiredToken)", "aws sso login --profile corp"},
		},
		"cancelled": {
			err: func(t *testing.T) error {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				_, err := organizations.NewFromConfig(staticConfig(closedPort(t))).ListRoots(ctx, &organizations.ListRootsInput{})
				return err
			},
			cause: CauseCanceled,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := tt.err(t)
			if err == nil {
				t.Fatal("the call succeeded")
			}
			p := Classify(err)
			if p.Cause != tt.cause {
				t.Fatalf("cause %v, want %v; error:\n%v", p.Cause, tt.cause, err)
			}
			got := Explain(err, tt.profile)
			if !errors.Is(got, err) {
				t.Errorf("the explained error does not wrap the original")
			}
			if tt.cause == CauseUnknown || tt.cause == CauseCanceled {
				if got != err {
					t.Errorf("explained although there is nothing to add: %v", got)
				}
				return
			}
			for _, w := range tt.want {
				if !strings.Contains(got.Error(), w) {
					t.Errorf("explanation lacks %q:\n%v", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got.Error(), w) {
					t.Errorf("explanation has %q:\n%v", w, got)
				}
			}
			if again := Explain(got, tt.profile); again != got {
				t.Errorf("explaining twice changed the text:\n%v", again)
			}
		})
	}
}

func TestStatementsGranting(t *testing.T) {
	for action, want := range map[string]string{
		"organizations:ListRoots":            "GroundworkReadOrganization",
		"ORGANIZATIONS:listroots":            "GroundworkReadOrganization",
		"organizations:CreateAccount":        "GroundworkBuildOrganization",
		"sts:AssumeRole":                     "GroundworkEnterMemberAccounts",
		"organizations:DescribeOrganization": "GroundworkReadOrganization,GroundworkLoggingInManagementAccount",
		"s3:CreateBucket":                    "",
		"ssm:PutParameter":                   "GroundworkApplyLease",
	} {
		if got := strings.Join(StatementsGranting(action), ","); got != want {
			t.Errorf("%s: %q, want %q", action, got, want)
		}
	}
}

// TestPermissionsParse keeps docs/permissions.json readable by the
// hints: every statement has a Sid and an Action.
func TestPermissionsParse(t *testing.T) {
	var doc struct {
		Statement []struct {
			Sid    string
			Action json.RawMessage
		}
	}
	if err := json.Unmarshal(docs.Permissions, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) == 0 || len(permissions()) != len(doc.Statement) {
		t.Fatalf("%d statements, parsed %d", len(doc.Statement), len(permissions()))
	}
	for _, s := range doc.Statement {
		if s.Sid == "" || len(s.Action) == 0 {
			t.Errorf("statement %+v lacks a Sid or an Action", s)
		}
	}
}

func TestIAMAction(t *testing.T) {
	for in, want := range map[[2]string]string{
		{"Organizations", "ListRoots"}:         "organizations:ListRoots",
		{"CloudWatch Logs", "PutMetricFilter"}: "logs:PutMetricFilter",
		{"S3", "HeadBucket"}:                   "s3:ListBucket",
		{"S3 Control", "GetPublicAccessBlock"}: "s3:GetAccountPublicAccessBlock",
		{"Budgets", "DescribeBudgets"}:         "budgets:ViewBudget",
		{"Budgets", "CreateSubscriber"}:        "budgets:ModifyBudget",
		{"Config Service", "PutConfigRule"}:    "config:PutConfigRule",
		{"Unknown", "X"}:                       "",
	} {
		if got := IAMAction(in[0], in[1]); got != want {
			t.Errorf("%v: %q, want %q", in, got, want)
		}
	}
}
