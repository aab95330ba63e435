package hardening

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindDefaultVPC deletes the default VPC of one account and Region
// (guidance 000 "Delete default network resources": a public subnet in
// every Availability Zone and an internet gateway that nobody asked for).
// It is only ever a delete, planned when hardening.delete_default_vpcs is
// on and only for a VPC without network interfaces: anything running in
// it (instances, load balancers, Lambda functions, NAT gateways,
// endpoints) has one, and such a VPC is kept with a plan note. The spec
// asks for it by name, and apply confirms it on its own: it runs only with
// --allow-delete-default-vpcs, which --allow-delete (OUs, policies) does
// not give.
const KindDefaultVPC = "default-vpc"

// ConfirmDefaultVPCs is the flag that releases the deletes of default
// VPCs.
const ConfirmDefaultVPCs = "allow-delete-default-vpcs"

// DefaultVPCAddress is the address of the default VPC of an account and
// Region.
func DefaultVPCAddress(w estate.Where) string {
	return kinds.Address(KindDefaultVPC, kinds.WhereAddress(w))
}

// DefaultVPCAPI is the part of the EC2 client the kind calls.
type DefaultVPCAPI interface {
	DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error)
	DescribeNetworkInterfaces(context.Context, *ec2.DescribeNetworkInterfacesInput, ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error)
	DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
	DeleteSubnet(context.Context, *ec2.DeleteSubnetInput, ...func(*ec2.Options)) (*ec2.DeleteSubnetOutput, error)
	DescribeInternetGateways(context.Context, *ec2.DescribeInternetGatewaysInput, ...func(*ec2.Options)) (*ec2.DescribeInternetGatewaysOutput, error)
	DetachInternetGateway(context.Context, *ec2.DetachInternetGatewayInput, ...func(*ec2.Options)) (*ec2.DetachInternetGatewayOutput, error)
	DeleteInternetGateway(context.Context, *ec2.DeleteInternetGatewayInput, ...func(*ec2.Options)) (*ec2.DeleteInternetGatewayOutput, error)
	DeleteVpc(context.Context, *ec2.DeleteVpcInput, ...func(*ec2.Options)) (*ec2.DeleteVpcOutput, error)
}

var _ DefaultVPCAPI = (*ec2.Client)(nil)

func init() {
	kinds.Register(kinds.Registration{Name: KindDefaultVPC, Diff: diffDefaultVPCs, Apply: applyDefaultVPC})
	kinds.RegisterConfirmation(kinds.Confirmation{Flag: ConfirmDefaultVPCs,
		Usage: "let apply delete the default VPCs hardening.delete_default_vpcs asks for (not given by --allow-delete)"})
}

// defaultVPCValue names the default VPC a change deletes. An empty VPCID
// is the default VPC of an account this apply creates: Apply finds it.
type defaultVPCValue struct {
	Account estate.AccountKey `json:"account"`
	Region  string            `json:"region"`
	VPCID   string            `json:"vpc_id,omitempty"`
}

const defaultVPCReason = "hardening.delete_default_vpcs: its subnets and internet gateway are deleted first; " +
	"runs only with --" + ConfirmDefaultVPCs

func diffDefaultVPCs(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d := desired.Hardening
	if d == nil || !d.DeleteDefaultVPCs {
		return nil, nil
	}
	var changes []plan.Change
	var notes []string
	var found []*estate.DefaultVPC
	if actual.Hardening != nil {
		found = actual.Hardening.SortedDefaultVPCs()
	}
	for _, v := range found {
		if !d.Covers(string(v.Account)) || !slices.Contains(d.Regions, v.Region) {
			continue
		}
		if v.NetworkInterfaces > 0 {
			notes = append(notes, fmt.Sprintf("default VPC %s of %s in %s kept: %d network interfaces use it; "+
				"move or delete what runs there and plan again", v.ID, v.Account, v.Region, v.NetworkInterfaces))
			continue
		}
		changes = append(changes, plan.SetValue(plan.Change{Address: DefaultVPCAddress(v.Where), Kind: KindDefaultVPC, Action: plan.Delete,
			Group: kinds.UnitOf(desired, v.Account), Reason: defaultVPCReason, NeedsAllowDelete: true,
			Basis: plan.BasisSpec, Confirm: ConfirmDefaultVPCs,
			Before: plan.Attrs{"account": string(v.Account), "region": v.Region, "vpc_id": v.ID, "cidr": v.CIDR,
				"network_interfaces": strconv.Itoa(v.NetworkInterfaces)}},
			defaultVPCValue{Account: v.Account, Region: v.Region, VPCID: v.ID}))
	}
	// AWS gives every new account a default VPC in every Region: for an
	// account this apply creates, the delete is planned now and finds its
	// VPC once the account exists, so that one apply leaves none behind.
	for _, key := range d.Accounts {
		switch {
		case key == estate.ManagementKey && actual.Organization != nil:
			continue // read like any existing account
		case key != estate.ManagementKey:
			if _, exists := actual.Accounts[key]; exists {
				continue
			}
		}
		for _, region := range d.Regions {
			w := estate.Where{Account: estate.AccountKey(key), Region: region}
			changes = append(changes, plan.SetValue(plan.Change{Address: DefaultVPCAddress(w), Kind: KindDefaultVPC, Action: plan.Delete,
				Group: kinds.UnitOf(desired, estate.AccountKey(key)), Reason: defaultVPCReason + "; AWS creates one in every new account",
				NeedsAllowDelete: true, Basis: plan.BasisSpec, Confirm: ConfirmDefaultVPCs, DependsOn: kinds.AccountDeps(estate.AccountKey(key)),
				Before: plan.Attrs{"account": key, "region": region, "vpc_id": "(created with the account)"}},
				defaultVPCValue{Account: w.Account, Region: region}))
		}
	}
	return changes, notes
}

