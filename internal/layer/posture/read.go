package posture

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// readClients builds the read clients of the posture layer in an
// account (by AWS ID) and Region.
type readClients interface {
	IAM(w estate.Location) iamReadAPI
	S3(w estate.Location) s3ReadAPI
	KMS(w estate.Location) kmsReadAPI
	EC2(w estate.Location) instanceReadAPI
	RDS(w estate.Location) dbInstanceReadAPI
	Lambda(w estate.Location) functionReadAPI
	ECS(w estate.Location) ecsClusterReadAPI
	EKS(w estate.Location) eksClusterReadAPI
}

// sessionReadClients are the real read clients of a session.
type sessionReadClients struct{ inventory.Configs }

var _ readClients = sessionReadClients{}

func (c sessionReadClients) IAM(w estate.Location) iamReadAPI         { return c.At(w).IAM() }
func (c sessionReadClients) S3(w estate.Location) s3ReadAPI           { return c.At(w).S3() }
func (c sessionReadClients) KMS(w estate.Location) kmsReadAPI         { return c.At(w).KMS() }
func (c sessionReadClients) EC2(w estate.Location) instanceReadAPI    { return c.At(w).EC2() }
func (c sessionReadClients) RDS(w estate.Location) dbInstanceReadAPI  { return c.At(w).RDS() }
func (c sessionReadClients) Lambda(w estate.Location) functionReadAPI { return c.At(w).Lambda() }
func (c sessionReadClients) ECS(w estate.Location) ecsClusterReadAPI  { return c.At(w).ECS() }
func (c sessionReadClients) EKS(w estate.Location) eksClusterReadAPI  { return c.At(w).EKS() }

// survey reads the posture layer over scope into actual.Posture, through
// r's session.
func survey(ctx context.Context, r inventory.Reader, actual *estate.Estate, scope estate.Scope) error {
	return readWith(ctx, sessionReadClients{r.Configs(actual)}, actual, scope, r.Options())
}

// postureRead is one collection of the posture layer: the clients, the
// options (for warnings) and a guarded result.
type postureRead struct {
	clients readClients
	opts    inventory.Options
	mu      sync.Mutex
	out     *estate.Posture
}

func (r *postureRead) locked(f func(p *estate.Posture)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// readWith reads the posture layer in every account of scope
// that exists and is active. It reads in two rounds, opts.Width at a
// time. First, per account in the home Region: the IAM credential report
// (beside the pool, since IAM may take seconds to build it; see
// inventory.CredentialReport) and the list of S3 buckets; per account and
// Region: the KMS keys (and each customer-managed key's description and
// rotation); in the management account, per
// Region, its EC2 instances, RDS DB instances, Lambda functions and ECS
// and EKS clusters. Then, per IAM user, the policies attached to it;
// per account, its customer-managed policies attached to someone (and
// their default versions), who holds AWSSupportAccess and
// AWSCloudShellFullAccess, its server certificates and, where the root
// user has MFA, its virtual MFA devices (iamAccount); and per bucket its
// Block Public Access, policy status and ACL.
//
// A read the service refuses as not implemented or with a server error
// is passed to opts.Warn and leaves that part unknown; any other error
// stops the collection and is returned, leaving e.Posture unset.
func readWith(ctx context.Context, clients readClients, e *estate.Estate, scope estate.Scope, opts inventory.Options) error {
	if e.Organization == nil {
		return nil
	}
	out := estate.NewPosture(time.Now().UTC())
	out.Regions, out.HomeRegion = slices.Clone(scope.Regions), scope.HomeRegion
	r := &postureRead{clients: clients, opts: opts, out: out}
	accounts := inventory.ActiveAccounts(e, scope.Accounts)
	for _, a := range accounts {
		out.Accounts = append(out.Accounts, string(a.Key))
	}
	opts.Progressf("reading the posture of %d accounts in %d Regions", len(accounts), len(scope.Regions))

	var users []userRef
	var iamAccounts []iamAccountRef
	var buckets []bucketRef
	var listMu sync.Mutex
	// The credential reports are read beside the pool: IAM takes seconds
	// to build one, and waiting for it must not hold one of the pool's
	// reads. Their calls are bounded on their own (reportSlots).
	rctx, stopReports := context.WithCancel(ctx)
	defer stopReports()
	reports, rctx := errgroup.WithContext(rctx)
	reportSlots := make(chan struct{}, opts.Limit())
	err := opts.ForEachAccount(ctx, accounts, func(ctx context.Context, g *errgroup.Group, a inventory.Account) {
		_, home := a.In(scope.HomeRegion)
		reports.Go(func() error {
			us, root, err := r.credentialReport(rctx, a.Key, home, reportSlots)
			listMu.Lock()
			users = append(users, us...)
			iamAccounts = append(iamAccounts, iamAccountRef{key: a.Key, at: home, root: root})
			listMu.Unlock()
			return err
		})
		g.Go(func() error {
			bs, err := r.listBuckets(ctx, a.Key, home)
			listMu.Lock()
			buckets = append(buckets, bs...)
			listMu.Unlock()
			return err
		})
		for _, region := range scope.Regions {
			_, w := a.In(region)
			place := placeRef{key: a.Key, at: w}
			g.Go(func() error { return r.keys(ctx, place) })
			if a.ID == estate.AccountID(e.Organization.ManagementAccountID) {
				for _, read := range workloadReads {
					g.Go(func() error { return r.workloads(ctx, place, read) })
				}
			}
		}
	})
	if err != nil {
		stopReports()
	}
	if rerr := reports.Wait(); err == nil {
		err = rerr
	}
	if err != nil {
		return err
	}

	g, gctx := opts.Group(ctx)
	for _, u := range users {
		g.Go(func() error { return r.userPolicies(gctx, u) })
	}
	for _, a := range iamAccounts {
		g.Go(func() error { return r.iamAccount(gctx, a) })
	}
	for _, b := range buckets {
		g.Go(func() error { return r.bucket(gctx, b) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	e.Posture = out
	return nil
}

// placeRef is an account and Region of the scope: key names the account
// in the layer, at addresses its clients by AWS ID.
type placeRef struct {
	key estate.AccountKey
	at  estate.Location
}

// where is the place as the layer records it, by account key.
func (p placeRef) where() estate.Where { return estate.Where{Account: p.key, Region: p.at.Region} }

// placeKey is the key of the place in the layer's regional maps.
func (p placeRef) placeKey() string { return p.where().String() }

// What the layer's checks read (audit.Check.Reads), and the parts its
// reads record as not read (inventory.NotReadError) where a service leaves
// them unknown.
const (
	readIAM       = "posture/iam"
	readS3        = "posture/s3"
	readKMS       = "posture/kms"
	readWorkloads = "posture/workloads"
)

// unknown decides what a failed read means. A service that does not
// implement the call, or answers with a server error (as local AWS
// implementations do for APIs they lack), leaves that part of the layer
// unknown: the error goes to opts.Warn as the part (one of the read
// constants) not read at at, and unknown reports true, so the caller
// records nothing. Any other error is the caller's to return.
func (r *postureRead) unknown(err error, part string, at estate.Location, what string) bool {
	if !awsx.Unsupported(err) {
		return false
	}
	if r.opts.Warn != nil {
		r.opts.Warn(inventory.NotRead(part, string(at.Account), at.Region, fmt.Errorf("%s: %w", what, err)))
	}
	return true
}

// global is at without its Region: IAM and the list of S3 buckets belong
// to the account, not to the Region they are read through.
func global(at estate.Location) estate.Location { return estate.Location{Account: at.Account} }
