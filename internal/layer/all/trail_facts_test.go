package all_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// orgTrailRes is the organization trail as findings name it.
const (
	orgTrailRes = "trail/groundwork-org-trail (management eu-west-1)"
	orgTrailARN = "arn:aws:cloudtrail:eu-west-1:000000000000:trail/groundwork-org-trail"
)

// oneModel is the recommended foundation with its organization trail as
// the audit's survey reads it: once, in e.Logging, seen from every
// account and Region, its status and selectors read where it is homed.
func oneModel() *estate.Estate {
	e := audittest.Foundation()
	e.HomeRegion, e.Regions = audittest.Home, []string{audittest.Home, audittest.Other}
	mgmt := estate.Where{Account: audittest.MgmtKey, Region: audittest.Home}
	l := estate.NewLogging()
	t := &estate.Trail{Where: mgmt, Name: "groundwork-org-trail",
		ARN: orgTrailARN, Organization: true, MultiRegion: true, GlobalServiceEvents: true, LogFileValidation: true,
		KMSKey: "arn:aws:kms:eu-west-1:222222222222:key/k1", Bucket: "aws-logs-cloudtrail-111111111111-eu-west-1",
		LogGroupARN: "arn:aws:logs:eu-west-1:000000000000:log-group:/groundwork/cloudtrail:*", Logging: true,
		HomeRegion: audittest.Home, ManagementEventsLogged: true, StatusRead: true, SelectorsRead: true, S3Writes: true, S3Reads: true}
	for _, key := range slices.Sorted(slices.Values(audittest.AccountKeys())) {
		for _, region := range e.Regions {
			w := estate.Where{Account: estate.AccountKey(key), Region: region}
			l.TrailsRead = append(l.TrailsRead, w)
			t.SeenIn = append(t.SeenIn, w)
		}
	}
	l.Trails[mgmt.Key(t.Name)] = t
	e.Logging = l
	return e
}

// orgTrail edits the organization trail.
func orgTrail(edit func(l *estate.Trail)) func(*estate.Estate) {
	return func(e *estate.Estate) {
		edit(e.Logging.Trails[estate.Where{Account: audittest.MgmtKey, Region: audittest.Home}.Key("groundwork-org-trail")])
	}
}

// trailFindings are the findings of the checks that judge a trail's
// properties or the accounts' coverage by trails, as "ID resource".
func trailFindings(e *estate.Estate) []string {
	var out []string
	for _, f := range audit.Run(e).Findings {
		// The S3 data event checks (GW-LOG-008, 009) judge a fact of their
		// own, which a trail that is stopped or single-Region lacks too.
		if strings.HasPrefix(f.CheckID, "GW-TRL-") || strings.HasPrefix(f.CheckID, "GW-LOG-00") &&
			f.CheckID != "GW-LOG-008" && f.CheckID != "GW-LOG-009" {
			out = append(out, f.CheckID+" "+f.Resource)
		}
	}
	slices.Sort(out)
	return out
}

// everyAccount is one GW-TRL-001 finding per account of the foundation.
func everyAccount() []string {
	var out []string
	for _, a := range audittest.Foundation().SortedAccounts() {
		out = append(out, fmt.Sprintf("GW-TRL-001 account/%s (%s)", a.ID, a.Name))
	}
	slices.Sort(out)
	return out
}

