package hardening

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// SpecKey is the section of foundation.yaml Spec is read from.
const SpecKey = "hardening"

func init() {
	spec.RegisterSection(spec.SectionType{Key: SpecKey, Order: 600,
		New:     func() spec.Section { return &Spec{} },
		Starter: func(spec.StarterOptions) string { return starter }})
}

// SpecOf returns the hardening section of f, defaults applied.
func SpecOf(f *spec.Foundation) *Spec { return f.Section(SpecKey).(*Spec) }

// Spec is the hardening section: the foundational hardening of guidance 000: an IAM
// password policy and S3 Block Public Access in every account, no default
// VPCs, no IAM users in the management account. The layer is built when
// the spec writes a hardening section (`hardening: {}` takes every
// default); `disabled: true` turns it off.
type Spec struct {
	Disabled            bool                    `yaml:"disabled"`
	PasswordPolicy      PasswordPolicySpec      `yaml:"password_policy"`
	S3BlockPublicAccess S3BlockPublicAccessSpec `yaml:"s3_block_public_access"`
	// DeleteDefaultVPCs deletes the default VPC of every account and
	// operational Region that nothing runs in (default true). A delete
	// confirmed on its own: apply carries it out only with
	// --allow-delete-default-vpcs.
	DeleteDefaultVPCs *bool `yaml:"delete_default_vpcs"`
	// ManagementIAMUsers is "report" (default: plan notes and audit
	// findings) or "delete" (apply deletes them, with --allow-delete).
	ManagementIAMUsers string `yaml:"management_iam_users"`
	// BreakGlassUsers are IAM users of the management account kept on
	// purpose: the break-glass access guidance 000 allows. They are never
	// deleted and not reported.
	BreakGlassUsers []string `yaml:"break_glass_users"`
	// EBSDefaultEncryption turns EBS encryption by default on in every
	// account and operational Region (default true; CIS AWS Foundations
	// v3.0.0 2.2.1). false leaves each Region as it is: groundwork never
	// turns the setting off.
	EBSDefaultEncryption *bool `yaml:"ebs_default_encryption"`
	// SupportRole is the IAM role for AWS Support in every account (CIS
	// 1.17).
	SupportRole SupportRoleSpec `yaml:"support_role"`
}

// SupportRoleSpec is the role incident responders open AWS Support cases
// through: in every account, holding the AWS managed policy
// AWSSupportAccess and trusting the account itself, so that the
// account's own IAM policies say who may assume it.
type SupportRoleSpec struct {
	// Enabled makes the role (default true); false leaves every account's
	// roles alone: groundwork never deletes one.
	Enabled *bool `yaml:"enabled"`
	// Name is the role's name (default groundwork-support).
	Name string `yaml:"name"`
	// Path is the role's IAM path (default /org-admin/, the path guidance
	// 004 and the ProtectOrgAdminRoles SCP protect from change).
	Path string `yaml:"path"`
}

// DefaultSupportRoleName is the support role's name unless the spec
// names one.
const DefaultSupportRoleName = "groundwork-support"

// rolePathRE is an IAM path as IAM accepts it: / alone, or /-separated
// segments of printable ASCII between slashes (up to 512 characters).
var rolePathRE = regexp.MustCompile(`^/([\x21-\x7E]+/)?$`)

// PasswordPolicySpec is the IAM account password policy set in every
// account. The defaults are the strong policy of guidance 002 (IAM-030),
// which meets CIS AWS Foundations 1.8 and 1.9. Weaker values are
// accepted; audit reports them.
type PasswordPolicySpec struct {
	// Enabled sets the policy (default true); false leaves each account's
	// policy alone.
	Enabled          *bool `yaml:"enabled"`
	MinLength        int   `yaml:"min_length"`
	RequireUppercase *bool `yaml:"require_uppercase"`
	RequireLowercase *bool `yaml:"require_lowercase"`
	RequireNumbers   *bool `yaml:"require_numbers"`
	RequireSymbols   *bool `yaml:"require_symbols"`
	// MaxAgeDays expires passwords after this many days; 0 never.
	MaxAgeDays *int `yaml:"max_age_days"`
	// ReusePrevention is how many previous passwords cannot be reused; 0
	// none.
	ReusePrevention *int `yaml:"reuse_prevention"`
}

// S3BlockPublicAccessSpec is account-level S3 Block Public Access.
type S3BlockPublicAccessSpec struct {
	// Enabled turns all four settings on in every account (default true).
	Enabled *bool `yaml:"enabled"`
	// Exceptions are account keys left alone: an account dedicated to
	// serving public S3 data (guidance 000).
	Exceptions []string `yaml:"exceptions"`
}

