package policy

import (
	"bytes"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// legacySCPSize is the SCP size limit every library policy stays under.
const legacySCPSize = MaxSCPSize

var eightRegions = []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "eu-north-1", "ap-southeast-2", "ap-northeast-1"}

// paramSets are the parameters every library policy is checked with.
var paramSets = map[string]Params{
	"defaults":  {Regions: []string{"us-east-1"}},
	"8 Regions": {Regions: eightRegions},
	"custom": {Regions: eightRegions, ProtectedRolePaths: []string{"/org-admin/", "/break-glass/", "/platform/ci/"},
		AccessRole: "org-admin/GroundworkAccess"},
}

func TestLibraryHasTheRequiredPolicies(t *testing.T) {
	var names []string
	for _, p := range Library() {
		names = append(names, p.Name)
		if p.Description == "" || p.Guidance == "" {
			t.Errorf("%s: Description and Guidance are required", p.Name)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("Library() not sorted: %v", names)
	}
	if len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Errorf("Library() has duplicate names: %v", names)
	}
	for _, want := range []string{
		"PreventMemberLeaveOrg", "PreventResourceSharingOutsideOrg", "PreventRootUserFromPerformingAnyActions",
		"ProtectOrgAdminRoles", "DenyOutsideOperationalRegions", "ProtectSecurityServices", "ProtectS3AccountPublicAccessBlock",
	} {
		if !slices.Contains(names, want) {
			t.Errorf("library lacks %s", want)
		}
	}
}

