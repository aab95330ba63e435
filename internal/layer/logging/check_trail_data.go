package logging

import (
	"slices"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The data event checks: S3 object-level write and read events are
// recorded for every account by a multi-Region trail that is logging (CIS
// AWS Foundations v3.0.0 3.8 and 3.9). Management events say who changed a
// bucket; only data events say who read, wrote or deleted the objects in
// it.

// dataEventRemedy is how to record S3 object-level events of kind
// ("WriteOnly", "ReadOnly") on every bucket.
func dataEventRemedy(kind string) string {
	return "add an event selector recording S3 object-level events to a multi-Region trail that covers the account (the " +
		"organization trail covers them all): aws cloudtrail put-event-selectors --trail-name TRAIL --event-selectors " +
		`'[{"ReadWriteType":"` + kind + `","IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]'` +
		" in the trail's home Region (All records reads and writes; data events are billed per event)"
}

func init() {
	audit.Register(audit.Check{
		ID:       "GW-LOG-008",
		Title:    "S3 object-level write events recorded in every account",
		Severity: audit.Medium,
		Guidance: "001 CloudTrail; 003 Logging and Auditing",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.8", "NIST CSF DE.CM-3", "NIST CSF DE.AE-3"},
		Rationale: "Management events do not record who put, overwrote or deleted an object; without S3 write data " +
			"events, data planted in or destroyed from a bucket leaves no trace of who did it.",
		Remediation: dataEventRemedy("WriteOnly"),
		Reads:       []string{readTrails},
		Run: checkDataEvents(func(t *estate.Trail) bool { return t.S3Writes },
			"no multi-Region trail that is logging records S3 object-level write events (data events) for every bucket: "+
				"who puts or deletes objects goes unrecorded"),
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-009",
		Title:    "S3 object-level read events recorded in every account",
		Severity: audit.Medium,
		Guidance: "001 CloudTrail; 003 Logging and Auditing",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.9", "NIST CSF DE.CM-3", "NIST CSF DE.AE-3"},
		Rationale: "Management events do not record who read an object; without S3 read data events, data taken " +
			"out of a bucket leaves no trace of who took it or when.",
		Remediation: dataEventRemedy("ReadOnly"),
		Reads:       []string{readTrails},
		Run: checkDataEvents(func(t *estate.Trail) bool { return t.S3Reads },
			"no multi-Region trail that is logging records S3 object-level read events (data events) for every bucket: "+
				"who reads objects goes unrecorded"),
	})
}

// trailsReadByAccount returns the accounts whose trails were read
// somewhere, in order, with the trails each sees: those in its sight
// (Trail.SeenIn), and every organization trail, which records every
// member account's calls wherever a member's own read shows it or not.
func trailsReadByAccount(e *estate.Estate) (accounts []estate.AccountKey, seen map[estate.AccountKey][]*estate.Trail) {
	accounts, _ = audit.RegionsByAccount(e, e.Logging.TrailsRead)
	seen = map[estate.AccountKey][]*estate.Trail{}
	for _, t := range audit.SortedValues(e.Logging.Trails) {
		if audit.Leaving(e, t.Where) {
			continue
		}
		for _, key := range accounts {
			if t.Organization || slices.ContainsFunc(t.SeenIn, func(w estate.Where) bool { return w.Account == key }) {
				seen[key] = append(seen[key], t)
			}
		}
	}
	return accounts, seen
}

// checkDataEvents reports each account no multi-Region trail that is
// logging records the events of records for; msg says what goes
// unrecorded. An account one of whose multi-Region trails has an unknown
// status or unknown selectors is not judged.
func checkDataEvents(records func(*estate.Trail) bool, msg string) func(*estate.Estate) []audit.Finding {
	return func(e *estate.Estate) []audit.Finding {
		if e.Logging == nil {
			return nil
		}
		accounts, seen := trailsReadByAccount(e)
		var out []audit.Finding
		for _, key := range accounts {
			covered, unknown := false, false
			for _, t := range seen[key] {
				switch {
				case !t.MultiRegion:
				case !t.StatusRead || !t.SelectorsRead:
					unknown = true
				case t.Logging && records(t):
					covered = true
				}
			}
			if covered || unknown {
				continue
			}
			out = append(out, audit.Finding{Resource: audit.WhereAccountResource(e, key), Account: audit.AccountID(e, key), Message: msg})
		}
		return out
	}
}
