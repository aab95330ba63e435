package hardening

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// readClients builds the read clients of the hardening layer in an
// account (by AWS ID) and Region, and says who the session runs as.
type readClients interface {
	IAM(w estate.Location) iamReadAPI
	S3Control(w estate.Location) publicAccessBlockReadAPI
	EC2(w estate.Location) ec2ReadAPI
	// Caller is the ARN of the principal the reads run as.
	Caller(ctx context.Context) (string, error)
}

// sessionReadClients are the real read clients of a session.
type sessionReadClients struct{ inventory.Configs }

var _ readClients = sessionReadClients{}

func (c sessionReadClients) IAM(w estate.Location) iamReadAPI { return c.At(w).IAM() }
func (c sessionReadClients) S3Control(w estate.Location) publicAccessBlockReadAPI {
	return c.At(w).S3Control()
}
func (c sessionReadClients) EC2(w estate.Location) ec2ReadAPI { return c.At(w).EC2() }

func (c sessionReadClients) Caller(ctx context.Context) (string, error) {
	out, err := sts.NewFromConfig(c.Session.Config("", "", "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}

// Read reads the hardening layer that want describes into
// actual.Hardening, through r's session.
func Read(ctx context.Context, r inventory.Reader, actual *estate.Estate, want *estate.Hardening) error {
	return readWith(ctx, sessionReadClients{r.Configs(actual)}, actual, want, r.Options())
}

// hardeningRead is one collection of the hardening layer: the estate
// being filled, what to look for, and a guarded result.
type hardeningRead struct {
	clients readClients
	shared  *inventory.Shared
	want    *estate.Hardening
	mu      sync.Mutex
	out     *estate.Hardening
}

func (r *hardeningRead) locked(f func(h *estate.Hardening)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// readWith reads the hardening layer in every account want
// covers that exists and is active: per account the password policy, the
// account's S3 Block Public Access and the root user's credentials (three
// calls) and, when want has a support role there, that role and its
// managed policies (one or two calls); per account and Region the default
// VPC and, when there is one, its network interfaces (one or two calls),
// and, when want asks for it, EBS encryption by default (one call, shared
// with the datastores layer); in the management account its IAM users
// and who groundwork runs as. With 50 accounts and 4 Regions and the
// spec's defaults that is 600 to 900 reads, opts.Width at a time.
func readWith(ctx context.Context, clients readClients, e *estate.Estate, want *estate.Hardening, opts inventory.Options) error {
	if e.Organization == nil || want == nil {
		return nil
	}
	out := estate.NewHardening()
	out.Regions, out.HomeRegion = slices.Clone(want.Regions), want.HomeRegion
	r := &hardeningRead{clients: clients, shared: opts.Shared, want: want, out: out}
	accounts := inventory.ActiveAccounts(e, want.Accounts)
	for _, a := range accounts {
		out.Accounts = append(out.Accounts, string(a.Key))
	}
	opts.Progressf("reading the hardening layer in %d accounts and %d Regions", len(accounts), len(want.Regions))
	err := opts.ForEachAccount(ctx, accounts, func(ctx context.Context, g *errgroup.Group, a inventory.Account) {
		_, home := a.In(want.HomeRegion)
		g.Go(func() error { return r.passwordPolicy(ctx, a.Key, home) })
		g.Go(func() error { return r.publicAccessBlock(ctx, a.Key, home) })
		g.Go(func() error { return r.rootCredentials(ctx, a.Key, home) })
		for _, region := range want.Regions {
			at, w := a.In(region)
			g.Go(func() error { return r.defaultVPC(ctx, at, w) })
			if want.EBSEncryption[at.String()] != nil {
				g.Go(func() error { return r.ebsEncryption(ctx, at, w) })
			}
		}
		if role := want.SupportRoles[string(a.Key)]; role != nil {
			g.Go(func() error { return r.supportRole(ctx, a.Key, home, role.Name) })
		}
		if a.Key == estate.ManagementKey {
			g.Go(func() error { return r.users(ctx, home) })
			g.Go(func() error {
				arn, err := clients.Caller(ctx)
				if err != nil {
					return fmt.Errorf("read the caller identity: %w", err)
				}
				r.locked(func(h *estate.Hardening) { h.Caller = arn })
				return nil
			})
		}
	})
	if err != nil {
		return err
	}
	e.Hardening = out
	return nil
}
