package posture

import (
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// The account-wide IAM checks of the posture layer (CIS AWS Foundations
// v3.0.0 1.6, 1.7, 1.11, 1.16, 1.17, 1.19, 1.22): the root user's use and
// MFA device, keys made with a console user and never used, policies
// granting everything, the support role, expired server certificates and
// CloudShell's full access. Like the user checks they judge every account
// the layer read, whatever the spec says; an account whose part was not
// read has no entry and gets no judgement.

const cis = "CIS AWS Foundations Benchmark v3.0.0 "

func init() {
	audit.Register(audit.Check{
		ID:       "GW-IAM-010",
		Title:    `No customer-managed IAM policy attached that allows "*:*"`,
		Severity: audit.High,
		Guidance: "003 General Best Practices; 003 AWS Identity and Access Management (IAM)",
		Controls: []string{cis + "1.16", "NIST CSF PR.AC-4"},
		Rationale: "a policy that allows every action on every resource makes whoever holds it an administrator, beyond " +
			"least privilege and out of sight of anyone reviewing permissions by the names of AWS managed policies",
		Remediation: "manual: replace the policy's Allow of Action \"*\" on Resource \"*\" with the actions the holders need " +
			"(IAM console, Policies, the policy, Edit), or detach it; administrators use AdministratorAccess through IAM " +
			"Identity Center",
		Reads: []string{readIAMPolicies},
		Run:   checkFullAdminPolicies,
	})
	audit.Register(audit.Check{
		ID:       "GW-IAM-011",
		Title:    "Root user not used recently",
		Severity: audit.High,
		Guidance: "000 Secure management account root user; 003 AWS Identity and Access Management (IAM)",
		Controls: []string{cis + "1.7", "NIST CSF PR.AC-4", "NIST CSF DE.CM-3"},
		Rationale: "the root user's access cannot be limited by any IAM policy, or in the management account by any SCP; " +
			"each use for routine work exposes its password or keys, and a use nobody planned may be an intruder",
		Remediation: "manual: find who used the root user and why (CloudTrail, userIdentity.type Root); do that work with an " +
			"IAM Identity Center role instead, rotate the root password, and keep the root user for the few tasks only it " +
			"can do; audit --root-use-days sets how recent a use is reported",
		Reads: []string{readIAM},
		Run:   checkRootUse,
	})
	audit.Register(audit.Check{
		ID:       "GW-IAM-012",
		Title:    "A support role in every account",
		Severity: audit.Medium,
		Guidance: "003 Communication with AWS",
		Controls: []string{cis + "1.17", "NIST CSF RS.CO-3"},
		Rationale: "without a role that holds AWSSupportAccess, opening and following an AWS Support case during an " +
			"incident needs broader access than the task, or waits for someone to create the role",
		Remediation: "manual: create an IAM role the incident responders can assume and attach AWSSupportAccess to it " +
			"(aws iam attach-role-policy --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess), in every account",
		Reads: []string{readIAMEntities},
		Run:   checkSupportRole,
	})
	audit.Register(audit.Check{
		ID:       "GW-IAM-013",
		Title:    "No expired server certificate stored in IAM",
		Severity: audit.Medium,
		Guidance: "004 Compliance Alignment",
		Controls: []string{cis + "1.19", "NIST CSF PR.DS-2"},
		Rationale: "an expired certificate left in IAM can be deployed to a load balancer or CloudFront by mistake, and " +
			"clients then fail or are taught to accept invalid certificates",
		Remediation: "manual: delete the expired certificate (aws iam delete-server-certificate --server-certificate-name " +
			"<name>) after checking nothing uses it; keep certificates in AWS Certificate Manager, which renews them",
		Reads: []string{readCertificates},
		Run:   checkExpiredCertificates,
	})
	audit.Register(audit.Check{
		ID:       "GW-IAM-014",
		Title:    "AWSCloudShellFullAccess attached to no one",
		Severity: audit.Medium,
		Guidance: "004 Compliance Alignment",
		Controls: []string{cis + "1.22", "NIST CSF PR.AC-4"},
		Rationale: "CloudShell full access lets its holder upload and download files from a shell inside the account, " +
			"a path for data out of the account that no network control sees",
		Remediation: "manual: detach AWSCloudShellFullAccess from the users, groups and roles that hold it and grant the " +
			"narrower CloudShell actions they need, without file transfer",
		Reads: []string{readIAMEntities},
		Run:   checkCloudShell,
	})
	audit.Register(audit.Check{
		ID:       "GW-IAM-015",
		Title:    "No unused access key on an IAM user with a console password",
		Severity: audit.Low,
		Guidance: "003 AWS Identity and Access Management (IAM)",
		Controls: []string{cis + "1.11"},
		Rationale: "an access key created along with a console user and never used is a second long-lived credential " +
			"nobody needs, which works for whoever finds it",
		Remediation: "manual: delete the access keys the user has never used (IAM console, Security credentials); create " +
			"one only when the user needs programmatic access",
		Reads: []string{readIAM},
		Run:   checkKeysAtSetup,
	})
	audit.Register(audit.Check{
		ID:       "GW-IAM-016",
		Title:    "Hardware MFA on the root user",
		Severity: audit.Medium,
		Guidance: "000 Secure management account root user; 003 AWS Identity and Access Management (IAM)",
		Controls: []string{cis + "1.6", "NIST CSF PR.AC-7"},
		Rationale: "a virtual MFA device lives on a phone or laptop that can be lost, cloned or compromised with the " +
			"password it guards; a hardware device for the root user is a separate thing someone must hold",
		Remediation: "manual: sign in as the root user, assign a hardware TOTP token or security key (Security credentials, " +
			"Multi-factor authentication), then remove the virtual device",
		Reads: []string{readIAM, readRootMFA},
		Run:   checkRootHardwareMFA,
	})
}

// accountFinding is a finding about an account the layer read, by key.
func accountFinding(e *estate.Estate, key, msg string) audit.Finding {
	k := estate.AccountKey(key)
	return audit.Finding{Resource: audit.WhereAccountResource(e, k), Account: audit.WhereID(e, k), Message: msg}
}

func checkFullAdminPolicies(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, key := range postureAccounts(e) {
		for _, p := range e.Posture.Policies[key] {
			if p.Attachments == 0 || !allowsAll(p.Document) {
				continue
			}
			out = append(out, audit.Finding{
				Resource: audit.PlacedResource(e, "iam-policy", p.Name, estate.Where{Account: estate.AccountKey(key)}),
				Account:  audit.AccountID(e, estate.AccountKey(key)),
				Message: fmt.Sprintf(`customer-managed policy %s allows every action on every resource ("Action": "*", `+
					`"Resource": "*") and is attached to %d user(s), group(s) or role(s)`, p.Name, p.Attachments),
			})
		}
	}
	return out
}

// allowsAll reports whether a policy document has a statement that allows
// Action "*" (or "*:*") on Resource "*", whatever its conditions, as the
// benchmark's audit reads it. A document that does not parse is not
// judged.
func allowsAll(doc string) bool {
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		return false
	}
	return slices.ContainsFunc(d.Statements, func(s policy.Statement) bool {
		return strings.EqualFold(s.Effect, "Allow") &&
			slices.ContainsFunc(s.Action, func(a string) bool { return a == "*" || a == "*:*" }) &&
			slices.Contains(s.Resource, "*")
	})
}

