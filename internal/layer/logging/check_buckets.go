package logging

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// The log storage checks: the Log Archive buckets that receive CloudTrail
// and Config deliveries, and the KMS keys that encrypt them (guidance 000:
// buckets in the Log Archive account, keys in Security Tooling).

// bucketGuidance is where the guidance asks for the log buckets.
const bucketGuidance = "000 Create Amazon S3 bucket for CloudTrail events; " +
	"000 Create S3 bucket in Log Archive account for AWS Config logs"

// bucketRemedy is the remediation of a setting groundwork keeps on the log
// buckets it manages, which are the ones the audit reads.
func bucketRemedy(what string) string {
	return "keep the logging section in foundation.yaml (logging.buckets) and run groundwork apply, which " + what
}

func init() {
	audit.Register(audit.Check{
		ID:       "GW-LOG-010",
		Title:    "Log buckets block all public access",
		Severity: audit.High,
		Guidance: "000 Create Amazon S3 bucket for CloudTrail events; 000 Create S3 bucket in Log Archive account for " +
			"AWS Config logs; 003 Logging and Auditing",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 2.1.4", "NIST CSF PR.DS-5"},
		Rationale: "The log buckets hold every account's API activity and resource configuration, a map of the estate " +
			"for an attacker; one permissive bucket policy or ACL would publish it.",
		Remediation: bucketRemedy("turns on all four Block Public Access settings on each log bucket"),
		Reads:       []string{readBuckets},
		Run: checkBuckets(func(b *estate.Bucket) bool { return b.BlockPublicAccess }, func(*estate.Bucket) string {
			return "Block Public Access is not fully on: a bucket policy or ACL could expose the organization's logs"
		}),
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-011",
		Title:    "Log buckets encrypted by default",
		Severity: audit.Medium,
		Guidance: "000 Create AWS KMS encryption key for CloudTrail in Security-Tooling-prod account; 000 Create AWS " +
			"KMS encryption key for AWS Config in Security-Tooling-prod account",
		Controls: []string{"NIST CSF PR.DS-1"},
		Rationale: "Without default encryption, Config snapshots and any object delivered without encryption of its own " +
			"sit in the clear, so protection at rest depends on every writer remembering it.",
		Remediation: bucketRemedy("sets default encryption with the logging layer's KMS keys (SSE-KMS, which guidance 000 prefers to SSE-S3)"),
		Reads:       []string{readBuckets},
		Run: checkBuckets(func(b *estate.Bucket) bool { return b.SSE != "" }, func(*estate.Bucket) string {
			return "no default encryption: objects delivered without their own encryption are stored in the clear"
		}),
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-012",
		Title:    "Log buckets versioned",
		Severity: audit.Medium,
		Guidance: "000 Create Amazon S3 bucket for CloudTrail events; 000 Create S3 bucket in Log Archive account for " +
			"AWS Config logs; 003 Logging and Auditing",
		Controls: []string{"NIST CSF PR.IP-4", "NIST CSF PR.DS-6"},
		Rationale: "Without versioning, a log file overwritten or deleted, by mistake or to hide activity, is gone for " +
			"good.",
		Remediation: bucketRemedy("turns on versioning"),
		Reads:       []string{readBuckets},
		Run: checkBuckets(func(b *estate.Bucket) bool { return b.Versioning }, func(*estate.Bucket) string {
			return "versioning is off: an overwritten or deleted log file cannot be recovered"
		}),
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-013",
		Title:    "Log buckets refuse requests without TLS",
		Severity: audit.Medium,
		Guidance: "000 Configure S3 bucket to allow writes from CloudTrail; 000 Configure S3 buckets to allow writes " +
			"from AWS Config; 003 Logging and Auditing",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 2.1.1", "NIST CSF PR.DS-2"},
		Rationale: "S3 accepts plain HTTP unless a bucket policy refuses it, and requests without TLS expose log " +
			"contents and request signatures to anyone on the network path.",
		Remediation: bucketRemedy("writes a bucket policy with a DenyInsecureTransport statement"),
		Reads:       []string{readBuckets},
		Run: checkBuckets(func(b *estate.Bucket) bool { return deniesInsecureTransport(b.Policy) }, func(b *estate.Bucket) string {
			if strings.TrimSpace(b.Policy) == "" {
				return "no bucket policy, so nothing refuses requests made without TLS"
			}
			return `the bucket policy has no Deny statement with condition {"Bool": {"aws:SecureTransport": "false"}}: ` +
				"requests made without TLS are not refused"
		}),
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-014",
		Title:    "Log buckets in the Log Archive account",
		Severity: audit.Medium,
		Guidance: "000 Create S3 bucket in Log Archive account for CloudTrail logs; 000 Create S3 bucket in Log Archive " +
			"account for AWS Config logs; 002 AWS environment audit; 003 Logging and Auditing",
		Controls: []string{"NIST CSF PR.PT-1", "NIST CSF PR.AC-4", "Conformity IAM-030"},
		Rationale: "Logs stored in an account whose activity they record can be tampered with by that account's " +
			"administrators; the Log Archive account exists so that nobody who runs workloads can reach them.",
		Remediation: "set accounts.<key>.role: log-archive on the Log Archive account in foundation.yaml and run groundwork apply, " +
			"which creates the log buckets there; then move the logs over and delete the old bucket",
		Reads: []string{readBuckets},
		Needs: needsAccount(estate.RoleLogArchive, "Log Archive"),
		Run:   checkBucketAccount,
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-016",
		Title:    "CloudTrail buckets log access",
		Severity: audit.Low,
		Guidance: "000 Create Amazon S3 bucket for CloudTrail events; 003 Logging and Auditing",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.4", "NIST CSF DE.CM-3", "NIST CSF PR.PT-1"},
		Rationale: "The trail records who changed a bucket, not who read its objects; S3 server access logging on the " +
			"bucket trails deliver to records every request for the logs, so whoever read or tried to read them can be found.",
		Remediation: "turn on server access logging on the bucket, to a bucket of its own in the Log Archive account: aws s3api " +
			"put-bucket-logging --bucket BUCKET --bucket-logging-status " +
			`'{"LoggingEnabled":{"TargetBucket":"ACCESS-LOG-BUCKET","TargetPrefix":"BUCKET/"}}'`,
		Reads: []string{readBuckets},
		Run:   checkTrailBucketAccessLogs,
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-040",
		Title:    "Logging KMS keys rotate automatically",
		Severity: audit.Medium,
		Guidance: "000 Create AWS KMS encryption key for CloudTrail in Security-Tooling-prod account; 000 Create AWS " +
			"KMS encryption key for AWS Config in Security-Tooling-prod account",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.6", "NIST CSF PR.DS-1"},
		Rationale: "A key whose material never changes protects ever more logs with one secret, so the harm of its " +
			"exposure keeps growing; automatic rotation limits how much any one key version protects.",
		Remediation: "keep the logging section in foundation.yaml and run groundwork apply, which turns on rotation " +
			"(or run aws kms enable-key-rotation --key-id <key> in the Security Tooling account)",
		Reads: []string{readKeys},
		Run:   checkKeyRotation,
	})
}

