package logging

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindRecorder turns AWS Config on in one account and Region: the
// configuration recorder (all supported resources; global resources only
// in the home Region), the delivery channel to the central bucket, and
// recording started. Every call is a put, so the change is idempotent.
const KindRecorder = "config-recorder"

// RecorderAddress is the address of Config in an account and Region.
func RecorderAddress(w estate.Where) string {
	return kinds.Address(KindRecorder, kinds.WhereAddress(w))
}

// BucketAddress is the address of a bucket.
func BucketAddress(name string) string { return kinds.Address("bucket", name) }

// KeyAddress is the address of a KMS key.
func KeyAddress(w estate.Where, alias string) string {
	return kinds.Address("key", kinds.WhereAddress(w)+"/"+alias)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindRecorder, Diff: diffRecorders, Apply: applyRecorder})
}

func recorderAttrs(r *estate.Recorder, actual *estate.Estate) plan.Attrs {
	if r == nil {
		return plan.Attrs{}
	}
	return plan.Attrs{
		"account": string(r.Account), "region": r.Region, "name": r.Name,
		"role_arn":       kinds.ResolveActual(r.RoleARN, actual),
		"all_supported":  strconv.FormatBool(r.AllSupported),
		"global_types":   strconv.FormatBool(r.GlobalTypes),
		"recording":      strconv.FormatBool(r.Recording),
		"channel":        r.Channel,
		"channel_bucket": kinds.ResolveActual(r.ChannelBucket, actual),
		"channel_kms":    kinds.ResolveActual(r.ChannelKMSKey, actual),
	}
}

// recorderValue is what a Config change applies: the recorder and its
// delivery channel, with references resolved as far as the actual estate
// allows.
type recorderValue struct {
	Account       estate.AccountKey `json:"account"`
	Region        string            `json:"region"`
	Name          string            `json:"name"`
	RoleARN       string            `json:"role_arn"`
	AllSupported  bool              `json:"all_supported"`
	GlobalTypes   bool              `json:"global_types"`
	Recording     bool              `json:"recording"`
	Channel       string            `json:"channel"`
	ChannelBucket string            `json:"channel_bucket"`
	ChannelKMSKey string            `json:"channel_kms,omitempty"`
}

func diffRecorders(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Logging == nil {
		return nil, nil
	}
	have := map[string]*estate.Recorder{}
	if actual.Logging != nil {
		have = actual.Logging.Recorders
	}
	var changes []plan.Change
	for _, d := range desired.Logging.SortedRecorders() {
		after := recorderAttrs(d, actual)
		deps := append(kinds.AccountDeps(d.Account),
			RoleAddress(d.Account, roleName(d.RoleARN)),
			BucketAddress(after["channel_bucket"]),
		)
		deps = append(deps, keyDeps(desired, d.ChannelKMSKey)...)
		ch := plan.SetValue(plan.Change{Address: RecorderAddress(d.Where), Kind: KindRecorder, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: deps}, recorderValue{Account: d.Account, Region: d.Region, Name: d.Name,
			RoleARN: kinds.ResolveActual(d.RoleARN, actual), AllSupported: d.AllSupported, GlobalTypes: d.GlobalTypes,
			Recording: d.Recording, Channel: d.Channel, ChannelBucket: kinds.ResolveActual(d.ChannelBucket, actual),
			ChannelKMSKey: kinds.ResolveActual(d.ChannelKMSKey, actual)})
		a, exists := have[d.Key(d.Name)]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		before := recorderAttrs(a, actual)
		if !maps.Equal(before, after) {
			ch.Action, ch.Before = plan.Update, before
			changes = append(changes, ch)
		}
	}
	return changes, nil
}

// roleName is the last element of a role ARN.
func roleName(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// keyDeps are the key changes a value referring to a key waits for.
func keyDeps(desired *estate.Estate, ref string) []string {
	if desired.Logging == nil {
		return nil
	}
	var deps []string
	for _, k := range desired.Logging.Keys {
		if estate.KeyARNRef(k.Where, k.Alias) == ref {
			deps = append(deps, KeyAddress(k.Where, k.Alias))
		}
	}
	return deps
}

func applyRecorder(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[recorderValue](ch)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: v.Account, Region: v.Region})
	if err != nil {
		return fmt.Errorf("config in %s %s: %w", v.Account, v.Region, err)
	}
	role, err := env.Resolve(v.RoleARN)
	if err != nil {
		return fmt.Errorf("config in %s: %w", w, err)
	}
	bucket, err := env.Resolve(v.ChannelBucket)
	if err != nil {
		return fmt.Errorf("config in %s: %w", w, err)
	}
	kmsKey, err := env.Resolve(v.ChannelKMSKey)
	if err != nil {
		return fmt.Errorf("config in %s: %w", w, err)
	}
	api := cl.Config(w)
	if _, err := api.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{
		ConfigurationRecorder: &types.ConfigurationRecorder{
			Name: aws.String(v.Name), RoleARN: aws.String(role),
			RecordingGroup: &types.RecordingGroup{
				AllSupported:               v.AllSupported,
				IncludeGlobalResourceTypes: v.GlobalTypes,
			},
		},
	}); err != nil {
		return fmt.Errorf("put configuration recorder in %s: %w", w, err)
	}
	channel := &types.DeliveryChannel{Name: aws.String(v.Channel), S3BucketName: aws.String(bucket)}
	if kmsKey != "" {
		channel.S3KmsKeyArn = aws.String(kmsKey)
	}
	if _, err := api.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: channel}); err != nil {
		return fmt.Errorf("put delivery channel in %s: %w", w, err)
	}
	if v.Recording {
		if _, err := api.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{
			ConfigurationRecorderName: aws.String(v.Name)}); err != nil {
			return fmt.Errorf("start configuration recorder in %s: %w", w, err)
		}
	}
	return nil
}
