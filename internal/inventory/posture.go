package inventory

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// PostureClients builds the read clients of the posture layer in an
// account (by AWS ID) and Region.
type PostureClients interface {
	IAM(w estate.Where) PostureIAMReadAPI
	S3(w estate.Where) PostureS3ReadAPI
	KMS(w estate.Where) PostureKMSReadAPI
	CloudTrail(w estate.Where) PostureTrailReadAPI
	EC2(w estate.Where) InstanceReadAPI
	RDS(w estate.Where) DBInstanceReadAPI
	Lambda(w estate.Where) FunctionReadAPI
	ECS(w estate.Where) ECSClusterReadAPI
	EKS(w estate.Where) EKSClusterReadAPI
}

// SessionPostureClients are the real read clients of a session.
type SessionPostureClients struct {
	Session      *awsx.Session
	ManagementID string
}

var _ PostureClients = SessionPostureClients{}

func (c SessionPostureClients) cfg(w estate.Where) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Account: w.Account, Management: c.ManagementID, Region: w.Region}
}

func (c SessionPostureClients) IAM(w estate.Where) PostureIAMReadAPI { return c.cfg(w).IAM() }
func (c SessionPostureClients) S3(w estate.Where) PostureS3ReadAPI   { return c.cfg(w).S3() }
func (c SessionPostureClients) KMS(w estate.Where) PostureKMSReadAPI { return c.cfg(w).KMS() }
func (c SessionPostureClients) CloudTrail(w estate.Where) PostureTrailReadAPI {
	return c.cfg(w).CloudTrail()
}
func (c SessionPostureClients) EC2(w estate.Where) InstanceReadAPI    { return c.cfg(w).EC2() }
func (c SessionPostureClients) RDS(w estate.Where) DBInstanceReadAPI  { return c.cfg(w).RDS() }
func (c SessionPostureClients) Lambda(w estate.Where) FunctionReadAPI { return c.cfg(w).Lambda() }
func (c SessionPostureClients) ECS(w estate.Where) ECSClusterReadAPI  { return c.cfg(w).ECS() }
func (c SessionPostureClients) EKS(w estate.Where) EKSClusterReadAPI  { return c.cfg(w).EKS() }

// CollectPosture reads the posture layer over scope into e.Posture,
// through the session's clients.
func CollectPosture(ctx context.Context, s *awsx.Session, e *estate.Estate, scope estate.Scope, opts Options) error {
	mgmt := ""
	if e.Organization != nil {
		mgmt = e.Organization.ManagementAccountID
	}
	return CollectPostureWith(ctx, SessionPostureClients{Session: s, ManagementID: mgmt}, e, scope, opts)
}

// postureRead is one collection of the posture layer: the clients, the
// options (for warnings) and a guarded result.
type postureRead struct {
	clients PostureClients
	opts    Options
	// accountKeys are the keys of the accounts read, by AWS ID.
	accountKeys map[string]string
	mu          sync.Mutex
	out         *estate.Posture
}

