package spec_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/spec"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"
)

func TestParseBrokenFile(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []want
	}{
		"syntax error": {
			src:   "version: 1\norganization:\n  id: [primary\n",
			wants: []want{{"3:7", "", "invalid YAML: sequence end token ']' not found"}},
		},
		"two documents": {
			// The position is the ':' of the second document's first key.
			src:   "version: 1\n---\nversion: 1\n",
			wants: []want{{"2:1", "", "found 2 YAML documents; a spec is exactly one"}},
		},
		"empty file": {
			src:   "",
			wants: []want{{"1:1", "", "the file is empty"}},
		},
		"only comments": {
			src:   "# nothing yet\n",
			wants: []want{{"1:1", "", "the file is empty"}},
		},
		"null document": {
			src:   "~\n",
			wants: []want{{"1:1", "", "the file is empty"}},
		},
		"only document markers": {
			src:   "---\n---\n",
			wants: []want{{"1:1", "", "the file is empty"}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { checkDiagnostics(t, tt.src, tt.wants) })
	}
}

// A spec ending in an empty document, as `echo '---' >> foundation.yaml`
// leaves it, is the spec before it: the empty document holds nothing. It
// used to crash Parse; FuzzParse found it from "0000\n---", which is
// refused as a file that is not a mapping.
func TestParseTrailingEmptyDocument(t *testing.T) {
	ds := spectest.ParseError(t, "0000\n---")
	if len(ds) == 0 || !strings.Contains(ds[0].Error(), "foundation.yaml:1:1: expected a mapping, found a number") {
		t.Errorf("a scalar, then an empty document: %v", ds)
	}
	for _, end := range []string{"---\n", "---", "---\n...\n", "---\n# nothing\n"} {
		if _, err := spec.Parse("foundation.yaml", []byte(minimal+end)); err != nil {
			t.Errorf("a spec ending in %q: %v", end, err)
		}
	}
}

func TestParseUnknownField(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []want
	}{
		"top level": {
			src:   minimal + "acounts: {}\n",
			wants: []want{{"4:1", "acounts", `unknown field "acounts"; expected one of: accounts, billing, contacts, hardening, identity, logging, monitoring, organization, policies, services, tagging, units, version (did you mean "accounts"?)`}},
		},
		"organization": {
			src: `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  regoins: [us-east-1]
units: {Security: {}}
`,
			wants: []want{{"6:3", "organization.regoins", `unknown field "regoins"; expected one of: access_role, email_domain, home_region, id, management, naming, regions (did you mean "regions"?)`}},
		},
		"naming": {
			src: `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  naming: {acount: "{name}"}
units: {Security: {}}
`,
			wants: []want{{"6:12", "organization.naming.acount", `(did you mean "account"?)`}},
		},
		"management": {
			src: `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  management: {mail: root@example.com}
units: {Security: {}}
`,
			wants: []want{{"6:16", "organization.management.mail", `unknown field "mail"; expected one of: contacts, email, exempt_from_naming, name (did you mean "email"?)`}},
		},
		"unit": {
			src: `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1}
units:
  Exceptions:
    guardrail: none
`,
			wants: []want{{"5:5", "units.Exceptions.guardrail", `unknown field "guardrail"; expected one of: guardrails, tags, units (did you mean "guardrails"?)`}},
		},
		"nested unit": {
			src: `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1}
units:
  Workloads:
    units:
      Prod: {tag: {}}
`,
			wants: []want{{"6:14", "units.Workloads.units.Prod.tag", `(did you mean "tags"?)`}},
		},
		"account": {
			src: minimal + `accounts:
  log-archive:
    unit: Security
    role: log-archive
    nmae: logs-primary
`,
			wants: []want{{"8:5", "accounts.log-archive.nmae", `unknown field "nmae"; expected one of: contacts, email, environment, exempt_from_naming, name, role, tags, unit, username, workload (did you mean "name"?)`}},
		},
		"tagging": {
			src:   minimal + "tagging: {value: {}}\n",
			wants: []want{{"4:11", "tagging.value", `unknown field "value"; expected one of: policy, required, values (did you mean "values"?)`}},
		},
		"identity": {
			src:   minimal + "identity: {usres: {}}\n",
			wants: []want{{"4:12", "identity.usres", `unknown field "usres"; expected one of: access_control_attributes, assignments, audit, disabled, groups, identity_account, model, permission_sets, source, users (did you mean "users"?)`}},
		},
		"sections with a schema reject unknown keys": {
			src: minimal + `policies: {scps: []}
identity: {users: []}
`,
			wants: []want{
				{"4:18", "policies.scps", "expected a mapping, found a list"},
				{"5:19", "identity.users", "expected a mapping, found a list"},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { checkDiagnostics(t, tt.src, tt.wants) })
	}
}

