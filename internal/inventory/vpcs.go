package inventory

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

var _ ec2.DescribeVpcsAPIClient = (*ec2.Client)(nil)

// VPCs returns every VPC of an account and Region (w, by AWS ID), read
// through api once per run however many layers ask (see Shared): the
// default VPC the hardening layer looks for is one of the VPCs the
// network layer judges. Unfiltered, so that every asker gets the same
// answer; an account has few VPCs, and one page holds them all.
func VPCs(ctx context.Context, s *Shared, w estate.Location, api ec2.DescribeVpcsAPIClient) ([]ec2types.Vpc, error) {
	key := SharedKey{Account: w.Account, Region: w.Region, Call: "EC2.DescribeVpcs"}
	return ReadOnce(ctx, s, key, func(ctx context.Context) ([]ec2types.Vpc, error) {
		var vpcs []ec2types.Vpc
		pages := ec2.NewDescribeVpcsPaginator(api, &ec2.DescribeVpcsInput{})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			vpcs = append(vpcs, page.Vpcs...)
		}
		return vpcs, nil
	})
}
