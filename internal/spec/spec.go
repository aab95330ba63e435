package spec

import (
	"slices"
	"strings"
)

// Version is the spec format this groundwork reads.
const Version = 1

// Foundation is a parsed foundation.yaml. Load fills defaults, so every
// field below holds its effective value. The fields are the core sections;
// the other top-level sections belong to the packages that register them
// (RegisterSection) and are reached through Section.
type Foundation struct {
	Version      int                 `yaml:"version"`
	Organization Organization        `yaml:"organization"`
	Units        map[string]*Unit    `yaml:"units"`
	Accounts     map[string]*Account `yaml:"accounts"`
	Tagging      Tagging             `yaml:"tagging"`

	// File is the path the spec was read from, for messages.
	File   string `yaml:"-"`
	pos    map[string]Pos
	keyPos map[string]Pos
	// sections holds the registered sections by key; see Section.
	sections map[string]Section
}

// Pos returns where a field path was written, or the zero Pos.
func (f *Foundation) Pos(path string) Pos { return f.pos[path] }

// KeyPos returns where the key of a field path was written: for
// "accounts.log-archive", the line that declares the account, where Pos
// gives the first field inside it. The zero Pos when the path was not
// written.
func (f *Foundation) KeyPos(path string) Pos { return f.keyPos[path] }

// KeyPaths returns the field paths of the keys written in the file at or
// under prefix ("logging" gives "logging", "logging.trail", ...; "" gives
// every one), sorted.
func (f *Foundation) KeyPaths(prefix string) []string {
	var out []string
	for p := range f.keyPos {
		if prefix == "" || p == prefix || strings.HasPrefix(p, prefix+".") || strings.HasPrefix(p, prefix+"[") {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// Organization holds what names and places the whole foundation.
type Organization struct {
	// ID is the [org-identifier] of guidance 000 that ends every account
	// name and e-mail, such as "primary".
	ID          string `yaml:"id"`
	EmailDomain string `yaml:"email_domain"`
	// HomeRegion is where global resources and the management plane live.
	HomeRegion string `yaml:"home_region"`
	// Regions are the operational Regions; every other Region is denied.
	Regions []string `yaml:"regions"`
	Naming  Naming   `yaml:"naming"`
	// AccessRole is the role groundwork assumes in member accounts.
	AccessRole string     `yaml:"access_role"`
	Management Management `yaml:"management"`
}

// Management describes the management account, which groundwork never
// creates: it is the account groundwork runs from.
type Management struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	// ExemptFromNaming lets a management account keep a name or e-mail
	// that predates the conventions.
	ExemptFromNaming bool `yaml:"exempt_from_naming"`
	// Contacts overrides the management account's alternate contacts, as
	// accounts.<key>.contacts does a member's; without a contacts section
	// they are the only ones groundwork manages there.
	Contacts *Contacts `yaml:"contacts"`
}

// Naming holds the templates account names (aliases) and root e-mails
// follow. Placeholders: {org}, {domain}, {name} (the account's key),
// {workload}, {environment}, {username}.
type Naming struct {
	ManagementAccount string `yaml:"management_account"`
	ManagementEmail   string `yaml:"management_email"`
	Account           string `yaml:"account"`
	AccountEmail      string `yaml:"account_email"`
	WorkloadAccount   string `yaml:"workload_account"`
	WorkloadEmail     string `yaml:"workload_email"`
	SandboxAccount    string `yaml:"sandbox_account"`
	SandboxEmail      string `yaml:"sandbox_email"`
}

// Unit is an organizational unit and the units nested in it.
type Unit struct {
	Units map[string]*Unit `yaml:"units"`
	// Guardrails is "baseline" (the default: baseline SCPs attach here) or
	// "none" (the Exceptions OU of guidance 000).
	Guardrails string            `yaml:"guardrails"`
	Tags       map[string]string `yaml:"tags"`
}

// Account is a member account. Its name and e-mail follow the naming
// conventions unless given explicitly.
type Account struct {
	// Unit is the slash-separated path of the OU the account belongs in,
	// or Root for an account directly under the root (the guidance puts
	// none there; an organization built by hand may).
	Unit string `yaml:"unit"`
	// Role is log-archive, security-tooling, identity-center, workload,
	// sandbox, or empty.
	Role        string            `yaml:"role"`
	Name        string            `yaml:"name"`
	Email       string            `yaml:"email"`
	Workload    string            `yaml:"workload"`
	Environment string            `yaml:"environment"`
	Username    string            `yaml:"username"`
	Tags        map[string]string `yaml:"tags"`
	// Contacts overrides the alternate contacts of this account.
	Contacts *Contacts `yaml:"contacts"`
	// ExemptFromNaming lets an existing account keep a name or e-mail that
	// predates the conventions.
	ExemptFromNaming bool `yaml:"exempt_from_naming"`
}

// Tagging is the tagging dictionary of guidance 000, and the tag policy
// groundwork generates from it.
type Tagging struct {
	Required []string            `yaml:"required"`
	Values   map[string][]string `yaml:"values"`
	Policy   *TagPolicy          `yaml:"policy"`
}

// TagPolicy turns the dictionary into an AWS Organizations tag policy that
// fixes each key's case and allowed values.
type TagPolicy struct {
	// Name of the tag policy; default groundwork-tagging.
	Name string `yaml:"name"`
	// Attach lists targets: Root, OU paths or account keys; default Root.
	Attach []string `yaml:"attach"`
	// EnforcedFor lists resource types ("ec2:instance", "s3:bucket") for
	// which non-compliant tagging operations are refused.
	EnforcedFor []string `yaml:"enforced_for"`
	// Disabled turns the generated policy off.
	Disabled bool `yaml:"disabled"`
}

// Contacts are alternate contacts (billing, operations, security): an
// account's own under accounts.<key>.contacts, and the shape of the
// organization-wide ones the section that owns them reads. E-mails default
// to the convention [account-name]-billing@domain (guidance 000).
type Contacts struct {
	// Phone is the default phone number of every contact; AWS requires one.
	Phone      string   `yaml:"phone"`
	Billing    *Contact `yaml:"billing"`
	Operations *Contact `yaml:"operations"`
	Security   *Contact `yaml:"security"`
}

// Contact is one alternate contact. AWS requires all four fields.
type Contact struct {
	Name  string `yaml:"name"`
	Title string `yaml:"title"`
	Email string `yaml:"email"`
	Phone string `yaml:"phone"`
}
