package estate

import "sort"

// Identity is the identity layer: how people reach the accounts. It has
// two models, one of which an organization uses (guidance 000 and 002):
//
//   - IAM Identity Center (Center): one organization instance in the home
//     Region, its users, groups and memberships (when Identity Center is
//     the identity source), permission sets and account assignments;
//   - the Identity account (Account): IAM users in one account only, in a
//     group that may manage its own credentials and assume the stage
//     roles every target account holds.
//
// Accounts are named as everywhere in the estate: by e-mail key, or
// ManagementKey for the management account. A desired layer says what
// the spec asks for; an actual layer what the inventory read. In an
// actual layer a nil map is a part that was not read (Unread says why);
// an empty one was read and holds nothing.
type Identity struct {
	// Center is the IAM Identity Center part; nil when the spec does not
	// manage it (desired) or it was not read (actual).
	Center *IdentityCenter
	// Account is the Identity-account model; nil when not used (desired)
	// or not read (actual).
	Account *IdentityAccount
	// CrossAccountRoles are, in an actual estate, the IAM roles of every
	// account read whose trust policy lets a principal outside the role's
	// own account assume it (another account, or anyone), by
	// Where.Key(role name) of their account (Region ""); nil when not
	// read. The audit judges whom they trust, whatever the model.
	CrossAccountRoles map[string]*CrossAccountRole `json:",omitempty"`
	// Unread names, in an actual estate, the parts or places the
	// inventory could not read and why.
	Unread []string `json:",omitempty"`
	// Limits are the audit's yardsticks for Identity Center: desired
	// from the spec, copied onto the actual layer by Annotate.
	Limits IdentityLimits `json:",omitempty"`
}

// IdentityLimits are what the audit holds Identity Center to where the
// guidance names no number. A zero field takes its default.
type IdentityLimits struct {
	// AdminAccounts is how many accounts one administrator permission
	// set may be assigned in; DefaultAdminAccounts when 0.
	AdminAccounts int `json:",omitempty"`
	// SessionHours is the longest session a permission set may give, in
	// hours; DefaultSessionHours when 0.
	SessionHours int `json:",omitempty"`
	// ManagementUsers is how many people may reach the management
	// account; DefaultManagementUsers when 0.
	ManagementUsers int `json:",omitempty"`
}

// The defaults of IdentityLimits.
const (
	// DefaultAdminAccounts: guidance 000 gives each administrator
	// permission set to one team on one account (the management account,
	// Log Archive, Security Tooling), reused at most on that account's
	// twin in another stage; three leaves room for that and no more.
	DefaultAdminAccounts = 3
	// DefaultSessionHours: a working day. Identity Center allows up to
	// 12; a longer session outlives the shift of whoever opened it.
	DefaultSessionHours = 8
	// DefaultManagementUsers: guidance 000 wants "a small number of
	// individuals" with access to the management account.
	DefaultManagementUsers = 5
)

// Or returns l with each zero field set to its default.
func (l IdentityLimits) Or() IdentityLimits {
	if l.AdminAccounts <= 0 {
		l.AdminAccounts = DefaultAdminAccounts
	}
	if l.SessionHours <= 0 {
		l.SessionHours = DefaultSessionHours
	}
	if l.ManagementUsers <= 0 {
		l.ManagementUsers = DefaultManagementUsers
	}
	return l
}

// CrossAccountRole is an IAM role that principals of another account may
// assume.
type CrossAccountRole struct {
	Where
	Name string
	Path string
	// Trust is the trust policy (JSON, decoded from IAM's URL encoding).
	Trust string
}

// Identity sources of an Identity Center instance.
const (
	// SourceIdentityCenter: groundwork manages the users, groups and
	// memberships in the Identity Store.
	SourceIdentityCenter = "identity_center"
	// SourceExternal: an identity provider provisions users and groups
	// over SCIM; groundwork only refers to them by name.
	SourceExternal = "external"
)

// Principal types of an account assignment, as sso-admin names them.
const (
	PrincipalUser  = "USER"
	PrincipalGroup = "GROUP"
)

