package logging

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindRole manages the IAM roles the logging layer needs (CloudTrail to
// CloudWatch Logs, the Config recorder, the organization aggregator): the
// trust policy, the managed policies groundwork attaches and the inline
// policies it puts. Other policies on the role are left alone.
const KindRole = "role"

// RoleAddress is the address of a role in an account.
func RoleAddress(accountKey estate.AccountKey, name string) string {
	return kinds.Address(KindRole, string(accountKey)+"/"+name)
}

func init() {
	kinds.Register(kinds.Registration{Name: KindRole, Diff: diffRoles, Apply: applyRole})
}

// roleValue is what a role change applies: the trust and inline
// documents as apply sends them, and the managed policies to attach.
type roleValue struct {
	Account estate.AccountKey `json:"account"`
	Name    string            `json:"name"`
	Path    string            `json:"path"`
	Trust   string            `json:"trust"`
	Managed []string          `json:"managed,omitempty"`
	Inline  map[string]string `json:"inline,omitempty"`
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
		after := plan.Attrs{"account": string(d.Account), "name": d.Name, "path": d.Path,
			"trust": kinds.PrettyJSON(kinds.ResolveActual(d.Trust, actual))}
		if len(d.Managed) > 0 {
			after["managed"] = strings.Join(d.Managed, ",")
		}
		for name, doc := range d.Inline {
			after["inline."+name] = kinds.PrettyJSON(kinds.ResolveActual(doc, actual))
		}
		v := roleValue{Account: d.Account, Name: d.Name, Path: d.Path, Trust: policyDoc(d.Trust, actual), Managed: d.Managed}
		for name, doc := range d.Inline {
			if v.Inline == nil {
				v.Inline = map[string]string{}
			}
			v.Inline[name] = policyDoc(doc, actual)
		}
		ch := plan.SetValue(plan.Change{Address: RoleAddress(d.Account, d.Name), Kind: KindRole, Group: kinds.UnitOf(desired, d.Account),
			After: after, DependsOn: kinds.AccountDeps(d.Account)}, v)
		a, exists := have[key]
		if !exists {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		before := plan.Attrs{"account": string(a.Account), "name": a.Name, "path": a.Path, "trust": kinds.PrettyJSON(a.Trust)}
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
	v, err := plan.ValueOf[roleValue](ch)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: v.Account})
	if err != nil {
		return fmt.Errorf("role %s: %w", v.Name, err)
	}
	api := cl.IAM(w)
	trust, err := env.Resolve(v.Trust)
	if err != nil {
		return fmt.Errorf("role %s: %w", v.Name, err)
	}
	trust = kinds.CompactJSON(trust)
	name := aws.String(v.Name)
	// Guard: CreateRole fails on an existing name; look first. A lost
	// response, or EntityAlreadyExists for a role made meanwhile, is
	// looked for by name again.
	look := func(ctx context.Context) (bool, error) {
		_, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: name})
		return awsx.Found(err, "NoSuchEntity")
	}
	create := func(ctx context.Context) error {
		_, err := api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: name, Path: aws.String(v.Path),
			AssumeRolePolicyDocument: aws.String(trust), Description: aws.String("groundwork: " + v.Name)})
		return err
	}
	created, err := env.CreateUnlessFound(ctx, fmt.Sprintf("role %s in %s", v.Name, w), create, look, "EntityAlreadyExists")
	if err != nil {
		return err
	}
	if !created {
		// An existing or adopted role gets the trust policy a new one has.
		if _, err := api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: name, PolicyDocument: aws.String(trust)}); err != nil {
			return fmt.Errorf("update trust of role %s: %w", v.Name, err)
		}
	}
	for _, arn := range v.Managed {
		if _, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: name, PolicyArn: aws.String(arn)}); err != nil {
			return fmt.Errorf("attach %s to role %s: %w", arn, v.Name, err)
		}
	}
	for _, policy := range slices.Sorted(maps.Keys(v.Inline)) {
		doc, err := env.Resolve(v.Inline[policy])
		if err != nil {
			return fmt.Errorf("role %s: %w", v.Name, err)
		}
		if _, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: name,
			PolicyName: aws.String(policy), PolicyDocument: aws.String(kinds.CompactJSON(doc))}); err != nil {
			return fmt.Errorf("put policy on role %s: %w", v.Name, err)
		}
	}
	return nil
}
