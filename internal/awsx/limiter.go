package awsx

import (
	"context"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// How many calls are in flight, per API and account.
//
// AWS throttles each account on its own, per service (Organizations and
// Account in the management account, EC2 per Region, IAM ...), so the
// width that fits is one per service, account and Region, not one for the
// whole run: reads spread over a thousand member accounts must not be
// held to what the management account's Organizations API allows. By
// default each such API starts at AdaptiveStart calls in flight and
// adapts, as TCP's congestion control does: one more for every window of
// calls that went through, half as many after a throttling error
// (Classify's CauseThrottled), between 1 and AdaptiveMax. The SDK's
// adaptive retry mode still paces the retries of each client; this bounds
// what is in flight. A fixed width (Options.Concurrency, --concurrency)
// replaces the adaptation.
//
// MaxInFlight bounds the attempts in flight across the whole session,
// whatever the widths: each is a connection and a goroutine.
const (
	AdaptiveStart = 4
	AdaptiveMax   = 32
	MaxInFlight   = 256
)

// limiter bounds the attempts in flight at one API (service, account and
// Region), adaptively or at a fixed width. It is safe for concurrent use.
type limiter struct {
	mu       sync.Mutex
	limit    float64 // the width: int(limit) attempts at once
	max      float64
	fixed    bool
	inFlight int
	// wake, when someone waits, is closed whenever a slot frees or the
	// width grows, and made again by the next to wait: nil while no one
	// waits, so that the tens of thousands of limiters of a large
	// organization hold no channel, and a call that waits for nothing
	// makes none.
	wake chan struct{}
}

// newLimiter returns an adaptive limiter, or one of width fixed when
// fixed > 0.
func newLimiter(fixed int) *limiter {
	if fixed > 0 {
		return &limiter{limit: float64(fixed), max: float64(fixed), fixed: true}
	}
	return &limiter{limit: AdaptiveStart, max: AdaptiveMax}
}

// acquire waits for a slot, or for ctx to end.
func (l *limiter) acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		if l.inFlight < int(l.limit) {
			l.inFlight++
			l.mu.Unlock()
			return nil
		}
		if l.wake == nil {
			l.wake = make(chan struct{})
		}
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

// release frees a slot and adapts the width to how the attempt ended.
func (l *limiter) release(throttled bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	if !l.fixed {
		if throttled {
			l.limit = max(1, l.limit/2)
		} else {
			l.limit = min(l.max, l.limit+1/l.limit)
		}
	}
	l.wakeAll()
}

// wakeAll wakes every waiter; l.mu is held.
func (l *limiter) wakeAll() {
	if l.wake != nil {
		close(l.wake)
		l.wake = nil
	}
}

// cancel frees a slot taken by an attempt that never went out.
func (l *limiter) cancel() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	l.wakeAll()
}

// width is the current width.
func (l *limiter) width() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return int(l.limit)
}

// limiterKey names one API's limiter.
type limiterKey struct{ account, region, service string }

// limiterFor returns the session's limiter for key, made on first use.
func (s *Session) limiterFor(key limiterKey) *limiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limiters == nil {
		s.limiters = map[limiterKey]*limiter{}
	}
	l, ok := s.limiters[key]
	if !ok {
		l = newLimiter(s.opts.Concurrency)
		s.limiters[key] = l
	}
	return l
}

// inFlight is the session-wide bound, made on first use.
func (s *Session) inFlight() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.all == nil {
		s.all = make(chan struct{}, MaxInFlight)
	}
	return s.all
}

// limitMiddleware makes every attempt of the calls made in account
// ("" for the session's own) and region take a slot of its API's limiter
// and of the session-wide bound while it is in flight. It runs after the
// SDK's retry middleware: a call waiting to be retried holds no slot, and
// each attempt's outcome adapts the width.
func (s *Session) limitMiddleware(account, region string) func(*middleware.Stack) error {
	all := s.inFlight()
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("groundwork.concurrency",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				l := s.limiterFor(limiterKey{account: account, region: region, service: awsmiddleware.GetServiceID(ctx)})
				if err := l.acquire(ctx); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				select {
				case all <- struct{}{}:
				case <-ctx.Done():
					l.cancel()
					return middleware.FinalizeOutput{}, middleware.Metadata{}, ctx.Err()
				}
				out, md, err := next.HandleFinalize(ctx, in)
				<-all
				l.release(err != nil && Classify(err).Cause == CauseThrottled)
				return out, md, err
			}), middleware.After)
	}
}