// The password policy of guidance 002 (IAM-030) and CIS AWS Foundations
// v3.0.0 1.8 and 1.9, and the ranges IAM accepts.
const (
	GuidancePasswordLength = 14
	GuidancePasswordMaxAge = 90
	GuidancePasswordReuse  = 24
	minPasswordLength      = 6
	maxPasswordLength      = 128
	maxPasswordAge         = 1095
	maxPasswordReuse       = 24
)

// What management_iam_users accepts.
const (
	ManagementUsersReport = "report"
	ManagementUsersDelete = "delete"
)

// Defaults fills the guidance's hardening.
func (h *Spec) Defaults(_ *spec.Foundation, written func(string) bool) {
	if !written("hardening") {
		h.Disabled = true
	}
	on := func(b **bool) {
		if *b == nil {
			t := true
			*b = &t
		}
	}
	num := func(n **int, v int) {
		if *n == nil {
			*n = &v
		}
	}
	p := &h.PasswordPolicy
	on(&p.Enabled)
	if p.MinLength == 0 && !written("hardening.password_policy.min_length") {
		p.MinLength = GuidancePasswordLength
	}
	on(&p.RequireUppercase)
	on(&p.RequireLowercase)
	on(&p.RequireNumbers)
	on(&p.RequireSymbols)
	num(&p.MaxAgeDays, GuidancePasswordMaxAge)
	num(&p.ReusePrevention, GuidancePasswordReuse)
	on(&h.S3BlockPublicAccess.Enabled)
	on(&h.DeleteDefaultVPCs)
	if h.ManagementIAMUsers == "" {
		h.ManagementIAMUsers = ManagementUsersReport
	}
	on(&h.EBSDefaultEncryption)
	on(&h.SupportRole.Enabled)
	if h.SupportRole.Name == "" && !written("hardening.support_role.name") {
		h.SupportRole.Name = DefaultSupportRoleName
	}
	if h.SupportRole.Path == "" && !written("hardening.support_role.path") {
		h.SupportRole.Path = policy.DefaultProtectedRolePath
	}
}

// Validate checks the hardening layer when the spec builds it.
func (h *Spec) Validate(f *spec.Foundation, v *spec.Validator) {
	if h.Disabled {
		return
	}
	p := h.PasswordPolicy
	if p.MinLength < minPasswordLength || p.MinLength > maxPasswordLength {
		v.At("hardening.password_policy.min_length", "%d is not a length IAM accepts: %d to %d (the guidance asks for at least %d)",
			p.MinLength, minPasswordLength, maxPasswordLength, GuidancePasswordLength)
	}
	if d := *p.MaxAgeDays; d < 0 || d > maxPasswordAge {
		v.At("hardening.password_policy.max_age_days", "%d is not an expiry IAM accepts: 1 to %d days, or 0 for passwords that never expire (the guidance asks for at most %d)",
			d, maxPasswordAge, GuidancePasswordMaxAge)
	}
	if n := *p.ReusePrevention; n < 0 || n > maxPasswordReuse {
		v.At("hardening.password_policy.reuse_prevention", "%d is not a reuse prevention IAM accepts: 1 to %d previous passwords, or 0 for none (the guidance asks for %d)",
			n, maxPasswordReuse, GuidancePasswordReuse)
	}
	seen := map[string]bool{}
	for i, key := range h.S3BlockPublicAccess.Exceptions {
		path := fmt.Sprintf("hardening.s3_block_public_access.exceptions[%d]", i)
		switch _, ok := f.Accounts[key]; {
		case key == estate.ManagementKey:
			v.At(path, "the management account cannot be an exception: guidance 000 blocks public access there first; put public data in a dedicated workload account")
		case !ok:
			v.At(path, "%q is not an account key%s", key, spec.Suggest(key, f.AccountKeys()))
		case seen[key]:
			v.At(path, "account %q is listed twice", key)
		}
		seen[key] = true
	}
	switch h.ManagementIAMUsers {
	case ManagementUsersReport, ManagementUsersDelete:
	default:
		v.At("hardening.management_iam_users", "%q is not a setting; expected report (plan notes and audit findings) or delete (apply deletes them, with --allow-delete)",
			h.ManagementIAMUsers)
	}
	seen = map[string]bool{}
	for i, name := range h.BreakGlassUsers {
		path := fmt.Sprintf("hardening.break_glass_users[%d]", i)
		switch {
		case !spec.IsIAMName(name):
			v.At(path, "%q is not a valid IAM user name", name)
		case seen[name]:
			v.At(path, "user %q is listed twice", name)
		}
		seen[name] = true
	}
	if r := h.SupportRole; *r.Enabled {
		if !spec.IsIAMName(r.Name) {
			v.At("hardening.support_role.name", "%q is not a valid IAM role name (1 to 64 letters, digits and +=,.@_-)", r.Name)
		}
		if len(r.Path) > 512 || !rolePathRE.MatchString(r.Path) || strings.Contains(r.Path, "//") {
			v.At("hardening.support_role.path", "%q is not an IAM role path: it starts and ends with /, no segment empty, at most 512 characters (default %s, the path the ProtectOrgAdminRoles SCP protects)",
				r.Path, policy.DefaultProtectedRolePath)
		}
	}
}

