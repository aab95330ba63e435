package inventory

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// EBSEncryptionByDefaultAPI is the EC2 call EBSEncryptionByDefault makes.
type EBSEncryptionByDefaultAPI interface {
	GetEbsEncryptionByDefault(context.Context, *ec2.GetEbsEncryptionByDefaultInput, ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error)
}

var _ EBSEncryptionByDefaultAPI = (*ec2.Client)(nil)

// EBSEncryptionByDefault says whether EBS encrypts every new volume of an
// account and Region (w, by AWS ID), read through api once per run
// however many layers ask (see Shared): the audit judges it and the
// hardening layer turns it on.
func EBSEncryptionByDefault(ctx context.Context, s *Shared, w estate.Location, api EBSEncryptionByDefaultAPI) (bool, error) {
	key := SharedKey{Account: w.Account, Region: w.Region, Call: "EC2.GetEbsEncryptionByDefault"}
	return ReadOnce(ctx, s, key, func(ctx context.Context) (bool, error) {
		out, err := api.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
		if err != nil {
			return false, err
		}
		return aws.ToBool(out.EbsEncryptionByDefault), nil
	})
}
