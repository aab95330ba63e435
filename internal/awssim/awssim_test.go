package awssim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	accountapi "github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/groundwork-aws/groundwork/internal/awsx"
)

func config(url, key string) aws.Config {
	return aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(key, "secret", "")}
}

// The organization is served to the SDK, paginated as Organizations
// pages, and a member's calls are told apart by the keys AssumeRole gave.
func TestServesTheOrganization(t *testing.T) {
	srv := httptest.NewServer(New(Org{Accounts: 45, Units: 2, Regions: []string{"eu-west-1"}, Limits: map[string]Bucket{}}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	org := organizations.NewFromConfig(config(srv.URL, "testing"))
	pages := organizations.NewListAccountsForParentPaginator(org, &organizations.ListAccountsForParentInput{ParentId: aws.String(unitID(0))})
	n := 0
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Accounts)
	}
	if n != 23 { // accounts 0, 2, ..., 44
		t.Errorf("unit 0 lists %d accounts, want 23", n)
	}
	creds, err := sts.NewFromConfig(config(srv.URL, "testing")).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + MemberID(7) + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("t")})
	if err != nil {
		t.Fatal(err)
	}
	member := sts.NewFromConfig(config(srv.URL, aws.ToString(creds.Credentials.AccessKeyId)))
	who, err := member.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Account) != MemberID(7) {
		t.Errorf("member caller = %v, %v; want %s", aws.ToString(who.Account), err, MemberID(7))
	}
}

// Throttling answers in each protocol's own shape, which the SDK decodes
// to the code AWS uses and groundwork classifies as throttling; an
// operation the simulator lacks is "not implemented".
func TestThrottlingAndGapsSpeakEachProtocol(t *testing.T) {
	srv := httptest.NewServer(New(Org{Accounts: 1, Regions: []string{"eu-west-1"},
		Limits: map[string]Bucket{"organizations": {Burst: 1}, "ec2": {Burst: 1}, "iam": {Burst: 1}, "s3": {Burst: 1}, "account": {Burst: 1}}}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cfg := config(srv.URL, "testing")
	org := organizations.NewFromConfig(cfg)
	vpcs := ec2.NewFromConfig(cfg)
	users := iam.NewFromConfig(cfg)
	buckets := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	contacts := accountapi.NewFromConfig(cfg)
	for name, tc := range map[string]struct {
		call func() error
		code string
	}{
		"json 1.1": {func() error {
			_, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
			return err
		}, "TooManyRequestsException"},
		"ec2":      {func() error { _, err := vpcs.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); return err }, "RequestLimitExceeded"},
		"query":    {func() error { _, err := users.ListUsers(ctx, &iam.ListUsersInput{}); return err }, "Throttling"},
		"rest-xml": {func() error { _, err := buckets.ListBuckets(ctx, &s3.ListBucketsInput{}); return err }, "SlowDown"},
		"rest-json": {func() error {
			_, err := contacts.GetContactInformation(ctx, &accountapi.GetContactInformationInput{})
			return err
		}, "TooManyRequestsException"},
	} {
		t.Run(name, func(t *testing.T) {
			if err := tc.call(); err != nil {
				t.Fatalf("first call: %v", err)
			}
			err := tc.call()
			if !awsx.ErrorCodeIs(err, tc.code) || awsx.Classify(err).Cause != awsx.CauseThrottled {
				t.Errorf("second call: %v; want %s, classified as throttling", err, tc.code)
			}
		})
	}
	_, err := kms.NewFromConfig(cfg).ListGrants(ctx, &kms.ListGrantsInput{KeyId: aws.String("k")})
	if !awsx.Unsupported(err) {
		t.Errorf("an operation the simulator lacks: %v; want it unsupported", err)
	}
}

// Remote serves the organization and, at StatsPath, the counts of what
// it served: a simulator in a process of its own reports what it saw.
func TestRemoteServesItsStats(t *testing.T) {
	sim := New(Org{Accounts: 2, Regions: []string{"eu-west-1"}, Limits: map[string]Bucket{"organizations": {Burst: 1}}})
	srv := httptest.NewServer(Remote(sim, func() map[string]int64 { return map[string]int64{"peak_rss_kb": 7} }))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	org := organizations.NewFromConfig(config(srv.URL, "testing"))
	for range 2 { // the second is throttled
		org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	}
	kms.NewFromConfig(config(srv.URL, "testing")).ListGrants(ctx, &kms.ListGrantsInput{KeyId: aws.String("k")})
	resp, err := http.Get(srv.URL + StatsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Stats
		Extra map[string]int64 `json:"extra"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Calls["organizations DescribeOrganization"] != 2 || got.Throttled != 1 || got.NotServed["kms ListGrants"] != 1 || got.Extra["peak_rss_kb"] != 7 {
		t.Errorf("stats = %+v; want 2 DescribeOrganization, 1 throttled, ListGrants not served, the extra peak", got)
	}
}