func TestParseUnknownFieldWithoutSuggestion(t *testing.T) {
	ds := parseError(t, minimal+"colour: blue\n")
	const msg = `unknown field "colour"; expected one of: accounts, billing, contacts, hardening, identity, logging, monitoring, organization, policies, services, tagging, units, version`
	if len(ds) != 1 || ds[0].Message != msg {
		t.Errorf("diagnostics %v; want exactly one with message %q", ds, msg)
	}
}

func TestParseReservedSectionsAcceptEmpty(t *testing.T) {
	mustParse(t, minimal+"policies: {}\nidentity:\nmonitoring: {disabled: true}\nbilling: {disabled: true}\nhardening: {disabled: true}\n")
}

func TestParseWrongType(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []want
	}{
		"string for a list": {
			src: `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  regions: us-east-1
units: {Security: {}}
`,
			wants: []want{{"6:12", "organization.regions", "expected a list, found a string"}},
		},
		"list for a string": {
			src: `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  access_role: [a, b]
units: {Security: {}}
`,
			wants: []want{{"6:16", "organization.access_role", "expected a string, found a list"}},
		},
		"mapping for a string": {
			src: minimal + "accounts:\n  log-archive: {unit: {path: Security}, role: log-archive}\n",
			wants: []want{
				{"5:23", "accounts.log-archive.unit", "expected a string, found a mapping"},
			},
		},
		"scalar for a mapping": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Security: x\n",
			wants: []want{{"4:13", "units.Security", "expected a mapping, found a string"}},
		},
		"list for a mapping": {
			src:   minimal + "accounts: [log-archive]\n",
			wants: []want{{"4:11", "accounts", "expected a mapping, found a list"}},
		},
		"string for a mapping of lists": {
			src:   minimal + "tagging:\n  values: Environment\n",
			wants: []want{{"5:11", "tagging.values", "expected a mapping, found a string"}},
		},
		"mapping in a list": {
			src:   minimal + "tagging:\n  required: [Owner, {key: Team}]\n",
			wants: []want{{"5:21", "tagging.required[1]", "expected a string, found a mapping"}},
		},
		"list for a tag value": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Security: {tags: {Owner: [a, b]}}\n",
			wants: []want{{"4:28", "units.Security.tags.Owner", "expected a string, found a list"}},
		},
		"string version": {
			// A version that is not a whole number also counts as version 0.
			src: "version: \"1\"\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{
				{"1:10", "version", "expected a whole number, found a string"},
			},
		},
		"fractional version": {
			src: "version: 1.5\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{
				{"1:10", "version", "expected a whole number, found a number"},
			},
		},
		"string for a bool": {
			src:   minimal + "accounts:\n  log-archive: {unit: Security, role: log-archive, exempt_from_naming: \"yes\"}\n",
			wants: []want{{"5:72", "accounts.log-archive.exempt_from_naming", "expected true or false, found a string"}},
		},
		"number for a bool": {
			src:   minimal + "accounts:\n  log-archive: {unit: Security, role: log-archive, exempt_from_naming: 1}\n",
			wants: []want{{"5:72", "accounts.log-archive.exempt_from_naming", "expected true or false, found a number"}},
		},
		"unknown alias": {
			src: minimal + "accounts:\n  log-archive: *nope\n",
			wants: []want{
				{"5:16", "accounts.log-archive", "expected a mapping, found an unknown alias"},
			},
		},
		"non-scalar key": {
			src:   minimal + "accounts:\n  ? [a, b]\n  : {unit: Security}\n",
			wants: []want{{"6:3", "", "invalid YAML: found an invalid key for this map"}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { checkDiagnostics(t, tt.src, tt.wants) })
	}
}

