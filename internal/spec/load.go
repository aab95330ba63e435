package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// DefaultTagKeys is the tagging dictionary of guidance 000.
var DefaultTagKeys = []string{"Owner", "BusinessUnit", "Environment", "CostCenter", "FinancialOwner", "Compliance"}

// DefaultEnvironments are the Environment tag values guidance 000 lists.
var DefaultEnvironments = []string{"Sandbox", "Dev", "PreProd", "QA", "Prod", "Testing"}

// Limits AWS enforces, checked before anything is sent. Lengths count
// characters, as AWS does.
const (
	maxAccountName = 50  // Organizations CreateAccount AccountName
	maxEmail       = 64  // Organizations CreateAccount Email
	maxUnitName    = 128 // Organizations CreateOrganizationalUnit Name
	maxTagKey      = 128 // Organizations TagResource Key
	maxTagValue    = 256 // Organizations TagResource Value
	// MaxTags is the most tags one AWS resource may have ("Quotas for AWS
	// Organizations": 50 user tags per resource).
	MaxTags = 50
	// MaxUnitDepth is the most levels of OUs below the root ("Quotas for
	// AWS Organizations": OU maximum nesting in a root, five levels).
	MaxUnitDepth = 5
)

// tagRE is the character set AWS allows in tag keys: letters, spaces,
// digits and _ . : / = + - @ (Organizations TagResource). Values are held
// to their length only: imported organizations carry values outside this
// set, and refusing them would make their specs unloadable.
var tagRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// accountNameRE is the character set of an account name: printable ASCII
// (Organizations CreateAccount AccountName).
var accountNameRE = regexp.MustCompile(`^[\x20-\x7E]*$`)

// Load reads, decodes, defaults and validates the spec at path. When the
// spec has problems the error is a Diagnostics listing all of them.
func Load(path string) (*Foundation, error) {
	src, err := ReadDocument(path, specKind)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read spec: %s does not exist; write one with `groundwork init` or pass --config", path)
	}
	if _, ok := err.(Diagnostics); err != nil && !ok {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// Parse is Load for a spec already in memory; name is used in messages.
func Parse(name string, src []byte) (*Foundation, error) {
	d := newDecoder(name)
	f := &Foundation{File: name}
	if !d.parse(src, f) {
		d.diags.sort()
		return nil, d.diags
	}
	f.pos, f.keyPos = d.pos, d.keyPos
	v := &Validator{f: f, d: d}
	d.validating = true
	written := func(path string) bool { _, ok := d.pos[path]; return ok }
	f.applyDefaults(written)
	// The sections the file wrote get their Defaults here, in order; the
	// others get theirs from Section, here or earlier when a section
	// before them reads them, and only once.
	decoded := map[string]Section{}
	for key, s := range f.sections {
		decoded[key] = s
	}
	sections := Sections()
	for _, st := range sections {
		if s, ok := decoded[st.Key]; ok {
			s.Defaults(f, written)
		} else {
			f.Section(st.Key) // New, with Defaults applied
		}
	}
	v.validate()
	for _, st := range sections {
		f.sections[st.Key].Validate(f, v)
	}
	if len(d.diags) > 0 {
		d.diags.sort()
		return nil, d.diags
	}
	return f, nil
}

// applyDefaults fills what the core sections leave out with the
// guidance's defaults.
func (f *Foundation) applyDefaults(func(string) bool) {
	n := &f.Organization.Naming
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&n.ManagementAccount, DefaultManagementAccount)
	def(&n.ManagementEmail, DefaultManagementEmail)
	def(&n.Account, DefaultAccount)
	def(&n.AccountEmail, DefaultAccountEmail)
	def(&n.WorkloadAccount, DefaultWorkloadAccount)
	def(&n.WorkloadEmail, DefaultWorkloadEmail)
	def(&n.SandboxAccount, DefaultSandboxAccount)
	def(&n.SandboxEmail, DefaultSandboxEmail)
	def(&f.Organization.AccessRole, policy.DefaultAccessRole)
	o := &f.Organization
	if len(o.Regions) == 0 && o.HomeRegion != "" {
		o.Regions = []string{o.HomeRegion}
	}
	vars := map[string]string{"org": o.ID, "domain": o.EmailDomain}
	def(&o.Management.Name, render(n.ManagementAccount, vars))
	def(&o.Management.Email, render(n.ManagementEmail, vars))
	walkUnits(f.Units, "", func(path string, u *Unit) {
		def(&u.Guardrails, "baseline")
	})
	for key, a := range f.Accounts {
		if a == nil {
			a = &Account{}
			f.Accounts[key] = a
		}
		nameTpl, emailTpl, _ := n.templates(a.Role)
		vars := map[string]string{"org": o.ID, "domain": o.EmailDomain, "name": key,
			"workload": a.Workload, "environment": a.Environment, "username": a.Username}
		def(&a.Name, render(nameTpl, vars))
		def(&a.Email, render(emailTpl, vars))
	}
	if len(f.Tagging.Required) == 0 {
		f.Tagging.Required = append([]string(nil), DefaultTagKeys...)
	}
	if f.Tagging.Values == nil {
		f.Tagging.Values = map[string][]string{"Environment": append([]string(nil), DefaultEnvironments...)}
	}
	if f.TagPolicyEnabled() {
		if f.Tagging.Policy == nil {
			f.Tagging.Policy = &TagPolicy{}
		}
		if f.Tagging.Policy.Name == "" {
			f.Tagging.Policy.Name = DefaultTagPolicyName
		}
		if f.Tagging.Policy.Attach == nil {
			f.Tagging.Policy.Attach = []string{estate.RootTarget}
		}
	}
}

