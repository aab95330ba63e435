package inventory

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

func TestReadOnceAsksOnce(t *testing.T) {
	s := &Shared{}
	key := SharedKey{Account: "111111111111", Region: "us-east-1", Call: "EC2.DescribeVpcs"}
	var reads atomic.Int32
	release := make(chan struct{})
	read := func(context.Context) (string, error) {
		reads.Add(1)
		<-release
		return "vpcs", nil
	}
	var wg sync.WaitGroup
	got := make([]string, 5)
	for i := range got {
		wg.Go(func() {
			v, err := ReadOnce(context.Background(), s, key, read)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads, want 1", n)
	}
	for i, v := range got {
		if v != "vpcs" {
			t.Errorf("caller %d got %q", i, v)
		}
	}
	// Another key is another read; a nil Shared shares nothing.
	if _, err := ReadOnce(context.Background(), s, SharedKey{Account: "222222222222", Call: key.Call}, read); err != nil || reads.Load() != 2 {
		t.Errorf("another account: err %v, %d reads, want 2", err, reads.Load())
	}
	for range 2 {
		if _, err := ReadOnce(context.Background(), nil, key, read); err != nil {
			t.Fatal(err)
		}
	}
	if n := reads.Load(); n != 4 {
		t.Errorf("%d reads after two unshared ones, want 4", n)
	}
}

func TestReadOnceSharesRefusalsButNotStops(t *testing.T) {
	s := &Shared{}
	key := SharedKey{Account: "111111111111", Call: "IAM.GetCredentialReport"}
	denied := &smithy.GenericAPIError{Code: "AccessDenied"}
	var reads int
	refuse := func(context.Context) (int, error) { reads++; return 0, denied }
	for range 2 {
		if _, err := ReadOnce(context.Background(), s, key, refuse); !errors.Is(err, denied) {
			t.Fatalf("err = %v, want the refusal", err)
		}
	}
	if reads != 1 {
		t.Errorf("%d reads of a refused call, want 1", reads)
	}

	// A read whose caller was stopped is no answer: the next caller reads.
	key.Call = "EC2.DescribeVpcs"
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadOnce(ctx, s, key, func(ctx context.Context) (int, error) { return 0, ctx.Err() }); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want cancelled", err)
	}
	v, err := ReadOnce(context.Background(), s, key, func(context.Context) (int, error) { return 7, nil })
	if err != nil || v != 7 {
		t.Errorf("after a stopped read: %d, %v; want 7", v, err)
	}
}

// reportIAM answers the credential report calls as IAM does: age is how
// old the report it has is (none when 0); a report it is asked to build is
// in progress for building Gets.
type reportIAM struct {
	mu             sync.Mutex
	age            time.Duration
	building       int
	generated      bool
	gets, generate int
}

func (f *reportIAM) GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.generate++
	f.generated = true
	return &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeStarted}, nil
}

func (f *reportIAM) GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	switch {
	case f.generated && f.building > 0:
		f.building--
		return nil, &smithy.GenericAPIError{Code: "ReportInProgress"}
	case f.generated:
		return &iam.GetCredentialReportOutput{Content: []byte("new"), GeneratedTime: aws.Time(time.Now())}, nil
	case f.age == 0:
		return nil, &smithy.GenericAPIError{Code: "ReportNotPresent"}
	}
	return &iam.GetCredentialReportOutput{Content: []byte("old"), GeneratedTime: aws.Time(time.Now().Add(-f.age))}, nil
}

func TestCredentialReport(t *testing.T) {
	t.Cleanup(SetCredentialReportPoll(time.Millisecond, 5))
	for name, tc := range map[string]struct {
		iam                    *reportIAM
		want                   string
		wantGets, wantGenerate int
		wantErr                bool
	}{
		"fresh: read as it is":         {iam: &reportIAM{age: time.Hour}, want: "old", wantGets: 1},
		"stale: built once, then read": {iam: &reportIAM{age: 5 * time.Hour, building: 2}, want: "new", wantGets: 4, wantGenerate: 1},
		"none yet":                     {iam: &reportIAM{building: 1}, want: "new", wantGets: 3, wantGenerate: 1},
		"never ready: bounded":         {iam: &reportIAM{building: 100}, wantErr: true, wantGets: 6, wantGenerate: 1},
	} {
		t.Run(name, func(t *testing.T) {
			f := tc.iam
			s := &Shared{}
			var wg sync.WaitGroup
			for range 3 { // three layers asking at once
				wg.Go(func() {
					got, err := CredentialReport(context.Background(), s, "111111111111", f)
					if (err != nil) != tc.wantErr || string(got) != tc.want {
						t.Errorf("report %q, err %v; want %q", got, err, tc.want)
					}
				})
			}
			wg.Wait()
			if f.gets != tc.wantGets || f.generate != tc.wantGenerate {
				t.Errorf("%d GetCredentialReport and %d GenerateCredentialReport, want %d and %d", f.gets, f.generate, tc.wantGets, tc.wantGenerate)
			}
		})
	}
}
