package logging

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func init() { registerLoggingCollector(collectTrails) }

// collectTrails reads each trail the desired layer names, in its account
// and home Region: DescribeTrails and GetTrailStatus, plus
// GetEventSelectors for a trail with custom selectors. Trails nobody
// asked for are not read.
//
// What moto 5.2.5 answers, checked against its server: DescribeTrails
// ignores trailNameList and returns every trail of the Region (with
// includeShadowTrails false) or also the multi-Region trails of other
// Regions (true), so the name is matched here; it does return KmsKeyId,
// CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn as CreateTrail was
// given them, and HomeRegion. GetTrailStatus reports IsLogging false after
// CreateTrail and true after StartLogging, as AWS does.
func collectTrails(ctx context.Context, g *errgroup.Group, r *loggingRead) {
	if r.survey {
		return // every trail of every place is read
	}
	for key, want := range r.want.Trails {
		w, ok := r.at(want.Where)
		if !ok {
			continue
		}
		g.Go(func() error {
			t, err := readTrail(ctx, r.clients.CloudTrail(w), w, want)
			if err != nil || t == nil {
				return err
			}
			r.locked(func(l *estate.Logging) { l.Trails[key] = t })
			return nil
		})
	}
}

// readTrail returns the trail named like want that the account of w owns
// in the Region of w, or nil when there is none. Member accounts see
// organization trails other accounts own; those are not theirs.
func readTrail(ctx context.Context, api trailReadAPI, w estate.Location, want *estate.Trail) (*estate.Trail, error) {
	out, err := api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{TrailNameList: []string{want.Name}, IncludeShadowTrails: aws.Bool(false)})
	if awsx.ErrorCodeIs(err, "TrailNotFoundException") {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read trail %s in %s: %w", want.Name, w, err)
	}
	i := slices.IndexFunc(out.TrailList, func(t types.Trail) bool {
		return aws.ToString(t.Name) == want.Name && arnAccount(aws.ToString(t.TrailARN), string(w.Account))
	})
	if i < 0 {
		return nil, nil
	}
	at := out.TrailList[i]
	t := &estate.Trail{Where: want.Where, Name: want.Name, ARN: aws.ToString(at.TrailARN),
		Organization: aws.ToBool(at.IsOrganizationTrail), MultiRegion: aws.ToBool(at.IsMultiRegionTrail),
		GlobalServiceEvents: aws.ToBool(at.IncludeGlobalServiceEvents), LogFileValidation: aws.ToBool(at.LogFileValidationEnabled),
		KMSKey: aws.ToString(at.KmsKeyId), Bucket: aws.ToString(at.S3BucketName),
		LogGroupARN: aws.ToString(at.CloudWatchLogsLogGroupArn), LogsRoleARN: aws.ToString(at.CloudWatchLogsRoleArn),
		HomeRegion: aws.ToString(at.HomeRegion), ManagementEventsLogged: true}
	name := t.ARN
	if name == "" {
		name = t.Name
	}
	status, err := api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(name)})
	if awsx.ErrorCodeIs(err, "TrailNotFoundException") {
		return nil, nil // deleted since DescribeTrails
	}
	if err != nil {
		return nil, fmt.Errorf("read status of trail %s in %s: %w", want.Name, w, err)
	}
	t.Logging = aws.ToBool(status.IsLogging)
	if aws.ToBool(at.HasCustomEventSelectors) {
		sel, err := api.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(name)})
		if err != nil {
			return nil, fmt.Errorf("read event selectors of trail %s in %s: %w", want.Name, w, err)
		}
		t.ManagementEventsLogged = logsAllManagementEvents(sel)
	}
	return t, nil
}

// arnAccount reports whether an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:...)
// is in the account; an ARN that does not say is taken as the account's.
func arnAccount(arn, accountID string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) < 6 || parts[4] == "" || parts[4] == accountID
}

// logsAllManagementEvents reports whether some selector logs every
// management event, read and write, with no event source excluded (CIS
// AWS Foundations 3.1). Without custom selectors a trail does, and so
// does one whose selectors read back empty (moto's answer for a trail
// nobody put selectors on).
func logsAllManagementEvents(out *cloudtrail.GetEventSelectorsOutput) bool {
	if len(out.EventSelectors) == 0 && len(out.AdvancedEventSelectors) == 0 {
		return true
	}
	for _, s := range out.EventSelectors {
		// IncludeManagementEvents defaults to true; ReadWriteType to All.
		if (s.IncludeManagementEvents == nil || *s.IncludeManagementEvents) &&
			(s.ReadWriteType == "" || s.ReadWriteType == types.ReadWriteTypeAll) && len(s.ExcludeManagementEventSources) == 0 {
			return true
		}
	}
	for _, s := range out.AdvancedEventSelectors {
		// Any field besides the category (readOnly, eventSource) narrows
		// the selector to part of the management events.
		if len(s.FieldSelectors) == 1 && aws.ToString(s.FieldSelectors[0].Field) == "eventCategory" &&
			slices.Equal(s.FieldSelectors[0].Equals, []string{"Management"}) {
			return true
		}
	}
	return false
}
