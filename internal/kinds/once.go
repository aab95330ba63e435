package kinds

import (
	"context"
	"fmt"
	"time"

	"github.com/groundwork-aws/groundwork/internal/awsx"
)

// createAttempts bounds how many times CreateOnce sends a create whose
// earlier attempts left no trace: each one lost its response before the
// request reached AWS, or AWS refused it and the look found nothing.
const createAttempts = 4

// CreateOnce makes one thing with a non-idempotent create, never two.
//
// The SDK does not retry such a create once its request may have reached
// AWS (awsx.NonIdempotent): create then fails with an error that
// awsx.MaybeDone reports. CreateOnce then waits, calls look to find what
// the lost attempt may have made (look records what it finds, as create
// would), and adopts it; only when look finds nothing does it create
// again. An error with one of the codes in exists ("already exists" for
// what an earlier attempt, this run's or a killed run's, made) is handled
// the same way. Any other error is returned as it is.
//
// what names the thing in messages ("key alias/x in log-archive/us-east-1").
// Every recovery is reported through Recovered, so the apply's summary can
// say what a lost response cost.
func (e *Env) CreateOnce(ctx context.Context, what string, create func(context.Context) error,
	look func(context.Context) (bool, error), exists ...string) error {
	for attempt := 1; ; attempt++ {
		err := create(ctx)
		if err == nil {
			if attempt > 1 {
				e.Recovered("%s: created again after an attempt that made nothing", what)
			}
			return nil
		}
		lost := awsx.MaybeDone(err)
		if !lost && !awsx.ErrorCodeIs(err, exists...) {
			return err
		}
		if attempt == createAttempts {
			return fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		if lost {
			// Give what AWS carries out asynchronously (an account) or
			// lists a moment later time to show.
			wait := awsx.Backoff
			if e.CreateBackoff != nil {
				wait = e.CreateBackoff
			}
			select {
			case <-ctx.Done():
				return err
			case <-time.After(wait(attempt)):
			}
		}
		found, lerr := look(ctx)
		if lerr != nil {
			return fmt.Errorf("%w; then looking for what it may have made: %v", err, lerr)
		}
		if found {
			if lost {
				e.Recovered("%s: the response to its create was lost; adopted what the create made", what)
			} else {
				e.Recovered("%s: already existed when created; adopted it", what)
			}
			return nil
		}
	}
}

// CreateUnlessFound makes one thing whose create AWS refuses for a name
// taken: it looks first, and only when look finds nothing creates with
// CreateOnce(ctx, what, create, look, exists...). created reports whether
// this call's create made it; false means the thing was there already or
// was adopted (made by an attempt whose response was lost, or by someone
// else meanwhile), so it may not hold what create would have given it and
// the caller brings it there. Errors name what: "read <what>: ..." when
// the first look fails, "create <what>: ..." when the create does.
func (e *Env) CreateUnlessFound(ctx context.Context, what string, create func(context.Context) error,
	look func(context.Context) (bool, error), exists ...string) (created bool, err error) {
	found, err := look(ctx)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", what, err)
	}
	if found {
		return false, nil
	}
	made := func(ctx context.Context) error {
		err := create(ctx)
		created = err == nil
		return err
	}
	if err := e.CreateOnce(ctx, what, made, look, exists...); err != nil {
		return false, fmt.Errorf("create %s: %w", what, err)
	}
	return created, nil
}

// Recovered records a fault apply recovered from, for the apply's summary.
func (e *Env) Recovered(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	e.recoveredMu.Lock()
	e.recovered = append(e.recovered, msg)
	e.recoveredMu.Unlock()
	e.Logf("%s", msg)
}

// Recoveries returns what Recovered recorded, in order.
func (e *Env) Recoveries() []string {
	e.recoveredMu.Lock()
	defer e.recoveredMu.Unlock()
	return append([]string(nil), e.recovered...)
}