// applyDefaultVPC deletes the VPC the plan names after checking, again,
// that it is still a default VPC and that nothing runs in it. A VPC
// already gone is success, so the change can run again after a failure.
func applyDefaultVPC(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[defaultVPCValue](ch)
	if err != nil {
		return err
	}
	clients, err := clientsOf(env)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: v.Account, Region: v.Region})
	if err != nil {
		return fmt.Errorf("default VPC: %w", err)
	}
	api, id := clients.DefaultVPC(w), v.VPCID
	if id == "" {
		found, err := api.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("isDefault"), Values: []string{"true"}}}})
		if err != nil {
			return fmt.Errorf("find the default VPC in %s: %w", w, err)
		}
		if len(found.Vpcs) == 0 {
			return nil
		}
		id = aws.ToString(found.Vpcs[0].VpcId)
	}
	out, err := api.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{id}})
	if awsx.ErrorCodeIs(err, "InvalidVpcID.NotFound") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read VPC %s in %s: %w", id, w, err)
	}
	if len(out.Vpcs) == 0 {
		return nil
	}
	if !aws.ToBool(out.Vpcs[0].IsDefault) {
		return fmt.Errorf("VPC %s in %s is not a default VPC; groundwork deletes only default VPCs", id, w)
	}
	n, err := countNetworkInterfaces(ctx, api, id)
	if err != nil {
		return fmt.Errorf("read the network interfaces of VPC %s in %s: %w", id, w, err)
	}
	if n > 0 {
		return fmt.Errorf("default VPC %s in %s has %d network interfaces since the plan was made; it is kept", id, w, n)
	}
	vpcFilter := []types.Filter{{Name: aws.String("vpc-id"), Values: []string{id}}}
	subnets := ec2.NewDescribeSubnetsPaginator(api, &ec2.DescribeSubnetsInput{Filters: vpcFilter})
	var subnetIDs []string
	for subnets.HasMorePages() {
		page, err := subnets.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the subnets of VPC %s in %s: %w", id, w, err)
		}
		for _, s := range page.Subnets {
			subnetIDs = append(subnetIDs, aws.ToString(s.SubnetId))
		}
	}
	for _, s := range subnetIDs {
		if _, err := api.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(s)}); err != nil && !awsx.ErrorCodeIs(err, "InvalidSubnetID.NotFound") {
			return fmt.Errorf("delete subnet %s of VPC %s in %s: %w", s, id, w, err)
		}
	}
	gateways := ec2.NewDescribeInternetGatewaysPaginator(api, &ec2.DescribeInternetGatewaysInput{
		Filters: []types.Filter{{Name: aws.String("attachment.vpc-id"), Values: []string{id}}}})
	var gatewayIDs []string
	for gateways.HasMorePages() {
		page, err := gateways.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the internet gateways of VPC %s in %s: %w", id, w, err)
		}
		for _, g := range page.InternetGateways {
			gatewayIDs = append(gatewayIDs, aws.ToString(g.InternetGatewayId))
		}
	}
	for _, g := range gatewayIDs {
		if _, err := api.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(g), VpcId: aws.String(id)}); err != nil &&
			!awsx.ErrorCodeIs(err, "Gateway.NotAttached", "InvalidInternetGatewayID.NotFound") {
			return fmt.Errorf("detach internet gateway %s from VPC %s in %s: %w", g, id, w, err)
		}
		if _, err := api.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(g)}); err != nil &&
			!awsx.ErrorCodeIs(err, "InvalidInternetGatewayID.NotFound") {
			return fmt.Errorf("delete internet gateway %s of VPC %s in %s: %w", g, id, w, err)
		}
	}
	if _, err := api.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(id)}); err != nil && !awsx.ErrorCodeIs(err, "InvalidVpcID.NotFound") {
		if awsx.ErrorCodeIs(err, "DependencyViolation") {
			return fmt.Errorf("delete VPC %s in %s: something else still uses it (security groups, route tables, "+
				"network ACLs or endpoints created in it); delete those and apply again: %w", id, w, err)
		}
		return fmt.Errorf("delete VPC %s in %s: %w", id, w, err)
	}
	return nil
}
