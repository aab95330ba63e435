package inventory_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// heldTags is a fakeTree whose tag reads wait for held to close.
type heldTags struct {
	*fakeTree
	started chan struct{} // closed by the first tag read
	once    sync.Once
	held    chan struct{}
}

func (f *heldTags) ListTagsForResource(ctx context.Context, in *organizations.ListTagsForResourceInput, opts ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error) {
	f.once.Do(func() { close(f.started) })
	select {
	case <-f.held:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return f.fakeTree.ListTagsForResource(ctx, in, opts...)
}

func twoAccountTree() *fakeTree {
	f := newFakeTree(20)
	f.addOU("r-root", "ou-sec", "Security", "Owner", "security")
	f.addAccount("r-root", account("000000000001", "management", "root@example.com", types.AccountStateActive))
	f.addAccount("ou-sec", account("111111111111", "log-archive", "log@example.com", types.AccountStateActive), "Owner", "security")
	return f
}

// what needs only the accounts runs while their tags are being read: it
// is given every account and unit of the tree before any tag is read,
// and the tags wait for it to have started, which only reads at the same
// time get past. The estate returned has both.
func TestCollectOrganizationThenRunsBesideTheTags(t *testing.T) {
	f := &heldTags{fakeTree: twoAccountTree(), started: make(chan struct{}), held: make(chan struct{})}
	var accounts, units int
	e, err := inventory.CollectOrganizationThen(context.Background(), f, inventory.Options{}, func(_ context.Context, e *estate.Estate) error {
		accounts, units = len(e.Accounts), len(e.Units)
		close(f.held) // the tags go on once this has started
		select {
		case <-f.started:
		case <-time.After(10 * time.Second): // a guard against a hang, not a measure
			t.Error("the tags were not read while the layers were")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if accounts != 2 || units != 1 {
		t.Errorf("then saw %d accounts and %d units, want the tree's 2 and 1", accounts, units)
	}
	if got := e.Accounts["log@example.com"].Tags["Owner"]; got != "security" {
		t.Errorf("log-archive's Owner tag %q, want security", got)
	}
}

// A failure of either stops the other and is the read's: the tags' names
// the resource, then's is returned as it is.
func TestCollectOrganizationThenFailures(t *testing.T) {
	t.Run("tags", func(t *testing.T) {
		f := twoAccountTree()
		delete(f.tags, "ou-sec") // ListTagsForResource fails for it
		var stopped bool
		_, err := inventory.CollectOrganizationThen(context.Background(), f, inventory.Options{}, func(ctx context.Context, _ *estate.Estate) error {
			select {
			case <-ctx.Done():
				stopped = true
			case <-time.After(10 * time.Second): // a guard against a hang, not a measure
			}
			return ctx.Err()
		})
		if err == nil || !strings.Contains(err.Error(), "list tags of ou-sec") {
			t.Errorf("error %v, want the tags' failure", err)
		}
		if !stopped {
			t.Error("the read beside the failed tags was not stopped")
		}
	})
	t.Run("then", func(t *testing.T) {
		f := &heldTags{fakeTree: twoAccountTree(), started: make(chan struct{}), held: make(chan struct{})}
		denied := errors.New("AccessDenied")
		_, err := inventory.CollectOrganizationThen(context.Background(), f, inventory.Options{}, func(context.Context, *estate.Estate) error {
			return denied
		})
		if !errors.Is(err, denied) {
			t.Errorf("error %v, want then's", err)
		}
	})
	t.Run("no organization", func(t *testing.T) {
		f := newFakeTree(2)
		f.notInUse = true
		var ran bool
		e, err := inventory.CollectOrganizationThen(context.Background(), f, inventory.Options{}, func(context.Context, *estate.Estate) error {
			ran = true
			return nil
		})
		if err != nil || e.Organization != nil || !ran {
			t.Errorf("estate %+v, error %v, then ran %v: want an empty estate, then run on it", e, err, ran)
		}
	})
}
