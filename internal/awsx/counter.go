package awsx

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Counter counts API calls by service and operation, and the HTTP attempts
// they took (more attempts than calls means retries). It is safe for
// concurrent use; the zero value is ready.
type Counter struct {
	mu       sync.Mutex
	calls    map[string]int
	attempts map[string]int
}

// Stat is the count for one operation.
type Stat struct {
	Service   string `json:"service"`
	Operation string `json:"operation"`
	Calls     int    `json:"calls"`
	Attempts  int    `json:"attempts"`
	Write     bool   `json:"write"`
}

func (c *Counter) add(m *map[string]int, service, op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if *m == nil {
		*m = map[string]int{}
	}
	(*m)[service+"/"+op]++
}

// Stats returns the counts sorted by service and operation.
func (c *Counter) Stats() []Stat {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Stat, 0, len(c.calls))
	for k, n := range c.calls {
		svc, op, _ := strings.Cut(k, "/")
		out = append(out, Stat{Service: svc, Operation: op, Calls: n, Attempts: c.attempts[k], Write: IsWrite(op)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Operation < out[j].Operation
	})
	return out
}

// Totals returns the number of read and write calls made.
func (c *Counter) Totals() (reads, writes int) {
	for _, s := range c.Stats() {
		if s.Write {
			writes += s.Calls
		} else {
			reads += s.Calls
		}
	}
	return reads, writes
}

// Print writes the counts as a table.
func (c *Counter) Print(w io.Writer) {
	stats := c.Stats()
	reads, writes := c.Totals()
	fmt.Fprintf(w, "API calls: %d (%d reads, %d writes)\n", reads+writes, reads, writes)
	for _, s := range stats {
		kind := "read"
		if s.Write {
			kind = "write"
		}
		retries := ""
		if s.Attempts > s.Calls {
			retries = fmt.Sprintf("  (%d retries)", s.Attempts-s.Calls)
		}
		fmt.Fprintf(w, "  %-5s %6d  %s %s%s\n", kind, s.Calls, s.Service, s.Operation, retries)
	}
}

// readPrefixes are the operation name prefixes of AWS APIs that change
// nothing. Everything else counts as a write.
var readPrefixes = []string{"List", "Describe", "Get", "Lookup", "Search", "Head", "Select", "Test", "Validate", "Preview"}

// IsWrite reports whether an AWS operation name changes state.
func IsWrite(op string) bool {
	for _, p := range readPrefixes {
		if strings.HasPrefix(op, p) {
			return false
		}
	}
	return op != "AssumeRole" // fetching credentials changes nothing
}

// middleware registers the counter on a client's stack: once per call at
// Initialize, and once per HTTP attempt after the retry middleware.
func (c *Counter) middleware(stack *middleware.Stack) error {
	err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("groundwork.countCall",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			c.add(&c.calls, awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
			return next.HandleInitialize(ctx, in)
		}), middleware.After) // after the SDK registers the service and operation names
	if err != nil {
		return err
	}
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("groundwork.countAttempt",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			c.add(&c.attempts, awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}
