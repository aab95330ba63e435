package all_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/importer"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	_ "github.com/groundwork-aws/groundwork/internal/layer/all" // the kinds the round trips plan with
	"github.com/groundwork-aws/groundwork/internal/layer/billing"
	"github.com/groundwork-aws/groundwork/internal/layer/hardening"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/monitoring"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/plan"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

const (
	mgmtID     = "000000000001"
	mgmtName   = "aws-management-account-primary"
	mgmtEmail  = "aws-management-account-primary@example.com"
	orgID      = "o-abc123"
	testPhone  = "+1-555-0100"
	otherPhone = "+1-555-0199"
)

var opts = importer.Options{OrgID: "primary", Domain: "example.com", HomeRegion: "us-east-1",
	Regions: []string{"us-east-1", "eu-west-1"}, Now: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}

// newEstate is an organization with only its management account and an
// empty organization layer with SCPs enabled and FullAWSAccess on the root.
func newEstate() *estate.Estate {
	e := estate.New()
	e.Organization = &estate.Organization{ID: orgID, RootID: "r-root", FeatureSet: "ALL",
		ManagementAccountID: mgmtID, ManagementAccountEmail: mgmtEmail}
	e.Accounts[mgmtEmail] = &estate.Account{ID: mgmtID, Name: mgmtName, Email: mgmtEmail, Status: "ACTIVE"}
	e.Org = estate.NewOrgLayer()
	e.Org.EnabledPolicyTypes = []string{estate.PolicyTypeSCP}
	e.Org.Policies[estate.PolicyKey(estate.PolicyTypeSCP, estate.FullAWSAccess)] = &estate.Policy{ID: "p-FullAWSAccess",
		Name: estate.FullAWSAccess, Type: estate.PolicyTypeSCP, AWSManaged: true, Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		Targets: []string{estate.RootTarget}}
	return e
}

func addUnit(e *estate.Estate, path string, tags map[string]string) {
	e.Units[path] = &estate.Unit{ID: "ou-" + strings.ToLower(strings.ReplaceAll(path, "/", "-")), Path: path, Tags: tags}
}

func addAccount(e *estate.Estate, name, email, unit string, tags map[string]string) *estate.Account {
	a := &estate.Account{ID: fmt.Sprintf("%012d", len(e.Accounts)+1), Name: name, Email: email, Unit: unit, Status: "ACTIVE", Tags: tags}
	e.Accounts[estate.EmailKey(email)] = a
	return a
}

func addPolicy(e *estate.Estate, typ, name, description, content string, targets ...string) {
	slices.Sort(targets)
	e.Org.Policies[estate.PolicyKey(typ, name)] = &estate.Policy{ID: "p-" + name, Name: name, Type: typ,
		Description: description, Content: content, Targets: targets}
	if !slices.Contains(e.Org.EnabledPolicyTypes, typ) {
		e.Org.EnabledPolicyTypes = append(e.Org.EnabledPolicyTypes, typ)
		slices.Sort(e.Org.EnabledPolicyTypes)
	}
}

// asAWS stores a document the way apply leaves it in AWS: minified, keys
// sorted (apply sends the compacted pretty form).
func asAWS(t *testing.T, doc string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(kinds.PrettyJSON(doc))); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// rendered returns what a spec section makes of a policy: the spec renders
// library policies and tag policies, so tests take the documents from it.
func rendered(t *testing.T, sections, typ, name string) *estate.Policy {
	t.Helper()
	return renderedIn(t, "[us-east-1, eu-west-1]", sections, typ, name)
}

