package estate

import (
	"sort"
	"strings"
)

// RootPath is the path of the organization root. Unit paths are
// slash-separated OU names below it, such as "Workloads/Prod".
const RootPath = ""

// Estate describes one AWS organization: the organization itself, its OU
// tree and its accounts. A desired estate leaves IDs empty; an actual estate
// carries the IDs AWS assigned.
type Estate struct {
	// Organization is nil when the management account is not in an
	// organization (actual) or never for a desired estate.
	Organization *Organization
	// Units by path. The root is not included.
	Units map[string]*Unit
	// Accounts by EmailKey of their root e-mail address, the one identifier
	// AWS keeps unique and stable across an account's life.
	Accounts map[string]*Account
	// Org is the organization layer: policies, trusted access, delegated
	// administrators. Nil when not read (actual) or not asked for (desired).
	Org *OrgLayer
	// Logging is the central logging layer; nil when not read or not
	// asked for.
	Logging *Logging
	// Monitoring, Billing and Hardening are the layers of those names; nil
	// when not read or not asked for.
	Monitoring *Monitoring
	Billing    *Billing
	Hardening  *Hardening
	Network    *Network // read by the audit over a Scope; nil when not read
	Posture    *Posture // read over a Scope, whatever the spec says
	// Datastores and Detection are read by the audit over a Scope: where
	// the organization keeps data and the instances that reach it, and
	// the services that look for trouble. Nil when not read.
	Datastores *Datastores
	Detection  *Detection
	// Identity is the identity layer: IAM Identity Center or the
	// Identity-account model. Nil when not read or not asked for.
	Identity *Identity
	// Extra holds the state of layers Estate has no field for: a layer
	// registered from outside groundwork's own table of contents (a test's,
	// say), by layer name. A layer treats its value as immutable and
	// replaces the map rather than changing it in place, because a shallow
	// copy of an Estate (layer.PlanView's) shares it.
	Extra map[string]any
	// Drift is what a plan against the spec would change; set on an
	// actual estate when the audit is given a spec, so that each change is
	// a finding.
	Drift []Drift
	// Duplicates are the names the estate keys by that several resources
	// of an actual organization share (two accounts of one e-mail, two OUs
	// at one path): Units and Accounts hold one of each, and the others
	// would be invisible without this list. Sorted by What, then Key.
	Duplicates []Duplicate
	// Regions is the set of Regions the organization operates in; HomeRegion
	// is where global resources live.
	HomeRegion string
	Regions    []string
	// EmailDomain is the spec's organization.email_domain, of which apply
	// makes the conventional e-mails (alternate contacts) of every account
	// the spec names; "" on an actual estate audited without a spec.
	// Annotate copies it from the desired estate.
	EmailDomain string `json:",omitempty"`
	// RootUseDays is how recent a use of the root user the audit reports
	// (CIS v3.0.0 1.7), in days: audit --root-use-days; 0 takes
	// DefaultRootUseDays.
	RootUseDays int `json:",omitempty"`
}

// DefaultRootUseDays is the window of RootUseDays when none is set: a
// month, long enough to catch a root user used for routine work, which
// the benchmark asks to end, while a single use a quarter ago for one of
// the few tasks only the root user can do has aged out.
const DefaultRootUseDays = 30

// Organization is the AWS Organizations organization.
type Organization struct {
	ID                     string
	ARN                    string
	RootID                 string
	FeatureSet             string // "ALL" or "CONSOLIDATED_BILLING"
	ManagementAccountID    string
	ManagementAccountEmail string
	// ManagementAccountName is the management account's name as the spec
	// gives it (desired only: a desired estate does not list the
	// management account among its accounts).
	ManagementAccountName string
}

// Duplicate is a name that should identify one resource and that several
// share.
type Duplicate struct {
	// What the name is: DuplicateAccountEmail, DuplicateAccountName,
	// DuplicateUnitPath.
	What string
	// Key is the shared name: an e-mail, an account name, a unit path.
	Key string
	// IDs are the AWS IDs of every resource that shares it, sorted; the
	// estate holds the first.
	IDs []string
}

// What a Duplicate's name is.
const (
	DuplicateAccountEmail = "account e-mail"
	DuplicateAccountName  = "account name"
	DuplicateUnitPath     = "OU path"
)

// Unit is an organizational unit.
type Unit struct {
	ID   string
	Path string // "Workloads/Prod"
	Tags map[string]string
	// Guardrails says whether baseline guardrails apply to this unit (false
	// for Exceptions in the recommended foundation).
	Guardrails bool
}

// Name is the last element of the unit's path.
func (u *Unit) Name() string { return PathName(u.Path) }

// Parent is the path of the unit's parent; RootPath for a top-level unit.
func (u *Unit) Parent() string { return ParentPath(u.Path) }

