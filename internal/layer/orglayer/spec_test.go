package orglayer_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"

	// Whole foundations: every section registered, as in the CLI.
	_ "github.com/groundwork-aws/groundwork/internal/layer/all"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

// loadDir writes the spec and extra files into a temporary directory and
// loads the spec from there, so that policy file: paths resolve.
func loadDir(t *testing.T, src string, files map[string]string) (*spec.Foundation, error) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "foundation.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return spec.Load(path)
}

// costTagPolicy is a tag policy the tagging dictionary cannot make: it
// appends values.
const costTagPolicy = `{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@append":["100","200"]}}}}`

func TestPolicyProblems(t *testing.T) {
	const denyAll = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyEverything","Effect":"Deny","Action":"*","Resource":"*"}]}`
	for name, tc := range map[string]struct {
		src   string
		files map[string]string
		wants []spectest.Want // path and phrase; positions are checked where given
	}{
		"unknown library policy": {
			src:   spectest.Minimal + "policies:\n  scps:\n    mine: {library: [PreventMemberLeaveOrgs]}\n",
			wants: []spectest.Want{{"6:22", "policies.scps.mine.library[0]", `unknown library policy "PreventMemberLeaveOrgs" (did you mean "PreventMemberLeaveOrg"?)`}},
		},
		"neither library nor file": {
			src:   spectest.Minimal + "policies:\n  scps:\n    mine: {attach: [Security]}\n",
			wants: []spectest.Want{{"6:5", "policies.scps.mine", `"mine" is not a library policy; set library: [...] or file:`}},
		},
		"a library name alone is enough": {
			src: spectest.Minimal + "policies:\n  scps:\n    PreventMemberLeaveOrg: {}\n",
		},
		"both library and file": {
			src:   spectest.Minimal + "policies:\n  scps:\n    mine: {library: [PreventMemberLeaveOrg], file: p.json}\n",
			wants: []spectest.Want{{"6:11", "policies.scps.mine", "set either file or library, not both"}},
		},
		"missing file": {
			src:   spectest.Minimal + "policies:\n  scps:\n    mine: {file: policies/none.json}\n",
			wants: []spectest.Want{{"6:18", "policies.scps.mine.file", "cannot read the policy"}},
		},
		"lint problems name the file and statement": {
			src:   spectest.Minimal + "policies:\n  scps:\n    mine: {file: policies/bad.json}\n",
			files: map[string]string{"policies/bad.json": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"},{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}`},
			wants: []spectest.Want{{"1:97", "@policies/bad.json", `statement 1: Effect: "Maybe" is not an effect`}},
		},
		"invalid JSON": {
			src:   spectest.Minimal + "policies:\n  scps:\n    mine: {file: policies/bad.json}\n",
			files: map[string]string{"policies/bad.json": `{"Version":"2012-10-17",`},
			wants: []spectest.Want{{"1:25", "@policies/bad.json", "invalid JSON at line 1, column 25: unexpected end of JSON input"}},
		},
		"oversized": {
			src: spectest.Minimal + "policies:\n  scps:\n    mine: {file: policies/big.json}\n",
			files: map[string]string{"policies/big.json": `{"Version":"2012-10-17","Statement":[` +
				strings.Repeat(`{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::a-very-long-bucket-name-for-padding/*"},`, 120) +
				`{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`},
			wants: []spectest.Want{{"1:1", "@policies/big.json", "characters without the whitespace outside strings; an SCP may have at most 5,120"}},
		},
		"a policy that locks groundwork out is refused": {
			src:   spectest.Minimal + "policies:\n  scps:\n    lockout: {file: policies/deny-all.json}\n",
			files: map[string]string{"policies/deny-all.json": denyAll},
			wants: []spectest.Want{{"1:38", "@policies/deny-all.json", `refused: statement 0 (Sid "DenyEverything")`}},
		},
		// A policy file's problems come in the same run as the spec's,
		// however many the spec has, sorted by file and position.
		"spec and policy file problems together": {
			src: strings.Replace(spectest.Minimal, "home_region: us-east-1}", "home_region: us-east-1, regions: [us-east-1, mars-1]}", 1) +
				"policies:\n  scps:\n    mine: {file: policies/bad.json, attach: [Securty]}\n",
			files: map[string]string{"policies/bad.json": "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"ec2:*\""},
			wants: []spectest.Want{
				{"2:101", "organization.regions[1]", `"mars-1" is not an AWS Region`},
				{"6:46", "policies.scps.mine.attach[0]", `"Securty" is neither Root`},
				{"2:52", "@policies/bad.json", "invalid JSON at line 2, column 52"},
			},
		},
		"policy file too deep": {
			src:   spectest.Minimal + "policies:\n  scps:\n    mine: {file: policies/deep.json}\n",
			files: map[string]string{"policies/deep.json": strings.Repeat("[", 100)},
			wants: []spectest.Want{{"1:65", "@policies/deep.json", "nesting deeper than 64 levels, the most groundwork reads for a policy file"}},
		},
		"policy file with a byte-order mark": {
			src:   spectest.Minimal + "policies:\n  scps:\n    mine: {file: policies/bom.json}\n",
			files: map[string]string{"policies/bom.json": "\xEF\xBB\xBF" + `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"*"}]}`},
		},
		"policy file not UTF-8": {
			src:   spectest.Minimal + "policies:\n  scps:\n    mine: {file: policies/latin1.json}\n",
			files: map[string]string{"policies/latin1.json": "{\"Version\":\"2012-10-17\",\n\"Id\": \"caf\xe9\"}"},
			wants: []spectest.Want{{"2:11", "@policies/latin1.json", "the file is not UTF-8 (byte 0xe9); save it as UTF-8"}},
		},
		"unknown attach target": {
			src:   spectest.Minimal + "policies:\n  scps:\n    PreventMemberLeaveOrg: {attach: [Workloads/Prd]}\n",
			wants: []spectest.Want{{"6:38", "policies.scps.PreventMemberLeaveOrg.attach[0]", `"Workloads/Prd" is neither Root, a declared OU path, an account key nor management (did you mean "Workloads/Prod"?)`}},
		},
		"too many SCPs on one target": {
			src: spectest.Minimal + "policies:\n  scps:\n" +
				"    PreventMemberLeaveOrg: {attach: [Security]}\n    PreventResourceSharingOutsideOrg: {attach: [Security]}\n" +
				"    PreventRootUserFromPerformingAnyActions: {attach: [Security]}\n    ProtectOrgAdminRoles: {attach: [Security]}\n" +
				"    ProtectSecurityServices: {attach: [Security]}\n",
			wants: []spectest.Want{{"5:3", "policies.scps", "would have 6 SCPs attached directly, FullAWSAccess included"}},
		},
		"bad protected role path": {
			src:   spectest.Minimal + "policies:\n  protected_role_paths: [org-admin]\n",
			wants: []spectest.Want{{"5:26", "policies.protected_role_paths[0]", `"org-admin" is not an IAM path`}},
		},
		"delegation to an unknown account": {
			src:   spectest.Minimal + "services:\n  delegated_admins: {guardduty.amazonaws.com: security-toolng}\n",
			wants: []spectest.Want{{"5:47", "services.delegated_admins.guardduty.amazonaws.com", `account "security-toolng" is not declared under accounts`}},
		},
		"delegation without trusted access": {
			src: spectest.Minimal + "accounts:\n  security-tooling: {unit: Security, role: security-tooling}\n" +
				"services:\n  trusted_access: [config.amazonaws.com]\n  delegated_admins: {guardduty.amazonaws.com: security-tooling}\n",
			wants: []spectest.Want{{"8:47", "services.delegated_admins.guardduty.amazonaws.com", "needs trusted access"}},
		},
		"bad service principal": {
			src:   spectest.Minimal + "services:\n  trusted_access: [guardduty]\n",
			wants: []spectest.Want{{"5:20", "services.trusted_access[0]", `"guardduty" is not a service principal`}},
		},
		"contacts without a phone": {
			src:   spectest.Minimal + "contacts:\n  billing: {name: Finance}\n",
			wants: []spectest.Want{{"4:1", "contacts", "contacts.phone is required: AWS needs a phone number"}},
		},
		"bad phone": {
			src:   spectest.Minimal + "contacts: {phone: call-me}\n",
			wants: []spectest.Want{{"4:19", "contacts.phone", `"call-me" is not a phone number`}},
		},
		"tag policy too large for AWS": {
			src:   spectest.Minimal + "tagging:\n  values:\n    CostCenter: [" + strings.Repeat("cost-center-with-a-long-name-0000, ", 400) + "x]\n",
			wants: []spectest.Want{{"4:1", "tagging", "the tag policy made from this dictionary: 14,751 characters without the whitespace outside strings; a tag policy may have at most 10,000"}},
		},
		"tag policy from a file": {
			src:   spectest.Minimal + "policies:\n  tag_policies:\n    cost: {file: tag-policies/cost.json, attach: [Workloads, management]}\n",
			files: map[string]string{"tag-policies/cost.json": costTagPolicy},
		},
		"tag policy file missing": {
			src:   spectest.Minimal + "policies:\n  tag_policies:\n    cost: {file: tag-policies/none.json}\n",
			wants: []spectest.Want{{"6:18", "policies.tag_policies.cost.file", "cannot read the policy"}},
		},
		"tag policy without a file": {
			src:   spectest.Minimal + "policies:\n  tag_policies:\n    cost: {description: x}\n",
			wants: []spectest.Want{{"6:5", "policies.tag_policies.cost", "set file:"}},
		},
		"tag policy file too large": {
			src:   spectest.Minimal + "policies:\n  tag_policies:\n    cost: {file: tag-policies/big.json}\n",
			files: map[string]string{"tag-policies/big.json": `{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@assign":[` + strings.Repeat(`"a-cost-center-value",`, 600) + `"x"]}}}}`},
			wants: []spectest.Want{{"1:1", "@tag-policies/big.json", "characters without the whitespace outside strings; a tag policy may have at most 10,000"}},
		},
		"tag policy file with bad JSON": {
			src:   spectest.Minimal + "policies:\n  tag_policies:\n    cost: {file: tag-policies/bad.json}\n",
			files: map[string]string{"tag-policies/bad.json": "{\"tags\":\n {\"costcenter\": }"},
			wants: []spectest.Want{{"2:17", "@tag-policies/bad.json", "invalid JSON at line 2, column 17"}},
		},
		"tag policy attached to an unknown target": {
			src:   spectest.Minimal + "policies:\n  tag_policies:\n    cost: {file: tag-policies/cost.json, attach: [Workload]}\n",
			files: map[string]string{"tag-policies/cost.json": costTagPolicy},
			wants: []spectest.Want{{"6:51", "policies.tag_policies.cost.attach[0]", `"Workload" is neither Root, a declared OU path, an account key nor management (did you mean "Workloads"?)`}},
		},
		"tag policy named as the generated one": {
			src:   spectest.Minimal + "policies:\n  tag_policies:\n    groundwork-tagging: {file: tag-policies/cost.json}\n",
			files: map[string]string{"tag-policies/cost.json": costTagPolicy},
			wants: []spectest.Want{{"6:5", "policies.tag_policies.groundwork-tagging", "is the name of the tag policy made from the tagging dictionary"}},
		},
		"tag policy named as the generated one, which is off": {
			src:   spectest.Minimal + "tagging: {policy: {disabled: true}}\npolicies:\n  tag_policies:\n    groundwork-tagging: {file: tag-policies/cost.json}\n",
			files: map[string]string{"tag-policies/cost.json": costTagPolicy},
		},
		"tag policy attached to an unknown OU": {
			src:   spectest.Minimal + "tagging:\n  policy: {attach: [Nowhere]}\n",
			wants: []spectest.Want{{"5:21", "tagging.policy.attach[0]", `"Nowhere" is neither Root`}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := loadDir(t, tc.src, tc.files)
			if len(tc.wants) == 0 {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			var ds spec.Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("Load error %v; want diagnostics", err)
			}
			ok := len(ds) == len(tc.wants)
			for i := 0; ok && i < len(ds); i++ {
				d, w := ds[i], tc.wants[i]
				// A path "@file" is a problem in that file, not the spec.
				where := d.Path == w[1] && d.File == filepath.Join(filepath.Dir(d.File), "foundation.yaml")
				if file, ok := strings.CutPrefix(w[1], "@"); ok {
					where = d.Path == "" && strings.HasSuffix(d.File, string(filepath.Separator)+filepath.FromSlash(file))
				}
				ok = fmt.Sprintf("%d:%d", d.Line, d.Column) == w[0] && where && strings.Contains(d.Message, w[2])
			}
			if !ok {
				t.Errorf("diagnostics:\n%s\nwant: %+v", ds.Error(), tc.wants)
			}
		})
	}
}

func TestDefaultOrganizationLayer(t *testing.T) {
	f := spectest.MustParse(t, spectest.Minimal+"accounts:\n  security-tooling: {unit: Security, role: security-tooling}\n  identity-center: {unit: Security, role: identity-center}\n")
	l := f.Desired().Org
	if got := strings.Join(l.EnabledPolicyTypes, ","); got != "SERVICE_CONTROL_POLICY,TAG_POLICY" {
		t.Errorf("policy types = %s", got)
	}
	base := l.Policies[estate.PolicyKey(estate.PolicyTypeSCP, "groundwork-baseline")]
	if base == nil {
		t.Fatalf("no groundwork-baseline SCP: %v", l.Policies)
	}
	// Every top-level OU of spectest.Minimal, never the root.
	if got := strings.Join(base.Targets, ","); got != "Sandbox,Security,Workloads" {
		t.Errorf("baseline targets = %s", got)
	}
	for _, sid := range []string{"PreventMemberLeaveOrg", "PreventRootUserFromPerformingAnyActions", "ProtectOrgAdminRoles"} {
		if !strings.Contains(base.Content, sid) {
			t.Errorf("baseline lacks %s", sid)
		}
	}
	if got := l.DelegatedAdmins["sso.amazonaws.com"]; got != "aws-identity-center-primary@example.com" {
		t.Errorf("sso delegated to %q", got)
	}
	if got := l.DelegatedAdmins["guardduty.amazonaws.com"]; got != "aws-security-tooling-primary@example.com" {
		t.Errorf("guardduty delegated to %q", got)
	}
	if l.ManagementContacts != nil {
		t.Errorf("contacts are managed only when the spec has a contacts section")
	}
}

func TestExceptionsGetNoBaseline(t *testing.T) {
	f := spectest.MustParse(t, `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1}
units: {Security: {}, Exceptions: {guardrails: none}}
`)
	for _, p := range f.Desired().Org.Policies {
		if p.Type == estate.PolicyTypeSCP && strings.Join(p.Targets, ",") != "Security" {
			t.Errorf("%s attached to %v; Exceptions and the root get no baseline", p.Name, p.Targets)
		}
	}
}

func TestContactsFollowTheConvention(t *testing.T) {
	f := spectest.MustParse(t, spectest.Minimal+`contacts:
  phone: "+1-555-0100"
  security: {name: SecOps}
accounts:
  log-archive:
    unit: Security
    role: log-archive
    contacts: {billing: {email: finance@example.com}}
`)
	d := f.Desired()
	la := d.Accounts["aws-log-archive-primary@example.com"].Contacts
	if got := la[estate.ContactBilling]; got.Email != "finance@example.com" || got.Phone != "+1-555-0100" || got.Name != "Billing" {
		t.Errorf("billing = %+v", got)
	}
	if got := la[estate.ContactSecurity]; got.Email != "log-archive-primary-security@example.com" || got.Name != "SecOps" {
		t.Errorf("security = %+v", got)
	}
	if got := d.Org.ManagementContacts[estate.ContactOperations]; got.Email != "aws-management-account-primary-operations@example.com" {
		t.Errorf("management operations = %+v", got)
	}
}
