package posture

import (
	"slices"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/posture/posturetest"
)

// daysBefore is n days before the posture layer was read.
func daysBefore(n int) time.Time { return posturetest.AsOf.Add(-time.Duration(n) * day) }

const deployRes = "iam-user/deploy (payments-prod)"

// postured is the foundation (posturetest.Surveyed) with its posture
// layer read in every account and Region: one IAM user in payments-prod
// with MFA, one fresh key and no policies of its own; nothing running in
// the management account; a private bucket; and a rotating key. The
// hardening layer read Block Public Access on in every account, which GW-BKT-001 weighs with each bucket's own. Every
// check passes on it.
func postured() *estate.Estate {
	e := posturetest.Surveyed()
	e.Hardening = estate.NewHardening()
	for _, key := range audittest.AccountKeys() {
		e.Hardening.PublicAccessBlocks[key] = estate.BlockAll()
	}
	p := e.Posture
	for _, key := range p.Accounts {
		p.Users[key] = nil
		p.Buckets[key] = nil
		for _, region := range p.Regions {
			at := estate.Where{Account: estate.AccountKey(key), Region: region}
			p.Keys[at.String()] = nil
			if key == audittest.MgmtKey {
				p.Workloads[at.String()] = nil
			}
		}
	}
	for _, key := range p.Accounts {
		p.Roots[key] = &estate.PostureRoot{ARN: "arn:aws:iam::" + audit.AccountID(e, estate.AccountKey(key)) + ":root",
			PasswordLastUsed: daysBefore(200), MFA: true, VirtualMFA: new("")}
		p.Policies[key] = []*estate.PosturePolicy{{Name: "read-logs", ARN: "arn:aws:iam::" + audit.AccountID(e, estate.AccountKey(key)) + ":policy/read-logs",
			Attachments: 1, Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:Get*","Resource":"*"}]}`}}
		p.PolicyEntities[key] = map[string]*estate.PolicyEntities{
			supportPolicy: {Roles: []string{"incident-support"}}, cloudShellPolicy: {}}
		p.ServerCertificates[key] = []*estate.ServerCertificate{{Name: "www", ARN: "arn:aws:iam::" + audit.AccountID(e, estate.AccountKey(key)) +
			":server-certificate/www", Expiration: posturetest.AsOf.Add(90 * day)}}
	}
	p.Users[audittest.ProdKey] = []*estate.PostureUser{{
		Name: "deploy", ARN: "arn:aws:iam::444444444444:user/deploy", Created: daysBefore(400),
		Password: true, PasswordLastUsed: daysBefore(2), MFA: true,
		AccessKeys: [2]estate.AccessKey{{Active: true, LastRotated: daysBefore(30), LastUsed: daysBefore(1)}},
		Policies:   &estate.UserPolicies{},
	}}
	p.Buckets[audittest.ProdKey] = []*estate.PostureBucket{{Where: estate.Where{Account: audittest.ProdKey, Region: audittest.Home}, Name: "payments-data",
		Block: estate.BlockAll(), PolicyPublic: new(false), ACLRead: true}}
	p.Keys[estate.PlaceKey(audittest.ProdKey, audittest.Home)] = []*estate.PostureKey{{Where: estate.Where{Account: audittest.ProdKey, Region: audittest.Home},
		ID: "k-prod", ARN: "arn:aws:kms:eu-west-1:444444444444:key/k-prod", Rotation: new(true)}}
	return e
}

func deploy(e *estate.Estate) *estate.PostureUser { return e.Posture.Users[audittest.ProdKey][0] }

var postureChecks = []string{"GW-BKT-001", "GW-IAM-001", "GW-IAM-002", "GW-IAM-003", "GW-IAM-004", "GW-IAM-005",
	"GW-IAM-010", "GW-IAM-011", "GW-IAM-012", "GW-IAM-013", "GW-IAM-014", "GW-IAM-015", "GW-IAM-016", "GW-KMS-001", "GW-WKL-001"}

// TestPosturedFoundationIsClean runs the core and posture checks over
// the postured foundation. The CIS section 4 checks, which judge the
// trails' log groups as the monitoring layer's survey reads them, are
// the monitoring layer's to test (its watched foundation).
func TestPosturedFoundationIsClean(t *testing.T) {
	audittest.Clean(t, "postured foundation", postured())
}

func TestPostureChecksRegistered(t *testing.T) {
	var got []string
	for _, c := range audit.Checks() {
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
		if fs := audittest.RunCheck(t, id, e); len(fs) == 0 {
			t.Errorf("%s does not fire on the bad posture", id)
		}
	}
	e.Posture = nil
	for _, id := range postureChecks {
		if fs := audittest.RunCheck(t, id, e); len(fs) > 0 {
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
	root := e.Posture.Roots[audittest.MgmtKey]
	root.PasswordLastUsed, root.VirtualMFA = daysBefore(1), new("arn:aws:iam::000000000000:mfa/root-account-mfa-device")
	e.Posture.Policies[audittest.ProdKey][0].Document = `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	e.Posture.PolicyEntities[audittest.ProdKey][supportPolicy].Roles = nil
	e.Posture.PolicyEntities[audittest.ProdKey][cloudShellPolicy].Users = []string{"deploy"}
	e.Posture.ServerCertificates[audittest.ProdKey][0].Expiration = daysBefore(3)
	mh := estate.Where{Account: audittest.MgmtKey, Region: audittest.Home}
	e.Posture.Workloads[mh.String()] = []*estate.Workload{{Where: mh, Kind: estate.WorkloadEC2Instance, ID: "i-1"}}
	e.Hardening.PublicAccessBlocks[audittest.ProdKey] = &estate.PublicAccessBlock{}
	b := e.Posture.Buckets[audittest.ProdKey][0]
	b.Block, b.PolicyPublic = &estate.PublicAccessBlock{}, new(true)
	e.Posture.Keys[estate.PlaceKey(audittest.ProdKey, audittest.Home)][0].Rotation = new(false)
	return e
}

func TestIAMChecks(t *testing.T) {
	audittest.RunCases(t, postured, map[string]audittest.Case{
		"001 passes with MFA": {Check: "GW-IAM-001"},
		"001 console user without MFA": {
			Check: "GW-IAM-001",
			Edit:  func(e *estate.Estate) { deploy(e).MFA = false },
			Want:  []string{deployRes}, Msg: "IAM user deploy signs in to the console with a password and no MFA",
		},
		"001 no password, no MFA needed": {
			Check: "GW-IAM-001",
			Edit:  func(e *estate.Estate) { u := deploy(e); u.MFA, u.Password = false, false },
		},
		"001 closing account ignored": {
			Check: "GW-IAM-001",
			Edit: func(e *estate.Estate) {
				deploy(e).MFA = false
				audittest.Account(e, "payments-prod").Status = "SUSPENDED"
			},
		},
		"001 management account user": {
			Check: "GW-IAM-001",
			Edit: func(e *estate.Estate) {
				e.Posture.Users[audittest.MgmtKey] = []*estate.PostureUser{{Name: "ops", Password: true, Created: daysBefore(10)}}
			},
			Want: []string{"iam-user/ops (management)"},
		},
		"002 password unused 45 days": {
			Check: "GW-IAM-002",
			Edit:  func(e *estate.Estate) { deploy(e).PasswordLastUsed = daysBefore(45) },
			Want:  []string{deployRes}, Msg: "console password unused for 45 days",
		},
		"002 password used 44 days ago": {
			Check: "GW-IAM-002",
			Edit:  func(e *estate.Estate) { deploy(e).PasswordLastUsed = daysBefore(44) },
		},
		"002 password never used, old user": {
			Check: "GW-IAM-002",
			Edit:  func(e *estate.Estate) { deploy(e).PasswordLastUsed = time.Time{} },
			Want:  []string{deployRes}, Msg: "console password never used in the 400 days since the user was created",
		},
		"002 password never used, new user": {
			Check: "GW-IAM-002",
			Edit: func(e *estate.Estate) {
				u := deploy(e)
				u.PasswordLastUsed, u.Created, u.AccessKeys[0].LastRotated = time.Time{}, daysBefore(3), daysBefore(3)
			},
		},
		"002 active key unused": {
			Check: "GW-IAM-002",
			Edit:  func(e *estate.Estate) { deploy(e).AccessKeys[0].LastUsed = daysBefore(100) },
			Want:  []string{deployRes}, Msg: "access key 1 unused for 100 days",
		},
		"002 inactive key unused is fine": {
			Check: "GW-IAM-002",
			Edit: func(e *estate.Estate) {
				deploy(e).AccessKeys[1] = estate.AccessKey{LastRotated: daysBefore(300), LastUsed: daysBefore(300)}
			},
		},
		"002 no password, stale password date ignored": {
			Check: "GW-IAM-002",
			Edit:  func(e *estate.Estate) { u := deploy(e); u.Password, u.PasswordLastUsed = false, daysBefore(300) },
		},
		"002 unknown read time": {
			Check: "GW-IAM-002",
			Edit:  func(e *estate.Estate) { deploy(e).PasswordLastUsed = time.Time{}; e.Posture.AsOf = time.Time{} },
		},
		"003 key 91 days old": {
			Check: "GW-IAM-003",
			Edit:  func(e *estate.Estate) { deploy(e).AccessKeys[0].LastRotated = daysBefore(91) },
			Want:  []string{deployRes}, Msg: "access key 1 is 91 days old",
		},
		"003 key 90 days old": {
			Check: "GW-IAM-003",
			Edit:  func(e *estate.Estate) { deploy(e).AccessKeys[0].LastRotated = daysBefore(90) },
		},
		"003 inactive old key": {
			Check: "GW-IAM-003",
			Edit:  func(e *estate.Estate) { deploy(e).AccessKeys[1] = estate.AccessKey{LastRotated: daysBefore(500)} },
		},
		"004 two active keys": {
			Check: "GW-IAM-004",
			Edit: func(e *estate.Estate) {
				deploy(e).AccessKeys[1] = estate.AccessKey{Active: true, LastRotated: daysBefore(5), LastUsed: daysBefore(1)}
			},
			Want: []string{deployRes}, Msg: "has 2 active access keys",
		},
		"004 second key inactive": {
			Check: "GW-IAM-004",
			Edit:  func(e *estate.Estate) { deploy(e).AccessKeys[1] = estate.AccessKey{LastRotated: daysBefore(5)} },
		},
		"005 managed policy": {
			Check: "GW-IAM-005",
			Edit: func(e *estate.Estate) {
				deploy(e).Policies.Managed = []string{"arn:aws:iam::aws:policy/AdministratorAccess"}
			},
			Want: []string{deployRes}, Msg: "managed policy arn:aws:iam::aws:policy/AdministratorAccess",
		},
		"005 inline policy": {
			Check: "GW-IAM-005",
			Edit:  func(e *estate.Estate) { deploy(e).Policies.Inline = []string{"deploy-s3"} },
			Want:  []string{deployRes}, Msg: "inline policy deploy-s3",
		},
		"005 policies not read": {
			Check: "GW-IAM-005",
			Edit:  func(e *estate.Estate) { deploy(e).Policies = nil },
		},
	}, audittest.NamesAccount)
}
