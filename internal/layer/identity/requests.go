package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// request is the state of an IAM Identity Center request that goes on
// after its call has answered: an assignment's creation or deletion, a
// permission set's provisioning.
type request struct {
	status     types.StatusValues
	reason, id *string
}

func assignmentRequest(st *types.AccountAssignmentOperationStatus) *request {
	if st == nil {
		return nil
	}
	return &request{status: st.Status, reason: st.FailureReason, id: st.RequestId}
}

func provisioningRequest(st *types.PermissionSetProvisioningStatus) *request {
	if st == nil {
		return nil
	}
	return &request{status: st.Status, reason: st.FailureReason, id: st.RequestId}
}

// waitRequest polls a request until it ends, for at most provisionWait:
// r is its state in the call's answer (nil when the answer had none),
// next reads it again by its ID.
func waitRequest(ctx context.Context, env *kinds.Env, r *request, next func(context.Context, *string) (*request, error)) error {
	ctx, cancel := context.WithTimeout(ctx, provisionWait)
	defer cancel()
	wait := pollStart(env)
	for {
		if r == nil {
			return fmt.Errorf("no request status in the answer")
		}
		switch r.status {
		case types.StatusValuesSucceeded:
			return nil
		case types.StatusValuesFailed:
			return fmt.Errorf("AWS could not carry it out: %s", aws.ToString(r.reason))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for request %s: %w", aws.ToString(r.id), ctx.Err())
		case <-time.After(wait):
		}
		wait = pollNext(env, wait)
		id := r.id
		var err error
		if r, err = next(ctx, id); err != nil {
			return fmt.Errorf("read the status of request %s: %w", aws.ToString(id), err)
		}
	}
}

// pollStart and pollNext are the waits between status reads: from
// env.PollInterval, growing to env.MaxPollInterval, as for accounts.
func pollStart(env *kinds.Env) time.Duration {
	if env.PollInterval > 0 {
		return env.PollInterval
	}
	return time.Second
}

func pollNext(env *kinds.Env, wait time.Duration) time.Duration {
	limit := env.MaxPollInterval
	if limit <= 0 {
		limit = kinds.DefaultMaxPollInterval
	}
	return min(wait*3/2, limit)
}
