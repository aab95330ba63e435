package hardening

import (
	"fmt"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The hardening checks: the IAM password policy and S3 Block Public Access
// of every account, default VPCs, IAM users in the management account, and
// the root user's access keys and MFA (guidance 000 "Foundational
// hardening", 002 IAM-030, 003). They judge the accounts of
// e.Hardening.Accounts, where the layer was read, and return no findings
// when e.Hardening is nil: the layer was not read, which says nothing. The
// password policy's bar is the spec's default (GuidancePasswordLength,
// ...MaxAge, ...Reuse: guidance 002 IAM-030 and CIS AWS Foundations v3.0.0
// 1.8 and 1.9), so a spec left at its defaults passes.

var passwordControls = []string{"CIS AWS Foundations Benchmark v3.0.0 1.8", "CIS AWS Foundations Benchmark v3.0.0 1.9"}

const passwordRemedy = "keep hardening.password_policy in foundation.yaml (its defaults meet the guidance) and run groundwork apply, " +
	"which sets the policy in every account"

func init() {
	audit.Register(audit.Check{
		ID:       "GW-HRD-001",
		Title:    "IAM password policy set in every account",
		Severity: audit.Medium,
		Guidance: "000 Configure IAM password policy in management account; 002 Enforce a strong IAM password policy",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.8", "CIS AWS Foundations Benchmark v3.0.0 1.9", "NIST CSF PR.AC-1", "Conformity IAM-030"},
		Rationale: "Without a password policy, IAM accepts passwords of 8 characters of any kind that never expire and " +
			"may be reused, so a guessed or leaked password stays good.",
		Remediation: passwordRemedy,
		Reads:       []string{"hardening"},
		Run:         checkPasswordPolicySet,
	})
	audit.Register(audit.Check{
		ID:       "GW-HRD-002",
		Title:    "IAM password policy as strong as the guidance",
		Severity: audit.Medium,
		Guidance: "000 Configure IAM password policy in management account; 002 Enforce a strong IAM password policy",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.8", "CIS AWS Foundations Benchmark v3.0.0 1.9", "NIST CSF PR.AC-1", "Conformity IAM-030"},
		Rationale: "Each setting below the guidance, a shorter minimum, a character class not required, no expiry or " +
			"reuse allowed, makes IAM user passwords easier to guess or lets a leaked one work for longer.",
		Remediation: passwordRemedy + "; raise any weaker value set under hardening.password_policy",
		Reads:       []string{"hardening"},
		Run:         checkPasswordPolicyStrength,
	})
	audit.Register(audit.Check{
		ID:       "GW-HRD-003",
		Title:    "S3 Block Public Access on for every account",
		Severity: audit.High,
		Guidance: "000 Set Amazon S3 public block access in accounts",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 2.1.4", "NIST CSF PR.DS-5"},
		Rationale: "Without Block Public Access on the account, one carelessly written bucket policy or ACL makes data " +
			"public; the account setting overrides them all.",
		Remediation: "keep hardening.s3_block_public_access.enabled: true (the default) and run groundwork apply; exempt, under " +
			"hardening.s3_block_public_access.exceptions, only an account dedicated to serving public data",
		Reads: []string{"hardening"},
		Run:   checkAccountPublicAccessBlock,
	})
	audit.Register(audit.Check{
		ID:       "GW-HRD-004",
		Title:    "No default VPCs",
		Severity: audit.Low,
		Guidance: "000 Delete default network resources in Management Account",
		Controls: []string{"NIST CSF PR.AC-5", "NIST CSF PR.PT-3"},
		Rationale: "A default VPC gives every Availability Zone a public subnet behind an internet gateway, so anything " +
			"launched without choosing a network can be reachable from the internet.",
		Remediation: "keep hardening.delete_default_vpcs: true (the default) and run groundwork apply --allow-delete; a default VPC " +
			"with network interfaces is kept until what runs in it moves",
		Reads: []string{"hardening"},
		Run:   checkDefaultVPCs,
	})
	audit.Register(audit.Check{
		ID:       "GW-HRD-005",
		Title:    "No IAM users in the management account",
		Severity: audit.Medium,
		Guidance: "000 Remove unnecessary IAM users",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.21", "NIST CSF PR.AC-1"},
		Rationale: "IAM users in the management account hold long-lived credentials to the one account no SCP restricts " +
			"and that controls every other; a leaked password or key there compromises the organization.",
		Remediation: "give people access through IAM Identity Center, then set hardening.management_iam_users: delete and run " +
			"groundwork apply --allow-delete; list break-glass users under hardening.break_glass_users",
		Reads: []string{"hardening"},
		Run:   checkManagementUsers,
	})
	audit.Register(audit.Check{
		ID:       "GW-HRD-006",
		Title:    "No root user access keys",
		Severity: audit.Critical,
		Guidance: "003 AWS Identity and Access Management (IAM)",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.4", "NIST CSF PR.AC-1", "NIST CSF PR.AC-4"},
		Rationale: "Root access keys carry the root user's unrestricted access, which no IAM policy limits, and work " +
			"without MFA: whoever obtains one owns the account.",
		Remediation: "manual: sign in as the account's root user, open Security credentials and delete its access keys; " +
			"use IAM roles instead",
		Reads: []string{"hardening"},
		Run: checkRoot(func(r *estate.RootCredentials) bool { return !r.AccessKeys },
			"the root user has access keys: whoever holds them has the root user's unrestricted access, and no MFA is asked"),
	})
	audit.Register(audit.Check{
		ID:       "GW-HRD-007",
		Title:    "MFA on the root user",
		Severity: audit.High,
		Guidance: "000 Secure management account root user; 000 Harden member accounts; 003 AWS Identity and Access " +
			"Management (IAM)",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.5", "NIST CSF PR.AC-1", "NIST CSF PR.AC-7"},
		Rationale: "Without MFA the root user's password alone opens the account with unrestricted access; a phished or " +
			"reused password is enough.",
		Remediation: "manual: sign in as the account's root user and activate an MFA device (a hardware device for the management " +
			"account, guidance 003); for member accounts, removing root credentials with IAM centralized root access also works",
		Reads: []string{"hardening"},
		Run: checkRoot(func(r *estate.RootCredentials) bool { return r.MFA },
			"the root user has no MFA: its password alone opens the account"),
	})
}

// hardenedAccounts returns the accounts the hardening layer was read in,
// leaving out closing ones; nil when the layer was not read.
func hardenedAccounts(e *estate.Estate) []string {
	if e.Hardening == nil {
		return nil
	}
	var out []string
	for _, key := range e.Hardening.Accounts {
		if !audit.Leaving(e, estate.Where{Account: estate.AccountKey(key)}) {
			out = append(out, key)
		}
	}
	return out
}

func checkPasswordPolicySet(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, acct := range hardenedAccounts(e) {
		if e.Hardening.PasswordPolicies[acct] == nil {
			out = append(out, audit.Finding{
				Resource: audit.WhereAccountResource(e, estate.AccountKey(acct)),
				Account:  audit.WhereID(e, estate.AccountKey(acct)),
				Message: "no IAM password policy: IAM users' passwords need only 8 characters of any kind, never expire " +
					"and may be reused",
			})
		}
	}
	return out
}

func checkPasswordPolicyStrength(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, acct := range hardenedAccounts(e) {
		p := e.Hardening.PasswordPolicies[acct]
		if p == nil {
			continue // GW-HRD-001's
		}
		if weak := passwordShortfalls(p); len(weak) > 0 {
			out = append(out, audit.Finding{
				Resource: audit.WhereAccountResource(e, estate.AccountKey(acct)),
				Account:  audit.WhereID(e, estate.AccountKey(acct)),
				Message:  "the IAM password policy is weaker than the guidance: " + strings.Join(weak, "; "),
			})
		}
	}
	return out
}

// passwordShortfalls lists how a policy falls short of the guidance.
func passwordShortfalls(p *estate.PasswordPolicy) []string {
	var out []string
	if p.MinLength < GuidancePasswordLength {
		out = append(out, fmt.Sprintf("minimum length %d, not at least %d", p.MinLength, GuidancePasswordLength))
	}
	var classes []string
	for _, c := range []struct {
		required bool
		name     string
	}{{p.RequireUppercase, "uppercase letters"}, {p.RequireLowercase, "lowercase letters"},
		{p.RequireNumbers, "numbers"}, {p.RequireSymbols, "symbols"}} {
		if !c.required {
			classes = append(classes, c.name)
		}
	}
	if len(classes) > 0 {
		out = append(out, "does not require "+strings.Join(classes, ", "))
	}
	switch {
	case p.MaxAgeDays == 0:
		out = append(out, fmt.Sprintf("passwords never expire, not within %d days", GuidancePasswordMaxAge))
	case p.MaxAgeDays > GuidancePasswordMaxAge:
		out = append(out, fmt.Sprintf("passwords expire after %d days, not within %d", p.MaxAgeDays, GuidancePasswordMaxAge))
	}
	switch {
	case p.ReusePrevention == 0:
		out = append(out, fmt.Sprintf("previous passwords may be reused, not the last %d refused", GuidancePasswordReuse))
	case p.ReusePrevention < GuidancePasswordReuse:
		out = append(out, fmt.Sprintf("only the last %d passwords are refused, not the last %d", p.ReusePrevention, GuidancePasswordReuse))
	}
	return out
}

func checkAccountPublicAccessBlock(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, acct := range hardenedAccounts(e) {
		p, read := e.Hardening.PublicAccessBlocks[acct]
		if !read || p.On() {
			continue
		}
		msg := "S3 Block Public Access is off for the account: one bucket policy or ACL can make data public"
		if *p != (estate.PublicAccessBlock{}) {
			msg = "S3 Block Public Access is only partly on for the account (" + strings.Join(offSettings(p), ", ") +
				" off): some bucket policies or ACLs can still make data public"
		}
		out = append(out, audit.Finding{Resource: audit.WhereAccountResource(e, estate.AccountKey(acct)), Account: audit.WhereID(e, estate.AccountKey(acct)), Message: msg})
	}
	return out
}

func offSettings(p *estate.PublicAccessBlock) []string {
	var off []string
	for _, s := range []struct {
		on   bool
		name string
	}{{p.BlockPublicACLs, "BlockPublicAcls"}, {p.IgnorePublicACLs, "IgnorePublicAcls"},
		{p.BlockPublicPolicy, "BlockPublicPolicy"}, {p.RestrictPublicBuckets, "RestrictPublicBuckets"}} {
		if !s.on {
			off = append(off, s.name)
		}
	}
	return off
}

// checkDefaultVPCs reports, per account, the Regions that still have a
// default VPC, and which of them something runs in.
func checkDefaultVPCs(e *estate.Estate) []audit.Finding {
	if e.Hardening == nil {
		return nil
	}
	var places []estate.Where
	used := map[estate.Where]int{}
	for _, v := range e.Hardening.SortedDefaultVPCs() {
		places = append(places, v.Where)
		used[v.Where] += v.NetworkInterfaces
	}
	accounts, regions := audit.RegionsByAccount(e, places)
	var out []audit.Finding
	for _, acct := range accounts {
		var listed []string
		for _, region := range regions[acct] {
			if n := used[estate.Where{Account: acct, Region: region}]; n > 0 {
				region += fmt.Sprintf(" (%d network interfaces)", n)
			}
			listed = append(listed, region)
		}
		out = append(out, audit.Finding{
			Resource: audit.WhereAccountResource(e, acct),
			Account:  audit.WhereID(e, acct),
			Message: "default VPC in " + strings.Join(listed, ", ") + ": a public subnet in every Availability Zone " +
				"and an internet gateway that nobody designed",
		})
	}
	return out
}

func checkManagementUsers(e *estate.Estate) []audit.Finding {
	if e.Hardening == nil {
		return nil
	}
	var out []audit.Finding
	for _, u := range e.Hardening.SortedUsers() {
		if u.BreakGlass {
			continue
		}
		out = append(out, audit.Finding{
			Resource: audit.PlacedResource(e, "iam-user", u.Name, estate.Where{Account: estate.ManagementKey}),
			Account:  audit.WhereID(e, estate.ManagementKey),
			Message: "IAM user " + u.Name + " in the management account: its long-lived credentials reach the one account " +
				"no SCP restricts; people should sign in through IAM Identity Center",
		})
	}
	return out
}

// checkRoot reports the accounts whose root user's credentials fail ok.
func checkRoot(ok func(*estate.RootCredentials) bool, message string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		var out []audit.Finding
		for _, acct := range hardenedAccounts(e) {
			if r := e.Hardening.Roots[acct]; r != nil && !ok(r) {
				out = append(out, audit.Finding{Resource: audit.WhereAccountResource(e, estate.AccountKey(acct)), Account: audit.WhereID(e, estate.AccountKey(acct)), Message: message})
			}
		}
		return out
	}
}
