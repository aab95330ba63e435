package inventory

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// DefaultWidth is how many reads run at once against one service.
// Organizations allows each account only a few requests per second and
// throttles bursts; eight in flight keeps the SDK's adaptive rate limiter
// saturated without driving it into long backoffs.
const DefaultWidth = 8

// Options tune a collection.
type Options struct {
	Width int // reads in flight; DefaultWidth when 0
	// Warn, when set, makes the optional parts of a read best-effort: a
	// failure is passed to Warn and the part is left unknown, so that
	// checks over it are skipped instead of the whole run failing.
	Warn func(error)
	// Progress, when set, is told what is being read.
	Progress func(format string, args ...any)
}

// Collect reads the organization, its OU tree and its accounts through the
// management account's session: the core every layer builds on. The
// layers read themselves (internal/layer).
func Collect(ctx context.Context, r Reader) (*estate.Estate, error) {
	org := organizations.NewFromConfig(r.Session.Config("", "", ""))
	return CollectOrganization(ctx, org, r.Options())
}

// syncEstate guards an estate that concurrent readers write into.
type syncEstate struct {
	mu sync.Mutex
	e  *estate.Estate
}

func (s *syncEstate) addUnit(u *estate.Unit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.e.Units[u.Path] = u
}

func (s *syncEstate) addAccount(a *estate.Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.e.Accounts[estate.EmailKey(a.Email)] = a
}

func (o Options) width() int {
	if o.Width > 0 {
		return o.Width
	}
	return DefaultWidth
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(format, args...)
	}
}
