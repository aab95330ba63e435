package logging_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/logging/loggingtest"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

func TestPlanBucketsCreate(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	changes := kbDiff(t, logging.KindBucket, desired, actual)
	want := []string{"create " + logging.BucketAddress(kbTrailBucket), "create " + logging.BucketAddress(kbCfgBucket)}
	if got := kbAddresses(changes); !reflect.DeepEqual(got, want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	keyOf := map[string]string{kbTrailBucket: logging.CloudTrailKeyAlias, kbCfgBucket: logging.ConfigKeyAlias}
	for _, ch := range changes {
		name := ch.After["name"]
		wantDeps := []string{kinds.AccountAddress(kbLA), logging.KeyAddress(kbKeys, keyOf[name]), kinds.OrganizationAddress}
		if !reflect.DeepEqual(ch.DependsOn, wantDeps) {
			t.Errorf("%s depends on %v, want %v", ch.Address, ch.DependsOn, wantDeps)
		}
		a := ch.After
		if a["versioning"] != "true" || a["sse"] != "aws:kms" || a["block_public_access"] != "true" || a["expire_days"] != "365" {
			t.Errorf("%s: %v", ch.Address, a)
		}
		// The key does not exist yet: its ARN stays a reference that apply
		// resolves once the key change has run.
		if a["kms_key"] != estate.KeyARNRef(kbKeys, keyOf[name]) {
			t.Errorf("%s kms_key = %q", ch.Address, a["kms_key"])
		}
		if strings.Contains(a["policy"], "${") {
			t.Errorf("%s policy not resolved from the actual estate:\n%s", ch.Address, a["policy"])
		}
	}
}

// The bucket name holds the Log Archive account's ID. Before the account
// exists the address keeps the reference, the same way the recorders name
// the bucket they wait for.
func TestPlanBucketAddressBeforeTheAccountExists(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	delete(actual.Accounts, kbLA)
	p := kinds.Plan(desired, actual)
	var buckets []string
	for _, ch := range p.Changes {
		if ch.Kind == logging.KindBucket {
			buckets = append(buckets, ch.Address)
			if !slices.Contains(ch.DependsOn, kinds.AccountAddress(kbLA)) {
				t.Errorf("%s does not wait for the Log Archive account: %v", ch.Address, ch.DependsOn)
			}
		}
	}
	cfg := logging.BucketAddress("aws-logs-config-" + estate.AccountIDRef(kbLA) + "-us-east-1")
	if !slices.Contains(buckets, cfg) {
		t.Fatalf("buckets %v, want %s among them", buckets, cfg)
	}
	for _, ch := range p.Changes {
		if ch.Kind == logging.KindRecorder && !slices.Contains(ch.DependsOn, cfg) {
			t.Errorf("%s does not wait for the bucket it delivers to: %v", ch.Address, ch.DependsOn)
		}
	}
}

func TestPlanBucketsDrift(t *testing.T) {
	tests := map[string]struct {
		drift func(b *estate.Bucket)
		// want lists the fields the update names; nil means no change,
		// "create" a create.
		want []string
	}{
		"no change when equal, policies equal modulo key order and whitespace": {
			drift: func(b *estate.Bucket) {},
		},
		"policy edited by hand": {
			drift: func(b *estate.Bucket) { b.Policy = strings.Replace(b.Policy, "s3:PutObject", "s3:*", 1) },
			want:  []string{"policy"},
		},
		"policy removed": {
			drift: func(b *estate.Bucket) { b.Policy = "" },
			want:  []string{"policy"},
		},
		"versioning off": {
			drift: func(b *estate.Bucket) { b.Versioning = false },
			want:  []string{"versioning"},
		},
		"public access block off": {
			drift: func(b *estate.Bucket) { b.BlockPublicAccess = false },
			want:  []string{"block_public_access"},
		},
		"encrypted with another key": {
			drift: func(b *estate.Bucket) { b.KMSKey = "arn:aws:kms:us-east-1:" + kbSTID + ":key/other" },
			want:  []string{"kms_key"},
		},
		"SSE-S3 instead of KMS": {
			drift: func(b *estate.Bucket) { b.SSE, b.KMSKey = "AES256", "" },
			want:  []string{"kms_key", "sse"},
		},
		"retention changed": {
			drift: func(b *estate.Bucket) { b.ExpireDays = 30 },
			want:  []string{"expire_days"},
		},
		"not there": {
			drift: func(b *estate.Bucket) { b.Exists = false },
			want:  []string{"create"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := kbEstates(t, kbSpec)
			kbMatching(t, desired, actual)
			tc.drift(actual.Logging.Buckets[kbTrailBucket])
			changes := kbDiff(t, logging.KindBucket, desired, actual)
			if tc.want == nil {
				if len(changes) > 0 {
					t.Fatalf("changes when everything is in place: %+v", changes)
				}
				return
			}
			if len(changes) != 1 || changes[0].Address != logging.BucketAddress(kbTrailBucket) {
				t.Fatalf("changes %v, want one of the trail bucket", kbAddresses(changes))
			}
			ch := changes[0]
			if tc.want[0] == "create" {
				if ch.Action != plan.Create {
					t.Errorf("%s, want create", ch.Action)
				}
				return
			}
			if ch.Action != plan.Update {
				t.Fatalf("%s, want update", ch.Action)
			}
			if want := "differs from the spec: " + strings.Join(tc.want, ", "); ch.Reason != want {
				t.Errorf("reason %q, want %q", ch.Reason, want)
			}
		})
	}
}

// A bucket that is tighter than asked for is not drift: groundwork never
// loosens a log bucket, so a setting the desired bucket leaves off is not
// managed.
func TestPlanBucketLeavesUnmanagedSettingsAlone(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	kbMatching(t, desired, actual)
	d := desired.Logging.Buckets["aws-logs-cloudtrail-"+estate.AccountIDRef(kbLA)+"-us-east-1"]
	d.Versioning, d.BlockPublicAccess, d.Policy = false, false, ""
	if changes := kbDiff(t, logging.KindBucket, desired, actual); len(changes) > 0 {
		t.Errorf("changes: %+v", changes)
	}
}

func TestApplyKeysAndBucketsFromScratch(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	store := loggingtest.NewKeyStore()
	kbMustApply(t, store, actual, kbPlan(t, desired, actual))
	at := estate.Location{Account: kbSTID, Region: "us-east-1"}
	for name, alias := range map[string]string{kbTrailBucket: logging.CloudTrailKeyAlias, kbCfgBucket: logging.ConfigKeyAlias} {
		b := store.Bucket(name)
		if b == nil {
			t.Fatalf("no bucket %s", name)
		}
		if b.Account != kbLAID || b.Region != "us-east-1" {
			t.Errorf("%s is in %s %s", name, b.Account, b.Region)
		}
		// The key was created earlier in the same run: its ARN reached
		// the bucket through the reference.
		if k := store.KeyByAlias(at, alias); b.KMSKey != k.ARN || b.SSE != "aws:kms" || !b.BucketKey {
			t.Errorf("%s encrypts with %s %q (bucket key %v), want the key %s", name, b.SSE, b.KMSKey, b.BucketKey, k.ARN)
		}
		if b.Versioning != s3types.BucketVersioningStatusEnabled {
			t.Errorf("%s versioning %q", name, b.Versioning)
		}
		if p := b.BlockPublic; p == nil || !*p.BlockPublicAcls || !*p.IgnorePublicAcls || !*p.BlockPublicPolicy || !*p.RestrictPublicBuckets {
			t.Errorf("%s public access block %+v", name, p)
		}
		if len(b.Lifecycle) != 1 || *b.Lifecycle[0].Expiration.Days != 365 || *b.Lifecycle[0].NoncurrentVersionExpiration.NoncurrentDays != 365 ||
			b.Lifecycle[0].Status != s3types.ExpirationStatusEnabled {
			t.Errorf("%s lifecycle %+v", name, b.Lifecycle)
		}
		if strings.Contains(b.Policy, "${") || !strings.Contains(b.Policy, "arn:aws:s3:::"+name) || !strings.Contains(b.Policy, kbOrgID) {
			t.Errorf("%s policy %s", name, b.Policy)
		}
	}
	if n := store.Count("DeleteBucketLifecycle"); n != 0 {
		t.Errorf("DeleteBucketLifecycle called %d times on new buckets", n)
	}
	// Idempotent: the same plan again creates nothing, a fresh plan is
	// empty.
	store.ResetCalls()
	kbMustApply(t, store, actual, kbPlan(t, desired, actual))
	if n := store.Count("CreateBucket") + store.Count("CreateKey"); n != 0 {
		t.Errorf("%d creates on the second apply", n)
	}
	if p := kbPlan(t, desired, store.Observe(actual, desired.Logging)); len(p.Changes) > 0 {
		t.Errorf("changes after apply: %v", kbAddresses(p.Changes))
	}
}

func TestApplyBucketUpdateWritesOnlyWhatDiffers(t *testing.T) {
	tests := map[string]struct {
		drift func(b *loggingtest.Bucket)
		want  map[string]int
	}{
		"policy": {drift: func(b *loggingtest.Bucket) { b.Policy = `{"Statement":[]}` }, want: map[string]int{"PutBucketPolicy": 1}},
		"versioning suspended": {drift: func(b *loggingtest.Bucket) { b.Versioning = s3types.BucketVersioningStatusSuspended },
			want: map[string]int{"PutBucketVersioning": 1}},
		"encryption":    {drift: func(b *loggingtest.Bucket) { b.SSE, b.KMSKey = "AES256", "" }, want: map[string]int{"PutBucketEncryption": 1}},
		"public access": {drift: func(b *loggingtest.Bucket) { b.BlockPublic = nil }, want: map[string]int{"PutPublicAccessBlock": 1}},
		"lifecycle":     {drift: func(b *loggingtest.Bucket) { b.Lifecycle = nil }, want: map[string]int{"PutBucketLifecycleConfiguration": 1}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := kbEstates(t, kbSpec)
			store := loggingtest.NewKeyStore()
			kbMustApply(t, store, actual, kbPlan(t, desired, actual))
			tc.drift(store.Bucket(kbCfgBucket))
			store.ResetCalls()
			observed := store.Observe(actual, desired.Logging)
			p := kbPlan(t, desired, observed)
			if got, want := kbAddresses(p.Changes), []string{"update " + logging.BucketAddress(kbCfgBucket)}; !reflect.DeepEqual(got, want) {
				t.Fatalf("changes %v, want %v", got, want)
			}
			kbMustApply(t, store, observed, p)
			if got := store.Writes(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("writes %v, want %v", got, tc.want)
			}
			if p := kbPlan(t, desired, store.Observe(actual, desired.Logging)); len(p.Changes) > 0 {
				t.Errorf("drift left after apply: %v", kbAddresses(p.Changes))
			}
		})
	}
}

