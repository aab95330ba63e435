package inventory

import (
	"context"
	"fmt"
	"sync"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Shared holds the reads that more than one layer makes in one run, so
// that AWS is asked once: the first layer to need a read makes it, the
// others wait for its answer. An audit surveys the hardening and network
// layers at the same time, and both read an account's VPCs in each
// Region; without Shared each would ask. It is safe for concurrent use;
// the zero value is ready, and a nil *Shared shares nothing (every read
// is made by its caller), which is what a reader built by hand gets.
//
// What it holds lives as long as the run: a few values per account and
// Region, and no read is repeated after it has answered.
type Shared struct {
	mu    sync.Mutex
	reads map[SharedKey]*sharedRead
}

// SharedKey names one shared read: the AWS call (service and operation,
// with anything that changes its answer) in an account and Region
// ("" for a global service such as IAM).
type SharedKey struct {
	Account estate.AccountID
	Region  string
	Call    string
}

func (k SharedKey) String() string {
	return fmt.Sprintf("%s in %s/%s", k.Call, k.Account, k.Region)
}

// sharedRead is one read, answered when done is closed.
type sharedRead struct {
	done chan struct{}
	val  any
	err  error
	// stopped says the read ended with its caller's context, which is no
	// answer.
	stopped bool
}

// ReadOnce returns the answer of read for key: read's own, made with
// ctx, when no caller has asked for key before; otherwise the first
// caller's, waited for. A failure is shared too (AWS would refuse the
// second caller as it refused the first), save the first caller's
// context ending: that is not an answer, and the next caller reads
// itself. Every caller of one key must ask for the same T.
func ReadOnce[T any](ctx context.Context, s *Shared, key SharedKey, read func(context.Context) (T, error)) (T, error) {
	if s == nil {
		return read(ctx)
	}
	for {
		s.mu.Lock()
		if s.reads == nil {
			s.reads = map[SharedKey]*sharedRead{}
		}
		r, asked := s.reads[key]
		if !asked {
			r = &sharedRead{done: make(chan struct{})}
			s.reads[key] = r
		}
		s.mu.Unlock()
		if !asked {
			v, err := read(ctx)
			r.val, r.err, r.stopped = v, err, err != nil && ctx.Err() != nil
			if r.stopped {
				// Not an answer: forget it, so that a caller whose
				// context is still alive reads again.
				s.mu.Lock()
				delete(s.reads, key)
				s.mu.Unlock()
			}
			close(r.done)
			return v, err
		}
		select {
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		case <-r.done:
		}
		if r.stopped {
			continue // the first caller was stopped, not answered
		}
		if r.err != nil {
			var zero T
			return zero, r.err
		}
		v, ok := r.val.(T)
		if !ok {
			panic(fmt.Sprintf("inventory: %s read as %T and as %T", key, r.val, v))
		}
		return v, nil
	}
}
