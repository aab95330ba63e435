package logging

import (
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// withPolicy sets the CloudTrail bucket's policy.
func withPolicy(doc string) func(e *estate.Estate) {
	return func(e *estate.Estate) { logBucket(e, ctBucket).Policy = doc }
}

// bucketPolicy writes a bucket policy of the statements.
func bucketPolicy(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// denyPlainHTTP writes a bucket policy of one Deny statement with the
// condition block given.
func denyPlainHTTP(condition string) string {
	return `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":"arn:aws:s3:::b/*","Condition":` + condition + `}}`
}

func TestBucketChecks(t *testing.T) {
	const ct, cfg = "bucket/" + ctBucket, "bucket/" + cfgBucket
	audittest.RunCases(t, logged, map[string]audittest.Case{
		"010 passes": {Check: "GW-LOG-010"},
		"010 public access not blocked": {
			Check: "GW-LOG-010",
			Edit:  func(e *estate.Estate) { logBucket(e, ctBucket).BlockPublicAccess = false },
			Want:  []string{ct}, Msg: "Block Public Access is not fully on",
		},
		"010 a bucket that does not exist is not judged": {
			Check: "GW-LOG-010",
			Edit: func(e *estate.Estate) {
				b := logBucket(e, ctBucket)
				b.BlockPublicAccess, b.Exists = false, false
			},
		},

		"011 passes": {Check: "GW-LOG-011"},
		"011 passes with SSE-S3": {
			Check: "GW-LOG-011",
			Edit: func(e *estate.Estate) {
				b := logBucket(e, cfgBucket)
				b.SSE, b.KMSKey = "AES256", ""
			},
		},
		"011 no default encryption": {
			Check: "GW-LOG-011",
			Edit: func(e *estate.Estate) {
				b := logBucket(e, cfgBucket)
				b.SSE, b.KMSKey = "", ""
			},
			Want: []string{cfg}, Msg: "no default encryption",
		},

		"012 passes": {Check: "GW-LOG-012"},
		"012 not versioned": {
			Check: "GW-LOG-012",
			Edit: func(e *estate.Estate) {
				logBucket(e, ctBucket).Versioning = false
				logBucket(e, cfgBucket).Versioning = false
			},
			Want: []string{ct, cfg}, Msg: "versioning is off",
		},

		"013 passes":                  {Check: "GW-LOG-013"},
		"013 passes with a JSON bool": {Check: "GW-LOG-013", Edit: withPolicy(denyPlainHTTP(`{"Bool":{"aws:SecureTransport":false}}`))},
		"013 passes with a list and other case": {
			Check: "GW-LOG-013",
			Edit:  withPolicy(denyPlainHTTP(`{"bool":{"AWS:SecureTransport":["FALSE"]}}`)),
		},
		"013 passes with BoolIfExists": {
			Check: "GW-LOG-013",
			Edit:  withPolicy(denyPlainHTTP(`{"BoolIfExists":{"aws:SecureTransport":"false"}}`)),
		},
		"013 no policy": {
			Check: "GW-LOG-013",
			Edit:  withPolicy(""),
			Want:  []string{ct}, Msg: "no bucket policy",
		},
		"013 no TLS statement": {
			Check: "GW-LOG-013",
			Edit:  withPolicy(bucketPolicy(`{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}`)),
			Want:  []string{ct}, Msg: `no Deny statement with condition {"Bool": {"aws:SecureTransport": "false"}}`,
		},
		"013 an Allow over TLS is not a Deny": {
			Check: "GW-LOG-013",
			Edit: withPolicy(bucketPolicy(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",` +
				`"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)),
			Want: []string{ct},
		},
		"013 denying TLS requests is the wrong way round": {
			Check: "GW-LOG-013",
			Edit:  withPolicy(denyPlainHTTP(`{"Bool":{"aws:SecureTransport":"true"}}`)),
			Want:  []string{ct},
		},
		"013 another operator does not count": {
			Check: "GW-LOG-013",
			Edit:  withPolicy(denyPlainHTTP(`{"StringEquals":{"aws:SecureTransport":"false"}}`)),
			Want:  []string{ct},
		},
		"013 a policy that does not parse denies nothing": {
			Check: "GW-LOG-013",
			Edit:  withPolicy(`{"Statement":[`),
			Want:  []string{ct},
		},

		"014 passes": {Check: "GW-LOG-014"},
		"014 bucket in the management account": {
			Check: "GW-LOG-014",
			Edit:  func(e *estate.Estate) { logBucket(e, cfgBucket).Account = audittest.MgmtKey },
			Want:  []string{cfg}, Msg: "log bucket lives in management, not the Log Archive account log-archive",
		},
		"014 bucket in an account the estate does not know": {
			Check: "GW-LOG-014",
			Edit:  func(e *estate.Estate) { logBucket(e, ctBucket).Account = "old-logs@example.com" },
			Want:  []string{ct}, Msg: "lives in old-logs@example.com",
		},
		"014 no Log Archive account to compare with": {
			Check: "GW-LOG-014",
			Edit: func(e *estate.Estate) {
				a := audittest.Account(e, "log-archive")
				a.Role, a.Name = estate.RoleNone, "archive"
				logBucket(e, cfgBucket).Account = audittest.MgmtKey
			},
		},
		"014 the Log Archive account known by its name": {
			Check: "GW-LOG-014",
			Edit: func(e *estate.Estate) {
				audittest.Account(e, "log-archive").Role = estate.RoleNone
				logBucket(e, cfgBucket).Account = audittest.MgmtKey
			},
			Want: []string{"bucket/" + cfgBucket}, Msg: "not the Log Archive account log-archive",
		},
		"014 the Log Archive account known by its Role tag": {
			Check: "GW-LOG-014",
			Edit: func(e *estate.Estate) {
				a := audittest.Account(e, "log-archive")
				a.Role, a.Name, a.Tags = estate.RoleNone, "logs", map[string]string{"Role": "Log Archive"}
				logBucket(e, ctBucket).Account = audittest.ProdKey
			},
			Want: []string{"bucket/" + ctBucket}, Msg: "lives in payments-prod, not the Log Archive account logs",
		},

		"040 passes": {Check: "GW-LOG-040"},
		"040 rotation off": {
			Check: "GW-LOG-040",
			Edit:  func(e *estate.Estate) { logKey(e, cfgKeyAlias).Rotation = false },
			Want:  []string{"key/alias/groundwork-config (security-tooling eu-west-1)"}, Msg: "automatic key rotation is off",
		},
		"040 a key pending deletion is not judged": {
			Check: "GW-LOG-040",
			Edit: func(e *estate.Estate) {
				k := logKey(e, ctKeyAlias)
				k.Rotation, k.State = false, "PendingDeletion"
			},
		},
		"040 a disabled key is not judged": {
			Check: "GW-LOG-040",
			Edit: func(e *estate.Estate) {
				k := logKey(e, ctKeyAlias)
				k.Rotation, k.State = false, "Disabled"
			},
		},
	})
}
