package hardening_test

import (
	"reflect"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	// Whole foundations: every section registered, as in the CLI.
	_ "github.com/groundwork-aws/groundwork/internal/layer/all"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

// hardeningBase is a spec with two member accounts; tests append a
// hardening section.
const hardeningBase = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, eu-west-1]}
units: {Security: {}, Workloads: {units: {Prod: {}}}}
accounts:
  log-archive: {unit: Security, role: log-archive}
  web-prod: {unit: Workloads/Prod, role: workload, workload: web, environment: prod}
`

const (
	laKey  = "aws-log-archive-primary@example.com"
	webKey = "aws-web-prod-primary@example.com"
)

func TestHardeningIsBuiltOnlyWhenWritten(t *testing.T) {
	if h := spectest.MustParse(t, hardeningBase).Desired().Hardening; h != nil {
		t.Errorf("a spec without a hardening section builds %+v", h)
	}
	if h := spectest.MustParse(t, hardeningBase+"hardening: {disabled: true}\n").Desired().Hardening; h != nil {
		t.Errorf("hardening.disabled builds %+v", h)
	}
}

func TestHardeningDefaults(t *testing.T) {
	h := spectest.MustParse(t, hardeningBase+"hardening: {}\n").Desired().Hardening
	if h == nil {
		t.Fatal("hardening: {} builds nothing")
	}
	accounts := []string{laKey, webKey, estate.ManagementKey}
	if !reflect.DeepEqual(h.Accounts, accounts) {
		t.Errorf("accounts = %q, want %q", h.Accounts, accounts)
	}
	if !reflect.DeepEqual(h.Regions, []string{"us-east-1", "eu-west-1"}) || h.HomeRegion != "us-east-1" {
		t.Errorf("regions = %q, home %q", h.Regions, h.HomeRegion)
	}
	want := &estate.PasswordPolicy{MinLength: 14, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true,
		RequireSymbols: true, MaxAgeDays: 90, ReusePrevention: 24, AllowUsersToChange: true}
	for _, acct := range accounts {
		if got := h.PasswordPolicies[acct]; !reflect.DeepEqual(got, want) {
			t.Errorf("password policy of %s = %+v, want %+v", acct, got, want)
		}
		if !h.PublicAccessBlocks[acct].On() {
			t.Errorf("%s: Block Public Access not wanted on", acct)
		}
	}
	if !h.DeleteDefaultVPCs || h.DeleteManagementUsers || len(h.PublicAccessExceptions) != 0 || len(h.BreakGlassUsers) != 0 {
		t.Errorf("defaults: %+v", h)
	}
	// EBS encryption by default in every account and operational Region,
	// a support role under /org-admin/ in every account.
	if len(h.EBSEncryption) != 6 {
		t.Errorf("EBS encryption wanted in %d places, want 6: %v", len(h.EBSEncryption), h.EBSEncryption)
	}
	role := &estate.SupportRole{Name: "groundwork-support", Path: "/org-admin/", TrustsAccount: true, SupportAccess: true}
	for _, acct := range accounts {
		for _, region := range h.Regions {
			w := estate.Where{Account: estate.AccountKey(acct), Region: region}
			if e := h.EBSEncryption[w.String()]; e == nil || !e.Enabled || e.Where != w {
				t.Errorf("EBS encryption in %s = %+v", w, e)
			}
		}
		if got := h.SupportRoles[acct]; !reflect.DeepEqual(got, role) {
			t.Errorf("support role of %s = %+v, want %+v", acct, got, role)
		}
	}
}

func TestHardeningSupportRoleNamed(t *testing.T) {
	h := spectest.MustParse(t, hardeningBase+"hardening: {support_role: {name: incident-support, path: /org-admin/support/}}\n").Desired().Hardening
	want := &estate.SupportRole{Name: "incident-support", Path: "/org-admin/support/", TrustsAccount: true, SupportAccess: true}
	if got := h.SupportRoles[webKey]; !reflect.DeepEqual(got, want) {
		t.Errorf("support role = %+v, want %+v", got, want)
	}
}

func TestHardeningSettings(t *testing.T) {
	h := spectest.MustParse(t, hardeningBase+`hardening:
  password_policy: {min_length: 8, require_symbols: false, max_age_days: 0, reuse_prevention: 0}
  s3_block_public_access: {exceptions: [web-prod]}
  delete_default_vpcs: false
  management_iam_users: delete
  break_glass_users: [zz-break-glass, aa-break-glass]
`).Desired().Hardening
	// Weaker than the guidance is accepted; audit reports it.
	want := &estate.PasswordPolicy{MinLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true,
		AllowUsersToChange: true}
	if got := h.PasswordPolicies[webKey]; !reflect.DeepEqual(got, want) {
		t.Errorf("password policy = %+v, want %+v", got, want)
	}
	if _, ok := h.PublicAccessBlocks[webKey]; ok {
		t.Errorf("the exception web-prod is to block public access")
	}
	if !h.PublicAccessBlocks[laKey].On() || !h.PublicAccessBlocks[estate.ManagementKey].On() {
		t.Errorf("accounts other than the exception: %+v", h.PublicAccessBlocks)
	}
	if !reflect.DeepEqual(h.PublicAccessExceptions, []string{webKey}) {
		t.Errorf("exceptions = %q", h.PublicAccessExceptions)
	}
	if h.DeleteDefaultVPCs || !h.DeleteManagementUsers {
		t.Errorf("delete default VPCs %v, delete users %v", h.DeleteDefaultVPCs, h.DeleteManagementUsers)
	}
	if !reflect.DeepEqual(h.BreakGlassUsers, []string{"aa-break-glass", "zz-break-glass"}) {
		t.Errorf("break-glass users = %q", h.BreakGlassUsers)
	}
}

func TestHardeningSwitchedOffParts(t *testing.T) {
	h := spectest.MustParse(t, hardeningBase+`hardening:
  password_policy: {enabled: false}
  s3_block_public_access: {enabled: false}
