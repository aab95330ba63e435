package inventory

import (
	"context"
	"errors"
	"sort"
	"sync"

	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// LoggingClients builds read clients in an account (by AWS ID) and
// Region.
type LoggingClients interface {
	KMS(w estate.Where) KMSReadAPI
	S3(w estate.Where) S3ReadAPI
	CloudTrail(w estate.Where) CloudTrailReadAPI
	Config(w estate.Where) ConfigReadAPI
	IAM(w estate.Where) IAMReadAPI
	Logs(w estate.Where) LogsReadAPI
}

// SessionLoggingClients are the real read clients of a session.
type SessionLoggingClients struct {
	Session      *awsx.Session
	ManagementID string
}

func (c SessionLoggingClients) cfg(w estate.Where) awsx.ConfigFor {
	return awsx.ConfigFor{Session: c.Session, Account: w.Account, Management: c.ManagementID, Region: w.Region}
}

func (c SessionLoggingClients) KMS(w estate.Where) KMSReadAPI { return c.cfg(w).KMS() }
func (c SessionLoggingClients) S3(w estate.Where) S3ReadAPI   { return c.cfg(w).S3() }
func (c SessionLoggingClients) CloudTrail(w estate.Where) CloudTrailReadAPI {
	return c.cfg(w).CloudTrail()
}
func (c SessionLoggingClients) Config(w estate.Where) ConfigReadAPI {
	return c.cfg(w).ConfigService()
}
func (c SessionLoggingClients) IAM(w estate.Where) IAMReadAPI   { return c.cfg(w).IAM() }
func (c SessionLoggingClients) Logs(w estate.Where) LogsReadAPI { return c.cfg(w).Logs() }

// loggingRead is one collection of the logging layer: the estate being
// filled, what to look for, and a guarded result.
type loggingRead struct {
	clients LoggingClients
	e       *estate.Estate
	want    *estate.Logging
	mu      sync.Mutex
	out     *estate.Logging
}

// at resolves the account of w to its ID; ok is false for an account that
// does not exist, whose resources are therefore absent.
func (r *loggingRead) at(w estate.Where) (estate.Where, bool) {
	id, ok := r.e.Lookup(estate.RefAccountID, w.Account)
	return estate.Where{Account: id, Region: w.Region}, ok
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

// CollectLogging reads the logging layer that want describes (the desired
// layer: which keys, buckets, trails, roles to look for, and the accounts
// and Regions Config should be in) into e.Logging. Reads fan out over
// accounts and Regions with opts.Width in flight.
func CollectLogging(ctx context.Context, clients LoggingClients, e *estate.Estate, want *estate.Logging, opts Options) error {
	if e.Organization == nil || want == nil {
		return nil
	}
	opts.progress("reading the logging layer in %d accounts and Regions", len(want.Scope))
	r := &loggingRead{clients: clients, e: e, want: want, out: estate.NewLogging()}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.width())
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

// notFound reports the error codes AWS uses for "no such thing".
func notFound(err error, codes ...string) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}