func checkRootUse(e *estate.Estate) []audit.Finding {
	window := e.RootUseDays
	if window <= 0 {
		window = estate.DefaultRootUseDays
	}
	var out []audit.Finding
	for _, key := range postureAccounts(e) {
		root := e.Posture.Roots[key]
		if root == nil {
			continue
		}
		last, how := root.LastUsed()
		n := daysSince(e.Posture, last)
		if n < 0 || n >= window {
			continue
		}
		ago := fmt.Sprintf("%d days ago", n)
		if n == 0 {
			ago = "less than a day ago"
		}
		out = append(out, accountFinding(e, key, fmt.Sprintf("the root user was last used %s (%s, on %s), within the "+
			"last %d days: keep it for the tasks only the root user can do", ago, how, last.Format("2006-01-02"), window)))
	}
	return out
}

func checkSupportRole(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, key := range postureAccounts(e) {
		held, ok := e.Posture.PolicyEntities[key][supportPolicy]
		if !ok || len(held.Roles) > 0 {
			continue
		}
		msg := "no IAM role holds " + supportPolicy + ": nobody can open an AWS Support case through a role of its own"
		if n := len(held.Users) + len(held.Groups); n > 0 {
			msg += fmt.Sprintf(" (%d user(s) or group(s) hold it; the benchmark asks for a role)", n)
		}
		out = append(out, accountFinding(e, key, msg))
	}
	return out
}

func checkExpiredCertificates(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, key := range postureAccounts(e) {
		for _, c := range e.Posture.ServerCertificates[key] {
			if c.Expiration.IsZero() || !c.Expiration.Before(e.Posture.AsOf) {
				continue
			}
			out = append(out, audit.Finding{
				Resource: audit.PlacedResource(e, "server-certificate", c.Name, estate.Where{Account: estate.AccountKey(key)}),
				Account:  audit.AccountID(e, estate.AccountKey(key)),
				Message:  fmt.Sprintf("IAM server certificate %s expired on %s", c.Name, c.Expiration.Format("2006-01-02")),
			})
		}
	}
	return out
}

func checkCloudShell(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, key := range postureAccounts(e) {
		held, ok := e.Posture.PolicyEntities[key][cloudShellPolicy]
		if !ok || held.Count() == 0 {
			continue
		}
		var who []string
		for _, u := range held.Users {
			who = append(who, "user "+u)
		}
		for _, g := range held.Groups {
			who = append(who, "group "+g)
		}
		for _, r := range held.Roles {
			who = append(who, "role "+r)
		}
		out = append(out, audit.Finding{
			Resource: audit.PlacedResource(e, "iam-policy", cloudShellPolicy, estate.Where{Account: estate.AccountKey(key)}),
			Account:  audit.AccountID(e, estate.AccountKey(key)),
			Message:  cloudShellPolicy + " is attached to " + strings.Join(who, ", "),
		})
	}
	return out
}

func checkKeysAtSetup(e *estate.Estate) []audit.Finding {
	return eachUser(e, func(key string, u *estate.PostureUser) []audit.Finding {
		if !u.Password {
			return nil
		}
		var unused []string
		for i, k := range u.AccessKeys {
			if k.Active && k.LastUsed.IsZero() {
				unused = append(unused, fmt.Sprintf("access key %d", i+1))
			}
		}
		if len(unused) == 0 {
			return nil
		}
		return []audit.Finding{userFinding(e, key, u, "has a console password and an active "+
			strings.Join(unused, " and ")+" never used: delete keys the user does not use")}
	})
}

func checkRootHardwareMFA(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, key := range postureAccounts(e) {
		root := e.Posture.Roots[key]
		if root == nil || !root.MFA || root.VirtualMFA == nil || *root.VirtualMFA == "" {
			continue // no MFA is GW-HRD-007's; not read is not judged
		}
		out = append(out, accountFinding(e, key, "the root user's MFA is the virtual device "+*root.VirtualMFA+
			", not a hardware device"))
	}
	return out
}
