package audit

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

const bucketRes = "s3-bucket/payments-data (payments-prod eu-west-1)"

func TestPublicBucketCheck(t *testing.T) {
	// open makes the bucket public by policy and ACL, with no
	// bucket-level block, and sets the account-level block.
	open := func(account *estate.PublicAccessBlock, edit func(b *estate.PostureBucket)) func(e *estate.Estate) {
		return func(e *estate.Estate) {
			b := e.Posture.Buckets[prodKey][0]
			b.Block, b.PolicyPublic, b.PublicGrants = &estate.PublicAccessBlock{}, ptr(true), []string{"AllUsers:READ"}
			if account == nil {
				delete(e.Hardening.PublicAccessBlocks, prodKey)
			} else {
				e.Hardening.PublicAccessBlocks[prodKey] = account
			}
			if edit != nil {
				edit(b)
			}
		}
	}
	none := &estate.PublicAccessBlock{}
	runCases(t, postured, map[string]checkCase{
		"passes when private": {check: "GW-BKT-001"},
		"public by policy and ACL": {
			check: "GW-BKT-001", edit: open(none, nil),
			want: []string{bucketRes}, msg: "public through its bucket policy and its ACL (AllUsers:READ)",
		},
		"public by ACL only": {
			check: "GW-BKT-001", edit: open(none, func(b *estate.PostureBucket) { b.PolicyPublic = ptr(false) }),
			want: []string{bucketRes}, msg: "public through its ACL (AllUsers:READ), and neither",
		},
		"account blocks all": {check: "GW-BKT-001", edit: open(estate.BlockAll(), nil)},
		"account restricts policies, ACL still public": {
			check: "GW-BKT-001", edit: open(&estate.PublicAccessBlock{RestrictPublicBuckets: true}, nil),
			want: []string{bucketRes}, msg: "public through its ACL",
		},
		"bucket ignores ACLs, policy still public": {
			check: "GW-BKT-001", edit: open(none, func(b *estate.PostureBucket) { b.Block.IgnorePublicACLs = true }),
			want: []string{bucketRes}, msg: "public through its bucket policy, and neither",
		},
		"bucket blocks all": {
			check: "GW-BKT-001", edit: open(none, func(b *estate.PostureBucket) { b.Block = estate.BlockAll() }),
		},
		"BlockPublicPolicy alone does not neutralise an existing policy": {
			check: "GW-BKT-001",
			edit: open(&estate.PublicAccessBlock{BlockPublicPolicy: true, BlockPublicACLs: true}, func(b *estate.PostureBucket) {
				b.PublicGrants = nil
			}),
			want: []string{bucketRes},
		},
		"account-level block not read": {check: "GW-BKT-001", edit: open(nil, nil)},
		"bucket-level block not read": {
			check: "GW-BKT-001", edit: open(none, func(b *estate.PostureBucket) { b.Block = nil }),
		},
		"ACL not read, policy private": {
			check: "GW-BKT-001",
			edit:  open(none, func(b *estate.PostureBucket) { b.ACLRead, b.PolicyPublic = false, ptr(false) }),
		},
		"management account named by e-mail key": {
			check: "GW-BKT-001",
			edit: func(e *estate.Estate) {
				const key = "management@example.com"
				e.Posture.Accounts = append(e.Posture.Accounts, key)
				e.Posture.Buckets[key] = []*estate.PostureBucket{{Where: estate.Where{Account: key, Region: other},
					Name: "mgmt-www", Block: &estate.PublicAccessBlock{}, PolicyPublic: ptr(true), ACLRead: true}}
				e.Hardening.PublicAccessBlocks[mgmtKey] = &estate.PublicAccessBlock{}
			},
			want: []string{"s3-bucket/mgmt-www (management us-east-1)"},
		},
	}, namesAccount)
}
