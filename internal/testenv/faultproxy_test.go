package testenv

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/awsx"
)

func TestFaultDrawsFollowTheSeedAndTheRates(t *testing.T) {
	draw := func(seed int64) []Fault {
		p := &FaultProxy{}
		p.SetFaults(Faults{Seed: seed, Throttle: 0.2, ServerError: 0.05, Reset: 0.02, Drop: 0.03})
		var out []Fault
		for range 4000 {
			out = append(out, p.choose("kms", "ListKeys"))
		}
		return out
	}
	a, b, c := draw(7), draw(7), draw(8)
	if !slices.Equal(a, b) {
		t.Errorf("one seed gave two sequences of faults")
	}
	if slices.Equal(a, c) {
		t.Errorf("two seeds gave one sequence of faults")
	}
	counts := map[Fault]int{}
	for _, f := range a {
		counts[f]++
	}
	for f, rate := range map[Fault]float64{Throttle: 0.2, ServerError: 0.05, Reset: 0.02, Drop: 0.03} {
		if got := float64(counts[f]) / 4000; got < rate*0.7 || got > rate*1.3 {
			t.Errorf("%s rate %.3f, want about %.2f", f, got, rate)
		}
	}
}

func TestFaultRulesPickOperations(t *testing.T) {
	p := &FaultProxy{}
	p.SetFaults(Faults{Rules: []Rule{{Service: "kms", Operation: "CreateKey", Fault: Drop, Skip: 1, Times: 2}}})
	var got []Fault
	for _, op := range []string{"CreateKey", "ListKeys", "CreateKey", "CreateKey", "CreateKey"} {
		got = append(got, p.choose("kms", op))
	}
	if want := []Fault{"", "", Drop, Drop, ""}; !slices.Equal(got, want) {
		t.Errorf("faults = %q, want %q", got, want)
	}
	if n := p.Count(Drop, "kms", "CreateKey"); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
}

// TestThrottlingSpeaksEachProtocol sends one call of each protocol
// through a proxy that throttles it, with the SDK's retries off, and
// checks the SDK reads the answer as that service's throttling error.
func TestThrottlingSpeaksEachProtocol(t *testing.T) {
	m := Moto(t)
	var rules []Rule
	for _, svc := range []string{"organizations", "kms", "iam", "ec2", "s3", "sns"} {
		rules = append(rules, Rule{Service: svc, Fault: Throttle, Times: 1}, Rule{Service: svc, Fault: ServerError, Skip: 1, Times: 1})
	}
	p := StartFaultProxy(t, m, Faults{Rules: rules})
	p.Setenv(t)
	s, err := awsx.Load(context.Background(), awsx.Options{Region: Region})
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.Config("", "", "")
	ctx := context.Background()
	once := func(r *int) { *r = 1 }
	calls := map[string]struct {
		throttle string
		call     func() error
	}{
		"organizations": {"TooManyRequestsException", func() error {
			_, err := organizations.NewFromConfig(cfg, func(o *organizations.Options) { once(&o.RetryMaxAttempts) }).ListRoots(ctx, &organizations.ListRootsInput{})
			return err
		}},
		"kms": {"ThrottlingException", func() error {
			_, err := kms.NewFromConfig(cfg, func(o *kms.Options) { once(&o.RetryMaxAttempts) }).ListKeys(ctx, &kms.ListKeysInput{})
			return err
		}},
		"iam": {"Throttling", func() error {
			_, err := iam.NewFromConfig(cfg, func(o *iam.Options) { once(&o.RetryMaxAttempts) }).ListRoles(ctx, &iam.ListRolesInput{})
			return err
		}},
		"ec2": {"RequestLimitExceeded", func() error {
			_, err := ec2.NewFromConfig(cfg, func(o *ec2.Options) { once(&o.RetryMaxAttempts) }).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
			return err
		}},
		"s3": {"SlowDown", func() error {
			_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { once(&o.RetryMaxAttempts); o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}},
		"sns": {"Throttling", func() error {
			_, err := sns.NewFromConfig(cfg, func(o *sns.Options) { once(&o.RetryMaxAttempts) }).ListTopics(ctx, &sns.ListTopicsInput{})
			return err
		}},
	}
	for svc, c := range calls {
		t.Run(svc, func(t *testing.T) {
			var ae smithy.APIError
			if err := c.call(); !errors.As(err, &ae) || ae.ErrorCode() != c.throttle {
				t.Errorf("first call: %v, want %s", err, c.throttle)
			}
			if err := c.call(); !errors.As(err, &ae) || !awsx.Unsupported(err) || awsx.Unimplemented(err) {
				t.Errorf("second call: %v, want an AWS server error with a code", err)
			}
			if err := c.call(); svc != "organizations" && err != nil {
				t.Errorf("third call, no fault: %v", err)
			}
		})
	}
}

// TestResetAndDrop checks that a reset never reaches the server and that a
// dropped response does.
func TestResetAndDrop(t *testing.T) {
	defer awsx.SetRetryBaseDelay(time.Millisecond)()
	m := Moto(t)
	p := StartFaultProxy(t, m, Faults{Rules: []Rule{
		{Service: "kms", Operation: "CreateKey", Fault: Reset, Times: 1},
		{Service: "kms", Operation: "CreateKey", Fault: Drop, Skip: 1, Times: 1},
		{Service: "kms", Operation: "ListKeys", Fault: Drop, Times: 2},
	}})
	p.Setenv(t)
	s, err := awsx.Load(context.Background(), awsx.Options{Region: Region})
	if err != nil {
		t.Fatal(err)
	}
	api := awsx.ConfigFor{Session: s}.KMS()
	ctx := context.Background()
	keys := func() int {
		var out struct{ Keys []any }
		if err := json.Unmarshal(m.AWS(t, "kms", "list-keys"), &out); err != nil {
			t.Fatal(err)
		}
		return len(out.Keys)
	}
	if _, err := api.CreateKey(ctx, &kms.CreateKeyInput{}); !awsx.MaybeDone(err) {
		t.Fatalf("CreateKey through a reset: %v, want a maybe-done error", err)
	}
	if n := keys(); n != 0 {
		t.Errorf("%d keys after a reset before forwarding, want 0", n)
	}
	if _, err := api.CreateKey(ctx, &kms.CreateKeyInput{}); !awsx.MaybeDone(err) {
		t.Fatalf("CreateKey with its response dropped: %v, want a maybe-done error", err)
	}
	if n := keys(); n != 1 {
		t.Errorf("%d keys after a dropped response, want 1", n)
	}
	out, err := api.ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(10)})
	if err != nil || len(out.Keys) != 1 {
		t.Errorf("ListKeys after two dropped responses: %v, %v; reads are retried", out, err)
	}
	if got := p.Count(Drop, "kms", ""); got != 3 {
		t.Errorf("%d drops injected, want 3: %s", got, p.Summary())
	}
}
