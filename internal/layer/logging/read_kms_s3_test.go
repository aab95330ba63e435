package logging

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// The keys and buckets of the logging layer, read through fakes of the
// read APIs. The fakes answer with the error codes AWS uses, which moto
// 5.2 uses too (checked against a moto server): HeadBucket of a missing
// bucket is a bare 404 the SDK names NotFound; a bucket without a policy,
// encryption, public access block or lifecycle answers NoSuchBucketPolicy,
// ServerSideEncryptionConfigurationNotFoundError,
// NoSuchPublicAccessBlockConfiguration, NoSuchLifecycleConfiguration.
// Where moto differs the fakes follow AWS: ListAliases pages (moto answers
// every alias at once), and GetKeyRotationStatus may refuse a key pending
// deletion (moto answers).

const kbReadSpec = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1]}
units: {Security: {}}
accounts:
  log-archive: {unit: Security, role: log-archive}
  security-tooling: {unit: Security, role: security-tooling}
logging: {}
`

const (
	kbReadLA, kbReadST     = "aws-log-archive-primary@example.com", "aws-security-tooling-primary@example.com"
	kbReadLAID, kbReadSTID = "222222222222", "333333333333"
)

// kbReadWant is the desired logging layer of kbReadSpec reduced to its
// keys and buckets, so that only the collectors under test have anything
// to read; and an estate where the organization and accounts exist.
func kbReadWant(t *testing.T) (*estate.Logging, *estate.Estate) {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(kbReadSpec))
	if err != nil {
		t.Fatal(err)
	}
	d := f.Desired().Logging
	want := estate.NewLogging()
	want.Keys, want.Buckets = d.Keys, d.Buckets
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: "111111111111"}
	e.Accounts[kbReadLA] = &estate.Account{ID: kbReadLAID, Email: kbReadLA, Status: "ACTIVE", Unit: "Security"}
	e.Accounts[kbReadST] = &estate.Account{ID: kbReadSTID, Email: kbReadST, Status: "ACTIVE", Unit: "Security"}
	return want, e
}

func kbReadErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

// kbReadClients hands out the read fakes by account ID and Region and
// counts calls by operation. Services other than KMS and S3 are nil.
type kbReadClients struct {
	mu      sync.Mutex
	calls   map[string]int
	kms     map[estate.Location]*kbReadKMS
	s3      map[string]*kbReadBucket // by name
	s3Error map[string]error         // operation -> error for every bucket
}

func newKBReadClients() *kbReadClients {
	return &kbReadClients{calls: map[string]int{}, kms: map[estate.Location]*kbReadKMS{}, s3: map[string]*kbReadBucket{}, s3Error: map[string]error{}}
}

func (c *kbReadClients) count(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[op]++
}

func (c *kbReadClients) KMS(w estate.Location) kmsReadAPI {
	if k, ok := c.kms[w]; ok {
		return k
	}
	return &kbReadKMS{c: c}
}
func (c *kbReadClients) S3(w estate.Location) BucketReadAPI { return kbReadS3{c: c, w: w} }
func (c *kbReadClients) CloudTrail(estate.Location) trailReadAPI {
	return nil
}
func (c *kbReadClients) Config(estate.Location) configReadAPI { return nil }
func (c *kbReadClients) IAM(estate.Location) iamReadAPI       { return nil }
func (c *kbReadClients) Logs(estate.Location) logsReadAPI     { return nil }

var _ readClients = (*kbReadClients)(nil)

// kbReadKMS is KMS in one account and Region: aliases in order, one a
// page, and keys by ID.
type kbReadKMS struct {
	c       *kbReadClients
	aliases []kmstypes.AliasListEntry
	keys    map[string]kbReadKey
	tags    map[string]string // key ID -> its groundwork:alias tag
}

type kbReadKey struct {
	meta        kmstypes.KeyMetadata
	policy      string
	rotation    bool
	rotationErr error
}

func (k *kbReadKMS) ListAliases(_ context.Context, in *kms.ListAliasesInput, _ ...func(*kms.Options)) (*kms.ListAliasesOutput, error) {
	k.c.count("ListAliases")
	start := 0
	if m := aws.ToString(in.Marker); m != "" {
		fmt.Sscan(m, &start)
	}
	out := &kms.ListAliasesOutput{}
	if start < len(k.aliases) {
		out.Aliases = k.aliases[start : start+1]
	}
	if start+1 < len(k.aliases) {
		out.Truncated, out.NextMarker = true, aws.String(fmt.Sprint(start+1))
	}
	return out, nil
}

// ListKeys answers the keys by ID in one page.
func (k *kbReadKMS) ListKeys(context.Context, *kms.ListKeysInput, ...func(*kms.Options)) (*kms.ListKeysOutput, error) {
	k.c.count("ListKeys")
	out := &kms.ListKeysOutput{}
	for _, id := range slices.Sorted(maps.Keys(k.keys)) {
		out.Keys = append(out.Keys, kmstypes.KeyListEntry{KeyId: aws.String(id)})
	}
	return out, nil
}

// ListResourceTags answers the tags of a key: groundwork:alias for the
// keys in tags.
func (k *kbReadKMS) ListResourceTags(_ context.Context, in *kms.ListResourceTagsInput, _ ...func(*kms.Options)) (*kms.ListResourceTagsOutput, error) {
	k.c.count("ListResourceTags")
	if _, err := k.key(in.KeyId); err != nil {
		return nil, err
	}
	out := &kms.ListResourceTagsOutput{}
	if alias, ok := k.tags[aws.ToString(in.KeyId)]; ok {
		out.Tags = []kmstypes.Tag{{TagKey: aws.String(KeyAliasTag), TagValue: aws.String(alias)}}
	}
	return out, nil
}

func (k *kbReadKMS) key(id *string) (kbReadKey, error) {
	key, ok := k.keys[aws.ToString(id)]
	if !ok {
		return key, &kmstypes.NotFoundException{Message: aws.String("no key " + aws.ToString(id))}
	}
	return key, nil
}

func (k *kbReadKMS) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	k.c.count("DescribeKey")
	key, err := k.key(in.KeyId)
	if err != nil {
		return nil, err
	}
	m := key.meta
	return &kms.DescribeKeyOutput{KeyMetadata: &m}, nil
}

func (k *kbReadKMS) GetKeyPolicy(_ context.Context, in *kms.GetKeyPolicyInput, _ ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	k.c.count("GetKeyPolicy")
	if aws.ToString(in.PolicyName) != "default" {
		return nil, kbReadErr("NotFoundException")
	}
	key, err := k.key(in.KeyId)
	if err != nil {
		return nil, err
	}
	return &kms.GetKeyPolicyOutput{Policy: aws.String(key.policy), PolicyName: in.PolicyName}, nil
}

func (k *kbReadKMS) GetKeyRotationStatus(_ context.Context, in *kms.GetKeyRotationStatusInput, _ ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	k.c.count("GetKeyRotationStatus")
	key, err := k.key(in.KeyId)
	if err != nil {
		return nil, err
	}
	if key.rotationErr != nil {
		return nil, key.rotationErr
	}
	return &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: key.rotation}, nil
}

// kbReadBucket is one bucket; a nil setting answers its "not configured"
// error.
type kbReadBucket struct {
	owner      estate.Location
	policy     *string
	versioning s3types.BucketVersioningStatus
	encryption *s3types.ServerSideEncryptionConfiguration
	pab        *s3types.PublicAccessBlockConfiguration
	lifecycle  []s3types.LifecycleRule
}

type kbReadS3 struct {
	c *kbReadClients
	w estate.Location
}

// bucket answers for the owner only, as AWS does (moto answers every
// account).
func (s kbReadS3) bucket(op string, name *string) (*kbReadBucket, error) {
	s.c.count(op)
	if err := s.c.s3Error[op]; err != nil {
		return nil, err
	}
	b, ok := s.c.s3[aws.ToString(name)]
	switch {
	case !ok:
		return nil, &s3types.NoSuchBucket{}
	case b.owner != s.w:
		return nil, kbReadErr("AccessDenied")
	}
	return b, nil
}

func (s kbReadS3) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	if _, err := s.bucket("HeadBucket", in.Bucket); err != nil {
		if _, missing := err.(*s3types.NoSuchBucket); missing {
			return nil, &s3types.NotFound{}
		}
		return nil, err
	}
	return &s3.HeadBucketOutput{}, nil
}

func (s kbReadS3) GetBucketPolicy(_ context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	b, err := s.bucket("GetBucketPolicy", in.Bucket)
	switch {
	case err != nil:
		return nil, err
	case b.policy == nil:
		return nil, kbReadErr("NoSuchBucketPolicy")
	}
	return &s3.GetBucketPolicyOutput{Policy: b.policy}, nil
}

func (s kbReadS3) GetBucketVersioning(_ context.Context, in *s3.GetBucketVersioningInput, _ ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	b, err := s.bucket("GetBucketVersioning", in.Bucket)
	if err != nil {
		return nil, err
	}
	// A bucket that never had versioning answers no status at all.
	return &s3.GetBucketVersioningOutput{Status: b.versioning}, nil
}

func (s kbReadS3) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	b, err := s.bucket("GetBucketEncryption", in.Bucket)
	switch {
	case err != nil:
		return nil, err
	case b.encryption == nil:
		return nil, kbReadErr("ServerSideEncryptionConfigurationNotFoundError")
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: b.encryption}, nil
}

func (s kbReadS3) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	b, err := s.bucket("GetPublicAccessBlock", in.Bucket)
	switch {
	case err != nil:
		return nil, err
	case b.pab == nil:
		return nil, kbReadErr("NoSuchPublicAccessBlockConfiguration")
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: b.pab}, nil
}

func (s kbReadS3) GetBucketLifecycleConfiguration(_ context.Context, in *s3.GetBucketLifecycleConfigurationInput, _ ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error) {
	b, err := s.bucket("GetBucketLifecycleConfiguration", in.Bucket)
	switch {
	case err != nil:
		return nil, err
	case b.lifecycle == nil:
		return nil, kbReadErr("NoSuchLifecycleConfiguration")
	}
	return &s3.GetBucketLifecycleConfigurationOutput{Rules: b.lifecycle}, nil
}

func TestCollectKeys(t *testing.T) {
	want, e := kbReadWant(t)
	c := newKBReadClients()
	at := estate.Location{Account: kbReadSTID, Region: "us-east-1"}
	arn := func(id string) string { return "arn:aws:kms:us-east-1:" + kbReadSTID + ":key/" + id }
	c.kms[at] = &kbReadKMS{c: c,
		aliases: []kmstypes.AliasListEntry{
			// An AWS-managed alias not used yet points at no key.
			{AliasName: aws.String("alias/aws/s3")},
			{AliasName: aws.String("alias/other"), TargetKeyId: aws.String("k-other")},
			{AliasName: aws.String(CloudTrailKeyAlias), TargetKeyId: aws.String("k-ct")},
			{AliasName: aws.String(ConfigKeyAlias), TargetKeyId: aws.String("k-cfg")},
		},
		keys: map[string]kbReadKey{
			"k-ct": {meta: kmstypes.KeyMetadata{KeyId: aws.String("k-ct"), Arn: aws.String(arn("k-ct")),
				Description: aws.String("trail"), KeyState: kmstypes.KeyStateEnabled}, policy: `{"Statement":[]}`, rotation: true},
			"k-cfg": {meta: kmstypes.KeyMetadata{KeyId: aws.String("k-cfg"), Arn: aws.String(arn("k-cfg")),
				KeyState: kmstypes.KeyStatePendingDeletion}, policy: `{}`,
				rotationErr: &kmstypes.KMSInvalidStateException{Message: aws.String("pending deletion")}},
		},
	}
	if err := readWith(context.Background(), c, e, want, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	st := estate.Where{Account: kbReadST, Region: "us-east-1"}
	wantKeys := map[string]*estate.Key{
		st.Key(CloudTrailKeyAlias): {Where: st, Alias: CloudTrailKeyAlias, ID: "k-ct", ARN: arn("k-ct"),
			Description: "trail", Policy: `{"Statement":[]}`, Rotation: true, State: "Enabled"},
		st.Key(ConfigKeyAlias): {Where: st, Alias: ConfigKeyAlias, ID: "k-cfg", ARN: arn("k-cfg"),
			Policy: `{}`, State: "PendingDeletion"},
	}
	if !reflect.DeepEqual(e.Logging.Keys, wantKeys) {
		for k, v := range e.Logging.Keys {
			t.Logf("%s: %+v", k, *v)
		}
		t.Fatalf("keys differ from %v", wantKeys)
	}
	// Both keys live in one account and Region: the aliases are listed
	// once, every page of them.
	if n := c.calls["ListAliases"]; n != 4 {
		t.Errorf("ListAliases called %d times, want 4 (one walk of 4 pages)", n)
	}
	// The key ARN resolves references from the actual estate.
	if got, ok := e.Lookup(estate.RefKeyARN, st.Key(CloudTrailKeyAlias)); !ok || got != arn("k-ct") {
		t.Errorf("Lookup key-arn = %q, %v", got, ok)
	}
}

func TestCollectKeysAbsent(t *testing.T) {
	tests := map[string]func(c *kbReadClients, e *estate.Estate){
		// No alias: the key is absent (a key without the alias is not
		// groundwork's).
		"no alias": func(c *kbReadClients, e *estate.Estate) {
			c.kms[estate.Location{Account: kbReadSTID, Region: "us-east-1"}] = &kbReadKMS{c: c,
				aliases: []kmstypes.AliasListEntry{{AliasName: aws.String("alias/aws/s3")}}}
		},
		// The account does not exist yet: nothing is read there.
		"account not created": func(c *kbReadClients, e *estate.Estate) { delete(e.Accounts, kbReadST) },
	}
	for name, setup := range tests {
		t.Run(name, func(t *testing.T) {
			want, e := kbReadWant(t)
			want.Buckets = map[string]*estate.Bucket{}
			c := newKBReadClients()
			setup(c, e)
			if err := readWith(context.Background(), c, e, want, inventory.Options{}); err != nil {
				t.Fatal(err)
			}
			if len(e.Logging.Keys) != 0 {
				t.Errorf("keys: %v", e.Logging.Keys)
			}
			if c.calls["DescribeKey"] != 0 {
				t.Errorf("described a key that is not there")
			}
		})
	}
}

func TestCollectBuckets(t *testing.T) {
	want, e := kbReadWant(t)
	c := newKBReadClients()
	la := estate.Location{Account: kbReadLAID, Region: "us-east-1"}
	trail, config := "aws-logs-cloudtrail-"+kbReadLAID+"-us-east-1", "aws-logs-config-"+kbReadLAID+"-us-east-1"
	on := aws.Bool(true)
	c.s3[trail] = &kbReadBucket{owner: la, policy: aws.String(`{"Statement":[]}`), versioning: s3types.BucketVersioningStatusEnabled,
		encryption: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms,
				KMSMasterKeyID: aws.String("arn:aws:kms:us-east-1:333333333333:key/k-ct")},
			BucketKeyEnabled: on}}},
		pab: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on},
		lifecycle: []s3types.LifecycleRule{
			// Narrower or disabled rules are not the retention of every log.
			{Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("tmp/")},
				Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}},
			{Status: s3types.ExpirationStatusDisabled, Filter: &s3types.LifecycleRuleFilter{},
				Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(2)}},
			{Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Tag: &s3types.Tag{Key: aws.String("k"), Value: aws.String("v")}},
				Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(3)}},
			// Moving to Glacier expires nothing.
			{Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
				Transitions: []s3types.Transition{{Days: aws.Int32(30), StorageClass: s3types.TransitionStorageClassGlacier}}},
			{Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
				Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(365)}},
		}}
	// The config bucket exists with nothing configured: versioning never
	// turned on answers no status.
	c.s3[config] = &kbReadBucket{owner: la}
	if err := readWith(context.Background(), c, e, want, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	law := estate.Where{Account: kbReadLA, Region: "us-east-1"}
	wantBuckets := map[string]*estate.Bucket{
		trail: {Where: law, Name: trail, Exists: true, Policy: `{"Statement":[]}`, Versioning: true, SSE: "aws:kms",
			KMSKey: "arn:aws:kms:us-east-1:333333333333:key/k-ct", BlockPublicAccess: true, ExpireDays: 365},
		config: {Where: law, Name: config, Exists: true},
	}
	if !reflect.DeepEqual(e.Logging.Buckets, wantBuckets) {
		for k, v := range e.Logging.Buckets {
			t.Logf("%s: %#v", k, *v)
		}
		t.Fatalf("buckets differ from %v", wantBuckets)
	}
}

func TestCollectBucketsAbsent(t *testing.T) {
	tests := map[string]struct {
		setup   func(c *kbReadClients, e *estate.Estate)
		wantErr string
	}{
		// HeadBucket answers 404: the bucket is absent, nothing else is
		// read.
		"no such bucket": {setup: func(c *kbReadClients, e *estate.Estate) {}},
		// The name holds the account's ID, unknown before the account
		// exists: nothing to read.
		"account not created": {setup: func(c *kbReadClients, e *estate.Estate) { delete(e.Accounts, kbReadLA) }},
		// Any other error fails the read, naming the bucket.
		"access denied": {
			setup: func(c *kbReadClients, e *estate.Estate) {
				name := "aws-logs-cloudtrail-" + kbReadLAID + "-us-east-1"
				c.s3[name] = &kbReadBucket{owner: estate.Location{Account: kbReadLAID, Region: "us-east-1"}}
				c.s3Error["GetBucketVersioning"] = kbReadErr("AccessDenied")
			},
			wantErr: "read bucket aws-logs-cloudtrail-" + kbReadLAID + "-us-east-1 in " + kbReadLAID + ": versioning: ",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			want, e := kbReadWant(t)
			want.Keys = map[string]*estate.Key{}
			c := newKBReadClients()
			tc.setup(c, e)
			err := readWith(context.Background(), c, e, want, inventory.Options{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Logging.Buckets) != 0 {
				t.Errorf("buckets: %v", e.Logging.Buckets)
			}
			if n := c.calls["GetBucketPolicy"]; n != 0 {
				t.Errorf("read the policy of a bucket that is not there")
			}
		})
	}
}
