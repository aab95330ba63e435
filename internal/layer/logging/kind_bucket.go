package logging

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindBucket manages the Log Archive buckets: public access blocked,
// versioning on, default encryption with the logging layer's KMS key (and
// an S3 Bucket Key, which cuts the KMS requests of log delivery), the
// bucket policy that lets CloudTrail and Config deliver, and the
// retention lifecycle (guidance 000 and 002).
//
// groundwork never loosens a log bucket: a setting the desired bucket
// leaves off (no policy, no encryption, versioning or public access block
// off) is not managed. The retention is managed both ways, because keeping
// logs forever is something a spec asks for. groundwork owns the
// lifecycle configuration of its buckets: putting it replaces any other
// rules.
const KindBucket = "bucket"

func init() {
	kinds.Register(kinds.Registration{Name: KindBucket, Diff: diffBuckets, Apply: ApplyBucket})
}

// bucketRuleID names the lifecycle rule groundwork puts.
const bucketRuleID = "groundwork-log-retention"

// BucketAttrs are the attributes a bucket change carries, with the
// references the actual estate knows resolved. The billing layer plans
// its report bucket with them too, so that ApplyBucket applies it.
func BucketAttrs(b *estate.Bucket, actual *estate.Estate) plan.Attrs {
	return plan.Attrs{
		"account": string(b.Account), "region": b.Region,
		"name":                kinds.ResolveActual(b.Name, actual),
		"policy":              kinds.PrettyJSON(kinds.ResolveActual(b.Policy, actual)),
		"versioning":          strconv.FormatBool(b.Versioning),
		"sse":                 b.SSE,
		"kms_key":             kinds.ResolveActual(b.KMSKey, actual),
		"block_public_access": strconv.FormatBool(b.BlockPublicAccess),
		"expire_days":         strconv.Itoa(b.ExpireDays),
	}
}

// bucketValue is what a bucket change applies: the desired bucket with
// the references the actual estate knows resolved, and for an update the
// settings that differ.
type bucketValue struct {
	Account           estate.AccountKey `json:"account"`
	Region            string            `json:"region"`
	Name              string            `json:"name"`
	Policy            string            `json:"policy,omitempty"`
	Versioning        bool              `json:"versioning"`
	SSE               string            `json:"sse,omitempty"`
	KMSKey            string            `json:"kms_key,omitempty"`
	BlockPublicAccess bool              `json:"block_public_access"`
	ExpireDays        int               `json:"expire_days"`
	// Differs names the settings an update puts, as BucketDrift names
	// them; a created or adopted bucket gets every setting.
	Differs []string `json:"differs,omitempty"`
}

// SetBucketValue gives a bucket change the value ApplyBucket applies:
// the desired bucket b, and for an update the drift BucketDrift found.
// The billing layer sets it on its report bucket's change too.
func SetBucketValue(ch plan.Change, b *estate.Bucket, actual *estate.Estate, drift []string) plan.Change {
	return plan.SetValue(ch, bucketValue{
		Account: b.Account, Region: b.Region,
		Name:       kinds.ResolveActual(b.Name, actual),
		Policy:     policyDoc(b.Policy, actual),
		Versioning: b.Versioning,
		SSE:        b.SSE, KMSKey: kinds.ResolveActual(b.KMSKey, actual),
		BlockPublicAccess: b.BlockPublicAccess,
		ExpireDays:        b.ExpireDays,
		Differs:           drift,
	})
}

// policyDoc is a JSON document as apply sends it: references resolved as
// far as the actual estate allows, keys sorted as the plan shows them,
// minified.
func policyDoc(doc string, actual *estate.Estate) string {
	return kinds.CompactJSON(kinds.PrettyJSON(kinds.ResolveActual(doc, actual)))
}

// BucketDrift returns the settings of after that before does not have,
// leaving out those after does not manage.
func BucketDrift(before, after plan.Attrs) []string {
	fields := []string{"expire_days"}
	if after["policy"] != "" {
		fields = append(fields, "policy")
	}
	if after["versioning"] == "true" {
		fields = append(fields, "versioning")
	}
	if after["sse"] != "" {
		fields = append(fields, "sse", "kms_key")
	}
	if after["block_public_access"] == "true" {
		fields = append(fields, "block_public_access")
	}
	slices.Sort(fields)
	return kinds.DifferingAttrs(before, after, fields)
}

func diffBuckets(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Logging == nil {
		return nil, nil
	}
	have := map[string]*estate.Bucket{}
	if actual.Logging != nil {
		have = actual.Logging.Buckets
	}
	var changes []plan.Change
	for _, key := range slices.Sorted(maps.Keys(desired.Logging.Buckets)) {
		d := desired.Logging.Buckets[key]
		after := BucketAttrs(d, actual)
		// The desired name holds the Log Archive account's ID; resolved
		// from the actual estate it is the name AWS knows, and an address
		// that stays the same from plan to apply. Other kinds name the
		// bucket the same way (recorder.go).
		deps := append(ReferenceDeps(d.Account, d.Name, d.Policy, d.KMSKey), keyDeps(desired, d.KMSKey)...)
		slices.Sort(deps)
		ch := plan.Change{Address: BucketAddress(after["name"]), Kind: KindBucket, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: slices.Compact(deps)}
		a, exists := have[after["name"]]
		if !exists || !a.Exists {
			ch.Action = plan.Create
			changes = append(changes, SetBucketValue(ch, d, actual, nil))
			continue
		}
		before := BucketAttrs(a, actual)
		if drift := BucketDrift(before, after); len(drift) > 0 {
			ch.Action, ch.Before = plan.Update, before
			ch.Reason = "differs from the spec: " + strings.Join(drift, ", ")
			changes = append(changes, SetBucketValue(ch, d, actual, drift))
		}
	}
	return changes, nil
}

