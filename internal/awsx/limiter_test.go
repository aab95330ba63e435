package awsx

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
)

func TestAdaptiveLimiterGrowsAndHalves(t *testing.T) {
	l := newLimiter(0)
	if w := l.width(); w != AdaptiveStart {
		t.Fatalf("start width %d, want %d", w, AdaptiveStart)
	}
	ok := func(n int) {
		for range n {
			if err := l.acquire(context.Background()); err != nil {
				t.Fatal(err)
			}
			l.release(false)
		}
	}
	ok(5) // a window of calls that went through (1/width each): one more
	if w := l.width(); w != 5 {
		t.Errorf("after a window of successes: width %d, want 5", w)
	}
	ok(10000)
	if w := l.width(); w != AdaptiveMax {
		t.Errorf("after many successes: width %d, want the cap %d", w, AdaptiveMax)
	}
	for _, want := range []int{16, 8, 4, 2, 1, 1} {
		if err := l.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		l.release(true)
		if w := l.width(); w != want {
			t.Errorf("after a throttle: width %d, want %d", w, want)
		}
	}
	fixed := newLimiter(3)
	for _, throttled := range []bool{true, false, true} {
		_ = fixed.acquire(context.Background())
		fixed.release(throttled)
	}
	if w := fixed.width(); w != 3 {
		t.Errorf("fixed width moved to %d", w)
	}
}

// A full limiter makes callers wait for a slot, and lets them go when the
// context ends.
func TestLimiterWaits(t *testing.T) {
	l := newLimiter(1)
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.acquire(ctx); err == nil {
		t.Fatal("a full limiter let a cancelled caller in")
	}
	got := make(chan error)
	go func() { got <- l.acquire(context.Background()) }()
	l.release(false)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

// Every waiter gets a slot in turn as slots free, whether the attempt
// holding one ended (release) or never went out (cancel), and a free
// limiter holds no wake channel between waits.
func TestLimiterWakesEveryWaiter(t *testing.T) {
	l := newLimiter(2)
	for range 2 {
		if err := l.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	got := make(chan error)
	for range 5 {
		go func() { got <- l.acquire(context.Background()) }()
	}
	for i := range 5 {
		if i%2 == 0 {
			l.release(false)
		} else {
			l.cancel()
		}
		select {
		case err := <-got:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("waiter %d was not woken by a freed slot", i+1)
		}
	}
	l.release(false)
	l.release(false)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inFlight != 0 || l.wake != nil {
		t.Errorf("a free limiter: %d in flight, wake channel %v; want 0 and none", l.inFlight, l.wake)
	}
}

func loadLimitedAt(t *testing.T, url string, concurrency int) *Session {
	t.Helper()
	testEnv(t, url)
	t.Cleanup(SetRetryBaseDelay(time.Millisecond))
	s, err := Load(context.Background(), Options{Region: "us-east-1", Concurrency: concurrency})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Throttling errors narrow the width of the API that answered them.
func TestThrottlingNarrowsTheAPI(t *testing.T) {
	srv, _ := fakeOrganizations(t, 2)
	s := loadLimitedAt(t, srv.URL, 0)
	client := organizations.NewFromConfig(s.Config("", "", ""))
	if _, err := client.DescribeOrganization(context.Background(), &organizations.DescribeOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	// 4, halved twice to 1, then one success: 2.
	if w := s.limiterFor(limiterKey{region: "us-east-1", service: "Organizations"}).width(); w != 2 {
		t.Errorf("Organizations width %d, want 2", w)
	}
}

// A fixed concurrency is what the server sees in flight, however many
// callers there are.
func TestFixedConcurrencyBoundsWhatIsInFlight(t *testing.T) {
	var inFlight, most atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(2 * time.Millisecond) // so that callers overlap
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fmt.Fprint(w, `{"Organization":{"Id":"o-abc"}}`)
	}))
	t.Cleanup(srv.Close)
	s := loadLimitedAt(t, srv.URL, 2)
	client := organizations.NewFromConfig(s.Config("", "", ""))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := client.DescribeOrganization(context.Background(), &organizations.DescribeOrganizationInput{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if m := most.Load(); m > 2 {
		t.Errorf("%d calls in flight at once, want at most 2", m)
	}
}
