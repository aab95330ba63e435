package identity

import (
	"context"
	"fmt"
	"maps"
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

// KindStageRole makes a stage role of the Identity-account model in a
// target account (guidance 002): under the path the ProtectOrgAdminRoles
// SCP protects (guidance 004), trusting the Identity account only and
// only with MFA, with the spec's maximum session and managed policies.
// CreateRole is not idempotent: it is guarded by kinds.Env.CreateOnce and
// the role is tagged as groundwork's. UpdateAssumeRolePolicy, UpdateRole
// and AttachRolePolicy are idempotent, so an existing role of the name is
// brought to the trust, session and policies; other policies on it are
// left alone (the plan says so), and no role is deleted. IAM cannot move
// a role to another path: one under another path is left there, with a
// note.
const KindStageRole = "stage-role"

// StageRoleAddress is the address of a stage role in an account.
func StageRoleAddress(accountKey estate.AccountKey, name string) string {
	return kinds.Address(KindStageRole, string(accountKey)+"/"+name)
}

// StageRoleAPI is the part of the IAM client the kind calls.
type StageRoleAPI interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	UpdateAssumeRolePolicy(context.Context, *iam.UpdateAssumeRolePolicyInput, ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	UpdateRole(context.Context, *iam.UpdateRoleInput, ...func(*iam.Options)) (*iam.UpdateRoleOutput, error)
	AttachRolePolicy(context.Context, *iam.AttachRolePolicyInput, ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
}

var _ StageRoleAPI = (*iam.Client)(nil)

func init() {
	kinds.Register(kinds.Registration{Name: KindStageRole, Diff: diffStageRoles, Apply: applyStageRole})
}

// stageRoleValue is what a stage role change applies: the trust with its
// reference to the Identity account's ID unresolved.
type stageRoleValue struct {
	Account    estate.AccountKey `json:"account"`
	Name       string            `json:"name"`
	Path       string            `json:"path"`
	Trust      string            `json:"trust"`
	MaxSession int32             `json:"max_session"`
	Managed    []string          `json:"managed"`
}

func stageRoleAttrs(r *estate.StageRole, trust string) plan.Attrs {
	return plan.Attrs{"account": string(r.Account), "name": r.Name, "path": r.Path, "trust": kinds.PrettyJSON(trust),
		"max_session_seconds": strconv.Itoa(int(r.MaxSessionSeconds)), "managed": strings.Join(r.ManagedPolicies, ",")}
}

func diffStageRoles(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d, a := accountModels(desired, actual)
	if d == nil {
		return nil, nil
	}
	var changes []plan.Change
	var notes []string
	for _, key := range slices.Sorted(maps.Keys(d.Roles)) {
		want := d.Roles[key]
		if leaving(actual, want.Account) {
			continue
		}
		after := stageRoleAttrs(want, kinds.ResolveActual(want.Trust, actual))
		deps := kinds.AccountDeps(want.Account)
		if d.Account != estate.ManagementKey {
			// The trust names the Identity account, which must exist.
			deps = append(deps, kinds.Address(kinds.KindAccount, d.Account))
		}
		ch := plan.SetValue(plan.Change{Address: StageRoleAddress(want.Account, want.Name), Kind: KindStageRole,
			Group: kinds.UnitOf(desired, want.Account), After: after, DependsOn: deps},
			stageRoleValue{Account: want.Account, Name: want.Name, Path: want.Path, Trust: want.Trust,
				MaxSession: want.MaxSessionSeconds, Managed: want.ManagedPolicies})
		have := a.Roles[key]
		if have == nil {
			ch.Action = plan.Create
			changes = append(changes, ch)
			continue
		}
		if have.Path != want.Path {
			notes = append(notes, fmt.Sprintf("the stage role %s of %s is under the path %s, not %s, where the ProtectOrgAdminRoles SCP protects it; groundwork leaves its path (delete the role to have it made again under %s)",
				want.Name, want.Account, have.Path, want.Path, want.Path))
			after["path"] = have.Path
		}
		var extra []string
		for _, p := range have.ManagedPolicies {
			if !slices.Contains(want.ManagedPolicies, p) {
				extra = append(extra, p)
			}
		}
		if len(extra) > 0 {
			notes = append(notes, fmt.Sprintf("the stage role %s of %s also holds %s, which the spec does not give it; groundwork leaves them attached (detach them by hand)",
				want.Name, want.Account, strings.Join(extra, ", ")))
		}
		missing := slices.ContainsFunc(want.ManagedPolicies, func(p string) bool { return !slices.Contains(have.ManagedPolicies, p) })
		before := stageRoleAttrs(have, have.Trust)
		if before["trust"] == after["trust"] && have.MaxSessionSeconds == want.MaxSessionSeconds && !missing {
			continue
		}
		ch.Action, ch.Before = plan.Update, before
		changes = append(changes, ch)
	}
	return changes, notes
}

func applyStageRole(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[stageRoleValue](ch)
	if err != nil {
		return err
	}
	clients, w, err := accountClientsAt(env, v.Account, "stage role "+v.Name)
	if err != nil {
		return err
	}
	trust, err := env.Resolve(v.Trust)
	if err != nil {
		return fmt.Errorf("stage role %s: %w", v.Name, err)
	}
	trust = kinds.CompactJSON(trust)
	api := clients.StageRole(w)
	name := aws.String(v.Name)
	look := func(ctx context.Context) (bool, error) {
		_, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: name})
		return awsx.Found(err, "NoSuchEntity")
	}
	create := func(ctx context.Context) error {
		_, err := api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: name, Path: aws.String(v.Path),
			AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(v.MaxSession),
			Tags: kinds.IAMTags(kinds.OwnerTags(nil)), Description: aws.String("groundwork: stage role, assumed from the Identity account with MFA")})
		return err
	}
	created, err := env.CreateUnlessFound(ctx, fmt.Sprintf("role %s in %s", v.Name, w.Account), create, look, "EntityAlreadyExists")
	if err != nil {
		return err
	}
	if !created {
		// An existing role, or one a lost attempt or someone else made
		// meanwhile: it gets the trust and session a new one has.
		if _, err := api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: name, PolicyDocument: aws.String(trust)}); err != nil {
			return fmt.Errorf("update the trust of role %s in %s: %w", v.Name, w.Account, err)
		}
		if _, err := api.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: name, MaxSessionDuration: aws.Int32(v.MaxSession)}); err != nil {
			return fmt.Errorf("update the maximum session of role %s in %s: %w", v.Name, w.Account, err)
		}
	}
	for _, p := range v.Managed {
		if _, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: name, PolicyArn: aws.String(p)}); err != nil {
			return fmt.Errorf("attach %s to role %s in %s: %w", p, v.Name, w.Account, err)
		}
	}
	return nil
}
