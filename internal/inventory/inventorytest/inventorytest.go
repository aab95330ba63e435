// Package inventorytest holds what the layers' reader tests share: the
// errors a local AWS endpoint answers with, a collector of warnings, and
// the whole-estate read
// benchmark (an organization of many accounts, fakes that count their
// calls and model a round trip).
package inventorytest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// CountOp sums the counts in calls, keyed "Operation ..." (the operation,
// a space, and what a fake tells calls apart by), of the operation op.
func CountOp(calls map[string]int, op string) int {
	n := 0
	for k, c := range calls {
		if strings.HasPrefix(k, op+" ") {
			n += c
		}
	}
	return n
}

// MotoGap is what the SDK returns for an operation moto lacks: HTTP 500
// with an HTML body, so no AWS error code (inventory.Unimplemented).
func MotoGap() error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusInternalServerError}},
		Err:      errors.New("deserialization failed, failed to decode response body, invalid character '<' looking for beginning of value"),
	}}
}

// APIError is an AWS error with code, as a service answers a call it
// refuses or a thing it does not have.
func APIError(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

// The audit's whole-estate reads (a layer's survey of every account and
// Region) are measured over an organization of BenchAccounts accounts in
// the BenchRegions, through fakes that answer at once after BenchLatency
// per call, to model a round trip. Each layer's benchmark reports the
// calls one read makes.
const (
	BenchAccounts = 1000 // the management account and 999 members
	BenchLatency  = time.Millisecond
	BenchMgmtID   = "100000000000"
)

// BenchRegions are the Regions of the benchmark's scope; the first is home.
var BenchRegions = []string{"us-east-1", "us-east-2", "eu-west-1", "eu-central-1"}

// BenchEstate is the organization the reads run over, and their scope:
// the management account (by estate.ManagementKey) and BenchAccounts-1
// active members.
func BenchEstate() (*estate.Estate, estate.Scope) {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-bench", RootID: "r-bench", FeatureSet: "ALL", ManagementAccountID: BenchMgmtID}
	scope := estate.Scope{Accounts: []string{estate.ManagementKey}, Regions: BenchRegions, HomeRegion: BenchRegions[0]}
	for n := 1; n < BenchAccounts; n++ {
		email := fmt.Sprintf("acct-%d@example.com", n)
		e.Accounts[email] = &estate.Account{ID: fmt.Sprintf("%012d", 100000000000+n), Email: email, Status: estate.AccountActive}
		scope.Accounts = append(scope.Accounts, email)
	}
	return e, scope
}

// Calls counts the calls of every fake client built from it and sleeps
// BenchLatency in each. It is safe for concurrent use.
type Calls struct {
	n atomic.Int64
}

// Call records one call and waits out its latency.
func (c *Calls) Call() {
	c.n.Add(1)
	time.Sleep(BenchLatency)
}

// benchWidths are the widths measured: one read in flight, eight, and
// the default when it is neither.
func benchWidths() []int {
	ws := []int{1, 8}
	if inventory.DefaultWidth != 1 && inventory.DefaultWidth != 8 {
		ws = append(ws, inventory.DefaultWidth)
	}
	return ws
}

// Bench runs read over BenchEstate at each width and reports the calls
// per read that c counted.
func Bench(b *testing.B, c *Calls, read func(e *estate.Estate, scope estate.Scope, opts inventory.Options) error) {
	for _, width := range benchWidths() {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			c.n.Store(0)
			runs := 0
			for b.Loop() {
				e, scope := BenchEstate()
				if err := read(e, scope, inventory.Options{Width: width}); err != nil {
					b.Fatal(err)
				}
				runs++
			}
			b.ReportMetric(float64(c.n.Load())/float64(runs), "calls/op")
		})
	}
}

// Warnings collects what a read warns about. Reads warn from several
// goroutines at once (inventory.Options.Warn), so it locks; the zero
// value is ready.
type Warnings struct {
	mu   sync.Mutex
	errs []error
}

// Warn is an inventory.Options.Warn.
func (w *Warnings) Warn(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.errs = append(w.errs, err)
}

// Errors returns what was warned, in the order it was.
func (w *Warnings) Errors() []error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]error(nil), w.errs...)
}

// Strings returns the warnings' messages.
func (w *Warnings) Strings() []string {
	var out []string
	for _, err := range w.Errors() {
		out = append(out, err.Error())
	}
	return out
}
