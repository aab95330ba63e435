package orglayer

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/input"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// PoliciesKey is the section of foundation.yaml Policies is read from.
const PoliciesKey = "policies"

func init() {
	spec.RegisterSection(spec.SectionType{Key: PoliciesKey, Order: 200,
		New:     func() spec.Section { return &Policies{} },
		Starter: func(spec.StarterOptions) string { return policiesStarter }})
}

// PoliciesOf returns the policies section of f, defaults applied.
func PoliciesOf(f *spec.Foundation) *Policies { return f.Section(PoliciesKey).(*Policies) }

// Policies are the service control policies and the organization's own
// tag policies. Each SCP is built from the built-in library (by name) or
// read from a JSON file beside the spec; each tag policy here is read from
// a file (the one made from the tagging dictionary is tagging.policy).
type Policies struct {
	// SCPs by name. A name from the library needs nothing else.
	SCPs map[string]*SCP `yaml:"scps"`
	// TagPolicies are tag policies written by hand, by name.
	TagPolicies map[string]*TagPolicyFile `yaml:"tag_policies"`
	// ProtectedRolePaths are the IAM role paths ProtectOrgAdminRoles
	// guards; default ["/org-admin/"] (guidance 004).
	ProtectedRolePaths []string `yaml:"protected_role_paths"`
}

// SCP is one service control policy.
type SCP struct {
	// Library lists library policies combined into this one SCP; default
	// the SCP's own name when that is a library name.
	Library []string `yaml:"library"`
	// File is a policy document, relative to the spec.
	File        string `yaml:"file"`
	Description string `yaml:"description"`
	// Attach lists targets: Root, OU paths or account keys. Default: every
	// top-level OU whose guardrails are baseline (guidance 000: never the
	// root, never Exceptions).
	Attach []string `yaml:"attach"`

	// Content is the rendered document, filled by Load.
	Content string `yaml:"-"`
}

// TagPolicyFile is one tag policy read from a JSON file beside the spec.
type TagPolicyFile struct {
	// File is the tag policy document, relative to the spec.
	File        string `yaml:"file"`
	Description string `yaml:"description"`
	// Attach lists targets: Root, OU paths, account keys or management
	// (the management account). Default: Root, as tagging.policy.
	Attach []string `yaml:"attach"`

	// Content is the document, filled by Load.
	Content string `yaml:"-"`
}

// DefaultSCPs are the service control policies of a spec that does not
// write policies.scps: the guardrails of guidance 000 (deny leaving the
// organization, sharing outside it, the root user) and 004 (protect
// /org-admin/ roles) in one SCP, the Region guardrail in another and the
// security-service guardrails in a third. Combining library policies keeps
// the count per target at four with AWS's FullAWSAccess, under the limit
// of five, with room for one of the user's own.
var DefaultSCPs = []struct {
	Name        string
	Description string
	Library     []string
}{
	{"groundwork-baseline", "Baseline guardrails: stay in the organization, share only inside it, no root user, protected admin roles",
		[]string{"PreventMemberLeaveOrg", "PreventResourceSharingOutsideOrg", "PreventRootUserFromPerformingAnyActions", "ProtectOrgAdminRoles"}},
	{"groundwork-regions", "Deny Regions outside the operational Regions", []string{"DenyOutsideOperationalRegions"}},
	{"groundwork-security-services", "Keep CloudTrail, Config, GuardDuty, Security Hub and S3 Block Public Access on",
		[]string{"ProtectSecurityServices", "ProtectS3AccountPublicAccessBlock"}},
}

// DefaultProtectedRolePaths are the IAM role paths guidance 004 protects.
var DefaultProtectedRolePaths = []string{"/org-admin/"}

