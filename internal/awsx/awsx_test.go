package awsx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"
)

func TestIsWrite(t *testing.T) {
	for op, want := range map[string]bool{
		"ListAccounts": false, "DescribeOrganization": false, "GetBucketPolicy": false, "HeadBucket": false,
		"AssumeRole": false, "CreateAccount": true, "MoveAccount": true, "PutBucketPolicy": true,
		"TagResource": true, "DeleteOrganizationalUnit": true, "EnableAWSServiceAccess": true,
	} {
		if got := IsWrite(op); got != want {
			t.Errorf("IsWrite(%q) = %v, want %v", op, got, want)
		}
	}
}

func TestShouldRetry(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want aws.Ternary
	}{
		"cancelled":         {context.Canceled, aws.FalseTernary},
		"deadline wrapped":  {fmt.Errorf("x: %w", context.DeadlineExceeded), aws.FalseTernary},
		"concurrent change": {&smithy.GenericAPIError{Code: "ConcurrentModificationException"}, aws.TrueTernary},
		"too many requests": {&smithy.GenericAPIError{Code: "TooManyRequestsException"}, aws.TrueTernary},
		"access denied":     {&smithy.GenericAPIError{Code: "AccessDeniedException"}, aws.UnknownTernary},
		"plain error":       {errors.New("boom"), aws.UnknownTernary},
	} {
		t.Run(name, func(t *testing.T) {
			if got := shouldRetry(tc.err); got != tc.want {
				t.Errorf("shouldRetry = %v, want %v", got, tc.want)
			}
		})
	}
}

// fakeOrganizations answers DescribeOrganization after failing the first
// fails calls with a retryable throttling error.
func fakeOrganizations(t *testing.T, fails int32) (*httptest.Server, *int32) {
	var calls int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := atomic.AddInt32(&calls, 1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if n <= fails {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"__type":"TooManyRequestsException","message":"slow down"}`)
			return
		}
		fmt.Fprint(w, `{"Organization":{"Id":"o-abc","FeatureSet":"ALL","MasterAccountId":"111111111111"}}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestCounterCountsCallsAndRetries(t *testing.T) {
	srv, calls := fakeOrganizations(t, 2)
	testEnv(t, srv.URL)
	counter := &Counter{}
	s, err := Load(context.Background(), Options{Region: "us-east-1", Counter: counter})
	if err != nil {
		t.Fatal(err)
	}
	client := organizations.NewFromConfig(s.Config("", "", ""))
	out, err := client.DescribeOrganization(context.Background(), &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatalf("DescribeOrganization after two throttles: %v", err)
	}
	if aws.ToString(out.Organization.Id) != "o-abc" {
		t.Errorf("organization id = %q", aws.ToString(out.Organization.Id))
	}
	if got := atomic.LoadInt32(calls); got != 3 {
		t.Errorf("server saw %d requests, want 3", got)
	}
	stats := counter.Stats()
	if len(stats) != 1 || stats[0].Service != "Organizations" || stats[0].Operation != "DescribeOrganization" || stats[0].Calls != 1 || stats[0].Attempts != 3 || stats[0].Write {
		t.Errorf("stats = %+v, want one read call with 3 attempts", stats)
	}
	var b strings.Builder
	counter.Print(&b)
	if !strings.Contains(b.String(), "API calls: 1 (1 reads, 0 writes)") || !strings.Contains(b.String(), "(2 retries)") {
		t.Errorf("printed stats:\n%s", b.String())
	}
}

func TestMemberConfigAssumesTheAccessRoleOnce(t *testing.T) {
	testEnv(t, "")
	s, err := Load(context.Background(), Options{Region: "eu-west-1", AccessRole: "OrganizationAccountAccessRole"})
	if err != nil {
		t.Fatal(err)
	}
	mgmt := s.Config("111111111111", "111111111111", "")
	if mgmt.Credentials != s.Base.Credentials {
		t.Errorf("the management account should use the base credentials")
	}
	a := s.Config("222222222222", "111111111111", "us-east-1")
	b := s.Config("222222222222", "111111111111", "eu-west-1")
	if a.Credentials != b.Credentials {
		t.Errorf("two Regions of one member should share one cached credentials provider")
	}
	if a.Region != "us-east-1" || b.Region != "eu-west-1" {
		t.Errorf("regions = %s, %s", a.Region, b.Region)
	}
	if c := s.Config("333333333333", "111111111111", ""); c.Credentials == a.Credentials {
		t.Errorf("two members must not share credentials")
	}
}

func TestPartition(t *testing.T) {
	for region, want := range map[string]string{"us-east-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov"} {
		if got := partition(region); got != want {
			t.Errorf("partition(%s) = %s, want %s", region, got, want)
		}
	}
}