// IdentityCenter is an IAM Identity Center instance and what it holds.
type IdentityCenter struct {
	// Region is where the instance lives: the home Region.
	Region string
	// InstanceARN and IdentityStoreID identify the instance (actual; empty
	// when the organization has none, which InstanceMissing says).
	InstanceARN     string `json:",omitempty"`
	IdentityStoreID string `json:",omitempty"`
	// InstanceMissing says, in an actual estate, that the home Region has
	// no Identity Center instance: enabling it is a checklist step.
	InstanceMissing bool `json:",omitempty"`
	// DelegatedAdmin is the account registered as delegated administrator
	// for sso.amazonaws.com (actual), by account key; "" when none.
	DelegatedAdmin string `json:",omitempty"`

	// Source is SourceIdentityCenter or SourceExternal (desired).
	Source string
	// Users by user name and Groups by display name. Desired with
	// SourceIdentityCenter: what groundwork manages; with SourceExternal:
	// the principals the assignments name, which must exist. Actual:
	// every user and group read.
	Users  map[string]*IdentityUser
	Groups map[string]*IdentityGroup
	// PermissionSets by name. Desired: those the spec manages. Actual:
	// every permission set of the instance.
	PermissionSets map[string]*PermissionSet
	// Grants are the assignments as the spec writes them, with account,
	// OU and Root targets (desired); ExpandGrants turns them into
	// Assignments over an organization's accounts.
	Grants []Grant `json:",omitempty"`
	// Assignments are account assignments, sorted (actual: every
	// assignment of every permission set read, in every account).
	Assignments []Assignment `json:",omitempty"`
	// AccessControlAttributes are the attributes for access control
	// (ABAC) by key, each the user attribute path it takes its value from
	// (for example "${path:enterprise.costCenter}"). Desired: nil leaves
	// them alone. Actual: nil when not read.
	AccessControlAttributes map[string]string `json:",omitempty"`
}

// IdentityUser is a user of the Identity Store.
type IdentityUser struct {
	UserName    string
	ID          string `json:",omitempty"` // actual
	DisplayName string `json:",omitempty"`
	GivenName   string `json:",omitempty"`
	FamilyName  string `json:",omitempty"`
	Email       string `json:",omitempty"`
}

// IdentityGroup is a group of the Identity Store with its members' user
// names, sorted.
type IdentityGroup struct {
	Name        string
	ID          string `json:",omitempty"` // actual
	Description string `json:",omitempty"`
	Members     []string
}

// PermissionSet is an Identity Center permission set.
type PermissionSet struct {
	Name        string
	ARN         string `json:",omitempty"` // actual
	Description string `json:",omitempty"`
	// SessionDuration is an ISO 8601 duration such as "PT1H".
	SessionDuration string `json:",omitempty"`
	RelayState      string `json:",omitempty"`
	// ManagedPolicies are AWS managed policy ARNs, sorted.
	ManagedPolicies []string `json:",omitempty"`
	// CustomerPolicies are customer managed policy references, sorted by
	// path then name: a policy of that name must exist in every account
	// the set is provisioned to.
	CustomerPolicies []PolicyRef `json:",omitempty"`
	// InlinePolicy is the inline policy document (JSON), "" for none.
	InlinePolicy string `json:",omitempty"`
	// InlinePolicyFile is where the desired inline policy was read from,
	// for messages (desired).
	InlinePolicyFile string `json:"-"`
	// Boundary is the permissions boundary; nil for none.
	Boundary *Boundary         `json:",omitempty"`
	Tags     map[string]string `json:",omitempty"`
	// Provisioned are the accounts (by account key) the set is
	// provisioned to, sorted, and OutOfDate those where the provisioned
	// copy is older than the set (actual).
	Provisioned []string `json:",omitempty"`
	OutOfDate   []string `json:",omitempty"`
	// Unread names the attributes of the set that were not read (actual:
	// PermissionSetTags, PermissionSetBoundary), which a plan does not
	// compare and says so.
	Unread []string `json:",omitempty"`
}

// The attributes of a permission set an endpoint may not answer for.
const (
	PermissionSetTags     = "tags"
	PermissionSetBoundary = "permissions_boundary"
)

// PolicyRef names a customer managed policy by name and path.
type PolicyRef struct {
	Name string
	Path string // "/" when written without one
}

// Boundary is a permissions boundary: an AWS managed policy ARN, or a
// customer managed policy reference.
type Boundary struct {
	ManagedPolicy  string     `json:",omitempty"`
	CustomerPolicy *PolicyRef `json:",omitempty"`
}

// Grant is an assignment as the spec writes it: principals × a
// permission set × targets, where a target is an account, every account
// in an OU's subtree, or every account of the organization.
type Grant struct {
	PermissionSet string
	// Users and Groups are principal names, sorted.
	Users  []string `json:",omitempty"`
	Groups []string `json:",omitempty"`
	// Accounts are account keys; Units OU paths ("Workloads/Prod");
	// Root every account.
	Accounts []string `json:",omitempty"`
	Units    []string `json:",omitempty"`
	Root     bool     `json:",omitempty"`
}

