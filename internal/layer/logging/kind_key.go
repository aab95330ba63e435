package logging

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindKey manages the customer-managed KMS keys of the logging layer, one
// per alias in an account and Region: the key policy, the description,
// yearly rotation, and the key being usable. A key is found by its alias,
// so a re-run adopts the key an earlier, interrupted run made.
//
// A key is never disabled, scheduled for deletion or stripped of
// rotation: the spec cannot ask for that, and a key the trail writes with
// must stay usable. A key found disabled or pending deletion is enabled
// again, which the plan shows as a change of state.
const KindKey = "key"

func init() {
	kinds.Register(kinds.Registration{Name: KindKey, Diff: diffKeys, Apply: applyKey})
}

// keyDriftFields are the attributes whose difference is drift.
var keyDriftFields = []string{"description", "policy", "rotation", "state"}

func keyAttrs(k *estate.Key, actual *estate.Estate) plan.Attrs {
	return plan.Attrs{
		"account": string(k.Account), "region": k.Region, "alias": k.Alias,
		"description": k.Description,
		"policy":      kinds.PrettyJSON(kinds.ResolveActual(k.Policy, actual)),
		"rotation":    strconv.FormatBool(k.Rotation),
		"state":       k.State,
	}
}

// keyValue is what a key change applies; Differs names the settings an
// update puts (keyDriftFields), where an adopted key gets every setting.
type keyValue struct {
	Account     estate.AccountKey `json:"account"`
	Region      string            `json:"region"`
	Alias       string            `json:"alias"`
	Description string            `json:"description"`
	Policy      string            `json:"policy,omitempty"`
	Rotation    bool              `json:"rotation"`
	Differs     []string          `json:"differs,omitempty"`
}

func newKeyValue(k *estate.Key, actual *estate.Estate, drift []string) keyValue {
	return keyValue{Account: k.Account, Region: k.Region, Alias: k.Alias, Description: k.Description,
		Policy: policyDoc(k.Policy, actual), Rotation: k.Rotation, Differs: drift}
}

func diffKeys(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Logging == nil {
		return nil, nil
	}
	have := map[string]*estate.Key{}
	if actual.Logging != nil {
		have = actual.Logging.Keys
	}
	var changes []plan.Change
	var notes []string
	if actual.Logging != nil {
		for _, u := range actual.Logging.UnnamedKeys {
			_, named := have[u.Where.Key(u.Alias)]
			if _, wanted := desired.Logging.Keys[u.Where.Key(u.Alias)]; wanted && !named {
				notes = append(notes, fmt.Sprintf("key %s in %s was made by groundwork for %s, which it lacks "+
					"(a lost response or an interrupted apply): apply names it instead of creating another key", u.ID, u.Where, u.Alias))
				continue
			}
			notes = append(notes, fmt.Sprintf("key %s in %s was made by groundwork for %s but no alias names it, and nothing "+
				"uses it: once checked, schedule its deletion (aws kms schedule-key-deletion --key-id %s)", u.ID, u.Where, u.Alias, u.ID))
		}
	}
	for _, key := range slices.Sorted(maps.Keys(desired.Logging.Keys)) {
		d := desired.Logging.Keys[key]
		// The policy names the organization and the accounts whose trail
		// uses the key; the key waits for all of them.
		ch := plan.Change{Address: KeyAddress(d.Where, d.Alias), Kind: KindKey, Group: kinds.UnitOf(desired, d.Account),
			After: keyAttrs(d, actual), DependsOn: ReferenceDeps(d.Account, d.Policy)}
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, plan.SetValue(ch, newKeyValue(d, actual, nil)))
			continue
		}
		before := keyAttrs(a, actual)
		before["arn"] = a.ARN
		if drift := kinds.DifferingAttrs(before, ch.After, keyDriftFields); len(drift) > 0 {
			ch.Action, ch.Before = plan.Update, before
			ch.Reason = "differs from the spec: " + strings.Join(drift, ", ")
			changes = append(changes, plan.SetValue(ch, newKeyValue(d, actual, drift)))
		}
	}
	return changes, notes
}

