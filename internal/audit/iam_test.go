package audit

import (
	"slices"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// asOf is when the postured foundation's posture layer was read.
var asOf = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func daysBefore(n int) time.Time { return asOf.Add(-time.Duration(n) * day) }

const (
	orgTrailARN = "arn:aws:cloudtrail:eu-west-1:000000000000:trail/groundwork-org-trail"
	deployRes   = "iam-user/deploy (payments-prod)"
)

// postured is the hardened foundation with its posture layer read in
// every account and Region: one IAM user in payments-prod with MFA, one
// fresh key and no policies of its own; nothing running in the
// management account; a private bucket; a rotating key; and the
// organization trail, multi-Region, logging, validated and encrypted,
// seen in every account. Every check passes on it.
func postured() *estate.Estate {
	e := hardened()
	p := estate.NewPosture(asOf)
	p.Accounts, p.Regions, p.HomeRegion = slices.Sorted(slices.Values(layerAccounts)), []string{home, other}, home
	for _, key := range p.Accounts {
		p.Users[key] = nil
		p.Buckets[key] = nil
		for _, region := range p.Regions {
			at := estate.Where{Account: key, Region: region}
			p.Keys[at.String()] = nil
			org := &estate.PostureTrail{Where: at, Name: "groundwork-org-trail", ARN: orgTrailARN, HomeRegion: home,
				MultiRegion: true, Organization: true, LogFileValidation: true, KMSKeyID: "arn:aws:kms:eu-west-1:222222222222:key/k1"}
			if key == mgmtKey && region == home {
				org.Logging = ptr(true)
			}
			p.Trails[at.String()] = []*estate.PostureTrail{org}
			if key == mgmtKey {
				p.Workloads[at.String()] = nil
			}
		}
	}
	p.Users[prodKey] = []*estate.PostureUser{{
		Name: "deploy", ARN: "arn:aws:iam::444444444444:user/deploy", Created: daysBefore(400),
		Password: true, PasswordLastUsed: daysBefore(2), MFA: true,
		AccessKeys: [2]estate.AccessKey{{Active: true, LastRotated: daysBefore(30), LastUsed: daysBefore(1)}},
		Policies:   &estate.UserPolicies{},
	}}
	p.Buckets[prodKey] = []*estate.PostureBucket{{Where: estate.Where{Account: prodKey, Region: home}, Name: "payments-data",
		Block: estate.BlockAll(), PolicyPublic: ptr(false), ACLRead: true}}
	p.Keys[estate.PlaceKey(prodKey, home)] = []*estate.PostureKey{{Where: estate.Where{Account: prodKey, Region: home},
		ID: "k-prod", ARN: "arn:aws:kms:eu-west-1:444444444444:key/k-prod", Rotation: ptr(true)}}
	e.Posture = p
	return e
}

func ptr[T any](v T) *T { return &v }

func deploy(e *estate.Estate) *estate.PostureUser { return e.Posture.Users[prodKey][0] }

// namesAccount holds every posture finding to naming its account.
func namesAccount(t *testing.T, _ checkCase, f Finding) {
	t.Helper()
	if f.Account == "" {
		t.Errorf("finding %+v names no account", f)
	}
}

var postureChecks = []string{"GW-BKT-001", "GW-IAM-001", "GW-IAM-002", "GW-IAM-003", "GW-IAM-004", "GW-IAM-005",
	"GW-KMS-001", "GW-TRL-001", "GW-TRL-002", "GW-TRL-003", "GW-WKL-001"}

// TestPosturedFoundationIsClean runs every check over the postured
// foundation whose trail's log group is watched (watched): without a
// monitoring layer the CIS section 4 checks judge the posture's log groups.
func TestPosturedFoundationIsClean(t *testing.T) {
	if r := Run(watched()); len(r.Findings) != 0 {
		t.Errorf("findings on the postured foundation: %+v", r.Findings)
	}
}

func TestPostureChecksRegistered(t *testing.T) {
	var got []string
	for _, c := range Checks() {
		if slices.Contains(postureChecks, c.ID) {
			got = append(got, c.ID)
		}
	}
	if !slices.Equal(got, postureChecks) {
		t.Errorf("posture checks = %q, want %q", got, postureChecks)
	}
}

// An unread layer says nothing, however bad the estate it stands for
// would be: badPosture fires every check, and with the layer gone none
// fires.
func TestUnreadPostureIsNotAFinding(t *testing.T) {
	e := badPosture()
	for _, id := range postureChecks {
		if fs := runCheck(t, id, e); len(fs) == 0 {
			t.Errorf("%s does not fire on the bad posture", id)
		}
	}
	e.Posture = nil
	for _, id := range postureChecks {
		if fs := runCheck(t, id, e); len(fs) > 0 {
			t.Errorf("%s fires on an unread layer: %+v", id, fs)
		}
	}
}

// badPosture breaks every posture check at once.
func badPosture() *estate.Estate {
	e := postured()
	u := deploy(e)
	u.MFA, u.PasswordLastUsed = false, time.Time{}
	u.AccessKeys[1] = estate.AccessKey{Active: true, LastRotated: daysBefore(200)}
	u.Policies.Inline = []string{"admin"}
	mh := estate.Where{Account: mgmtKey, Region: home}
	e.Posture.Workloads[mh.String()] = []*estate.Workload{{Where: mh, Kind: estate.WorkloadEC2Instance, ID: "i-1"}}
	e.Hardening.PublicAccessBlocks[prodKey] = &estate.PublicAccessBlock{}
	b := e.Posture.Buckets[prodKey][0]
	b.Block, b.PolicyPublic = &estate.PublicAccessBlock{}, ptr(true)
	e.Posture.Keys[estate.PlaceKey(prodKey, home)][0].Rotation = ptr(false)
	for _, ts := range e.Posture.Trails {
		for _, t := range ts {
			t.LogFileValidation, t.KMSKeyID = false, ""
			if t.Logging != nil {
				t.Logging = ptr(false)
			}
		}
	}
	return e
}

func TestIAMChecks(t *testing.T) {
	runCases(t, postured, map[string]checkCase{
		"001 passes with MFA": {check: "GW-IAM-001"},
		"001 console user without MFA": {
			check: "GW-IAM-001",
			edit:  func(e *estate.Estate) { deploy(e).MFA = false },
			want:  []string{deployRes}, msg: "IAM user deploy signs in to the console with a password and no MFA",
		},
		"001 no password, no MFA needed": {
			check: "GW-IAM-001",
			edit:  func(e *estate.Estate) { u := deploy(e); u.MFA, u.Password = false, false },
		},
		"001 closing account ignored": {
			check: "GW-IAM-001",
			edit: func(e *estate.Estate) {
				deploy(e).MFA = false
				acct(e, "payments-prod").Status = "SUSPENDED"
			},
		},
		"001 management account user": {
			check: "GW-IAM-001",
			edit: func(e *estate.Estate) {
				e.Posture.Users[mgmtKey] = []*estate.PostureUser{{Name: "ops", Password: true, Created: daysBefore(10)}}
			},
			want: []string{"iam-user/ops (management)"},
		},
		"002 password unused 45 days": {
			check: "GW-IAM-002",
			edit:  func(e *estate.Estate) { deploy(e).PasswordLastUsed = daysBefore(45) },
			want:  []string{deployRes}, msg: "console password unused for 45 days",
		},
		"002 password used 44 days ago": {
			check: "GW-IAM-002",
			edit:  func(e *estate.Estate) { deploy(e).PasswordLastUsed = daysBefore(44) },
		},
		"002 password never used, old user": {
			check: "GW-IAM-002",
			edit:  func(e *estate.Estate) { deploy(e).PasswordLastUsed = time.Time{} },
			want:  []string{deployRes}, msg: "console password never used in the 400 days since the user was created",
		},
		"002 password never used, new user": {
			check: "GW-IAM-002",
			edit: func(e *estate.Estate) {
				u := deploy(e)
				u.PasswordLastUsed, u.Created, u.AccessKeys[0].LastRotated = time.Time{}, daysBefore(3), daysBefore(3)
			},
		},
		"002 active key unused": {
			check: "GW-IAM-002",
			edit:  func(e *estate.Estate) { deploy(e).AccessKeys[0].LastUsed = daysBefore(100) },
			want:  []string{deployRes}, msg: "access key 1 unused for 100 days",
		},
		"002 inactive key unused is fine": {
			check: "GW-IAM-002",
			edit: func(e *estate.Estate) {
				deploy(e).AccessKeys[1] = estate.AccessKey{LastRotated: daysBefore(300), LastUsed: daysBefore(300)}
			},
		},
		"002 no password, stale password date ignored": {
			check: "GW-IAM-002",
			edit:  func(e *estate.Estate) { u := deploy(e); u.Password, u.PasswordLastUsed = false, daysBefore(300) },
		},
		"002 unknown read time": {
			check: "GW-IAM-002",
			edit:  func(e *estate.Estate) { deploy(e).PasswordLastUsed = time.Time{}; e.Posture.AsOf = time.Time{} },
		},
		"003 key 91 days old": {
			check: "GW-IAM-003",
			edit:  func(e *estate.Estate) { deploy(e).AccessKeys[0].LastRotated = daysBefore(91) },
			want:  []string{deployRes}, msg: "access key 1 is 91 days old",
		},
		"003 key 90 days old": {
			check: "GW-IAM-003",
			edit:  func(e *estate.Estate) { deploy(e).AccessKeys[0].LastRotated = daysBefore(90) },
		},
		"003 inactive old key": {
			check: "GW-IAM-003",
			edit:  func(e *estate.Estate) { deploy(e).AccessKeys[1] = estate.AccessKey{LastRotated: daysBefore(500)} },
		},
		"004 two active keys": {
			check: "GW-IAM-004",
			edit: func(e *estate.Estate) {
				deploy(e).AccessKeys[1] = estate.AccessKey{Active: true, LastRotated: daysBefore(5), LastUsed: daysBefore(1)}
			},
			want: []string{deployRes}, msg: "has 2 active access keys",
		},
		"004 second key inactive": {
			check: "GW-IAM-004",
			edit:  func(e *estate.Estate) { deploy(e).AccessKeys[1] = estate.AccessKey{LastRotated: daysBefore(5)} },
		},
		"005 managed policy": {
			check: "GW-IAM-005",
			edit: func(e *estate.Estate) {
				deploy(e).Policies.Managed = []string{"arn:aws:iam::aws:policy/AdministratorAccess"}
			},
			want: []string{deployRes}, msg: "managed policy arn:aws:iam::aws:policy/AdministratorAccess",
		},
		"005 inline policy": {
			check: "GW-IAM-005",
			edit:  func(e *estate.Estate) { deploy(e).Policies.Inline = []string{"deploy-s3"} },
			want:  []string{deployRes}, msg: "inline policy deploy-s3",
		},
		"005 policies not read": {
			check: "GW-IAM-005",
			edit:  func(e *estate.Estate) { deploy(e).Policies = nil },
		},
	}, namesAccount)
}
