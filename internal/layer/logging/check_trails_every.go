package logging

import (
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The checks every trail of every account shares, on the one trail model
// (e.Logging.Trails, which the audit's survey fills with every trail each
// account and Region sees): every account is covered by a multi-Region
// trail that is logging, and every trail, whoever made it, validates and
// encrypts its log files (CIS AWS Foundations v3.0.0 3.1, 3.2 and 3.5).
// The organization trail is judged here like any other, so one trail
// fails once per fact: the logging layer's older organization trail checks
// of the same facts were retired in their favour (the aliases below).

// trailGuidance is where the guidance asks for the organization trail.
const trailGuidance = "000 Create Management event CloudTrail in management account; 001 CloudTrail; " +
	"004 Enable Organization-wide CloudTrail"

func init() {
	audit.Register(audit.Check{
		ID:       "GW-TRL-001",
		Title:    "Every account covered by a multi-Region trail that is logging",
		Severity: audit.High,
		Guidance: trailGuidance + "; 002 AWS environment audit; 003 Logging and Auditing",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.1", "NIST CSF PR.PT-1", "NIST CSF DE.AE-3", "NIST CSF DE.CM-7",
			"Conformity IAM-030"},
		Rationale: "an account no logging multi-Region trail reaches keeps no record of its API calls in some or all " +
			"Regions, so an intrusion there leaves nothing to investigate",
		Remediation: "write a logging section in foundation.yaml (`logging: {}` takes the recommended multi-Region " +
			"organization trail) and run groundwork apply; start logging on a trail that was stopped",
		Reads: []string{readTrails},
		Run:   checkTrailCoverage,
	})
	audit.Register(audit.Check{
		ID:       "GW-TRL-002",
		Title:    "Every trail validates its log files",
		Severity: audit.Medium,
		Guidance: "002 AWS environment audit; 003 Logging and Auditing",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.2", "NIST CSF PR.DS-6", "Conformity IAM-030"},
		Rationale: "without digest files nobody can show that a trail's log files were not edited or deleted after " +
			"delivery, which is what an intruder covering tracks would do",
		Remediation: "run aws cloudtrail update-trail --name TRAIL --enable-log-file-validation in the trail's home " +
			"Region; for the organization trail groundwork manages, run groundwork apply",
		Reads: []string{readTrails},
		Run: checkEveryTrail(func(t *estate.Trail) string {
			if t.LogFileValidation {
				return ""
			}
			return "does not validate its log files: changes to delivered logs go unnoticed"
		}),
	})
	audit.Register(audit.Check{
		ID:       "GW-TRL-003",
		Title:    "Every trail encrypts its log files with KMS",
		Severity: audit.Medium,
		Guidance: "000 Create AWS KMS encryption key for CloudTrail in Security-Tooling-prod account",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.5", "NIST CSF PR.DS-1"},
		Rationale: "with S3-managed encryption anyone allowed to read the bucket reads the logs; a KMS key adds a second " +
			"permission, kept apart from the bucket's, and records every decryption",
		Remediation: "run aws cloudtrail update-trail --name TRAIL --kms-key-id KEY in the trail's home Region, with a " +
			"key whose policy lets CloudTrail encrypt; for the organization trail groundwork manages, run groundwork apply",
		Reads: []string{readTrails},
		Run: checkEveryTrail(func(t *estate.Trail) string {
			if t.KMSKey != "" {
				return ""
			}
			return "encrypts its log files only with S3-managed keys, not a KMS key"
		}),
	})

	// The logging layer's organization trail checks of the same facts,
	// retired: suppression files naming them mute these checks' findings.
	const everyTrail = " is judged on every trail of every account, the organization trail included"
	audit.RegisterAlias("GW-LOG-002", "GW-TRL-001",
		"a single-Region organization trail shows as the accounts it leaves without a multi-Region trail that is logging")
	audit.RegisterAlias("GW-LOG-006", "GW-TRL-001",
		"a stopped organization trail shows as the accounts it leaves without a multi-Region trail that is logging")
	audit.RegisterAlias("GW-LOG-004", "GW-TRL-002", "log file validation"+everyTrail)
	audit.RegisterAlias("GW-LOG-005", "GW-TRL-003", "KMS encryption of log files"+everyTrail)
}

// checkTrailCoverage reports each account whose trails were read that no
// multi-Region trail that is logging covers. An organization trail that
// logs every Region covers every member account wherever it was read:
// members see it as a shadow trail, and it records their calls even where
// a member's own read failed. An account one of whose multi-Region
// trails has an unknown status is not judged.
func checkTrailCoverage(e *estate.Estate) []audit.Finding {
	if e.Logging == nil {
		return nil
	}
	for _, t := range e.Logging.Trails {
		if t.Organization && t.MultiRegion && t.StatusRead && t.Logging && !audit.Leaving(e, t.Where) {
			return nil
		}
	}
	accounts, seen := trailsReadByAccount(e)
	var out []audit.Finding
	for _, key := range accounts {
		covered, unknown := false, false
		var short []string
		for _, t := range seen[key] {
			switch {
			case t.MultiRegion && t.StatusRead && t.Logging:
				covered = true
			case t.MultiRegion && !t.StatusRead:
				unknown = true
			case t.MultiRegion:
				short = append(short, t.Name+" is not logging")
			case t.StatusRead && t.Logging:
				short = append(short, t.Name+" logs only "+t.HomeRegion)
			}
		}
		if covered || unknown {
			continue
		}
		msg := "no multi-Region trail that is logging covers the account: its API calls go unrecorded"
		if short = slices.Compact(slices.Sorted(slices.Values(short))); len(short) > 0 {
			msg += " (" + strings.Join(short, "; ") + ")"
		}
		out = append(out, audit.Finding{Resource: audit.WhereAccountResource(e, key), Message: msg, Account: audit.AccountID(e, key)})
	}
	return out
}

// checkEveryTrail reports each trail, once, for which fault says
// something; trails of closing accounts are left out.
func checkEveryTrail(fault func(*estate.Trail) string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		if e.Logging == nil {
			return nil
		}
		var out []audit.Finding
		for _, t := range audit.SortedValues(e.Logging.Trails) {
			msg := fault(t)
			if msg == "" || audit.Leaving(e, t.Where) {
				continue
			}
			out = append(out, audit.Finding{Resource: trailResource(e, t), Message: "trail " + t.Name + " " + msg,
				Account: audit.AccountID(e, t.Account), Region: t.HomeRegion})
		}
		return out
	}
}
