package awsx

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// TestSupportDescribeSeverityLevels runs the Support client against a
// server answering as the Support API does: the plan's levels on Business
// support, SubscriptionRequiredException on Basic. It checks the request
// is the one the SDK would send, signed for support in us-east-1.
func TestSupportDescribeSeverityLevels(t *testing.T) {
	for name, tc := range map[string]struct {
		status int
		header string
		body   string
		code   string // "" for no error
	}{
		"business plan": {status: 200, body: `{"severityLevels":[{"code":"low","name":"Low"}]}`},
		"basic plan, code in the body": {status: 400,
			body: `{"__type":"com.amazonaws.support#SubscriptionRequiredException","message":"AWS Premium Support Subscription is required"}`,
			code: "SubscriptionRequiredException"},
		"basic plan, code in the header": {status: 400, header: "SubscriptionRequiredException:http://internal.amazon.com/",
			body: `{}`, code: "SubscriptionRequiredException"},
		"denied":            {status: 400, body: `{"__type":"AccessDeniedException","Message":"no"}`, code: "AccessDeniedException"},
		"not a JSON answer": {status: 500, body: `<html>oops</html>`},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				auth := r.Header.Get("Authorization")
				if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "AWSSupport_20130415.DescribeSeverityLevels" ||
					r.Header.Get("Content-Type") != "application/x-amz-json-1.1" || !strings.Contains(auth, "/us-east-1/support/aws4_request") ||
					!strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.HasPrefix(string(body), "{") {
					t.Errorf("request %s %s, headers %v, body %q", r.Method, r.URL, r.Header, body)
				}
				if tc.header != "" {
					w.Header().Set("X-Amzn-ErrorType", tc.header)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c := &SupportClient{cfg: aws.Config{BaseEndpoint: aws.String(srv.URL), Region: "eu-west-1",
				Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}}
			err := c.DescribeSeverityLevels(context.Background())
			switch {
			case tc.status == 200 && err != nil:
				t.Errorf("err = %v, want none", err)
			case tc.code != "" && !ErrorCodeIs(err, tc.code):
				t.Errorf("err = %v, want code %s", err, tc.code)
			case tc.status == 500 && (err == nil || !strings.Contains(err.Error(), "HTTP 500")):
				t.Errorf("err = %v, want an HTTP 500 error", err)
			}
		})
	}
}