`).Desired().Hardening
	if len(h.PasswordPolicies) != 0 || len(h.PublicAccessBlocks) != 0 {
		t.Errorf("switched-off parts still wanted: %+v %+v", h.PasswordPolicies, h.PublicAccessBlocks)
	}
	if len(h.Accounts) != 3 {
		t.Errorf("the layer still covers every account for the rest: %q", h.Accounts)
	}
}

func TestHardeningValidation(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []spectest.Want
	}{
		"password lengths IAM refuses": {
			src: "hardening: {password_policy: {min_length: 5}}\n",
			wants: []spectest.Want{{"7:43", "hardening.password_policy.min_length",
				"5 is not a length IAM accepts: 6 to 128 (the guidance asks for at least 14)"}},
		},
		"a written zero length": {
			src:   "hardening: {password_policy: {min_length: 0}}\n",
			wants: []spectest.Want{{"7:43", "hardening.password_policy.min_length", "0 is not a length IAM accepts"}},
		},
		"expiry and reuse out of range, all reported": {
			src: "hardening:\n  password_policy: {min_length: 129, max_age_days: 1096, reuse_prevention: 25}\n",
			wants: []spectest.Want{
				{"8:33", "hardening.password_policy.min_length", "129 is not a length IAM accepts"},
				{"8:52", "hardening.password_policy.max_age_days", "1096 is not an expiry IAM accepts: 1 to 1095 days, or 0"},
				{"8:76", "hardening.password_policy.reuse_prevention", "25 is not a reuse prevention IAM accepts: 1 to 24"},
			},
		},
		"negative expiry": {
			src:   "hardening: {password_policy: {max_age_days: -1}}\n",
			wants: []spectest.Want{{"7:45", "hardening.password_policy.max_age_days", "-1 is not an expiry IAM accepts"}},
		},
		"exceptions that are not accounts": {
			src: "hardening: {s3_block_public_access: {exceptions: [web-prd, management, web-prod, web-prod]}}\n",
			wants: []spectest.Want{
				{"7:51", "hardening.s3_block_public_access.exceptions[0]", `"web-prd" is not an account key (did you mean "web-prod"?)`},
				{"7:60", "hardening.s3_block_public_access.exceptions[1]", "the management account cannot be an exception"},
				{"7:82", "hardening.s3_block_public_access.exceptions[3]", `account "web-prod" is listed twice`},
			},
		},
		"unknown user setting": {
			src:   "hardening: {management_iam_users: remove}\n",
			wants: []spectest.Want{{"7:35", "hardening.management_iam_users", `"remove" is not a setting; expected report`}},
		},
		"break-glass names": {
			src: "hardening: {break_glass_users: [ok, \"no spaces\", ok]}\n",
			wants: []spectest.Want{
				{"7:37", "hardening.break_glass_users[1]", `"no spaces" is not a valid IAM user name`},
				{"7:50", "hardening.break_glass_users[2]", `user "ok" is listed twice`},
			},
		},
		"s3 block public access is a mapping": {
			src:   "hardening: {s3_block_public_access: true}\n",
			wants: []spectest.Want{{"7:37", "hardening.s3_block_public_access", "expected a mapping, found a boolean"}},
		},
		"support role names and paths IAM refuses": {
			src: "hardening: {support_role: {name: \"a b\", path: org-admin}}\n",
			wants: []spectest.Want{
				{"7:34", "hardening.support_role.name", `"a b" is not a valid IAM role name`},
				{"7:47", "hardening.support_role.path", `"org-admin" is not an IAM role path: it starts and ends with /`},
			},
		},
		"empty written support role name and path": {
			src: "hardening:\n  support_role: {name: \"\", path: \"\"}\n",
			wants: []spectest.Want{
				{"8:24", "hardening.support_role.name", `"" is not a valid IAM role name`},
				{"8:34", "hardening.support_role.path", `"" is not an IAM role path`},
			},
		},
		"a path with an empty segment": {
			src:   "hardening: {support_role: {path: /org-admin//}}\n",
			wants: []spectest.Want{{"7:34", "hardening.support_role.path", `"/org-admin//" is not an IAM role path`}},
		},
		"ebs default encryption is a boolean": {
			src:   "hardening: {ebs_default_encryption: maybe}\n",
			wants: []spectest.Want{{"7:37", "hardening.ebs_default_encryption", ""}},
		},
		"unknown password setting": {
			src:   "hardening: {password_policy: {min_lenght: 14}}\n",
			wants: []spectest.Want{{"7:31", "hardening.password_policy.min_lenght", `unknown field "min_lenght"`}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { spectest.CheckDiagnostics(t, hardeningBase+tt.src, tt.wants) })
	}
}

func TestHardeningDisabledIsNotValidated(t *testing.T) {
	spectest.MustParse(t, hardeningBase+"hardening: {disabled: true, password_policy: {min_length: 2}}\n")
	// A support role groundwork does not make is not judged either.
	spectest.MustParse(t, hardeningBase+"hardening: {support_role: {enabled: false, name: \"a b\"}}\n")
}
