package datastores

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// ec2ReadAPI is the part of the EC2 client the layer reads: the
// account's EBS default and its instances.
type ec2ReadAPI interface {
	GetEbsEncryptionByDefault(context.Context, *ec2.GetEbsEncryptionByDefaultInput, ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error)
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
}

// rdsReadAPI is the part of the RDS client the layer reads.
type rdsReadAPI interface {
	DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
}

// efsReadAPI is the part of the EFS client the layer reads.
type efsReadAPI interface {
	DescribeFileSystems(context.Context, *efs.DescribeFileSystemsInput, ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error)
}

var (
	_ ec2ReadAPI = (*ec2.Client)(nil)
	_ rdsReadAPI = (*rds.Client)(nil)
	_ efsReadAPI = (*efs.Client)(nil)
)

// readClients builds the layer's read clients in an account (by AWS ID)
// and Region.
type readClients interface {
	EC2(w estate.Location) ec2ReadAPI
	RDS(w estate.Location) rdsReadAPI
	EFS(w estate.Location) efsReadAPI
}

// sessionReadClients are the real read clients of a session: the
// management account's own credentials there, the access role elsewhere.
type sessionReadClients struct{ inventory.Configs }

var _ readClients = sessionReadClients{}

func (c sessionReadClients) EC2(w estate.Location) ec2ReadAPI { return c.At(w).EC2() }
func (c sessionReadClients) RDS(w estate.Location) rdsReadAPI { return c.At(w).RDS() }
func (c sessionReadClients) EFS(w estate.Location) efsReadAPI { return c.At(w).EFS() }

// What the layer's checks read (audit.Check.Reads), and the parts a failed
// read records as not read at its place.
const (
	readEBS       = "datastores/ebs"
	readRDS       = "datastores/rds"
	readEFS       = "datastores/efs"
	readInstances = "datastores/instances"
)

// survey reads the layer over scope into actual.Datastores, through r's
// session.
func survey(ctx context.Context, r inventory.Reader, actual *estate.Estate, scope estate.Scope) error {
	return readWith(ctx, sessionReadClients{r.Configs(actual)}, actual, scope, r.Options())
}

// datastoresRead is one collection of the layer: the clients, the options
// (for warnings) and a guarded result.
type datastoresRead struct {
	clients readClients
	opts    inventory.Options
	// places says what a failed read at one place means.
	places *inventory.PlaceReads
	mu     sync.Mutex
	out    *estate.Datastores
}

