package hardening

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindAccountPublicAccessBlock turns account-level S3 Block Public Access
// on (all four settings) in one account (guidance 000 "Set Amazon S3
// public block access in accounts"). PutPublicAccessBlock replaces the
// configuration, so the change is idempotent. Accounts the spec exempts
// are left alone, whatever their setting.
const KindAccountPublicAccessBlock = "account-public-access-block"

// AccountPublicAccessBlockAddress is the address of an account's S3 Block
// Public Access.
func AccountPublicAccessBlockAddress(accountKey string) string {
	return kinds.Address(KindAccountPublicAccessBlock, accountKey)
}

// PublicAccessBlockAPI is the part of the S3 Control client the kind
// calls.
type PublicAccessBlockAPI interface {
	PutPublicAccessBlock(context.Context, *s3control.PutPublicAccessBlockInput, ...func(*s3control.Options)) (*s3control.PutPublicAccessBlockOutput, error)
}

var _ PublicAccessBlockAPI = (*s3control.Client)(nil)

func init() {
	kinds.Register(kinds.Registration{Name: KindAccountPublicAccessBlock, Diff: diffPublicAccessBlocks, Apply: applyPublicAccessBlock})
}

// publicAccessBlockValue is the configuration a Block Public Access
// change puts in an account (by key).
type publicAccessBlockValue struct {
	Account estate.AccountKey        `json:"account"`
	Block   estate.PublicAccessBlock `json:"block"`
}

func publicAccessBlockAttrs(account string, p *estate.PublicAccessBlock) plan.Attrs {
	b := strconv.FormatBool
	return plan.Attrs{
		"account":                 account,
		"block_public_acls":       b(p.BlockPublicACLs),
		"ignore_public_acls":      b(p.IgnorePublicACLs),
		"block_public_policy":     b(p.BlockPublicPolicy),
		"restrict_public_buckets": b(p.RestrictPublicBuckets),
	}
}

func diffPublicAccessBlocks(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d := desired.Hardening
	if d == nil {
		return nil, nil
	}
	var have map[string]*estate.PublicAccessBlock
	if actual.Hardening != nil {
		have = actual.Hardening.PublicAccessBlocks
	}
	changes := diffPerAccount(desired, actual, KindAccountPublicAccessBlock, d.PublicAccessBlocks, have, publicAccessBlockAttrs,
		func(acct estate.AccountKey, b estate.PublicAccessBlock) any {
			return publicAccessBlockValue{Account: acct, Block: b}
		},
		// An all-off configuration is what an account without one reads as.
		func(b *estate.PublicAccessBlock) bool { return b == nil || *b == (estate.PublicAccessBlock{}) })
	var notes []string
	if actual.Hardening != nil {
		for _, acct := range d.PublicAccessExceptions {
			if p := actual.Hardening.PublicAccessBlocks[acct]; p != nil && *p != (estate.PublicAccessBlock{}) {
				notes = append(notes, fmt.Sprintf("%s is an exception under hardening.s3_block_public_access but blocks some public access already; groundwork leaves it", acct))
			}
		}
	}
	return changes, notes
}

func applyPublicAccessBlock(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[publicAccessBlockValue](ch)
	if err != nil {
		return err
	}
	clients, err := clientsOf(env)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: v.Account})
	if err != nil {
		return fmt.Errorf("S3 Block Public Access: %w", err)
	}
	if _, err := clients.PublicAccessBlock(w).PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{
		AccountId: aws.String(string(w.Account)),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
			BlockPublicAcls:       aws.Bool(v.Block.BlockPublicACLs),
			IgnorePublicAcls:      aws.Bool(v.Block.IgnorePublicACLs),
			BlockPublicPolicy:     aws.Bool(v.Block.BlockPublicPolicy),
			RestrictPublicBuckets: aws.Bool(v.Block.RestrictPublicBuckets),
		},
	}); err != nil {
		return fmt.Errorf("put S3 Block Public Access of %s: %w", w.Account, err)
	}
	return nil
}
