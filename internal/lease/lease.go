package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Name is the SSM parameter that holds the lease, in the management
// account's home Region.
const Name = "/groundwork/apply-lease"

// DefaultTTL is how long a lease lasts unless renewed: how long a crashed
// apply on another machine can keep the next one out (on the same machine
// the next one takes over at once). A running apply renews it every
// TTL/5, so that a renewal or two may fail without the lease running out.
const DefaultTTL = 5 * time.Minute

// API is the part of the SSM client the lease uses.
type API interface {
	PutParameter(context.Context, *ssm.PutParameterInput, ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
	GetParameter(context.Context, *ssm.GetParameterInput, ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

var _ API = (*ssm.Client)(nil)

// Holder is who holds a lease: the parameter's value, as JSON.
type Holder struct {
	Who     string    `json:"who"` // the caller's ARN
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Token   string    `json:"token"` // unique per lease taken
	Started time.Time `json:"started"`
	Expires time.Time `json:"expires"`
	// Released says the holder has finished: the parameter stays, naming
	// the last apply, so that an apply that read the organization before
	// it can tell (Acquire's ErrChanged).
	Released bool `json:"released,omitempty"`
}

// Options tune Acquire.
type Options struct {
	TTL time.Duration // 0: DefaultTTL
	// Force takes the lease whoever holds it: --force-unlock, for a
	// holder the user knows is not running.
	Force bool
	// Host is this machine's name; Running reports whether a process of
	// this machine still runs. A lease held by a process of this machine
	// that no longer runs is taken over at once.
	Host    string
	Running func(pid int) bool
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// HeldError is Acquire's answer when another apply holds the lease.
type HeldError struct {
	Holder Holder
	Now    time.Time
}

func (e *HeldError) Error() string {
	h := e.Holder
	return fmt.Sprintf("another groundwork %s is running against this organization: %s on %s (pid %d) has held its lease since %s, until %s (%s from now) unless it renews it. "+
		"Wait for it to finish and run again; if it is not running any more (a machine that went away), run again after %s, or with --force-unlock",
		orApply(h.Command), h.Who, h.Host, h.PID, h.Started.UTC().Format(time.RFC3339), h.Expires.UTC().Format(time.RFC3339),
		h.Expires.Sub(e.Now).Round(time.Second), h.Expires.UTC().Format(time.RFC3339))
}

func orApply(c string) string {
	if c == "" {
		return "apply"
	}
	return c
}

// ErrLost is the cause of a held lease's context when the lease was lost:
// it could not be renewed before it expired, or another apply took it
// over (after it expired, or with --force-unlock).
var ErrLost = errors.New("lost the apply lease")

// ErrChanged is Acquire's answer when another apply took and released
// the lease after Observe: it may have changed what this apply read.
var ErrChanged = errors.New("another groundwork apply ran against this organization while this one was reading it; run groundwork apply again to plan from what it made")

// Lease is a lease this process holds.
type Lease struct {
	api  API
	opts Options
	ttl  time.Duration

	mu   sync.Mutex
	mine Holder
}

// Seen is the lease as Observe found it, before the apply read the
// organization.
type Seen struct {
	version int64 // 0: there was no lease parameter
	// Held says another apply held the lease (Observe returns it only
	// with Options.Force), and Holder is the last holder.
	Held   bool
	Holder Holder
}

// Observe reads the lease before an apply reads the organization, so
// that a running apply is named at once rather than after the reads. It
// fails with a *HeldError when another apply holds the lease (unless
// opts.Force); it writes nothing.
func Observe(ctx context.Context, api API, opts Options) (Seen, error) {
	l := &Lease{api: api, opts: opts}
	held, version, err := l.read(ctx, "")
	var missing *types.ParameterNotFound
	switch {
	case errors.As(err, &missing):
		return Seen{}, nil
	case err != nil:
		return Seen{}, err
	case !opts.Force && !l.takeable(held):
		return Seen{}, &HeldError{Holder: held, Now: opts.now()}
	}
	return Seen{version: version, Held: !l.takeable(held), Holder: held}, nil
}

// Acquire takes the lease for me (its Token, Started and Expires are set
// here) if nobody took it since Observe saw it as seen. It fails with a
// *HeldError when another apply holds it, and with ErrChanged when
// another apply took and released it since. A lease that is released,
// expired, or held by a process of this machine that no longer runs is
// taken over, and any lease with opts.Force. When several take over one
// lease at once, the first write after it wins and the others give back
// what they wrote.
func Acquire(ctx context.Context, api API, me Holder, seen Seen, opts Options) (*Lease, error) {
	l := &Lease{api: api, opts: opts, ttl: opts.TTL}
	if l.ttl <= 0 {
		l.ttl = DefaultTTL
	}
	me.Token = newToken()
	me.Started = opts.now().UTC()
	me.Expires = me.Started.Add(l.ttl)
	l.mine = me
	value, err := json.Marshal(me)
	if err != nil {
		return nil, err
	}
	if seen.version == 0 {
		_, err = api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(Name), Value: aws.String(string(value)),
			Type: types.ParameterTypeString, Overwrite: aws.Bool(false),
			Description: aws.String("groundwork: the apply lease of this organization; see groundwork's README")})
		var exists *types.ParameterAlreadyExists
		switch {
		case err == nil:
			return l, nil
		case !errors.As(err, &exists):
			return nil, fmt.Errorf("take the apply lease (SSM parameter %s): %w", Name, err)
		}
	}
	held, version, err := l.read(ctx, "")
	if err != nil {
		return nil, err
	}
	switch {
	case held.Token == me.Token:
		// The create above reached SSM, its response was lost, and the
		// SDK's retry met ParameterAlreadyExists: the lease is ours.
		return l, nil
	case opts.Force:
	case !l.takeable(held):
		return nil, &HeldError{Holder: held, Now: opts.now()}
	case version != seen.version:
		return nil, ErrChanged
	}
	return l, l.takeOver(ctx, version, value)
}

// takeable reports whether a lease held by h may be taken over.
func (l *Lease) takeable(h Holder) bool {
	if h.Released || h.Token == "" || !l.opts.now().Before(h.Expires) {
		return true // released, not a lease groundwork wrote, or expired
	}
	return h.Host != "" && h.Host == l.opts.Host && l.opts.Running != nil && !l.opts.Running(h.PID)
}

// takeOver replaces the lease read at version with value. SSM has no
// compare-and-swap, but it numbers the writes: of all who overwrite the
// lease read at version, the one whose write is version+1 wins; a loser
// puts the winner's value back if its own write is the latest.
func (l *Lease) takeOver(ctx context.Context, version int64, value []byte) error {
	out, err := l.api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(Name), Value: aws.String(string(value)),
		Type: types.ParameterTypeString, Overwrite: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("take over the apply lease (SSM parameter %s): %w", Name, err)
	}
	if out.Version == version+1 {
		return nil
	}
	winner, _, err := l.read(ctx, ":"+strconv.FormatInt(version+1, 10))
	if err != nil {
		return err
	}
	if winner.Token == l.mine.Token {
		return nil
	}
	if current, _, err := l.read(ctx, ""); err == nil && current.Token == l.mine.Token {
		back, _ := json.Marshal(winner)
		l.api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(Name), Value: aws.String(string(back)),
			Type: types.ParameterTypeString, Overwrite: aws.Bool(true)})
	}
	return &HeldError{Holder: winner, Now: l.opts.now()}
}

