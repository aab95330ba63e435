package cli

import (
	"context"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// cutoff remembers the first AWS call that a stop (a signal, --timeout)
// cut off, and where it was sent: what a run stopped while waiting on a
// hung endpoint says it was waiting for. The SDK's own error for a
// cancelled call names neither the call's attempt nor its URL.
type cutoff struct {
	mu    sync.Mutex
	first string
}

// middleware records each attempt that ends with its context done.
func (c *cutoff) middleware(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("groundwork.cutoff",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleFinalize(ctx, in)
			if err != nil && ctx.Err() != nil {
				call := awsmiddleware.GetServiceID(ctx) + " " + awsmiddleware.GetOperationName(ctx)
				if req, ok := in.Request.(*smithyhttp.Request); ok && req.URL != nil {
					call += " at " + req.URL.Scheme + "://" + req.URL.Host
				}
				c.mu.Lock()
				if c.first == "" {
					c.first = call
				}
				c.mu.Unlock()
			}
			return out, md, err
		}), middleware.After)
}

// call is the first call cut off, "" when none was.
func (c *cutoff) call() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first
}
