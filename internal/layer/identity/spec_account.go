package identity

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// AccountModel is the Identity-account model of guidance 002: IAM users
// only in the Identity account, in one group that may manage its own
// credentials and assume the stage roles; in every other member account
// the stage roles, which trust the Identity account only and require MFA.
type AccountModel struct {
	// Account is the key of the Identity account; default the account
	// with role identity.
	Account string `yaml:"account"`
	// Group is the IAM group of the users; default "identity-users".
	Group string `yaml:"group"`
	// Users are the IAM user names groundwork keeps in the group.
	Users []string `yaml:"users"`
	// Path is the IAM path of the stage roles; default the path the
	// ProtectOrgAdminRoles SCP protects (/org-admin/, guidance 004).
	Path string `yaml:"path"`
	// MaxSession is the roles' maximum session duration (1 to 12 hours);
	// default 1h.
	MaxSession string `yaml:"max_session"`
	// Roles are the stage roles by name; unwritten, Administrator in every
	// target account, PowerUser in non-production and ReadOnly in
	// production ones.
	Roles map[string]*StageRoleSpec `yaml:"roles"`
}

// StageRoleSpec is one stage role.
type StageRoleSpec struct {
	// ManagedPolicies are AWS managed policies by name or ARN.
	ManagedPolicies []string `yaml:"managed_policies"`
	// Stages are the account classes the role is made in: production,
	// non-production; empty for every target account.
	Stages []string `yaml:"stages"`
}

func (m *AccountModel) defaults(f *spec.Foundation) {
	if m.Account == "" {
		m.Account = f.AccountWithRole(string(estate.RoleIdentity))
	}
	if m.Group == "" {
		m.Group = "identity-users"
	}
	if m.Path == "" {
		m.Path = policy.DefaultProtectedRolePath
	}
	if m.MaxSession == "" {
		m.MaxSession = "1h"
	}
	if m.Roles == nil {
		m.Roles = map[string]*StageRoleSpec{
			"Administrator": {ManagedPolicies: []string{"AdministratorAccess"}},
			"PowerUser":     {ManagedPolicies: []string{"PowerUserAccess"}, Stages: []string{estate.EnvNonProduction}},
			"ReadOnly":      {ManagedPolicies: []string{"ReadOnlyAccess"}, Stages: []string{estate.EnvProduction}},
		}
	}
}

// validateAccountModel validates the section of an organization on the
// Identity-account model: the model's part, and none of Identity
// Center's, which the model would leave unbuilt without a word.
func (s *Spec) validateAccountModel(f *spec.Foundation, v *spec.Validator) {
	for _, c := range []struct {
		key     string
		written bool
	}{
		{"users", len(s.Users) > 0}, {"groups", len(s.Groups) > 0},
		{"permission_sets", len(s.PermissionSets) > 0}, {"assignments", len(s.Assignments) > 0},
	} {
		if c.written {
			v.AtKey(SpecKey+"."+c.key, "%s belongs to IAM Identity Center, which model: %s does not use; "+
				"list the model's users under identity.identity_account.users, or set model: %s", c.key, ModelIdentityAccount, ModelIdentityCenter)
		}
	}
	s.IdentityAccount.validate(f, v)
}

func (m *AccountModel) validate(f *spec.Foundation, v *spec.Validator) {
	p := SpecKey + ".identity_account"
	switch a, ok := f.Accounts[m.Account]; {
	case m.Account == "":
		v.At(p+".account", "required: the key of the Identity account (or give an account role: identity)")
	case !ok:
		v.At(p+".account", "unknown account %q%s", m.Account, spec.Suggest(m.Account, f.AccountKeys()))
	case a.Role != string(estate.RoleIdentity):
		v.At(p+".account", "account %q has role %q; the Identity account has role identity", m.Account, a.Role)
	}
	if !spec.IsIAMName(m.Group) {
		v.At(p+".group", "%q is not an IAM group name", m.Group)
	}
	seen := map[string]bool{}
	for i, u := range m.Users {
		up := fmt.Sprintf("%s.users[%d]", p, i)
		if !spec.IsIAMName(u) {
			v.At(up, "%q is not an IAM user name", u)
		}
		if seen[strings.ToLower(u)] {
			v.At(up, "duplicate user %q: IAM compares user names without case", u)
		}
		seen[strings.ToLower(u)] = true
	}
	if !strings.HasPrefix(m.Path, "/") || !strings.HasSuffix(m.Path, "/") {
		v.At(p+".path", "%q is not an IAM path: it starts and ends with /", m.Path)
	}
	if _, err := roleSeconds(m.MaxSession); err != nil {
		v.At(p+".max_session", "%v", err)
	}
	for _, name := range slices.Sorted(maps.Keys(m.Roles)) {
		rp := p + ".roles." + name
		r := m.Roles[name]
		if !spec.IsIAMName(name) {
			v.AtKey(rp, "%q is not an IAM role name", name)
		}
		if r == nil || len(r.ManagedPolicies) == 0 {
			v.AtKey(rp, "grants nothing: set managed_policies")
			continue
		}
		for i, mp := range r.ManagedPolicies {
			if ManagedPolicyARN(mp) == "" {
				v.At(fmt.Sprintf("%s.managed_policies[%d]", rp, i), "%q is not an AWS managed policy name or ARN", mp)
			}
		}
		for i, s := range r.Stages {
			if s != estate.EnvProduction && s != estate.EnvNonProduction {
				v.At(fmt.Sprintf("%s.stages[%d]", rp, i), "unknown stage %q; expected %s or %s", s, estate.EnvProduction, estate.EnvNonProduction)
			}
		}
	}
}

