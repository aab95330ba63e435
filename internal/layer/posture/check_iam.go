package posture

import (
	"fmt"
	"strings"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The IAM user checks of the posture layer: MFA for console users, unused
// and old credentials, one active access key, and policies through
// groups (CIS AWS Foundations v3.0.0 1.10, 1.12-1.15; guidance 002 and
// 003). They judge every user of every account the layer read, whatever
// the spec says, and return no findings when e.Posture is nil.

// The credential ages of CIS AWS Foundations v3.0.0: 1.12 disables
// credentials unused for 45 days or more, 1.14 rotates access keys every
// 90 days or less.
const (
	unusedCredentialDays = 45
	accessKeyMaxAgeDays  = 90
)

const day = 24 * time.Hour

func init() {
	audit.Register(audit.Check{
		ID:       "GW-IAM-001",
		Title:    "MFA for every IAM user with a console password",
		Severity: audit.High,
		Guidance: "002 Harden IAM user access credentials; 003 AWS Identity and Access Management (IAM)",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.10", "NIST CSF PR.AC-7"},
		Rationale: "a console password without MFA is one phished or guessed secret away from the user's permissions, " +
			"from anywhere on the internet",
		Remediation: "manual: have the user assign an MFA device (IAM console, Security credentials), or remove the console " +
			"password; better, move people to IAM Identity Center, which asks for MFA",
		Reads: []string{readIAM},
		Run:   checkUserMFA,
	})
	audit.Register(audit.Check{
		ID:       "GW-IAM-002",
		Title:    "No IAM credentials unused for 45 days or more",
		Severity: audit.Medium,
		Guidance: "003 AWS Identity and Access Management (IAM)",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.12", "NIST CSF PR.AC-1"},
		Rationale: "a password or access key nobody uses still works for whoever finds it, and its misuse stands out to " +
			"no one",
		Remediation: "manual: delete the user's console password and deactivate or delete the unused access keys " +
			"(IAM console, Security credentials), or delete the user",
		Reads: []string{readIAM},
		Run:   checkUnusedCredentials,
	})
	audit.Register(audit.Check{
		ID:       "GW-IAM-003",
		Title:    "Active access keys rotated within 90 days",
		Severity: audit.Medium,
		Guidance: "003 AWS Identity and Access Management (IAM)",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.14", "NIST CSF PR.AC-1"},
		Rationale: "the longer an access key lives the more copies of it sit in scripts, laptops and logs, and a leaked one " +
			"works until it is replaced",
		Remediation: "manual: create a second access key, move its users to it, then deactivate and delete the old one; " +
			"prefer IAM roles, whose credentials expire on their own",
		Reads: []string{readIAM},
		Run:   checkAccessKeyAge,
	})
	audit.Register(audit.Check{
		ID:       "GW-IAM-004",
		Title:    "At most one active access key per IAM user",
		Severity: audit.Low,
		Guidance: "003 AWS Identity and Access Management (IAM)",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.13"},
		Rationale: "a second active key is usually a rotation left half done: the old key keeps working, and nobody " +
			"knows where it still is",
		Remediation: "manual: find which key is in use (IAM console, access key last used), then deactivate and delete the other",
		Reads:       []string{readIAM},
		Run:         checkTwoAccessKeys,
	})
	audit.Register(audit.Check{
		ID:       "GW-IAM-005",
		Title:    "IAM users get permissions only through groups",
		Severity: audit.Low,
		Guidance: "003 AWS Identity and Access Management (IAM)",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 1.15"},
		Rationale: "permissions attached user by user drift apart and outlive the job they were for; through groups they " +
			"follow job roles and are reviewed in one place",
		Remediation: "manual: put the user in an IAM group holding the permissions its job role needs, then detach the " +
			"user's managed policies and delete its inline policies",
		Reads: []string{readIAM},
		Run:   checkUserPolicies,
	})
}

// postureAccounts returns the accounts the posture layer was read in,
// leaving out closing ones; nil when the layer was not read.
func postureAccounts(e *estate.Estate) []string {
	if e.Posture == nil {
		return nil
	}
	var out []string
	for _, key := range e.Posture.Accounts {
		if !audit.Leaving(e, estate.Where{Account: estate.AccountKey(key)}) {
			out = append(out, key)
		}
	}
	return out
}

// userFinding is a finding about an IAM user: "iam-user/alice
// (payments-prod)".
func userFinding(e *estate.Estate, key string, u *estate.PostureUser, msg string) audit.Finding {
	return audit.Finding{
		Resource: audit.PlacedResource(e, "iam-user", u.Name, estate.Where{Account: estate.AccountKey(key)}),
		Message:  "IAM user " + u.Name + " " + msg, Account: audit.AccountID(e, estate.AccountKey(key)),
	}
}

// eachUser runs f over every user the layer read, in account then report
// order, collecting its findings.
func eachUser(e *estate.Estate, f func(key string, u *estate.PostureUser) []audit.Finding) []audit.Finding {
	var out []audit.Finding
	for _, key := range postureAccounts(e) {
		for _, u := range e.Posture.Users[key] {
			out = append(out, f(key, u)...)
		}
	}
	return out
}

func checkUserMFA(e *estate.Estate) []audit.Finding {
	return eachUser(e, func(key string, u *estate.PostureUser) []audit.Finding {
		if !u.Password || u.MFA {
			return nil
		}
		return []audit.Finding{userFinding(e, key, u, "signs in to the console with a password and no MFA device")}
	})
}

// daysSince is the whole days from t to the layer's read; -1 when t is
// unknown.
func daysSince(p *estate.Posture, t time.Time) int {
	if t.IsZero() || p.AsOf.IsZero() {
		return -1
	}
	return int(p.AsOf.Sub(t) / day)
}

func checkUnusedCredentials(e *estate.Estate) []audit.Finding {
	return eachUser(e, func(key string, u *estate.PostureUser) []audit.Finding {
		// stale says how long a credential has gone unused: since its
		// last use, or for one never used since the user was created.
		stale := func(what string, lastUsed time.Time) string {
			since, how := lastUsed, "unused for %d days"
			if since.IsZero() {
				since, how = u.Created, "never used in the %d days since the user was created"
			}
			if n := daysSince(e.Posture, since); n >= unusedCredentialDays {
				return what + " " + fmt.Sprintf(how, n)
			}
			return ""
		}
		var unused []string
		if u.Password {
			unused = append(unused, stale("console password", u.PasswordLastUsed))
		}
		for i, k := range u.AccessKeys {
			if k.Active {
				unused = append(unused, stale(fmt.Sprintf("access key %d", i+1), k.LastUsed))
			}
		}
		unused = nonEmpty(unused)
		if len(unused) == 0 {
			return nil
		}
		return []audit.Finding{userFinding(e, key, u, "has credentials that still work but are not used: "+strings.Join(unused, "; "))}
	})
}

func checkAccessKeyAge(e *estate.Estate) []audit.Finding {
	return eachUser(e, func(key string, u *estate.PostureUser) []audit.Finding {
		var old []string
		for i, k := range u.AccessKeys {
			if n := daysSince(e.Posture, k.LastRotated); k.Active && n > accessKeyMaxAgeDays {
				old = append(old, fmt.Sprintf("access key %d is %d days old", i+1, n))
			}
		}
		if len(old) == 0 {
			return nil
		}
		return []audit.Finding{userFinding(e, key, u, "has active access keys older than "+
			fmt.Sprint(accessKeyMaxAgeDays)+" days: "+strings.Join(old, "; "))}
	})
}

func checkTwoAccessKeys(e *estate.Estate) []audit.Finding {
	return eachUser(e, func(key string, u *estate.PostureUser) []audit.Finding {
		if n := len(u.ActiveKeys()); n > 1 {
			return []audit.Finding{userFinding(e, key, u, fmt.Sprintf("has %d active access keys", n))}
		}
		return nil
	})
}

func checkUserPolicies(e *estate.Estate) []audit.Finding {
	return eachUser(e, func(key string, u *estate.PostureUser) []audit.Finding {
		if u.Policies == nil {
			return nil // not read
		}
		var attached []string
		for _, arn := range u.Policies.Managed {
			attached = append(attached, "managed policy "+arn)
		}
		for _, name := range u.Policies.Inline {
			attached = append(attached, "inline policy "+name)
		}
		if len(attached) == 0 {
			return nil
		}
		return []audit.Finding{userFinding(e, key, u, "has policies attached directly rather than through a group: "+
			strings.Join(attached, ", "))}
	})
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
