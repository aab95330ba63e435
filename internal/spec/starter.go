package spec

import (
	"bytes"
	"fmt"
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

// starterParts are the layer sections still built into the starter, at
// the Order a registered section taking one over would have.
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
	{"policies", 200, template.Must(template.New("policies").Parse(`# Service control policies (guardrails), built from groundwork's library.
# Several library policies can share one SCP: AWS allows five SCPs per OU,
# its own FullAWSAccess included. Without attach:, an SCP goes to every
# top-level OU whose guardrails are baseline: never the root, never
# Exceptions. Add your own with:
#   deny-big-instances: { file: policies/deny-big-instances.json, attach: [Workloads/NonProd] }
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
`))},
	{"services", 300, template.Must(template.New("services").Parse(`# AWS services integrated with the organization: trusted access, and the
# member account that administers each one, so that nobody works in the
# management account (security services in Security Tooling, IAM Identity
# Center in its own account).
services:
  trusted_access:
    - access-analyzer.amazonaws.com
    - account.amazonaws.com
    - cloudtrail.amazonaws.com
    - config-multiaccountsetup.amazonaws.com
    - config.amazonaws.com
    - guardduty.amazonaws.com
    - securityhub.amazonaws.com
    - sso.amazonaws.com
    - tagpolicies.tag.amazonaws.com
  delegated_admins:
    access-analyzer.amazonaws.com: security-tooling
    cloudtrail.amazonaws.com: security-tooling
    config-multiaccountsetup.amazonaws.com: security-tooling
    config.amazonaws.com: security-tooling
    guardduty.amazonaws.com: security-tooling
    securityhub.amazonaws.com: security-tooling
    sso.amazonaws.com: identity-center
`))},
	{"logging", 400, template.Must(template.New("logging").Parse(`# Central logging: the organization trail (every account, every Region,
# log file validation, KMS-encrypted, also to CloudWatch Logs) into a Log
# Archive bucket named aws-logs-cloudtrail-[account]-[region]; AWS Config
# in every account and operational Region (global resources in the home
# Region only) delivering to a second bucket; the keys in Security
# Tooling; the organization aggregator; the baseline Config rules.
logging:
  trail:
    name: groundwork-org-trail
    # management, or the key of CloudTrail's delegated administrator
    account: management
    cloudwatch_logs: true
    log_group: /groundwork/cloudtrail
    log_retention_days: 365
  buckets:
    # Log objects expire after this many days; 0 keeps them forever.
    retention_days: 365
  config:
    aggregator: security-tooling
    # true deploys the rules once, as organization rules, from the
    # delegated administrator instead of in every account.
    organization_rules: false
    rules:
      - ROOT_ACCOUNT_MFA_ENABLED
      - MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS
      - IAM_USER_MFA_ENABLED
      - CLOUD_TRAIL_ENABLED
      - S3_BUCKET_PUBLIC_READ_PROHIBITED
      - S3_BUCKET_PUBLIC_WRITE_PROHIBITED
      - RESTRICTED_INCOMING_TRAFFIC
`))},
	{"monitoring", 500, template.Must(template.New("monitoring").Parse(`# Alerting (guidance 000, 001 and 003): a metric filter and an alarm on
# the trail's log group for each pattern of groundwork's filter-pattern
# library (groundwork filter list: root user activity, console sign-ins,
# access-denied errors and CIS AWS Foundations Benchmark 4.1 to 4.15), all
# notifying one security topic, and an EventBridge rule for root sign-ins.
# It watches the trail's log group, so logging.trail.cloudwatch_logs must
# stay true. AWS e-mails each subscriber a confirmation link; until someone
# follows it, groundwork audit counts the alarms as missing, as CIS does.
monitoring:
  # CloudWatch namespace of the filters' metrics (guidance 000).
  namespace: LogMetrics
  security_topic:
    name: groundwork-security-notifications
    # Distribution lists, never a person's mailbox (guidance 003).
    subscribers: [aws-management-account-{{.Org}}-security@{{.Domain}}]
  # The library patterns to alarm on; leave it out for every one, for
  # example: alarms: [RootUserActivity, ConsoleSignIn, AccessDenied]
  # The rule lives in us-east-1, where CloudTrail records every root
  # sign-in.
  root_login_rule: true
`))},
	{"hardening", 600, template.Must(template.New("hardening").Parse(`# Foundational hardening (guidance 000, 002): the same IAM password policy
# and S3 Block Public Access in every account, the management account
# included; no default VPCs; no IAM users in the management account.
hardening:
  # At least 14 characters of all four kinds, expiring after 90 days, the
  # last 24 never reused (CIS AWS Foundations 1.8 and 1.9). Weaker values
  # are accepted and reported by audit.
  password_policy:
    min_length: 14
    require_uppercase: true
    require_lowercase: true
    require_numbers: true
    require_symbols: true
    max_age_days: 90
    reuse_prevention: 24
  # Account-level S3 Block Public Access, all four settings, in every
  # account; list an account that serves public data (by key) as an
  # exception.
  s3_block_public_access:
    enabled: true
    exceptions: []
  # Delete the default VPC of every account in every operational Region;
  # one that anything runs in (a network interface) is kept and named in
  # the plan. A delete: apply runs it only with --allow-delete.
  delete_default_vpcs: true
  # IAM users of the management account: report, or delete (only with
  # --allow-delete). The user groundwork runs as is never deleted.
  management_iam_users: report
  # Break-glass IAM users the management account keeps either way.
  break_glass_users: []
`))},
	{"contacts", 700, template.Must(template.New("contacts").Parse(`# Alternate contacts (billing, operations, security) of every account,
# including the management account. E-mails follow the convention
# [account-name]-billing@{{.Domain}}; make them distribution lists.
{{- if .Phone}}
contacts:
  phone: "{{.Phone}}"
{{- else}}
# contacts:
#   phone: "+1-555-0100"     # AWS requires a phone number for each contact
{{- end}}
`))},
}