// applyKey finds the key by its alias and creates it when there is none
// (CreateKey is not idempotent: the alias is the guard). The key's ARN is
// recorded at once, so that changes waiting for the key resolve
// ${key-arn:...}. An existing key gets what the plan says differs; an
// adopted one, whose state the plan did not know, gets every setting.
//
// Every key groundwork creates is tagged KeyAliasTag with its alias. A
// lost CreateKey response, a failed CreateAlias or a kill between the two
// leaves such a key without its alias: before creating a key, applyKey
// looks for one (findOrphanKey) and adopts it by giving it the alias, so
// a re-run makes no second key.
func applyKey(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	v, err := plan.ValueOf[keyValue](ch)
	if err != nil {
		return err
	}
	where := estate.Where{Account: v.Account, Region: v.Region}
	alias := v.Alias
	w, err := env.At(where)
	if err != nil {
		return fmt.Errorf("key %s: %w", alias, err)
	}
	policy := ""
	if v.Policy != "" {
		if policy, err = env.Resolve(v.Policy); err != nil {
			return fmt.Errorf("key %s: %w", alias, err)
		}
		policy = kinds.CompactJSON(policy)
	}
	api := cl.KMS(w)
	keyID, err := findKeyByAlias(ctx, api, alias)
	if err != nil {
		return fmt.Errorf("find key %s in %s: %w", alias, w, err)
	}
	what := fmt.Sprintf("key %s in %s", alias, w)
	adopted := ch.Action != plan.Update
	if keyID == "" {
		orphan, err := findOrphanKey(ctx, api, alias)
		if err != nil {
			return fmt.Errorf("find unnamed key %s in %s: %w", alias, w, err)
		}
		if orphan.ID == "" {
			return createKey(ctx, env, api, where, v, policy)
		}
		env.Recovered("%s: adopted key %s, which an earlier run made but did not name", what, orphan.ID)
		if keyID, err = nameKey(ctx, env, api, what, alias, orphan.ID); err != nil {
			return err
		}
	}
	out, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		return fmt.Errorf("describe key %s in %s: %w", alias, w, err)
	}
	env.Record(estate.RefKeyARN, where.Key(alias), aws.ToString(out.KeyMetadata.Arn))
	// Everything below is a put of what the plan asks for, so running it
	// again is harmless.
	need := func(field string) bool { return adopted || slices.Contains(v.Differs, field) }
	if err := enableKey(ctx, api, keyID, out.KeyMetadata.KeyState); err != nil {
		return fmt.Errorf("key %s in %s: %w", alias, w, err)
	}
	if policy != "" && need("policy") {
		if _, err := api.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyID),
			PolicyName: aws.String("default"), Policy: aws.String(policy)}); err != nil {
			return fmt.Errorf("put policy of key %s in %s: %w", alias, w, err)
		}
	}
	if aws.ToString(out.KeyMetadata.Description) != v.Description {
		if _, err := api.UpdateKeyDescription(ctx, &kms.UpdateKeyDescriptionInput{KeyId: aws.String(keyID),
			Description: aws.String(v.Description)}); err != nil {
			return fmt.Errorf("update description of key %s in %s: %w", alias, w, err)
		}
	}
	if v.Rotation && need("rotation") {
		if _, err := api.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(keyID)}); err != nil {
			return fmt.Errorf("enable rotation of key %s in %s: %w", alias, w, err)
		}
	}
	return nil
}

// KeyAliasTag is the tag groundwork puts on every key it creates, with the
// alias the key is made for as its value: how a key whose alias was never
// made is found again (adopted by apply, reported by plan and audit).
const KeyAliasTag = "groundwork:alias"