// Desired sets the hardening layer the spec asks for: in the
// management account and every account of the spec, default VPCs in
// every operational Region.
func (h *Spec) Desired(f *spec.Foundation, e *estate.Estate) { e.Hardening = h.desired(f) }

func (h *Spec) desired(f *spec.Foundation) *estate.Hardening {
	if h.Disabled {
		return nil
	}
	out := estate.NewHardening()
	out.HomeRegion = f.Organization.HomeRegion
	out.Regions = append([]string(nil), f.Organization.Regions...)
	out.DeleteDefaultVPCs = *h.DeleteDefaultVPCs
	out.DeleteManagementUsers = h.ManagementIAMUsers == ManagementUsersDelete
	out.BreakGlassUsers = append([]string(nil), h.BreakGlassUsers...)
	sort.Strings(out.BreakGlassUsers)
	exception := map[string]bool{}
	for _, key := range h.S3BlockPublicAccess.Exceptions {
		exception[key] = true
		out.PublicAccessExceptions = append(out.PublicAccessExceptions, string(f.Where(key, "").Account))
	}
	sort.Strings(out.PublicAccessExceptions)
	var role *estate.SupportRole
	if r := h.SupportRole; *r.Enabled {
		role = &estate.SupportRole{Name: r.Name, Path: r.Path, TrustsAccount: true, SupportAccess: true}
	}
	p := h.PasswordPolicy
	for _, key := range append([]string{estate.ManagementKey}, f.AccountKeys()...) {
		acct := string(f.Where(key, "").Account)
		out.Accounts = append(out.Accounts, acct)
		if *p.Enabled {
			out.PasswordPolicies[acct] = &estate.PasswordPolicy{
				MinLength: p.MinLength, RequireUppercase: *p.RequireUppercase, RequireLowercase: *p.RequireLowercase,
				RequireNumbers: *p.RequireNumbers, RequireSymbols: *p.RequireSymbols,
				MaxAgeDays: *p.MaxAgeDays, ReusePrevention: *p.ReusePrevention,
				// Users change their own passwords, expired ones too:
				// otherwise expiry locks them out until an administrator
				// resets the password.
				AllowUsersToChange: true,
			}
		}
		if *h.S3BlockPublicAccess.Enabled && !exception[key] {
			out.PublicAccessBlocks[acct] = estate.BlockAll()
		}
		if role != nil {
			cp := *role
			out.SupportRoles[acct] = &cp
		}
		if *h.EBSDefaultEncryption {
			for _, region := range f.Organization.Regions {
				w := estate.Where{Account: estate.AccountKey(acct), Region: region}
				out.EBSEncryption[w.String()] = &estate.EBSEncryption{Where: w, Enabled: true}
			}
		}
	}
	sort.Strings(out.Accounts)
	return out
}

// starter is the hardening section of `groundwork init`.
const starter = `# Foundational hardening (guidance 000, 002): the same IAM password policy
# and S3 Block Public Access in every account, the management account
# included; no default VPCs; no IAM users in the management account.
hardening:
  # At least 14 characters of all four kinds, expiring after 90 days, the
  # last 24 never reused (CIS AWS Foundations 1.8 and 1.9). Weaker values
  # are accepted and reported by audit.
  password_policy:
    min_length: 14
    require_uppercase: true
    require_lowercase: true
    require_numbers: true
    require_symbols: true
    max_age_days: 90
    reuse_prevention: 24
  # Account-level S3 Block Public Access, all four settings, in every
  # account; list an account that serves public data (by key) as an
  # exception.
  s3_block_public_access:
    enabled: true
    exceptions: []
  # Delete the default VPC of every account in every operational Region;
  # one that anything runs in (a network interface) is kept and named in
  # the plan. Confirmed on its own: apply runs it only with
  # --allow-delete-default-vpcs (--allow-delete does not).
  delete_default_vpcs: true
  # IAM users of the management account: report, or delete (only with
  # --allow-delete). The user groundwork runs as is never deleted.
  management_iam_users: report
  # Break-glass IAM users the management account keeps either way.
  break_glass_users: []
  # EBS encryption by default in every account and operational Region
  # (CIS AWS Foundations 2.2.1). false leaves each Region as it is:
  # groundwork never turns it off.
  ebs_default_encryption: true
  # A role for AWS Support in every account, holding the AWS managed
  # policy AWSSupportAccess and trusting the account itself (CIS 1.17);
  # under /org-admin/, the path the ProtectOrgAdminRoles SCP protects.
  # enabled: false leaves the roles alone; groundwork never deletes one.
  support_role:
    enabled: true
    name: groundwork-support
    path: /org-admin/
`
