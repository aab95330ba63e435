package spec

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

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

func (f *Foundation) defaultPolicies(written func(string) bool) {
	if len(f.Policies.ProtectedRolePaths) == 0 {
		f.Policies.ProtectedRolePaths = append([]string(nil), DefaultProtectedRolePaths...)
	}
	if !written("policies.scps") {
		f.Policies.SCPs = map[string]*SCP{}
		for _, d := range DefaultSCPs {
			f.Policies.SCPs[d.Name] = &SCP{Library: append([]string(nil), d.Library...), Description: d.Description}
		}
	}
	libs := map[string]policy.LibraryPolicy{}
	for _, lp := range policy.Library() {
		libs[lp.Name] = lp
	}
	for name, s := range f.Policies.SCPs {
		if s == nil {
			s = &SCP{}
			f.Policies.SCPs[name] = s
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
			s.Attach = f.baselineTargets()
		}
	}
	if f.tagPolicyEnabled() {
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

// baselineTargets are the top-level OUs whose guardrails are baseline
// (guidance 000: every top-level OU except Exceptions, never the root).
func (f *Foundation) baselineTargets() []string {
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
func (f *Foundation) policyParams() policy.Params {
	return policy.Params{
		Regions:            f.Organization.Regions,
		ProtectedRolePaths: f.Policies.ProtectedRolePaths,
		AccessRole:         f.Organization.AccessRole,
	}
}

// renderSCP builds an SCP's document: the statements of its library
// policies in order, or the file's content.
func (f *Foundation) renderSCP(s *SCP) (string, error) {
	if s.File != "" {
		src, err := os.ReadFile(f.resolvePath(s.File))
		if err != nil {
			return "", err
		}
		return string(src), nil
	}
	doc, err := policy.RenderCombined(s.Library, f.policyParams())
	if err != nil {
		return "", err
	}
	return string(doc), nil
}

// resolvePath makes a path in the spec relative to the spec's directory.
func (f *Foundation) resolvePath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(f.File), p)
}

func (v *Validator) validatePolicies() {
	f := v.f
	libs := map[string]bool{}
	for _, lp := range policy.Library() {
		libs[lp.Name] = true
	}
	for i, p := range f.Policies.ProtectedRolePaths {
		if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
			v.At(fmt.Sprintf("policies.protected_role_paths[%d]", i), "%q is not an IAM path: it starts and ends with /", p)
		}
	}
	perTarget := map[string][]string{}
	for _, name := range sortedSCPNames(f.Policies.SCPs) {
		s := f.Policies.SCPs[name]
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
				v.At(fmt.Sprintf("%s.library[%d]", p, i), "unknown library policy %q%s", l, suggest(l, libraryNames()))
				bad = true
			}
		}
		for i, t := range s.Attach {
			if !v.checkTarget(fmt.Sprintf("%s.attach[%d]", p, i), t) {
				bad = true
			}
			perTarget[t] = append(perTarget[t], name)
		}
		// Library policies are rendered with the organization's Regions and
		// access role: when those are wrong, that is the one message.
		if bad || v.organizationBroken() {
			continue
		}
		content, err := f.renderSCP(s)
		if err != nil {
			v.At(p+".file", "cannot read the policy: %v", err)
			continue
		}
		file := p
		if s.File != "" {
			file = s.File
		}
		problems := policy.Lint(file, []byte(content), policy.SCP)
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
			prob.File = file
			v.At(p, "refused: %s", prob.Error())
		}
		s.Content = content
	}
	for _, t := range sortedKeys(perTarget) {
		if n := len(perTarget[t]) + 1; n > policy.MaxSCPsPerTarget {
			v.AtKey("policies.scps", "%s would have %d SCPs attached counting AWS's FullAWSAccess (%s); AWS allows %d: combine library policies into one SCP with library: [...]",
				t, n, strings.Join(perTarget[t], ", "), policy.MaxSCPsPerTarget)
		}
	}
	if tp := f.Tagging.Policy; tp != nil && !tp.Disabled {
		for i, t := range tp.Attach {
			v.checkTarget(fmt.Sprintf("tagging.policy.attach[%d]", i), t)
		}
	}
}

// organizationBroken reports whether the settings library policies are
// rendered with (the organization section, the protected role paths)
// already have a problem.
func (v *Validator) organizationBroken() bool {
	for _, d := range v.d.diags {
		if strings.HasPrefix(d.Path, "organization.") || d.Path == "organization" || strings.HasPrefix(d.Path, "policies.protected_role_paths") {
			return true
		}
	}
	return false
}

// checkTarget checks a policy target: Root, a declared OU path or an
// account key.
func (v *Validator) checkTarget(path, t string) bool {
	if t == estate.RootTarget {
		return true
	}
	if _, ok := v.f.Accounts[t]; ok {
		return true
	}
	for _, u := range v.f.UnitPaths() {
		if u == t {
			return true
		}
	}
	known := append(append([]string{estate.RootTarget}, v.f.UnitPaths()...), v.f.AccountKeys()...)
	v.At(path, "%q is neither Root, a declared OU path nor an account key%s", t, suggest(t, known))
	return false
}

func libraryNames() []string {
	var out []string
	for _, lp := range policy.Library() {
		out = append(out, lp.Name)
	}
	return out
}

func sortedSCPNames(m map[string]*SCP) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
