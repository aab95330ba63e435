package orglayer

import (
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
// organizations have tens of policies, not thousands.
func readPolicies(ctx context.Context, api policyReadAPI, e *estate.Estate, opts inventory.Options) error {
	if e.Organization == nil {
		return nil
	}
	l := estate.NewOrgLayer()
	opts.Progressf("reading policies, trusted access and delegated administrators")
	roots, err := api.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		return fmt.Errorf("list roots: %w", err)
	}
	for _, r := range roots.Roots {
		for _, pt := range r.PolicyTypes {
			if pt.Status == types.PolicyTypeStatusEnabled {
				l.EnabledPolicyTypes = append(l.EnabledPolicyTypes, string(pt.Type))
			}
		}
	}
	sort.Strings(l.EnabledPolicyTypes)

	targets := targetNames(e)
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Limit())
	for _, pt := range managedPolicyTypes {
		pages := organizations.NewListPoliciesPaginator(api, &organizations.ListPoliciesInput{Filter: types.PolicyType(pt)})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				// An organization with only consolidated billing has no
				// policies to list.
				var notEnabled *types.PolicyTypeNotEnabledException
				if errors.As(err, &notEnabled) {
					break
				}
				return fmt.Errorf("list %s policies: %w", pt, err)
			}
			for _, s := range out.Policies {
				p := &estate.Policy{ID: aws.ToString(s.Id), Name: aws.ToString(s.Name), Type: pt,
					Description: aws.ToString(s.Description), AWSManaged: s.AwsManaged}
				g.Go(func() error {
					if err := readPolicy(gctx, api, p, targets); err != nil {
						return err
					}
					mu.Lock()
					defer mu.Unlock()
					l.Policies[estate.PolicyKey(p.Type, p.Name)] = p
					return nil
				})
			}
		}
	}
	g.Go(func() error {
		services, err := trustedServices(gctx, api)
		mu.Lock()
		defer mu.Unlock()
		l.TrustedServices = services
		return err
	})
	g.Go(func() error {
		admins, err := delegatedAdmins(gctx, api, e)
		mu.Lock()
		defer mu.Unlock()
		l.DelegatedAdmins = admins
		return err
	})
	if err := g.Wait(); err != nil {
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

func readPolicy(ctx context.Context, api policyReadAPI, p *estate.Policy, names map[string]string) error {
	out, err := api.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(p.ID)})
	if err != nil {
		return fmt.Errorf("describe policy %s: %w", p.Name, err)
	}
	p.Content = aws.ToString(out.Policy.Content)
	if !p.AWSManaged {
		p.Tags = map[string]string{}
		tags := organizations.NewListTagsForResourcePaginator(api, &organizations.ListTagsForResourceInput{ResourceId: aws.String(p.ID)})
		for tags.HasMorePages() {
			out, err := tags.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list tags of policy %s: %w", p.Name, err)
			}
			for _, t := range out.Tags {
				p.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
		}
	}
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
			p.Targets = append(p.Targets, name)
		}
	}
	sort.Strings(p.Targets)
	return nil
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
// of its administrator account: one list of administrators, then one list
// of services per administrator.
func delegatedAdmins(ctx context.Context, api policyReadAPI, e *estate.Estate) (map[string]string, error) {
	admins := map[string]string{}
	var ids []string
	pages := organizations.NewListDelegatedAdministratorsPaginator(api, &organizations.ListDelegatedAdministratorsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list delegated administrators: %w", err)
		}
		for _, a := range page.DelegatedAdministrators {
			ids = append(ids, aws.ToString(a.Id))
		}
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