// retention_days: 0 keeps logs forever: an expiration found on the bucket
// is removed.
func TestApplyBucketKeepForeverRemovesLifecycle(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	store := loggingtest.NewKeyStore()
	kbMustApply(t, store, actual, kbPlan(t, desired, actual))
	forever, _ := kbEstates(t, strings.Replace(kbSpec, "logging: {}", "logging: {buckets: {retention_days: 0}}", 1))
	store.ResetCalls()
	observed := store.Observe(actual, forever.Logging)
	kbMustApply(t, store, observed, kbPlan(t, forever, observed))
	if got, want := store.Writes(), map[string]int{"DeleteBucketLifecycle": 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("writes %v, want %v", got, want)
	}
	if b := store.Bucket(kbTrailBucket); b.Lifecycle != nil {
		t.Errorf("lifecycle left: %+v", b.Lifecycle)
	}
	if p := kbPlan(t, forever, store.Observe(actual, forever.Logging)); len(p.Changes) > 0 {
		t.Errorf("changes after apply: %v", kbAddresses(p.Changes))
	}
}

// Outside us-east-1 CreateBucket needs the Region as its location
// constraint (the fake, like S3 and moto, refuses a mismatch).
func TestApplyBucketOutsideUSEast1(t *testing.T) {
	desired, actual := kbEstates(t, strings.ReplaceAll(kbSpec, "us-east-1", "eu-west-1"))
	store := loggingtest.NewKeyStore()
	kbMustApply(t, store, actual, kbPlan(t, desired, actual))
	name := "aws-logs-cloudtrail-" + kbLAID + "-eu-west-1"
	b := store.Bucket(name)
	if b == nil || b.Region != "eu-west-1" {
		t.Fatalf("bucket %s: %+v", name, b)
	}
	if k := store.KeyByAlias(estate.Location{Account: kbSTID, Region: "eu-west-1"}, logging.CloudTrailKeyAlias); k == nil || b.KMSKey != k.ARN {
		t.Errorf("bucket encrypts with %q, want the eu-west-1 key", b.KMSKey)
	}
}

// A bucket name owned by another account answers HeadBucket with 403 in
// AWS. Apply fails that change, and the plan's other changes still run.
// (moto answers 200 to every account, so only the fake shows this.)
func TestApplyBucketNameTakenElsewhere(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	store := loggingtest.NewKeyStore()
	store.Buckets[kbTrailBucket] = &loggingtest.Bucket{Account: "999999999999", Region: "us-east-1"}
	rep, err := kbApply(t, store, actual, kbPlan(t, desired, actual))
	if !errors.Is(err, apply.ErrIncomplete) {
		t.Fatalf("apply: %v, want ErrIncomplete", err)
	}
	for _, r := range rep.Results {
		failed := r.Address == logging.BucketAddress(kbTrailBucket)
		if failed != (r.Outcome == apply.Failed) {
			t.Errorf("%s: %s %s", r.Address, r.Outcome, r.Error)
		}
		if failed && !strings.Contains(r.Error, "read bucket "+kbTrailBucket) {
			t.Errorf("error does not say which bucket: %s", r.Error)
		}
	}
	if n := store.Count("CreateBucket"); n != 1 {
		t.Errorf("CreateBucket called %d times, want 1 (the config bucket)", n)
	}
}