// TestOneFindingPerTrailFact: an organization trail, read once into the
// one trail model, misconfigured in one way, fails one check once per
// fact: the logging layer's older organization trail checks of the facts
// every trail shares were retired in favour of GW-TRL-001 to 003.
func TestOneFindingPerTrailFact(t *testing.T) {
	if got := trailFindings(oneModel()); len(got) != 0 {
		t.Fatalf("the clean estate has trail findings: %q", got)
	}
	tests := map[string]struct {
		edit func(l *estate.Trail)
		want []string
	}{
		// Was GW-LOG-004 and GW-TRL-002.
		"no log file validation": {
			edit: func(l *estate.Trail) { l.LogFileValidation = false },
			want: []string{"GW-TRL-002 " + orgTrailRes},
		},
		// Was GW-LOG-005 and GW-TRL-003.
		"no KMS key": {
			edit: func(l *estate.Trail) { l.KMSKey = "" },
			want: []string{"GW-TRL-003 " + orgTrailRes},
		},
		// Was GW-LOG-002 on the trail and GW-TRL-001 on every account.
		"single-Region": {
			edit: func(l *estate.Trail) { l.MultiRegion = false },
			want: everyAccount(),
		},
		// Was GW-LOG-006 on the trail and GW-TRL-001 on every account.
		"stopped": {
			edit: func(l *estate.Trail) { l.Logging = false },
			want: everyAccount(),
		},
		// Facts only the logging layer reads, judged once as before.
		"no global service events": {
			edit: func(l *estate.Trail) { l.GlobalServiceEvents = false },
			want: []string{"GW-LOG-003 " + orgTrailRes},
		},
		"no CloudWatch Logs": {
			edit: func(l *estate.Trail) { l.LogGroupARN = "" },
			want: []string{"GW-LOG-007 " + orgTrailRes},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := oneModel()
			orgTrail(tt.edit)(e)
			if got := trailFindings(e); !slices.Equal(got, tt.want) {
				t.Errorf("trail findings = %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestRetiredTrailCheckIDs: each retired ID names a check that is
// registered, is not a check itself, and still mutes, through a
// suppression file, what the check that replaced it finds, with a notice
// to rename it.
func TestRetiredTrailCheckIDs(t *testing.T) {
	want := map[string]string{"GW-LOG-002": "GW-TRL-001", "GW-LOG-004": "GW-TRL-002", "GW-LOG-005": "GW-TRL-003", "GW-LOG-006": "GW-TRL-001"}
	checks := map[string]bool{}
	for _, c := range audit.Checks() {
		checks[c.ID] = true
	}
	for old, now := range want {
		if a, ok := audit.Alias(old); !ok || a.Now != now {
			t.Errorf("Alias(%s) = %+v, %v; want it to be %s", old, a, ok, now)
		}
	}
	for _, a := range audit.Aliases() {
		if checks[a.ID] || !checks[a.Now] {
			t.Errorf("alias %s -> %s: the old ID must be no check, the new one a registered check", a.ID, a.Now)
		}
	}

	src := "version: 1\nsuppressions:\n  - check: GW-LOG-004\n    resource: \"trail/groundwork-org-trail *\"\n" +
		"    reason: the trail is replaced next quarter\n    expires: 2099-12-31\n"
	sups, err := audit.ParseSuppressions("groundwork-suppressions.yaml", []byte(src), func(id string) bool { return checks[id] })
	if err != nil {
		t.Fatalf("a suppression of a retired ID is refused: %v", err)
	}
	e := oneModel()
	orgTrail(func(l *estate.Trail) { l.LogFileValidation = false })(e)
	r := audit.Run(e)
	r.Suppress(sups, time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC))
	if len(r.Suppressed) != 1 || r.Suppressed[0].CheckID != "GW-TRL-002" || r.Suppressed[0].Resource != orgTrailRes {
		t.Errorf("suppressed = %+v, want the GW-TRL-002 finding on the organization trail", r.Suppressed)
	}
	for _, f := range r.Findings {
		if f.CheckID == "GW-TRL-002" {
			t.Errorf("GW-TRL-002 still reported: %+v", f)
		}
	}
	const notice = "GW-LOG-004 is now GW-TRL-002: log file validation is judged on every trail of every account, " +
		"the organization trail included; rename it in groundwork-suppressions.yaml:3"
	if len(r.Notices) != 1 || r.Notices[0].Kind != audit.NoticeRenamed || r.Notices[0].Message != notice {
		t.Errorf("notices = %+v\nwant one %q", r.Notices, notice)
	}
}
