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

// RecorderAddress is the address of Config in an account and Region.
func RecorderAddress(w estate.Where) string {
	return kinds.Address(kinds.KindRecorder, kinds.WhereAddress(w))
}

// BucketAddress is the address of a bucket.
func BucketAddress(name string) string { return kinds.Address("bucket", name) }

// KeyAddress is the address of a KMS key.
func KeyAddress(w estate.Where, alias string) string {
	return kinds.Address("key", kinds.WhereAddress(w)+"/"+alias)
}

func init() {
	kinds.Register(kinds.Registration{Name: kinds.KindRecorder, Diff: diffRecorders, Apply: applyRecorder})
}

func recorderAttrs(r *estate.Recorder, actual *estate.Estate) plan.Attrs {
	if r == nil {
		return plan.Attrs{}
	}
	return plan.Attrs{
		"account": r.Account, "region": r.Region, "name": r.Name,
		"role_arn":       kinds.ResolveActual(r.RoleARN, actual),
		"all_supported":  strconv.FormatBool(r.AllSupported),
		"global_types":   strconv.FormatBool(r.GlobalTypes),
		"recording":      strconv.FormatBool(r.Recording),
		"channel":        r.Channel,
		"channel_bucket": kinds.ResolveActual(r.ChannelBucket, actual),
		"channel_kms":    kinds.ResolveActual(r.ChannelKMSKey, actual),
	}
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
		ch := plan.Change{Address: RecorderAddress(d.Where), Kind: kinds.KindRecorder, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: deps}
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
	a := ch.After
	w, err := env.At(estate.Where{Account: a["account"], Region: a["region"]})
	if err != nil {
		return fmt.Errorf("config in %s %s: %w", a["account"], a["region"], err)
	}
	role, err := env.Resolve(a["role_arn"])
	if err != nil {
		return fmt.Errorf("config in %s: %w", w, err)
	}
	bucket, err := env.Resolve(a["channel_bucket"])
	if err != nil {
		return fmt.Errorf("config in %s: %w", w, err)
	}
	kmsKey, err := env.Resolve(a["channel_kms"])
	if err != nil {
		return fmt.Errorf("config in %s: %w", w, err)
	}
	api := cl.Config(w)
	if _, err := api.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{
		ConfigurationRecorder: &types.ConfigurationRecorder{
			Name: aws.String(a["name"]), RoleARN: aws.String(role),
			RecordingGroup: &types.RecordingGroup{
				AllSupported:               a["all_supported"] == "true",
				IncludeGlobalResourceTypes: a["global_types"] == "true",
			},
		},
	}); err != nil {
		return fmt.Errorf("put configuration recorder in %s: %w", w, err)
	}
	channel := &types.DeliveryChannel{Name: aws.String(a["channel"]), S3BucketName: aws.String(bucket)}
	if kmsKey != "" {
		channel.S3KmsKeyArn = aws.String(kmsKey)
	}
	if _, err := api.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: channel}); err != nil {
		return fmt.Errorf("put delivery channel in %s: %w", w, err)
	}
	if a["recording"] == "true" {
		if _, err := api.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{
			ConfigurationRecorderName: aws.String(a["name"])}); err != nil {
			return fmt.Errorf("start configuration recorder in %s: %w", w, err)
		}
	}
	return nil
}
