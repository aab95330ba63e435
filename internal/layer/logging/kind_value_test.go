package logging_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// TestLoggingSavedPlanRoundTrips applies the plan Diff made and the same
// plan saved and read back, and wants the same writes from both: every
// kind's typed value survives plan.json whole.
func TestLoggingSavedPlanRoundTrips(t *testing.T) {
	tests := map[string]struct {
		exists bool // the fake finds every resource the kinds look up
		actual func(desired, actual *estate.Estate)
		action plan.Action
	}{
		"created": {action: plan.Create},
		"updated": {exists: true, actual: loggingDrifted, action: plan.Update},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := loggingEstates(t)
			if tt.actual != nil {
				tt.actual(desired, actual)
			}
			p := loggingOnly(kinds.Plan(desired, actual))
			var seen []string
			for _, ch := range p.Changes {
				if ch.Action != tt.action {
					t.Errorf("%s: %s, want %s", ch.Address, ch.Action, tt.action)
				}
				seen = append(seen, ch.Kind)
			}
			for _, kind := range loggingKinds {
				if !slices.Contains(seen, kind) {
					t.Errorf("the plan has no %s change", kind)
				}
			}
			saved := kindstest.Saved(t, p)
			inMemory := roundTripApply(t, tt.exists, actual, p)
			fromFile := roundTripApply(t, tt.exists, actual, saved)
			if len(inMemory) == 0 {
				t.Fatal("the plan wrote nothing")
			}
			if !slices.Equal(inMemory, fromFile) {
				t.Errorf("the saved plan writes otherwise:\n in memory %q\n from file %q", inMemory, fromFile)
			}
		})
	}
}

// loggingOnly is p narrowed to the logging kinds, with the dependencies on
// changes of other kinds dropped.
func loggingOnly(p *plan.Plan) *plan.Plan {
	p.Changes = slices.DeleteFunc(p.Changes, func(ch plan.Change) bool { return !slices.Contains(loggingKinds, ch.Kind) })
	for i := range p.Changes {
		p.Changes[i].DependsOn = slices.DeleteFunc(slices.Clone(p.Changes[i].DependsOn), func(dep string) bool {
			return !slices.ContainsFunc(p.Changes, func(ch plan.Change) bool { return ch.Address == dep })
		})
	}
	return p
}

// loggingDrifted makes actual hold what desired asks for, references
// resolved as AWS reports them, with one setting of every resource off.
func loggingDrifted(desired, actual *estate.Estate) {
	resolved := func(s string) string {
		out, _ := estate.Resolve(s, actual.Lookup)
		return out
	}
	l := estate.NewLogging()
	for key, k := range desired.Logging.Keys {
		c := *k
		c.Policy, c.Rotation = resolved(k.Policy), false
		c.ARN = "arn:aws:kms:" + k.Region + ":" + resolved(estate.AccountIDRef(k.Account)) + ":key/" + k.Alias
		l.Keys[key] = &c
	}
	for _, b := range desired.Logging.Buckets {
		c := *b
		c.Name, c.Policy, c.KMSKey = resolved(b.Name), resolved(b.Policy), ""
		c.Versioning, c.Exists = false, true
		l.Buckets[c.Name] = &c
	}
	for key, tr := range desired.Logging.Trails {
		c := *tr
		c.Bucket, c.KMSKey, c.LogGroupARN, c.LogsRoleARN = resolved(tr.Bucket), resolved(tr.KMSKey), resolved(tr.LogGroupARN), resolved(tr.LogsRoleARN)
		c.Logging = false
		l.Trails[key] = &c
	}
	for key, g := range desired.Logging.LogGroups {
		c := *g
		c.RetentionDays++
		l.LogGroups[key] = &c
	}
	for key, r := range desired.Logging.Roles {
		c := *r
		c.Trust = `{"Statement":[]}`
		l.Roles[key] = &c
	}
	for key, r := range desired.Logging.Recorders {
		c := *r
		c.RoleARN, c.ChannelBucket, c.ChannelKMSKey = resolved(r.RoleARN), resolved(r.ChannelBucket), resolved(r.ChannelKMSKey)
		c.Recording = false
		l.Recorders[key] = &c
	}
	for key, r := range desired.Logging.Rules {
		c := *r
		c.Input = `{"stale":"1"}`
		l.Rules[key] = &c
	}
	for key, g := range desired.Logging.Aggregators {
		c := *g
		c.RoleARN, c.AllRegions = resolved(g.RoleARN), false
		l.Aggregators[key] = &c
	}
	actual.Logging = l
}

