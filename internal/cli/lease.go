package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/lease"
)

// applyLease is the lease an apply observes before it reads the
// organization and acquires before its first write (package lease).
type applyLease struct {
	api  lease.API
	opts lease.Options
	seen lease.Seen
	who  string
	g    *globals
}

// observeLease reads the apply lease in the management account's home
// Region (the session's Region when home is ""), failing when another
// apply holds it. force is --force-unlock.
func (g *globals) observeLease(ctx context.Context, home string, force bool) (*applyLease, error) {
	s, err := g.session(ctx, "")
	if err != nil {
		return nil, err
	}
	id, err := g.whoami(ctx, s)
	if err != nil {
		return nil, readError(err)
	}
	host, _ := os.Hostname()
	a := &applyLease{g: g, who: id.ARN,
		api:  ssm.NewFromConfig(awsx.ConfigFor{Session: s, Region: home}.Config()),
		opts: lease.Options{Force: force, Host: host, Running: processRunning}}
	if a.seen, err = lease.Observe(ctx, a.api, a.opts); err != nil {
		return nil, err
	}
	if force && a.seen.Held {
		h := a.seen.Holder
		fmt.Fprintf(g.io.Err, "--force-unlock: taking the apply lease from %s on %s (pid %d), held since %s\n",
			h.Who, h.Host, h.PID, h.Started.UTC().Format(time.RFC3339))
	}
	return a, nil
}

// acquire takes the lease for this apply and keeps it renewed. held is
// ctx, also cancelled when the lease is lost; release stops the renewals
// and releases the lease, even after a stop of the run.
func (a *applyLease) acquire(ctx context.Context) (held context.Context, release func(), err error) {
	host, _ := os.Hostname()
	l, err := lease.Acquire(ctx, a.api, lease.Holder{Who: a.who, Host: host, PID: os.Getpid(), Command: "apply"}, a.seen, a.opts)
	if err != nil {
		return nil, nil, err
	}
	held, stop := l.Keep(ctx)
	return held, func() {
		stop()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := l.Release(rctx); err != nil {
			fmt.Fprintf(a.g.io.Err, "warning: %v\n  the lease expires by itself at %s\n", awsx.Explain(err, a.g.profile),
				l.Holder().Expires.UTC().Format(time.RFC3339))
		}
	}, nil
}

// lost adds to err why the run stopped when it lost its lease.
func lost(held context.Context, err error) error {
	if cause := context.Cause(held); err != nil && errors.Is(cause, lease.ErrLost) {
		return fmt.Errorf("%w\n%v", err, cause)
	}
	return err
}
