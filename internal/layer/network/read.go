package network

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// ec2ReadAPI is the part of the EC2 client the network layer reads.
type ec2ReadAPI interface {
	DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error)
	DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	DescribeNetworkAcls(context.Context, *ec2.DescribeNetworkAclsInput, ...func(*ec2.Options)) (*ec2.DescribeNetworkAclsOutput, error)
	DescribeFlowLogs(context.Context, *ec2.DescribeFlowLogsInput, ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error)
}

var _ ec2ReadAPI = (*ec2.Client)(nil)

// readClients builds the read clients of the network layer in an
// account (by AWS ID) and Region.
type readClients interface {
	EC2(w estate.Location) ec2ReadAPI
}

// sessionReadClients are the real read clients of a session: the
// management account's own credentials there, the access role elsewhere.
type sessionReadClients struct{ inventory.Configs }

var _ readClients = sessionReadClients{}

func (c sessionReadClients) EC2(w estate.Location) ec2ReadAPI {
	return c.At(w).EC2()
}

// survey reads the network layer over the scope into actual.Network,
// through r's session.
func survey(ctx context.Context, r inventory.Reader, actual *estate.Estate, scope estate.Scope) error {
	return readWith(ctx, sessionReadClients{r.Configs(actual)}, actual, scope, r.Options())
}

// networkRead is one collection of the network layer: the clients and a
// guarded result. The flow logs are held apart, by the Where.Key of the
// VPC they capture, until every VPC has been read.
type networkRead struct {
	clients  readClients
	shared   *inventory.Shared
	mu       sync.Mutex
	out      *estate.Network
	flowLogs map[string][]estate.FlowLog
}

func (r *networkRead) locked(f func(n *estate.Network)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// readWith reads the network layer in every account of the scope
// that exists and is active, in each of its Regions: the VPCs, security
// groups, network ACLs and VPC flow logs, one paginated read each. With
// 50 accounts and 4 Regions that is 800 reads or more, opts.Width at a
// time. Any failed read
// fails the collection and leaves e.Network as it was: a partial layer
// would let the checks pass over groups that were never read.
func readWith(ctx context.Context, clients readClients, e *estate.Estate, scope estate.Scope, opts inventory.Options) error {
	if e.Organization == nil {
		return nil
	}
	out := estate.NewNetwork()
	out.Regions = slices.Sorted(slices.Values(scope.Regions))
	out.Regions = slices.Compact(out.Regions)
	r := &networkRead{clients: clients, shared: opts.Shared, out: out, flowLogs: map[string][]estate.FlowLog{}}
	accounts := inventory.ActiveAccounts(e, scope.Accounts)
	for _, a := range accounts {
		out.Accounts = append(out.Accounts, string(a.Key))
	}
	opts.Progressf("reading the network layer in %d accounts and %d Regions", len(accounts), len(out.Regions))
	err := opts.ForEachAccount(ctx, accounts, func(ctx context.Context, g *errgroup.Group, a inventory.Account) {
		for _, region := range out.Regions {
			at, w := a.In(region)
			g.Go(func() error { return r.vpcs(ctx, at, w) })
			g.Go(func() error { return r.securityGroups(ctx, at, w) })
			g.Go(func() error { return r.networkACLs(ctx, at, w) })
			g.Go(func() error { return r.vpcFlowLogs(ctx, at, w) })
		}
	})
	if err != nil {
		return err
	}
	dropOrphans(out)
	attachFlowLogs(out, r.flowLogs)
	e.Network = out
	return nil
}

// dropOrphans removes the security groups and network ACLs of VPCs the VPC
// read did not list: a VPC deleted between the reads (moto also keeps a
// deleted VPC's default ACL for good). Judging them would report on
// network that no longer exists.
func dropOrphans(n *estate.Network) {
	for k, sg := range n.SecurityGroups {
		if sg.VPC != "" && n.VPCs[sg.Where.Key(sg.VPC)] == nil {
			delete(n.SecurityGroups, k)
		}
	}
	for k, acl := range n.NetworkACLs {
		if n.VPCs[acl.Where.Key(acl.VPC)] == nil {
			delete(n.NetworkACLs, k)
		}
	}
}

// attachFlowLogs gives each VPC the flow logs read for it, by ID; logs of
// VPCs the VPC read did not list are dropped as orphans are.
func attachFlowLogs(n *estate.Network, logs map[string][]estate.FlowLog) {
	for k, vpc := range n.VPCs {
		vpc.FlowLogs = logs[k]
		slices.SortFunc(vpc.FlowLogs, func(a, b estate.FlowLog) int { return strings.Compare(a.ID, b.ID) })
	}
}