// roundTripApply applies p against a fresh recording fake and returns the
// calls it saw, sorted.
func roundTripApply(t *testing.T, exists bool, actual *estate.Estate, p *plan.Plan) []string {
	t.Helper()
	rec := &recordingCloud{exists: exists}
	env := &kinds.Env{Log: t.Logf}
	kinds.SetClients[logging.Clients](env, rec)
	accounts := map[string]string{}
	for key, a := range actual.Accounts {
		accounts[key] = a.ID
	}
	env.SeedIDs(actual.Organization.RootID, map[string]string{}, accounts)
	env.SeedActual(actual)
	if rep, err := apply.Run(context.Background(), env, p, apply.Options{}); err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
	slices.Sort(rec.calls)
	return rec.calls
}

// recordingCloud serves every logging client and records each call with
// its input. It holds no state: a look-up finds the resource when exists
// is set, and nothing otherwise.
type recordingCloud struct {
	exists bool
	mu     sync.Mutex
	calls  []string
}

type recordingAt struct {
	c *recordingCloud
	w estate.Location
}

func (c *recordingCloud) KMS(w estate.Location) logging.KMSAPI { return recordingAt{c, w} }
func (c *recordingCloud) S3(w estate.Location) logging.S3API   { return recordingAt{c, w} }
func (c *recordingCloud) CloudTrail(w estate.Location) logging.CloudTrailAPI {
	return recordingAt{c, w}
}
func (c *recordingCloud) Config(w estate.Location) logging.ConfigAPI { return recordingAt{c, w} }
func (c *recordingCloud) IAM(w estate.Location) logging.IAMAPI       { return recordingAt{c, w} }
func (c *recordingCloud) Logs(w estate.Location) logging.LogsAPI     { return recordingAt{c, w} }

func (r recordingAt) record(op string, in any) {
	b, err := json.Marshal(in)
	if err != nil {
		panic(err)
	}
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.calls = append(r.c.calls, fmt.Sprintf("%s %s %s %s", op, string(r.w.Account), r.w.Region, b))
}

func (r recordingAt) keyARN(id string) *string {
	return aws.String("arn:aws:kms:" + r.w.Region + ":" + string(r.w.Account) + ":key/" + id)
}

func (r recordingAt) CreateKey(_ context.Context, in *kms.CreateKeyInput, _ ...func(*kms.Options)) (*kms.CreateKeyOutput, error) {
	r.record("CreateKey", in)
	return &kms.CreateKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyId: aws.String("k-new"), Arn: r.keyARN("k-new")}}, nil
}

func (r recordingAt) CreateAlias(_ context.Context, in *kms.CreateAliasInput, _ ...func(*kms.Options)) (*kms.CreateAliasOutput, error) {
	r.record("CreateAlias", in)
	return &kms.CreateAliasOutput{}, nil
}

func (r recordingAt) ListAliases(_ context.Context, in *kms.ListAliasesInput, _ ...func(*kms.Options)) (*kms.ListAliasesOutput, error) {
	out := &kms.ListAliasesOutput{}
	if r.c.exists {
		for _, alias := range []string{logging.CloudTrailKeyAlias, logging.ConfigKeyAlias} {
			out.Aliases = append(out.Aliases, kmstypes.AliasListEntry{AliasName: aws.String(alias), TargetKeyId: aws.String("k-" + alias)})
		}
	}
	return out, nil
}

func (r recordingAt) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	return &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyId: in.KeyId, Arn: r.keyARN(aws.ToString(in.KeyId)),
		KeyState: kmstypes.KeyStateEnabled}}, nil
}

func (r recordingAt) PutKeyPolicy(_ context.Context, in *kms.PutKeyPolicyInput, _ ...func(*kms.Options)) (*kms.PutKeyPolicyOutput, error) {
	r.record("PutKeyPolicy", in)
	return &kms.PutKeyPolicyOutput{}, nil
}

