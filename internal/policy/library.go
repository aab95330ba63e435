package policy

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

//go:embed library/*.json
var libraryFS embed.FS

// LibraryPolicy describes one SCP of the built-in library. Its document is
// library/<Name>.json, a text/template rendered with Params.
type LibraryPolicy struct {
	// Name is the stable name the spec uses; it is also the first Sid.
	Name        string
	Description string
	// Guidance names the guidance document and section it implements.
	Guidance string
	// Template is true when the rendered document depends on Params.
	Template bool
}

// libraryPolicies is the library's table. Every entry has a file, every
// file an entry (TestLibraryFilesMatchTable), and every rendered document
// lints clean as an SCP and passes DeniesAccess (TestLibrary...).
var libraryPolicies = []LibraryPolicy{
	{
		Name:        "PreventMemberLeaveOrg",
		Description: "Denies organizations:LeaveOrganization, so that no member account can take itself out of the organization and its guardrails.",
		Guidance:    "000: Create and attach organization hardening SCPs (Prevent Member from leaving the organization)",
	},
	{
		Name: "PreventResourceSharingOutsideOrg",
		Description: "Denies creating or updating AWS RAM resource shares that allow principals outside the organization, " +
			"associating principals with shares that allow them, and accepting resource share invitations " +
			"(shares inside the organization need no invitation once RAM sharing with AWS Organizations is enabled).",
		Guidance: "000: Create and attach organization hardening SCPs (Prevent resource sharing outside the organization)",
	},
	{
		Name:        "PreventRootUserFromPerformingAnyActions",
		Description: "Denies every action to the root user of member accounts (aws:PrincipalArn like arn:aws:iam::*:root).",
		Guidance:    "000: Create and attach organization hardening SCPs (Prevent root user from performing any actions)",
	},
	{
		Name: "ProtectOrgAdminRoles",
		Description: "Denies creating, changing, tagging and deleting roles under each protected IAM role path " +
			"(default /org-admin/) except to principals under the same path and to groundwork's access role, " +
			"which provisions those roles.",
		Guidance: "004: Implement Role Pathing and SCP Protection (arn:aws:iam::*:role/org-admin/*)",
		Template: true,
	},
	{
		Name: "DenyOutsideOperationalRegions",
		Description: "Denies actions outside the operational Regions (aws:RequestedRegion), except those of global " +
			"services (AWS example \"Deny access to AWS based on the requested AWS Region\"; KMS is not exempted), " +
			"and except to groundwork's access role, which sets up Config and other baselines in every Region.",
		Guidance: "000: home and operational Regions",
		Template: true,
	},
	{
		Name: "ProtectSecurityServices",
		Description: "Denies stopping, changing or deleting CloudTrail trails, AWS Config recorders, delivery channels " +
			"and rules, GuardDuty detectors and memberships, Security Hub and IAM Access Analyzer analyzers, " +
			"except to groundwork's access role, which manages them.",
		Guidance: "000: CloudTrail organization trail, AWS Config in every account and Region, Security Tooling account; 004: Robust SCPs",
		Template: true,
	},
	{
		Name: "ProtectS3AccountPublicAccessBlock",
		Description: "Denies s3:PutAccountPublicAccessBlock (which also governs deleting the account-level block; " +
			"there is no separate delete action) except to groundwork's access role, so that S3 Block Public " +
			"Access stays on in every account.",
		Guidance: "000: hardening, S3 Block Public Access on every account",
		Template: true,
	},
	{
		Name: "ProtectAccessRole",
		Description: "Denies changing or deleting groundwork's access role, and the policies attached to it, to " +
			"every principal but that role itself, so that nobody in a member account can lock groundwork out.",
		Guidance: "DESIGN: never cut the tool's own role out of member accounts",
		Template: true,
	},
}

