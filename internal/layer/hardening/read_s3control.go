package hardening

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// publicAccessBlockReadAPI is the part of the S3 Control client the
// hardening layer reads.
type publicAccessBlockReadAPI interface {
	GetPublicAccessBlock(context.Context, *s3control.GetPublicAccessBlockInput, ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
}

var _ publicAccessBlockReadAPI = (*s3control.Client)(nil)

// publicAccessBlock reads the account-level S3 Block Public Access; an
// account without the configuration blocks nothing.
func (r *hardeningRead) publicAccessBlock(ctx context.Context, key estate.AccountKey, w estate.Location) error {
	out, err := r.clients.S3Control(w).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(string(w.Account))})
	pab := &estate.PublicAccessBlock{}
	switch {
	case awsx.ErrorCodeIs(err, "NoSuchPublicAccessBlockConfiguration"):
	case err != nil:
		return fmt.Errorf("read S3 Block Public Access of %s: %w", w.Account, err)
	case out.PublicAccessBlockConfiguration != nil:
		c := out.PublicAccessBlockConfiguration
		pab = &estate.PublicAccessBlock{
			BlockPublicACLs: aws.ToBool(c.BlockPublicAcls), IgnorePublicACLs: aws.ToBool(c.IgnorePublicAcls),
			BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets),
		}
	}
	r.locked(func(h *estate.Hardening) { h.PublicAccessBlocks[string(key)] = pab })
	return nil
}
