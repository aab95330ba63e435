package inventory

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// OrganizationsAPI is the part of the Organizations client the inventory
// uses.
type OrganizationsAPI interface {
	DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
	ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error)
	ListOrganizationalUnitsForParent(context.Context, *organizations.ListOrganizationalUnitsForParentInput, ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error)
	ListAccountsForParent(context.Context, *organizations.ListAccountsForParentInput, ...func(*organizations.Options)) (*organizations.ListAccountsForParentOutput, error)
	ListTagsForResource(context.Context, *organizations.ListTagsForResourceInput, ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error)
}

var _ OrganizationsAPI = (*organizations.Client)(nil)

// CollectOrganization reads the organization, its OU tree, its accounts
// and their tags. The tree is walked level by level, every parent of a
// level at once: one ListOrganizationalUnitsForParent and one
// ListAccountsForParent per parent, so the call count grows with the
// number of OUs, not accounts. Tags take one call per OU and account.
func CollectOrganization(ctx context.Context, api OrganizationsAPI, opts Options) (*estate.Estate, error) {
	return CollectOrganizationThen(ctx, api, opts, nil)
}

// CollectOrganizationThen reads the organization as CollectOrganization
// does, and runs then, when set, at the same time as the tags: once the
// tree is read, what needs only the accounts (their alternate contacts,
// the layers in member accounts) does not wait for the tag of each, one
// Organizations call apiece from the management account's scarce budget.
// then is given the estate with its accounts and units, whose Tags are
// being written meanwhile: it must not read them. The first failure of
// either cancels the other, and CollectOrganizationThen returns it once
// both have stopped (a failure of the tags as a read of the organization,
// then's as it is).
func CollectOrganizationThen(ctx context.Context, api OrganizationsAPI, opts Options, then func(context.Context, *estate.Estate) error) (*estate.Estate, error) {
	e, err := collectTree(ctx, api, opts)
	if err != nil {
		return nil, err
	}
	if e.Organization == nil { // not in an organization: no tags to read
		if then != nil {
			if err := then(ctx, e); err != nil {
				return nil, err
			}
		}
		return e, nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return collectTags(gctx, api, e, opts) })
	if then != nil {
		g.Go(func() error { return then(gctx, e) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return e, nil
}

// collectTree reads the organization, its OU tree and its accounts,
// without their tags.
func collectTree(ctx context.Context, api OrganizationsAPI, opts Options) (*estate.Estate, error) {
	e := estate.New()
	opts.Progressf("reading organization")
	desc, err := api.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	var notInUse *types.AWSOrganizationsNotInUseException
	if errors.As(err, &notInUse) {
		return e, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describe organization: %w", err)
	}
	o := desc.Organization
	e.Organization = &estate.Organization{
		ID:                     aws.ToString(o.Id),
		ARN:                    aws.ToString(o.Arn),
		FeatureSet:             string(o.FeatureSet),
		ManagementAccountID:    aws.ToString(o.MasterAccountId),
		ManagementAccountEmail: aws.ToString(o.MasterAccountEmail),
	}
	roots, err := api.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		return nil, fmt.Errorf("list roots: %w", err)
	}
	if len(roots.Roots) == 0 {
		return nil, fmt.Errorf("list roots: the organization has no root")
	}
	e.Organization.RootID = aws.ToString(roots.Roots[0].Id)

	se := &syncEstate{e: e}
	level := []parent{{id: e.Organization.RootID, path: estate.RootPath}}
	for depth := 0; len(level) > 0; depth++ {
		opts.Progressf("reading OU level %d (%d parents)", depth, len(level))
		next, err := collectLevel(ctx, api, se, level, opts.Limit())
		if err != nil {
			return nil, err
		}
		level = next
	}
	se.duplicates()
	return e, nil
}

type parent struct{ id, path string }

// collectLevel lists the child units and accounts of every parent of one
// tree level and returns the next level.
func collectLevel(ctx context.Context, api OrganizationsAPI, se *syncEstate, level []parent, width int) ([]parent, error) {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(width)
	children := make([][]parent, len(level))
	for i, p := range level {
		g.Go(func() error {
			pages := organizations.NewListOrganizationalUnitsForParentPaginator(api, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(p.id)})
			for pages.HasMorePages() {
				out, err := pages.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("list OUs under %s: %w", estate.DisplayPath(p.path), err)
				}
				for _, ou := range out.OrganizationalUnits {
					path := aws.ToString(ou.Name)
					if p.path != estate.RootPath {
						path = p.path + "/" + path
					}
					se.addUnit(&estate.Unit{ID: aws.ToString(ou.Id), Path: path})
					children[i] = append(children[i], parent{id: aws.ToString(ou.Id), path: path})
				}
			}
			return nil
		})
		g.Go(func() error {
			pages := organizations.NewListAccountsForParentPaginator(api, &organizations.ListAccountsForParentInput{ParentId: aws.String(p.id)})
			for pages.HasMorePages() {
				out, err := pages.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("list accounts under %s: %w", estate.DisplayPath(p.path), err)
				}
				for _, a := range out.Accounts {
					se.addAccount(&estate.Account{
						ID:     aws.ToString(a.Id),
						Name:   aws.ToString(a.Name),
						Email:  aws.ToString(a.Email),
						Status: accountStatus(a),
						Unit:   p.path,
					})
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var next []parent
	for _, c := range children {
		next = append(next, c...)
	}
	return next, nil
}

// accountStatus prefers the newer State field, which AWS fills instead of
// the deprecated Status.
func accountStatus(a types.Account) string {
	if a.State != "" {
		return string(a.State)
	}
	return string(a.Status)
}

// spreadTagsAbove is how many tag reads the management account makes
// alone. Past it, the tags are read through the organization's delegated
// administrators too: AWS throttles Organizations per calling account,
// the management account's budget is the scarcest of an organization-wide
// read, and Organizations has no call that returns the tags of many
// accounts. Below it, the management account's burst serves the reads in
// a moment and other accounts' sessions would cost more than they save.
const spreadTagsAbove = 100

// tagTarget is one unit's or account's tags to read.
type tagTarget struct {
	id   string
	tags *map[string]string
}

// collectTags reads the tags of every unit and account. In an
// organization of more than spreadTagsAbove of them, and when opts can
// make clients in member accounts (OrganizationsIn), the reads are shared
// between the management account and each active delegated
// administrator, which AWS lets read the organization's tags: each takes
// the next target when it has answered the last, so that an account
// whose budget is spent or whose answers are slow takes fewer. A
// delegated administrator that fails a read (its role cannot be assumed,
// it is no longer delegated, its budget is spent past the retries) reads
// no more, and the management account reads what it failed: only the
// management account's failures fail the read.
func collectTags(ctx context.Context, api OrganizationsAPI, e *estate.Estate, opts Options) error {
	queue := make(chan tagTarget, len(e.Units)+len(e.Accounts))
	for _, u := range e.Units {
		queue <- tagTarget{u.ID, &u.Tags}
	}
	for _, a := range e.Accounts {
		queue <- tagTarget{a.ID, &a.Tags}
	}
	close(queue)
	n := len(queue)
	opts.Progressf("reading tags of %d OUs and accounts", n)
	g, ctx := errgroup.WithContext(ctx)
	for range min(opts.Limit(), n) {
		g.Go(func() error {
			for t := range queue {
				if err := readTags(ctx, api, t); err != nil {
					return err
				}
			}
			return nil
		})
	}
	admins, spread := api.(DelegatedAdministratorsAPI)
	if spread && opts.OrganizationsIn != nil && n > spreadTagsAbove {
		g.Go(func() error {
			list, err := DelegatedAdministrators(ctx, opts.Shared, admins)
			if err != nil {
				return nil // the management account reads every tag
			}
			var ids []string
			for _, a := range list {
				if id := aws.ToString(a.Id); id != e.Organization.ManagementAccountID && a.State != types.AccountStateSuspended &&
					a.State != types.AccountStateClosed && a.Status != types.AccountStatusSuspended {
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 {
				opts.Progressf("reading tags through %d delegated administrators too", len(ids))
			}
			for _, id := range ids {
				d := &delegateTags{api: opts.OrganizationsIn(id, e.Organization.ManagementAccountID), management: api, queue: queue}
				g.Go(func() error { return d.probe(ctx, g, opts.Limit()) })
			}
			return nil
		})
	}
	return g.Wait()
}

// delegateTags reads tags through one delegated administrator until it
// fails once.
type delegateTags struct {
	api, management OrganizationsAPI
	queue           <-chan tagTarget
	failed          atomic.Bool
}

// probe reads one target through the administrator before it opens
// width readers: an administrator that cannot read fails one call, not
// width.
func (d *delegateTags) probe(ctx context.Context, g *errgroup.Group, width int) error {
	t, ok := <-d.queue
	if !ok {
		return nil
	}
	if err := d.read(ctx, t); err != nil || d.failed.Load() {
		return err
	}
	for range width {
		g.Go(func() error {
			for !d.failed.Load() {
				t, ok := <-d.queue
				if !ok {
					return nil
				}
				if err := d.read(ctx, t); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return nil
}

// read reads t through the administrator, or, when that fails, through
// the management account, whose failure is the only one returned.
func (d *delegateTags) read(ctx context.Context, t tagTarget) error {
	err := readTags(ctx, d.api, t)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	d.failed.Store(true)
	return readTags(ctx, d.management, t)
}

// readTags reads the tags of one unit or account; each target is read
// and written by one goroutine.
func readTags(ctx context.Context, api OrganizationsAPI, t tagTarget) error {
	tags := map[string]string{}
	pages := organizations.NewListTagsForResourcePaginator(api, &organizations.ListTagsForResourceInput{ResourceId: aws.String(t.id)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list tags of %s: %w", t.id, err)
		}
		for _, tag := range out.Tags {
			tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
	}
	*t.tags = tags
	return nil
}

// DelegatedAdministratorsAPI lists the organization's delegated
// administrators.
type DelegatedAdministratorsAPI interface {
	ListDelegatedAdministrators(context.Context, *organizations.ListDelegatedAdministratorsInput, ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error)
}

// DelegatedAdministrators lists the organization's delegated
// administrator accounts, read once in a run (s): the tags' reads and
// the organization layer both need them.
func DelegatedAdministrators(ctx context.Context, s *Shared, api DelegatedAdministratorsAPI) ([]types.DelegatedAdministrator, error) {
	return ReadOnce(ctx, s, SharedKey{Call: "organizations ListDelegatedAdministrators"}, func(ctx context.Context) ([]types.DelegatedAdministrator, error) {
		var out []types.DelegatedAdministrator
		pages := organizations.NewListDelegatedAdministratorsPaginator(api, &organizations.ListDelegatedAdministratorsInput{})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list delegated administrators: %w", err)
			}
			out = append(out, page.DelegatedAdministrators...)
		}
		return out, nil
	})
}
