package logging

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

func init() { registerLoggingCollector(collectBuckets) }

// collectBuckets reads the buckets the desired layer names, in the
// account that should own each: HeadBucket, then five reads of its
// settings. A desired name holds the Log Archive account's ID; a bucket
// whose account does not exist yet is absent. The estate keys buckets by
// the name AWS knows.
func collectBuckets(ctx context.Context, g *errgroup.Group, r *loggingRead) {
	for _, want := range r.want.Buckets {
		name, ok := estate.Resolve(want.Name, r.e.Lookup)
		if !ok {
			continue
		}
		w, ok := r.at(want.Where)
		if !ok {
			continue
		}
		g.Go(func() error {
			b, err := ReadBucket(ctx, r.clients.S3(w), want, name)
			if err != nil {
				return fmt.Errorf("read bucket %s in %s: %w", name, w.Account, err)
			}
			if b != nil {
				r.locked(func(l *estate.Logging) { l.Buckets[name] = b })
			}
			return nil
		})
	}
}

// ReadBucket reads the bucket name as want describes it (the logging
// layer's and the billing layer's report bucket alike), and returns nil
// for a bucket that does not exist. Each "not
// configured" error code below is what S3 answers, and moto 5.2 too, for a
// bucket without that setting.
func ReadBucket(ctx context.Context, api BucketReadAPI, want *estate.Bucket, name string) (*estate.Bucket, error) {
	bucket := aws.String(name)
	// HeadBucket has no body: a missing bucket is a bare 404, which the SDK
	// reports as NotFound.
	if _, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: bucket}); awsx.ErrorCodeIs(err, "NotFound", "NoSuchBucket") {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	b := &estate.Bucket{Where: want.Where, Name: name, Exists: true}
	pol, err := api.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
	switch {
	case awsx.ErrorCodeIs(err, "NoSuchBucketPolicy"):
	case err != nil:
		return nil, fmt.Errorf("policy: %w", err)
	default:
		b.Policy = aws.ToString(pol.Policy)
	}
	ver, err := api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
	if err != nil {
		return nil, fmt.Errorf("versioning: %w", err)
	}
	b.Versioning = ver.Status == types.BucketVersioningStatusEnabled
	enc, err := api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: bucket})
	switch {
	case awsx.ErrorCodeIs(err, "ServerSideEncryptionConfigurationNotFoundError"):
	case err != nil:
		return nil, fmt.Errorf("encryption: %w", err)
	case enc.ServerSideEncryptionConfiguration != nil:
		for _, rule := range enc.ServerSideEncryptionConfiguration.Rules {
			if d := rule.ApplyServerSideEncryptionByDefault; d != nil {
				b.SSE, b.KMSKey = string(d.SSEAlgorithm), aws.ToString(d.KMSMasterKeyID)
				break
			}
		}
	}
	pab, err := api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: bucket})
	switch {
	case awsx.ErrorCodeIs(err, "NoSuchPublicAccessBlockConfiguration"):
	case err != nil:
		return nil, fmt.Errorf("public access block: %w", err)
	case pab.PublicAccessBlockConfiguration != nil:
		c := pab.PublicAccessBlockConfiguration
		b.BlockPublicAccess = aws.ToBool(c.BlockPublicAcls) && aws.ToBool(c.IgnorePublicAcls) &&
			aws.ToBool(c.BlockPublicPolicy) && aws.ToBool(c.RestrictPublicBuckets)
	}
	lc, err := api.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket})
	switch {
	case awsx.ErrorCodeIs(err, "NoSuchLifecycleConfiguration"):
	case err != nil:
		return nil, fmt.Errorf("lifecycle: %w", err)
	default:
		b.ExpireDays = expireDays(lc.Rules)
	}
	return b, nil
}

// expireDays is the shortest expiration of current objects among the
// enabled rules covering the whole bucket: the retention every log has. 0
// when no such rule expires objects.
func expireDays(rules []types.LifecycleRule) int {
	days := 0
	for _, rule := range rules {
		if rule.Status != types.ExpirationStatusEnabled || rule.Expiration == nil || aws.ToInt32(rule.Expiration.Days) <= 0 {
			continue
		}
		if !wholeBucket(rule) {
			continue
		}
		if d := int(aws.ToInt32(rule.Expiration.Days)); days == 0 || d < days {
			days = d
		}
	}
	return days
}

// wholeBucket reports whether a rule applies to every object.
func wholeBucket(rule types.LifecycleRule) bool {
	if aws.ToString(rule.Prefix) != "" { //nolint:staticcheck // the deprecated top-level prefix still narrows old rules
		return false
	}
	f := rule.Filter
	return f == nil || (aws.ToString(f.Prefix) == "" && f.Tag == nil && f.And == nil &&
		f.ObjectSizeGreaterThan == nil && f.ObjectSizeLessThan == nil)
}