// Defaults fills the guidance's SCPs and protected role paths.
func (ps *Policies) Defaults(f *spec.Foundation, written func(string) bool) {
	if len(ps.ProtectedRolePaths) == 0 {
		ps.ProtectedRolePaths = append([]string(nil), DefaultProtectedRolePaths...)
	}
	if !written("policies.scps") {
		ps.SCPs = map[string]*SCP{}
		for _, d := range DefaultSCPs {
			ps.SCPs[d.Name] = &SCP{Library: append([]string(nil), d.Library...), Description: d.Description}
		}
	}
	libs := map[string]policy.LibraryPolicy{}
	for _, lp := range policy.Library() {
		libs[lp.Name] = lp
	}
	for name, s := range ps.SCPs {
		if s == nil {
			s = &SCP{}
			ps.SCPs[name] = s
		}
		if len(s.Library) == 0 && s.File == "" {
			if _, ok := libs[name]; ok {
				s.Library = []string{name}
			}
		}
		if !written("policies.scps."+name+".description") && len(s.Library) == 1 {
			s.Description = libs[s.Library[0]].Description
		}
		if s.Attach == nil {
			s.Attach = baselineTargets(f)
		}
	}
	for name, tp := range ps.TagPolicies {
		if tp == nil {
			tp = &TagPolicyFile{}
			ps.TagPolicies[name] = tp
		}
		if tp.Attach == nil {
			tp.Attach = []string{estate.RootTarget}
		}
	}
}

// baselineTargets are the top-level OUs whose guardrails are baseline
// (guidance 000: every top-level OU except Exceptions, never the root).
func baselineTargets(f *spec.Foundation) []string {
	var out []string
	for name, u := range f.Units {
		if u == nil || u.Guardrails != "none" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// policyParams are the parameters library policies are rendered with.
func (ps *Policies) policyParams(f *spec.Foundation) policy.Params {
	return policy.Params{
		Regions:            f.Organization.Regions,
		ProtectedRolePaths: ps.ProtectedRolePaths,
		AccessRole:         f.Organization.AccessRole,
	}
}

// renderLibrarySCP builds the document of an SCP made of library
// policies: their statements, in order.
func (ps *Policies) renderLibrarySCP(f *spec.Foundation, s *SCP) (string, error) {
	doc, err := policy.RenderCombined(s.Library, ps.policyParams(f))
	if err != nil {
		return "", err
	}
	return string(doc), nil
}

// readPolicyFile reads a policy document the spec names, bounded by
// input.Policy (1 MiB, 64 levels, UTF-8 without NUL; a byte-order mark is
// dropped) before any JSON parser sees it. A file past those limits is an
// *input.Error at its position.
func readPolicyFile(path string) ([]byte, error) {
	src, err := input.ReadFile(path, input.Policy)
	if err != nil {
		return nil, err
	}
	return input.JSON(path, src, input.Policy)
}

// Validate checks the SCPs, renders them into Content, and checks the tag
// policy's targets.
func (ps *Policies) Validate(f *spec.Foundation, v *spec.Validator) {
	libs := map[string]bool{}
	for _, lp := range policy.Library() {
		libs[lp.Name] = true
	}
	for i, p := range ps.ProtectedRolePaths {
		if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
			v.At(fmt.Sprintf("policies.protected_role_paths[%d]", i), "%q is not an IAM path: it starts and ends with /", p)
		}
	}
	perTarget := map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(ps.SCPs)) {
		s := ps.SCPs[name]
		p := "policies.scps." + name
		switch {
		case s.File != "" && len(s.Library) > 0:
			v.At(p, "set either file or library, not both")
			continue
		case s.File == "" && len(s.Library) == 0:
			v.AtKey(p, "%q is not a library policy; set library: [...] or file: (library: %s)", name, strings.Join(libraryNames(), ", "))
			continue
		}
		bad := false
		for i, l := range s.Library {
			if !libs[l] {
				v.At(fmt.Sprintf("%s.library[%d]", p, i), "unknown library policy %q%s", l, spec.Suggest(l, libraryNames()))
				bad = true
			}
		}
		for i, t := range s.Attach {
			if !checkTarget(v, fmt.Sprintf("%s.attach[%d]", p, i), t) {
				bad = true
			}
			perTarget[t] = append(perTarget[t], name)
		}
		if s.File != "" {
			// A file is checked whatever else is wrong, so that one run
			// reports the spec's problems and the file's together.
			ps.validateFile(f, v, p, s)
			continue
		}
		// Library policies are rendered with the organization's Regions and
		// access role: when those are wrong, that is the one message.
		if bad || v.Reported("organization") || v.Reported("policies.protected_role_paths") {
			continue
		}
		content, err := ps.renderLibrarySCP(f, s)
		if err != nil {
			v.At(p, "%v", err)
			continue
		}
		problems := policy.Lint(p, []byte(content), policy.SCP)
		for _, prob := range problems {
			v.At(p, "%s", prob.Error())
		}
		if len(problems) > 0 {
			continue
		}
		doc, err := policy.Parse([]byte(content))
		if err != nil {
			v.At(p, "%v", err)
			continue
		}
		for _, prob := range policy.DeniesAccess(doc, f.Organization.AccessRole, "*") {
			prob.File = p
			v.At(p, "refused: %s", prob.Error())
		}
		s.Content = content
	}
	var targets []policy.Target
	for _, t := range slices.Sorted(maps.Keys(perTarget)) {
		targets = append(targets, policy.Target{Name: t, Policies: append(perTarget[t], estate.FullAWSAccess)})
	}
	for _, prob := range policy.CheckTargets(targets) {
		v.AtKey("policies.scps", "%s", prob.Message)
	}
	if tp := f.Tagging.Policy; tp != nil && !tp.Disabled {
		for i, t := range tp.Attach {
			checkTarget(v, fmt.Sprintf("tagging.policy.attach[%d]", i), t)
		}
		// The tag policy is made from the dictionary: a dictionary too big
		// for AWS's tag policy size is refused here, not by CreatePolicy.
		if f.TagPolicyEnabled() && !v.Reported("tagging") {
			if doc, err := tagPolicyDocument(f); err == nil {
				for _, prob := range policy.Lint("", []byte(doc), policy.TagPolicy) {
					v.AtKey("tagging", "the tag policy made from this dictionary: %s", prob.Error())
				}
			}
		}
	}
	ps.validateTagPolicies(f, v)
}

