package logging

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// configReadAPI is the part of the Config client the inventory uses.
type configReadAPI interface {
	DescribeConfigurationRecorders(context.Context, *configservice.DescribeConfigurationRecordersInput, ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error)
	DescribeConfigurationRecorderStatus(context.Context, *configservice.DescribeConfigurationRecorderStatusInput, ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecorderStatusOutput, error)
	DescribeDeliveryChannels(context.Context, *configservice.DescribeDeliveryChannelsInput, ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelsOutput, error)
	DescribeConfigRules(context.Context, *configservice.DescribeConfigRulesInput, ...func(*configservice.Options)) (*configservice.DescribeConfigRulesOutput, error)
	DescribeConfigurationAggregators(context.Context, *configservice.DescribeConfigurationAggregatorsInput, ...func(*configservice.Options)) (*configservice.DescribeConfigurationAggregatorsOutput, error)
	DescribeOrganizationConfigRules(context.Context, *configservice.DescribeOrganizationConfigRulesInput, ...func(*configservice.Options)) (*configservice.DescribeOrganizationConfigRulesOutput, error)
}

var _ configReadAPI = (*configservice.Client)(nil)

func init() { registerLoggingCollector(collectRecorders) }

// collectRecorders reads Config in every account and Region of the scope:
// three calls each (recorders, their status, delivery channels). With 50
// accounts and 4 Regions that is 600 reads, spread over the group.
func collectRecorders(ctx context.Context, g *errgroup.Group, r *loggingRead) {
	for _, scope := range r.want.Scope {
		w, ok := r.at(scope)
		if !ok {
			continue
		}
		r.locked(func(l *estate.Logging) { l.Scope = append(l.Scope, scope) })
		g.Go(func() error {
			api := r.clients.Config(w)
			recs, err := api.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
			if err != nil {
				return fmt.Errorf("read Config recorders in %s: %w", w, err)
			}
			if len(recs.ConfigurationRecorders) == 0 {
				return nil
			}
			status, err := api.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
			if err != nil {
				return fmt.Errorf("read Config recorder status in %s: %w", w, err)
			}
			channels, err := api.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{})
			if err != nil {
				return fmt.Errorf("read Config delivery channels in %s: %w", w, err)
			}
			rec := recs.ConfigurationRecorders[0] // Config allows one recorder per account and Region
			out := &estate.Recorder{Where: scope, Name: aws.ToString(rec.Name), RoleARN: aws.ToString(rec.RoleARN)}
			if g := rec.RecordingGroup; g != nil {
				out.AllSupported, out.GlobalTypes = g.AllSupported, g.IncludeGlobalResourceTypes
			}
			for _, s := range status.ConfigurationRecordersStatus {
				if aws.ToString(s.Name) == out.Name {
					out.Recording = s.Recording
				}
			}
			if len(channels.DeliveryChannels) > 0 {
				c := channels.DeliveryChannels[0]
				out.Channel, out.ChannelBucket = aws.ToString(c.Name), aws.ToString(c.S3BucketName)
				out.ChannelPrefix, out.ChannelKMSKey = aws.ToString(c.S3KeyPrefix), aws.ToString(c.S3KmsKeyArn)
			}
			r.locked(func(l *estate.Logging) { l.Recorders[scope.Key(out.Name)] = out })
			return nil
		})
	}
}