// walkUnits calls fn for every unit, parents before children, in sorted
// order. Nil units (written as `Security:`) are replaced by empty ones.
func walkUnits(units map[string]*Unit, parent string, fn func(path string, u *Unit)) {
	names := make([]string, 0, len(units))
	for name := range units {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		u := units[name]
		if u == nil {
			u = &Unit{}
			units[name] = u
		}
		path := name
		if parent != "" {
			path = parent + "/" + name
		}
		fn(path, u)
		walkUnits(u.Units, path, fn)
	}
}

// UnitPath is the estate path of the account's unit: estate.RootPath for
// Root.
func (a *Account) UnitPath() string {
	if a.Unit == estate.RootTarget {
		return estate.RootPath
	}
	return a.Unit
}

// UnitPaths returns every unit path in the spec, sorted.
func (f *Foundation) UnitPaths() []string {
	var out []string
	walkUnits(f.Units, "", func(path string, _ *Unit) { out = append(out, path) })
	return out
}

// AccountWithRole returns the key of the account with role (an
// estate.Role, such as "log-archive"), the first in key order when several
// have it, or "" when none does.
func (f *Foundation) AccountWithRole(role string) string {
	for _, key := range f.AccountKeys() {
		if f.Accounts[key].Role == role {
			return key
		}
	}
	return ""
}

// Where places a resource in the account with key accountKey (or
// estate.ManagementKey) and region ("" for a global resource), as the
// estate keys accounts: by e-mail. accountKey must be ManagementKey or a
// key of f.Accounts.
func (f *Foundation) Where(accountKey, region string) estate.Where {
	if accountKey == estate.ManagementKey {
		return estate.Where{Account: estate.ManagementKey, Region: region}
	}
	return estate.Where{Account: estate.AccountKey(estate.EmailKey(f.Accounts[accountKey].Email)), Region: region}
}

// ResolvePath makes a path written in the spec relative to the spec's
// directory.
func (f *Foundation) ResolvePath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(f.File), p)
}