// validateTagPolicies checks the tag policies read from files: a name the
// generated tag policy does not have, a file, targets that exist, and the
// document itself (JSON, the tag policy grammar, AWS's size limit), whose
// problems are reported in the file at their line and column.
func (ps *Policies) validateTagPolicies(f *spec.Foundation, v *spec.Validator) {
	generated := ""
	if tp := f.Tagging.Policy; tp != nil && !tp.Disabled && f.TagPolicyEnabled() {
		generated = tp.Name
	}
	for _, name := range slices.Sorted(maps.Keys(ps.TagPolicies)) {
		tp := ps.TagPolicies[name]
		p := "policies.tag_policies." + name
		if name == generated {
			v.AtKey(p, "%q is the name of the tag policy made from the tagging dictionary (tagging.policy.name); give this one another name, or set tagging.policy.disabled: true", name)
		}
		for i, t := range tp.Attach {
			checkTarget(v, fmt.Sprintf("%s.attach[%d]", p, i), t)
		}
		if tp.File == "" {
			v.AtKey(p, "set file: the tag policy's JSON document, relative to the spec")
			continue
		}
		path := f.ResolvePath(tp.File)
		src, err := readPolicyFile(path)
		if e, ok := input.AsError(err); ok {
			v.InFile(e.File, e.Line, e.Column, "%s", e.Message)
			continue
		}
		if err != nil {
			v.At(p+".file", "cannot read the policy: %v", err)
			continue
		}
		problems := policy.Lint("", src, policy.TagPolicy)
		for _, prob := range problems {
			line, col := policy.Locate(src, prob)
			prob.File = ""
			v.InFile(path, line, col, "%s", prob.Error())
		}
		if len(problems) == 0 {
			tp.Content = string(src)
		}
	}
}