func TestLibraryFilesMatchTable(t *testing.T) {
	files, err := fs.Glob(libraryFS, "library/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var fromFiles, fromTable []string
	for _, f := range files {
		fromFiles = append(fromFiles, strings.TrimSuffix(strings.TrimPrefix(f, "library/"), ".json"))
	}
	for _, p := range Library() {
		fromTable = append(fromTable, p.Name)
	}
	if !slices.Equal(fromFiles, fromTable) {
		t.Errorf("library files %v, table %v", fromFiles, fromTable)
	}
}

// TestLibraryPoliciesAreSafe is the library's contract: every policy,
// rendered with each parameter set, is minified, lints clean as an SCP,
// fits the size limit (the old one too) and never locks groundwork's access
// role out.
func TestLibraryPoliciesAreSafe(t *testing.T) {
	for _, lp := range Library() {
		for setName, params := range paramSets {
			t.Run(lp.Name+"/"+setName, func(t *testing.T) {
				out, err := Render(lp.Name, params)
				if err != nil {
					t.Fatal(err)
				}
				if min, _ := Minify(out); !bytes.Equal(min, out) {
					t.Errorf("Render output is not minified")
				}
				if problems := Lint(lp.Name+".json", out, SCP); len(problems) != 0 {
					t.Errorf("Lint:\n%s", list(problems))
				}
				if len(out) > legacySCPSize {
					t.Errorf("%d characters, more than even the old limit of %d", len(out), legacySCPSize)
				}
				doc, err := Parse(out)
				if err != nil {
					t.Fatal(err)
				}
				role := params.AccessRole
				if role == "" {
					role = "OrganizationAccountAccessRole"
				}
				for _, account := range []string{"*", "123456789012"} {
					if got := DeniesAccess(doc, role, account); len(got) != 0 {
						t.Errorf("DeniesAccess(%s, %s):\n%s", role, account, list(got))
					}
				}
				if doc.Statements[0].Sid != lp.Name {
					t.Errorf("first Sid = %q, want the policy's name", doc.Statements[0].Sid)
				}
			})
		}
	}
}

func TestLibrarySidsAreUniqueAcrossPolicies(t *testing.T) {
	var names []string
	for _, lp := range Library() {
		names = append(names, lp.Name)
	}
	out, err := RenderCombined(names, paramSets["custom"])
	if err != nil {
		t.Fatal(err)
	}
	// The whole library in one SCP is over the size limit; every other
	// rule, duplicate Sids included, must hold.
	var problems []Problem
	for _, p := range Lint("combined.json", out, SCP) {
		if !strings.Contains(p.Message, "an SCP may have at most") {
			problems = append(problems, p)
		}
	}
	if len(problems) != 0 {
		t.Errorf("combined library does not lint clean:\n%s", list(problems))
	}
	doc := mustParse(t, string(out))
	if got := DeniesAccess(doc, "org-admin/GroundworkAccess", "*"); len(got) != 0 {
		t.Errorf("DeniesAccess on the combined library:\n%s", list(got))
	}
}

func TestLibraryTemplateFlag(t *testing.T) {
	a := Params{Regions: []string{"eu-west-1"}}
	b := Params{Regions: []string{"us-west-2", "ap-south-1"}, ProtectedRolePaths: []string{"/admins/"}, AccessRole: "Other"}
	for _, lp := range Library() {
		ra, err1 := Render(lp.Name, a)
		rb, err2 := Render(lp.Name, b)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if differs := !bytes.Equal(ra, rb); differs != lp.Template {
			t.Errorf("%s: Template = %v, but rendering with other params changes it: %v", lp.Name, lp.Template, differs)
		}
	}
}

func TestLibraryContent(t *testing.T) {
	render := func(name string, p Params) *Document {
		t.Helper()
		out, err := Render(name, p)
		if err != nil {
			t.Fatal(err)
		}
		return mustParse(t, string(out))
	}
	t.Run("ProtectOrgAdminRoles follows guidance 004", func(t *testing.T) {
		st := render("ProtectOrgAdminRoles", Params{}).Statements[0]
		for _, a := range []string{"iam:UpdateRole", "iam:ChangePassword", "iam:DeleteRole", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"} {
			if !slices.Contains(st.Action, a) {
				t.Errorf("missing %s", a)
			}
		}
		if !slices.Equal(st.Resource, []string{"arn:aws:iam::*:role/org-admin/*"}) {
			t.Errorf("Resource = %v", st.Resource)
		}
		exempt := st.Condition["ArnNotLike"]["aws:PrincipalARN"]
		if !slices.Equal(exempt, []string{"arn:aws:iam::*:role/org-admin/*", "arn:aws:iam::*:role/OrganizationAccountAccessRole"}) {
			t.Errorf("exempted principals = %v", exempt)
		}
		if n := len(render("ProtectOrgAdminRoles", Params{ProtectedRolePaths: []string{"/a/", "/b/"}}).Statements); n != 2 {
			t.Errorf("two paths gave %d statements", n)
		}
	})
	t.Run("DenyOutsideOperationalRegions", func(t *testing.T) {
		st := render("DenyOutsideOperationalRegions", Params{Regions: []string{"eu-west-1", "eu-central-1"}}).Statements[0]
		for _, global := range []string{"iam:*", "organizations:*", "sts:*", "route53:*", "cloudfront:*", "support:*", "budgets:*"} {
			if !slices.Contains(st.NotAction, global) {
				t.Errorf("NotAction lacks %s", global)
			}
		}
		if slices.Contains(st.NotAction, "kms:*") {
			t.Error("KMS is regional and must not be exempted")
		}
		if got := st.Condition["StringNotEquals"]["aws:RequestedRegion"]; !slices.Equal(got, []string{"eu-west-1", "eu-central-1"}) {
			t.Errorf("Regions = %v", got)
		}
	})
	t.Run("PreventResourceSharingOutsideOrg", func(t *testing.T) {
		st := render("PreventResourceSharingOutsideOrg", Params{}).Statements[0]
		if got := st.Condition["Bool"]["ram:RequestedAllowsExternalPrincipals"]; !slices.Equal(got, []string{"true"}) {
			t.Errorf("condition = %v", st.Condition)
		}
	})
	t.Run("access role exemptions", func(t *testing.T) {
		for _, name := range []string{"ProtectSecurityServices", "ProtectS3AccountPublicAccessBlock", "DenyOutsideOperationalRegions"} {
			st := render(name, Params{Regions: []string{"eu-west-1"}, AccessRole: "GroundworkAccess"}).Statements[0]
			if got := st.Condition["ArnNotLike"]["aws:PrincipalARN"]; !slices.Equal(got, []string{"arn:aws:iam::*:role/GroundworkAccess"}) {
				t.Errorf("%s exempts %v", name, got)
			}
		}
	})
}

func TestRenderErrors(t *testing.T) {
	tests := map[string]struct {
		name   string
		params Params
		phrase []string
	}{
		"unknown policy":    {"DenyEverything", Params{}, []string{"not in the library", "PreventMemberLeaveOrg"}},
		"no Regions":        {"DenyOutsideOperationalRegions", Params{}, []string{"no operational Regions"}},
		"bad Region":        {"DenyOutsideOperationalRegions", Params{Regions: []string{"eu-west-1", "Europe"}}, []string{`"Europe" is not a Region`}},
		"every bad param":   {"ProtectOrgAdminRoles", Params{ProtectedRolePaths: []string{"org-admin", "/"}, AccessRole: `bad"role`}, []string{`"org-admin" is not a role path`, `"/" is not a role path`, `"bad\"role" is not an IAM role name`}},
		"injection attempt": {"ProtectSecurityServices", Params{AccessRole: `x","*`}, []string{"is not an IAM role name"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Render(tt.name, tt.params)
			if err == nil {
				t.Fatal("Render succeeded")
			}
			for _, p := range tt.phrase {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q lacks %q", err, p)
				}
			}
		})
	}
}

func TestRenderCombined(t *testing.T) {
	out, err := RenderCombined([]string{"PreventMemberLeaveOrg", "PreventRootUserFromPerformingAnyActions", "PreventMemberLeaveOrg"}, Params{})
	if err != nil {
		t.Fatal(err)
	}
	doc := mustParse(t, string(out))
	var sids []string
	for _, st := range doc.Statements {
		sids = append(sids, st.Sid)
	}
	if !slices.Equal(sids, []string{"PreventMemberLeaveOrg", "PreventRootUserFromPerformingAnyActions"}) {
		t.Errorf("Sids = %v", sids)
	}
	if _, err := RenderCombined(nil, Params{}); err == nil {
		t.Error("RenderCombined(nil) succeeded")
	}
	if _, err := RenderCombined([]string{"Nope", "DenyOutsideOperationalRegions"}, Params{}); err == nil ||
		!strings.Contains(err.Error(), "Nope") || !strings.Contains(err.Error(), "no operational Regions") {
		t.Errorf("RenderCombined error = %v, want both problems", err)
	}
}