// Library lists the built-in SCPs sorted by name.
func Library() []LibraryPolicy {
	out := slices.Clone(libraryPolicies)
	slices.SortFunc(out, func(a, b LibraryPolicy) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// LibraryPolicyNamed returns the library entry with a name.
func LibraryPolicyNamed(name string) (LibraryPolicy, bool) {
	i := slices.IndexFunc(libraryPolicies, func(p LibraryPolicy) bool { return p.Name == name })
	if i < 0 {
		return LibraryPolicy{}, false
	}
	return libraryPolicies[i], true
}

// Params are the values library templates are rendered with.
type Params struct {
	// Regions are the operational Regions; DenyOutsideOperationalRegions
	// needs at least one.
	Regions []string
	// ProtectedRolePaths are IAM role paths ("/org-admin/") whose roles
	// ProtectOrgAdminRoles guards; default [DefaultProtectedRolePath].
	ProtectedRolePaths []string
	// AccessRole is the role groundwork assumes in member accounts, with
	// its path if it has one; default DefaultAccessRole.
	AccessRole string
}

// DefaultProtectedRolePath is the role path guidance 004 protects.
const DefaultProtectedRolePath = "/org-admin/"

var (
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	// IAM role paths are / or /segment/.../ of [\x21-\x7e] without "/" in
	// a segment; names are [\w+=,.@-]. Both are stricter here than IAM
	// where IAM would allow JSON-special characters, to keep templates
	// simple.
	rolePathPattern = regexp.MustCompile(`^/([A-Za-z0-9+=,.@_-]+/)*$`)
	roleNamePattern = regexp.MustCompile(`^([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,64}$`)
)

// withDefaults fills the defaults and checks every value, reporting all
// bad ones.
func (p Params) withDefaults() (Params, error) {
	if len(p.ProtectedRolePaths) == 0 {
		p.ProtectedRolePaths = []string{DefaultProtectedRolePath}
	}
	p.AccessRole = strings.TrimPrefix(p.AccessRole, "/")
	if p.AccessRole == "" {
		p.AccessRole = DefaultAccessRole
	}
	var errs []error
	for _, r := range p.Regions {
		if !regionPattern.MatchString(r) {
			errs = append(errs, fmt.Errorf("%q is not a Region name like eu-west-1", r))
		}
	}
	for _, rp := range p.ProtectedRolePaths {
		if !rolePathPattern.MatchString(rp) || rp == "/" {
			errs = append(errs, fmt.Errorf("%q is not a role path like /org-admin/ (it must start and end with /, and / alone would protect every role)", rp))
		}
	}
	if !roleNamePattern.MatchString(p.AccessRole) {
		errs = append(errs, fmt.Errorf("%q is not an IAM role name", p.AccessRole))
	}
	return p, errors.Join(errs...)
}

var libraryTemplates = template.Must(template.New("library").Funcs(template.FuncMap{
	"json": func(v any) (string, error) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSuffix(buf.String(), "\n"), nil
	},
	"roleARN": func(role string) string { return "arn:aws:iam::*:role/" + role },
	"pathARN": func(path string) string { return "arn:aws:iam::*:role" + path + "*" },
	// sid numbers statements from the second path on, keeping the first
	// equal to the policy's name.
	"sid": func(base string, i, n int) string {
		if i == 0 || n < 2 {
			return base
		}
		return fmt.Sprintf("%s%d", base, i+1)
	},
}).ParseFS(libraryFS, "library/*.json"))

// Render returns the named library policy rendered with params, minified:
// the document groundwork uploads. It fails for an unknown name, bad
// params, and DenyOutsideOperationalRegions without Regions. It does not
// lint the result: callers lint every SCP, library or not, the same way.
func Render(name string, params Params) ([]byte, error) {
	if _, ok := LibraryPolicyNamed(name); !ok {
		return nil, fmt.Errorf("render policy %s: not in the library (it has %s)", name, strings.Join(libraryNames(), ", "))
	}
	p, err := params.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("render policy %s: %w", name, err)
	}
	if name == "DenyOutsideOperationalRegions" && len(p.Regions) == 0 {
		return nil, fmt.Errorf("render policy %s: no operational Regions given", name)
	}
	var buf bytes.Buffer
	if err := libraryTemplates.ExecuteTemplate(&buf, name+".json", p); err != nil {
		return nil, fmt.Errorf("render policy %s: %w", name, err)
	}
	out, err := Minify(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("render policy %s: template made invalid JSON: %w", name, err)
	}
	return out, nil
}

// RenderCombined renders several library policies into one SCP whose
// statements are theirs in the order named, minified. Combining saves
// attachment slots (see MaxSCPsPerTarget); library Sids are unique, so the
// statements never clash. A name given twice is rendered once.
func RenderCombined(names []string, params Params) ([]byte, error) {
	if len(names) == 0 {
		return nil, errors.New("render policies: no library policies named")
	}
	combined := &Document{Version: "2012-10-17"}
	var errs []error
	for _, name := range uniqueInOrder(names) {
		src, err := Render(name, params)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		doc, err := Parse(src)
		if err != nil {
			errs = append(errs, fmt.Errorf("render policy %s: %w", name, err))
			continue
		}
		combined.Statements = append(combined.Statements, doc.Statements...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return combined.MarshalJSON()
}

// uniqueInOrder drops repeated names, keeping the first of each.
func uniqueInOrder(names []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func libraryNames() []string {
	var names []string
	for _, p := range Library() {
		names = append(names, p.Name)
	}
	return names
}
