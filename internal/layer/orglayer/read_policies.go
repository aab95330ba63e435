package orglayer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"golang.org/x/sync/errgroup"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// policyReadAPI is the part of the Organizations client that reads the
// organization layer: policies and their targets, trusted access and
// delegated administrators.
type policyReadAPI interface {
	ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error)
	ListPolicies(context.Context, *organizations.ListPoliciesInput, ...func(*organizations.Options)) (*organizations.ListPoliciesOutput, error)
	DescribePolicy(context.Context, *organizations.DescribePolicyInput, ...func(*organizations.Options)) (*organizations.DescribePolicyOutput, error)
	ListTargetsForPolicy(context.Context, *organizations.ListTargetsForPolicyInput, ...func(*organizations.Options)) (*organizations.ListTargetsForPolicyOutput, error)
	ListTagsForResource(context.Context, *organizations.ListTagsForResourceInput, ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error)
	ListAWSServiceAccessForOrganization(context.Context, *organizations.ListAWSServiceAccessForOrganizationInput, ...func(*organizations.Options)) (*organizations.ListAWSServiceAccessForOrganizationOutput, error)
	ListDelegatedAdministrators(context.Context, *organizations.ListDelegatedAdministratorsInput, ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error)
	ListDelegatedServicesForAccount(context.Context, *organizations.ListDelegatedServicesForAccountInput, ...func(*organizations.Options)) (*organizations.ListDelegatedServicesForAccountOutput, error)
}

var _ policyReadAPI = (*organizations.Client)(nil)

// managedPolicyTypes are the policy types groundwork reads and manages.
var managedPolicyTypes = []string{estate.PolicyTypeSCP, estate.PolicyTypeTag}

// readPolicies reads the organization layer into e, whose organization,
// units and accounts must already be read. Each policy costs one
// DescribePolicy and one ListTargetsForPolicy, and a customer-managed one
// also a ListTagsForResource (groundwork's ownership marker);
// organizations have tens of policies, not thousands. Every read that
// does not need another's answer starts at once (the roots, each policy
// type's list, trusted access, delegated administrators, and each
// policy's three reads): a read of the whole layer is as long as its
// longest chain of calls, two round trips and the pages, not the sum.
func readPolicies(ctx context.Context, api policyReadAPI, e *estate.Estate, opts inventory.Options) error {
	if e.Organization == nil {
		return nil
	}
	l := estate.NewOrgLayer()
	opts.Progressf("reading policies, trusted access and delegated administrators")
	targets := targetNames(e)
	var mu sync.Mutex
	locked := func(f func()) { mu.Lock(); defer mu.Unlock(); f() }
	// The few reads that list run unbounded (the awsx limiter bounds
	// the calls in flight) and start the policies' reads, which run
	// opts.Limit at a time in a group of their own: a lister waiting for
	// a slot its own group holds would wait for ever. A failed read of a
	// policy stops the listers; the listers' end (Wait) must not stop
	// the reads they started.
	reads, rctx := errgroup.WithContext(ctx)
	reads.SetLimit(opts.Limit())
	lists, lctx := errgroup.WithContext(rctx)
	lists.Go(func() error {
		roots, err := api.ListRoots(lctx, &organizations.ListRootsInput{})
		if err != nil {
			return fmt.Errorf("list roots: %w", err)
		}
		locked(func() {
			for _, r := range roots.Roots {
				for _, pt := range r.PolicyTypes {
					if pt.Status == types.PolicyTypeStatusEnabled {
						l.EnabledPolicyTypes = append(l.EnabledPolicyTypes, string(pt.Type))
					}
				}
			}
			sort.Strings(l.EnabledPolicyTypes)
		})
		return nil
	})
	for _, pt := range managedPolicyTypes {
		lists.Go(func() error {
			pages := organizations.NewListPoliciesPaginator(api, &organizations.ListPoliciesInput{Filter: types.PolicyType(pt)})
			for pages.HasMorePages() {
				out, err := pages.NextPage(lctx)
				if err != nil {
					// An organization with only consolidated billing has
					// no policies to list.
					var notEnabled *types.PolicyTypeNotEnabledException
					if errors.As(err, &notEnabled) {
						return nil
					}
					return fmt.Errorf("list %s policies: %w", pt, err)
				}
				for _, s := range out.Policies {
					p := &estate.Policy{ID: aws.ToString(s.Id), Name: aws.ToString(s.Name), Type: pt,
						Description: aws.ToString(s.Description), AWSManaged: s.AwsManaged}
					locked(func() { l.Policies[estate.PolicyKey(p.Type, p.Name)] = p })
					readPolicy(rctx, reads, api, p, targets)
				}
			}
			return nil
		})
	}
	lists.Go(func() error {
		services, err := trustedServices(lctx, api)
		locked(func() { l.TrustedServices = services })
		return err
	})
	lists.Go(func() error {
		admins, err := delegatedAdmins(lctx, api, e, opts.Shared)
		locked(func() { l.DelegatedAdmins = admins })
		return err
	})
	// A lister's failure is the cause of the reads', if any.
	listed := lists.Wait()
	if err := cmp.Or(listed, reads.Wait()); err != nil {
		return err
	}
	e.Org = l
	return nil
}

