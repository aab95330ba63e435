package posture

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// iamReadAPI is the part of the IAM client the posture layer
// reads: the credential report and the policies attached to users.
type iamReadAPI interface {
	GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error)
	GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error)
	ListAttachedUserPolicies(context.Context, *iam.ListAttachedUserPoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error)
	ListUserPolicies(context.Context, *iam.ListUserPoliciesInput, ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error)
}

var _ iamReadAPI = (*iam.Client)(nil)

// SetCredentialReportPoll sets the first wait between reads of a
// credential report IAM is still building and returns a func that
// restores it (see inventory.SetCredentialReportPoll). It is for the
// tests of other packages against an API server that builds the report
// at once; call it before any read starts.
func SetCredentialReportPoll(d time.Duration) (restore func()) {
	return inventory.SetCredentialReportPoll(d, 0)
}

// userRef is a user whose directly attached policies are still to read.
type userRef struct {
	at   estate.Location // the account by AWS ID, in the home Region
	user *estate.PostureUser
}

// credentialReport reads the account's IAM credential report into the
// layer and returns its users, for their policies to be read next.
// It returns the root user's row too, nil when the report has none.
func (r *postureRead) credentialReport(ctx context.Context, key estate.AccountKey, w estate.Location, slots chan struct{}) ([]userRef, *estate.PostureRoot, error) {
	report, err := inventory.CredentialReport(ctx, r.opts.Shared, w.Account, slotted{r.clients.IAM(w), slots})
	if r.unknown(err, readIAM, global(w), "the IAM credential report of "+string(w.Account)) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read the IAM credential report of %s: %w", w.Account, err)
	}
	users, root, err := parseCredentialReport(report)
	if err != nil {
		return nil, nil, fmt.Errorf("read the IAM credential report of %s: %w", w.Account, err)
	}
	r.locked(func(p *estate.Posture) {
		p.Users[string(key)] = users
		if root != nil {
			p.Roots[string(key)] = root
		}
	})
	refs := make([]userRef, len(users))
	for i, u := range users {
		refs[i] = userRef{at: w, user: u}
	}
	return refs, root, nil
}

// slotted makes each credential report call take one of slots while it
// is in flight, and none while the read waits for IAM.
type slotted struct {
	api   inventory.CredentialReportAPI
	slots chan struct{}
}

func (s slotted) take(ctx context.Context) (release func(), err error) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s slotted) GenerateCredentialReport(ctx context.Context, in *iam.GenerateCredentialReportInput, opts ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error) {
	release, err := s.take(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.api.GenerateCredentialReport(ctx, in, opts...)
}

func (s slotted) GetCredentialReport(ctx context.Context, in *iam.GetCredentialReportInput, opts ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error) {
	release, err := s.take(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.api.GetCredentialReport(ctx, in, opts...)
}

// rootRow is the credential report's row for the root user: its use is
// judged here (CIS 1.7), its MFA and access keys by the hardening layer
// from the account summary.
const rootRow = "<root_account>"

// parseCredentialReport reads the CSV of a credential report. Columns are
// found by header name, since IAM has added columns over the years; dates
// are RFC 3339, and "N/A", "no_information" and "not_supported" all mean
// no date.
func parseCredentialReport(report []byte) (users []*estate.PostureUser, root *estate.PostureRoot, err error) {
	cr := csv.NewReader(bytes.NewReader(report))
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("parse the header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, need := range []string{"user", "arn", "user_creation_time", "password_enabled", "mfa_active"} {
		if _, ok := col[need]; !ok {
			return nil, nil, fmt.Errorf("no %s column", need)
		}
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return users, root, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("parse a row: %w", err)
		}
		field := func(name string) string {
			if i, ok := col[name]; ok && i < len(row) {
				return row[i]
			}
			return ""
		}
		var keys [2]estate.AccessKey
		for i := range keys {
			prefix := fmt.Sprintf("access_key_%d_", i+1)
			keys[i] = estate.AccessKey{
				Active:      field(prefix+"active") == "true",
				LastRotated: reportTime(field(prefix + "last_rotated")),
				LastUsed:    reportTime(field(prefix + "last_used_date")),
			}
		}
		if field("user") == rootRow {
			root = &estate.PostureRoot{ARN: field("arn"), PasswordLastUsed: reportTime(field("password_last_used")),
				MFA: field("mfa_active") == "true", AccessKeys: keys}
			continue
		}
		users = append(users, &estate.PostureUser{
			Name: field("user"), ARN: field("arn"), Created: reportTime(field("user_creation_time")),
			Password: field("password_enabled") == "true", PasswordLastUsed: reportTime(field("password_last_used")),
			MFA: field("mfa_active") == "true", AccessKeys: keys,
		})
	}
}

// reportTime parses a credential report date; anything else is no date.
func reportTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// userPolicies reads the managed and inline policies attached to a user.
func (r *postureRead) userPolicies(ctx context.Context, u userRef) error {
	api := r.clients.IAM(u.at)
	name := aws.String(u.user.Name)
	what := "the policies of IAM user " + u.user.Name + " in " + string(u.at.Account)
	pols := &estate.UserPolicies{}
	attached := iam.NewListAttachedUserPoliciesPaginator(api, &iam.ListAttachedUserPoliciesInput{UserName: name})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		if awsx.ErrorCodeIs(err, "NoSuchEntity") || r.unknown(err, readIAM, global(u.at), what) {
			return nil // deleted since the report, or not answerable: unknown
		}
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		for _, p := range page.AttachedPolicies {
			pols.Managed = append(pols.Managed, aws.ToString(p.PolicyArn))
		}
	}
	inline := iam.NewListUserPoliciesPaginator(api, &iam.ListUserPoliciesInput{UserName: name})
	for inline.HasMorePages() {
		page, err := inline.NextPage(ctx)
		if awsx.ErrorCodeIs(err, "NoSuchEntity") || r.unknown(err, readIAM, global(u.at), what) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		pols.Inline = append(pols.Inline, page.PolicyNames...)
	}
	r.locked(func(*estate.Posture) { u.user.Policies = pols })
	return nil
}
