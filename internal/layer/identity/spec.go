package identity

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/input"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// SpecKey is the section of foundation.yaml Spec is read from.
const SpecKey = "identity"

func init() {
	// After tagging (the default access control attributes are its keys)
	// and the organization layer's services (the delegated administrator).
	spec.RegisterSection(spec.SectionType{Key: SpecKey, Order: 900, Starter: starter,
		New: func() spec.Section { return &Spec{} }})
}

// SpecOf returns the identity section of f, defaults applied.
func SpecOf(f *spec.Foundation) *Spec { return f.Section(SpecKey).(*Spec) }

// The models an organization gives people access by.
const (
	// ModelIdentityCenter is IAM Identity Center (guidance 000), the
	// default.
	ModelIdentityCenter = "identity_center"
	// ModelIdentityAccount is the Identity-account model (guidance 002):
	// IAM users in one account who assume roles in the others.
	ModelIdentityAccount = "identity_account"
)

// Spec is the identity section: how people reach the accounts. It is
// built when the spec writes an identity section; without one, Disabled.
type Spec struct {
	Disabled bool `yaml:"disabled"`
	// Model is ModelIdentityCenter (default) or ModelIdentityAccount.
	Model string `yaml:"model"`

	// Source is where Identity Center's users and groups come from:
	// estate.SourceIdentityCenter (default: groundwork manages them) or
	// estate.SourceExternal (an identity provider provisions them).
	Source string `yaml:"source"`
	// Users by user name.
	Users map[string]*User `yaml:"users"`
	// Groups by display name.
	Groups map[string]*Group `yaml:"groups"`
	// PermissionSets by name.
	PermissionSets map[string]*PermissionSet `yaml:"permission_sets"`
	Assignments    []*Assignment             `yaml:"assignments"`
	// AccessControlAttributes maps each attribute key to the user
	// attribute it takes its value from, such as
	// "${path:enterprise.costCenter}". Unwritten: derived from the
	// tagging dictionary's keys (see Defaults); an empty mapping leaves
	// the instance's attributes alone.
	AccessControlAttributes map[string]string `yaml:"access_control_attributes"`

	// IdentityAccount configures the Identity-account model.
	IdentityAccount AccountModel `yaml:"identity_account"`

	// Audit holds the audit's limits for Identity Center (spec_audit.go).
	Audit AuditLimits `yaml:"audit"`
}

// User is a user of the Identity Store.
type User struct {
	DisplayName string `yaml:"display_name"`
	GivenName   string `yaml:"given_name"`
	FamilyName  string `yaml:"family_name"`
	Email       string `yaml:"email"`
}

// Group is a group of the Identity Store.
type Group struct {
	Description string   `yaml:"description"`
	Members     []string `yaml:"members"`
}

// PermissionSet is an Identity Center permission set.
type PermissionSet struct {
	Description string `yaml:"description"`
	// SessionDuration is a Go duration ("1h", "8h30m") or an ISO 8601 one
	// ("PT1H"), 1 to 12 hours; default 1h.
	SessionDuration string `yaml:"session_duration"`
	RelayState      string `yaml:"relay_state"`
	// ManagedPolicies are AWS managed policies by name
	// ("AdministratorAccess", "job-function/ViewOnlyAccess") or ARN.
	ManagedPolicies []string `yaml:"managed_policies"`
	// CustomerManagedPolicies are references to customer managed
	// policies, which must exist in every account the set is assigned in.
	CustomerManagedPolicies []PolicyRef `yaml:"customer_managed_policies"`
	// InlinePolicy is the path of a JSON policy file, relative to the
	// spec.
	InlinePolicy        string            `yaml:"inline_policy"`
	PermissionsBoundary *Boundary         `yaml:"permissions_boundary"`
	Tags                map[string]string `yaml:"tags"`

	// content is the inline policy read by Validate.
	content string
}

// PolicyRef names a customer managed policy.
type PolicyRef struct {
	Name string `yaml:"name"`
	Path string `yaml:"path"`
}

// Boundary is a permissions boundary: an AWS managed policy, or a
// customer managed one.
type Boundary struct {
	ManagedPolicy         string     `yaml:"managed_policy"`
	CustomerManagedPolicy *PolicyRef `yaml:"customer_managed_policy"`
}

// Assignment gives users and groups a permission set on targets: account
// keys (or "management"), OU paths (every account in the subtree) or the
// root (every account).
type Assignment struct {
	PermissionSet string   `yaml:"permission_set"`
	Users         []string `yaml:"users"`
	Groups        []string `yaml:"groups"`
	Accounts      []string `yaml:"accounts"`
	Units         []string `yaml:"units"`
	Root          bool     `yaml:"root"`
}