// Role says what an account is for in the foundation.
type Role string

// The roles guidance 000 gives accounts.
const (
	RoleNone            Role = ""
	RoleManagement      Role = "management"
	RoleLogArchive      Role = "log-archive"
	RoleSecurityTooling Role = "security-tooling"
	RoleIdentityCenter  Role = "identity-center"
	// RoleIdentity is the Identity account of guidance 002's model: the
	// only account with IAM users, who assume roles in the others.
	RoleIdentity Role = "identity"
	RoleWorkload Role = "workload"
	RoleSandbox  Role = "sandbox"
)

// Roles lists every role a spec may give an account.
var Roles = []Role{RoleLogArchive, RoleSecurityTooling, RoleIdentityCenter, RoleIdentity, RoleWorkload, RoleSandbox}

// Account is an AWS account in the organization.
type Account struct {
	ID    string
	Name  string
	Email string
	// Status is the account's state as Organizations reports it
	// (PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED);
	// empty for desired accounts. Ask Active rather than comparing it.
	Status string
	// Unit is the path of the account's parent; RootPath when directly
	// under the root.
	Unit string
	Tags map[string]string
	// Role, Environment are known for desired accounts; for actual accounts
	// they are filled from the spec when the account is managed, and
	// otherwise guessed from tags (see Classify).
	Role        Role
	Environment string
	// Key is the account's key in the spec, empty for unmanaged accounts.
	Key string
	// SpecName is the account's name as the spec gives it, which may differ
	// from the live Name (the management account's above all): set by
	// Annotate, empty for accounts the spec does not name.
	SpecName string
	// Contacts are the alternate contacts by type (ContactBilling, ...).
	// Nil when not read (actual) or not managed (desired).
	Contacts map[string]Contact
}

// AccountActive is the Status of an account in use.
const AccountActive = "ACTIVE"

// Active reports whether the account is in use: ACTIVE, or of no known
// status (a desired account). Any other account is not read, managed or
// judged: a SUSPENDED, PENDING_CLOSURE or CLOSED one is on its way out and
// its access role may be gone; a PENDING_ACTIVATION one cannot be entered
// yet. This is the one account-status predicate: use it, not Status.
func (a *Account) Active() bool {
	return a.Status == "" || a.Status == AccountActive
}

// IsManagement reports whether the account is the organization's management
// account.
func (e *Estate) IsManagement(a *Account) bool {
	return e.Organization != nil && a.ID != "" && a.ID == e.Organization.ManagementAccountID
}

// New returns an empty estate.
func New() *Estate {
	return &Estate{Units: map[string]*Unit{}, Accounts: map[string]*Account{}}
}

// SortedUnits returns the units ordered by path, parents before children.
func (e *Estate) SortedUnits() []*Unit {
	out := make([]*Unit, 0, len(e.Units))
	for _, u := range e.Units {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// SortedAccounts returns the accounts ordered by unit path, then name, then
// e-mail.
func (e *Estate) SortedAccounts() []*Account {
	out := make([]*Account, 0, len(e.Accounts))
	for _, a := range e.Accounts {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Unit != out[j].Unit {
			return out[i].Unit < out[j].Unit
		}
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Email < out[j].Email
	})
	return out
}

// AccountsIn returns the accounts whose parent is exactly the unit path.
func (e *Estate) AccountsIn(path string) []*Account {
	var out []*Account
	for _, a := range e.SortedAccounts() {
		if a.Unit == path {
			out = append(out, a)
		}
	}
	return out
}

// AccountsWithRole returns the accounts with the given role, sorted.
func (e *Estate) AccountsWithRole(r Role) []*Account {
	var out []*Account
	for _, a := range e.SortedAccounts() {
		if a.Role == r {
			out = append(out, a)
		}
	}
	return out
}

// UnitByID finds a unit by its AWS ID.
func (e *Estate) UnitByID(id string) *Unit {
	for _, u := range e.Units {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// PathName is the last element of a unit path.
func PathName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// ParentPath is the path of a unit's parent; RootPath for a top-level unit.
func ParentPath(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[:i]
	}
	return RootPath
}

// TopLevel is the first element of a unit path: the top-level OU the path
// sits under.
func TopLevel(path string) string {
	if i := strings.IndexByte(path, '/'); i >= 0 {
		return path[:i]
	}
	return path
}

// DisplayPath renders a unit path for people: "Root" for the root,
// "Root/Workloads/Prod" otherwise.
func DisplayPath(path string) string {
	if path == RootPath {
		return "Root"
	}
	return "Root/" + path
}

// EmailKey is the key of an account in Estate.Accounts: AWS compares root
// e-mail addresses without regard to case.
func EmailKey(email string) string { return strings.ToLower(email) }
