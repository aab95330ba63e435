package inventory

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// DefaultWidth is how many reads of one collection run at once. It bounds
// the goroutines and connections of a read, not the rate at which one API
// is called: each API (service, account and Region) has its own width,
// adapted to its throttling (awsx.AdaptiveStart), so that reads spread
// over many member accounts run side by side while the management
// account's Organizations API gets only what it allows.
// --concurrency N sets both to N.
const DefaultWidth = 32

// Options tune a collection.
type Options struct {
	Width int // reads in flight; DefaultWidth when 0
	// Warn, when set, makes the optional parts of a read best-effort: a
	// failure is passed to Warn and the part is left unknown, so that
	// checks over it are skipped instead of the whole run failing.
	// Reads call it from several goroutines at once.
	Warn func(error)
	// Progress, when set, is told what is being read.
	Progress func(format string, args ...any)
	// Shared, when set, holds the reads several layers make, so that
	// each is made once in a run (see ReadOnce).
	Shared *Shared
	// OrganizationsIn, when set, returns an Organizations client calling
	// from a member account of the organization whose management
	// account is management: the tags of a large organization are read
	// through its delegated administrators too (see collectTags).
	OrganizationsIn func(account, management string) OrganizationsAPI
}

// Collect reads the organization, its OU tree and its accounts through the
// management account's session: the core every layer builds on. The
// layers read themselves (internal/layer).
func Collect(ctx context.Context, r Reader) (*estate.Estate, error) {
	return CollectThen(ctx, r, nil)
}

// CollectThen reads the organization's core as Collect does and runs
// then beside the tags of its units and accounts, once the accounts are
// known (see CollectOrganizationThen): what the verbs read of the layers
// needs the accounts, not their tags.
func CollectThen(ctx context.Context, r Reader, then func(context.Context, *estate.Estate) error) (*estate.Estate, error) {
	org := organizations.NewFromConfig(r.Session.Config("", "", ""))
	return CollectOrganizationThen(ctx, org, r.Options(), then)
}

// Limit is how many reads run at once: Width, or DefaultWidth when it is
// not set.
func (o Options) Limit() int {
	if o.Width > 0 {
		return o.Width
	}
	return DefaultWidth
}

// Progressf tells Progress, when set, what is being read.
func (o Options) Progressf(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(format, args...)
	}
}

// Group returns an errgroup that runs Limit reads at once, and its
// context, cancelled by the first read that fails.
func (o Options) Group(ctx context.Context) (*errgroup.Group, context.Context) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Limit())
	return g, gctx
}

// Account is an account a layer reads in: Key names it in the estate and
// in what the layer records, ID addresses its clients.
type Account struct {
	Key estate.AccountKey
	ID  estate.AccountID
}

// In returns where the account is in region: by key, as a layer records
// it, and by AWS ID, as its clients are built.
func (a Account) In(region string) (byKey estate.Where, byID estate.Location) {
	return estate.Where{Account: a.Key, Region: region}, estate.Location{Account: a.ID, Region: region}
}

// ActiveAccounts returns the accounts among keys that e has and that are
// Active, once each and sorted by key: the accounts a layer reads across
// the estate. An account not created yet has nothing to read; one that is
// not active may have lost its access role, and nothing in it is managed
// or judged.
func ActiveAccounts(e *estate.Estate, keys []string) []Account {
	var out []Account
	for _, key := range keys {
		id, ok := e.Lookup(estate.RefAccountID, key)
		if !ok {
			continue
		}
		if a := e.Accounts[key]; a != nil && !a.Active() {
			continue
		}
		out = append(out, Account{Key: estate.AccountKey(key), ID: estate.AccountID(id)})
	}
	slices.SortFunc(out, func(a, b Account) int { return cmp.Compare(a.Key, b.Key) })
	return slices.CompactFunc(out, func(a, b Account) bool { return a.Key == b.Key })
}

// ForEachAccount fans a layer's reads out over accounts: read is called
// for each account in turn and starts that account's reads with g.Go (one
// per call, per Region, as the layer needs). They run Limit at a time
// under a context that the first failure cancels; ForEachAccount returns
// that failure once every read has stopped.
func (o Options) ForEachAccount(ctx context.Context, accounts []Account, read func(ctx context.Context, g *errgroup.Group, a Account)) error {
	g, gctx := o.Group(ctx)
	for _, a := range accounts {
		read(gctx, g, a)
	}
	return g.Wait()
}

// syncEstate guards an estate that concurrent readers write into. Of
// several units at one path, or accounts of one e-mail, it keeps the one
// of the lowest ID, whatever order the reads finish in, and remembers
// every one for duplicates.
type syncEstate struct {
	mu sync.Mutex
	e  *estate.Estate
	// unitIDs and accountIDs are the IDs seen at each unit path and
	// e-mail key; names the account names seen, with their IDs.
	unitIDs, accountIDs, names map[string][]string
}

func (s *syncEstate) addUnit(u *estate.Unit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unitIDs == nil {
		s.unitIDs = map[string][]string{}
	}
	s.unitIDs[u.Path] = append(s.unitIDs[u.Path], u.ID)
	if cur, ok := s.e.Units[u.Path]; !ok || u.ID < cur.ID {
		s.e.Units[u.Path] = u
	}
}

func (s *syncEstate) addAccount(a *estate.Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accountIDs == nil {
		s.accountIDs, s.names = map[string][]string{}, map[string][]string{}
	}
	key := estate.EmailKey(a.Email)
	s.accountIDs[key] = append(s.accountIDs[key], a.ID)
	name := strings.ToLower(a.Name)
	s.names[name] = append(s.names[name], a.ID)
	if cur, ok := s.e.Accounts[key]; !ok || a.ID < cur.ID {
		s.e.Accounts[key] = a
	}
}

// duplicates records, in the estate, every key more than one resource
// had. Account names are compared as AWS shows them to people, without
// regard to case; a closed account keeps its name and e-mail for 90 days,
// so only accounts the read listed count.
func (s *syncEstate) duplicates() {
	var out []estate.Duplicate
	add := func(what string, ids map[string][]string) {
		for _, key := range slices.Sorted(maps.Keys(ids)) {
			if len(ids[key]) > 1 {
				out = append(out, estate.Duplicate{What: what, Key: key, IDs: slices.Sorted(slices.Values(ids[key]))})
			}
		}
	}
	add(estate.DuplicateAccountEmail, s.accountIDs)
	add(estate.DuplicateAccountName, s.names)
	add(estate.DuplicateUnitPath, s.unitIDs)
	slices.SortStableFunc(out, func(a, b estate.Duplicate) int { return cmp.Compare(a.What, b.What) })
	s.e.Duplicates = out
}
