package posture

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

const bucketRes = "s3-bucket/payments-data (payments-prod eu-west-1)"

func TestPublicBucketCheck(t *testing.T) {
	// open makes the bucket public by policy and ACL, with no
	// bucket-level block, and sets the account-level block.
	open := func(account *estate.PublicAccessBlock, edit func(b *estate.PostureBucket)) func(e *estate.Estate) {
		return func(e *estate.Estate) {
			b := e.Posture.Buckets[audittest.ProdKey][0]
			b.Block, b.PolicyPublic, b.PublicGrants = &estate.PublicAccessBlock{}, new(true), []string{"AllUsers:READ"}
			if account == nil {
				delete(e.Hardening.PublicAccessBlocks, audittest.ProdKey)
			} else {
				e.Hardening.PublicAccessBlocks[audittest.ProdKey] = account
			}
			if edit != nil {
				edit(b)
			}
		}
	}
	none := &estate.PublicAccessBlock{}
	audittest.RunCases(t, postured, map[string]audittest.Case{
		"passes when private": {Check: "GW-BKT-001"},
		"public by policy and ACL": {
			Check: "GW-BKT-001", Edit: open(none, nil),
			Want: []string{bucketRes}, Msg: "public through its bucket policy and its ACL (AllUsers:READ)",
		},
		"public by ACL only": {
			Check: "GW-BKT-001", Edit: open(none, func(b *estate.PostureBucket) { b.PolicyPublic = new(false) }),
			Want: []string{bucketRes}, Msg: "public through its ACL (AllUsers:READ), and neither",
		},
		"account blocks all": {Check: "GW-BKT-001", Edit: open(estate.BlockAll(), nil)},
		"account restricts policies, ACL still public": {
			Check: "GW-BKT-001", Edit: open(&estate.PublicAccessBlock{RestrictPublicBuckets: true}, nil),
			Want: []string{bucketRes}, Msg: "public through its ACL",
		},
		"bucket ignores ACLs, policy still public": {
			Check: "GW-BKT-001", Edit: open(none, func(b *estate.PostureBucket) { b.Block.IgnorePublicACLs = true }),
			Want: []string{bucketRes}, Msg: "public through its bucket policy, and neither",
		},
		"bucket blocks all": {
			Check: "GW-BKT-001", Edit: open(none, func(b *estate.PostureBucket) { b.Block = estate.BlockAll() }),
		},
		"BlockPublicPolicy alone does not neutralise an existing policy": {
			Check: "GW-BKT-001",
			Edit: open(&estate.PublicAccessBlock{BlockPublicPolicy: true, BlockPublicACLs: true}, func(b *estate.PostureBucket) {
				b.PublicGrants = nil
			}),
			Want: []string{bucketRes},
		},
		"account-level block not read": {Check: "GW-BKT-001", Edit: open(nil, nil)},
		"bucket-level block not read": {
			Check: "GW-BKT-001", Edit: open(none, func(b *estate.PostureBucket) { b.Block = nil }),
		},
		"ACL not read, policy private": {
			Check: "GW-BKT-001",
			Edit:  open(none, func(b *estate.PostureBucket) { b.ACLRead, b.PolicyPublic = false, new(false) }),
		},
		"management account named by e-mail key": {
			Check: "GW-BKT-001",
			Edit: func(e *estate.Estate) {
				const key = "management@example.com"
				e.Posture.Accounts = append(e.Posture.Accounts, key)
				e.Posture.Buckets[key] = []*estate.PostureBucket{{Where: estate.Where{Account: key, Region: audittest.Other},
					Name: "mgmt-www", Block: &estate.PublicAccessBlock{}, PolicyPublic: new(true), ACLRead: true}}
				e.Hardening.PublicAccessBlocks[audittest.MgmtKey] = &estate.PublicAccessBlock{}
			},
			Want: []string{"s3-bucket/mgmt-www (management us-east-1)"},
		},
	}, audittest.NamesAccount)
}
