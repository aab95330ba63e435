package kinds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindRole manages the IAM roles the logging layer needs (CloudTrail to
// CloudWatch Logs, the Config recorder, the organization aggregator): the
// trust policy, the managed policies groundwork attaches and the inline
// policies it puts. Other policies on the role are left alone.
const KindRole = "role"

// RoleAddress is the address of a role in an account.
func RoleAddress(accountKey, name string) string { return Address(KindRole, accountKey+"/"+name) }

func init() {
	Register(Registration{Name: KindRole, Diff: diffRoles, Apply: applyRole})
}

// accountDeps are the changes a resource in an account waits for: the
// account's creation, or the organization's for the management account.
func accountDeps(accountKey string) []string {
	if accountKey == estate.ManagementKey {
		return []string{OrganizationAddress}
	}
	return []string{AccountAddress(accountKey), OrganizationAddress}
}

func diffRoles(desired, actual *estate.Estate) ([]plan.Change, []string) {
	if desired.Logging == nil {
		return nil, nil
	}
	have := map[string]*estate.IAMRole{}
	if actual.Logging != nil {
		have = actual.Logging.Roles
	}
	var changes []plan.Change
	for _, key := range sortedKeys(desired.Logging.Roles) {
		d := desired.Logging.Roles[key]
		after := plan.Attrs{"account": d.Account, "name": d.Name, "path": d.Path,
			"trust": PrettyJSON(resolveActual(d.Trust, actual))}
		if len(d.Managed) > 0 {
			after["managed"] = strings.Join(d.Managed, ",")
		}
		for name, doc := range d.Inline {
			after["inline."+name] = PrettyJSON(resolveActual(doc, actual))
		}
		ch := plan.Change{Address: RoleAddress(d.Account, d.Name), Kind: KindRole, Group: unitOf(desired, d.Account),
			After: after, DependsOn: accountDeps(d.Account)}
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		before := plan.Attrs{"account": a.Account, "name": a.Name, "path": a.Path, "trust": PrettyJSON(a.Trust)}
		var missing []string
		for _, m := range d.Managed {
			if !slices.Contains(a.Managed, m) {
				missing = append(missing, m)
			}
		}
		if len(d.Managed) > 0 {
			before["managed"] = strings.Join(a.Managed, ",")
		}
		changed := before["trust"] != after["trust"] || len(missing) > 0
		for name := range d.Inline {
			before["inline."+name] = PrettyJSON(a.Inline[name])
			changed = changed || before["inline."+name] != after["inline."+name]
		}
		if changed {
			ch.Action, ch.Before = plan.Update, before
			changes = append(changes, ch)
		}
	}
	return changes, nil
}

func applyRole(ctx context.Context, env *Env, ch plan.Change) error {
	a := ch.After
	w, err := env.at(estate.Where{Account: a["account"]})
	if err != nil {
		return fmt.Errorf("role %s: %w", a["name"], err)
	}
	api := env.Services.IAM(w)
	trust, err := env.resolve(a["trust"])
	if err != nil {
		return fmt.Errorf("role %s: %w", a["name"], err)
	}
	trust = compactJSON(trust)
	// Guard: CreateRole fails on an existing name; look first.
	_, err = api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(a["name"])})
	var missing *types.NoSuchEntityException
	switch {
	case errors.As(err, &missing):
		if _, err := api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(a["name"]), Path: aws.String(a["path"]),
			AssumeRolePolicyDocument: aws.String(trust), Description: aws.String("groundwork: " + a["name"])}); err != nil {
			return fmt.Errorf("create role %s: %w", a["name"], err)
		}
	case err != nil:
		return fmt.Errorf("read role %s: %w", a["name"], err)
	default:
		if _, err := api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(a["name"]), PolicyDocument: aws.String(trust)}); err != nil {
			return fmt.Errorf("update trust of role %s: %w", a["name"], err)
		}
	}
	if m := a["managed"]; m != "" {
		for _, arn := range strings.Split(m, ",") {
			if _, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(a["name"]), PolicyArn: aws.String(arn)}); err != nil {
				return fmt.Errorf("attach %s to role %s: %w", arn, a["name"], err)
			}
		}
	}
	for _, k := range sortedAttrKeys(a, "inline.") {
		doc, err := env.resolve(a[k])
		if err != nil {
			return fmt.Errorf("role %s: %w", a["name"], err)
		}
		if _, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(a["name"]),
			PolicyName: aws.String(strings.TrimPrefix(k, "inline.")), PolicyDocument: aws.String(compactJSON(doc))}); err != nil {
			return fmt.Errorf("put policy on role %s: %w", a["name"], err)
		}
	}
	return nil
}

func sortedAttrKeys(a plan.Attrs, prefix string) []string {
	var keys []string
	for k := range a {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
