package posture

import (
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The public bucket check of the posture layer (CIS AWS Foundations
// v3.0.0 2.1.4, guidance 000). The layer records what could make a bucket
// public, its policy and ACL, and the bucket's own Block Public Access;
// the account's Block Public Access comes from the hardening layer. A
// bucket is public when its policy or ACL opens it and neither setting
// neutralises that. Where a fact is unknown the bucket is not judged.

func init() {
	audit.Register(audit.Check{
		ID:       "GW-BKT-001",
		Title:    "No public S3 buckets",
		Severity: audit.Critical,
		Guidance: "000 Set Amazon S3 public block access in accounts; 000 Enable Baseline AWS Config rules for the Organization",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 2.1.4"},
		Rationale: "a bucket whose policy or ACL lets anyone in serves its objects to the whole internet, and nothing " +
			"records who read them",
		Remediation: "manual: remove the public statements from the bucket policy and the AllUsers/AuthenticatedUsers " +
			"grants from its ACL; then keep hardening.s3_block_public_access.enabled: true in foundation.yaml and run " +
			"groundwork apply, which turns Block Public Access on for the whole account",
		Reads: []string{readS3, "hardening"},
		Run:   checkPublicBuckets,
	})
}

// accountBlock is the account-level Block Public Access the hardening
// layer read for the account a posture key names; nil when not read. The
// hardening layer names the management account ManagementKey, the
// posture scope may name it by e-mail key.
func accountBlock(e *estate.Estate, key string) *estate.PublicAccessBlock {
	if e.Hardening == nil {
		return nil
	}
	if p, ok := e.Hardening.PublicAccessBlocks[key]; ok {
		return p
	}
	if a := audit.WhereAccount(e, estate.AccountKey(key)); a != nil && e.IsManagement(a) {
		for _, k := range []string{estate.ManagementKey, estate.EmailKey(a.Email)} {
			if p, ok := e.Hardening.PublicAccessBlocks[k]; ok {
				return p
			}
		}
	}
	return nil
}

// exposure says how a bucket is public: "its policy", "its ACL (...)",
// joined; "" when it is not, or when what is known cannot tell.
func exposure(b *estate.PostureBucket, account *estate.PublicAccessBlock) string {
	if b.Block == nil || account == nil {
		return ""
	}
	var ways []string
	if b.PolicyPublic != nil && *b.PolicyPublic && !b.Block.RestrictPublicBuckets && !account.RestrictPublicBuckets {
		ways = append(ways, "its bucket policy")
	}
	if b.ACLRead && len(b.PublicGrants) > 0 && !b.Block.IgnorePublicACLs && !account.IgnorePublicACLs {
		ways = append(ways, "its ACL ("+strings.Join(b.PublicGrants, ", ")+")")
	}
	return strings.Join(ways, " and ")
}

func checkPublicBuckets(e *estate.Estate) []audit.Finding {
	var out []audit.Finding
	for _, key := range postureAccounts(e) {
		account := accountBlock(e, key)
		for _, b := range e.Posture.Buckets[key] {
			how := exposure(b, account)
			if how == "" {
				continue
			}
			out = append(out, audit.Finding{
				Resource: audit.PlacedResource(e, "s3-bucket", b.Name, b.Where),
				Message: "S3 bucket " + b.Name + " is public through " + how + ", and neither the bucket's nor the " +
					"account's Block Public Access stops it",
				Account: audit.AccountID(e, estate.AccountKey(key)), Region: b.Region,
			})
		}
	}
	return out
}