var (
	// permissionSetRE is the name pattern sso-admin accepts.
	permissionSetRE = regexp.MustCompile(`^[\w+=,.@-]{1,32}$`)
	// userNameRE is what the Identity Store accepts as a user name: up to
	// 128 printable characters without spaces or control characters.
	userNameRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$`)
	// iso8601RE is an ISO 8601 duration of hours and minutes.
	iso8601RE = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?$`)
)

// Defaults fills the model, source and session durations, and derives
// the access control attributes from the tagging dictionary when the
// spec does not write them.
func (s *Spec) Defaults(f *spec.Foundation, written func(string) bool) {
	if !written(SpecKey) {
		s.Disabled = true
	}
	if s.Model == "" {
		s.Model = ModelIdentityCenter
	}
	if s.Source == "" {
		s.Source = estate.SourceIdentityCenter
	}
	for _, ps := range s.PermissionSets {
		if ps != nil && ps.SessionDuration == "" {
			ps.SessionDuration = "1h"
		}
	}
	for _, u := range s.Users {
		if u != nil && u.DisplayName == "" && (u.GivenName != "" || u.FamilyName != "") {
			u.DisplayName = strings.TrimSpace(u.GivenName + " " + u.FamilyName)
		}
	}
	if !written(SpecKey + ".access_control_attributes") {
		s.AccessControlAttributes = defaultAttributes(f)
	}
	s.IdentityAccount.defaults(f)
}

// userAttributes are the Identity Store user attributes a tag key of the
// dictionary takes its value from, by the key in lower case.
var userAttributes = map[string]string{
	"costcenter":   "${path:enterprise.costCenter}",
	"businessunit": "${path:enterprise.division}",
	"division":     "${path:enterprise.division}",
	"department":   "${path:enterprise.department}",
	"organization": "${path:enterprise.organization}",
}

// defaultAttributes are the access control attributes for the keys of
// the tagging dictionary that an Identity Store user attribute holds.
func defaultAttributes(f *spec.Foundation) map[string]string {
	out := map[string]string{}
	for _, k := range f.Tagging.Required {
		if src, ok := userAttributes[strings.ToLower(k)]; ok {
			out[k] = src
		}
	}
	for k := range f.Tagging.Values {
		if src, ok := userAttributes[strings.ToLower(k)]; ok {
			out[k] = src
		}
	}
	return out
}

// Validate reports every problem of the section.
func (s *Spec) Validate(f *spec.Foundation, v *spec.Validator) {
	if s.Disabled {
		return
	}
	switch s.Model {
	case ModelIdentityCenter, ModelIdentityAccount:
	default:
		v.At(SpecKey+".model", "unknown model %q; expected %s or %s", s.Model, ModelIdentityCenter, ModelIdentityAccount)
	}
	s.Audit.validate(v)
	if s.Model == ModelIdentityAccount {
		s.validateAccountModel(f, v)
		return
	}
	switch s.Source {
	case estate.SourceIdentityCenter, estate.SourceExternal:
	default:
		v.At(SpecKey+".source", "unknown identity source %q; expected %s or %s", s.Source, estate.SourceIdentityCenter, estate.SourceExternal)
	}
	s.validateUsers(v)
	s.validateGroups(v)
	for _, name := range slices.Sorted(maps.Keys(s.PermissionSets)) {
		s.validatePermissionSet(f, v, name)
	}
	for i := range s.Assignments {
		s.validateAssignment(f, v, i)
	}
}

func (s *Spec) validateUsers(v *spec.Validator) {
	emails := map[string]string{}
	names := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(s.Users)) {
		p := SpecKey + ".users." + name
		u := s.Users[name]
		if !userNameRE.MatchString(name) {
			v.AtKey(p, "user name %q must be 1 to 128 characters without spaces", name)
		}
		if prev, dup := names[strings.ToLower(name)]; dup {
			v.AtKey(p, "duplicate user: %q and %q differ only in case, and the Identity Store compares user names without case", prev, name)
		}
		names[strings.ToLower(name)] = name
		if u == nil {
			u = &User{}
			s.Users[name] = u
		}
		if s.Source == estate.SourceExternal {
			continue
		}
		if u.GivenName == "" {
			v.At(p+".given_name", "required: the Identity Store needs a given name")
		}
		if u.FamilyName == "" {
			v.At(p+".family_name", "required: the Identity Store needs a family name")
		}
		switch {
		case u.Email == "":
			v.At(p+".email", "required: the address Identity Center sends the user's invitation to")
		case !spec.IsEmail(u.Email):
			v.At(p+".email", "%q is not an e-mail address", u.Email)
		default:
			if prev, dup := emails[strings.ToLower(u.Email)]; dup {
				v.At(p+".email", "duplicate user: %s has the same e-mail", prev)
			}
			emails[strings.ToLower(u.Email)] = name
		}
	}
}