func TestParseDuplicateKey(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []want
	}{
		"top level": {
			src:   minimal + "version: 1\n",
			wants: []want{{"4:1", "version", `duplicate key "version"`}},
		},
		"struct field": {
			src: `version: 1
organization:
  id: primary
  id: other
  email_domain: example.com
  home_region: us-east-1
units: {Security: {}}
`,
			wants: []want{{"4:3", "organization.id", `duplicate key "id"`}},
		},
		"map key": {
			src:   minimal + "accounts:\n  log-archive: {unit: Security, role: log-archive}\n  log-archive: {unit: Security}\n",
			wants: []want{{"6:3", "accounts.log-archive", `duplicate key "log-archive"`}},
		},
		"flow mapping": {
			src:   minimal + "accounts:\n  log-archive: {unit: Security, role: log-archive, unit: Sandbox}\n",
			wants: []want{{"5:52", "accounts.log-archive.unit", `duplicate key "unit"`}},
		},
		"every duplicate at once": {
			src: `version: 1
organization:
  id: primary
  id: other
  email_domain: example.com
  home_region: us-east-1
units:
  Security: {}
  Security: {}
`,
			wants: []want{
				{"4:3", "organization.id", `duplicate key "id"`},
				{"9:3", "units.Security", `duplicate key "Security"`},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { checkDiagnostics(t, tt.src, tt.wants) })
	}
}

func TestParseOrganization(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []want
	}{
		"missing version": {
			// The root mapping's position is the ':' of its first key.
			src:   "organization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{{"1:13", "version", "required: set `version: 1` at the top of the file"}},
		},
		"unsupported version": {
			src:   "version: 2\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{{"1:10", "version", "unsupported spec version 2; this groundwork reads version 1"}},
		},
		"version zero": {
			src:   "version: 0\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{{"1:10", "version", "unsupported spec version 0"}},
		},
		"missing id": {
			src:   "version: 1\norganization: {email_domain: example.com, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{{"2:1", "organization.id", `required: the organization identifier`}},
		},
		"empty id": {
			src:   "version: 1\norganization: {id: \"\", email_domain: example.com, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{{"2:20", "organization.id", `required: the organization identifier`}},
		},
		"missing email domain": {
			src:   "version: 1\norganization: {id: primary, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{{"2:1", "organization.email_domain", "required: the domain of the root e-mail addresses"}},
		},
		"missing home region": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com}\nunits: {Security: {}}\n",
			wants: []want{{"2:1", "organization.home_region", "required: the Region where the foundation's global resources live"}},
		},
		"missing organization": {
			src: "version: 1\norganization:\nunits: {Security: {}}\n",
			wants: []want{
				{"2:1", "organization.home_region", "required"},
				{"2:1", "organization.email_domain", "required"},
				{"2:1", "organization.id", "required"},
			},
		},
		"bad id": {
			src:   "version: 1\norganization: {id: Primary_1, email_domain: example.com, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{{"2:20", "organization.id", `"Primary_1" must be lowercase letters, digits and hyphens`}},
		},
		"id starting with a hyphen": {
			src:   "version: 1\norganization: {id: -primary, email_domain: example.com, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{{"2:20", "organization.id", `"-primary" must be lowercase letters`}},
		},
		"uppercase domain": {
			src:   "version: 1\norganization: {id: primary, email_domain: Example.COM, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{{"2:43", "organization.email_domain", `"Example.COM" is not a valid lowercase domain name`}},
		},
		"domain without a dot": {
			src: "version: 1\norganization: {id: primary, email_domain: localhost, home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{
				{"2:43", "organization.email_domain", `"localhost" is not a valid lowercase domain name`},
			},
		},
		"domain with an @": {
			src: "version: 1\norganization: {id: primary, email_domain: \"@example.com\", home_region: us-east-1}\nunits: {Security: {}}\n",
			wants: []want{
				{"2:43", "organization.email_domain", `"@example.com" is not a valid lowercase domain name`},
			},
		},
		"bad access role": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1, access_role: \"bad role!\"}\nunits: {Security: {}}\n",
			wants: []want{{"2:93", "organization.access_role", `"bad role!" is not a valid IAM role name`}},
		},
		"no units": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\n",
			wants: []want{{"1:8", "units", "required: declare the OU tree"}},
		},
		"empty units": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: {}\n",
			wants: []want{{"3:8", "units", "required: declare the OU tree"}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { checkDiagnostics(t, tt.src, tt.wants) })
	}
}

