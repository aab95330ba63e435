package inventory

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// HardeningClients builds the read clients of the hardening layer in an
// account (by AWS ID) and Region, and says who the session runs as.
type HardeningClients interface {
	IAM(w estate.Where) HardeningIAMReadAPI
	S3Control(w estate.Where) PublicAccessBlockReadAPI
	EC2(w estate.Where) DefaultVPCReadAPI
	// Caller is the ARN of the principal the reads run as.
	Caller(ctx context.Context) (string, error)
}

// SessionHardeningClients are the real read clients of a session.
type SessionHardeningClients struct {
	Session      *awsx.Session
	ManagementID string
}

var _ HardeningClients = SessionHardeningClients{}

func (c SessionHardeningClients) cfg(w estate.Where) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Account: w.Account, Management: c.ManagementID, Region: w.Region}
}

func (c SessionHardeningClients) IAM(w estate.Where) HardeningIAMReadAPI { return c.cfg(w).IAM() }
func (c SessionHardeningClients) S3Control(w estate.Where) PublicAccessBlockReadAPI {
	return c.cfg(w).S3Control()
}
func (c SessionHardeningClients) EC2(w estate.Where) DefaultVPCReadAPI { return c.cfg(w).EC2() }

func (c SessionHardeningClients) Caller(ctx context.Context) (string, error) {
	out, err := sts.NewFromConfig(c.Session.Config("", "", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}

// CollectHardening reads the hardening layer that want describes into
// e.Hardening, through the session's clients.
func CollectHardening(ctx context.Context, s *awsx.Session, e *estate.Estate, want *estate.Hardening, opts Options) error {
	mgmt := ""
	if e.Organization != nil {
		mgmt = e.Organization.ManagementAccountID
	}
	return CollectHardeningWith(ctx, SessionHardeningClients{Session: s, ManagementID: mgmt}, e, want, opts)
}

// hardeningRead is one collection of the hardening layer: the estate
// being filled, what to look for, and a guarded result.
type hardeningRead struct {
	clients HardeningClients
	want    *estate.Hardening
	mu      sync.Mutex
	out     *estate.Hardening
}

func (r *hardeningRead) locked(f func(h *estate.Hardening)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// CollectHardeningWith reads the hardening layer in every account want
// covers that exists and is active: per account the password policy, the
// account's S3 Block Public Access and the root user's credentials (three
// calls); per account and Region the default VPC and, when there is one,
// its network interfaces (one or two calls); in the management account
// its IAM users and who groundwork runs as. With 50 accounts and 4
// Regions that is 350 to 550 reads, opts.Width at a time.
func CollectHardeningWith(ctx context.Context, clients HardeningClients, e *estate.Estate, want *estate.Hardening, opts Options) error {
	if e.Organization == nil || want == nil {
		return nil
	}
	out := estate.NewHardening()
	out.Regions, out.HomeRegion = slices.Clone(want.Regions), want.HomeRegion
	r := &hardeningRead{clients: clients, want: want, out: out}
	type place struct{ key, id string }
	var accounts []place
	for _, key := range want.Accounts {
		id, ok := e.Lookup(estate.RefAccountID, key)
		if !ok {
			continue // not created yet: nothing to read
		}
		if a := e.Accounts[key]; a != nil && (a.Status == "SUSPENDED" || a.Status == "PENDING_CLOSURE") {
			continue // closing: the access role may be gone, and nothing there is managed
		}
		accounts = append(accounts, place{key, id})
		out.Accounts = append(out.Accounts, key)
	}
	slices.Sort(out.Accounts)
	opts.progress("reading the hardening layer in %d accounts and %d Regions", len(accounts), len(want.Regions))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.width())
	for _, a := range accounts {
		home := estate.Where{Account: a.id, Region: want.HomeRegion}
		g.Go(func() error { return r.passwordPolicy(gctx, a.key, home) })
		g.Go(func() error { return r.publicAccessBlock(gctx, a.key, home) })
		g.Go(func() error { return r.rootCredentials(gctx, a.key, home) })
		for _, region := range want.Regions {
			g.Go(func() error {
				return r.defaultVPC(gctx, estate.Where{Account: a.key, Region: region}, estate.Where{Account: a.id, Region: region})
			})
		}
		if a.key == estate.ManagementKey {
			g.Go(func() error { return r.users(gctx, home) })
			g.Go(func() error {
				arn, err := clients.Caller(gctx)
				if err != nil {
					return fmt.Errorf("read the caller identity: %w", err)
				}
				r.locked(func(h *estate.Hardening) { h.Caller = arn })
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	e.Hardening = out
	return nil
}
