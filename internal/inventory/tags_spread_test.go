package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// delegatingTree is a fakeTree seen from its management account, with
// delegated administrators; tagReads counts the management account's
// ListTagsForResource calls, and gate, when set, holds each of them
// until it is closed.
type delegatingTree struct {
	*fakeTree
	admins    []types.DelegatedAdministrator
	adminsErr error
	listed    atomic.Int64
	tagReads  atomic.Int64
	gate      chan struct{}
}

func (f *delegatingTree) ListDelegatedAdministrators(context.Context, *organizations.ListDelegatedAdministratorsInput, ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error) {
	f.listed.Add(1)
	if f.adminsErr != nil {
		return nil, f.adminsErr
	}
	return &organizations.ListDelegatedAdministratorsOutput{DelegatedAdministrators: f.admins}, nil
}

func (f *delegatingTree) ListTagsForResource(ctx context.Context, in *organizations.ListTagsForResourceInput, opts ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error) {
	f.tagReads.Add(1)
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return f.fakeTree.ListTagsForResource(ctx, in, opts...)
}

// memberView is the same organization read from a member account: its
// tag reads are counted, and refused when refuse is set. Its first read
// closes asked; the others wait for release, when set.
type memberView struct {
	*fakeTree
	refuse   bool
	tagReads atomic.Int64
	asked    chan struct{}
	release  chan struct{}
}

func newView(f *fakeTree, refuse bool, release chan struct{}) *memberView {
	return &memberView{fakeTree: f, refuse: refuse, asked: make(chan struct{}), release: release}
}