func (r *datastoresRead) locked(f func(res *estate.Datastores)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// readWith reads the layer in every active account of scope, in each of
// its Regions: EBS encryption by default (one call), the RDS DB
// instances, the EFS file systems and the EC2 instances (one paginated
// read each), four reads per account and Region, opts.Width at a time.
//
// A read that fails leaves that part of that place unread: with
// opts.Warn set, the failure goes there as a NotReadError of the part at
// the account and Region, so that the checks are not evaluated there and
// are everywhere else; without it, the first failure is returned and
// e.Datastores stays unset.
func readWith(ctx context.Context, clients readClients, e *estate.Estate, scope estate.Scope, opts inventory.Options) error {
	if e.Organization == nil {
		return nil
	}
	out := estate.NewDatastores()
	out.Regions = slices.Compact(slices.Sorted(slices.Values(scope.Regions)))
	r := &datastoresRead{clients: clients, opts: opts, places: inventory.NewPlaceReads(opts), out: out}
	accounts := inventory.ActiveAccounts(e, scope.Accounts)
	for _, a := range accounts {
		out.Accounts = append(out.Accounts, string(a.Key))
	}
	opts.Progressf("reading EBS defaults, RDS, EFS and EC2 instances in %d accounts and %d Regions", len(accounts), len(out.Regions))
	err := opts.ForEachAccount(ctx, accounts, func(ctx context.Context, g *errgroup.Group, a inventory.Account) {
		for _, region := range out.Regions {
			w, at := a.In(region)
			g.Go(func() error { return r.places.Failed(ctx, r.ebs(ctx, w, at), readEBS, at) })
			g.Go(func() error { return r.places.Failed(ctx, r.dbInstances(ctx, w, at), readRDS, at) })
			g.Go(func() error { return r.places.Failed(ctx, r.fileSystems(ctx, w, at), readEFS, at) })
			g.Go(func() error { return r.places.Failed(ctx, r.instances(ctx, w, at), readInstances, at) })
		}
	})
	if err != nil {
		return err
	}
	e.Datastores = out
	return nil
}

// ebs reads whether EBS encrypts new volumes by default at the place, a
// read the hardening layer shares (inventory.EBSEncryptionByDefault).
func (r *datastoresRead) ebs(ctx context.Context, w estate.Where, at estate.Location) error {
	on, err := inventory.EBSEncryptionByDefault(ctx, r.opts.Shared, at, r.clients.EC2(at))
	if err != nil {
		return fmt.Errorf("read EBS encryption by default in %s %s: %w", at.Account, at.Region, err)
	}
	d := &estate.EBSDefault{Where: w, Encrypted: on}
	r.locked(func(out *estate.Datastores) { out.EBSDefaults[w.String()] = d })
	return nil
}

// dbInstances reads the RDS DB instances of the place.
func (r *datastoresRead) dbInstances(ctx context.Context, w estate.Where, at estate.Location) error {
	dbs := []*estate.DBInstance{}
	pages := rds.NewDescribeDBInstancesPaginator(r.clients.RDS(at), &rds.DescribeDBInstancesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list RDS DB instances in %s %s: %w", at.Account, at.Region, err)
		}
		for _, d := range page.DBInstances {
			dbs = append(dbs, &estate.DBInstance{
				Where: w, ID: aws.ToString(d.DBInstanceIdentifier), ARN: aws.ToString(d.DBInstanceArn), Engine: aws.ToString(d.Engine),
				StorageEncrypted: aws.ToBool(d.StorageEncrypted), AutoMinorVersionUpgrade: aws.ToBool(d.AutoMinorVersionUpgrade),
				PubliclyAccessible: aws.ToBool(d.PubliclyAccessible),
			})
		}
	}
	r.locked(func(res *estate.Datastores) { res.DBInstances[w.String()] = dbs })
	return nil
}

// fileSystems reads the EFS file systems of the place.
func (r *datastoresRead) fileSystems(ctx context.Context, w estate.Where, at estate.Location) error {
	fss := []*estate.FileSystem{}
	pages := efs.NewDescribeFileSystemsPaginator(r.clients.EFS(at), &efs.DescribeFileSystemsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list EFS file systems in %s %s: %w", at.Account, at.Region, err)
		}
		for _, f := range page.FileSystems {
			fss = append(fss, &estate.FileSystem{Where: w, ID: aws.ToString(f.FileSystemId), ARN: aws.ToString(f.FileSystemArn),
				Name: aws.ToString(f.Name), Encrypted: aws.ToBool(f.Encrypted)})
		}
	}
	r.locked(func(res *estate.Datastores) { res.FileSystems[w.String()] = fss })
	return nil
}

// liveStates are the states of an instance that still exists: a
// terminated instance keeps showing for an hour and runs nothing.
var liveStates = []string{"pending", "running", "shutting-down", "stopping", "stopped"}

// instances reads the EC2 instances of the place that are not terminated.
func (r *datastoresRead) instances(ctx context.Context, w estate.Where, at estate.Location) error {
	is := []*estate.Instance{}
	pages := ec2.NewDescribeInstancesPaginator(r.clients.EC2(at), &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: liveStates}},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list EC2 instances in %s %s: %w", at.Account, at.Region, err)
		}
		for _, res := range page.Reservations {
			for _, in := range res.Instances {
				i := &estate.Instance{Where: w, ID: aws.ToString(in.InstanceId)}
				if in.State != nil {
					i.State = string(in.State.Name)
				}
				if m := in.MetadataOptions; m != nil {
					i.HTTPTokens, i.MetadataEndpoint = string(m.HttpTokens), string(m.HttpEndpoint)
				}
				if p := in.IamInstanceProfile; p != nil {
					i.InstanceProfile = aws.ToString(p.Arn)
				}
				is = append(is, i)
			}
		}
	}
	slices.SortFunc(is, func(a, b *estate.Instance) int { return strings.Compare(a.ID, b.ID) })
	r.locked(func(res *estate.Datastores) { res.Instances[w.String()] = is })
	return nil
}
