package logging

import (
	"context"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// readClients builds read clients in an account (by AWS ID) and
// Region.
type readClients interface {
	KMS(w estate.Location) kmsReadAPI
	S3(w estate.Location) BucketReadAPI
	CloudTrail(w estate.Location) trailReadAPI
	Config(w estate.Location) configReadAPI
	IAM(w estate.Location) iamReadAPI
	Logs(w estate.Location) logsReadAPI
}

// sessionReadClients are the real read clients of a session.
type sessionReadClients struct{ inventory.Configs }

func (c sessionReadClients) KMS(w estate.Location) kmsReadAPI   { return c.At(w).KMS() }
func (c sessionReadClients) S3(w estate.Location) BucketReadAPI { return c.At(w).S3() }
func (c sessionReadClients) CloudTrail(w estate.Location) trailReadAPI {
	return c.At(w).CloudTrail()
}
func (c sessionReadClients) Config(w estate.Location) configReadAPI {
	return c.At(w).ConfigService()
}
func (c sessionReadClients) IAM(w estate.Location) iamReadAPI   { return c.At(w).IAM() }
func (c sessionReadClients) Logs(w estate.Location) logsReadAPI { return c.At(w).Logs() }

// loggingRead is one collection of the logging layer: the estate being
// filled, what to look for, and a guarded result.
type loggingRead struct {
	clients readClients
	e       *estate.Estate
	want    *estate.Logging
	// survey is set when a survey reads every place's trails, Config
	// rules, recorders and aggregators itself: the collectors below then
	// read only what want names beyond those.
	survey bool
	// soft, when set, takes a failed read of a part at a place instead of
	// failing the whole read.
	soft func(part string, at estate.Location, err error)
	mu   sync.Mutex
	out  *estate.Logging
}

// at resolves the account of w to its ID; ok is false for an account that
// does not exist, whose resources are therefore absent.
func (r *loggingRead) at(w estate.Where) (estate.Location, bool) {
	id, ok := r.e.Lookup(estate.RefAccountID, string(w.Account))
	return estate.Location{Account: estate.AccountID(id), Region: w.Region}, ok
}

func (r *loggingRead) locked(f func(l *estate.Logging)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.out)
}

// loggingCollector reads one part of the logging layer, adding its reads
// to the group; all run concurrently within the group's limit.
type loggingCollector func(ctx context.Context, g *errgroup.Group, r *loggingRead)

// loggingCollectors are registered by the file of each service, in init.
var loggingCollectors []loggingCollector

func registerLoggingCollector(c loggingCollector) { loggingCollectors = append(loggingCollectors, c) }

// Read reads the logging layer that want describes into actual.Logging,
// through r's session: the management account's own credentials there,
// its access role in the members.
func Read(ctx context.Context, r inventory.Reader, actual *estate.Estate, want *estate.Logging) error {
	return readWith(ctx, sessionReadClients{r.Configs(actual)}, actual, want, r.Options())
}

// readWith reads the logging layer that want describes (the desired
// layer: which keys, buckets, trails, roles to look for, and the accounts
// and Regions Config should be in) into e.Logging. Reads fan out over
// accounts and Regions with opts.Width in flight.
func readWith(ctx context.Context, clients readClients, e *estate.Estate, want *estate.Logging, opts inventory.Options) error {
	if e.Organization == nil || want == nil {
		return nil
	}
	opts.Progressf("reading the logging layer in %d accounts and Regions", len(want.Scope))
	r := &loggingRead{clients: clients, e: e, want: want, out: estate.NewLogging()}
	g, gctx := opts.Group(ctx)
	for _, c := range loggingCollectors {
		c(gctx, g, r)
	}
	if err := g.Wait(); err != nil {
		return err
	}
	sort.Slice(r.out.Scope, func(i, j int) bool { return r.out.Scope[i].Key("") < r.out.Scope[j].Key("") })
	e.Logging = r.out
	return nil
}
