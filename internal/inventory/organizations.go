package inventory

import (
	"context"
	"errors"
	"fmt"

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

// collectTags reads the tags of every unit and account.
func collectTags(ctx context.Context, api OrganizationsAPI, e *estate.Estate, opts Options) error {
	type target struct {
		id   string
		tags *map[string]string
	}
	var targets []target
	for _, u := range e.Units {
		targets = append(targets, target{u.ID, &u.Tags})
	}
	for _, a := range e.Accounts {
		targets = append(targets, target{a.ID, &a.Tags})
	}
	opts.Progressf("reading tags of %d OUs and accounts", len(targets))
	g, ctx := opts.Group(ctx)
	for _, t := range targets {
		g.Go(func() error {
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
			*t.tags = tags // each target is written by exactly one goroutine
			return nil
		})
	}
	return g.Wait()
}
