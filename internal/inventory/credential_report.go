package inventory

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// CredentialReportAPI is the part of the IAM client that reads an
// account's credential report.
type CredentialReportAPI interface {
	GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error)
	GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error)
}

var _ CredentialReportAPI = (*iam.Client)(nil)

// CredentialReportFresh is how old a credential report may be and still
// be read as it is: IAM itself hands out the report it has, rather than
// building a new one, while it is younger than four hours (IAM User
// Guide, "Getting credential reports").
const CredentialReportFresh = 4 * time.Hour

// IAM builds a credential report in seconds (longer for thousands of
// users); until then GetCredentialReport answers ReportInProgress. The
// read looks again after credentialReportPoll, doubling the wait up to
// credentialReportMaxPoll, at most credentialReportPolls times: about a
// minute and a half, after which the account's read fails rather than
// holding up the run.
var (
	credentialReportPoll  = time.Second
	credentialReportPolls = 14
)

const credentialReportMaxPoll = 8 * time.Second

// SetCredentialReportPoll sets the first wait before a credential report
// that IAM is building is asked for again, and how many times it is
// asked; polls <= 0 keeps the count. It returns a func that restores
// both. It is for tests against an API server that builds the report at
// once; call it before any read starts.
func SetCredentialReportPoll(first time.Duration, polls int) (restore func()) {
	d0, n0 := credentialReportPoll, credentialReportPolls
	credentialReportPoll = first
	if polls > 0 {
		credentialReportPolls = polls
	}
	return func() { credentialReportPoll, credentialReportPolls = d0, n0 }
}

// CredentialReport returns the IAM credential report of account, read
// through api, once per run however many layers ask (see Shared). A
// report younger than CredentialReportFresh is taken as it is: one call.
// Otherwise IAM is asked to build one (GenerateCredentialReport, once)
// and the report is read when it is ready, waiting with backoff in
// between. The waits hold nothing but the calling goroutine: a caller
// that runs it in a bounded pool of reads should call it outside the
// pool and bound only api's calls.
func CredentialReport(ctx context.Context, s *Shared, account estate.AccountID, api CredentialReportAPI) ([]byte, error) {
	key := SharedKey{Account: account, Call: "IAM.GetCredentialReport"}
	return ReadOnce(ctx, s, key, func(ctx context.Context) ([]byte, error) {
		return fetchCredentialReport(ctx, api, time.Now())
	})
}

func fetchCredentialReport(ctx context.Context, api CredentialReportAPI, now time.Time) ([]byte, error) {
	out, err := api.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	switch {
	case err == nil && now.Sub(aws.ToTime(out.GeneratedTime)) < CredentialReportFresh:
		return out.Content, nil
	case err == nil, awsx.ErrorCodeIs(err, "ReportNotPresent", "ReportExpired"):
		gen, err := api.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			return nil, err
		}
		if gen.State == iamtypes.ReportStateTypeComplete {
			out, err := api.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
			if err == nil {
				return out.Content, nil
			}
			if !awsx.ErrorCodeIs(err, "ReportInProgress") {
				return nil, err
			}
		}
	case !awsx.ErrorCodeIs(err, "ReportInProgress"):
		return nil, err
	}
	// Being built, by this read's request or another's.
	wait := credentialReportPoll
	for range credentialReportPolls {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, credentialReportMaxPoll)
		out, err := api.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
		if err == nil {
			return out.Content, nil
		}
		if !awsx.ErrorCodeIs(err, "ReportInProgress", "ReportNotPresent") {
			return nil, err
		}
	}
	return nil, fmt.Errorf("credential report not ready after %d tries", credentialReportPolls)
}