// roleSeconds parses a role's maximum session duration: a Go duration of
// 1 to 12 hours, in seconds.
func roleSeconds(s string) (int32, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration; write it as 1h or 90m", s)
	}
	if d < time.Hour || d > 12*time.Hour {
		return 0, fmt.Errorf("%s is outside what IAM allows: 1 to 12 hours", s)
	}
	return int32(d / time.Second), nil
}

// desired is the model's desired state: the group and users in the
// Identity account, the stage roles in every other member account whose
// class the role's stages include.
func (m *AccountModel) desired(f *spec.Foundation) *estate.IdentityAccount {
	idAcct := f.Where(m.Account, "").Account
	out := &estate.IdentityAccount{
		Account:     string(idAcct),
		Group:       m.Group,
		GroupPolicy: groupPolicy(m),
		Users:       map[string]*estate.IdentityAccountUser{},
		Roles:       map[string]*estate.StageRole{},
	}
	for _, u := range m.Users {
		out.Users[u] = &estate.IdentityAccountUser{Name: u, Groups: []string{m.Group}}
	}
	secs, _ := roleSeconds(m.MaxSession)
	trust := trustPolicy(string(idAcct))
	for _, key := range f.AccountKeys() {
		if key == m.Account {
			continue
		}
		class := stageClass(f, key)
		w := f.Where(key, "")
		for name, r := range m.Roles {
			if len(r.Stages) > 0 && !slices.Contains(r.Stages, class) {
				continue
			}
			sr := &estate.StageRole{Where: w, Name: name, Path: m.Path, Trust: trust, MaxSessionSeconds: secs}
			for _, mp := range r.ManagedPolicies {
				sr.ManagedPolicies = append(sr.ManagedPolicies, ManagedPolicyARN(mp))
			}
			slices.Sort(sr.ManagedPolicies)
			out.Roles[w.Key(name)] = sr
		}
	}
	return out
}

// trustPolicy lets principals of the Identity account assume a stage
// role, only when they signed in with MFA. The account is a reference
// (estate.RefAccountID) apply resolves.
func trustPolicy(identityAccount string) string {
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": "arn:aws:iam::${" + estate.RefAccountID + ":" + identityAccount + "}:root"},
			"Action":    "sts:AssumeRole",
			"Condition": map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}},
		}},
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// groupPolicy is the Identity account group's only policy: each user
// manages their own password, MFA device and access keys, and may assume
// the stage roles (under the model's path) in the organization's
// accounts, with MFA. The organization is a reference (estate.RefOrgID).
func groupPolicy(m *AccountModel) string {
	self := "arn:aws:iam::*:user/${aws:username}"
	mfa := "arn:aws:iam::*:mfa/${aws:username}"
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "ViewAccountInfo", "Effect": "Allow",
				"Action":   []string{"iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"},
				"Resource": "*"},
			map[string]any{"Sid": "ManageOwnCredentials", "Effect": "Allow",
				"Action": []string{"iam:ChangePassword", "iam:GetUser", "iam:GetLoginProfile", "iam:UpdateLoginProfile",
					"iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:GetAccessKeyLastUsed",
					"iam:ListMFADevices", "iam:EnableMFADevice", "iam:ResyncMFADevice", "iam:ListSigningCertificates",
					"iam:ListSSHPublicKeys", "iam:ListServiceSpecificCredentials"},
				"Resource": self},
			map[string]any{"Sid": "ManageOwnMFA", "Effect": "Allow",
				"Action":   []string{"iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"},
				"Resource": mfa},
			map[string]any{"Sid": "DeactivateOwnMFAOnlyWithMFA", "Effect": "Allow",
				"Action":    "iam:DeactivateMFADevice",
				"Resource":  self,
				"Condition": map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}},
			map[string]any{"Sid": "AssumeStageRoles", "Effect": "Allow",
				"Action":   "sts:AssumeRole",
				"Resource": "arn:aws:iam::*:role" + m.Path + "*",
				"Condition": map[string]any{
					"Bool":         map[string]any{"aws:MultiFactorAuthPresent": "true"},
					"StringEquals": map[string]any{"aws:ResourceOrgID": "${" + estate.RefOrgID + "}"},
				}},
		},
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// stageClass is the stage of an account of the spec: its environment's
// class, else what its Environment tag, name (or key) or OU says
// (estate.Classify): an imported spec, which writes no environments,
// gets its stage roles where the built one had them.
func stageClass(f *spec.Foundation, key string) string {
	a := f.Accounts[key]
	if c := estate.EnvironmentClass(a.Environment); c != "" {
		return c
	}
	name := a.Name
	if name == "" {
		name = key
	}
	return estate.Classify(&estate.Account{Name: name, Tags: a.Tags, Unit: a.Unit})
}