// AccountKeys returns the account keys, sorted.
func (f *Foundation) AccountKeys() []string {
	keys := make([]string, 0, len(f.Accounts))
	for k := range f.Accounts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// IsEmail reports whether s is an e-mail address AWS accepts.
func IsEmail(s string) bool { return emailRE.MatchString(s) }

// IsIAMName reports whether s is a valid IAM role or user name.
func IsIAMName(s string) bool { return roleRE.MatchString(s) }

var (
	keyRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	domainRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	emailRE  = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$`)
	roleRE   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

func (v *Validator) validate() {
	f := v.f
	if _, written := v.d.pos["version"]; !written {
		v.At("version", "required: set `version: %d` at the top of the file", Version)
	} else if f.Version != Version {
		v.At("version", "unsupported spec version %d; this groundwork reads version %d", f.Version, Version)
	}
	v.validateOrganization()
	v.checkUnitKeys(f.Units, "units")
	units := map[string]bool{}
	walkUnits(f.Units, "", func(path string, u *Unit) {
		units[path] = true
		v.validateUnit(path, u)
	})
	if len(f.Units) == 0 {
		v.At("units", "required: declare the OU tree (run `groundwork init` for the recommended one)")
	}
	v.validateAccounts(units)
	v.validateTagging()
}

func (v *Validator) validateOrganization() {
	o := v.f.Organization
	if o.ID == "" {
		v.At("organization.id", "required: the organization identifier used in every account name, such as \"primary\"")
	} else if !keyRE.MatchString(o.ID) {
		v.At("organization.id", "%q must be lowercase letters, digits and hyphens, starting with a letter or digit", o.ID)
	}
	if o.EmailDomain == "" {
		v.At("organization.email_domain", "required: the domain of the root e-mail addresses, such as example.com")
	} else if !domainRE.MatchString(o.EmailDomain) {
		v.At("organization.email_domain", "%q is not a valid lowercase domain name", o.EmailDomain)
	}
	if o.HomeRegion == "" {
		v.At("organization.home_region", "required: the Region where the foundation's global resources live, such as us-east-1")
	} else if !IsRegion(o.HomeRegion) {
		v.At("organization.home_region", "%q is not an AWS Region%s", o.HomeRegion, Suggest(o.HomeRegion, KnownRegions))
	}
	seen := map[string]bool{}
	_, written := v.d.pos["organization.regions"]
	for i, r := range o.Regions {
		if !written {
			seen[r] = true // the default, the home Region, is checked above
			continue
		}
		p := fmt.Sprintf("organization.regions[%d]", i)
		switch {
		case !IsRegion(r):
			v.At(p, "%q is not an AWS Region%s", r, Suggest(r, KnownRegions))
		case seen[r]:
			v.At(p, "Region %q is listed twice", r)
		}
		seen[r] = true
	}
	if o.HomeRegion != "" && IsRegion(o.HomeRegion) && !seen[o.HomeRegion] {
		v.At("organization.regions", "the home Region %q must be one of the operational Regions", o.HomeRegion)
	}
	if !roleRE.MatchString(o.AccessRole) {
		v.At("organization.access_role", "%q is not a valid IAM role name", o.AccessRole)
	}
	n := o.Naming
	for _, t := range []struct {
		field, tpl string
		vars       []string
	}{
		{"management_account", n.ManagementAccount, managementVars},
		{"management_email", n.ManagementEmail, managementVars},
		{"account", n.Account, accountVars},
		{"account_email", n.AccountEmail, accountVars},
		{"workload_account", n.WorkloadAccount, workloadVars},
		{"workload_email", n.WorkloadEmail, workloadVars},
		{"sandbox_account", n.SandboxAccount, sandboxVars},
		{"sandbox_email", n.SandboxEmail, sandboxVars},
	} {
		p := "organization.naming." + t.field
		if bad := unknownPlaceholders(t.tpl, t.vars); len(bad) > 0 {
			v.At(p, "unknown placeholder %s; this template may use {%s}", strings.Join(bad, ", "), strings.Join(t.vars, "}, {"))
		}
		if !strings.Contains(t.tpl, "{org}") {
			v.At(p, "%q has no {org}: every account name and e-mail carries the organization identifier (guidance 000), so that two organizations never clash", t.tpl)
		}
		if strings.HasSuffix(t.field, "email") && !strings.HasSuffix(t.tpl, "@{domain}") {
			v.At(p, "%q must end in @{domain}", t.tpl)
		}
	}
	if _, written := v.d.pos["organization.management.email"]; written && !emailRE.MatchString(o.Management.Email) {
		v.At("organization.management.email", "%q is not a valid e-mail address", o.Management.Email)
	}
	if o.ID == "" || o.EmailDomain == "" || o.Management.ExemptFromNaming {
		return
	}
	if !matchesConvention(o.Management.Name, n.ManagementAccount, o.ID, o.EmailDomain) {
		v.At("organization.management.name", "%q does not follow %s", o.Management.Name, describeTemplate("management account", n.ManagementAccount))
	}
	if emailRE.MatchString(o.Management.Email) && !matchesConvention(o.Management.Email, n.ManagementEmail, o.ID, o.EmailDomain) {
		v.At("organization.management.email", "%q does not follow %s", o.Management.Email, describeTemplate("management e-mail", n.ManagementEmail))
	}
}

// checkUnitKeys checks every OU name as written, before names are joined
// into paths.
func (v *Validator) checkUnitKeys(units map[string]*Unit, path string) {
	for name, u := range units {
		p := path + "." + name
		// '/' separates the names of a path. A '.' is allowed: AWS
		// allows it, and an organization built by hand has such names;
		// only the field paths of messages join names with '.'.
		if name == "" || utf8.RuneCountInString(name) > maxUnitName || strings.Contains(name, "/") {
			v.AtKey(p, "OU name %q must be 1 to %d characters without '/'", name, maxUnitName)
		}
		if u != nil {
			v.checkUnitKeys(u.Units, p+".units")
		}
	}
}

func (v *Validator) validateUnit(path string, u *Unit) {
	p := "units." + strings.ReplaceAll(path, "/", ".units.")
	if depth := strings.Count(path, "/") + 1; depth == MaxUnitDepth+1 {
		// Reported once, at the first level too deep; the units below it
		// are deeper for the same reason.
		v.AtKey(p, "OU %s is %d levels below the root; AWS Organizations nests OUs at most %d levels deep", path, depth, MaxUnitDepth)
	}
	if u.Guardrails != "baseline" && u.Guardrails != "none" {
		v.At(p+".guardrails", "%q is not a guardrail setting; expected baseline or none", u.Guardrails)
	}
	v.validateTags(p+".tags", u.Tags)
}

func (v *Validator) validateAccounts(units map[string]bool) {
	f := v.f
	o := f.Organization
	names := map[string]string{strings.ToLower(o.Management.Name): "organization.management"}
	emails := map[string]string{strings.ToLower(o.Management.Email): "organization.management"}
	roles := map[string][]string{}
	// In file order, so that of two clashing accounts the later one is
	// reported.
	keys := f.AccountKeys()
	sort.SliceStable(keys, func(i, j int) bool {
		pi, pj := v.d.keyPos["accounts."+keys[i]], v.d.keyPos["accounts."+keys[j]]
		return pi.Line < pj.Line || pi.Line == pj.Line && pi.Column < pj.Column
	})
	for _, key := range keys {
		a := f.Accounts[key]
		p := "accounts." + key
		if !keyRE.MatchString(key) {
			v.AtKey(p, "account key %q must be lowercase letters, digits and hyphens", key)
		}
		switch {
		case a.Unit == "":
			v.At(p+".unit", "required: the path of the OU this account belongs in, such as Workloads/Prod (or Root, directly under the root)")
		case a.Unit == estate.RootTarget:
		case !units[a.Unit]:
			v.At(p+".unit", "OU %q is not declared under units%s", a.Unit, Suggest(a.Unit, f.UnitPaths()))
		}
		switch a.Role {
		case "", "log-archive", "security-tooling", "identity-center", "identity":
		case "workload":
			if a.Workload == "" {
				v.At(p+".workload", "required for a workload account: the workload's short name, such as payments")
			}
			if a.Environment == "" {
				v.At(p+".environment", "required for a workload account: the stage, such as prod or dev")
			}
		case "sandbox":
			if a.Username == "" {
				v.At(p+".username", "required for a sandbox account: the user it belongs to")
			}
		default:
			v.At(p+".role", "unknown role %q; expected one of: log-archive, security-tooling, identity-center, identity, workload, sandbox", a.Role)
		}
		if a.Role != "" && a.Role != "workload" && a.Role != "sandbox" {
			roles[a.Role] = append(roles[a.Role], key)
		}
		v.validateAccountNaming(key, a)
		if prev, dup := names[strings.ToLower(a.Name)]; dup {
			v.At(p+".name", "account name %q is already used by %s", a.Name, prev)
		} else {
			names[strings.ToLower(a.Name)] = p
		}
		if prev, dup := emails[strings.ToLower(a.Email)]; dup {
			v.At(p+".email", "e-mail %q is already used by %s; every AWS account needs its own address", a.Email, prev)
		} else {
			emails[strings.ToLower(a.Email)] = p
		}
		v.validateTags(p+".tags", a.Tags)
	}
	for role, keys := range roles {
		for _, k := range keys[1:] {
			v.At("accounts."+k+".role", "role %q is already given to account %q; a foundation has one %s account", role, keys[0], role)
		}
	}
}

func (v *Validator) validateAccountNaming(key string, a *Account) {
	o := v.f.Organization
	p := "accounts." + key
	nameTpl, emailTpl, _ := o.Naming.templates(a.Role)
	if a.Name == "" || utf8.RuneCountInString(a.Name) > maxAccountName || !accountNameRE.MatchString(a.Name) {
		v.At(p+".name", "account name %q must be 1 to %d characters, printable ASCII", a.Name, maxAccountName)
	}
	if !emailRE.MatchString(a.Email) || len(a.Email) > maxEmail {
		v.At(p+".email", "%q is not a valid e-mail address of at most %d characters", a.Email, maxEmail)
		return
	}
	if a.ExemptFromNaming || o.ID == "" || o.EmailDomain == "" {
		return
	}
	const hint = "; follow it, or set exempt_from_naming: true for an account that predates it"
	if !matchesConvention(a.Name, nameTpl, o.ID, o.EmailDomain) {
		v.At(p+".name", "%q does not follow %s%s", a.Name, describeTemplate("account name", nameTpl), hint)
	}
	if !matchesConvention(a.Email, emailTpl, o.ID, o.EmailDomain) {
		v.At(p+".email", "%q does not follow %s%s", a.Email, describeTemplate("e-mail", emailTpl), hint)
	}
}

func (v *Validator) validateTags(path string, tags map[string]string) {
	if len(tags) > MaxTags {
		v.At(path, "%d tags; AWS allows at most %d on one resource", len(tags), MaxTags)
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := path + "." + k
		switch {
		case len(k) == 0 || utf8.RuneCountInString(k) > maxTagKey:
			v.AtKey(p, "tag key must be 1 to %d characters", maxTagKey)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			v.AtKey(p, "tag keys starting with aws: are reserved by AWS")
		case !tagRE.MatchString(k):
			v.AtKey(p, "tag key %q has a character AWS does not allow; use letters, digits, spaces and _ . : / = + - @", k)
		case utf8.RuneCountInString(tags[k]) > maxTagValue:
			v.At(p, "tag value must be at most %d characters", maxTagValue)
		}
		if allowed, ok := v.f.Tagging.Values[k]; ok && len(allowed) > 0 && !slices.Contains(allowed, tags[k]) {
			v.At(p, "%q is not an allowed value for tag %s; expected one of: %s", tags[k], k, strings.Join(allowed, ", "))
		}
	}
}

func (v *Validator) validateTagging() {
	seen := map[string]bool{}
	for i, k := range v.f.Tagging.Required {
		if seen[strings.ToLower(k)] {
			v.At(fmt.Sprintf("tagging.required[%d]", i), "tag key %q is listed twice", k)
		}
		seen[strings.ToLower(k)] = true
	}
}
