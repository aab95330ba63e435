package posture

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// trailReadAPI is the part of the CloudTrail client the posture
// layer reads.
type trailReadAPI interface {
	DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(context.Context, *cloudtrail.GetTrailStatusInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
}

var _ trailReadAPI = (*cloudtrail.Client)(nil)

// trails reads the trails visible at a place: the account's own,
// replicas of its multi-Region trails homed elsewhere, and shadows of the
// organization trail, which is how a member account sees that it is
// logged. Whether a trail is logging is read only where it is homed and
// owned, once per trail across the whole read.
func (r *postureRead) trails(ctx context.Context, p placeRef) error {
	api := r.clients.CloudTrail(p.at)
	what := "the CloudTrail trails of " + p.at.String()
	out, err := api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if r.unknown(err, readTrails, p.at, what) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("describe %s: %w", what, err)
	}
	found := make([]*estate.PostureTrail, 0, len(out.TrailList))
	for _, tr := range out.TrailList {
		t := &estate.PostureTrail{
			Where: p.where(), Name: aws.ToString(tr.Name), ARN: aws.ToString(tr.TrailARN),
			HomeRegion: aws.ToString(tr.HomeRegion), MultiRegion: aws.ToBool(tr.IsMultiRegionTrail),
			Organization: aws.ToBool(tr.IsOrganizationTrail), LogFileValidation: aws.ToBool(tr.LogFileValidationEnabled),
			KMSKeyID: aws.ToString(tr.KmsKeyId), LogGroup: r.logGroupOf(aws.ToString(tr.CloudWatchLogsLogGroupArn)),
		}
		if t.HomeRegion == "" {
			t.HomeRegion = p.at.Region
		}
		if t.HomeRegion == p.at.Region && (t.Owner() == "" || t.Owner() == string(p.at.Account)) {
			st, err := api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(cmp.Or(t.ARN, t.Name))})
			switch {
			case awsx.ErrorCodeIs(err, "TrailNotFoundException"):
				continue // deleted since the list
			case r.unknown(err, readTrails, p.at, "the status of trail "+t.Name):
			case err != nil:
				return fmt.Errorf("read the status of trail %s in %s: %w", t.Name, p.at, err)
			default:
				t.Logging = aws.Bool(aws.ToBool(st.IsLogging))
			}
		}
		found = append(found, t)
	}
	r.locked(func(l *estate.Posture) { l.Trails[p.placeKey()] = found })
	return nil
}

// logGroupOf places the log group of a CloudWatchLogsLogGroupArn
// (arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME:*), its account by
// key when the read covers it; nil for an empty or malformed ARN.
func (r *postureRead) logGroupOf(arn string) *estate.Placement {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 7 || parts[5] != "log-group" || parts[3] == "" || parts[4] == "" {
		return nil
	}
	// An account outside the read has no key: its ID stands in for one.
	account := estate.AccountKey(parts[4])
	if key, ok := r.accountKeys[estate.AccountID(parts[4])]; ok {
		account = key
	}
	return &estate.Placement{Where: estate.Where{Account: account, Region: parts[3]}, Name: strings.TrimSuffix(parts[6], ":*")}
}