func (s *Spec) validateGroups(v *spec.Validator) {
	for _, name := range slices.Sorted(maps.Keys(s.Groups)) {
		p := SpecKey + ".groups." + name
		g := s.Groups[name]
		if g == nil {
			s.Groups[name] = &Group{}
			continue
		}
		if s.Source == estate.SourceExternal && len(g.Members) > 0 {
			v.At(p+".members", "the external identity provider manages memberships; remove members or set source: identity_center")
			continue
		}
		seen := map[string]bool{}
		for i, m := range g.Members {
			mp := fmt.Sprintf("%s.members[%d]", p, i)
			if _, ok := s.Users[m]; !ok {
				v.At(mp, "unknown user %q; declare it under identity.users%s", m, spec.Suggest(m, slices.Sorted(maps.Keys(s.Users))))
			}
			if seen[m] {
				v.At(mp, "%q is listed twice", m)
			}
			seen[m] = true
		}
	}
}

func (s *Spec) validatePermissionSet(f *spec.Foundation, v *spec.Validator, name string) {
	p := SpecKey + ".permission_sets." + name
	ps := s.PermissionSets[name]
	if !permissionSetRE.MatchString(name) {
		v.AtKey(p, "permission set name %q must be 1 to 32 letters, digits and +=,.@_-", name)
	}
	if ps == nil {
		ps = &PermissionSet{SessionDuration: "1h"}
		s.PermissionSets[name] = ps
	}
	if _, err := SessionDuration(ps.SessionDuration); err != nil {
		v.At(p+".session_duration", "%v", err)
	}
	if len(ps.Description) > 700 {
		v.At(p+".description", "%d characters; sso-admin accepts at most 700", len(ps.Description))
	}
	if len(ps.RelayState) > 240 {
		v.At(p+".relay_state", "%d characters; sso-admin accepts at most 240", len(ps.RelayState))
	}
	for i, m := range ps.ManagedPolicies {
		if ManagedPolicyARN(m) == "" {
			v.At(fmt.Sprintf("%s.managed_policies[%d]", p, i), "%q is not an AWS managed policy name or ARN", m)
		}
	}
	for i, c := range ps.CustomerManagedPolicies {
		validateRef(v, fmt.Sprintf("%s.customer_managed_policies[%d]", p, i), c)
	}
	if b := ps.PermissionsBoundary; b != nil {
		bp := p + ".permissions_boundary"
		switch {
		case (b.ManagedPolicy == "") == (b.CustomerManagedPolicy == nil):
			v.At(bp, "set either managed_policy or customer_managed_policy")
		case b.ManagedPolicy != "" && ManagedPolicyARN(b.ManagedPolicy) == "":
			v.At(bp+".managed_policy", "%q is not an AWS managed policy name or ARN", b.ManagedPolicy)
		case b.CustomerManagedPolicy != nil:
			validateRef(v, bp+".customer_managed_policy", *b.CustomerManagedPolicy)
		}
	}
	if ps.InlinePolicy != "" {
		ps.content = readInlinePolicy(f, v, p+".inline_policy", ps.InlinePolicy)
	}
	if len(ps.ManagedPolicies) == 0 && len(ps.CustomerManagedPolicies) == 0 && ps.InlinePolicy == "" {
		v.AtKey(p, "grants nothing: set managed_policies, customer_managed_policies or inline_policy")
	}
}

func validateRef(v *spec.Validator, p string, r PolicyRef) {
	if !spec.IsIAMName(r.Name) {
		v.At(p+".name", "%q is not an IAM policy name", r.Name)
	}
	if r.Path != "" && (!strings.HasPrefix(r.Path, "/") || !strings.HasSuffix(r.Path, "/")) {
		v.At(p+".path", "%q is not an IAM path: it starts and ends with /", r.Path)
	}
}