func TestParseRegions(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []want
	}{
		"bad home region": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-l, regions: [us-east-1]}\nunits: {Security: {}}\n",
			wants: []want{{"2:69", "organization.home_region", `"us-east-l" is not an AWS Region (did you mean "us-east-1"?)`}},
		},
		"bad region in the list": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, eu-wset-1]}\nunits: {Security: {}}\n",
			wants: []want{{"2:101", "organization.regions[1]", `"eu-wset-1" is not an AWS Region (did you mean "eu-west-1"?)`}},
		},
		"region nothing like a region": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, mars]}\nunits: {Security: {}}\n",
			wants: []want{{"2:101", "organization.regions[1]", `"mars" is not an AWS Region`}},
		},
		"uppercase region": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, EU-WEST-1]}\nunits: {Security: {}}\n",
			wants: []want{{"2:101", "organization.regions[1]", `"EU-WEST-1" is not an AWS Region`}},
		},
		"duplicate region": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, eu-west-1, us-east-1]}\nunits: {Security: {}}\n",
			wants: []want{{"2:112", "organization.regions[2]", `Region "us-east-1" is listed twice`}},
		},
		"home region not operational": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [eu-west-1]}\nunits: {Security: {}}\n",
			wants: []want{{"2:89", "organization.regions", `the home Region "us-east-1" must be one of the operational Regions`}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { checkDiagnostics(t, tt.src, tt.wants) })
	}
}

func TestParseAccounts(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []want
	}{
		"duplicate name": {
			src:   minimal + "accounts:\n  a: {unit: Security, name: b-primary}\n  b: {unit: Security}\n",
			wants: []want{{"6:3", "accounts.b.name", `account name "b-primary" is already used by accounts.a`}},
		},
		"duplicate name in another case": {
			src:   minimal + "accounts:\n  a: {unit: Security, name: B-primary}\n  b: {unit: Security}\n",
			wants: []want{{"6:3", "accounts.b.name", `account name "b-primary" is already used by accounts.a`}},
		},
		"name of the management account": {
			src:   minimal + "accounts:\n  a: {unit: Security, name: aws-management-account-primary, exempt_from_naming: true}\n",
			wants: []want{{"5:29", "accounts.a.name", `account name "aws-management-account-primary" is already used by organization.management`}},
		},
		"duplicate e-mail": {
			src:   minimal + "accounts:\n  a: {unit: Security, email: aws-b-primary@example.com}\n  b: {unit: Security}\n",
			wants: []want{{"6:3", "accounts.b.email", `e-mail "aws-b-primary@example.com" is already used by accounts.a; every AWS account needs its own address`}},
		},
		"duplicate e-mail in another case": {
			src:   minimal + "accounts:\n  a: {unit: Security}\n  b: {unit: Security, email: AWS-A-Primary@Example.COM}\n",
			wants: []want{{"6:30", "accounts.b.email", `e-mail "AWS-A-Primary@Example.COM" is already used by accounts.a`}},
		},
		"e-mail of the management account": {
			src:   minimal + "accounts:\n  a: {unit: Security, email: AWS-Management-Account-primary@example.com, exempt_from_naming: true}\n",
			wants: []want{{"5:30", "accounts.a.email", `is already used by organization.management`}},
		},
		"bad key": {
			src:   minimal + "accounts:\n  Log_Archive: {unit: Security, exempt_from_naming: true, email: logs@example.com}\n",
			wants: []want{{"5:3", "accounts.Log_Archive", `account key "Log_Archive" must be lowercase letters, digits and hyphens`}},
		},
		"missing unit": {
			src:   minimal + "accounts:\n  log-archive: {role: log-archive}\n",
			wants: []want{{"5:3", "accounts.log-archive.unit", "required: the path of the OU this account belongs in"}},
		},
		"empty account": {
			src:   minimal + "accounts:\n  log-archive:\n",
			wants: []want{{"5:3", "accounts.log-archive.unit", "required: the path of the OU this account belongs in"}},
		},
		"unknown unit": {
			src:   minimal + "accounts:\n  log-archive: {unit: Secrity, role: log-archive}\n",
			wants: []want{{"5:23", "accounts.log-archive.unit", `OU "Secrity" is not declared under units (did you mean "Security"?)`}},
		},
		"unknown nested unit": {
			src:   minimal + "accounts:\n  pay-prod: {unit: Workloads/Prd, role: workload, workload: pay, environment: prod}\n",
			wants: []want{{"5:20", "accounts.pay-prod.unit", `OU "Workloads/Prd" is not declared under units (did you mean "Workloads/Prod"?)`}},
		},
		"unknown unit far from any": {
			src:   minimal + "accounts:\n  log-archive: {unit: Audit, role: log-archive}\n",
			wants: []want{{"5:23", "accounts.log-archive.unit", `OU "Audit" is not declared under units`}},
		},
		"unknown role": {
			src:   minimal + "accounts:\n  a: {unit: Security, role: admin}\n",
			wants: []want{{"5:29", "accounts.a.role", `unknown role "admin"; expected one of: log-archive, security-tooling, identity-center, identity, workload, sandbox`}},
		},
		"workload without workload and environment": {
			src: minimal + "accounts:\n  pay-prod: {unit: Workloads/Prod, role: workload, name: pay-prod-primary, email: aws-pay-prod-primary@example.com}\n",
			wants: []want{
				{"5:3", "accounts.pay-prod.environment", "required for a workload account: the stage"},
				{"5:3", "accounts.pay-prod.workload", "required for a workload account: the workload's short name"},
			},
		},
		"sandbox without username": {
			src:   minimal + "accounts:\n  sb: {unit: Sandbox, role: sandbox, name: sandbox-alice-primary, email: aws-sandbox-alice-primary@example.com}\n",
			wants: []want{{"5:3", "accounts.sb.username", "required for a sandbox account: the user it belongs to"}},
		},
		"two log-archive accounts": {
			src:   minimal + "accounts:\n  log-archive: {unit: Security, role: log-archive}\n  logs: {unit: Security, role: log-archive}\n",
			wants: []want{{"6:32", "accounts.logs.role", `role "log-archive" is already given to account "log-archive"; a foundation has one log-archive account`}},
		},
		"two identity-center accounts": {
			src:   minimal + "accounts:\n  idc: {unit: Security, role: identity-center}\n  sso: {unit: Security, role: identity-center}\n",
			wants: []want{{"6:31", "accounts.sso.role", `role "identity-center" is already given to account "idc"`}},
		},
		"name too long": {
			src:   minimal + "accounts:\n  a: {unit: Security, exempt_from_naming: true, name: " + strings.Repeat("n", 51) + "}\n",
			wants: []want{{"5:55", "accounts.a.name", "account name \"" + strings.Repeat("n", 51) + "\" must be 1 to 50 characters"}},
		},
		"long key makes a long name and e-mail": {
			src: minimal + "accounts:\n  " + strings.Repeat("k", 45) + ": {unit: Security}\n",
			wants: []want{
				{"5:3", "accounts." + strings.Repeat("k", 45) + ".email", "is not a valid e-mail address of at most 64 characters"},
				{"5:3", "accounts." + strings.Repeat("k", 45) + ".name", "must be 1 to 50 characters"},
			},
		},
		"invalid e-mail": {
			src:   minimal + "accounts:\n  a: {unit: Security, exempt_from_naming: true, email: not-an-address}\n",
			wants: []want{{"5:56", "accounts.a.email", `"not-an-address" is not a valid e-mail address`}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { checkDiagnostics(t, tt.src, tt.wants) })
	}
}

