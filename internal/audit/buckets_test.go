package audit

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// withPolicy sets the CloudTrail bucket's policy.
func withPolicy(doc string) func(e *estate.Estate) {
	return func(e *estate.Estate) { logBucket(e, ctBucket).Policy = doc }
}

// denyPlainHTTP writes a bucket policy of one Deny statement with the
// condition block given.
func denyPlainHTTP(condition string) string {
	return `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":"arn:aws:s3:::b/*","Condition":` + condition + `}}`
}

func TestBucketChecks(t *testing.T) {
	const ct, cfg = "bucket/" + ctBucket, "bucket/" + cfgBucket
	runCases(t, logged, map[string]checkCase{
		"010 passes": {check: "GW-LOG-010"},
		"010 public access not blocked": {
			check: "GW-LOG-010",
			edit:  func(e *estate.Estate) { logBucket(e, ctBucket).BlockPublicAccess = false },
			want:  []string{ct}, msg: "Block Public Access is not fully on",
		},
		"010 a bucket that does not exist is not judged": {
			check: "GW-LOG-010",
			edit: func(e *estate.Estate) {
				b := logBucket(e, ctBucket)
				b.BlockPublicAccess, b.Exists = false, false
			},
		},

		"011 passes": {check: "GW-LOG-011"},
		"011 passes with SSE-S3": {
			check: "GW-LOG-011",
			edit: func(e *estate.Estate) {
				b := logBucket(e, cfgBucket)
				b.SSE, b.KMSKey = "AES256", ""
			},
		},
		"011 no default encryption": {
			check: "GW-LOG-011",
			edit: func(e *estate.Estate) {
				b := logBucket(e, cfgBucket)
				b.SSE, b.KMSKey = "", ""
			},
			want: []string{cfg}, msg: "no default encryption",
		},

		"012 passes": {check: "GW-LOG-012"},
		"012 not versioned": {
			check: "GW-LOG-012",
			edit: func(e *estate.Estate) {
				logBucket(e, ctBucket).Versioning = false
				logBucket(e, cfgBucket).Versioning = false
			},
			want: []string{ct, cfg}, msg: "versioning is off",
		},

		"013 passes":                  {check: "GW-LOG-013"},
		"013 passes with a JSON bool": {check: "GW-LOG-013", edit: withPolicy(denyPlainHTTP(`{"Bool":{"aws:SecureTransport":false}}`))},
		"013 passes with a list and other case": {
			check: "GW-LOG-013",
			edit:  withPolicy(denyPlainHTTP(`{"bool":{"AWS:SecureTransport":["FALSE"]}}`)),
		},
		"013 passes with BoolIfExists": {
			check: "GW-LOG-013",
			edit:  withPolicy(denyPlainHTTP(`{"BoolIfExists":{"aws:SecureTransport":"false"}}`)),
		},
		"013 no policy": {
			check: "GW-LOG-013",
			edit:  withPolicy(""),
			want:  []string{ct}, msg: "no bucket policy",
		},
		"013 no TLS statement": {
			check: "GW-LOG-013",
			edit:  withPolicy(scp(`{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}`)),
			want:  []string{ct}, msg: `no Deny statement with condition {"Bool": {"aws:SecureTransport": "false"}}`,
		},
		"013 an Allow over TLS is not a Deny": {
			check: "GW-LOG-013",
			edit: withPolicy(scp(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",` +
				`"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)),
			want: []string{ct},
		},
		"013 denying TLS requests is the wrong way round": {
			check: "GW-LOG-013",
			edit:  withPolicy(denyPlainHTTP(`{"Bool":{"aws:SecureTransport":"true"}}`)),
			want:  []string{ct},
		},
		"013 another operator does not count": {
			check: "GW-LOG-013",
			edit:  withPolicy(denyPlainHTTP(`{"StringEquals":{"aws:SecureTransport":"false"}}`)),
			want:  []string{ct},
		},
		"013 a policy that does not parse denies nothing": {
			check: "GW-LOG-013",
			edit:  withPolicy(`{"Statement":[`),
			want:  []string{ct},
		},

		"014 passes": {check: "GW-LOG-014"},
		"014 bucket in the management account": {
			check: "GW-LOG-014",
			edit:  func(e *estate.Estate) { logBucket(e, cfgBucket).Account = mgmtKey },
			want:  []string{cfg}, msg: "log bucket lives in management, not the Log Archive account log-archive",
		},
		"014 bucket in an account the estate does not know": {
			check: "GW-LOG-014",
			edit:  func(e *estate.Estate) { logBucket(e, ctBucket).Account = "old-logs@example.com" },
			want:  []string{ct}, msg: "lives in old-logs@example.com",
		},
		"014 no Log Archive account to compare with": {
			check: "GW-LOG-014",
			edit: func(e *estate.Estate) {
				acct(e, "log-archive").Role = estate.RoleNone
				logBucket(e, cfgBucket).Account = mgmtKey
			},
		},

		"040 passes": {check: "GW-LOG-040"},
		"040 rotation off": {
			check: "GW-LOG-040",
			edit:  func(e *estate.Estate) { logKey(e, cfgKeyAlias).Rotation = false },
			want:  []string{"key/alias/groundwork-config (security-tooling eu-west-1)"}, msg: "automatic key rotation is off",
		},
		"040 a key pending deletion is not judged": {
			check: "GW-LOG-040",
			edit: func(e *estate.Estate) {
				k := logKey(e, ctKeyAlias)
				k.Rotation, k.State = false, "PendingDeletion"
			},
		},
		"040 a disabled key is not judged": {
			check: "GW-LOG-040",
			edit: func(e *estate.Estate) {
				k := logKey(e, ctKeyAlias)
				k.Rotation, k.State = false, "Disabled"
			},
		},
	})
}
