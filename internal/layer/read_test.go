package layer

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

// A layer's Survey that names another in SurveyAfter starts only once that
// one has finished; the rest run at the same time.
func TestSurveyAfterWaitsForTheNamedSurvey(t *testing.T) {
	var mu sync.Mutex
	var order []string
	record := func(name string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, name)
	}
	firstStarted := make(chan struct{})
	release := make(chan struct{})
	Register(Layer{Name: "zz-test-first", Order: 1000, Forget: func(*estate.Estate) {},
		Survey: func(context.Context, inventory.Reader, estate.Scope, *estate.Estate, *estate.Estate) error {
			close(firstStarted)
			<-release // held until the independent survey has run
			record("first")
			return nil
		}})
	Register(Layer{Name: "zz-test-second", Order: 999, SurveyAfter: []string{"zz-test-first"}, Forget: func(*estate.Estate) {},
		Survey: func(context.Context, inventory.Reader, estate.Scope, *estate.Estate, *estate.Estate) error {
			record("second")
			return nil
		}})
	Register(Layer{Name: "zz-test-free", Order: 1001, Forget: func(*estate.Estate) {},
		Survey: func(context.Context, inventory.Reader, estate.Scope, *estate.Estate, *estate.Estate) error {
			<-firstStarted
			record("free")
			close(release)
			return nil
		}})
	defer func() {
		registry.Lock()
		delete(registry.byName, "zz-test-first")
		delete(registry.byName, "zz-test-second")
		delete(registry.byName, "zz-test-free")
		registry.Unlock()
	}()
	r := inventory.Reader{Warn: func(err error) { t.Errorf("warned: %v", err) }}
	surveyOnly(t, r)
	if len(order) != 3 || order[0] != "free" || order[1] != "first" || order[2] != "second" {
		t.Errorf("surveys ran in the order %v, want free (while first waits), first, then second", order)
	}
}

// surveyOnly runs Survey with no desired estate, so only the test layers'
// surveys and those of layers registered in this package (none) run.
func surveyOnly(t *testing.T, r inventory.Reader) {
	t.Helper()
	Survey(context.Background(), r, estate.Scope{}, nil, estate.New())
}

func TestSurveyOrderRefusesACycle(t *testing.T) {
	Register(Layer{Name: "zz-cycle-a", SurveyAfter: []string{"zz-cycle-b"}, Forget: func(*estate.Estate) {},
		Survey: func(context.Context, inventory.Reader, estate.Scope, *estate.Estate, *estate.Estate) error {
			return nil
		}})
	Register(Layer{Name: "zz-cycle-b", SurveyAfter: []string{"zz-cycle-a"}, Forget: func(*estate.Estate) {},
		Survey: func(context.Context, inventory.Reader, estate.Scope, *estate.Estate, *estate.Estate) error {
			return nil
		}})
	defer func() {
		registry.Lock()
		delete(registry.byName, "zz-cycle-a")
		delete(registry.byName, "zz-cycle-b")
		registry.Unlock()
	}()
	defer func() {
		if recover() == nil {
			t.Error("a cycle in SurveyAfter did not panic")
		}
	}()
	a, _ := Lookup("zz-cycle-a")
	b, _ := Lookup("zz-cycle-b")
	checkOrder("surveys", "Survey", []Layer{a, b}, func(l Layer) []string { return l.SurveyAfter })
}

// awaitOrFail waits for ch; a read that never comes (because the reads ran
// one after the other, each waiting for the other) fails the test instead
// of hanging it. The bound is a guard against a deadlock, not a measure of
// speed.
func awaitOrFail(t *testing.T, ch <-chan struct{}, what string) bool {
	t.Helper()
	select {
	case <-ch:
		return true
	case <-time.After(10 * time.Second):
		t.Errorf("%s never happened: the reads did not run at the same time", what)
		return false
	}
}

// testLayers registers layers for one test and removes them after it.
func testLayers(t *testing.T, ls ...Layer) {
	t.Helper()
	for _, l := range ls {
		l.Wanted = func(*estate.Estate) bool { return true }
		if l.Forget == nil {
			l.Forget = func(*estate.Estate) {}
		}
		Register(l)
	}
	t.Cleanup(func() {
		registry.Lock()
		defer registry.Unlock()
		for _, l := range ls {
			delete(registry.byName, l.Name)
		}
	})
}

// Layers whose reads do not depend on each other are read at the same
// time: each of two waits for the other to have started, which only
// concurrent reads get past. A layer that names another in ReadAfter
// starts only once that one has finished.
func TestReadRunsIndependentLayersAtOnce(t *testing.T) {
	aStarted, bStarted, aDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var afterSawA bool
	testLayers(t,
		Layer{Name: "zz-read-a", Order: 1000, Read: func(context.Context, inventory.Reader, *estate.Estate, *estate.Estate) error {
			close(aStarted)
			awaitOrFail(t, bStarted, "b's read while a's ran")
			close(aDone)
			return nil
		}},
		Layer{Name: "zz-read-b", Order: 1001, Read: func(context.Context, inventory.Reader, *estate.Estate, *estate.Estate) error {
			close(bStarted)
			awaitOrFail(t, aStarted, "a's read while b's ran")
			return nil
		}},
		// Lowest in Order, so a run in Order would start it first.
		Layer{Name: "zz-read-after-a", Order: 999, ReadAfter: []string{"zz-read-a"},
			Read: func(context.Context, inventory.Reader, *estate.Estate, *estate.Estate) error {
				select {
				case <-aDone:
					afterSawA = true
				default:
				}
				return nil
			}},
	)
	names := []string{"zz-read-a", "zz-read-b", "zz-read-after-a"}
	if err := Read(context.Background(), inventory.Reader{}, names, estate.New(), estate.New()); err != nil {
		t.Fatal(err)
	}
	if !afterSawA {
		t.Error("the layer that reads after zz-read-a started before zz-read-a had finished")
	}
}

