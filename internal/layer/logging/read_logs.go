package logging

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

func init() { registerLoggingCollector(collectLogGroups) }

// collectLogGroups reads each log group the desired layer names: one
// DescribeLogGroups by name prefix, paged, since the prefix also matches
// longer names ("/groundwork/cloudtrail-old"); only the exact name counts.
func collectLogGroups(ctx context.Context, g *errgroup.Group, r *loggingRead) {
	for key, want := range r.want.LogGroups {
		w, ok := r.at(want.Where)
		if !ok {
			continue
		}
		g.Go(func() error {
			pages := cloudwatchlogs.NewDescribeLogGroupsPaginator(r.clients.Logs(w),
				&cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(want.Name)})
			for pages.HasMorePages() {
				page, err := pages.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("read log group %s in %s: %w", want.Name, w, err)
				}
				for _, lg := range page.LogGroups {
					if aws.ToString(lg.LogGroupName) != want.Name {
						continue
					}
					// Arn ends in ":*", the form CloudTrail takes and
					// reports; LogGroupArn is the same without it.
					arn := aws.ToString(lg.Arn)
					if arn == "" && lg.LogGroupArn != nil {
						arn = *lg.LogGroupArn + ":*"
					}
					out := &estate.LogGroup{Where: want.Where, Name: want.Name, ARN: arn,
						RetentionDays: int(aws.ToInt32(lg.RetentionInDays))}
					r.locked(func(l *estate.Logging) { l.LogGroups[key] = out })
					return nil
				}
			}
			return nil
		})
	}
}
