package awsx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
)

// testEnv gives a test credentials of its own and no shared AWS config
// or profile, and endpoint as the endpoint override ("" for none).
func testEnv(t *testing.T, endpoint string) {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_PROFILE", "")
}

// loadAt loads a session against a fake endpoint with test credentials.
func loadAt(t *testing.T, endpoint string) (*Session, *Counter) {
	t.Helper()
	testEnv(t, endpoint)
	counter := &Counter{}
	s, err := Load(context.Background(), Options{Region: "us-east-1", Counter: counter})
	if err != nil {
		t.Fatal(err)
	}
	return s, counter
}

// dialTimeout is a real error of Go's dialer giving up on a connection.
func dialTimeout(t *testing.T) error {
	t.Helper()
	_, err := (&net.Dialer{Timeout: time.Nanosecond}).Dial("tcp", "127.0.0.1:9")
	var op *net.OpError
	if !errors.As(err, &op) || !op.Timeout() {
		t.Fatalf("dial with a 1 ns timeout gave %v, want a timeout", err)
	}
	return err
}

func TestShouldRetryTellsConnectionTimeoutsFromTheCallersContext(t *testing.T) {
	dial := dialTimeout(t)
	if !errors.Is(dial, context.DeadlineExceeded) {
		t.Fatalf("Go's dial timeout no longer says it is a deadline; the test premise is gone")
	}
	for name, tc := range map[string]struct {
		err  error
		want aws.Ternary
	}{
		"dial timeout":      {fmt.Errorf("send: %w", dial), aws.TrueTernary},
		"caller cancelled":  {fmt.Errorf("send: %w", context.Canceled), aws.FalseTernary},
		"caller deadline":   {fmt.Errorf("send: %w", context.DeadlineExceeded), aws.FalseTernary},
		"joined deadline":   {errors.Join(errors.New("x"), context.DeadlineExceeded), aws.FalseTernary},
		"create maybe done": {&MaybeDoneError{Err: errors.New("connection reset by peer")}, aws.FalseTernary},
		"concurrent change": {&smithy.GenericAPIError{Code: "ConcurrentModificationException"}, aws.TrueTernary},
		"throttled":         {&smithy.GenericAPIError{Code: "TooManyRequestsException"}, aws.TrueTernary},
		"other API error":   {&smithy.GenericAPIError{Code: "AccessDeniedException"}, aws.UnknownTernary},
		"plain error":       {errors.New("boom"), aws.UnknownTernary},
	} {
		t.Run(name, func(t *testing.T) {
			if got := shouldRetry(tc.err); got != tc.want {
				t.Errorf("shouldRetry(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestUnimplementedOperationIsNotRetried(t *testing.T) {
	var calls int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt32(&calls, 1)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "<html>not yet implemented</html>")
	}))
	defer srv.Close()
	s, _ := loadAt(t, srv.URL)
	_, err := ConfigFor{Session: s}.KMS().DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("k")})
	if !Unimplemented(err) {
		t.Fatalf("err = %v, want the endpoint's HTTP 500", err)
	}
	if got := atomic.LoadInt32(&calls); got != 1 {
		t.Errorf("server saw %d requests, want 1: asking again gets the same answer", got)
	}
}

func TestServerErrorsBackOffFromASaneBase(t *testing.T) {
	r := newRetryer()
	err := &smithy.GenericAPIError{Code: "InternalFailure"}
	var longest time.Duration
	for range 200 {
		d, e := r.RetryDelay(3, err)
		if e != nil {
			t.Fatal(e)
		}
		if d > MaxBackoff {
			t.Fatalf("delay %v over MaxBackoff", d)
		}
		longest = max(longest, d)
	}
	// Full jitter over [0, 4 s) for the third attempt; the SDK's 50 ms base
	// would keep every delay under 200 ms.
	if longest < 500*time.Millisecond {
		t.Errorf("longest of 200 third-attempt delays = %v; the base is not RetryBaseDelay", longest)
	}
}