func TestParseNamingConvention(t *testing.T) {
	const hint = "; follow it, or set exempt_from_naming: true for an account that predates it"
	tests := map[string]struct {
		src   string
		wants []want
	}{
		"management name and e-mail": {
			src: `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  management: {name: mgmt, email: root@example.com}
units: {Security: {}}
`,
			wants: []want{
				{"6:22", "organization.management.name", `"mgmt" does not follow the management account convention "aws-management-account-{org}"`},
				{"6:35", "organization.management.email", `"root@example.com" does not follow the management e-mail convention "aws-management-account-{org}@{domain}"`},
			},
		},
		"management e-mail invalid": {
			src: `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  management: {email: root}
units: {Security: {}}
`,
			wants: []want{{"6:23", "organization.management.email", `"root" is not a valid e-mail address`}},
		},
		"foundational account": {
			src: minimal + "accounts:\n  log-archive: {unit: Security, role: log-archive, name: logs, email: logs@example.com}\n",
			wants: []want{
				{"5:58", "accounts.log-archive.name", `"logs" does not follow the account name convention "{name}-{org}"` + hint},
				{"5:71", "accounts.log-archive.email", `"logs@example.com" does not follow the e-mail convention "aws-{name}-{org}@{domain}"` + hint},
			},
		},
		"e-mail in another domain": {
			src:   minimal + "accounts:\n  log-archive: {unit: Security, role: log-archive, email: aws-log-archive-primary@example.org}\n",
			wants: []want{{"5:59", "accounts.log-archive.email", `"aws-log-archive-primary@example.org" does not follow`}},
		},
		"name for another organization": {
			src:   minimal + "accounts:\n  log-archive: {unit: Security, role: log-archive, name: log-archive-secondary}\n",
			wants: []want{{"5:58", "accounts.log-archive.name", `"log-archive-secondary" does not follow`}},
		},
		"workload account": {
			src: minimal + `accounts:
  pay-prod:
    unit: Workloads/Prod
    role: workload
    workload: payments
    environment: prod
    name: payments-production
    email: payments@example.com
`,
			wants: []want{
				{"10:11", "accounts.pay-prod.name", `"payments-production" does not follow the account name convention "{workload}-{environment}-{org}"`},
				{"11:12", "accounts.pay-prod.email", `"payments@example.com" does not follow the e-mail convention "aws-{workload}-{environment}-{org}@{domain}"`},
			},
		},
		"sandbox account": {
			src: minimal + `accounts:
  sb-alice:
    unit: Sandbox
    role: sandbox
    username: alice
    name: alice-primary
    email: alice@example.com
`,
			wants: []want{
				{"9:11", "accounts.sb-alice.name", `"alice-primary" does not follow the account name convention "sandbox-{username}-{org}"`},
				{"10:12", "accounts.sb-alice.email", `"alice@example.com" does not follow the e-mail convention "aws-sandbox-{username}-{org}@{domain}"`},
			},
		},
		"custom convention": {
			src: `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  naming: {account: "{org}-{name}", account_email: "{org}+{name}@{domain}"}
units: {Security: {}}
accounts:
  log-archive: {unit: Security, role: log-archive, name: log-archive-primary, email: aws-log-archive-primary@example.com}
`,
			wants: []want{
				{"9:58", "accounts.log-archive.name", `"log-archive-primary" does not follow the account name convention "{org}-{name}"`},
				{"9:86", "accounts.log-archive.email", `does not follow the e-mail convention "{org}+{name}@{domain}"`},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { checkDiagnostics(t, tt.src, tt.wants) })
	}
}

func TestParseExemptFromNaming(t *testing.T) {
	f := mustParse(t, minimal+`accounts:
  log-archive: {unit: Security, role: log-archive, name: logs, email: logs@example.com, exempt_from_naming: true}
  pay-prod:
    unit: Workloads/Prod
    role: workload
    workload: payments
    environment: prod
    name: payments-production
    email: payments@example.com
    exempt_from_naming: true
  sb-alice: {unit: Sandbox, role: sandbox, username: alice, name: Alice, email: alice@example.org, exempt_from_naming: true}
`)
	if got := f.Accounts["sb-alice"].Email; got != "alice@example.org" {
		t.Errorf("sb-alice e-mail = %q, want the explicit alice@example.org", got)
	}
}

func TestParseNamingTemplate(t *testing.T) {
	tests := map[string]struct {
		naming string
		wants  []want
	}{
		"unknown placeholder": {
			naming: `account: "{name}-{org}-{team}"`,
			wants:  []want{{"6:21", "organization.naming.account", "unknown placeholder {team}; this template may use {org}, {domain}, {name}"}},
		},
		"workload placeholder in a sandbox template": {
			naming: `sandbox_account: "sandbox-{workload}-{org}"`,
			wants:  []want{{"6:29", "organization.naming.sandbox_account", "unknown placeholder {workload}; this template may use {org}, {domain}, {name}, {username}"}},
		},
		"name placeholder for the management account": {
			// The management name rendered from it fails the convention
			// too; the position is the ':' of organization's first key.
			naming: `management_account: "{name}-{org}"`,
			wants: []want{
				{"2:1", "organization.management.name", `"-primary" does not follow the management account convention "{name}-{org}"`},
				{"6:32", "organization.naming.management_account", "unknown placeholder {name}; this template may use {org}, {domain}"},
			},
		},
		// Without {org}, two organizations' names and e-mails could clash.
		"no org": {
			naming: `workload_account: "{workload}-{environment}"`,
			wants:  []want{{"6:30", "organization.naming.workload_account", `"{workload}-{environment}" has no {org}: every account name and e-mail carries the organization identifier (guidance 000), so that two organizations never clash`}},
		},
		"e-mail with a fixed domain": {
			naming: `account_email: "aws-{name}-{org}@example.com"`,
			wants:  []want{{"6:27", "organization.naming.account_email", `"aws-{name}-{org}@example.com" must end in @{domain}`}},
		},
		"e-mail without a domain": {
			naming: `workload_email: "aws-{workload}-{environment}-{org}"`,
			wants:  []want{{"6:28", "organization.naming.workload_email", `must end in @{domain}`}},
		},
		"every problem": {
			naming: `sandbox_email: "{user}@example.com"`,
			wants: []want{
				{"6:27", "organization.naming.sandbox_email", `"{user}@example.com" has no {org}`},
				{"6:27", "organization.naming.sandbox_email", "must end in @{domain}"},
				{"6:27", "organization.naming.sandbox_email", "unknown placeholder {user}"},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			src := "version: 1\norganization:\n  id: primary\n  email_domain: example.com\n  home_region: us-east-1\n  naming: {" + tt.naming + "}\nunits: {Security: {}}\n"
			checkDiagnostics(t, src, tt.wants)
		})
	}
}

func TestParseTags(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []want
	}{
		"unit tag value not allowed": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Security: {tags: {Environment: Production}}\n",
			wants: []want{{"4:34", "units.Security.tags.Environment", `"Production" is not an allowed value for tag Environment; expected one of: Sandbox, Dev, PreProd, QA, Prod, Testing`}},
		},
		"account tag value not allowed by a custom dictionary": {
			src: minimal + `tagging:
  values:
    CostCenter: [cc-1, cc-2]
accounts:
  log-archive: {unit: Security, role: log-archive, tags: {CostCenter: cc-3}}
`,
			wants: []want{{"8:71", "accounts.log-archive.tags.CostCenter", `"cc-3" is not an allowed value for tag CostCenter; expected one of: cc-1, cc-2`}},
		},
		"reserved key": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Security: {tags: {\"aws:owner\": x}}\n",
			wants: []want{{"4:21", "units.Security.tags.aws:owner", "tag keys starting with aws: are reserved by AWS"}},
		},
		"reserved key in capitals": {
			src:   minimal + "accounts:\n  log-archive:\n    unit: Security\n    role: log-archive\n    tags:\n      AWS:CreatedBy: me\n",
			wants: []want{{"9:7", "accounts.log-archive.tags.AWS:CreatedBy", "tag keys starting with aws: are reserved by AWS"}},
		},
		"empty key": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Security: {tags: {\"\": x}}\n",
			wants: []want{{"4:21", "units.Security.tags.", "tag key must be 1 to 128 characters"}},
		},
		"key too long": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Security: {tags: {" + strings.Repeat("k", 129) + ": x}}\n",
			wants: []want{{"4:21", "units.Security.tags." + strings.Repeat("k", 129), "tag key must be 1 to 128 characters"}},
		},
		"value too long": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Security: {tags: {Owner: " + strings.Repeat("v", 257) + "}}\n",
			wants: []want{{"4:28", "units.Security.tags.Owner", "tag value must be at most 256 characters"}},
		},
		"too many tags": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Security: {tags: {" + manyTags(51) + "}}\n",
			wants: []want{{"4:20", "units.Security.tags", "51 tags; AWS allows at most 50 on one resource"}},
		},
		"fifty tags are fine, counted in characters": {
			src: "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Security: {tags: {" + manyTags(49) + ", " + strings.Repeat("é", 128) + ": " + strings.Repeat("ü", 256) + "}}\n",
		},
		"key with a character AWS refuses": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Security: {tags: {\"cost#center\": x}}\n",
			wants: []want{{"4:21", "units.Security.tags.cost#center", `tag key "cost#center" has a character AWS does not allow; use letters, digits, spaces and _ . : / = + - @`}},
		},
		"required key listed twice": {
			src:   minimal + "tagging:\n  required: [Owner, Environment, owner]\n",
			wants: []want{{"5:34", "tagging.required[2]", `tag key "owner" is listed twice`}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if len(tt.wants) == 0 {
				if _, err := spec.Parse("foundation.yaml", []byte(tt.src)); err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			checkDiagnostics(t, tt.src, tt.wants)
		})
	}
}

