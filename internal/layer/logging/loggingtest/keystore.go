// Package loggingtest holds the fakes that the tests of the logging layer
// share with the layers built on it (the billing report bucket).
package loggingtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
)

// KeyStore is KMS and S3 as the key and bucket kinds see them, in
// memory, for every account and Region at once. It answers the way AWS
// does where moto cannot show it: HeadBucket from an account that does
// not own the bucket is 403 (moto answers 200 to every account), and a
// policy or key ID still holding a ${...} reference is refused (moto
// stores any string). Every call is counted by operation.
type KeyStore struct {
	// LoseResponses loses the response of the next N calls of an
	// operation (CreateKey, CreateAlias) after the call took effect, as a
	// broken connection would.
	LoseResponses map[string]int

	mu      sync.Mutex
	calls   map[string]int
	Keys    map[string]*Key    // by key ID
	aliases map[string]string  // account/region/alias -> key ID
	Buckets map[string]*Bucket // by name: bucket names are global
	next    int
}

// Key is a KMS key of a KeyStore.
type Key struct {
	ID, ARN, Account, Region string
	Description, Policy      string
	Rotation                 bool
	State                    kmstypes.KeyState
	Tags                     map[string]string
}

// Bucket is an S3 bucket of a KeyStore.
type Bucket struct {
	Account, Region string
	Policy          string
	Versioning      s3types.BucketVersioningStatus
	SSE, KMSKey     string
	BucketKey       bool
	BlockPublic     *s3types.PublicAccessBlockConfiguration
	Lifecycle       []s3types.LifecycleRule
}

// NewKeyStore returns an empty store.
func NewKeyStore() *KeyStore {
	return &KeyStore{calls: map[string]int{}, Keys: map[string]*Key{}, aliases: map[string]string{},
		Buckets: map[string]*Bucket{}}
}

func (f *KeyStore) Count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// writes counts every call that is not a read.
func (f *KeyStore) Writes() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for op, n := range f.calls {
		if !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "Head") {
			out[op] = n
		}
	}
	return out
}

func (f *KeyStore) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = map[string]int{}
}

// addKey puts a key with an alias, as someone (or an earlier run) made it.
func (f *KeyStore) AddKey(w estate.Location, alias string, k Key) *Key {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	k.ID = fmt.Sprintf("k-%d", f.next)
	k.ARN = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", w.Region, w.Account, k.ID)
	k.Account, k.Region = string(w.Account), w.Region
	f.Keys[k.ID] = &k
	f.aliases[aliasKey(w, alias)] = k.ID
	return &k
}

// AddUnnamedKey puts a key that groundwork made for alias (tagged
// groundwork:alias) without the alias, as a run killed between CreateKey
// and CreateAlias leaves it.
func (f *KeyStore) AddUnnamedKey(w estate.Location, alias string, k Key) *Key {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	k.ID = fmt.Sprintf("k-%d", f.next)
	k.ARN = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", w.Region, w.Account, k.ID)
	k.Account, k.Region = string(w.Account), w.Region
	k.Tags = map[string]string{logging.KeyAliasTag: alias}
	f.Keys[k.ID] = &k
	return &k
}

func (f *KeyStore) KeyByAlias(w estate.Location, alias string) *Key {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Keys[f.aliases[aliasKey(w, alias)]]
}

// aliasKey is where the store keeps an alias: "account-id/region/alias".
func aliasKey(w estate.Location, alias string) string {
	return string(w.Account) + "/" + w.Region + "/" + alias
}

func (f *KeyStore) Bucket(name string) *Bucket {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Buckets[name]
}