// read returns the lease's holder and version; selector is "" for the
// latest, ":N" for version N.
func (l *Lease) read(ctx context.Context, selector string) (Holder, int64, error) {
	out, err := l.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(Name + selector)})
	if err != nil {
		return Holder{}, 0, fmt.Errorf("read the apply lease (SSM parameter %s): %w", Name, err)
	}
	var h Holder
	// A value that is not a lease groundwork wrote has no token and is
	// taken over like an expired one.
	_ = json.Unmarshal([]byte(aws.ToString(out.Parameter.Value)), &h)
	return h, out.Parameter.Version, nil
}

// Holder returns the lease as this process holds it.
func (l *Lease) Holder() Holder {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.mine
}

// Renew extends the lease by its time to live. It fails with ErrLost when
// another apply holds it now.
func (l *Lease) Renew(ctx context.Context) error {
	current, _, err := l.read(ctx, "")
	if err != nil {
		return err
	}
	l.mu.Lock()
	mine := l.mine
	l.mu.Unlock()
	if current.Token != mine.Token {
		return fmt.Errorf("%w: %s on %s holds it now", ErrLost, current.Who, current.Host)
	}
	mine.Expires = l.opts.now().UTC().Add(l.ttl)
	value, err := json.Marshal(mine)
	if err != nil {
		return err
	}
	if _, err := l.api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(Name), Value: aws.String(string(value)),
		Type: types.ParameterTypeString, Overwrite: aws.Bool(true)}); err != nil {
		return fmt.Errorf("renew the apply lease: %w", err)
	}
	l.mu.Lock()
	l.mine = mine
	l.mu.Unlock()
	return nil
}

// Keep renews the lease every TTL/5 until the returned stop is called,
// and returns a context derived from ctx that is cancelled, with a cause
// wrapping ErrLost, when the lease is lost: another apply took it over,
// or renewals failed until it expired. stop waits for the renewals to
// end; it does not release the lease.
func (l *Lease) Keep(ctx context.Context) (held context.Context, stop func()) {
	held, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		t := time.NewTicker(l.ttl / 5)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			// Renewals outlive a stop of the run: an apply draining its
			// changes in flight still holds the lease.
			rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), l.ttl/5)
			err := l.Renew(rctx)
			rcancel()
			switch {
			case errors.Is(err, ErrLost):
				cancel(err)
				return
			case err != nil && !l.opts.now().Before(l.Holder().Expires):
				cancel(fmt.Errorf("%w: it expired while renewals failed: %v", ErrLost, err))
				return
			}
		}
	}()
	return held, func() {
		close(done)
		<-ended
		cancel(nil)
	}
}

// Release marks the lease released if this process still holds it. The
// parameter stays, naming the last apply (see Holder.Released).
func (l *Lease) Release(ctx context.Context) error {
	current, _, err := l.read(ctx, "")
	if err != nil {
		return err
	}
	mine := l.Holder()
	if current.Token != mine.Token {
		return nil // taken over: not ours to release
	}
	mine.Released = true
	mine.Expires = l.opts.now().UTC()
	value, err := json.Marshal(mine)
	if err != nil {
		return err
	}
	if _, err := l.api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(Name), Value: aws.String(string(value)),
		Type: types.ParameterTypeString, Overwrite: aws.Bool(true)}); err != nil {
		return fmt.Errorf("release the apply lease (SSM parameter %s): %w", Name, err)
	}
	l.mu.Lock()
	l.mine = mine
	l.mu.Unlock()
	return nil
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