func (r recordingAt) EnableKeyRotation(_ context.Context, in *kms.EnableKeyRotationInput, _ ...func(*kms.Options)) (*kms.EnableKeyRotationOutput, error) {
	r.record("EnableKeyRotation", in)
	return &kms.EnableKeyRotationOutput{}, nil
}

func (r recordingAt) UpdateKeyDescription(_ context.Context, in *kms.UpdateKeyDescriptionInput, _ ...func(*kms.Options)) (*kms.UpdateKeyDescriptionOutput, error) {
	r.record("UpdateKeyDescription", in)
	return &kms.UpdateKeyDescriptionOutput{}, nil
}

func (r recordingAt) EnableKey(_ context.Context, in *kms.EnableKeyInput, _ ...func(*kms.Options)) (*kms.EnableKeyOutput, error) {
	r.record("EnableKey", in)
	return &kms.EnableKeyOutput{}, nil
}

func (r recordingAt) ListKeys(context.Context, *kms.ListKeysInput, ...func(*kms.Options)) (*kms.ListKeysOutput, error) {
	return &kms.ListKeysOutput{}, nil
}

func (r recordingAt) ListResourceTags(context.Context, *kms.ListResourceTagsInput, ...func(*kms.Options)) (*kms.ListResourceTagsOutput, error) {
	return &kms.ListResourceTagsOutput{}, nil
}

func (r recordingAt) CancelKeyDeletion(_ context.Context, in *kms.CancelKeyDeletionInput, _ ...func(*kms.Options)) (*kms.CancelKeyDeletionOutput, error) {
	r.record("CancelKeyDeletion", in)
	return &kms.CancelKeyDeletionOutput{}, nil
}

func (r recordingAt) CreateBucket(_ context.Context, in *s3.CreateBucketInput, _ ...func(*s3.Options)) (*s3.CreateBucketOutput, error) {
	r.record("CreateBucket", in)
	return &s3.CreateBucketOutput{}, nil
}

func (r recordingAt) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	if !r.c.exists {
		return nil, &s3types.NotFound{}
	}
	return &s3.HeadBucketOutput{}, nil
}

func (r recordingAt) PutBucketPolicy(_ context.Context, in *s3.PutBucketPolicyInput, _ ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	r.record("PutBucketPolicy", in)
	return &s3.PutBucketPolicyOutput{}, nil
}

func (r recordingAt) PutBucketVersioning(_ context.Context, in *s3.PutBucketVersioningInput, _ ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error) {
	r.record("PutBucketVersioning", in)
	return &s3.PutBucketVersioningOutput{}, nil
}

func (r recordingAt) PutBucketEncryption(_ context.Context, in *s3.PutBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error) {
	r.record("PutBucketEncryption", in)
	return &s3.PutBucketEncryptionOutput{}, nil
}

func (r recordingAt) PutPublicAccessBlock(_ context.Context, in *s3.PutPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	r.record("PutPublicAccessBlock", in)
	return &s3.PutPublicAccessBlockOutput{}, nil
}

func (r recordingAt) PutBucketLifecycleConfiguration(_ context.Context, in *s3.PutBucketLifecycleConfigurationInput, _ ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error) {
	r.record("PutBucketLifecycleConfiguration", in)
	return &s3.PutBucketLifecycleConfigurationOutput{}, nil
}

func (r recordingAt) DeleteBucketLifecycle(_ context.Context, in *s3.DeleteBucketLifecycleInput, _ ...func(*s3.Options)) (*s3.DeleteBucketLifecycleOutput, error) {
	r.record("DeleteBucketLifecycle", in)
	return &s3.DeleteBucketLifecycleOutput{}, nil
}

func (r recordingAt) DescribeTrails(_ context.Context, in *cloudtrail.DescribeTrailsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	out := &cloudtrail.DescribeTrailsOutput{}
	if r.c.exists {
		for _, name := range in.TrailNameList {
			out.TrailList = append(out.TrailList, cttypes.Trail{Name: aws.String(name),
				TrailARN: aws.String("arn:aws:cloudtrail:" + r.w.Region + ":" + string(r.w.Account) + ":trail/" + name)})
		}
	}
	return out, nil
}