// observe reads the keys and buckets want names into a copy of base, the
// way the inventory does: keys by alias, buckets by resolved name.
func (f *KeyStore) Observe(base *estate.Estate, want *estate.Logging) *estate.Estate {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := *base
	e.Logging = estate.NewLogging()
	for key, k := range want.Keys {
		id, ok := base.Lookup(estate.RefAccountID, string(k.Account))
		if !ok {
			continue
		}
		got, ok := f.Keys[f.aliases[aliasKey(estate.Location{Account: estate.AccountID(id), Region: k.Region}, k.Alias)]]
		if !ok {
			continue
		}
		e.Logging.Keys[key] = &estate.Key{Where: k.Where, Alias: k.Alias, ID: got.ID, ARN: got.ARN,
			Description: got.Description, Policy: got.Policy, Rotation: got.Rotation, State: string(got.State)}
	}
	for _, b := range want.Buckets {
		name, ok := estate.Resolve(b.Name, base.Lookup)
		got := f.Buckets[name]
		if !ok || got == nil {
			continue
		}
		out := &estate.Bucket{Where: b.Where, Name: name, Exists: true, Policy: got.Policy, SSE: got.SSE, KMSKey: got.KMSKey,
			Versioning: got.Versioning == s3types.BucketVersioningStatusEnabled}
		if p := got.BlockPublic; p != nil {
			out.BlockPublicAccess = *p.BlockPublicAcls && *p.IgnorePublicAcls && *p.BlockPublicPolicy && *p.RestrictPublicBuckets
		}
		for _, r := range got.Lifecycle {
			if r.Expiration != nil {
				out.ExpireDays = int(*r.Expiration.Days)
			}
		}
		e.Logging.Buckets[name] = out
	}
	return &e
}

func (f *KeyStore) enter(op string) {
	f.mu.Lock()
	f.calls[op]++
}

func APIError(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }

// validDocument refuses what AWS would: a document that is not JSON, or
// one still holding a reference apply should have resolved.
func CheckDocument(doc string) error {
	if strings.Contains(doc, "${") {
		return fmt.Errorf("unresolved reference in %s", doc)
	}
	var v map[string]any
	return json.Unmarshal([]byte(doc), &v)
}

// fakeKeyBucketServices hands out the fake's KMS and S3 clients; the
// services the key and bucket kinds do not call are nil.
// Clients are the store's KMS and S3 as the logging layer's clients; the
// other services are nil.
func (f *KeyStore) Clients() logging.Clients { return fakeKeyBucketServices{f} }

type fakeKeyBucketServices struct{ f *KeyStore }

var _ logging.Clients = fakeKeyBucketServices{}

func (s fakeKeyBucketServices) KMS(w estate.Location) logging.KMSAPI             { return fakeKSKMS{s.f, w} }
func (s fakeKeyBucketServices) S3(w estate.Location) logging.S3API               { return fakeKSS3{s.f, w} }
func (s fakeKeyBucketServices) CloudTrail(estate.Location) logging.CloudTrailAPI { return nil }
func (s fakeKeyBucketServices) Config(estate.Location) logging.ConfigAPI         { return nil }
func (s fakeKeyBucketServices) IAM(estate.Location) logging.IAMAPI               { return nil }
func (s fakeKeyBucketServices) Logs(estate.Location) logging.LogsAPI             { return nil }

// fakeKSKMS is KMS in one account and Region.
type fakeKSKMS struct {
	f *KeyStore
	w estate.Location
}

var _ logging.KMSAPI = fakeKSKMS{}

// key finds a key of this account and Region by ID or ARN; f.mu is held.
func (c fakeKSKMS) key(id string) (*Key, error) {
	for _, k := range c.f.Keys {
		if (k.ID == id || k.ARN == id) && k.Account == string(c.w.Account) && k.Region == c.w.Region {
			return k, nil
		}
	}
	return nil, &kmstypes.NotFoundException{Message: aws.String("key " + id + " not found")}
}

func (c fakeKSKMS) CreateKey(_ context.Context, in *kms.CreateKeyInput, _ ...func(*kms.Options)) (*kms.CreateKeyOutput, error) {
	c.f.enter("CreateKey")
	defer c.f.mu.Unlock()
	if err := CheckDocument(aws.ToString(in.Policy)); in.Policy != nil && err != nil {
		return nil, &kmstypes.MalformedPolicyDocumentException{Message: aws.String(err.Error())}
	}
	c.f.next++
	k := &Key{ID: fmt.Sprintf("k-%d", c.f.next), Account: string(c.w.Account), Region: c.w.Region,
		Description: aws.ToString(in.Description), Policy: aws.ToString(in.Policy), State: kmstypes.KeyStateEnabled,
		Tags: map[string]string{}}
	k.ARN = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", c.w.Region, string(c.w.Account), k.ID)
	for _, t := range in.Tags {
		k.Tags[aws.ToString(t.TagKey)] = aws.ToString(t.TagValue)
	}
	c.f.Keys[k.ID] = k
	if err := c.f.lost("CreateKey"); err != nil {
		return nil, err
	}
	return &kms.CreateKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyId: aws.String(k.ID), Arn: aws.String(k.ARN),
		Description: in.Description, KeyState: k.State, Enabled: true}}, nil
}

