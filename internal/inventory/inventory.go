package inventory

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/groundwork-aws/groundwork/internal/awsx"
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
	// OrgLayer reads policies, trusted access and delegated administrators.
	OrgLayer bool
	// Contacts reads every account's alternate contacts: three calls per
	// account, so only when something needs them.
	Contacts bool
	// Logging, when set, reads the logging layer it describes (the desired
	// layer names what to look for and where).
	Logging *estate.Logging
	// Monitoring, Billing and Hardening, when set, read those layers as
	// the desired ones describe them.
	Monitoring *estate.Monitoring
	Billing    *estate.Billing
	Hardening  *estate.Hardening
	// Warn, when set, makes the optional reads (OrgLayer, Contacts)
	// best-effort: a failure is passed to Warn and the layer is left nil,
	// so that checks over it are skipped instead of the whole run failing.
	Warn func(error)
	// Progress, when set, is told what is being read.
	Progress func(format string, args ...any)
}

// Collect reads the actual estate through the management account's
// session.
func Collect(ctx context.Context, s *awsx.Session, opts Options) (*estate.Estate, error) {
	org := organizations.NewFromConfig(s.Config("", "", ""))
	e, err := CollectOrganization(ctx, org, opts)
	if err != nil {
		return nil, err
	}
	if opts.OrgLayer {
		if err := CollectOrgLayer(ctx, org, e, opts); err != nil {
			if opts.Warn == nil {
				return nil, err
			}
			opts.Warn(fmt.Errorf("organization layer not read, its checks are skipped: %w", err))
		}
	}
	if opts.Contacts {
		if err := CollectContacts(ctx, account.NewFromConfig(s.Config("", "", "")), e, opts); err != nil {
			if opts.Warn == nil {
				return nil, err
			}
			for _, a := range e.Accounts {
				a.Contacts = nil
			}
			opts.Warn(fmt.Errorf("alternate contacts not read, their checks are skipped (trusted access for account.amazonaws.com is needed): %w", err))
		}
	}
	if opts.Logging != nil {
		mgmt := ""
		if e.Organization != nil {
			mgmt = e.Organization.ManagementAccountID
		}
		if err := CollectLogging(ctx, SessionLoggingClients{Session: s, ManagementID: mgmt}, e, opts.Logging, opts); err != nil {
			if opts.Warn == nil {
				return nil, err
			}
			opts.Warn(fmt.Errorf("logging layer not read, its checks are skipped: %w", err))
		}
	}
	for _, layer := range []struct {
		name    string
		wanted  bool
		collect func() error
	}{
		{"monitoring", opts.Monitoring != nil, func() error { return CollectMonitoring(ctx, s, e, opts.Monitoring, opts) }},
		{"billing", opts.Billing != nil, func() error { return CollectBilling(ctx, s, e, opts.Billing, opts) }},
		{"hardening", opts.Hardening != nil, func() error { return CollectHardening(ctx, s, e, opts.Hardening, opts) }},
	} {
		if !layer.wanted {
			continue
		}
		if err := layer.collect(); err != nil {
			if opts.Warn == nil {
				return nil, err
			}
			opts.Warn(fmt.Errorf("%s layer not read, its checks are skipped: %w", layer.name, err))
		}
	}
	return e, nil
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
