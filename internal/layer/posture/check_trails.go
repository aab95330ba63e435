package posture

import (
	"cmp"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The trail checks of the posture layer: every account is covered by a
// multi-Region trail that is logging, and every trail, whoever made it,
// validates and encrypts its log files (CIS AWS Foundations v3.0.0 3.1,
// 3.2 and 3.5). The posture layer is read in every audit and sees every
// trail of every account, the organization trail the logging layer
// manages included, so these are the one judgement of each of those facts:
// the logging layer's checks of the same facts on the organization trail
// were retired in their favour (the aliases below), so that one trail
// fails once per fact.

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
		Run: checkEveryTrail(func(t *estate.PostureTrail) string {
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
		Run: checkEveryTrail(func(t *estate.PostureTrail) string {
			if t.KMSKeyID != "" {
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

// trailLogging is what the layer knows of each trail's logging, by ARN:
// read once, where the trail is homed.
func trailLogging(p *estate.Posture) map[string]bool {
	out := map[string]bool{}
	for _, t := range p.SortedTrails() {
		if t.Logging != nil {
			out[t.ARN] = *t.Logging
		}
	}
	return out
}

func checkTrailCoverage(e *estate.Estate) []audit.Finding {
	if e.Posture == nil {
		return nil
	}
	logging := trailLogging(e.Posture)
	seen := map[string][]*estate.PostureTrail{}
	read := map[string]bool{}
	for _, region := range e.Posture.Regions {
		for _, key := range postureAccounts(e) {
			ts, ok := e.Posture.Trails[estate.PlaceKey(estate.AccountKey(key), region)]
			read[key] = read[key] || ok
			seen[key] = append(seen[key], ts...)
		}
	}
	// An organization trail that logs every Region covers every member
	// account wherever it was read: members see it as a shadow trail,
	// and it records their calls even where a member's own read failed.
	if orgTrailLogging(e.Posture, logging) {
		return nil
	}
	var out []audit.Finding
	for _, key := range postureAccounts(e) {
		if !read[key] {
			continue // no Region read: no judgement
		}
		covered, unknown := false, false
		var short []string
		for _, t := range seen[key] {
			on, known := logging[t.ARN]
			switch {
			case t.MultiRegion && on:
				covered = true
			case t.MultiRegion && !known:
				unknown = true
			case t.MultiRegion:
				short = append(short, t.Name+" is not logging")
			case known && on:
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
		out = append(out, audit.Finding{Resource: audit.WhereAccountResource(e, estate.AccountKey(key)), Message: msg, Account: audit.AccountID(e, estate.AccountKey(key))})
	}
	return out
}

// homeTrails returns each trail once, as seen where it is homed and
// owned, or where it was first seen when the layer did not read its home;
// closing accounts' trails are left out.
func homeTrails(e *estate.Estate) []*estate.PostureTrail {
	byARN := map[string]*estate.PostureTrail{}
	var arns []string
	atHome := func(t *estate.PostureTrail) bool {
		return t.Region == t.HomeRegion && audit.AccountID(e, t.Account) == t.Owner()
	}
	for _, t := range e.Posture.SortedTrails() {
		if audit.Leaving(e, t.Where) {
			continue
		}
		id := cmp.Or(t.ARN, t.Where.Key(t.Name))
		prev, dup := byARN[id]
		if !dup {
			arns = append(arns, id)
		}
		if !dup || (atHome(t) && !atHome(prev)) {
			byARN[id] = t
		}
	}
	out := make([]*estate.PostureTrail, len(arns))
	for i, id := range arns {
		out[i] = byARN[id]
	}
	return out
}

// checkEveryTrail reports each trail for which fault says something.
func checkEveryTrail(fault func(*estate.PostureTrail) string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		if e.Posture == nil {
			return nil
		}
		var out []audit.Finding
		for _, t := range homeTrails(e) {
			msg := fault(t)
			if msg == "" {
				continue
			}
			w := estate.Where{Account: t.Account, Region: t.HomeRegion}
			if owner := t.Owner(); owner != "" && owner != audit.AccountID(e, t.Account) {
				w.Account = ownerKey(e, owner) // a shadow of a trail whose home was not read
			}
			out = append(out, audit.Finding{
				Resource: audit.PlacedResource(e, "trail", t.Name, w),
				Message:  "trail " + t.Name + " " + msg, Account: audit.AccountID(e, w.Account), Region: t.HomeRegion,
			})
		}
		return out
	}
}

// ownerKey finds the estate key of the account with an AWS ID; the ID
// itself when the estate does not know it.
func ownerKey(e *estate.Estate, id string) estate.AccountKey {
	for _, a := range e.SortedAccounts() {
		if a.ID == id {
			return estate.AccountKey(estate.EmailKey(a.Email))
		}
	}
	return estate.AccountKey(id) // an account outside the estate: its ID stands in for a key
}

// orgTrailLogging reports whether an organization trail that logs every
// Region is logging.
func orgTrailLogging(p *estate.Posture, logging map[string]bool) bool {
	for _, ts := range p.Trails {
		for _, t := range ts {
			if t.Organization && t.MultiRegion && logging[t.ARN] {
				return true
			}
		}
	}
	return false
}