func (c fakeKSKMS) CreateAlias(_ context.Context, in *kms.CreateAliasInput, _ ...func(*kms.Options)) (*kms.CreateAliasOutput, error) {
	c.f.enter("CreateAlias")
	defer c.f.mu.Unlock()
	name := aliasKey(c.w, aws.ToString(in.AliasName))
	if _, dup := c.f.aliases[name]; dup {
		return nil, &kmstypes.AlreadyExistsException{Message: aws.String("alias exists")}
	}
	k, err := c.key(aws.ToString(in.TargetKeyId))
	if err != nil {
		return nil, err
	}
	c.f.aliases[name] = k.ID
	if err := c.f.lost("CreateAlias"); err != nil {
		return nil, err
	}
	return &kms.CreateAliasOutput{}, nil
}

// ListKeys answers every key of the account and Region in one page.
func (c fakeKSKMS) ListKeys(_ context.Context, _ *kms.ListKeysInput, _ ...func(*kms.Options)) (*kms.ListKeysOutput, error) {
	c.f.enter("ListKeys")
	defer c.f.mu.Unlock()
	out := &kms.ListKeysOutput{}
	for _, id := range slices.Sorted(maps.Keys(c.f.Keys)) {
		if k := c.f.Keys[id]; k.Account == string(c.w.Account) && k.Region == c.w.Region {
			out.Keys = append(out.Keys, kmstypes.KeyListEntry{KeyId: aws.String(k.ID), KeyArn: aws.String(k.ARN)})
		}
	}
	return out, nil
}

func (c fakeKSKMS) ListResourceTags(_ context.Context, in *kms.ListResourceTagsInput, _ ...func(*kms.Options)) (*kms.ListResourceTagsOutput, error) {
	c.f.enter("ListResourceTags")
	defer c.f.mu.Unlock()
	k, err := c.key(aws.ToString(in.KeyId))
	if err != nil {
		return nil, err
	}
	out := &kms.ListResourceTagsOutput{}
	for _, key := range slices.Sorted(maps.Keys(k.Tags)) {
		out.Tags = append(out.Tags, kmstypes.Tag{TagKey: aws.String(key), TagValue: aws.String(k.Tags[key])})
	}
	return out, nil
}

// lost reports the lost response of this call of op; f.mu is held.
func (f *KeyStore) lost(op string) error {
	if f.LoseResponses[op] <= 0 {
		return nil
	}
	f.LoseResponses[op]--
	return &awsx.MaybeDoneError{Service: "KMS", Operation: op, Err: errors.New("connection reset by peer")}
}

// ListAliases answers one alias a page, so that a caller that does not
// follow NextMarker misses aliases.
func (c fakeKSKMS) ListAliases(_ context.Context, in *kms.ListAliasesInput, _ ...func(*kms.Options)) (*kms.ListAliasesOutput, error) {
	c.f.enter("ListAliases")
	defer c.f.mu.Unlock()
	prefix := aliasKey(c.w, "")
	var names []string
	for name := range c.f.aliases {
		if strings.HasPrefix(name, prefix) {
			names = append(names, strings.TrimPrefix(name, prefix))
		}
	}
	// An AWS-managed alias comes first, as in AWS, and points nowhere
	// until the service uses it.
	slices.Sort(names)
	names = append([]string{"alias/aws/s3"}, names...)
	start := 0
	if m := aws.ToString(in.Marker); m != "" {
		fmt.Sscan(m, &start)
	}
	out := &kms.ListAliasesOutput{}
	if start < len(names) {
		entry := kmstypes.AliasListEntry{AliasName: aws.String(names[start])}
		if id, ok := c.f.aliases[prefix+names[start]]; ok {
			entry.TargetKeyId = aws.String(id)
		}
		out.Aliases = []kmstypes.AliasListEntry{entry}
	}
	if start+1 < len(names) {
		out.Truncated, out.NextMarker = true, aws.String(fmt.Sprint(start+1))
	}
	return out, nil
}

func (c fakeKSKMS) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	c.f.enter("DescribeKey")
	defer c.f.mu.Unlock()
	k, err := c.key(aws.ToString(in.KeyId))
	if err != nil {
		return nil, err
	}
	return &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyId: aws.String(k.ID), Arn: aws.String(k.ARN),
		Description: aws.String(k.Description), KeyState: k.State, Enabled: k.State == kmstypes.KeyStateEnabled}}, nil
}

