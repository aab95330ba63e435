package logging

import (
	"fmt"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The trail checks: there is an organization trail, and every multi-Region
// trail, whoever made it, includes global service events and delivers to
// CloudWatch Logs (guidance 000, 001, 002, 003 and 004). They judge the
// trails the audit's survey found in every account and Region, with or
// without a spec. Coverage, log file validation and KMS encryption are
// GW-TRL-001 to 003 (check_trails_every.go).

// trailRemedy is the remediation of a setting groundwork keeps on the
// trail the spec names, and the manual step for any other trail.
func trailRemedy(what, manual string) string {
	return "for the organization trail groundwork manages (logging.trail in foundation.yaml), run groundwork apply, which " +
		what + "; for any other trail, " + manual + " in the trail's home Region"
}

func init() {
	audit.Register(audit.Check{
		ID:       "GW-LOG-001",
		Title:    "Organization trail logs every account",
		Severity: audit.High,
		Guidance: "000 Create Management event CloudTrail in management account; 001 CloudTrail; 004 Enable " +
			"Organization-wide CloudTrail; 002 AWS environment audit; 003 Logging and Auditing",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.1", "NIST CSF PR.PT-1", "NIST CSF DE.AE-3", "Conformity IAM-030"},
		Rationale: "Without an organization trail, API activity in accounts without a trail of their own goes " +
			"unrecorded, and a trail that lives inside an account can be stopped by that account's " +
			"administrators.",
		Remediation: "write a logging section in foundation.yaml (`logging: {}` takes the recommended organization trail; " +
			"logging.trail.name and logging.trail.account name it and the account it lives in) and run groundwork apply",
		Reads: []string{readTrails},
		Run:   checkOrganizationTrail,
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-003",
		Title:    "Multi-Region trails include global service events",
		Severity: audit.Medium,
		Guidance: "001 CloudTrail; 003 Logging and Auditing",
		Controls: []string{"NIST CSF PR.PT-1"},
		Rationale: "IAM, STS and the other global services carry the changes that matter most, who may do what and who " +
			"assumed which role; a trail without global service events misses all of them.",
		Remediation: trailRemedy("turns on global service events",
			"run aws cloudtrail update-trail --name TRAIL --include-global-service-events"),
		Reads: []string{readTrails},
		Run: checkTrails(func(t *estate.Trail) bool { return t.GlobalServiceEvents }, func(t *estate.Trail) string {
			return "trail " + t.Name + " does not include global service events: calls to IAM, STS and other global services go unrecorded"
		}),
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-007",
		Title:    "Multi-Region trails deliver to CloudWatch Logs",
		Severity: audit.Medium,
		Guidance: "000 Configure management account alerting; 001 CloudTrail; 003 Logging and Auditing",
		Controls: []string{"NIST CSF DE.AE-3", "NIST CSF DE.CM-3"},
		Rationale: "Events that reach only S3 are read after the fact; the metric filters and alarms of the monitoring " +
			"checks need the trail in CloudWatch Logs to warn while something is happening.",
		Remediation: trailRemedy("delivers to logging.trail.log_group (leave logging.trail.cloudwatch_logs at its default, true)",
			"run aws cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn ARN --cloud-watch-logs-role-arn ROLE"),
		Reads: []string{readTrails},
		Run: checkTrails(func(t *estate.Trail) bool { return t.LogGroupARN != "" }, func(t *estate.Trail) string {
			return "trail " + t.Name + " does not deliver to CloudWatch Logs: no metric filter or alarm can watch its events"
		}),
	})
}

// organizationTrails returns the trails with organization scope, by key,
// leaving out those in closing accounts.
func organizationTrails(e *estate.Estate) []*estate.Trail {
	var out []*estate.Trail
	for _, t := range audit.SortedValues(e.Logging.Trails) {
		if t.Organization && !audit.Leaving(e, t.Where) {
			out = append(out, t)
		}
	}
	return out
}

// multiRegionTrails returns the trails that log every Region (an
// organization trail that does not is one too: it is meant to), by key,
// leaving out those in closing accounts: the trails an account's record
// rests on.
func multiRegionTrails(e *estate.Estate) []*estate.Trail {
	var out []*estate.Trail
	for _, t := range audit.SortedValues(e.Logging.Trails) {
		if (t.MultiRegion || t.Organization) && !audit.Leaving(e, t.Where) {
			out = append(out, t)
		}
	}
	return out
}

func trailResource(e *estate.Estate, t *estate.Trail) string {
	return audit.PlacedResource(e, "trail", t.Name, t.Where)
}

// checkOrganizationTrail reports an organization without an organization
// trail, naming the trails that log a single account.
func checkOrganizationTrail(e *estate.Estate) []audit.Finding {
	if e.Logging == nil || len(organizationTrails(e)) > 0 {
		return nil
	}
	msg := "no organization trail: nothing records API activity in every account of the organization"
	var others []string
	for _, t := range audit.SortedValues(e.Logging.Trails) {
		if !audit.Leaving(e, t.Where) {
			others = append(others, fmt.Sprintf("%s in %s", t.Name, audit.WhereLabel(e, t.Where)))
		}
	}
	if len(others) > 0 {
		msg += fmt.Sprintf(" (single-account trails: %s)", audit.NameList(others))
	}
	return []audit.Finding{{Resource: audit.OrgResource(e), Message: msg}}
}

// checkTrails reports every multi-Region trail that is not ok, with the
// message why. GW-LOG-001 reports an organization without one.
func checkTrails(ok func(*estate.Trail) bool, why func(*estate.Trail) string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		if e.Logging == nil {
			return nil
		}
		var out []audit.Finding
		for _, t := range multiRegionTrails(e) {
			if !ok(t) {
				out = append(out, audit.Finding{Resource: trailResource(e, t), Account: audit.AccountID(e, t.Account), Region: t.Region, Message: why(t)})
			}
		}
		return out
	}
}
