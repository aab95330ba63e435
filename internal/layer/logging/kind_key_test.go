package logging_test

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/groundwork-aws/groundwork/internal/apply"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/logging/loggingtest"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// kbSpec is the smallest spec with the logging layer: its keys live in
// the Security Tooling account and its buckets in the Log Archive
// account, both in us-east-1.
const kbSpec = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1]}
units: {Security: {}}
accounts:
  log-archive: {unit: Security, role: log-archive}
  security-tooling: {unit: Security, role: security-tooling}
logging: {}
`

const (
	kbLA, kbST                 = "aws-log-archive-primary@example.com", "aws-security-tooling-primary@example.com"
	kbMgmtID, kbLAID, kbSTID   = "111111111111", "222222222222", "333333333333"
	kbOrgID                    = "o-abc"
	kbTrailBucket, kbCfgBucket = "aws-logs-cloudtrail-" + kbLAID + "-us-east-1", "aws-logs-config-" + kbLAID + "-us-east-1"
)

var (
	kbKeys      = estate.Where{Account: kbST, Region: "us-east-1"}
	kbTrailKey  = kbKeys.Key(logging.CloudTrailKeyAlias)
	kbConfigKey = kbKeys.Key(logging.ConfigKeyAlias)
)

// kbEstates returns the desired estate of src and an actual estate where
// the organization and both accounts exist, with no logging layer read.
func kbEstates(t *testing.T, src string) (desired, actual *estate.Estate) {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	desired = f.Desired()
	for _, key := range []string{kbLA, kbST} {
		if _, ok := desired.Accounts[key]; !ok {
			t.Fatalf("the spec has no account %s; it has %v", key, slices.Sorted(maps.Keys(desired.Accounts)))
		}
	}
	actual = estate.New()
	actual.Organization = &estate.Organization{ID: kbOrgID, RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: kbMgmtID}
	actual.Accounts[kbLA] = &estate.Account{ID: kbLAID, Email: kbLA, Status: "ACTIVE", Unit: "Security"}
	actual.Accounts[kbST] = &estate.Account{ID: kbSTID, Email: kbST, Status: "ACTIVE", Unit: "Security"}
	return desired, actual
}

// kbMatching fills actual with the keys and buckets desired asks for, as
// AWS would report them: references resolved, key ARNs assigned, and
// every policy written back with its keys in reverse order and other
// whitespace, which is no difference.
func kbMatching(t *testing.T, desired, actual *estate.Estate) {
	t.Helper()
	actual.Logging = estate.NewLogging()
	for key, k := range desired.Logging.Keys {
		c := *k
		c.ID = "k-" + strings.TrimPrefix(k.Alias, "alias/groundwork-")
		c.ARN = "arn:aws:kms:us-east-1:" + kbSTID + ":key/" + c.ID
		c.Policy = kbReordered(t, kbResolved(t, k.Policy, actual))
		actual.Logging.Keys[key] = &c
	}
	for _, b := range desired.Logging.Buckets {
		c := *b
		c.Name = kbResolved(t, b.Name, actual)
		c.Policy = kbReordered(t, kbResolved(t, b.Policy, actual))
		c.KMSKey = kbResolved(t, b.KMSKey, actual)
		actual.Logging.Buckets[c.Name] = &c
	}
}

func kbResolved(t *testing.T, s string, actual *estate.Estate) string {
	t.Helper()
	out, ok := estate.Resolve(s, actual.Lookup)
	if !ok {
		t.Fatalf("unresolved reference in %s", out)
	}
	return out
}

// kbReordered writes a JSON document with object keys in reverse order
// and its own spacing.
func kbReordered(t *testing.T, doc string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	var b strings.Builder
	var write func(v any)
	write = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := slices.Sorted(maps.Keys(x))
			slices.Reverse(keys)
			b.WriteString("{\n ")
			for i, k := range keys {
				if i > 0 {
					b.WriteString(",\n ")
				}
				kj, _ := json.Marshal(k)
				b.Write(kj)
				b.WriteString(" :  ")
				write(x[k])
			}
			b.WriteString("\n}")
		case []any:
			b.WriteString("[ ")
			for i, e := range x {
				if i > 0 {
					b.WriteString(" , ")
				}
				write(e)
			}
			b.WriteString(" ]")
		default:
			j, _ := json.Marshal(x)
			b.Write(j)
		}
	}
	write(v)
	return b.String()
}

// kbDiff runs one kind's diff alone, with every dependency it names.
func kbDiff(t *testing.T, kind string, desired, actual *estate.Estate) []plan.Change {
	t.Helper()
	r, ok := kinds.Lookup(kind)
	if !ok {
		t.Fatalf("kind %q is not registered", kind)
	}
	changes, _ := r.Diff(desired, actual)
	return changes
}

// kbPlan is the plan of the key and bucket kinds alone, with the
// dependencies on other kinds dropped, as kinds.Plan drops those not in
// the plan.
func kbPlan(t *testing.T, desired, actual *estate.Estate) *plan.Plan {
	t.Helper()
	p := &plan.Plan{FormatVersion: plan.FormatVersion, Changes: []plan.Change{}}
	p.Changes = append(p.Changes, kbDiff(t, logging.KindKey, desired, actual)...)
	p.Changes = append(p.Changes, kbDiff(t, logging.KindBucket, desired, actual)...)
	planned := map[string]bool{}
	for _, ch := range p.Changes {
		planned[ch.Address] = true
	}
	for i := range p.Changes {
		var deps []string
		for _, d := range p.Changes[i].DependsOn {
			if planned[d] {
				deps = append(deps, d)
			}
		}
		p.Changes[i].DependsOn = deps
	}
	p.Sort()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p
}

// kbApply applies p against the fake as the apply command does: IDs and
// references seeded from the actual estate the plan was made against.
func kbApply(t *testing.T, store *loggingtest.KeyStore, actual *estate.Estate, p *plan.Plan) (apply.Report, error) {
	t.Helper()
	env := &kinds.Env{Log: t.Logf, CreateBackoff: func(int) time.Duration { return 0 }}
	kinds.SetClients[logging.Clients](env, store.Clients())
	accounts := map[string]string{}
	for key, a := range actual.Accounts {
		accounts[key] = a.ID
	}
	env.SeedIDs(actual.Organization.RootID, map[string]string{}, accounts)
	env.SeedActual(actual)
	return apply.Run(context.Background(), env, p, apply.Options{})
}

func kbMustApply(t *testing.T, store *loggingtest.KeyStore, actual *estate.Estate, p *plan.Plan) {
	t.Helper()
	if rep, err := kbApply(t, store, actual, p); err != nil {
		t.Fatalf("apply: %v\n%+v", err, rep)
	}
}

func kbAddresses(changes []plan.Change) []string {
	var out []string
	for _, ch := range changes {
		out = append(out, ch.Action.String()+" "+ch.Address)
	}
	sort.Strings(out)
	return out
}

func TestPlanKeysCreate(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	changes := kbDiff(t, logging.KindKey, desired, actual)
	want := []string{
		"create " + logging.KeyAddress(kbKeys, logging.CloudTrailKeyAlias),
		"create " + logging.KeyAddress(kbKeys, logging.ConfigKeyAlias),
	}
	if got := kbAddresses(changes); !reflect.DeepEqual(got, want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	for _, ch := range changes {
		// The key waits for its account and, through its policy, for the
		// organization (the trail is in the management account, whose
		// dependency is the organization too).
		if want := []string{kinds.AccountAddress(kbST), kinds.OrganizationAddress}; !reflect.DeepEqual(ch.DependsOn, want) {
			t.Errorf("%s depends on %v, want %v", ch.Address, ch.DependsOn, want)
		}
		if ch.Group != "Security" || ch.After["rotation"] != "true" || ch.After["state"] != "Enabled" || ch.After["description"] == "" {
			t.Errorf("%s: %+v", ch.Address, ch)
		}
		// The plan shows the policy with what the actual estate knows
		// resolved.
		if p := ch.After["policy"]; strings.Contains(p, "${") || !strings.Contains(p, "arn:aws:iam::"+kbSTID+":root") || !strings.Contains(p, kbOrgID) {
			t.Errorf("%s policy not resolved from the actual estate:\n%s", ch.Address, p)
		}
	}
}

func TestPlanKeysWaitForAccountsNotYetCreated(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	delete(actual.Accounts, kbST)
	p := kinds.Plan(desired, actual)
	for _, ch := range p.Changes {
		if ch.Kind != logging.KindKey {
			continue
		}
		if !slices.Contains(ch.DependsOn, kinds.AccountAddress(kbST)) {
			t.Errorf("%s does not wait for the account it lives in: %v", ch.Address, ch.DependsOn)
		}
		if !strings.Contains(ch.After["policy"], estate.AccountIDRef(kbST)) {
			t.Errorf("%s: the unknown account ID should stay a reference:\n%s", ch.Address, ch.After["policy"])
		}
	}
}

func TestPlanKeysDrift(t *testing.T) {
	tests := map[string]struct {
		drift func(k *estate.Key)
		// want is the Before value of each changed field; none means no
		// change at all.
		want map[string]string
	}{
		"no change when equal, policies equal modulo key order and whitespace": {
			drift: func(k *estate.Key) {},
		},
		"rotation turned off": {
			drift: func(k *estate.Key) { k.Rotation = false },
			want:  map[string]string{"rotation": "false"},
		},
		"policy edited by hand": {
			drift: func(k *estate.Key) { k.Policy = strings.Replace(k.Policy, "kms:Decrypt", "kms:Encrypt", 1) },
			want:  map[string]string{"policy": ""},
		},
		"key pending deletion": {
			drift: func(k *estate.Key) { k.State = string(kmstypes.KeyStatePendingDeletion) },
			want:  map[string]string{"state": "PendingDeletion"},
		},
		"description and rotation": {
			drift: func(k *estate.Key) { k.Description, k.Rotation = "mine", false },
			want:  map[string]string{"description": "mine", "rotation": "false"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := kbEstates(t, kbSpec)
			kbMatching(t, desired, actual)
			tc.drift(actual.Logging.Keys[kbTrailKey])
			changes := kbDiff(t, logging.KindKey, desired, actual)
			if tc.want == nil {
				if len(changes) > 0 {
					t.Fatalf("changes when everything is in place: %+v", changes)
				}
				return
			}
			if len(changes) != 1 {
				t.Fatalf("%d changes, want 1 update of the trail key: %v", len(changes), kbAddresses(changes))
			}
			ch := changes[0]
			if ch.Action != plan.Update || ch.Address != logging.KeyAddress(kbKeys, logging.CloudTrailKeyAlias) {
				t.Fatalf("%s %s, want update of the trail key", ch.Action, ch.Address)
			}
			for field, before := range tc.want {
				if before != "" && ch.Before[field] != before {
					t.Errorf("before %s = %q, want %q", field, ch.Before[field], before)
				}
				if !strings.Contains(ch.Reason, field) {
					t.Errorf("reason %q does not name %s", ch.Reason, field)
				}
			}
			if ch.Before["arn"] == "" {
				t.Error("the update does not show which key it changes")
			}
		})
	}
}

func TestApplyKeyUpdateWritesOnlyWhatDiffers(t *testing.T) {
	tests := map[string]struct {
		drift func(k *loggingtest.Key)
		want  map[string]int // writes
	}{
		"rotation": {drift: func(k *loggingtest.Key) { k.Rotation = false }, want: map[string]int{"EnableKeyRotation": 1}},
		"policy":   {drift: func(k *loggingtest.Key) { k.Policy = `{"Statement":[]}` }, want: map[string]int{"PutKeyPolicy": 1}},
		"description": {drift: func(k *loggingtest.Key) { k.Description = "old" },
			want: map[string]int{"UpdateKeyDescription": 1}},
		"disabled": {drift: func(k *loggingtest.Key) { k.State = kmstypes.KeyStateDisabled }, want: map[string]int{"EnableKey": 1}},
		"pending deletion": {drift: func(k *loggingtest.Key) { k.State = kmstypes.KeyStatePendingDeletion },
			want: map[string]int{"CancelKeyDeletion": 1, "EnableKey": 1}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			desired, actual := kbEstates(t, kbSpec)
			store := loggingtest.NewKeyStore()
			kbMustApply(t, store, actual, kbPlan(t, desired, actual))
			tc.drift(store.KeyByAlias(estate.Location{Account: kbSTID, Region: "us-east-1"}, logging.CloudTrailKeyAlias))
			store.ResetCalls()
			p := kbPlan(t, desired, store.Observe(actual, desired.Logging))
			if got := kbAddresses(p.Changes); len(got) != 1 {
				t.Fatalf("changes %v, want one update", got)
			}
			kbMustApply(t, store, actual, p)
			if got := store.Writes(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("writes %v, want %v", got, tc.want)
			}
			if p := kbPlan(t, desired, store.Observe(actual, desired.Logging)); len(p.Changes) > 0 {
				t.Errorf("drift left after apply: %v", kbAddresses(p.Changes))
			}
		})
	}
}

func TestApplyKeyAdoptsExistingAlias(t *testing.T) {
	for _, state := range []kmstypes.KeyState{kmstypes.KeyStateEnabled, kmstypes.KeyStateDisabled, kmstypes.KeyStatePendingDeletion} {
		t.Run(string(state), func(t *testing.T) {
			desired, actual := kbEstates(t, kbSpec)
			// The plan was made before an earlier run, killed after
			// CreateAlias, made the trail key: apply finds it by alias,
			// on the second page of ListAliases (the fake serves one alias
			// a page, an AWS-managed one first).
			p := kbPlan(t, desired, actual)
			store := loggingtest.NewKeyStore()
			at := estate.Location{Account: kbSTID, Region: "us-east-1"}
			old := store.AddKey(at, logging.CloudTrailKeyAlias, loggingtest.Key{Description: "half made", Policy: `{"Statement":[]}`, State: state})
			kbMustApply(t, store, actual, p)
			if n := store.Count("CreateKey"); n != 1 {
				t.Errorf("CreateKey called %d times, want 1 (the config key only)", n)
			}
			k := store.KeyByAlias(at, logging.CloudTrailKeyAlias)
			if k.ID != old.ID {
				t.Fatalf("the alias moved to %s", k.ID)
			}
			if k.State != kmstypes.KeyStateEnabled || !k.Rotation || k.Description != desired.Logging.Keys[kbTrailKey].Description {
				t.Errorf("adopted key not brought in line: %+v", *k)
			}
			if strings.Contains(k.Policy, "${") || !strings.Contains(k.Policy, kbOrgID) {
				t.Errorf("adopted key policy: %s", k.Policy)
			}
			// The bucket encrypted with the trail key refers to the
			// adopted key, which the plan did not know.
			if b := store.Bucket(kbTrailBucket); b == nil || b.KMSKey != old.ARN {
				t.Errorf("trail bucket encrypts with %+v, want the adopted key %s", b, old.ARN)
			}
		})
	}
}

func TestApplyKeyIsIdempotent(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	store := loggingtest.NewKeyStore()
	p := kbPlan(t, desired, actual)
	kbMustApply(t, store, actual, p)
	// The same saved plan again, as after a kill before the run reported:
	// nothing is created twice.
	store.ResetCalls()
	kbMustApply(t, store, actual, p)
	for _, op := range []string{"CreateKey", "CreateAlias", "CreateBucket"} {
		if n := store.Count(op); n != 0 {
			t.Errorf("%s called %d times on the second apply", op, n)
		}
	}
	if n := len(store.Keys); n != 2 {
		t.Errorf("%d keys, want 2", n)
	}
	// A fresh plan finds nothing to do.
	if p := kbPlan(t, desired, store.Observe(actual, desired.Logging)); len(p.Changes) > 0 {
		t.Errorf("changes after apply: %v", kbAddresses(p.Changes))
	}
}

func TestApplyKeyCreates(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	store := loggingtest.NewKeyStore()
	kbMustApply(t, store, actual, kbPlan(t, desired, actual))
	at := estate.Location{Account: kbSTID, Region: "us-east-1"}
	for _, alias := range []string{logging.CloudTrailKeyAlias, logging.ConfigKeyAlias} {
		k := store.KeyByAlias(at, alias)
		if k == nil {
			t.Fatalf("no key with alias %s in %s", alias, at)
		}
		if !k.Rotation || k.State != kmstypes.KeyStateEnabled || k.Tags["groundwork:alias"] != alias {
			t.Errorf("%s: %+v", alias, *k)
		}
		// Sent compact, references resolved.
		if strings.Contains(k.Policy, "${") || strings.Contains(k.Policy, "\n") || !strings.Contains(k.Policy, "arn:aws:iam::"+kbSTID+":root") {
			t.Errorf("%s policy: %s", alias, k.Policy)
		}
	}
}

// A lost CreateKey or CreateAlias response, or a run killed between the
// two, never leaves a second key: the unnamed key groundwork made is found
// by its tag and named.
func TestApplyKeyNeverMakesASecondKey(t *testing.T) {
	at := estate.Location{Account: kbSTID, Region: "us-east-1"}
	for name, tc := range map[string]struct {
		lose    map[string]int
		killed  bool // an unnamed trail key from a killed run is there
		creates int
	}{
		"lost CreateKey response":                  {lose: map[string]int{"CreateKey": 1}, creates: 2},
		"lost CreateAlias response":                {lose: map[string]int{"CreateAlias": 1}, creates: 2},
		"killed between CreateKey and CreateAlias": {killed: true, creates: 1},
	} {
		t.Run(name, func(t *testing.T) {
			desired, actual := kbEstates(t, kbSpec)
			store := loggingtest.NewKeyStore()
			store.LoseResponses = tc.lose
			var orphan *loggingtest.Key
			if tc.killed {
				orphan = store.AddUnnamedKey(at, logging.CloudTrailKeyAlias, loggingtest.Key{Description: "half made",
					Policy: `{"Statement":[]}`, State: kmstypes.KeyStateEnabled})
			}
			rep, err := kbApply(t, store, actual, kbPlan(t, desired, actual))
			if err != nil {
				t.Fatalf("apply: %v\n%+v", err, rep)
			}
			if n := store.Count("CreateKey"); n != tc.creates {
				t.Errorf("CreateKey called %d times, want %d", n, tc.creates)
			}
			if n := len(store.Keys); n != 2 {
				t.Errorf("%d keys, want 2", n)
			}
			for _, alias := range []string{logging.CloudTrailKeyAlias, logging.ConfigKeyAlias} {
				k := store.KeyByAlias(at, alias)
				if k == nil || !k.Rotation || k.Tags[logging.KeyAliasTag] != alias {
					t.Fatalf("%s: %+v", alias, k)
				}
				if orphan != nil && alias == logging.CloudTrailKeyAlias && (k.ID != orphan.ID || !strings.Contains(k.Policy, kbOrgID)) {
					t.Errorf("the unnamed key was not adopted and brought in line: %+v", *k)
				}
			}
			if len(rep.Recovered) == 0 {
				t.Errorf("the apply reports no recovery")
			}
		})
	}
}

// A key groundwork made and never named is a plan note: adopted when its
// alias is missing, to be deleted by hand when the alias names another.
func TestPlanKeysNotesUnnamedKeys(t *testing.T) {
	desired, actual := kbEstates(t, kbSpec)
	kbMatching(t, desired, actual)
	delete(actual.Logging.Keys, kbTrailKey)
	actual.Logging.UnnamedKeys = []*estate.Key{
		{Where: kbKeys, Alias: logging.CloudTrailKeyAlias, ID: "k-left"},
		{Where: kbKeys, Alias: logging.ConfigKeyAlias, ID: "k-spare"},
	}
	k, _ := kinds.Lookup(logging.KindKey)
	_, notes := k.Diff(desired, actual)
	if len(notes) != 2 || !strings.Contains(notes[0], "k-left") || !strings.Contains(notes[0], "apply names it") ||
		!strings.Contains(notes[1], "k-spare") || !strings.Contains(notes[1], "schedule-key-deletion --key-id k-spare") {
		t.Errorf("notes:\n%s", strings.Join(notes, "\n"))
	}
}
