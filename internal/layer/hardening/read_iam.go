package hardening

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// iamReadAPI is the part of the IAM client the hardening layer
// reads.
type iamReadAPI interface {
	GetAccountPasswordPolicy(context.Context, *iam.GetAccountPasswordPolicyInput, ...func(*iam.Options)) (*iam.GetAccountPasswordPolicyOutput, error)
	GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error)
	ListUsers(context.Context, *iam.ListUsersInput, ...func(*iam.Options)) (*iam.ListUsersOutput, error)
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
}

var _ iamReadAPI = (*iam.Client)(nil)

// passwordPolicy reads the account's password policy; an account without
// one (NoSuchEntity) gets no entry.
func (r *hardeningRead) passwordPolicy(ctx context.Context, key estate.AccountKey, w estate.Location) error {
	out, err := r.clients.IAM(w).GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if awsx.ErrorCodeIs(err, "NoSuchEntity") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the password policy of %s: %w", w.Account, err)
	}
	p := out.PasswordPolicy
	if p == nil {
		return nil
	}
	pp := &estate.PasswordPolicy{
		MinLength:        int(aws.ToInt32(p.MinimumPasswordLength)),
		RequireUppercase: p.RequireUppercaseCharacters, RequireLowercase: p.RequireLowercaseCharacters,
		RequireNumbers: p.RequireNumbers, RequireSymbols: p.RequireSymbols,
		MaxAgeDays: int(aws.ToInt32(p.MaxPasswordAge)), ReusePrevention: int(aws.ToInt32(p.PasswordReusePrevention)),
		AllowUsersToChange: p.AllowUsersToChangePassword, HardExpiry: aws.ToBool(p.HardExpiry),
	}
	r.locked(func(h *estate.Hardening) { h.PasswordPolicies[string(key)] = pp })
	return nil
}

// rootCredentials reads what IAM's account summary says about the root
// user: whether it has access keys and MFA.
func (r *hardeningRead) rootCredentials(ctx context.Context, key estate.AccountKey, w estate.Location) error {
	out, err := r.clients.IAM(w).GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return fmt.Errorf("read the account summary of %s: %w", w.Account, err)
	}
	root := &estate.RootCredentials{
		AccessKeys: out.SummaryMap["AccountAccessKeysPresent"] > 0,
		MFA:        out.SummaryMap["AccountMFAEnabled"] > 0,
	}
	r.locked(func(h *estate.Hardening) { h.Roots[string(key)] = root })
	return nil
}

// users lists the IAM users of the management account, marking those the
// spec keeps as break-glass access.
func (r *hardeningRead) users(ctx context.Context, w estate.Location) error {
	pages := iam.NewListUsersPaginator(r.clients.IAM(w), &iam.ListUsersInput{})
	var users []*estate.IAMUser
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the IAM users of the management account: %w", err)
		}
		for _, u := range page.Users {
			name := aws.ToString(u.UserName)
			users = append(users, &estate.IAMUser{Name: name, ARN: aws.ToString(u.Arn), Path: aws.ToString(u.Path),
				BreakGlass: slices.Contains(r.want.BreakGlassUsers, name)})
		}
	}
	r.locked(func(h *estate.Hardening) {
		for _, u := range users {
			h.ManagementUsers[u.Name] = u
		}
	})
	return nil
}

// supportRole reads the account's role of the support role's name: its
// path, whether its trust policy names only the account itself, whether
// AWSSupportAccess is attached, and its tags. An account without the role
// (NoSuchEntity) gets no entry.
func (r *hardeningRead) supportRole(ctx context.Context, key estate.AccountKey, w estate.Location, name string) error {
	api := r.clients.IAM(w)
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if awsx.ErrorCodeIs(err, "NoSuchEntity") {
		return nil
	}
	if err != nil || out.Role == nil {
		return fmt.Errorf("read the role %s of %s: %w", name, w.Account, err)
	}
	role := &estate.SupportRole{Name: name, Path: aws.ToString(out.Role.Path),
		TrustsAccount: trustsOnly(aws.ToString(out.Role.AssumeRolePolicyDocument), string(w.Account))}
	for _, t := range out.Role.Tags {
		if role.Tags == nil {
			role.Tags = map[string]string{}
		}
		role.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	pages := iam.NewListAttachedRolePoliciesPaginator(api, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the policies of role %s in %s: %w", name, w.Account, err)
		}
		for _, p := range page.AttachedPolicies {
			role.SupportAccess = role.SupportAccess || isSupportAccess(aws.ToString(p.PolicyArn))
		}
	}
	r.locked(func(h *estate.Hardening) { h.SupportRoles[string(key)] = role })
	return nil
}