// validateFile reads and checks the document of the SCP at spec path p
// written in a file, reporting its problems in that file, at their line
// and column, and keeps its content.
func (ps *Policies) validateFile(f *spec.Foundation, v *spec.Validator, p string, s *SCP) {
	path := f.ResolvePath(s.File)
	src, err := readPolicyFile(path)
	if e, ok := input.AsError(err); ok {
		v.InFile(e.File, e.Line, e.Column, "%s", e.Message)
		return
	}
	if err != nil {
		v.At(p+".file", "cannot read the policy: %v", err)
		return
	}
	report := func(prob policy.Problem, prefix string) {
		line, col := policy.Locate(src, prob)
		prob.File = ""
		v.InFile(path, line, col, "%s%s", prefix, prob.Error())
	}
	problems := policy.Lint("", src, policy.SCP)
	for _, prob := range problems {
		report(prob, "")
	}
	if len(problems) > 0 {
		return
	}
	doc, err := policy.Parse(src)
	if err != nil {
		v.InFile(path, 1, 1, "%v", err)
		return
	}
	if !v.Reported("organization.access_role") {
		for _, prob := range policy.DeniesAccess(doc, f.Organization.AccessRole, "*") {
			report(prob, "refused: ")
		}
	}
	s.Content = string(src)
}

// checkTarget checks a policy target: Root, a declared OU path, an
// account key or management (the management account, unless an account
// has that key).
func checkTarget(v *spec.Validator, path, t string) bool {
	f := v.Foundation()
	if t == estate.RootTarget || t == estate.ManagementKey {
		return true
	}
	if _, ok := f.Accounts[t]; ok {
		return true
	}
	if slices.Contains(f.UnitPaths(), t) {
		return true
	}
	known := append(append([]string{estate.RootTarget, estate.ManagementKey}, f.UnitPaths()...), f.AccountKeys()...)
	v.At(path, "%q is neither Root, a declared OU path, an account key nor management%s", t, spec.Suggest(t, known))
	return false
}

func libraryNames() []string {
	var out []string
	for _, lp := range policy.Library() {
		out = append(out, lp.Name)
	}
	return out
}

// Desired adds the SCPs and the tag policy to the organization layer.
func (ps *Policies) Desired(f *spec.Foundation, e *estate.Estate) {
	l := orgLayerOf(e)
	for name, s := range ps.SCPs {
		source := s.File
		if source == "" {
			source = "library:" + strings.Join(s.Library, ",")
		}
		l.Policies[estate.PolicyKey(estate.PolicyTypeSCP, name)] = &estate.Policy{
			Name: name, Type: estate.PolicyTypeSCP, Description: s.Description,
			Content: s.Content, Targets: targets(f, s.Attach), Source: source,
		}
	}
	if len(ps.SCPs) > 0 {
		l.EnabledPolicyTypes = append(l.EnabledPolicyTypes, estate.PolicyTypeSCP)
	}
	if tp := f.Tagging.Policy; tp != nil && !tp.Disabled && f.TagPolicyEnabled() {
		content, err := tagPolicyDocument(f)
		if err == nil {
			l.Policies[estate.PolicyKey(estate.PolicyTypeTag, tp.Name)] = &estate.Policy{
				Name: tp.Name, Type: estate.PolicyTypeTag, Description: "Tagging dictionary: key case and allowed values",
				Content: content, Targets: targets(f, tp.Attach), Source: "tagging",
			}
			l.EnabledPolicyTypes = append(l.EnabledPolicyTypes, estate.PolicyTypeTag)
		}
	}
	for name, tp := range ps.TagPolicies {
		l.Policies[estate.PolicyKey(estate.PolicyTypeTag, name)] = &estate.Policy{
			Name: name, Type: estate.PolicyTypeTag, Description: tp.Description,
			Content: tp.Content, Targets: targets(f, tp.Attach), Source: tp.File,
		}
	}
	if len(ps.TagPolicies) > 0 && !slices.Contains(l.EnabledPolicyTypes, estate.PolicyTypeTag) {
		l.EnabledPolicyTypes = append(l.EnabledPolicyTypes, estate.PolicyTypeTag)
	}
	sort.Strings(l.EnabledPolicyTypes)
}

