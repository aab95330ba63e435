package hardening

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindSupportRole makes the IAM role for AWS Support in one account (CIS
// AWS Foundations v3.0.0 1.17): the AWS managed policy AWSSupportAccess
// attached, trusting the account itself, so that the account's own IAM
// policies say who may assume it. CreateRole is not idempotent: it is
// guarded by kinds.Env.CreateOnce and the role is tagged as groundwork's.
// UpdateAssumeRolePolicy and AttachRolePolicy are, so an existing role of
// the name is brought to that trust and policy; other policies on it are
// left alone, and no role is ever deleted.
const KindSupportRole = "support-role"

// SupportRoleAddress is the address of an account's support role.
func SupportRoleAddress(accountKey string) string {
	return kinds.Address(KindSupportRole, accountKey)
}

// supportAccessPolicy is the AWS managed policy the role holds.
const supportAccessPolicy = "AWSSupportAccess"

// SupportRoleAPI is the part of the IAM client the kind calls.
type SupportRoleAPI interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	UpdateAssumeRolePolicy(context.Context, *iam.UpdateAssumeRolePolicyInput, ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	AttachRolePolicy(context.Context, *iam.AttachRolePolicyInput, ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
}

var _ SupportRoleAPI = (*iam.Client)(nil)

func init() {
	kinds.Register(kinds.Registration{Name: KindSupportRole, Diff: diffSupportRoles, Apply: applySupportRole})
}

// supportRoleValue is the role a support role change makes in an account
// (by key).
type supportRoleValue struct {
	Account estate.AccountKey `json:"account"`
	Name    string            `json:"name"`
	Path    string            `json:"path"`
}

func supportRoleAttrs(account string, r *estate.SupportRole) plan.Attrs {
	return plan.Attrs{"account": account, "name": r.Name, "path": r.Path,
		"trusts_account": strconv.FormatBool(r.TrustsAccount), "managed": map[bool]string{true: supportAccessPolicy}[r.SupportAccess]}
}

func diffSupportRoles(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d := desired.Hardening
	if d == nil {
		return nil, nil
	}
	var have map[string]*estate.SupportRole
	if actual.Hardening != nil {
		have = actual.Hardening.SupportRoles
	}
	var changes []plan.Change
	var notes []string
	for _, acct := range slices.Sorted(maps.Keys(d.SupportRoles)) {
		if closing(actual, acct) {
			continue
		}
		want := d.SupportRoles[acct]
		key := estate.AccountKey(acct)
		ch := plan.SetValue(plan.Change{Address: SupportRoleAddress(acct), Kind: KindSupportRole, Group: kinds.UnitOf(desired, key),
			After: supportRoleAttrs(acct, want), DependsOn: kinds.AccountDeps(key)},
			supportRoleValue{Account: key, Name: want.Name, Path: want.Path})
		a := have[acct]
		if a == nil {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		if a.Path != want.Path {
			// IAM cannot move a role to another path.
			notes = append(notes, fmt.Sprintf("the support role %s of %s is under the path %s, not %s; groundwork leaves its path (delete the role to have it made again under %s)",
				want.Name, acct, a.Path, want.Path, want.Path))
			ch.After["path"] = a.Path
		}
		if a.TrustsAccount && a.SupportAccess {
			continue
		}
		ch.Action, ch.Before = plan.Update, supportRoleAttrs(acct, a)
		changes = append(changes, ch)
	}
	return changes, notes
}

// supportRoleTrust is the trust policy of the support role: the account
// itself, by ID, which IAM stores as its root ARN in the account's
// partition.
func supportRoleTrust(accountID estate.AccountID) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + string(accountID) +
		`"},"Action":"sts:AssumeRole"}]}`
}

func applySupportRole(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[supportRoleValue](ch)
	if err != nil {
		return err
	}
	clients, err := clientsOf(env)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: v.Account})
	if err != nil {
		return fmt.Errorf("support role %s: %w", v.Name, err)
	}
	api := clients.SupportRole(w)
	name, trust := aws.String(v.Name), aws.String(supportRoleTrust(w.Account))
	var arn string
	look := func(ctx context.Context) (bool, error) {
		out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: name})
		if err == nil && out.Role != nil {
			arn = aws.ToString(out.Role.Arn)
		}
		return awsx.Found(err, "NoSuchEntity")
	}
	create := func(ctx context.Context) error {
		out, err := api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: name, Path: aws.String(v.Path),
			AssumeRolePolicyDocument: trust, Tags: kinds.IAMTags(kinds.OwnerTags(nil)),
			Description: aws.String("groundwork: AWS Support cases (AWSSupportAccess)")})
		if err == nil && out.Role != nil {
			arn = aws.ToString(out.Role.Arn)
		}
		return err
	}
	created, err := env.CreateUnlessFound(ctx, fmt.Sprintf("role %s in %s", v.Name, w.Account), create, look, "EntityAlreadyExists")
	if err != nil {
		return err
	}
	if !created {
		// An existing role, or one a lost attempt or someone else made
		// meanwhile: it gets the trust policy a new one has.
		if _, err := api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: name, PolicyDocument: trust}); err != nil {
			return fmt.Errorf("update the trust of role %s in %s: %w", v.Name, w.Account, err)
		}
	}
	policy := "arn:" + arnPartition(arn) + ":iam::aws:policy/" + supportAccessPolicy
	if _, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: name, PolicyArn: aws.String(policy)}); err != nil {
		return fmt.Errorf("attach %s to role %s in %s: %w", supportAccessPolicy, v.Name, w.Account, err)
	}
	return nil
}

// arnPartition is the partition an ARN lives in, "aws" when it names none.
func arnPartition(arn string) string {
	if parts := strings.SplitN(arn, ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

// isSupportAccess reports whether a policy ARN is the AWS managed
// AWSSupportAccess, in any partition.
func isSupportAccess(arn string) bool {
	return strings.HasPrefix(arn, "arn:") && strings.HasSuffix(arn, ":iam::aws:policy/"+supportAccessPolicy)
}

// trustsOnly reports whether a role's trust policy (as IAM answers it,
// URL-encoded or not) lets only the account accountID itself assume the
// role: every statement allows, and names as principals only the
// account's ID or root ARN. Conditions, which narrow it further, are
// allowed.
func trustsOnly(doc, accountID string) bool {
	if s, err := url.QueryUnescape(doc); err == nil {
		doc = s
	}
	var policy struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &policy) != nil {
		return false
	}
	type statement struct {
		Effect    string
		Principal json.RawMessage
		Action    json.RawMessage
	}
	var stmts []statement
	if json.Unmarshal(policy.Statement, &stmts) != nil {
		var one statement
		if json.Unmarshal(policy.Statement, &one) != nil {
			return false
		}
		stmts = []statement{one}
	}
	if len(stmts) == 0 {
		return false
	}
	for _, s := range stmts {
		var principal map[string]json.RawMessage
		if s.Effect != "Allow" || json.Unmarshal(s.Principal, &principal) != nil || len(principal) != 1 || principal["AWS"] == nil {
			return false
		}
		ids := stringOrList(principal["AWS"])
		if len(ids) == 0 {
			return false
		}
		for _, id := range ids {
			if id != accountID && !(strings.HasPrefix(id, "arn:") && strings.HasSuffix(id, ":iam::"+accountID+":root")) {
				return false
			}
		}
	}
	return true
}

// stringOrList decodes a policy element written as one string or a list.
func stringOrList(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	return nil
}
