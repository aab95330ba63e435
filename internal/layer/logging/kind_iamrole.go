package logging

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// RoleAddress is the address of a role in an account.
func RoleAddress(accountKey, name string) string {
	return kinds.Address(kinds.KindRole, accountKey+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: kinds.KindRole, Diff: diffRoles, Apply: applyRole})
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
	for _, key := range slices.Sorted(maps.Keys(desired.Logging.Roles)) {
		d := desired.Logging.Roles[key]
		after := plan.Attrs{"account": d.Account, "name": d.Name, "path": d.Path,
			"trust": kinds.PrettyJSON(kinds.ResolveActual(d.Trust, actual))}
		if len(d.Managed) > 0 {
			after["managed"] = strings.Join(d.Managed, ",")
		}
		for name, doc := range d.Inline {
			after["inline."+name] = kinds.PrettyJSON(kinds.ResolveActual(doc, actual))
		}
		ch := plan.Change{Address: RoleAddress(d.Account, d.Name), Kind: kinds.KindRole, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: kinds.AccountDeps(d.Account)}
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		before := plan.Attrs{"account": a.Account, "name": a.Name, "path": a.Path, "trust": kinds.PrettyJSON(a.Trust)}
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
			before["inline."+name] = kinds.PrettyJSON(a.Inline[name])
			changed = changed || before["inline."+name] != after["inline."+name]
		}
		if changed {
			ch.Action, ch.Before = plan.Update, before
			changes = append(changes, ch)
		}
	}
	return changes, nil
}

func applyRole(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	cl, err := clientsOf(env)
	if err != nil {
		return err
	}
	a := ch.After
	w, err := env.At(estate.Where{Account: a["account"]})
	if err != nil {
		return fmt.Errorf("role %s: %w", a["name"], err)
	}
	api := cl.IAM(w)
	trust, err := env.Resolve(a["trust"])
	if err != nil {
		return fmt.Errorf("role %s: %w", a["name"], err)
	}
	trust = kinds.CompactJSON(trust)
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
	for _, k := range kinds.SortedAttrKeys(a, "inline.") {
		doc, err := env.Resolve(a[k])
		if err != nil {
			return fmt.Errorf("role %s: %w", a["name"], err)
		}
		if _, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(a["name"]),
			PolicyName: aws.String(strings.TrimPrefix(k, "inline.")), PolicyDocument: aws.String(kinds.CompactJSON(doc))}); err != nil {
			return fmt.Errorf("put policy on role %s: %w", a["name"], err)
		}
	}
	return nil
}