func (r recordingAt) CreateTrail(_ context.Context, in *cloudtrail.CreateTrailInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.CreateTrailOutput, error) {
	r.record("CreateTrail", in)
	return &cloudtrail.CreateTrailOutput{}, nil
}

func (r recordingAt) UpdateTrail(_ context.Context, in *cloudtrail.UpdateTrailInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error) {
	r.record("UpdateTrail", in)
	return &cloudtrail.UpdateTrailOutput{}, nil
}

func (r recordingAt) StartLogging(_ context.Context, in *cloudtrail.StartLoggingInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.StartLoggingOutput, error) {
	r.record("StartLogging", in)
	return &cloudtrail.StartLoggingOutput{}, nil
}

func (r recordingAt) PutConfigurationRecorder(_ context.Context, in *configservice.PutConfigurationRecorderInput, _ ...func(*configservice.Options)) (*configservice.PutConfigurationRecorderOutput, error) {
	r.record("PutConfigurationRecorder", in)
	return &configservice.PutConfigurationRecorderOutput{}, nil
}

func (r recordingAt) PutDeliveryChannel(_ context.Context, in *configservice.PutDeliveryChannelInput, _ ...func(*configservice.Options)) (*configservice.PutDeliveryChannelOutput, error) {
	r.record("PutDeliveryChannel", in)
	return &configservice.PutDeliveryChannelOutput{}, nil
}

func (r recordingAt) StartConfigurationRecorder(_ context.Context, in *configservice.StartConfigurationRecorderInput, _ ...func(*configservice.Options)) (*configservice.StartConfigurationRecorderOutput, error) {
	r.record("StartConfigurationRecorder", in)
	return &configservice.StartConfigurationRecorderOutput{}, nil
}

func (r recordingAt) PutConfigRule(_ context.Context, in *configservice.PutConfigRuleInput, _ ...func(*configservice.Options)) (*configservice.PutConfigRuleOutput, error) {
	r.record("PutConfigRule", in)
	return &configservice.PutConfigRuleOutput{}, nil
}

func (r recordingAt) PutConfigurationAggregator(_ context.Context, in *configservice.PutConfigurationAggregatorInput, _ ...func(*configservice.Options)) (*configservice.PutConfigurationAggregatorOutput, error) {
	r.record("PutConfigurationAggregator", in)
	return &configservice.PutConfigurationAggregatorOutput{}, nil
}

func (r recordingAt) PutOrganizationConfigRule(_ context.Context, in *configservice.PutOrganizationConfigRuleInput, _ ...func(*configservice.Options)) (*configservice.PutOrganizationConfigRuleOutput, error) {
	r.record("PutOrganizationConfigRule", in)
	return &configservice.PutOrganizationConfigRuleOutput{}, nil
}

func (r recordingAt) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if !r.c.exists {
		return nil, &iamtypes.NoSuchEntityException{}
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName}}, nil
}

func (r recordingAt) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	r.record("CreateRole", in)
	return &iam.CreateRoleOutput{}, nil
}

func (r recordingAt) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	r.record("UpdateAssumeRolePolicy", in)
	return &iam.UpdateAssumeRolePolicyOutput{}, nil
}

func (r recordingAt) AttachRolePolicy(_ context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	r.record("AttachRolePolicy", in)
	return &iam.AttachRolePolicyOutput{}, nil
}

func (r recordingAt) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	r.record("PutRolePolicy", in)
	return &iam.PutRolePolicyOutput{}, nil
}

func (r recordingAt) CreateLogGroup(_ context.Context, in *cloudwatchlogs.CreateLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error) {
	r.record("CreateLogGroup", in)
	return &cloudwatchlogs.CreateLogGroupOutput{}, nil
}

func (r recordingAt) PutRetentionPolicy(_ context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error) {
	r.record("PutRetentionPolicy", in)
	return &cloudwatchlogs.PutRetentionPolicyOutput{}, nil
}

func (r recordingAt) DeleteRetentionPolicy(_ context.Context, in *cloudwatchlogs.DeleteRetentionPolicyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteRetentionPolicyOutput, error) {
	r.record("DeleteRetentionPolicy", in)
	return &cloudwatchlogs.DeleteRetentionPolicyOutput{}, nil
}