func (m *memberView) ListTagsForResource(ctx context.Context, in *organizations.ListTagsForResourceInput, opts ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error) {
	if m.tagReads.Add(1) == 1 {
		close(m.asked)
	} else if m.release != nil {
		select {
		case <-m.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if m.refuse {
		return nil, &types.AccessDeniedException{Message: aws.String("You don't have permissions to access this resource.")}
	}
	return m.fakeTree.ListTagsForResource(ctx, in, opts...)
}

// holdUntilAsked holds the management account's tag reads, and the
// views' after their first, until every view has been asked once, so
// that a test does not depend on which reader is faster.
func holdUntilAsked(f *delegatingTree, release chan struct{}, views map[string]*memberView) {
	f.gate = make(chan struct{})
	go func() {
		for _, v := range views {
			select {
			case <-v.asked:
			case <-time.After(10 * time.Second): // a guard against a hang, not a measure
			}
		}
		close(f.gate)
		close(release)
	}()
}

// taggedTree is an organization of n accounts in 3 OUs, each account
// tagged with its own Owner.
func taggedTree(n int) *fakeTree {
	f := newFakeTree(20)
	f.addAccount(f.rootID, account("000000000001", "management", "root@example.com", types.AccountStateActive))
	for j := range 3 {
		f.addOU(f.rootID, fmt.Sprintf("ou-%d", j), fmt.Sprintf("Unit%d", j), "Team", fmt.Sprint(j))
	}
	for i := range n {
		id := fmt.Sprintf("%012d", 200000000000+i)
		f.addAccount(fmt.Sprintf("ou-%d", i%3), account(id, fmt.Sprintf("a%d", i), fmt.Sprintf("a%d@example.com", i), types.AccountStateActive),
			"Owner", fmt.Sprintf("owner-%d", i))
	}
	return f
}

func admin(id string, state types.AccountState) types.DelegatedAdministrator {
	return types.DelegatedAdministrator{Id: aws.String(id), State: state}
}

// allTags is every unit's and account's tags in e, by ID.
func allTags(e *estate.Estate) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, u := range e.Units {
		out[u.ID] = u.Tags
	}
	for _, a := range e.Accounts {
		out[a.ID] = a.Tags
	}
	return out
}

// collectSpread reads tree through the management account f and the
// members views, and returns the estate and the tags read without any
// delegated administrator.
func collectSpread(t *testing.T, f *delegatingTree, views map[string]*memberView) (*estate.Estate, map[string]map[string]string) {
	t.Helper()
	plain, err := inventory.CollectOrganization(context.Background(), f.fakeTree, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.tagReads.Store(0)
	opts := inventory.Options{Shared: &inventory.Shared{}, OrganizationsIn: func(account, management string) inventory.OrganizationsAPI {
		if management != "000000000001" {
			t.Errorf("client in %s made for management account %q", account, management)
		}
		v, ok := views[account]
		if !ok {
			t.Errorf("an Organizations client was made in %s, not an active delegated administrator", account)
			return f.fakeTree
		}
		return v
	}}
	e, err := inventory.CollectOrganization(context.Background(), f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e, allTags(plain)
}

// A large organization's tags are read through its active delegated
// administrators as well as the management account, each tag once, and
// the estate is the one the management account alone reads.
func TestTagsAreReadThroughDelegatedAdministrators(t *testing.T) {
	const accounts = 150
	f := &delegatingTree{fakeTree: taggedTree(accounts),
		admins: []types.DelegatedAdministrator{admin("200000000001", types.AccountStateActive), admin("200000000002", types.AccountStateActive),
			admin("200000000003", types.AccountStateSuspended)}}
	release := make(chan struct{})
	views := map[string]*memberView{}
	for _, id := range []string{"200000000001", "200000000002"} {
		views[id] = newView(f.fakeTree, false, release)
	}
	holdUntilAsked(f, release, views)
	e, want := collectSpread(t, f, views)
	if got := allTags(e); !maps.EqualFunc(got, want, maps.Equal) {
		t.Errorf("tags read through the administrators differ:\n got  %v\n want %v", got, want)
	}
	total := f.tagReads.Load()
	for id, v := range views {
		if n := v.tagReads.Load(); n == 0 {
			t.Errorf("no tag was read through delegated administrator %s", id)
		} else {
			total += n
		}
	}
	if targets := int64(accounts + 1 + 3); total != targets {
		t.Errorf("%d tag reads for %d units and accounts, want each read once", total, targets)
	}
	if n := f.listed.Load(); n != 1 {
		t.Errorf("ListDelegatedAdministrators called %d times, want 1", n)
	}
}

// A delegated administrator that cannot read the tags costs one call:
// the management account reads what it failed and the rest.
func TestTagsFallBackToTheManagementAccount(t *testing.T) {
	f := &delegatingTree{fakeTree: taggedTree(150), admins: []types.DelegatedAdministrator{admin("200000000001", types.AccountStateActive)}}
	release := make(chan struct{})
	refused := newView(f.fakeTree, true, release)
	views := map[string]*memberView{"200000000001": refused}
	holdUntilAsked(f, release, views)
	e, want := collectSpread(t, f, views)
	if got := allTags(e); !maps.EqualFunc(got, want, maps.Equal) {
		t.Errorf("tags differ after the administrator's refusal:\n got  %v\n want %v", got, want)
	}
	if n := refused.tagReads.Load(); n != 1 {
		t.Errorf("the refused administrator was asked %d times, want once", n)
	}
	if n, targets := f.tagReads.Load(), int64(150+1+3); n != targets {
		t.Errorf("the management account read %d tags, want all %d", n, targets)
	}
}

// When the administrators cannot be listed, the management account reads
// every tag, and the failure is kept for the organization layer, which
// lists them too (Shared).
func TestTagsWhenAdministratorsCannotBeListed(t *testing.T) {
	denied := &types.AccessDeniedException{Message: aws.String("denied")}
	f := &delegatingTree{fakeTree: taggedTree(150), adminsErr: denied}
	shared := &inventory.Shared{}
	opts := inventory.Options{Shared: shared, OrganizationsIn: func(account, _ string) inventory.OrganizationsAPI {
		t.Errorf("a client was made in %s with no administrator listed", account)
		return f.fakeTree
	}}
	if _, err := inventory.CollectOrganization(context.Background(), f, opts); err != nil {
		t.Fatal(err)
	}
	if n, targets := f.tagReads.Load(), int64(150+1+3); n != targets {
		t.Errorf("the management account read %d tags, want all %d", n, targets)
	}
	if _, err := inventory.DelegatedAdministrators(context.Background(), shared, f); !errors.Is(err, denied) {
		t.Errorf("the shared list answered %v, want the refusal", err)
	}
	if n := f.listed.Load(); n != 1 {
		t.Errorf("ListDelegatedAdministrators called %d times, want 1", n)
	}
}

// A small organization's tags are the management account's alone: no
// administrator is listed and no other session made.
func TestSmallOrganizationReadsItsTagsFromTheManagementAccount(t *testing.T) {
	f := &delegatingTree{fakeTree: taggedTree(50), admins: []types.DelegatedAdministrator{admin("200000000001", types.AccountStateActive)}}
	v := newView(f.fakeTree, false, nil)
	collectSpread(t, f, map[string]*memberView{"200000000001": v})
	if n := f.listed.Load() + v.tagReads.Load(); n != 0 {
		t.Errorf("%d calls beside the management account's tag reads, want none below the threshold", n)
	}
}
