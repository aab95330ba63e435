package posture

import (
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The account-wide IAM checks, each planted in one account of the
// postured foundation, whose other accounts stay correctly configured.

func prodPolicy(e *estate.Estate) *estate.PosturePolicy {
	return e.Posture.Policies[audittest.ProdKey][0]
}

func held(e *estate.Estate, key, policy string) *estate.PolicyEntities {
	return e.Posture.PolicyEntities[key][policy]
}

const (
	prodAcct = "account/444444444444 (payments-prod)"
	mgmtAcct = "account/000000000000 (management)"
)

func TestIAMAccountChecks(t *testing.T) {
	audittest.RunCases(t, postured, map[string]audittest.Case{
		"010 passes with narrow policies": {Check: "GW-IAM-010"},
		"010 allows everything": {
			Check: "GW-IAM-010",
			Edit: func(e *estate.Estate) {
				prodPolicy(e).Document = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
			},
			Want: []string{"iam-policy/read-logs (payments-prod)"}, Msg: `customer-managed policy read-logs allows every action`,
		},
		"010 *:* in a list, beside other statements": {
			Check: "GW-IAM-010",
			Edit: func(e *estate.Estate) {
				prodPolicy(e).Document = `{"Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"},` +
					`{"Effect":"Allow","Action":["s3:GetObject","*:*"],"Resource":["arn:aws:s3:::x","*"]}]}`
			},
			Want: []string{"iam-policy/read-logs (payments-prod)"},
		},
		"010 every action on one resource is not *:*": {
			Check: "GW-IAM-010",
			Edit: func(e *estate.Estate) {
				prodPolicy(e).Document = `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::x"}]}`
			},
		},
		"010 a Deny of everything grants nothing": {
			Check: "GW-IAM-010",
			Edit: func(e *estate.Estate) {
				prodPolicy(e).Document = `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`
			},
		},
		"010 detached since the list": {
			Check: "GW-IAM-010",
			Edit: func(e *estate.Estate) {
				p := prodPolicy(e)
				p.Document, p.Attachments = `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, 0
			},
		},

		"011 passes when the root user rests": {Check: "GW-IAM-011"},
		"011 password used yesterday": {
			Check: "GW-IAM-011",
			Edit:  func(e *estate.Estate) { e.Posture.Roots[audittest.MgmtKey].PasswordLastUsed = daysBefore(1) },
			Want:  []string{mgmtAcct}, Msg: "the root user was last used 1 days ago (password",
		},
		"011 access key used within the window": {
			Check: "GW-IAM-011",
			Edit: func(e *estate.Estate) {
				e.Posture.Roots[audittest.ProdKey].AccessKeys[1] = estate.AccessKey{Active: true, LastUsed: daysBefore(29)}
			},
			Want: []string{prodAcct}, Msg: "29 days ago (access key 2",
		},
		"011 a wider window set by the user": {
			Check: "GW-IAM-011",
			Edit:  func(e *estate.Estate) { e.RootUseDays = 365 },
			Want: []string{mgmtAcct, "account/111111111111 (log-archive)", "account/222222222222 (security-tooling)",
				"account/333333333333 (identity-center)", prodAcct, "account/555555555555 (payments-dev)", "account/666666666666 (sandbox-ana)"},
			Msg: "the root user was last used 200 days ago (password",
		},
		"011 never used, with a wide window": {
			Check: "GW-IAM-011",
			Edit: func(e *estate.Estate) {
				e.RootUseDays = 100
				e.Posture.Roots[audittest.ProdKey].PasswordLastUsed = time.Time{}
			},
		},

		"012 passes with a support role": {Check: "GW-IAM-012"},
		"012 no one holds it": {
			Check: "GW-IAM-012",
			Edit:  func(e *estate.Estate) { held(e, audittest.ProdKey, supportPolicy).Roles = nil },
			Want:  []string{prodAcct}, Msg: "no IAM role holds AWSSupportAccess",
		},
		"012 a user is not a role": {
			Check: "GW-IAM-012",
			Edit: func(e *estate.Estate) {
				h := held(e, audittest.DevKey, supportPolicy)
				h.Roles, h.Users = nil, []string{"ana"}
			},
			Want: []string{"account/555555555555 (payments-dev)"}, Msg: "(1 user(s) or group(s) hold it; the benchmark asks for a role)",
		},
		"012 not read is not judged": {
			Check: "GW-IAM-012",
			Edit:  func(e *estate.Estate) { delete(e.Posture.PolicyEntities, audittest.ProdKey) },
		},

		"013 passes with a valid certificate": {Check: "GW-IAM-013"},
		"013 expired": {
			Check: "GW-IAM-013",
			Edit: func(e *estate.Estate) {
				e.Posture.ServerCertificates[audittest.ProdKey] = append(e.Posture.ServerCertificates[audittest.ProdKey],
					&estate.ServerCertificate{Name: "old-www", Expiration: daysBefore(10)})
			},
			Want: []string{"server-certificate/old-www (payments-prod)"}, Msg: "IAM server certificate old-www expired on",
		},

		"014 passes when nobody holds it": {Check: "GW-IAM-014"},
		"014 held by a group and a role": {
			Check: "GW-IAM-014",
			Edit: func(e *estate.Estate) {
				h := held(e, audittest.DevKey, cloudShellPolicy)
				h.Groups, h.Roles = []string{"developers"}, []string{"ops"}
			},
			Want: []string{"iam-policy/AWSCloudShellFullAccess (payments-dev)"},
			Msg:  "AWSCloudShellFullAccess is attached to group developers, role ops",
		},

		"015 passes with a used key": {Check: "GW-IAM-015"},
		"015 key never used by a console user": {
			Check: "GW-IAM-015",
			Edit: func(e *estate.Estate) {
				deploy(e).AccessKeys[1] = estate.AccessKey{Active: true, LastRotated: daysBefore(400)}
			},
			Want: []string{deployRes}, Msg: "has a console password and an active access key 2 never used",
		},
		"015 programmatic users are not console users": {
			Check: "GW-IAM-015",
			Edit: func(e *estate.Estate) {
				u := deploy(e)
				u.Password, u.AccessKeys[0].LastUsed = false, time.Time{}
			},
		},
		"015 an inactive key is no credential": {
			Check: "GW-IAM-015",
			Edit: func(e *estate.Estate) {
				deploy(e).AccessKeys[1] = estate.AccessKey{Active: false, LastRotated: daysBefore(400)}
			},
		},

		"016 passes with hardware MFA": {Check: "GW-IAM-016"},
		"016 virtual MFA on the root user": {
			Check: "GW-IAM-016",
			Edit: func(e *estate.Estate) {
				e.Posture.Roots[audittest.MgmtKey].VirtualMFA = new("arn:aws:iam::000000000000:mfa/root-account-mfa-device")
			},
			Want: []string{mgmtAcct}, Msg: "the root user's MFA is the virtual device arn:aws:iam::000000000000:mfa/root-account-mfa-device",
		},
		"016 no MFA at all is GW-HRD-007's": {
			Check: "GW-IAM-016",
			Edit: func(e *estate.Estate) {
				r := e.Posture.Roots[audittest.MgmtKey]
				r.MFA, r.VirtualMFA = false, nil
			},
		},
		"016 devices not read are not judged": {
			Check: "GW-IAM-016",
			Edit:  func(e *estate.Estate) { e.Posture.Roots[audittest.MgmtKey].VirtualMFA = nil },
		},
	})
}
