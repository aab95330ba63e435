package layer

import (
	"context"
	"sync"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
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
	ch := func() chan struct{} { return make(chan struct{}) }
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
	checkSurveyOrder(map[string]chan struct{}{"zz-cycle-a": ch(), "zz-cycle-b": ch()})
}