// readInlinePolicy reads and lints an inline policy file the spec names
// at spec path p, reporting problems in that file at their line and
// column; it returns the document, or "" when it has problems.
func readInlinePolicy(f *spec.Foundation, v *spec.Validator, p, file string) string {
	path := f.ResolvePath(file)
	src, err := input.ReadFile(path, input.Policy)
	if err == nil {
		src, err = input.JSON(path, src, input.Policy)
	}
	if e, ok := input.AsError(err); ok {
		v.InFile(e.File, e.Line, e.Column, "%s", e.Message)
		return ""
	}
	if err != nil {
		v.At(p, "cannot read the policy: %v", err)
		return ""
	}
	problems := policy.Lint("", src, policy.Identity)
	for _, prob := range problems {
		line, col := policy.Locate(src, prob)
		prob.File = ""
		v.InFile(path, line, col, "%s", prob.Error())
	}
	if len(problems) > 0 {
		return ""
	}
	return string(src)
}

func (s *Spec) validateAssignment(f *spec.Foundation, v *spec.Validator, i int) {
	p := fmt.Sprintf("%s.assignments[%d]", SpecKey, i)
	a := s.Assignments[i]
	if a == nil {
		v.At(p, "empty assignment: set permission_set, users or groups, and accounts, units or root")
		return
	}
	if _, ok := s.PermissionSets[a.PermissionSet]; !ok {
		if a.PermissionSet == "" {
			v.At(p+".permission_set", "required: the permission set to assign")
		} else {
			v.At(p+".permission_set", "unknown permission set %q; declare it under identity.permission_sets%s",
				a.PermissionSet, spec.Suggest(a.PermissionSet, slices.Sorted(maps.Keys(s.PermissionSets))))
		}
	}
	if len(a.Users)+len(a.Groups) == 0 {
		v.At(p, "assigns to nobody: set users or groups")
	}
	if len(a.Accounts)+len(a.Units) == 0 && !a.Root {
		v.At(p, "assigns nowhere: set accounts, units or root: true")
	}
	// With Identity Center as the source the principals are the spec's;
	// an external provider's are looked up by plan.
	if s.Source == estate.SourceIdentityCenter {
		for j, u := range a.Users {
			if _, ok := s.Users[u]; !ok {
				v.At(fmt.Sprintf("%s.users[%d]", p, j), "unknown user %q; declare it under identity.users%s", u, spec.Suggest(u, slices.Sorted(maps.Keys(s.Users))))
			}
		}
		for j, g := range a.Groups {
			if _, ok := s.Groups[g]; !ok {
				v.At(fmt.Sprintf("%s.groups[%d]", p, j), "unknown group %q; declare it under identity.groups%s", g, spec.Suggest(g, slices.Sorted(maps.Keys(s.Groups))))
			}
		}
	}
	for j, k := range a.Accounts {
		ap := fmt.Sprintf("%s.accounts[%d]", p, j)
		if k == estate.ManagementKey {
			// Guidance 000: on the management account, named users only.
			if len(a.Groups) > 0 {
				v.At(ap, "a group is assigned on the management account: guidance 000 allows only named users there; move %s to an assignment of users", strings.Join(a.Groups, ", "))
			}
			continue
		}
		if _, ok := f.Accounts[k]; !ok {
			v.At(ap, "unknown account %q; expected management or a key under accounts%s", k, spec.Suggest(k, f.AccountKeys()))
		}
	}
	units := f.UnitPaths()
	for j, u := range a.Units {
		if !slices.Contains(units, u) {
			v.At(fmt.Sprintf("%s.units[%d]", p, j), "OU %q is not declared under units%s", u, spec.Suggest(u, units))
		}
	}
	if a.Root && len(a.Groups) > 0 {
		v.At(p+".root", "root: true assigns the management account too, and guidance 000 allows only named users there; assign the groups to units instead")
	}
}

// SessionDuration parses a session duration written as a Go duration
// ("1h", "90m") or an ISO 8601 one ("PT1H30M") and returns it in ISO
// 8601, as sso-admin takes it. sso-admin accepts 1 to 12 hours.
func SessionDuration(s string) (string, error) {
	var d time.Duration
	if m := iso8601RE.FindStringSubmatch(s); m != nil && s != "PT" {
		var h, min int
		fmt.Sscan(m[1]+" ", &h)
		fmt.Sscan(m[2]+" ", &min)
		d = time.Duration(h)*time.Hour + time.Duration(min)*time.Minute
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return "", fmt.Errorf("%q is not a duration; write it as 1h, 8h30m or PT8H", s)
		}
	}
	if d < time.Hour || d > 12*time.Hour || d%time.Minute != 0 {
		return "", fmt.Errorf("%s is outside what Identity Center allows: 1 to 12 hours, in whole minutes", s)
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	out := "PT"
	if h > 0 {
		out += fmt.Sprintf("%dH", h)
	}
	if m > 0 {
		out += fmt.Sprintf("%dM", m)
	}
	return out, nil
}

