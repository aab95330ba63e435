package hardening

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindPasswordPolicy sets the IAM account password policy of one account
// (guidance 000 "Configure IAM password policy", 002 IAM-030).
// UpdateAccountPasswordPolicy replaces the whole policy, so the change is
// idempotent.
const KindPasswordPolicy = "password-policy"

// PasswordPolicyAddress is the address of an account's password policy.
func PasswordPolicyAddress(accountKey string) string {
	return kinds.Address(KindPasswordPolicy, accountKey)
}

// PasswordPolicyAPI is the part of the IAM client the kind calls.
type PasswordPolicyAPI interface {
	UpdateAccountPasswordPolicy(context.Context, *iam.UpdateAccountPasswordPolicyInput, ...func(*iam.Options)) (*iam.UpdateAccountPasswordPolicyOutput, error)
}

var _ PasswordPolicyAPI = (*iam.Client)(nil)

func init() {
	kinds.Register(kinds.Registration{Name: KindPasswordPolicy, Diff: diffPasswordPolicies, Apply: applyPasswordPolicy})
}

// passwordPolicyValue is the policy a password policy change puts in an
// account (by key).
type passwordPolicyValue struct {
	Account estate.AccountKey     `json:"account"`
	Policy  estate.PasswordPolicy `json:"policy"`
}

func passwordPolicyAttrs(account string, p *estate.PasswordPolicy) plan.Attrs {
	b, n := strconv.FormatBool, strconv.Itoa
	return plan.Attrs{
		"account":           account,
		"min_length":        n(p.MinLength),
		"require_uppercase": b(p.RequireUppercase),
		"require_lowercase": b(p.RequireLowercase),
		"require_numbers":   b(p.RequireNumbers),
		"require_symbols":   b(p.RequireSymbols),
		// 0: passwords never expire; 0: any previous password may be
		// reused. The plan shows them as IAM stores them.
		"max_age_days":          n(p.MaxAgeDays),
		"reuse_prevention":      n(p.ReusePrevention),
		"allow_users_to_change": b(p.AllowUsersToChange),
		"hard_expiry":           b(p.HardExpiry),
	}
}

func diffPasswordPolicies(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d := desired.Hardening
	if d == nil {
		return nil, nil
	}
	var have map[string]*estate.PasswordPolicy
	if actual.Hardening != nil {
		have = actual.Hardening.PasswordPolicies
	}
	return diffPerAccount(desired, actual, KindPasswordPolicy, d.PasswordPolicies, have, passwordPolicyAttrs,
		func(acct estate.AccountKey, p estate.PasswordPolicy) any {
			return passwordPolicyValue{Account: acct, Policy: p}
		},
		func(p *estate.PasswordPolicy) bool { return p == nil }), nil
}

// diffPerAccount plans a setting that each account holds once (a password
// policy, Block Public Access): a create where the account has none
// (absent), an update where its attributes differ from want's. Accounts
// being closed are left alone.
func diffPerAccount[T any](desired, actual *estate.Estate, kind string, want, have map[string]*T,
	attrs func(account string, v *T) plan.Attrs, value func(estate.AccountKey, T) any, absent func(*T) bool) []plan.Change {
	var changes []plan.Change
	for _, acct := range slices.Sorted(maps.Keys(want)) {
		if closing(actual, acct) {
			continue
		}
		key := estate.AccountKey(acct)
		after := attrs(acct, want[acct])
		ch := plan.SetValue(plan.Change{Address: kinds.Address(kind, acct), Kind: kind, Group: kinds.UnitOf(desired, key),
			After: after, DependsOn: kinds.AccountDeps(key)}, value(key, *want[acct]))
		a := have[acct]
		switch {
		case absent(a):
			ch.Action = plan.Create
		case !maps.Equal(attrs(acct, a), after):
			ch.Action, ch.Before = plan.Update, attrs(acct, a)
		default:
			continue
		}
		changes = append(changes, ch)
	}
	return changes
}

func applyPasswordPolicy(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[passwordPolicyValue](ch)
	if err != nil {
		return err
	}
	clients, err := clientsOf(env)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: v.Account})
	if err != nil {
		return fmt.Errorf("password policy: %w", err)
	}
	p := v.Policy
	in := &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength:      aws.Int32(int32(p.MinLength)),
		RequireUppercaseCharacters: p.RequireUppercase,
		RequireLowercaseCharacters: p.RequireLowercase,
		RequireNumbers:             p.RequireNumbers,
		RequireSymbols:             p.RequireSymbols,
		AllowUsersToChangePassword: p.AllowUsersToChange,
		HardExpiry:                 aws.Bool(p.HardExpiry),
	}
	// Left out, IAM turns expiry and reuse prevention off.
	if p.MaxAgeDays > 0 {
		in.MaxPasswordAge = aws.Int32(int32(p.MaxAgeDays))
	}
	if p.ReusePrevention > 0 {
		in.PasswordReusePrevention = aws.Int32(int32(p.ReusePrevention))
	}
	if _, err := clients.PasswordPolicy(w).UpdateAccountPasswordPolicy(ctx, in); err != nil {
		return fmt.Errorf("update the password policy of %s: %w", w.Account, err)
	}
	return nil
}