func createKey(ctx context.Context, env *kinds.Env, api KMSAPI, where estate.Where, v keyValue, policy string) error {
	alias := v.Alias
	what := fmt.Sprintf("key %s in %s", alias, where)
	in := &kms.CreateKeyInput{Description: aws.String(v.Description),
		Tags: []types.Tag{{TagKey: aws.String(KeyAliasTag), TagValue: aws.String(alias)}}}
	if policy != "" {
		in.Policy = aws.String(policy)
	}
	var keyID, arn string
	create := func(ctx context.Context) error {
		out, err := api.CreateKey(ctx, in)
		if err == nil {
			keyID, arn = aws.ToString(out.KeyMetadata.KeyId), aws.ToString(out.KeyMetadata.Arn)
		}
		return err
	}
	// A key whose CreateKey response was lost is tagged and unnamed.
	look := func(ctx context.Context) (bool, error) {
		found, err := findOrphanKey(ctx, api, alias)
		keyID, arn = found.ID, found.ARN
		return found.ID != "", err
	}
	if err := env.CreateOnce(ctx, what, create, look); err != nil {
		return fmt.Errorf("create key %s in %s: %w", alias, where, err)
	}
	env.Logf("created key %s (%s)", alias, arn)
	named, err := nameKey(ctx, env, api, what, alias, keyID)
	if err != nil {
		return err
	}
	if named != keyID {
		out, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(named)})
		if err != nil {
			return fmt.Errorf("describe key %s in %s: %w", alias, where, err)
		}
		keyID, arn = named, aws.ToString(out.KeyMetadata.Arn)
	}
	env.Record(estate.RefKeyARN, where.Key(alias), arn)
	if v.Rotation {
		if _, err := api.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(keyID)}); err != nil {
			return fmt.Errorf("enable rotation of key %s: %w", alias, err)
		}
	}
	return nil
}

// nameKey points alias at keyID and returns the key the alias names. When
// the alias exists already (AlreadyExistsException: made by the lost
// response of an earlier attempt, or by another run meanwhile), the key it
// names is the one used; a key of ours left unnamed stays tagged, and plan
// and audit report it.
func nameKey(ctx context.Context, env *kinds.Env, api KMSAPI, what, alias, keyID string) (string, error) {
	named := keyID
	create := func(ctx context.Context) error {
		_, err := api.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: aws.String(keyID)})
		return err
	}
	look := func(ctx context.Context) (bool, error) {
		target, err := findKeyByAlias(ctx, api, alias)
		if target != "" {
			named = target
		}
		return target != "", err
	}
	if err := env.CreateOnce(ctx, "alias of "+what, create, look, "AlreadyExistsException"); err != nil {
		return "", fmt.Errorf("create alias %s for key %s: %w", alias, keyID, err)
	}
	return named, nil
}

// findOrphanKey returns a usable key of this account and Region that
// groundwork made for alias (KeyAliasTag) and that no alias names, or the
// zero UnnamedKey. A key pending deletion is not taken back: someone scheduled it.
func findOrphanKey(ctx context.Context, api keyLister, alias string) (UnnamedKey, error) {
	aliases, err := listAliases(ctx, api)
	if err != nil {
		return UnnamedKey{}, err
	}
	orphans, err := unnamedKeys(ctx, api, aliases)
	if err != nil {
		return UnnamedKey{}, err
	}
	for _, o := range orphans {
		if o.Alias == alias && (o.State == string(types.KeyStateEnabled) || o.State == string(types.KeyStateDisabled)) {
			return o, nil
		}
	}
	return UnnamedKey{}, nil
}

// keyLister is what unnamedKeys calls, in the KMS clients of both apply
// (KMSAPI) and the reader (kmsReadAPI).
type keyLister interface {
	ListAliases(context.Context, *kms.ListAliasesInput, ...func(*kms.Options)) (*kms.ListAliasesOutput, error)
	ListKeys(context.Context, *kms.ListKeysInput, ...func(*kms.Options)) (*kms.ListKeysOutput, error)
	ListResourceTags(context.Context, *kms.ListResourceTagsInput, ...func(*kms.Options)) (*kms.ListResourceTagsOutput, error)
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
}

// UnnamedKey is a key groundwork made (KeyAliasTag) that no alias names.
type UnnamedKey struct {
	ID, ARN, Alias, State string
}