// A layer that is not read is not waited for.
func TestReadAfterALayerNotReadDoesNotWait(t *testing.T) {
	var read bool
	testLayers(t,
		Layer{Name: "zz-unread", Read: func(context.Context, inventory.Reader, *estate.Estate, *estate.Estate) error {
			t.Error("a layer not named was read")
			return nil
		}},
		Layer{Name: "zz-waits", ReadAfter: []string{"zz-unread"}, Read: func(context.Context, inventory.Reader, *estate.Estate, *estate.Estate) error {
			read = true
			return nil
		}},
	)
	if err := Read(context.Background(), inventory.Reader{}, []string{"zz-waits"}, estate.New(), estate.New()); err != nil || !read {
		t.Errorf("read %v, error %v", read, err)
	}
}

// With Warn, a layer that fails is forgotten and reported as not read,
// alone: the layers read beside it, and one that reads after it, are
// read and kept. Without Warn, the failure is the read's, named by its
// layer, and the reads still running are stopped.
func TestReadFailureIsItsLayersAlone(t *testing.T) {
	denied := errors.New("AccessDenied: not allowed")
	forgotten := map[string]bool{}
	var mu sync.Mutex
	forget := func(name string) func(*estate.Estate) {
		return func(*estate.Estate) { mu.Lock(); defer mu.Unlock(); forgotten[name] = true }
	}
	failStarted, afterDone := make(chan struct{}), make(chan struct{})
	var okStopped, afterRead, warnMode bool
	testLayers(t,
		Layer{Name: "zz-fails", Order: 1000, Forget: forget("zz-fails"),
			Read: func(context.Context, inventory.Reader, *estate.Estate, *estate.Estate) error {
				close(failStarted)
				return denied
			}},
		Layer{Name: "zz-ok", Order: 1001, Forget: forget("zz-ok"),
			Read: func(ctx context.Context, _ inventory.Reader, _, _ *estate.Estate) error {
				awaitOrFail(t, failStarted, "the failing read beside this one")
				if warnMode {
					// By the time the read after the failed one has
					// run, the failure has been dealt with.
					awaitOrFail(t, afterDone, "the read after the failed one")
					okStopped = ctx.Err() != nil
					return ctx.Err()
				}
				okStopped = awaitOrFail(t, ctx.Done(), "the stop of the read beside the failed one")
				return ctx.Err()
			}},
		Layer{Name: "zz-after-fails", Order: 1002, ReadAfter: []string{"zz-fails"}, Forget: forget("zz-after-fails"),
			Read: func(context.Context, inventory.Reader, *estate.Estate, *estate.Estate) error {
				afterRead = true
				close(afterDone)
				return nil
			}},
	)
	names := []string{"zz-fails", "zz-ok", "zz-after-fails"}

	warnMode = true
	var warnings inventorytest.Warnings
	r := inventory.Reader{Warn: warnings.Warn}
	if err := Read(context.Background(), r, names, estate.New(), estate.New()); err != nil {
		t.Fatalf("with Warn, Read failed: %v", err)
	}
	warned := warnings.Errors()
	if len(warned) != 1 || inventory.UnreadOf(warned[0]).Read != "zz-fails" || !errors.Is(warned[0], denied) {
		t.Errorf("warned %v, want one warning that zz-fails was not read", warned)
	}
	if !forgotten["zz-fails"] || forgotten["zz-ok"] || forgotten["zz-after-fails"] || okStopped || !afterRead {
		t.Errorf("forgotten %v, zz-ok stopped %v, zz-after-fails read %v", forgotten, okStopped, afterRead)
	}

	failStarted, afterDone, okStopped, warnMode = make(chan struct{}), make(chan struct{}), false, false
	err := Read(context.Background(), inventory.Reader{}, names, estate.New(), estate.New())
	if !errors.Is(err, denied) || !strings.Contains(err.Error(), "read the zz-fails layer") {
		t.Errorf("without Warn, Read returned %v", err)
	}
	if !okStopped {
		t.Error("the read beside the failed one was not stopped")
	}
}

// The audit reads a layer without a Survey that the spec asks for as plan
// reads it, at the same time as the surveys, not before them.
func TestSurveyReadsPlannedLayersBesideTheSurveys(t *testing.T) {
	readStarted, surveyStarted := make(chan struct{}), make(chan struct{})
	testLayers(t,
		Layer{Name: "zz-planned", Order: 1000, Read: func(context.Context, inventory.Reader, *estate.Estate, *estate.Estate) error {
			close(readStarted)
			awaitOrFail(t, surveyStarted, "a survey while the planned read ran")
			return nil
		}},
	)
	Register(Layer{Name: "zz-surveyed", Order: 1001, Forget: func(*estate.Estate) {},
		Survey: func(context.Context, inventory.Reader, estate.Scope, *estate.Estate, *estate.Estate) error {
			close(surveyStarted)
			awaitOrFail(t, readStarted, "the planned read while a survey ran")
			return nil
		}})
	t.Cleanup(func() { registry.Lock(); defer registry.Unlock(); delete(registry.byName, "zz-surveyed") })
	r := inventory.Reader{Warn: func(err error) { t.Errorf("warned: %v", err) }}
	Survey(context.Background(), r, estate.Scope{}, estate.New(), estate.New())
}