// logBuckets returns the log buckets that exist, by name, leaving out
// those in closing accounts.
func logBuckets(e *estate.Estate) []*estate.Bucket {
	var out []*estate.Bucket
	for _, b := range audit.SortedValues(e.Logging.Buckets) {
		if b.Exists && !audit.Leaving(e, b.Where) {
			out = append(out, b)
		}
	}
	return out
}

// bucketResource names a bucket: "bucket/aws-logs-cloudtrail-...". Bucket
// names are unique across AWS.
func bucketResource(b *estate.Bucket) string { return "bucket/" + b.Name }

// checkBuckets reports every log bucket that is not ok, with the message
// why.
func checkBuckets(ok func(*estate.Bucket) bool, why func(*estate.Bucket) string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		if e.Logging == nil {
			return nil
		}
		var out []audit.Finding
		for _, b := range logBuckets(e) {
			if !ok(b) {
				out = append(out, audit.Finding{Resource: bucketResource(b), Account: audit.WhereID(e, b.Account), Region: b.Region, Message: why(b)})
			}
		}
		return out
	}
}

// deniesInsecureTransport reports whether a bucket policy has a Deny
// statement conditioned on aws:SecureTransport being false, the statement
// AWS documents for refusing plain HTTP. Like the guardrail checks, this
// is a content test, not policy evaluation. A policy that does not parse
// denies nothing; S3 accepts only valid JSON, so that happens only in an
// estate built by hand.
func deniesInsecureTransport(doc string) bool {
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		return false
	}
	return slices.ContainsFunc(d.Statements, func(s policy.Statement) bool {
		if !strings.EqualFold(s.Effect, "Deny") {
			return false
		}
		for op, keys := range s.Condition {
			// BoolIfExists works too: every request carries the key.
			if !strings.EqualFold(op, "Bool") && !strings.EqualFold(op, "BoolIfExists") {
				continue
			}
			for k, vs := range keys {
				// Condition keys and boolean values ignore case.
				if strings.EqualFold(k, "aws:SecureTransport") &&
					slices.ContainsFunc(vs, func(v string) bool { return strings.EqualFold(v, "false") }) {
					return true
				}
			}
		}
		return false
	})
}

