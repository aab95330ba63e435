package hardening

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// ec2ReadAPI is the part of the EC2 client the hardening layer reads.
type ec2ReadAPI interface {
	GetEbsEncryptionByDefault(context.Context, *ec2.GetEbsEncryptionByDefaultInput, ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error)
	DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error)
	DescribeNetworkInterfaces(context.Context, *ec2.DescribeNetworkInterfacesInput, ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error)
}

var _ ec2ReadAPI = (*ec2.Client)(nil)

// defaultVPC looks for the default VPC of one account and Region (at: the
// account by key; w: by ID) among its VPCs, a read the network layer
// shares (inventory.VPCs), and counts its network interfaces, which tell
// whether anything runs in it.
func (r *hardeningRead) defaultVPC(ctx context.Context, at estate.Where, w estate.Location) error {
	api := r.clients.EC2(w)
	vpcs, err := inventory.VPCs(ctx, r.shared, w, api)
	if err != nil {
		return fmt.Errorf("read the default VPC of %s: %w", w, err)
	}
	for _, v := range vpcs {
		if !aws.ToBool(v.IsDefault) {
			continue // at most one is, per account and Region
		}
		vpc := &estate.DefaultVPC{Where: at, ID: aws.ToString(v.VpcId), CIDR: aws.ToString(v.CidrBlock)}
		n, err := countNetworkInterfaces(ctx, api, vpc.ID)
		if err != nil {
			return fmt.Errorf("read the network interfaces of %s in %s: %w", vpc.ID, w, err)
		}
		vpc.NetworkInterfaces = n
		r.locked(func(h *estate.Hardening) { h.DefaultVPCs[at.Key(vpc.ID)] = vpc })
	}
	return nil
}

// countNetworkInterfaces counts the network interfaces in a VPC, for the
// reader and for the default VPC kind alike.
func countNetworkInterfaces(ctx context.Context, api ec2.DescribeNetworkInterfacesAPIClient, vpcID string) (int, error) {
	pages := ec2.NewDescribeNetworkInterfacesPaginator(api, &ec2.DescribeNetworkInterfacesInput{
		Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
	n := 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return 0, err
		}
		n += len(page.NetworkInterfaces)
	}
	return n, nil
}

// ebsEncryption reads whether EBS encrypts new volumes by default in one
// account and Region, a read the datastores layer's survey shares
// (inventory.EBSEncryptionByDefault).
func (r *hardeningRead) ebsEncryption(ctx context.Context, at estate.Where, w estate.Location) error {
	on, err := inventory.EBSEncryptionByDefault(ctx, r.shared, w, r.clients.EC2(w))
	if err != nil {
		return fmt.Errorf("read EBS encryption by default in %s: %w", w, err)
	}
	r.locked(func(h *estate.Hardening) {
		h.EBSEncryption[at.String()] = &estate.EBSEncryption{Where: at, Enabled: on}
	})
	return nil
}
