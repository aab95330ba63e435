package logging

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// ownTrail gives acct a multi-Region trail of its own, logging and
// recording S3 writes and reads, seen in both Regions; the organization
// trail stops being one, so acct rests on its own trail alone.
func ownTrail(e *estate.Estate, acct string) *estate.Trail {
	org := loggedTrail(e)
	org.Organization = false
	org.SeenIn = []estate.Where{{Account: audittest.MgmtKey, Region: audittest.Home}, {Account: audittest.MgmtKey, Region: audittest.Other}}
	t := addTrail(e, acct, "own")
	t.ARN = "arn:aws:cloudtrail:eu-west-1:444444444444:trail/own"
	t.SeenIn = []estate.Where{{Account: estate.AccountKey(acct), Region: audittest.Home}, {Account: estate.AccountKey(acct), Region: audittest.Other}}
	return t
}

func TestDataEventChecks(t *testing.T) {
	audittest.RunCases(t, logged, map[string]audittest.Case{
		"008 passes":      {Check: "GW-LOG-008"},
		"009 passes":      {Check: "GW-LOG-009"},
		"008 writes only": {Check: "GW-LOG-008", Edit: func(e *estate.Estate) { loggedTrail(e).S3Reads = false }},
		"008 the organization trail records no writes": {
			Check: "GW-LOG-008",
			Edit:  func(e *estate.Estate) { loggedTrail(e).S3Writes = false },
			Want:  allAccounts, Msg: "no multi-Region trail that is logging records S3 object-level write events",
		},
		"009 the organization trail records no reads": {
			Check: "GW-LOG-009",
			Edit:  func(e *estate.Estate) { loggedTrail(e).S3Reads = false },
			Want:  allAccounts, Msg: "records S3 object-level read events",
		},
		"008 a stopped trail records nothing": {
			Check: "GW-LOG-008",
			Edit:  func(e *estate.Estate) { loggedTrail(e).Logging = false },
			Want:  allAccounts,
		},
		"008 a single-Region trail does not cover": {
			Check: "GW-LOG-008",
			Edit: func(e *estate.Estate) {
				ownTrail(e, audittest.ProdKey).MultiRegion = false
			},
			// Without an organization trail, the trail seen everywhere is
			// the management account's own.
			Want: []string{"account/111111111111 (log-archive)", "account/222222222222 (security-tooling)",
				"account/333333333333 (identity-center)", prodResource, devResource, "account/666666666666 (sandbox-ana)"},
		},
		"008 an account's own trail covers it": {
			Check: "GW-LOG-008",
			Edit: func(e *estate.Estate) {
				ownTrail(e, audittest.ProdKey)
				loggedTrail(e).S3Writes = false
			},
			Want: []string{mgmtResource, "account/111111111111 (log-archive)", "account/222222222222 (security-tooling)",
				"account/333333333333 (identity-center)", devResource, "account/666666666666 (sandbox-ana)"},
		},
		"008 unknown selectors are no judgement": {
			Check: "GW-LOG-008",
			Edit: func(e *estate.Estate) {
				t := loggedTrail(e)
				t.S3Writes, t.SelectorsRead = false, false
			},
		},
		"008 an account whose trails were not read is not judged": {
			Check: "GW-LOG-008",
			Edit: func(e *estate.Estate) {
				loggedTrail(e).S3Writes = false
				e.Logging.TrailsRead = []estate.Where{{Account: audittest.ProdKey, Region: audittest.Home}}
			},
			Want: []string{prodResource},
		},
	}, audittest.NamesAccount)
}

func TestAccessLogCheck(t *testing.T) {
	audittest.RunCases(t, logged, map[string]audittest.Case{
		"016 passes": {Check: "GW-LOG-016"},
		"016 the trail's bucket logs no access": {
			Check: "GW-LOG-016",
			Edit:  func(e *estate.Estate) { logBucket(e, ctBucket).AccessLogsTo = "" },
			Want:  []string{"bucket/" + ctBucket}, Msg: "server access logging is off",
		},
		"016 a bucket no trail delivers to is not judged": {
			Check: "GW-LOG-016",
			Edit: func(e *estate.Estate) {
				logBucket(e, ctBucket).AccessLogsTo = ""
				loggedTrail(e).Bucket = cfgBucket
			},
		},
		"016 access logging not read is no judgement": {
			Check: "GW-LOG-016",
			Edit: func(e *estate.Estate) {
				b := logBucket(e, ctBucket)
				b.AccessLogsTo, b.AccessLogsRead = "", false
			},
		},
	}, audittest.NamesAccount)
}

// TestChecksNeedingAnAccount: the checks whose yardstick is the Log
// Archive or Security Tooling account are reported not evaluated, with
// the reason, when no account is known as one; never passed.
func TestChecksNeedingAnAccount(t *testing.T) {
	e := logged()
	for _, name := range []string{"log-archive", "security-tooling"} {
		a := audittest.Account(e, name)
		a.Role, a.Name = estate.RoleNone, "account-"+a.ID
	}
	r := audit.Run(e)
	for id, label := range map[string]string{"GW-LOG-014": "Log Archive", "GW-LOG-031": "Security Tooling"} {
		if why := r.Unjudged[id]; why == "" || r.Status(id) != audit.StatusNotEvaluated {
			t.Errorf("%s: status %s, reason %q; want not evaluated for want of a %s account", id, r.Status(id), why, label)
		}
	}
	if !r.Complete() {
		t.Errorf("audit incomplete: %v", r.Unread)
	}
	if r := audit.Run(logged()); r.Unjudged["GW-LOG-014"] != "" || r.Unjudged["GW-LOG-031"] != "" {
		t.Errorf("judged nothing with the spec's roles: %v", r.Unjudged)
	}
}