// needsAccount is the Needs of a check whose yardstick is the account
// known as label (audit.AccountsKnownAs): without one there is nothing to
// compare with.
func needsAccount(r estate.Role, label string) func(e *estate.Estate) string {
	return func(e *estate.Estate) string {
		if len(audit.AccountsKnownAs(e, r)) > 0 {
			return ""
		}
		return "no account is known as the " + label + " account: none has role " + string(r) +
			" in foundation.yaml, and no account's name or Role tag says " + string(r)
	}
}

// checkBucketAccount reports log buckets outside the Log Archive account
// (by spec role, else by name or tag: audit.AccountsKnownAs).
func checkBucketAccount(e *estate.Estate) []audit.Finding {
	if e.Logging == nil {
		return nil
	}
	archives := audit.AccountsKnownAs(e, estate.RoleLogArchive)
	if len(archives) == 0 {
		return nil
	}
	var out []audit.Finding
	for _, b := range logBuckets(e) {
		a := audit.WhereAccount(e, b.Account)
		if a != nil && slices.Contains(archives, a) {
			continue
		}
		out = append(out, audit.Finding{
			Resource: bucketResource(b),
			Account:  audit.WhereID(e, b.Account),
			Region:   b.Region,
			Message: fmt.Sprintf("log bucket lives in %s, not the Log Archive account %s, which is dedicated to storing and protecting logs",
				audit.WhereLabel(e, estate.Where{Account: b.Account}), audit.AccountList(archives)),
		})
	}
	return out
}

// keyInUse reports whether the key can encrypt; rotation can be turned on
// only for such a key, and a disabled key or one pending deletion
// protects nothing new. An unknown state counts as in use.
func keyInUse(k *estate.Key) bool { return k.State == "" || k.State == "Enabled" }

// checkKeyRotation reports every key of the logging layer in use without
// automatic rotation.
func checkKeyRotation(e *estate.Estate) []audit.Finding {
	if e.Logging == nil {
		return nil
	}
	var out []audit.Finding
	for _, k := range audit.SortedValues(e.Logging.Keys) {
		if k.Rotation || !keyInUse(k) || audit.Leaving(e, k.Where) {
			continue
		}
		out = append(out, audit.Finding{
			Resource: audit.PlacedResource(e, "key", cmp.Or(k.Alias, k.ID), k.Where),
			Account:  audit.WhereID(e, k.Account),
			Region:   k.Region,
			Message:  "automatic key rotation is off: the key material in use never changes",
		})
	}
	return out
}

// checkTrailBucketAccessLogs reports each bucket a trail delivers to whose
// S3 server access logging is off, where it was read.
func checkTrailBucketAccessLogs(e *estate.Estate) []audit.Finding {
	if e.Logging == nil {
		return nil
	}
	trailBuckets := map[string]bool{}
	for _, t := range e.Logging.Trails {
		trailBuckets[t.Bucket] = true
	}
	var out []audit.Finding
	for _, b := range logBuckets(e) {
		if !trailBuckets[b.Name] || !b.AccessLogsRead || b.AccessLogsTo != "" {
			continue
		}
		out = append(out, audit.Finding{Resource: bucketResource(b), Account: audit.WhereID(e, b.Account), Region: b.Region,
			Message: "server access logging is off on the bucket a trail delivers to: requests to read or delete the logs go unrecorded"})
	}
	return out
}