func (r *postureRead) locked(f func(p *estate.Posture)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// postureAccount is an account of the scope: its key in the estate and
// its AWS ID.
type postureAccount struct {
	key, id    string
	management bool
}

// CollectPostureWith reads the posture layer in every account of scope
// that exists and is active. It reads in two rounds, opts.Width at a
// time. First, per account in the home Region: the IAM credential report
// and the list of S3 buckets; per account and Region: the KMS keys (and
// each customer-managed key's description and rotation) and the trails
// (and the status of those homed there); in the management account, per
// Region, its EC2 instances, RDS DB instances, Lambda functions and ECS
// and EKS clusters. Then, per IAM user, the policies attached to it, and
// per bucket its Block Public Access, policy status and ACL. Last, when
// the clients can (PostureMonitoringClients), what watches the log groups
// that multi-Region trails that are logging deliver to: see monitoring.
//
// A read the service refuses as not implemented or with a server error
// is passed to opts.Warn and leaves that part unknown; any other error
// stops the collection and is returned, leaving e.Posture unset.
func CollectPostureWith(ctx context.Context, clients PostureClients, e *estate.Estate, scope estate.Scope, opts Options) error {
	if e.Organization == nil {
		return nil
	}
	out := estate.NewPosture(time.Now().UTC())
	out.Regions, out.HomeRegion = slices.Clone(scope.Regions), scope.HomeRegion
	r := &postureRead{clients: clients, opts: opts, accountKeys: map[string]string{}, out: out}
	var accounts []postureAccount
	for _, key := range scope.Accounts {
		id, ok := e.Lookup(estate.RefAccountID, key)
		if !ok {
			continue // not created yet: nothing to read
		}
		if a := e.Accounts[key]; a != nil && (a.Status == "SUSPENDED" || a.Status == "PENDING_CLOSURE") {
			continue // closing: the access role may be gone
		}
		accounts = append(accounts, postureAccount{key: key, id: id, management: id == e.Organization.ManagementAccountID})
		out.Accounts = append(out.Accounts, key)
		r.accountKeys[id] = key
	}
	slices.Sort(out.Accounts)
	opts.progress("reading the posture of %d accounts in %d Regions", len(accounts), len(scope.Regions))

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.width())
	var users []userRef
	var buckets []bucketRef
	var listMu sync.Mutex
	for _, a := range accounts {
		home := estate.Where{Account: a.id, Region: scope.HomeRegion}
		g.Go(func() error {
			us, err := r.credentialReport(gctx, a.key, home)
			listMu.Lock()
			users = append(users, us...)
			listMu.Unlock()
			return err
		})
		g.Go(func() error {
			bs, err := r.listBuckets(gctx, a.key, home)
			listMu.Lock()
			buckets = append(buckets, bs...)
			listMu.Unlock()
			return err
		})
		for _, region := range scope.Regions {
			place := placeRef{key: a.key, at: estate.Where{Account: a.id, Region: region}}
			g.Go(func() error { return r.keys(gctx, place) })
			g.Go(func() error { return r.trails(gctx, place) })
			if a.management {
				for _, read := range workloadReads {
					g.Go(func() error { return r.workloads(gctx, place, read) })
				}
			}
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}

	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(opts.width())
	for _, u := range users {
		g.Go(func() error { return r.userPolicies(gctx, u) })
	}
	for _, b := range buckets {
		g.Go(func() error { return r.bucket(gctx, b) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := r.monitoring(ctx); err != nil {
		return err
	}
	e.Posture = out
	return nil
}

// placeRef is an account and Region of the scope: key names the account
// in the layer, at addresses its clients by AWS ID.
type placeRef struct {
	key string
	at  estate.Where
}

// where is the place as the layer records it, by account key.
func (p placeRef) where() estate.Where { return estate.Where{Account: p.key, Region: p.at.Region} }

// placeKey is the key of the place in the layer's regional maps.
func (p placeRef) placeKey() string { return p.where().String() }

// unknown decides what a failed read means. A service that does not
// implement the call, or answers with a server error (as local AWS
// implementations do for APIs they lack), leaves that part of the layer
// unknown: the error goes to opts.Warn and unknown reports true, so the
// caller records nothing. Any other error is the caller's to return.
func (r *postureRead) unknown(err error, what string) bool {
	if !unsupported(err) {
		return false
	}
	if r.opts.Warn != nil {
		r.opts.Warn(fmt.Errorf("%s not read, its checks make no judgement there: %w", what, err))
	}
	return true
}

// unsupported reports whether err says the service cannot answer the call
// at all, rather than that the call was wrong or refused.
func unsupported(err error) bool {
	if err == nil {
		return false
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NotImplemented", "NotImplementedException", "InternalFailure", "InternalError", "InternalServerError",
			"ServiceUnavailable":
			return true
		}
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() >= http.StatusInternalServerError
}