// ApplyBucket creates the bucket unless it is there (a read guards
// CreateBucket), then puts each setting: all of them for a bucket it
// created or adopted, those the plan says differ for an update. Every put
// replaces the whole setting, so running the change again is harmless.
func ApplyBucket(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[bucketValue](ch)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: v.Account, Region: v.Region})
	if err != nil {
		return fmt.Errorf("bucket %s: %w", v.Name, err)
	}
	name, err := env.Resolve(v.Name)
	if err != nil {
		return fmt.Errorf("bucket %s: %w", v.Name, err)
	}
	api := cl.S3(w)
	created := false
	if ch.Action != plan.Update {
		if created, err = ensureBucket(ctx, api, name, w.Region); err != nil {
			return err
		}
		if created {
			env.Logf("created bucket %s", name)
		}
	}
	need := func(field string) bool { return ch.Action != plan.Update || slices.Contains(v.Differs, field) }
	b := aws.String(name)
	// Block public access before the policy goes on: with it on, S3
	// refuses a policy that would make the bucket public.
	if v.BlockPublicAccess && need("block_public_access") {
		on := aws.Bool(true)
		if _, err := api.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b,
			PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
				BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on}}); err != nil {
			return fmt.Errorf("block public access to bucket %s: %w", name, err)
		}
	}
	if v.Versioning && need("versioning") {
		if _, err := api.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
			return fmt.Errorf("enable versioning of bucket %s: %w", name, err)
		}
	}
	if v.SSE != "" && (need("sse") || need("kms_key")) {
		if err := putBucketEncryption(ctx, env, api, name, v.SSE, v.KMSKey); err != nil {
			return err
		}
	}
	if v.Policy != "" && need("policy") {
		policy, err := env.Resolve(v.Policy)
		if err != nil {
			return fmt.Errorf("bucket %s: %w", name, err)
		}
		if _, err := api.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(kinds.CompactJSON(policy))}); err != nil {
			return fmt.Errorf("put policy of bucket %s: %w", name, err)
		}
	}
	// A bucket made just now has no lifecycle to remove.
	if need("expire_days") && (v.ExpireDays > 0 || !created) {
		if err := putBucketRetention(ctx, api, name, v.ExpireDays); err != nil {
			return err
		}
	}
	return nil
}

// ensureBucket creates the bucket unless HeadBucket finds it, and reports
// whether it created it. A bucket that exists answers 200 to its owner;
// 404 means no such bucket. (Real S3 answers 403 to anyone else, so a
// name taken by another account fails here; moto answers 200 to every
// account, so it cannot show that case.)
func ensureBucket(ctx context.Context, api S3API, name, region string) (bool, error) {
	_, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	var missing *types.NotFound
	switch {
	case err == nil:
		return false, nil
	case !errors.As(err, &missing) && !awsx.ErrorCodeIs(err, "NotFound", "NoSuchBucket"):
		return false, fmt.Errorf("read bucket %s: %w", name, err)
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	// us-east-1 takes no location constraint; S3 (and moto) refuse one
	// that names it.
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(region)}
	}
	_, err = api.CreateBucket(ctx, in)
	var owned *types.BucketAlreadyOwnedByYou
	switch {
	case errors.As(err, &owned):
		// Made by a concurrent run between the read and the create.
		return false, nil
	case err != nil:
		return false, fmt.Errorf("create bucket %s: %w", name, err)
	}
	return true, nil
}

// putBucketEncryption sets default encryption; for aws:kms with the key
// whose ARN the plan refers to, which a key change earlier in this apply
// may just have created.
func putBucketEncryption(ctx context.Context, env *kinds.Env, api S3API, name, sse, kmsKey string) error {
	def := &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryption(sse)}
	rule := types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: def}
	if sse == string(types.ServerSideEncryptionAwsKms) {
		rule.BucketKeyEnabled = aws.Bool(true)
		if kmsKey != "" {
			arn, err := env.Resolve(kmsKey)
			if err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
			def.KMSMasterKeyID = aws.String(arn)
		}
	}
	if _, err := api.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(name),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{rule}}}); err != nil {
		return fmt.Errorf("put encryption of bucket %s: %w", name, err)
	}
	return nil
}

// putBucketRetention expires current objects and noncurrent versions
// after days, or removes the lifecycle when days is 0 (keep forever).
func putBucketRetention(ctx context.Context, api S3API, name string, days int) error {
	if days == 0 {
		if _, err := api.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: aws.String(name)}); err != nil {
			return fmt.Errorf("remove lifecycle of bucket %s: %w", name, err)
		}
		return nil
	}
	d := aws.Int32(int32(days))
	if _, err := api.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(name),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String(bucketRuleID), Status: types.ExpirationStatusEnabled,
			Filter:                      &types.LifecycleRuleFilter{Prefix: aws.String("")},
			Expiration:                  &types.LifecycleExpiration{Days: d},
			NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: d},
		}}}}); err != nil {
		return fmt.Errorf("put lifecycle of bucket %s: %w", name, err)
	}
	return nil
}
