package spec

import (
	"bytes"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"text/template"
)

// StarterOptions fill the starter spec.
type StarterOptions struct {
	OrgID      string
	Domain     string
	HomeRegion string
	Regions    []string
	// Phone is the phone number of the alternate contacts; without it the
	// contacts section is written commented out.
	Phone string
	// Administrators are the people who administer the management
	// account (groundwork init --admin-user); without any, the sections
	// that name them write a commented example instead.
	Administrators []Person
}

// Person is someone the starter spec names.
type Person struct {
	UserName, GivenName, FamilyName, Email string
}

// ParsePerson reads a person written as an address in a mail header,
// "Given Family <e-mail>": the user name is the e-mail's local part, the
// given name the first word of the name and the family name the rest.
func ParsePerson(s string) (Person, error) {
	addr, err := mail.ParseAddress(s)
	if err != nil || !IsEmail(addr.Address) {
		return Person{}, fmt.Errorf("%q is not a name and an e-mail address: write it as \"Given Family <user@example.com>\"", s)
	}
	given, family, _ := strings.Cut(strings.TrimSpace(addr.Name), " ")
	family = strings.TrimSpace(family)
	if given == "" || family == "" {
		return Person{}, fmt.Errorf("%q needs a given and a family name before the e-mail: write it as \"Given Family <%s>\"", s, addr.Address)
	}
	local, _, _ := strings.Cut(addr.Address, "@")
	return Person{UserName: local, GivenName: given, FamilyName: family, Email: addr.Address}, nil
}

// Starter returns the recommended foundation of guidance 000 as a
// commented foundation.yaml: the core parts, then every section, built in
// or registered, by Order, a blank line between each. It is validated
// before it is returned, so bad options come back as Diagnostics about the
// generated file.
func Starter(opts StarterOptions) ([]byte, error) {
	if len(opts.Regions) == 0 {
		opts.Regions = []string{opts.HomeRegion}
	}
	data := map[string]any{
		"Org": opts.OrgID, "Domain": opts.Domain, "Home": opts.HomeRegion,
		"Regions": strings.Join(opts.Regions, ", "), "Phone": opts.Phone,
	}
	var buf bytes.Buffer
	if err := starterCore.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("render starter spec: %w", err)
	}
	type part struct {
		key   string
		order int
		text  func() (string, error)
	}
	var parts []part
	for _, p := range starterParts {
		parts = append(parts, part{p.key, p.order, func() (string, error) {
			var b strings.Builder
			err := p.text.Execute(&b, data)
			return b.String(), err
		}})
	}
	for _, st := range Sections() {
		if st.Starter != nil {
			parts = append(parts, part{st.Key, st.Order, func() (string, error) { return st.Starter(opts), nil }})
		}
	}
	slices.SortStableFunc(parts, func(a, b part) int {
		if a.order != b.order {
			return a.order - b.order
		}
		return strings.Compare(a.key, b.key)
	})
	for _, p := range parts {
		text, err := p.text()
		if err != nil {
			return nil, fmt.Errorf("render starter spec: %s: %w", p.key, err)
		}
		buf.WriteString("\n")
		buf.WriteString(text)
	}
	if _, err := Parse("foundation.yaml", buf.Bytes()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var starterCore = template.Must(template.New("foundation.yaml").Parse(`# foundation.yaml: the AWS foundation of organization "{{.Org}}".
#
# groundwork reads this file and makes the organization match it:
#   groundwork validate   check this file, every error at once
#   groundwork plan       show what would change
#   groundwork apply      make it so (asks first; never closes accounts)
#   groundwork audit      check the live organization against the guidance
#
# The layout follows "Guidance for establishing an initial foundation using
# AWS Organizations" (AWS Cloud Foundations).
version: 1

organization:
  # The [org-identifier] that ends every account name and root e-mail, so
  # that several organizations never collide.
  id: {{.Org}}
  # Root e-mails are distribution lists in this domain, never a person's
  # mailbox: whoever is on the list can recover the account.
  email_domain: {{.Domain}}
  # The home Region holds the foundation's global resources (the Config
  # recorder for IAM, the trail's log group). Operational Regions are the
  # only ones workloads may use.
  home_region: {{.Home}}
  regions: [{{.Regions}}]
  # groundwork assumes this role in member accounts. AWS Organizations
  # creates it in every account it creates.
  access_role: OrganizationAccountAccessRole
  # Naming conventions. These are the defaults; change a template here and
  # every account follows. Placeholders: {org}, {domain}, {name} (the
  # account's key below), {workload}, {environment}, {username}.
  naming:
    management_account: "aws-management-account-{org}"
    management_email: "aws-management-account-{org}@{domain}"
    account: "{name}-{org}"
    account_email: "aws-{name}-{org}@{domain}"
    workload_account: "{workload}-{environment}-{org}"
    workload_email: "aws-{workload}-{environment}-{org}@{domain}"
    sandbox_account: "sandbox-{username}-{org}"
    sandbox_email: "aws-sandbox-{username}-{org}@{domain}"

# The OU tree. Guardrails (baseline SCPs) attach to every top-level OU
# except Exceptions, never to the root.
units:
  # Security: the Log Archive and Security Tooling accounts. Only the
  # security team has access.
  Security: {}
  # Infrastructure: shared services such as networking and the IAM
  # Identity Center delegated administrator.
  Infrastructure: {}
  # Workloads: business applications, production separate from everything
  # else so that each gets its own guardrails.
  Workloads:
    units:
      Prod: {}
      NonProd: {}
  # Exceptions: accounts that need a guardrail waived, each for a recorded
  # reason. Kept out of the baseline on purpose.
  Exceptions:
    guardrails: none
  # Sandbox: for builders to experiment, disconnected from internal
  # networks; never promoted to a workload account.
  Sandbox: {}

# Member accounts, by key. Names and e-mails follow the conventions above:
# log-archive becomes "log-archive-{{.Org}}" with root e-mail
# "aws-log-archive-{{.Org}}@{{.Domain}}". Add a workload account with:
#   payments-prod: { unit: Workloads/Prod, role: workload, workload: payments, environment: prod }
accounts:
  # Receives the CloudTrail and Config logs of every account.
  log-archive:
    unit: Security
    role: log-archive
  # Delegated administrator for the security services and home of the
  # organization's Config aggregator and log encryption keys.
  security-tooling:
    unit: Security
    role: security-tooling
  # Delegated administrator for IAM Identity Center, so that people are
  # managed outside the management account.
  identity-center:
    unit: Infrastructure
    role: identity-center
`))

// starterParts are the parts of the core sections after the accounts, at
// an Order among the registered sections (see SectionType.Order).
var starterParts = []struct {
	key   string
	order int
	text  *template.Template
}{
	{"tagging", 100, template.Must(template.New("tagging").Parse(`# The tagging dictionary every account and resource should follow.
# groundwork turns it into a tag policy (groundwork-tagging) attached to the
# root, which fixes each key's case and the allowed values.
tagging:
  required: [Owner, BusinessUnit, Environment, CostCenter, FinancialOwner, Compliance]
  values:
    Environment: [Sandbox, Dev, PreProd, QA, Prod, Testing]
`))},
}