// orgLayerOf returns the organization layer of a desired estate, made on
// first use: the policies, services and contacts sections each add to it.
func orgLayerOf(e *estate.Estate) *estate.OrgLayer {
	if e.Org == nil {
		e.Org = estate.NewOrgLayer()
	}
	return e.Org
}

// target turns a policy target or delegated administrator (Root, an OU
// path, an account key or management) into the estate's terms: accounts
// by e-mail.
func target(f *spec.Foundation, t string) string {
	if a, ok := f.Accounts[t]; ok {
		return estate.EmailKey(a.Email)
	}
	if t == estate.ManagementKey {
		return estate.EmailKey(f.Organization.Management.Email)
	}
	return t
}

func targets(f *spec.Foundation, ts []string) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, target(f, t))
	}
	sort.Strings(out)
	return out
}

// tagPolicyDocument renders the tagging dictionary as an AWS Organizations
// tag policy: for every dictionary key, its exact case (tag_key), its
// allowed values when the dictionary lists them (tag_value) and the
// resource types for which non-compliant operations are refused
// (enforced_for). encoding/json sorts map keys, so the document is stable.
func tagPolicyDocument(f *spec.Foundation) (string, error) {
	type assign struct {
		Assign any `json:"@@assign"`
	}
	type tagRule struct {
		TagKey      assign  `json:"tag_key"`
		TagValue    *assign `json:"tag_value,omitempty"`
		EnforcedFor *assign `json:"enforced_for,omitempty"`
	}
	keys := append([]string(nil), f.Tagging.Required...)
	for k := range f.Tagging.Values {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	tags := map[string]tagRule{}
	for _, k := range keys {
		r := tagRule{TagKey: assign{k}}
		if vals := f.Tagging.Values[k]; len(vals) > 0 {
			r.TagValue = &assign{vals}
		}
		if tp := f.Tagging.Policy; tp != nil && len(tp.EnforcedFor) > 0 {
			r.EnforcedFor = &assign{tp.EnforcedFor}
		}
		tags[k] = r
	}
	b, err := json.Marshal(map[string]any{"tags": tags})
	if err != nil {
		return "", fmt.Errorf("render tag policy: %w", err)
	}
	return string(b), nil
}

// policiesStarter is the policies section of `groundwork init`.
const policiesStarter = `# Service control policies (guardrails), built from groundwork's library.
# Several library policies can share one SCP: AWS allows five SCPs per OU,
# its own FullAWSAccess included. Without attach:, an SCP goes to every
# top-level OU whose guardrails are baseline: never the root, never
# Exceptions. Add your own with:
#   deny-big-instances: { file: policies/deny-big-instances.json, attach: [Workloads/NonProd] }
# and tag policies of your own (the one made from the tagging dictionary is
# tagging.policy) under tag_policies:, attached to Root unless told:
#   cost-centers: { file: tag-policies/cost-centers.json, attach: [Root, management] }
policies:
  # IAM roles under these paths can be changed only by principals under the
  # same path: the organization's admin roles.
  protected_role_paths: [/org-admin/]
  scps:
    groundwork-baseline:
      description: "Baseline guardrails: stay in the organization, share only inside it, no root user, protected admin roles"
      library: [PreventMemberLeaveOrg, PreventResourceSharingOutsideOrg, PreventRootUserFromPerformingAnyActions, ProtectOrgAdminRoles]
    groundwork-regions:
      description: Deny Regions outside the operational Regions
      library: [DenyOutsideOperationalRegions]
    groundwork-security-services:
      description: Keep CloudTrail, Config, GuardDuty, Security Hub and S3 Block Public Access on
      library: [ProtectSecurityServices, ProtectS3AccountPublicAccessBlock]
`