// targetNames maps AWS IDs to the names policy targets use.
func targetNames(e *estate.Estate) map[string]string {
	m := map[string]string{e.Organization.RootID: estate.RootTarget}
	for path, u := range e.Units {
		m[u.ID] = path
	}
	for key, a := range e.Accounts {
		m[a.ID] = key
	}
	return m
}

// readPolicy adds to g the reads of p: its content, its tags (of a
// customer-managed policy) and its targets, each writing its own field.
func readPolicy(ctx context.Context, g *errgroup.Group, api policyReadAPI, p *estate.Policy, names map[string]string) {
	g.Go(func() error {
		out, err := api.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(p.ID)})
		if err != nil {
			return fmt.Errorf("describe policy %s: %w", p.Name, err)
		}
		p.Content = aws.ToString(out.Policy.Content)
		return nil
	})
	if !p.AWSManaged {
		g.Go(func() error {
			tags := map[string]string{}
			pages := organizations.NewListTagsForResourcePaginator(api, &organizations.ListTagsForResourceInput{ResourceId: aws.String(p.ID)})
			for pages.HasMorePages() {
				out, err := pages.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("list tags of policy %s: %w", p.Name, err)
				}
				for _, t := range out.Tags {
					tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			p.Tags = tags
			return nil
		})
	}
	g.Go(func() error {
		var targets []string
		pages := organizations.NewListTargetsForPolicyPaginator(api, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(p.ID)})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list targets of policy %s: %w", p.Name, err)
			}
			for _, t := range out.Targets {
				name, ok := names[aws.ToString(t.TargetId)]
				if !ok {
					name = aws.ToString(t.TargetId) // a target the tree walk did not see
				}
				targets = append(targets, name)
			}
		}
		sort.Strings(targets)
		p.Targets = targets
		return nil
	})
}

func trustedServices(ctx context.Context, api policyReadAPI) ([]string, error) {
	var out []string
	pages := organizations.NewListAWSServiceAccessForOrganizationPaginator(api, &organizations.ListAWSServiceAccessForOrganizationInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list trusted services: %w", err)
		}
		for _, s := range page.EnabledServicePrincipals {
			out = append(out, aws.ToString(s.ServicePrincipal))
		}
	}
	sort.Strings(out)
	return out, nil
}

// delegatedAdmins maps each delegated service principal to the e-mail key
// of its administrator account: one list of administrators (shared with
// the reads of the organization's tags), then one list of services per
// administrator.
func delegatedAdmins(ctx context.Context, api policyReadAPI, e *estate.Estate, shared *inventory.Shared) (map[string]string, error) {
	admins := map[string]string{}
	list, err := inventory.DelegatedAdministrators(ctx, shared, api)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, a := range list {
		ids = append(ids, aws.ToString(a.Id))
	}
	for _, id := range ids {
		key := id
		if a := e.AccountByID(id); a != nil {
			key = estate.EmailKey(a.Email)
		}
		svc := organizations.NewListDelegatedServicesForAccountPaginator(api, &organizations.ListDelegatedServicesForAccountInput{AccountId: aws.String(id)})
		for svc.HasMorePages() {
			page, err := svc.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list services delegated to %s: %w", id, err)
			}
			for _, s := range page.DelegatedServices {
				admins[aws.ToString(s.ServicePrincipal)] = key
			}
		}
	}
	return admins, nil
}