func TestParseUnits(t *testing.T) {
	tests := map[string]struct {
		src   string
		wants []want
	}{
		"bad guardrails": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Exceptions: {guardrails: off}\n",
			wants: []want{{"4:28", "units.Exceptions.guardrails", `"off" is not a guardrail setting; expected baseline or none`}},
		},
		"bad guardrails in a nested unit": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  Workloads:\n    units:\n      Prod: {guardrails: strict}\n",
			wants: []want{{"6:26", "units.Workloads.units.Prod.guardrails", `"strict" is not a guardrail setting`}},
		},
		"nested name with a slash": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: {a.b: {units: {c/d: {}}}}\n",
			wants: []want{{"3:23", "units.a.b.units.c/d", `OU name "c/d" must be 1 to 128 characters without '/'`}},
		},
		"empty name": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: {\"\": {}}\n",
			wants: []want{{"3:9", "units.", `OU name "" must be 1 to 128 characters`}},
		},
		"name too long": {
			src:   "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits: {" + strings.Repeat("u", 129) + ": {}}\n",
			wants: []want{{"3:9", "units." + strings.Repeat("u", 129), `must be 1 to 128 characters`}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { checkDiagnostics(t, tt.src, tt.wants) })
	}
}

// TestParseReportsEverything checks that validation never stops at the
// first problem: one file with seven problems in different places gives
// seven diagnostics, sorted by line.
func TestParseReportsEverything(t *testing.T) {
	src := `version: 1
organization:
  id: primary
  email_domain: example.com
  home_region: us-east-1
  regions: [us-east-1, eu-wset-1]
  colour: blue
units:
  Security: {}
  Exceptions: {guardrails: off}
accounts:
  log-archive: {unit: Secrity, role: log-archive}
  audit: {unit: Security, role: auditor}
  pay-prod: {unit: Security, role: workload, workload: pay, environment: prod, email: pay@example.com}
tagging:
  required: [Owner, Owner]
`
	checkDiagnostics(t, src, []want{
		{"6:24", "organization.regions[1]", `did you mean "eu-west-1"?`},
		{"7:3", "organization.colour", `unknown field "colour"`},
		{"10:28", "units.Exceptions.guardrails", `"off" is not a guardrail setting`},
		{"12:23", "accounts.log-archive.unit", `did you mean "Security"?`},
		{"13:33", "accounts.audit.role", `unknown role "auditor"`},
		{"14:87", "accounts.pay-prod.email", `"pay@example.com" does not follow`},
		{"16:21", "tagging.required[1]", `tag key "Owner" is listed twice`},
	})
	ds := parseError(t, src)
	for i := 1; i < len(ds); i++ {
		if ds[i-1].Line > ds[i].Line {
			t.Errorf("diagnostics not sorted by line: %d before %d", ds[i-1].Line, ds[i].Line)
		}
	}
}