// Assignment is one account assignment: a principal given a permission
// set in one account.
type Assignment struct {
	PermissionSet string
	PrincipalType string // PrincipalUser or PrincipalGroup
	Principal     string // user name or group display name
	Account       string // account key
	// PrincipalID is the Identity Store ID of the principal (actual). An
	// assignment whose principal the Identity Store no longer has is
	// named by this ID in Principal too.
	PrincipalID string `json:",omitempty"`
}

// Key identifies the assignment: "account/permission set/TYPE/principal".
func (a Assignment) Key() string {
	return a.Account + "/" + a.PermissionSet + "/" + a.PrincipalType + "/" + a.Principal
}

// ExpandGrants returns the assignments grants make over accounts, which
// maps each account key to its OU path (RootPath for an account directly
// under the root), sorted by Key and without duplicates. An OU target
// covers the accounts in that OU and every OU below it.
func ExpandGrants(grants []Grant, accounts map[string]string) []Assignment {
	seen := map[string]bool{}
	var out []Assignment
	add := func(g Grant, account string) {
		for _, u := range g.Users {
			a := Assignment{PermissionSet: g.PermissionSet, PrincipalType: PrincipalUser, Principal: u, Account: account}
			if !seen[a.Key()] {
				seen[a.Key()] = true
				out = append(out, a)
			}
		}
		for _, gr := range g.Groups {
			a := Assignment{PermissionSet: g.PermissionSet, PrincipalType: PrincipalGroup, Principal: gr, Account: account}
			if !seen[a.Key()] {
				seen[a.Key()] = true
				out = append(out, a)
			}
		}
	}
	for _, g := range grants {
		for _, acct := range g.Accounts {
			add(g, acct)
		}
		for acct, path := range accounts {
			if g.Root || inAnyUnit(path, g.Units) {
				add(g, acct)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// inAnyUnit reports whether an account at OU path is in one of the
// subtrees units name.
func inAnyUnit(path string, units []string) bool {
	for _, u := range units {
		if path == u || (len(path) > len(u) && path[:len(u)] == u && path[len(u)] == '/') {
			return true
		}
	}
	return false
}

// IdentityAccount is the Identity-account model of guidance 002: IAM
// users in one account, and in each target account the stage roles they
// assume.
type IdentityAccount struct {
	// Account is the key of the Identity account.
	Account string
	// Group is the IAM group of the Identity account's users, whose only
	// permissions are self-service credential management and assuming
	// the stage roles; GroupPolicy its inline policy (JSON). Actual: the
	// group's name when it exists ("" when not), and the document of
	// groundwork's inline policy on it ("" when it has none).
	Group       string
	GroupPolicy string `json:",omitempty"`
	// GroupManagedPolicies and GroupInlinePolicies are, in an actual
	// estate, the managed policy ARNs attached to the group and the names
	// of its inline policies other than groundwork's (whose document is
	// GroupPolicy), sorted: the model wants none.
	GroupManagedPolicies []string `json:",omitempty"`
	GroupInlinePolicies  []string `json:",omitempty"`
	// Users are the IAM users of the Identity account by name. Desired:
	// those the spec manages. Actual: every IAM user there.
	Users map[string]*IdentityAccountUser
	// Roles are the cross-account roles by Where.Key(role name) of their
	// account (Region ""). Desired: the stage roles of every target
	// account. Actual: the roles of that name read.
	Roles map[string]*StageRole
	// Detected says, in an actual estate read without a spec that names
	// the model, that the Identity account was found from the roles that
	// trust it with MFA rather than named: the import writes the model
	// from it, the audit does not judge it (only a spec says which
	// account is the Identity account).
	Detected bool `json:",omitempty"`
	// OutsideUsers are, in an actual estate, IAM user names by account
	// key for the accounts other than the Identity account that have any:
	// the model keeps users in the Identity account only.
	OutsideUsers map[string][]string `json:",omitempty"`
}

// IdentityAccountUser is an IAM user of the Identity account.
type IdentityAccountUser struct {
	Name string
	// Groups the user is in, sorted (actual: every group).
	Groups []string `json:",omitempty"`
	// ManagedPolicies and InlinePolicies attached to the user directly
	// (actual; the model wants none).
	ManagedPolicies []string `json:",omitempty"`
	InlinePolicies  []string `json:",omitempty"`
}

// StageRole is a cross-account role of the Identity-account model.
type StageRole struct {
	Where
	Name string
	Path string
	// Trust is the trust policy (JSON): the Identity account only, with
	// aws:MultiFactorAuthPresent.
	Trust string
	// MaxSessionSeconds is the maximum session duration.
	MaxSessionSeconds int32
	// ManagedPolicies are the attached managed policy ARNs, sorted.
	ManagedPolicies []string          `json:",omitempty"`
	Tags            map[string]string `json:",omitempty"`
}