// unnamedKeys lists the keys of the client's account and Region that
// carry KeyAliasTag and that no alias names (aliases, as listAliases
// reads them): one ListKeys, and one ListResourceTags and DescribeKey per
// key without an alias (few: every key groundwork keeps has one).
func unnamedKeys(ctx context.Context, api keyLister, aliases map[string]string) ([]UnnamedKey, error) {
	named := map[string]bool{}
	for _, id := range aliases {
		named[id] = true
	}
	var out []UnnamedKey
	keys := kms.NewListKeysPaginator(api, &kms.ListKeysInput{Limit: aws.Int32(1000)})
	for keys.HasMorePages() {
		page, err := keys.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, k := range page.Keys {
			id := aws.ToString(k.KeyId)
			if named[id] {
				continue
			}
			tags, err := api.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: aws.String(id)})
			if err != nil {
				return nil, fmt.Errorf("tags of key %s: %w", id, err)
			}
			for _, t := range tags.Tags {
				if aws.ToString(t.TagKey) != KeyAliasTag {
					continue
				}
				desc, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
				if err != nil {
					return nil, fmt.Errorf("describe key %s: %w", id, err)
				}
				out = append(out, UnnamedKey{ID: id, ARN: aws.ToString(desc.KeyMetadata.Arn),
					Alias: aws.ToString(t.TagValue), State: string(desc.KeyMetadata.KeyState)})
			}
		}
	}
	slices.SortFunc(out, func(a, b UnnamedKey) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// findKeyByAlias returns the ID of the key an alias points at, or "".
func findKeyByAlias(ctx context.Context, api KMSAPI, alias string) (string, error) {
	// 100 is the largest page ListAliases serves; moto ignores Limit and
	// Marker and answers every alias at once.
	pages := kms.NewListAliasesPaginator(api, &kms.ListAliasesInput{Limit: aws.Int32(100)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", err
		}
		for _, al := range page.Aliases {
			if aws.ToString(al.AliasName) == alias && al.TargetKeyId != nil {
				return *al.TargetKeyId, nil
			}
		}
	}
	return "", nil
}

// enableKey makes a disabled key or one pending deletion usable again.
// It passes the key ID, not the ARN: moto's EnableKey and
// CancelKeyDeletion look keys up by ID alone.
func enableKey(ctx context.Context, api KMSAPI, keyID string, state types.KeyState) error {
	switch state {
	case types.KeyStateEnabled:
		return nil
	case types.KeyStatePendingDeletion:
		// Cancelling leaves the key Disabled.
		if _, err := api.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: aws.String(keyID)}); err != nil {
			return fmt.Errorf("cancel key deletion: %w", err)
		}
	case types.KeyStateDisabled:
	default:
		return fmt.Errorf("the key is %s; groundwork enables only a Disabled key or one pending deletion", state)
	}
	if _, err := api.EnableKey(ctx, &kms.EnableKeyInput{KeyId: aws.String(keyID)}); err != nil {
		return fmt.Errorf("enable key: %w", err)
	}
	return nil
}

// ReferenceDeps are the changes a resource in an account waits for: the
// account, and whatever the references in its values name (other
// accounts, the organization, keys). kinds.Plan drops those that are not
// planned.
func ReferenceDeps(accountKey estate.AccountKey, values ...string) []string {
	deps := kinds.AccountDeps(accountKey)
	for _, v := range values {
		estate.Resolve(v, func(kind, arg string) (string, bool) {
			switch kind {
			case estate.RefAccountID:
				deps = append(deps, kinds.AccountDeps(estate.AccountKey(arg))...)
			case estate.RefOrgID:
				deps = append(deps, kinds.OrganizationAddress)
			case estate.RefKeyARN:
				// arg is Where.Key(alias): "account/region/alias".
				deps = append(deps, kinds.Address(KindKey, arg))
			}
			return "", false
		})
	}
	slices.Sort(deps)
	return slices.Compact(deps)
}