func (c fakeKSKMS) PutKeyPolicy(_ context.Context, in *kms.PutKeyPolicyInput, _ ...func(*kms.Options)) (*kms.PutKeyPolicyOutput, error) {
	c.f.enter("PutKeyPolicy")
	defer c.f.mu.Unlock()
	if aws.ToString(in.PolicyName) != "default" {
		return nil, APIError("ValidationException", "policy name must be default")
	}
	if err := CheckDocument(aws.ToString(in.Policy)); err != nil {
		return nil, &kmstypes.MalformedPolicyDocumentException{Message: aws.String(err.Error())}
	}
	k, err := c.key(aws.ToString(in.KeyId))
	if err != nil {
		return nil, err
	}
	k.Policy = aws.ToString(in.Policy)
	return &kms.PutKeyPolicyOutput{}, nil
}

func (c fakeKSKMS) EnableKeyRotation(_ context.Context, in *kms.EnableKeyRotationInput, _ ...func(*kms.Options)) (*kms.EnableKeyRotationOutput, error) {
	c.f.enter("EnableKeyRotation")
	defer c.f.mu.Unlock()
	k, err := c.key(aws.ToString(in.KeyId))
	if err != nil {
		return nil, err
	}
	if k.State != kmstypes.KeyStateEnabled {
		// AWS turns rotation on only for an enabled key.
		return nil, &kmstypes.KMSInvalidStateException{Message: aws.String("key is " + string(k.State))}
	}
	k.Rotation = true
	return &kms.EnableKeyRotationOutput{}, nil
}

func (c fakeKSKMS) UpdateKeyDescription(_ context.Context, in *kms.UpdateKeyDescriptionInput, _ ...func(*kms.Options)) (*kms.UpdateKeyDescriptionOutput, error) {
	c.f.enter("UpdateKeyDescription")
	defer c.f.mu.Unlock()
	k, err := c.key(aws.ToString(in.KeyId))
	if err != nil {
		return nil, err
	}
	k.Description = aws.ToString(in.Description)
	return &kms.UpdateKeyDescriptionOutput{}, nil
}

func (c fakeKSKMS) EnableKey(_ context.Context, in *kms.EnableKeyInput, _ ...func(*kms.Options)) (*kms.EnableKeyOutput, error) {
	c.f.enter("EnableKey")
	defer c.f.mu.Unlock()
	k, err := c.key(aws.ToString(in.KeyId))
	if err != nil {
		return nil, err
	}
	if k.State == kmstypes.KeyStatePendingDeletion {
		return nil, &kmstypes.KMSInvalidStateException{Message: aws.String("key is pending deletion")}
	}
	k.State = kmstypes.KeyStateEnabled
	return &kms.EnableKeyOutput{}, nil
}

func (c fakeKSKMS) CancelKeyDeletion(_ context.Context, in *kms.CancelKeyDeletionInput, _ ...func(*kms.Options)) (*kms.CancelKeyDeletionOutput, error) {
	c.f.enter("CancelKeyDeletion")
	defer c.f.mu.Unlock()
	k, err := c.key(aws.ToString(in.KeyId))
	if err != nil {
		return nil, err
	}
	if k.State != kmstypes.KeyStatePendingDeletion {
		return nil, &kmstypes.KMSInvalidStateException{Message: aws.String("key is not pending deletion")}
	}
	k.State = kmstypes.KeyStateDisabled
	return &kms.CancelKeyDeletionOutput{KeyId: aws.String(k.ID)}, nil
}

// fakeKSS3 is S3 as one account sees it, through a client of one Region.
type fakeKSS3 struct {
	f *KeyStore
	w estate.Location
}

var _ logging.S3API = fakeKSS3{}

// own returns a bucket this account owns; f.mu is held.
func (c fakeKSS3) own(name *string) (*Bucket, error) {
	b, ok := c.f.Buckets[aws.ToString(name)]
	switch {
	case !ok:
		return nil, &s3types.NoSuchBucket{Message: aws.String(aws.ToString(name))}
	case b.Account != string(c.w.Account):
		return nil, APIError("AccessDenied", "Access Denied")
	}
	return b, nil
}

