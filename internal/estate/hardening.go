package estate

import "sort"

// Hardening is the foundational hardening of guidance 000: the IAM
// password policy and S3 Block Public Access of every account, the
// default VPCs, the IAM users of the management account, and the root
// user's credentials. Accounts are named as everywhere in the estate: by
// e-mail key, or ManagementKey for the management account.
//
// A desired layer says what the spec asks for; an actual layer what the
// inventory read. Fields marked "desired" are left empty in an actual
// layer, and fields marked "actual" in a desired one.
type Hardening struct {
	// Accounts are the accounts the layer covers (desired) or was read in
	// (actual), sorted; Regions the Regions default VPCs are looked for
	// in (the operational Regions); HomeRegion where account-wide APIs
	// such as S3 Control are called.
	Accounts   []string
	Regions    []string
	HomeRegion string

	// PasswordPolicies are the IAM account password policies by account.
	// Desired: the policy wanted; an account without one is left alone.
	// Actual: an account without an entry has no policy (IAM defaults).
	PasswordPolicies map[string]*PasswordPolicy
	// PublicAccessBlocks are the account-level S3 Block Public Access
	// settings by account. Desired: the accounts that must block; actual:
	// every account read, all false when none is set.
	PublicAccessBlocks map[string]*PublicAccessBlock
	// PublicAccessExceptions are the accounts the spec exempts from Block
	// Public Access (desired).
	PublicAccessExceptions []string `json:",omitempty"`
	// DefaultVPCs found, by Where.Key(VPC ID) (actual).
	DefaultVPCs map[string]*DefaultVPC
	// DeleteDefaultVPCs says the spec asks for the default VPCs to go
	// (desired).
	DeleteDefaultVPCs bool `json:",omitempty"`
	// Roots are the root user's credentials by account, from IAM
	// GetAccountSummary (actual).
	Roots map[string]*RootCredentials
	// ManagementUsers are the IAM users of the management account by name
	// (actual).
	ManagementUsers map[string]*IAMUser
	// DeleteManagementUsers says the spec asks for those users to be
	// deleted rather than reported (desired); BreakGlassUsers are the
	// ones it keeps either way (desired).
	DeleteManagementUsers bool     `json:",omitempty"`
	BreakGlassUsers       []string `json:",omitempty"`
	// Caller is the ARN the estate was read as (actual), so that a plan
	// never deletes the IAM user groundwork runs as. It is left out of
	// the fingerprint: applying a saved plan as another principal is not
	// a change of the organization.
	Caller string `json:"-"`

	// EBSEncryption is EBS encryption by default by Where.String() of an
	// account (by key) and Region. Desired: the places where it must be
	// on (hardening.ebs_default_encryption); none when the spec leaves it
	// alone. Actual: every place read, read only when the desired layer
	// asks for it.
	EBSEncryption map[string]*EBSEncryption `json:",omitempty"`
	// SupportRoles are the roles incident responders open AWS Support
	// cases through, by account key. Desired: the role every account
	// must have (hardening.support_role); none when the spec leaves them
	// alone. Actual: the role of that name where it exists, read only
	// when the desired layer asks for one.
	SupportRoles map[string]*SupportRole `json:",omitempty"`
}

// EBSEncryption is whether EBS encrypts every new volume of an account
// and Region, whatever its creator asks.
type EBSEncryption struct {
	Where
	Enabled bool
}

// SupportRole is an IAM role for AWS Support (CIS AWS Foundations v3.0.0
// 1.17): desired, the role as groundwork makes it; actual, what the role
// of that name holds.
type SupportRole struct {
	Name string
	Path string
	// TrustsAccount says the trust policy lets the account's own
	// principals, and only them, assume the role (the account's root as
	// principal: IAM policies in the account then say who may).
	TrustsAccount bool
	// SupportAccess says the AWS managed policy AWSSupportAccess is
	// attached.
	SupportAccess bool
	// Tags are the role's tags (actual).
	Tags map[string]string `json:",omitempty"`
}

// NewHardening returns an empty hardening layer.
func NewHardening() *Hardening {
	return &Hardening{
		PasswordPolicies: map[string]*PasswordPolicy{}, PublicAccessBlocks: map[string]*PublicAccessBlock{},
		DefaultVPCs: map[string]*DefaultVPC{}, Roots: map[string]*RootCredentials{}, ManagementUsers: map[string]*IAMUser{},
		EBSEncryption: map[string]*EBSEncryption{}, SupportRoles: map[string]*SupportRole{},
	}
}

// PasswordPolicy is an IAM account password policy.
type PasswordPolicy struct {
	MinLength        int
	RequireUppercase bool
	RequireLowercase bool
	RequireNumbers   bool
	RequireSymbols   bool
	// MaxAgeDays is how long a password lasts; 0: it never expires.
	MaxAgeDays int
	// ReusePrevention is how many previous passwords cannot be reused;
	// 0: none.
	ReusePrevention    int
	AllowUsersToChange bool
	// HardExpiry stops users from changing an expired password
	// themselves: an administrator must reset it.
	HardExpiry bool
}

// PublicAccessBlock is the account-level S3 Block Public Access
// configuration.
type PublicAccessBlock struct {
	BlockPublicACLs       bool
	IgnorePublicACLs      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// BlockAll is the configuration with all four settings on.
func BlockAll() *PublicAccessBlock {
	return &PublicAccessBlock{BlockPublicACLs: true, IgnorePublicACLs: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
}

// On reports whether all four settings are on: anything less lets some
// public access through.
func (p *PublicAccessBlock) On() bool {
	return p != nil && p.BlockPublicACLs && p.IgnorePublicACLs && p.BlockPublicPolicy && p.RestrictPublicBuckets
}

// DefaultVPC is the default VPC of one account and Region.
type DefaultVPC struct {
	Where
	ID   string
	CIDR string
	// NetworkInterfaces counts the network interfaces in the VPC: anything
	// running there (instances, load balancers, Lambda functions, NAT
	// gateways, interface endpoints) has one.
	NetworkInterfaces int
}

// RootCredentials are what IAM says about an account's root user.
type RootCredentials struct {
	AccessKeys bool // AccountAccessKeysPresent
	MFA        bool // AccountMFAEnabled
}

// IAMUser is an IAM user.
type IAMUser struct {
	Name string
	ARN  string
	Path string
	// BreakGlass marks a user the spec keeps on purpose (break_glass_users).
	BreakGlass bool `json:",omitempty"`
}

// SortedDefaultVPCs returns the default VPCs by account, Region and ID.
func (h *Hardening) SortedDefaultVPCs() []*DefaultVPC {
	out := make([]*DefaultVPC, 0, len(h.DefaultVPCs))
	for _, v := range h.DefaultVPCs {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key(out[i].ID) < out[j].Key(out[j].ID) })
	return out
}

// SortedUsers returns the management account's IAM users by name.
func (h *Hardening) SortedUsers() []*IAMUser {
	out := make([]*IAMUser, 0, len(h.ManagementUsers))
	for _, u := range h.ManagementUsers {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Covers reports whether the layer covers (desired) or read (actual) the
// account.
func (h *Hardening) Covers(account string) bool {
	i := sort.SearchStrings(h.Accounts, account)
	return i < len(h.Accounts) && h.Accounts[i] == account
}