// manyTags writes n tags as flow mapping entries: "t0: v, t1: v, ...".
func manyTags(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("t%d: v", i)
	}
	return strings.Join(parts, ", ")
}

// AWS nests OUs at most five levels below the root; the sixth level is
// refused once, where it starts.
func TestParseUnitDepth(t *testing.T) {
	five := "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  A: {units: {B: {units: {C: {units: {D: {units: {E: {}}}}}}}}}\n"
	if _, err := spec.Parse("foundation.yaml", []byte(five)); err != nil {
		t.Fatalf("five levels: %v", err)
	}
	six := "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\nunits:\n  A: {units: {B: {units: {C: {units: {D: {units: {E: {units: {F: {units: {G: {}}}}}}}}}}}}}\n"
	checkDiagnostics(t, six, []want{{"4:63", "units.A.units.B.units.C.units.D.units.E.units.F", "OU A/B/C/D/E/F is 6 levels below the root; AWS Organizations nests OUs at most 5 levels deep"}})
}

// OU names with dots and spaces, as AWS allows and organizations built by
// hand have, and accounts directly under the root (unit: Root) are
// expressible, so that an import of such an organization plans nothing.
func TestParseBrownfieldShapes(t *testing.T) {
	src := "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1}\n" +
		"units: {Legacy.v2: {units: {Team A: {}}}, Empty OU: {}}\n" +
		"accounts:\n  loose: {unit: Root, name: loose, email: loose@example.com, exempt_from_naming: true}\n" +
		"  team: {unit: Legacy.v2/Team A, name: team, email: team@example.com, exempt_from_naming: true}\n"
	f, err := spec.Parse("foundation.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	d := f.Desired()
	for _, path := range []string{"Legacy.v2", "Legacy.v2/Team A", "Empty OU"} {
		if d.Units[path] == nil {
			t.Errorf("no unit %q in %v", path, d.Units)
		}
	}
	if a := d.Accounts["loose@example.com"]; a == nil || a.Unit != estate.RootPath {
		t.Errorf("account under the root: %+v", a)
	}
	if a := d.Accounts["team@example.com"]; a == nil || a.Unit != "Legacy.v2/Team A" {
		t.Errorf("account in a dotted OU: %+v", a)
	}
}
