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
	if r.survey {
		return // read in every place
	}
	for _, scope := range r.want.Scope {
		w, ok := r.at(scope)
		if !ok {
			continue
		}
		r.locked(func(l *estate.Logging) { l.Scope = append(l.Scope, scope) })
		g.Go(func() error {
			out, err := readRecorder(ctx, r.clients.Config(w), scope, w)
			if err != nil || out == nil {
				return err
			}
			r.locked(func(l *estate.Logging) { l.Recorders[scope.Key(out.Name)] = out })
			return nil
		})
	}
}

// readRecorder reads AWS Config's recorder at w through api: three calls
// (recorders, their status, delivery channels), one where there is no
// recorder, which returns nil. at is w by account ID, for messages.
func readRecorder(ctx context.Context, api configReadAPI, w estate.Where, at estate.Location) (*estate.Recorder, error) {
	recs, err := api.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	if err != nil {
		return nil, fmt.Errorf("read Config recorders in %s: %w", at, err)
	}
	if len(recs.ConfigurationRecorders) == 0 {
		return nil, nil
	}
	status, err := api.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
	if err != nil {
		return nil, fmt.Errorf("read Config recorder status in %s: %w", at, err)
	}
	channels, err := api.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{})
	if err != nil {
		return nil, fmt.Errorf("read Config delivery channels in %s: %w", at, err)
	}
	rec := recs.ConfigurationRecorders[0] // Config allows one recorder per account and Region
	out := &estate.Recorder{Where: w, Name: aws.ToString(rec.Name), RoleARN: aws.ToString(rec.RoleARN)}
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
	return out, nil
}