// kmsFake answers KMS calls: CreateKey with the status codes and bodies of
// script in turn (then success), and a dropped connection for "drop".
func kmsFake(t *testing.T, script ...string) (*httptest.Server, *int32) {
	var calls int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(atomic.AddInt32(&calls, 1))
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if n <= len(script) {
			switch script[n-1] {
			case "drop":
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close()
				}
				return
			case "throttle":
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"__type":"ThrottlingException","message":"Rate exceeded"}`)
				return
			case "500":
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprint(w, `{"__type":"KMSInternalException","message":"internal"}`)
				return
			}
		}
		fmt.Fprint(w, `{"KeyMetadata":{"KeyId":"k-1","Arn":"arn:aws:kms:us-east-1:111111111111:key/k-1"}}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestNonIdempotentCreateIsNeverRetriedOnceSent(t *testing.T) {
	defer SetRetryBaseDelay(time.Millisecond)()
	for name, tc := range map[string]struct {
		script    []string
		wantCalls int32
		maybeDone bool
	}{
		"throttled, then made":   {[]string{"throttle", "throttle"}, 3, false},
		"response lost":          {[]string{"drop"}, 1, true},
		"server error":           {[]string{"500"}, 1, true},
		"throttled, then 500":    {[]string{"throttle", "500"}, 2, true},
		"made at the first call": {nil, 1, false},
	} {
		t.Run(name, func(t *testing.T) {
			srv, calls := kmsFake(t, tc.script...)
			s, _ := loadAt(t, srv.URL)
			_, err := ConfigFor{Session: s}.KMS().CreateKey(context.Background(), &kms.CreateKeyInput{})
			if got := atomic.LoadInt32(calls); got != tc.wantCalls {
				t.Errorf("server saw %d CreateKey requests, want %d", got, tc.wantCalls)
			}
			if MaybeDone(err) != tc.maybeDone {
				t.Errorf("MaybeDone(%v) = %v, want %v", err, MaybeDone(err), tc.maybeDone)
			}
			if !tc.maybeDone && err != nil {
				t.Errorf("CreateKey: %v", err)
			}
		})
	}
}

func TestReadsAreRetriedAfterALostResponse(t *testing.T) {
	defer SetRetryBaseDelay(time.Millisecond)()
	srv, calls := kmsFake(t, "drop", "500")
	s, _ := loadAt(t, srv.URL)
	if _, err := (ConfigFor{Session: s}).KMS().DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("k-1")}); err != nil {
		t.Fatalf("DescribeKey after a lost response and a server error: %v", err)
	}
	if got := atomic.LoadInt32(calls); got != 3 {
		t.Errorf("server saw %d requests, want 3", got)
	}
}

func TestHungEndpointFailsEachAttemptInBoundedTime(t *testing.T) {
	defer SetRetryBaseDelay(time.Millisecond)()
	header := ResponseHeaderTimeout
	ResponseHeaderTimeout = 20 * time.Millisecond
	defer func() { ResponseHeaderTimeout = header }()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	s, counter := loadAt(t, srv.URL)
	_, err := ConfigFor{Session: s}.KMS().DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("k")})
	var timeout interface{ Timeout() bool }
	if !errors.As(err, &timeout) || !timeout.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if st := counter.Stats(); len(st) != 1 || st[0].Attempts != TimeoutAttempts {
		t.Errorf("stats = %+v, want one call sent %d times, not %d: a hung endpoint is not asked %d times", st, TimeoutAttempts, MaxAttempts, MaxAttempts)
	}
	if !strings.Contains(err.Error(), "no answer within 20ms, 2 times") {
		t.Errorf("err = %v, want it to say how long and how often it waited", err)
	}
}

func TestClientsAreSharedPerAccountRegionAndService(t *testing.T) {
	s, _ := loadAt(t, "http://127.0.0.1:9")
	a := ConfigFor{Session: s, Account: "222222222222", Management: "111111111111", Region: "eu-west-1"}
	if a.KMS() != a.KMS() {
		t.Errorf("two KMS clients for one account and Region; the retry budget is not shared")
	}
	b := a
	b.Region = "us-east-1"
	if a.KMS() == b.KMS() {
		t.Errorf("two Regions share a KMS client")
	}
	c := a
	c.Account = "333333333333"
	if a.KMS() == c.KMS() {
		t.Errorf("two accounts share a KMS client")
	}
}