// managedPolicyRE is an AWS managed policy ARN, in any partition.
var managedPolicyRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/[\w+=,.@/-]+$`)

// ManagedPolicyARN returns the ARN of an AWS managed policy written by
// name ("AdministratorAccess", "job-function/ViewOnlyAccess") or ARN, or
// "" when s is neither.
func ManagedPolicyARN(s string) string {
	if managedPolicyRE.MatchString(s) {
		return s
	}
	if s == "" || strings.HasPrefix(s, "arn:") || strings.HasPrefix(s, "/") || !managedPolicyRE.MatchString("arn:aws:iam::aws:policy/"+s) {
		return ""
	}
	return "arn:aws:iam::aws:policy/" + s
}

// Desired adds the identity layer the section asks for.
func (s *Spec) Desired(f *spec.Foundation, e *estate.Estate) {
	if s.Disabled {
		return
	}
	if s.Model == ModelIdentityAccount {
		e.Identity = &estate.Identity{Account: s.IdentityAccount.desired(f), Limits: s.Audit.desired()}
		return
	}
	c := &estate.IdentityCenter{
		Region:         f.Organization.HomeRegion,
		Source:         s.Source,
		Users:          map[string]*estate.IdentityUser{},
		Groups:         map[string]*estate.IdentityGroup{},
		PermissionSets: map[string]*estate.PermissionSet{},
	}
	if s.AccessControlAttributes != nil && len(s.AccessControlAttributes) > 0 {
		c.AccessControlAttributes = maps.Clone(s.AccessControlAttributes)
	}
	for name, u := range s.Users {
		c.Users[name] = &estate.IdentityUser{UserName: name, DisplayName: u.DisplayName, GivenName: u.GivenName, FamilyName: u.FamilyName, Email: u.Email}
	}
	for name, g := range s.Groups {
		c.Groups[name] = &estate.IdentityGroup{Name: name, Description: g.Description, Members: slices.Sorted(slices.Values(g.Members))}
	}
	for name, ps := range s.PermissionSets {
		c.PermissionSets[name] = ps.desired(name)
	}
	for _, a := range s.Assignments {
		g := estate.Grant{PermissionSet: a.PermissionSet, Root: a.Root,
			Users: slices.Sorted(slices.Values(a.Users)), Groups: slices.Sorted(slices.Values(a.Groups)),
			Units: slices.Clone(a.Units)}
		for _, k := range a.Accounts {
			if k == estate.ManagementKey || f.Accounts[k] != nil {
				g.Accounts = append(g.Accounts, string(f.Where(k, "").Account))
			}
		}
		c.Grants = append(c.Grants, g)
	}
	e.Identity = &estate.Identity{Center: c, Limits: s.Audit.desired()}
}

func (ps *PermissionSet) desired(name string) *estate.PermissionSet {
	d, _ := SessionDuration(ps.SessionDuration)
	out := &estate.PermissionSet{Name: name, Description: ps.Description, SessionDuration: d,
		RelayState: ps.RelayState, InlinePolicy: ps.content, InlinePolicyFile: ps.InlinePolicy,
		Tags: maps.Clone(ps.Tags)}
	for _, m := range ps.ManagedPolicies {
		out.ManagedPolicies = append(out.ManagedPolicies, ManagedPolicyARN(m))
	}
	slices.Sort(out.ManagedPolicies)
	out.ManagedPolicies = slices.Compact(out.ManagedPolicies)
	for _, c := range ps.CustomerManagedPolicies {
		out.CustomerPolicies = append(out.CustomerPolicies, ref(c))
	}
	slices.SortFunc(out.CustomerPolicies, func(a, b estate.PolicyRef) int {
		return strings.Compare(a.Path+a.Name, b.Path+b.Name)
	})
	if b := ps.PermissionsBoundary; b != nil {
		out.Boundary = &estate.Boundary{ManagedPolicy: ManagedPolicyARN(b.ManagedPolicy)}
		if b.CustomerManagedPolicy != nil {
			r := ref(*b.CustomerManagedPolicy)
			out.Boundary.CustomerPolicy = &r
		}
	}
	return out
}

func ref(r PolicyRef) estate.PolicyRef {
	if r.Path == "" {
		r.Path = "/"
	}
	return estate.PolicyRef{Name: r.Name, Path: r.Path}
}