func (c fakeKSS3) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	c.f.enter("HeadBucket")
	defer c.f.mu.Unlock()
	b, ok := c.f.Buckets[aws.ToString(in.Bucket)]
	switch {
	case !ok:
		return nil, &s3types.NotFound{}
	case b.Account != string(c.w.Account):
		return nil, APIError("Forbidden", "Forbidden")
	}
	return &s3.HeadBucketOutput{BucketRegion: aws.String(b.Region)}, nil
}

func (c fakeKSS3) CreateBucket(_ context.Context, in *s3.CreateBucketInput, _ ...func(*s3.Options)) (*s3.CreateBucketOutput, error) {
	c.f.enter("CreateBucket")
	defer c.f.mu.Unlock()
	region := "us-east-1"
	if cfg := in.CreateBucketConfiguration; cfg != nil && cfg.LocationConstraint != "" {
		region = string(cfg.LocationConstraint)
		if region == "us-east-1" {
			return nil, APIError("InvalidLocationConstraint", "us-east-1 takes no location constraint")
		}
	}
	if region != c.w.Region {
		return nil, APIError("IllegalLocationConstraintException", "the constraint does not match the endpoint's Region")
	}
	name := aws.ToString(in.Bucket)
	if b, ok := c.f.Buckets[name]; ok {
		if b.Account != string(c.w.Account) {
			return nil, &s3types.BucketAlreadyExists{}
		}
		return nil, &s3types.BucketAlreadyOwnedByYou{}
	}
	c.f.Buckets[name] = &Bucket{Account: string(c.w.Account), Region: region}
	return &s3.CreateBucketOutput{}, nil
}

func (c fakeKSS3) PutBucketPolicy(_ context.Context, in *s3.PutBucketPolicyInput, _ ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	c.f.enter("PutBucketPolicy")
	defer c.f.mu.Unlock()
	b, err := c.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	if err := CheckDocument(aws.ToString(in.Policy)); err != nil {
		return nil, APIError("MalformedPolicy", err.Error())
	}
	b.Policy = aws.ToString(in.Policy)
	return &s3.PutBucketPolicyOutput{}, nil
}

func (c fakeKSS3) PutBucketVersioning(_ context.Context, in *s3.PutBucketVersioningInput, _ ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error) {
	c.f.enter("PutBucketVersioning")
	defer c.f.mu.Unlock()
	b, err := c.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	b.Versioning = in.VersioningConfiguration.Status
	return &s3.PutBucketVersioningOutput{}, nil
}

func (c fakeKSS3) PutBucketEncryption(_ context.Context, in *s3.PutBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error) {
	c.f.enter("PutBucketEncryption")
	defer c.f.mu.Unlock()
	b, err := c.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	rule := in.ServerSideEncryptionConfiguration.Rules[0]
	key := aws.ToString(rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID)
	if strings.Contains(key, "${") {
		return nil, APIError("InvalidArgument", "KMSMasterKeyID "+key)
	}
	b.SSE, b.KMSKey = string(rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm), key
	b.BucketKey = aws.ToBool(rule.BucketKeyEnabled)
	return &s3.PutBucketEncryptionOutput{}, nil
}

func (c fakeKSS3) PutPublicAccessBlock(_ context.Context, in *s3.PutPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	c.f.enter("PutPublicAccessBlock")
	defer c.f.mu.Unlock()
	b, err := c.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	cfg := *in.PublicAccessBlockConfiguration
	b.BlockPublic = &cfg
	return &s3.PutPublicAccessBlockOutput{}, nil
}

func (c fakeKSS3) PutBucketLifecycleConfiguration(_ context.Context, in *s3.PutBucketLifecycleConfigurationInput, _ ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error) {
	c.f.enter("PutBucketLifecycleConfiguration")
	defer c.f.mu.Unlock()
	b, err := c.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	// A put replaces every rule.
	b.Lifecycle = append([]s3types.LifecycleRule(nil), in.LifecycleConfiguration.Rules...)
	return &s3.PutBucketLifecycleConfigurationOutput{}, nil
}

func (c fakeKSS3) DeleteBucketLifecycle(_ context.Context, in *s3.DeleteBucketLifecycleInput, _ ...func(*s3.Options)) (*s3.DeleteBucketLifecycleOutput, error) {
	c.f.enter("DeleteBucketLifecycle")
	defer c.f.mu.Unlock()
	b, err := c.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	b.Lifecycle = nil // S3 and moto answer 204 whether there was one or not
	return &s3.DeleteBucketLifecycleOutput{}, nil
}