// renderedIn is rendered for an organization with other Regions.
func renderedIn(t *testing.T, regions, sections, typ, name string) *estate.Policy {
	t.Helper()
	src := "version: 1\norganization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: " + regions + "}\nunits: {Security: {}}\n" + sections
	f, err := spec.Parse("rendered.yaml", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	p := f.Desired().Org.Policies[estate.PolicyKey(typ, name)]
	if p == nil {
		t.Fatalf("spec made no %s %s", typ, name)
	}
	p.Content = asAWS(t, p.Content)
	return p
}

// groundworkFoundation is an organization as groundwork's starter spec
// builds it: the recommended OUs, three accounts, the default SCPs,
// trusted access and delegated administrators, the tag policy.
func groundworkFoundation(t *testing.T) *estate.Estate {
	e := newEstate()
	for _, u := range []string{"Security", "Infrastructure", "Workloads", "Workloads/Prod", "Workloads/NonProd", "Exceptions", "Sandbox"} {
		addUnit(e, u, nil)
	}
	addAccount(e, "log-archive-primary", "aws-log-archive-primary@example.com", "Security", nil)
	addAccount(e, "security-tooling-primary", "aws-security-tooling-primary@example.com", "Security", nil)
	addAccount(e, "identity-center-primary", "aws-identity-center-primary@example.com", "Infrastructure", nil)
	addAccount(e, "payments-prod-primary", "aws-payments-prod-primary@example.com", "Workloads/Prod",
		map[string]string{"Owner": "payments-team", "Environment": "Prod"})
	baseline := []string{"Infrastructure", "Sandbox", "Security", "Workloads"}
	for _, d := range orglayer.DefaultSCPs {
		p := rendered(t, "policies: {scps: {"+d.Name+": {description: "+strconv.Quote(d.Description)+", library: ["+strings.Join(d.Library, ", ")+"]}}}\n", estate.PolicyTypeSCP, d.Name)
		addPolicy(e, estate.PolicyTypeSCP, d.Name, p.Description, p.Content, baseline...)
	}
	tp := rendered(t, "", estate.PolicyTypeTag, spec.DefaultTagPolicyName)
	addPolicy(e, estate.PolicyTypeTag, tp.Name, tp.Description, tp.Content, estate.RootTarget)
	e.Org.TrustedServices = slices.Sorted(slices.Values(orglayer.DefaultTrustedAccess))
	sec := "aws-security-tooling-primary@example.com"
	e.Org.DelegatedAdmins = map[string]string{orglayer.ServiceGuardDuty: sec, orglayer.ServiceSecurityHub: sec,
		orglayer.ServiceIdentityCenter: "aws-identity-center-primary@example.com"}
	return e
}

// contactsFor returns the contacts the spec's defaults give an account.
func contactsFor(name, phone string) map[string]estate.Contact {
	out := map[string]estate.Contact{}
	for _, f := range []string{"billing", "operations", "security"} {
		title := strings.ToUpper(f[:1]) + f[1:]
		out[strings.ToUpper(f)] = estate.Contact{Name: title, Title: title + " contact", Email: name + "-" + f + "@example.com", Phone: phone}
	}
	return out
}

func TestSpec(t *testing.T) {
	tests := map[string]struct {
		estate func(t *testing.T) *estate.Estate
		opts   func(*importer.Options)
		// contains are snippets of the YAML; absent must not be in it.
		contains, absent []string
		files            []string // policy files written
		warnings         []string // each a part of one warning, in order
		// changes are the addresses the round trip is known to leave.
		changes []string
	}{
		"groundwork foundation is recognised": {
			estate: groundworkFoundation,
			contains: []string{
				"# imported from organization o-abc123 on 2025-03-01 by groundwork import; review before apply\nversion: 1\n",
				"  log-archive:\n    unit: Security\n    role: log-archive\n    name: log-archive-primary\n    email: aws-log-archive-primary@example.com\n",
				"  security-tooling:\n    unit: Security\n    role: security-tooling\n",
				"  identity-center:\n    unit: Infrastructure\n    role: identity-center\n",
				"  Exceptions:\n    guardrails: none\n",
				"    groundwork-baseline:\n      description: \"Baseline guardrails: stay in the organization, share only inside it, no root user, protected admin roles\"\n" +
					"      library:\n        - PreventMemberLeaveOrg\n        - PreventResourceSharingOutsideOrg\n        - PreventRootUserFromPerformingAnyActions\n        - ProtectOrgAdminRoles\n" +
					"      attach: [Infrastructure, Sandbox, Security, Workloads]\n",
				"      library: [DenyOutsideOperationalRegions]\n",
				"      library: [ProtectSecurityServices, ProtectS3AccountPublicAccessBlock]\n",
				"tagging:\n  required: [BusinessUnit, Compliance, CostCenter, Environment, FinancialOwner, Owner]\n  values:\n    Environment: [Sandbox, Dev, PreProd, QA, Prod, Testing]\n  policy:\n    name: groundwork-tagging\n    attach: [Root]\n",
				"    guardduty.amazonaws.com: security-tooling\n    securityhub.amazonaws.com: security-tooling\n    sso.amazonaws.com: identity-center\n",
				"  management:\n    name: aws-management-account-primary\n    email: aws-management-account-primary@example.com\nunits:",
				"\n# logging: the logging layer was not looked for, so groundwork's logging layer stays off.\n# To have groundwork build it",
			},
			absent: []string{"exempt_from_naming", "file:", "FullAWSAccess", "What the spec could not express", "protected_role_paths", "contacts:"},
		},
		"custom SCP goes to a file": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", nil)
				addUnit(e, "Workloads/NonProd", nil)
				addAccount(e, "dev-primary", "aws-dev-primary@example.com", "Workloads/NonProd", nil)
				addPolicy(e, estate.PolicyTypeSCP, "deny big instances", "No large EC2",
					`{"Version":"2012-10-17","Statement":[{"Sid":"DenyBig","Effect":"Deny","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringLike":{"ec2:InstanceType":["*.8xlarge"]}}}]}`,
					"Workloads/NonProd", "aws-dev-primary@example.com", estate.RootTarget)
				// An SCP that only looks like the library: same Sid, other content.
				addPolicy(e, estate.PolicyTypeSCP, "leave", "",
					`{"Version":"2012-10-17","Statement":[{"Sid":"PreventMemberLeaveOrg","Effect":"Deny","Action":["organizations:LeaveOrganization","organizations:DeleteOrganization"],"Resource":"*"}]}`)
				return e
			},
			contains: []string{
				"    deny big instances:\n      description: No large EC2\n      file: policies/deny-big-instances.json\n      attach: [Root, Workloads/NonProd, dev]\n",
				"    leave:\n      file: policies/leave.json\n      attach: []\n",
				"tagging:\n  values: {}\n  policy:\n    disabled: true\n",
				"services:\n  trusted_access: []\n  delegated_admins: {}\n",
			},
			files: []string{"policies/deny-big-instances.json", "policies/leave.json"},
		},
		"policy directory": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", nil)
				addPolicy(e, estate.PolicyTypeSCP, "x", "", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}`, "Workloads")
				return e
			},
			opts:     func(o *importer.Options) { o.PolicyDir = "scp/custom" },
			contains: []string{"      file: scp/custom/x.json\n"},
			files:    []string{"scp/custom/x.json"},
		},
		"library policy with other role paths and one Region": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", nil)
				p := rendered(t, "policies:\n  protected_role_paths: [/admins/, /break-glass/]\n  scps: {guard: {library: [ProtectOrgAdminRoles, PreventMemberLeaveOrg]}}\n", estate.PolicyTypeSCP, "guard")
				addPolicy(e, estate.PolicyTypeSCP, "guard", "", p.Content, "Workloads")
				p = rendered(t, "policies: {scps: {r: {library: [DenyOutsideOperationalRegions]}}}\n", estate.PolicyTypeSCP, "r")
				addPolicy(e, estate.PolicyTypeSCP, "regions", p.Description, p.Content, "Workloads")
				// With one Region, the spec renders aws:RequestedRegion as a
				// list where policy.RenderCombined writes a string.
				p = renderedIn(t, "[us-east-1]", "policies: {scps: {r: {library: [DenyOutsideOperationalRegions]}}}\n", estate.PolicyTypeSCP, "r")
				addPolicy(e, estate.PolicyTypeSCP, "one-region", p.Description, p.Content, "Workloads")
				return e
			},
			opts: func(o *importer.Options) { o.Regions = []string{"us-east-1"} },
			contains: []string{
				"  protected_role_paths: [/admins/, /break-glass/]\n",
				"    guard:\n      library: [ProtectOrgAdminRoles, PreventMemberLeaveOrg]\n",
				"    regions:\n      description: ",
				"      file: policies/regions.json\n",
				"    one-region:\n      library: [DenyOutsideOperationalRegions]\n      attach: [Workloads]\n",
			},
			files:    []string{"policies/regions.json"},
			warnings: []string{"SCP regions denies Regions outside us-east-1, eu-west-1, and the import's Regions are us-east-1; it is written as a file (import with --regions us-east-1,eu-west-1"},
		},
		"tag policy recovered": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", map[string]string{"Owner": "platform"})
				addAccount(e, "app-primary", "aws-app-primary@example.com", "Workloads",
					map[string]string{"Owner": "app-team", "Environment": "Production", "Tier": "gold"})
				p := rendered(t, "tagging:\n  required: [Owner]\n  values: {Environment: [Prod, Dev], Tier: [gold, silver]}\n  policy: {name: tags, enforced_for: [\"ec2:instance\", \"s3:bucket\"]}\n", estate.PolicyTypeTag, "tags")
				addPolicy(e, estate.PolicyTypeTag, "tags", p.Description, p.Content, "Workloads", "aws-app-primary@example.com")
				return e
			},
			contains: []string{
				"tagging:\n  required: [Environment, Owner, Tier]\n  values:\n    Environment: [Prod, Dev]\n    Tier: [gold, silver]\n  policy:\n    name: tags\n    attach: [Workloads, app]\n    enforced_for: [\"ec2:instance\", \"s3:bucket\"]\n",
				"    tags:\n      Owner: app-team\n      Tier: gold\n",
			},
			absent:   []string{"Environment: Production"},
			warnings: []string{`account app has tag Environment="Production", which tag policy tags does not allow`},
		},
		"tag policy of another shape goes to a file": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", nil)
				addPolicy(e, estate.PolicyTypeTag, "hand-made", "", `{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@append":["1"]}}}}`, estate.RootTarget)
				return e
			},
			contains: []string{
				"  policy:\n    disabled: true\n",
				"  tag_policies:\n    hand-made:\n      file: policies/tag-policies/hand-made.json\n      attach: [Root]\n",
			},
			files: []string{"policies/tag-policies/hand-made.json"},
		},
		"tag policy with its own description goes to a file": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", nil)
				p := rendered(t, "tagging: {required: [Owner], values: {}}\n", estate.PolicyTypeTag, spec.DefaultTagPolicyName)
				addPolicy(e, estate.PolicyTypeTag, p.Name, "Our tags", p.Content, estate.RootTarget)
				return e
			},
			contains: []string{"    groundwork-tagging:\n      description: Our tags\n      file: policies/tag-policies/groundwork-tagging.json\n      attach: [Root]\n"},
			files:    []string{"policies/tag-policies/groundwork-tagging.json"},
		},
		"two tag policies: one recovered, one custom on the management account": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", nil)
				p := rendered(t, "tagging:\n  required: [Owner]\n  values: {Environment: [Prod, Dev]}\n  policy: {name: tags}\n", estate.PolicyTypeTag, "tags")
				addPolicy(e, estate.PolicyTypeTag, "tags", p.Description, p.Content, "Workloads")
				addPolicy(e, estate.PolicyTypeTag, "cost centers", "Cost centers", `{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@append":["100","200"]}}}}`, estate.RootTarget, mgmtEmail)
				// A second tag policy of the generated shape is a file too:
				// the tagging dictionary makes one.
				p = rendered(t, "tagging: {required: [Team], values: {}, policy: {name: teams}}\n", estate.PolicyTypeTag, "teams")
				addPolicy(e, estate.PolicyTypeTag, "teams", p.Description, p.Content, "Workloads")
				return e
			},
			contains: []string{
				"tagging:\n  required: [Environment, Owner]\n  values:\n    Environment: [Prod, Dev]\n  policy:\n    name: tags\n    attach: [Workloads]\n",
				"  tag_policies:\n    cost centers:\n      description: Cost centers\n      file: policies/tag-policies/cost-centers.json\n      attach: [Root, management]\n" +
					"    teams:\n      description: \"Tagging dictionary: key case and allowed values\"\n      file: policies/tag-policies/teams.json\n      attach: [Workloads]\n",
			},
			files: []string{"policies/tag-policies/cost-centers.json", "policies/tag-policies/teams.json"},
		},
		"contacts differences": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Security", nil)
				mg := e.Accounts[mgmtEmail]
				mg.Contacts = contactsFor(mgmtName, testPhone)
				billing := mg.Contacts[estate.ContactBilling]
				billing.Email = "finance@example.com"
				billing.Name = "Finance"
				mg.Contacts[estate.ContactBilling] = billing
				la := addAccount(e, "log-archive-primary", "aws-log-archive-primary@example.com", "Security", nil)
				la.Contacts = contactsFor("log-archive-primary", testPhone)
				billing = la.Contacts[estate.ContactBilling]
				billing.Name = "Finance"
				billing.Email = "finance@example.com"
				la.Contacts[estate.ContactBilling] = billing
				st := addAccount(e, "security-tooling-primary", "aws-security-tooling-primary@example.com", "Security", nil)
				st.Contacts = contactsFor("security-tooling-primary", otherPhone)
				sec := st.Contacts[estate.ContactSecurity]
				sec.Title = "CISO"
				st.Contacts[estate.ContactSecurity] = sec
				return e
			},
			contains: []string{
				"contacts:\n  phone: \"+1-555-0100\"\n  billing:\n    name: Finance\n    email: finance@example.com\n",
				"  log-archive:\n    unit: Security\n    role: log-archive\n    name: log-archive-primary\n    email: aws-log-archive-primary@example.com\n  security-tooling:",
				"    contacts:\n      phone: \"+1-555-0199\"\n      billing:\n        name: Billing\n        email: security-tooling-primary-billing@example.com\n      security:\n        title: CISO\n",
			},
		},
		"some accounts without contacts": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Security", nil)
				e.Accounts[mgmtEmail].Contacts = contactsFor(mgmtName, testPhone)
				la := addAccount(e, "log-archive-primary", "aws-log-archive-primary@example.com", "Security", nil)
				la.Contacts = contactsFor("log-archive-primary", testPhone)
				st := addAccount(e, "security-tooling-primary", "aws-security-tooling-primary@example.com", "Security", nil)
				st.Contacts = map[string]estate.Contact{}
				partial := addAccount(e, "partial-primary", "aws-partial-primary@example.com", "Security", nil)
				partial.Contacts = contactsFor("partial-primary", testPhone)
				delete(partial.Contacts, estate.ContactSecurity)
				return e
			},
			// The management account's contacts are its own, as a member's.
			contains: []string{"    email: aws-log-archive-primary@example.com\n    contacts:\n      phone: \"+1-555-0100\"\n  partial:",
				"  management:\n    name: aws-management-account-primary\n    email: aws-management-account-primary@example.com\n    contacts:\n      phone: \"+1-555-0100\"\n"},
			absent: []string{"\ncontacts:"},
			warnings: []string{
				"account partial: it has no security contact; the spec does not manage its alternate contacts",
				"account security-tooling: it has no alternate contacts; the spec does not manage its alternate contacts",
			},
		},
		"keys made unique, exempt where the convention is not followed": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", nil)
				addAccount(e, "Dev Account", "dev1@corp.example.org", "Workloads", nil)
				addAccount(e, "dev-account", "dev2@corp.example.org", "Workloads", nil)
				addAccount(e, "dev-account-primary", "aws-dev-account-primary@example.com", "Workloads", nil)
				addAccount(e, "Log Archive", "logs@example.com", "Workloads", nil)
				addAccount(e, "log-archive-2", "logs2@example.com", "Workloads", nil)
				return e
			},
			contains: []string{
				"  dev-account:\n    unit: Workloads\n    name: dev-account-primary\n    email: aws-dev-account-primary@example.com\n  dev-account-2:\n",
				"  dev-account-2:\n    unit: Workloads\n    name: Dev Account\n    email: dev1@corp.example.org\n    exempt_from_naming: true\n",
				"  dev-account-3:\n    unit: Workloads\n    name: dev-account\n    email: dev2@corp.example.org\n    exempt_from_naming: true\n",
				"  log-archive:\n    unit: Workloads\n    role: log-archive\n    name: Log Archive\n",
				"  log-archive-2:\n    unit: Workloads\n    name: log-archive-2\n",
			},
			warnings: []string{"accounts log-archive, log-archive-2 all look like the log-archive account; only log-archive gets role log-archive"},
		},
		"accounts the spec cannot hold are left out": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", nil)
				addUnit(e, "a/b", nil)
				addUnit(e, "a/b/Inner", nil)
				addAccount(e, "gone", "gone@example.com", "Workloads", nil).Status = "SUSPENDED"
				addAccount(e, "in-slashed", "slashed@example.com", "a/b/Inner", nil)
				addAccount(e, "twin", "twin1@example.com", "Workloads", nil)
				addAccount(e, "Twin", "twin2@example.com", "Workloads", nil)
				return e
			},
			warnings: []string{
				`"gone" (gone@example.com) is SUSPENDED`,
				`"in-slashed" (slashed@example.com) is in Root/a/b/Inner, which is left out`,
				`"twin" (twin1@example.com) has the same name as account`,
			},
		},
		// What an organization built by hand has: OU names with dots and
		// spaces, an empty OU, an account directly under the root.
		"brownfield shapes are written": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "v1.0", nil)
				addUnit(e, "v1.0/Team A", nil)
				addUnit(e, "Empty OU", nil)
				addAccount(e, "at-root", "root@example.com", estate.RootPath, nil)
				addAccount(e, "team", "team@example.com", "v1.0/Team A", nil)
				return e
			},
			contains: []string{"  Empty OU: {}\n", "  v1.0:\n    units:\n      Team A: {}\n", "unit: Root", "unit: v1.0/Team A"},
		},
		"organization layer the spec cannot hold": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", nil)
				addAccount(e, "app-primary", "aws-app-primary@example.com", "Workloads", nil)
				addAccount(e, "old", "old@example.com", "Workloads", nil).Status = "SUSPENDED"
				addPolicy(e, estate.PolicyTypeSCP, "lockout", "",
					`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}`, "Workloads")
				// groundwork made lockout; on-management was made by hand.
				e.Org.Policies[estate.PolicyKey(estate.PolicyTypeSCP, "lockout")].Tags = kinds.OwnerTags(nil)
				addPolicy(e, estate.PolicyTypeSCP, "on-management", "",
					`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`, mgmtEmail, "Workloads")
				e.Org.TrustedServices = []string{"guardduty.amazonaws.com", "securityhub.amazonaws.com"}
				e.Org.DelegatedAdmins = map[string]string{"guardduty.amazonaws.com": "old@example.com", "macie.amazonaws.com": "aws-app-primary@example.com"}
				return e
			},
			// The spec names the management account management.
			contains: []string{"    on-management:\n      file: policies/on-management.json\n      attach: [Workloads, management]\n"},
			files:    []string{"policies/on-management.json"},
			warnings: []string{
				`"old" (old@example.com) is SUSPENDED`,
				"SCP lockout cannot be in the spec, which refuses it (statement 0 denies sts:AssumeRole on arn:aws:iam::*:role/OrganizationAccountAccessRole: ",
				"guardduty.amazonaws.com is delegated to old@example.com, which the spec does not declare",
				"macie.amazonaws.com is delegated to app without trusted access",
			},
			changes: []string{
				"attachment/SERVICE_CONTROL_POLICY/lockout@Workloads",
				"policy/SERVICE_CONTROL_POLICY/lockout",
			},
		},
		"logging layer as groundwork builds it": {
			estate:   withLogging("{}", nil),
			contains: []string{"    sso.amazonaws.com: identity-center\nlogging: {}\n"},
			absent:   []string{"# logging:"},
		},
		"monitoring layer as groundwork builds it": {
			estate:   withLayers("{}", "", nil),
			contains: []string{"\nlogging: {}\nmonitoring: {}\n", "# hardening: the hardening layer was not looked for"},
			absent:   []string{"# monitoring:"},
		},
		"monitoring layer with fewer alarms and no root sign-in rule": {
			estate:   withLayers("{alarms: [ConsoleSignIn, RootUserActivity], root_login_rule: false, security_topic: {subscribers: [sec@example.com]}}", "", nil),
			contains: []string{"monitoring:\n  security_topic:\n    subscribers: [sec@example.com]\n  alarms: [RootUserActivity, ConsoleSignIn]\n  root_login_rule: false\n"},
		},
		"monitoring layer absent": {
			estate: withLayers("{}", "", func(e *estate.Estate) {
				e.Monitoring = estate.NewMonitoring()
			}),
			contains: []string{"\n# monitoring: no security topic was found"},
			absent:   []string{"\nmonitoring:"},
		},
		"hardening layer as groundwork builds it": {
			estate:   withLayers("", "{}", nil),
			contains: []string{"\nlogging: {}\n# monitoring: the monitoring layer was not looked for", "\nhardening: {}\n"},
			absent:   []string{"# hardening:"},
		},
		"hardening layer with the accounts' password policy": {
			estate: withLayers("", "{password_policy: {min_length: 8, require_symbols: false, max_age_days: 0}, s3_block_public_access: {exceptions: [payments-prod]}}", nil),
			contains: []string{"hardening:\n  password_policy:\n    min_length: 8\n    require_symbols: false\n    max_age_days: 0\n" +
				"  s3_block_public_access:\n    exceptions: [payments-prod]\n"},
		},
		"hardening layer without EBS encryption by default or a support role": {
			estate: withLayers("", "{}", func(e *estate.Estate) {
				clear(e.Hardening.EBSEncryption)
				clear(e.Hardening.SupportRoles)
			}),
			contains: []string{"\nhardening:\n  ebs_default_encryption: false\n  support_role:\n    enabled: false\n"},
		},
		"hardening layer with EBS encryption in one Region and a support role under its own path": {
			estate: withLayers("", "{}", func(e *estate.Estate) {
				for key, x := range e.Hardening.EBSEncryption {
					if x.Account != estate.ManagementKey || x.Region != "us-east-1" {
						delete(e.Hardening.EBSEncryption, key)
					}
				}
				for _, r := range e.Hardening.SupportRoles {
					r.Path = "/support/"
				}
				delete(e.Hardening.SupportRoles, "aws-log-archive-primary@example.com")
			}),
			contains: []string{"\nhardening:\n  support_role:\n    path: /support/\n"},
			absent:   []string{"ebs_default_encryption"},
			warnings: []string{"the hardening layer differs from groundwork's in 10 places"},
			changes: []string{"ebs-encryption-by-default/aws-identity-center-primary@example.com/eu-west-1",
				"ebs-encryption-by-default/aws-identity-center-primary@example.com/us-east-1",
				"ebs-encryption-by-default/aws-log-archive-primary@example.com/eu-west-1",
				"ebs-encryption-by-default/aws-log-archive-primary@example.com/us-east-1",
				"ebs-encryption-by-default/aws-payments-prod-primary@example.com/eu-west-1",
				"ebs-encryption-by-default/aws-payments-prod-primary@example.com/us-east-1",
				"ebs-encryption-by-default/aws-security-tooling-primary@example.com/eu-west-1",
				"ebs-encryption-by-default/aws-security-tooling-primary@example.com/us-east-1",
				"ebs-encryption-by-default/management/eu-west-1",
				"support-role/aws-log-archive-primary@example.com"},
		},
		"hardening layer absent": {
			estate: withLayers("", "{}", func(e *estate.Estate) {
				clear(e.Hardening.PasswordPolicies)
			}),
			contains: []string{"\n# hardening: no account has an IAM password policy"},
			absent:   []string{"\nhardening:"},
		},
		"hardening layer with default VPCs": {
			estate: withLayers("", "{}", func(e *estate.Estate) {
				w := estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
				e.Hardening.DefaultVPCs[w.Key("vpc-1")] = &estate.DefaultVPC{Where: w, ID: "vpc-1", CIDR: "172.31.0.0/16"}
			}),
			contains: []string{"\nhardening: {}\n"},
			warnings: []string{"the hardening layer differs from groundwork's in 1 place; plan shows them, and the next apply makes them: delete default-vpc/"},
			changes:  []string{"default-vpc/management/us-east-1"},
		},
		"logging layer with other values": {
			estate: withLogging("{trail: {name: org-trail, log_group: /org/trail, log_retention_days: 90}, buckets: {retention_days: 0},"+
				" config: {rules: [ACCESS_KEYS_ROTATED, CLOUD_TRAIL_ENABLED], aggregator: log-archive}}", func(e *estate.Estate) {
				// Neither a custom rule nor a trail of the account alone is
				// the spec's.
				home := estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
				e.Logging.Rules[home.Key("mine")] = &estate.ConfigRule{Where: home, Name: "mine", Identifier: "arn:aws:lambda:us-east-1:000000000001:function:mine"}
				e.Logging.Trails[home.Key("local")] = &estate.Trail{Where: home, Name: "local", MultiRegion: true}
			}),
			contains: []string{"logging:\n  trail:\n    name: org-trail\n    log_group: /org/trail\n    log_retention_days: 90\n  buckets:\n    retention_days: 0\n" +
				"  config:\n    rules: [CLOUD_TRAIL_ENABLED, ACCESS_KEYS_ROTATED]\n    aggregator: log-archive\n"},
		},
		"logging layer with organization rules and no CloudWatch Logs": {
			estate:   withLogging("{trail: {cloudwatch_logs: false}, config: {organization_rules: true}}", nil),
			contains: []string{"logging:\n  trail:\n    cloudwatch_logs: false\n  config:\n    organization_rules: true\n"},
		},
		"organization trail in CloudTrail's delegated administrator": {
			estate: func(t *testing.T) *estate.Estate {
				e := groundworkFoundation(t)
				e.Org.DelegatedAdmins[orglayer.ServiceCloudTrail] = securityTooling
				addLogging(t, e, "{trusted_access: [cloudtrail.amazonaws.com], delegated_admins: {cloudtrail.amazonaws.com: security-tooling}}",
					"{trail: {account: security-tooling}}")
				return e
			},
			contains: []string{"logging:\n  trail:\n    account: security-tooling\n"},
		},
		"organization trail in an account the spec cannot name as its account": {
			estate: func(t *testing.T) *estate.Estate {
				e := groundworkFoundation(t)
				e.Org.DelegatedAdmins[orglayer.ServiceCloudTrail] = securityTooling
				addLogging(t, e, "{trusted_access: [cloudtrail.amazonaws.com], delegated_admins: {cloudtrail.amazonaws.com: security-tooling}}",
					"{trail: {account: security-tooling}}")
				delete(e.Org.DelegatedAdmins, orglayer.ServiceCloudTrail)
				return e
			},
			contains: []string{"# logging: the organization trail could not be imported (see the warnings above), so groundwork's\n# logging layer stays off.\n# To have"},
			absent:   []string{"\nlogging:"},
			warnings: []string{"organization trail groundwork-org-trail belongs to aws-security-tooling-primary@example.com, which the spec can name as the trail's account only when it is CloudTrail's delegated administrator; the logging layer is left off"},
		},
		"partial logging layer": {
			estate: withLogging("{}", func(e *estate.Estate) {
				l := e.Logging
				delete(l.Recorders, estate.Where{Account: "aws-payments-prod-primary@example.com", Region: "eu-west-1"}.Key(logging.RecorderName))
				delete(l.Rules, estate.Where{Account: estate.ManagementKey, Region: "eu-west-1"}.Key("restricted-incoming-traffic"))
				for _, tr := range l.Trails {
					tr.Logging = false
				}
				for _, g := range l.LogGroups {
					g.RetentionDays = 0 // never expire: the spec cannot say it
				}
			}),
			contains: []string{"\nlogging: {}\n"},
			warnings: []string{"the logging layer differs from groundwork's in 4 places; plan shows them, and the next apply makes them: create config-rule/management/eu-west-1/restricted-incoming-traffic; " +
				"update log-group/management/us-east-1//groundwork/cloudtrail; update trail/management/us-east-1/groundwork-org-trail (the trail is not logging; apply starts it); " +
				"create config-recorder/aws-payments-prod-primary@example.com/eu-west-1"},
			changes: []string{
				"config-recorder/aws-payments-prod-primary@example.com/eu-west-1",
				"config-rule/management/eu-west-1/restricted-incoming-traffic",
				"log-group/management/us-east-1//groundwork/cloudtrail",
				"trail/management/us-east-1/groundwork-org-trail",
			},
		},
		"logging layer read, no organization trail": {
			estate: func(t *testing.T) *estate.Estate {
				e := groundworkFoundation(t)
				e.Logging = estate.NewLogging()
				home := estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
				e.Logging.Trails[home.Key(logging.DefaultTrailName)] = &estate.Trail{Where: home, Name: logging.DefaultTrailName, MultiRegion: true}
				return e
			},
			contains: []string{"    sso.amazonaws.com: identity-center\n# logging: no organization trail was found, so groundwork's logging layer stays off.\n" +
				"# To have groundwork build it (organization trail, Log Archive buckets, AWS Config everywhere),\n# add the line `logging: {}`; it needs accounts with roles log-archive and security-tooling.\n"},
			absent: []string{"\nlogging:"},
		},
		"organization trail without the accounts the logging layer needs": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", nil)
				addAccount(e, "app-primary", "aws-app-primary@example.com", "Workloads", nil)
				e.Logging = estate.NewLogging()
				home := estate.Where{Account: estate.ManagementKey, Region: "us-east-1"}
				e.Logging.Trails[home.Key("trail")] = &estate.Trail{Where: home, Name: "trail", Organization: true}
				return e
			},
			contains: []string{"# logging: the organization trail could not be imported"},
			absent:   []string{"\nlogging:"},
			warnings: []string{"organization trail trail is in the organization, but no account of the spec has role log-archive"},
		},
		"tricky strings are quoted": {
			estate: func(t *testing.T) *estate.Estate {
				e := newEstate()
				addUnit(e, "Workloads", map[string]string{"yes": "no", "Cost Center": "123", "note": "a: b #c", "empty": "", "quote": `say "hi"\`, "null": "~", "date": "2024-01-01", "star": "*x", "multi": "a\nb", "list": "a, b", "trailing": "x ", "double": "a  b"})
				addAccount(e, "app-primary", "aws-app-primary@example.com", "Workloads", nil)
				p := rendered(t, "tagging:\n  required: [Owner]\n  values: {Team: [\"a, b\", \"yes\", \"c d\", \"1\"]}\n", estate.PolicyTypeTag, spec.DefaultTagPolicyName)
				addPolicy(e, estate.PolicyTypeTag, p.Name, p.Description, p.Content, "Workloads")
				return e
			},
			contains: []string{`"yes": "no"`, `Cost Center: "123"`, `note: "a: b #c"`, `empty: ""`, `quote: "say \"hi\"\\"`, `"null": "~"`, `multi: "a\nb"`, `list: a, b`, `trailing: "x "`, `double: "a  b"`, `Team: ["a, b", "yes", c d, "1"]`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			actual := tc.estate(t)
			o := opts
			if tc.opts != nil {
				tc.opts(&o)
			}
			before := actual.Fingerprint()
			res, err := importer.Spec(actual, o)
			if err != nil {
				t.Fatal(err)
			}
			if actual.Fingerprint() != before {
				t.Errorf("Spec changed the estate it imported")
			}
			y := string(res.YAML)
			for _, want := range tc.contains {
				if !strings.Contains(y, want) {
					t.Errorf("YAML lacks\n%s\n--- YAML:\n%s", want, y)
				}
			}
			for _, not := range tc.absent {
				if strings.Contains(y, not) {
					t.Errorf("YAML has %q:\n%s", not, y)
				}
			}
			if got := slices.Sorted(func(yield func(string) bool) {
				for k := range res.Files {
					if !yield(k) {
						return
					}
				}
			}); !slices.Equal(got, tc.files) {
				t.Errorf("files = %q, want %q", got, tc.files)
			}
			if len(res.Warnings) != len(tc.warnings) {
				t.Errorf("warnings:\n  %s\nwant %d", strings.Join(res.Warnings, "\n  "), len(tc.warnings))
			}
			for i, w := range tc.warnings {
				if i < len(res.Warnings) && !strings.Contains(res.Warnings[i], w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, res.Warnings[i], w)
				}
			}
			roundTrip(t, actual, res, tc.changes)
		})
	}
}

// roundTrip loads the imported spec as plan would and checks that planning
// it against the estate it came from changes exactly what is expected.
// Adoptions (marking what the spec now declares as groundwork's) change
// nothing and are not counted.
func roundTrip(t *testing.T, actual *estate.Estate, res importer.Result, want []string) {
	t.Helper()
	dir := t.TempDir()
	for p, content := range res.Files {
		path := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := spec.Parse(filepath.Join(dir, "foundation.yaml"), res.YAML)
	if err != nil {
		t.Fatalf("the imported spec does not load: %v\n%s", err, res.YAML)
	}
	p := kinds.Plan(f.Desired(), actual)
	var got []string
	for _, ch := range p.Changes {
		if !ch.Adopt {
			got = append(got, ch.Address)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		var b bytes.Buffer
		plan.Render(&b, p, true)
		t.Errorf("round trip changes %q, want %q\n%s\n--- YAML:\n%s", got, want, b.String(), res.YAML)
	}
}

func TestSpecOptions(t *testing.T) {
	withUnit := func(mutate func(*estate.Estate)) *estate.Estate {
		e := newEstate()
		addUnit(e, "Workloads", nil)
		if mutate != nil {
			mutate(e)
		}
		return e
	}
	tests := map[string]struct {
		estate   *estate.Estate
		opts     importer.Options
		err      string // part of the error; "" for none
		contains []string
	}{
		"organization and domain from the management account": {
			estate: withUnit(func(e *estate.Estate) {
				m := e.Accounts[mgmtEmail]
				m.Name, m.Email = "aws-management-account-acme", "aws-management-account-acme@Corp.Example.com"
			}),
			opts: importer.Options{HomeRegion: "eu-west-1"},
			contains: []string{"  id: acme\n  email_domain: corp.example.com\n  home_region: eu-west-1\n  regions: [eu-west-1]\n" +
				"  management:\n    name: aws-management-account-acme\n    email: aws-management-account-acme@Corp.Example.com\nunits:"},
		},
		"management account named otherwise": {
			estate: withUnit(func(e *estate.Estate) { e.Accounts[mgmtEmail].Name = "master" }),
			opts:   importer.Options{HomeRegion: "us-east-1"},
			err:    `the management account is named "master", not aws-management-account-<id>; give it with --org-id`,
		},
		"bad options": {
			estate: withUnit(nil),
			opts:   importer.Options{OrgID: "Primary!", Domain: "example.com", HomeRegion: "us-east-9"},
			err:    "the options do not make a valid spec:\n  --org-id: \"Primary!\" must be lowercase letters, digits and hyphens, starting with a letter or digit\n  --home-region: \"us-east-9\" is not an AWS Region (did you mean \"us-east-1\"?)\n  --regions: ",
		},
		"no home Region": {
			estate: withUnit(nil),
			opts:   importer.Options{OrgID: "primary"},
			err:    "the home Region is required",
		},
		"no organization": {
			estate: estate.New(),
			opts:   opts,
			err:    "not in an organization",
		},
		"organization layer not read": {
			estate: withUnit(func(e *estate.Estate) { e.Org = nil }),
			opts:   opts,
			err:    "organization layer",
		},
		"no OUs": {
			estate: newEstate(),
			opts:   opts,
			err:    "the organization has no OUs",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := importer.Spec(tc.estate, tc.opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.contains {
				if !strings.Contains(string(res.YAML), want) {
					t.Errorf("YAML lacks\n%s\n--- YAML:\n%s", want, res.YAML)
				}
			}
			roundTrip(t, tc.estate, res, nil)
		})
	}
}

// The hints of the built-in sections, as the import of actual with o
// finds them when the section runs.

func loggingHint(actual *estate.Estate, o importer.Options) (*estate.Logging, error) {
	im, err := importer.Prepare(actual, o, logging.SpecKey)
	if err != nil {
		return nil, err
	}
	return logging.ImportHint(im)
}

func monitoringHint(actual *estate.Estate, o importer.Options) (*estate.Monitoring, error) {
	im, err := importer.Prepare(actual, o, monitoring.SpecKey)
	if err != nil {
		return nil, err
	}
	return monitoring.ImportHint(im), nil
}

func hardeningHint(actual *estate.Estate, o importer.Options) (*estate.Hardening, error) {
	im, err := importer.Prepare(actual, o, hardening.SpecKey)
	if err != nil {
		return nil, err
	}
	return hardening.ImportHint(im)
}

func billingHint(actual *estate.Estate, o importer.Options) (*estate.Billing, error) {
	im, err := importer.Prepare(actual, o, billing.SpecKey)
	if err != nil {
		return nil, err
	}
	return billing.ImportHint(im)
}
