package kinds

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// OrganizationsAPI is the part of the Organizations client the kinds use.
type OrganizationsAPI interface {
	DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
	CreateOrganization(context.Context, *organizations.CreateOrganizationInput, ...func(*organizations.Options)) (*organizations.CreateOrganizationOutput, error)
	EnableAllFeatures(context.Context, *organizations.EnableAllFeaturesInput, ...func(*organizations.Options)) (*organizations.EnableAllFeaturesOutput, error)
	ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error)
	ListOrganizationalUnitsForParent(context.Context, *organizations.ListOrganizationalUnitsForParentInput, ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error)
	CreateOrganizationalUnit(context.Context, *organizations.CreateOrganizationalUnitInput, ...func(*organizations.Options)) (*organizations.CreateOrganizationalUnitOutput, error)
	DeleteOrganizationalUnit(context.Context, *organizations.DeleteOrganizationalUnitInput, ...func(*organizations.Options)) (*organizations.DeleteOrganizationalUnitOutput, error)
	ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
	ListCreateAccountStatus(context.Context, *organizations.ListCreateAccountStatusInput, ...func(*organizations.Options)) (*organizations.ListCreateAccountStatusOutput, error)
	CreateAccount(context.Context, *organizations.CreateAccountInput, ...func(*organizations.Options)) (*organizations.CreateAccountOutput, error)
	DescribeCreateAccountStatus(context.Context, *organizations.DescribeCreateAccountStatusInput, ...func(*organizations.Options)) (*organizations.DescribeCreateAccountStatusOutput, error)
	ListParents(context.Context, *organizations.ListParentsInput, ...func(*organizations.Options)) (*organizations.ListParentsOutput, error)
	MoveAccount(context.Context, *organizations.MoveAccountInput, ...func(*organizations.Options)) (*organizations.MoveAccountOutput, error)
	TagResource(context.Context, *organizations.TagResourceInput, ...func(*organizations.Options)) (*organizations.TagResourceOutput, error)
}

var _ OrganizationsAPI = (*organizations.Client)(nil)

// Env is what kinds need to apply changes. IDs are resolved as apply goes:
// a unit created by one change is the parent of the next.
type Env struct {
	Org OrganizationsAPI
	// OrgLayer and Account serve the organization layer kinds.
	OrgLayer OrgLayerAPI
	Account  AccountAPI
	// AccessRole is the role CreateAccount creates in new accounts.
	AccessRole string
	// PollInterval is the first wait between DescribeCreateAccountStatus
	// calls; it grows to MaxPollInterval. Zero means the defaults.
	PollInterval, MaxPollInterval time.Duration
	// Log reports progress; may be nil.
	Log func(format string, args ...any)

	// Services builds clients in member accounts and Regions; Monitoring,
	// Billing and Hardening those of the layers of those names.
	Services   ServiceClients
	Monitoring MonitoringClients
	Billing    BillingClients
	Hardening  HardeningClients

	// Session is the management account's session, from which layers
	// build their clients (see ClientsOf).
	Session *awsx.Session

	ids     IDs
	lookups accountLookups
	actual  *estate.Estate
	clients map[reflect.Type]any
}

func (e *Env) logf(format string, args ...any) {
	if e.Log != nil {
		e.Log(format, args...)
	}
}

// IDs maps unit paths and account e-mail keys to AWS IDs. It is safe for
// concurrent use.
type IDs struct {
	mu              sync.Mutex
	root            string
	units           map[string]string
	accounts        map[string]string
	policies        map[string]string // estate.PolicyKey -> policy ID
	org, management string
	keys            map[string]string // estate.KeyARNRef argument -> key ARN
}

// SeedIDs records the IDs of an actual estate, so that changes can refer
// to existing units and accounts by path and e-mail.
func (e *Env) SeedIDs(root string, units, accounts map[string]string) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	e.ids.root = root
	e.ids.units = units
	e.ids.accounts = accounts
}

// SeedPolicyIDs records the IDs of existing policies by estate.PolicyKey.
func (e *Env) SeedPolicyIDs(ids map[string]string) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	e.ids.policies = ids
}

func (e *Env) setPolicy(key, id string) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	if e.ids.policies == nil {
		e.ids.policies = map[string]string{}
	}
	e.ids.policies[key] = id
}

func (e *Env) policy(key string) string {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	return e.ids.policies[key]
}

func (e *Env) setRoot(id string) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	e.ids.root = id
}

func (e *Env) setUnit(path, id string) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	if e.ids.units == nil {
		e.ids.units = map[string]string{}
	}
	e.ids.units[path] = id
}

func (e *Env) setAccount(emailKey, id string) {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	if e.ids.accounts == nil {
		e.ids.accounts = map[string]string{}
	}
	e.ids.accounts[emailKey] = id
}

// target returns the AWS ID of a policy target: the root, a unit path or an
// account e-mail key.
func (e *Env) target(ctx context.Context, t string) (string, error) {
	if t == estate.RootTarget {
		return e.parentID(ctx, "")
	}
	if isAccountTarget(t) {
		if id := e.account(t); id != "" {
			return id, nil
		}
		return "", fmt.Errorf("account %s does not exist yet; it should have been created earlier in this apply", t)
	}
	return e.parentID(ctx, t)
}

func (e *Env) account(emailKey string) string {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	return e.ids.accounts[emailKey]
}

// parentID returns the ID of the unit at path, or of the root for "".
func (e *Env) parentID(ctx context.Context, path string) (string, error) {
	e.ids.mu.Lock()
	root, id := e.ids.root, e.ids.units[path]
	e.ids.mu.Unlock()
	if path == "" {
		if root != "" {
			return root, nil
		}
		out, err := e.Org.ListRoots(ctx, &organizations.ListRootsInput{})
		if err != nil {
			return "", err
		}
		if len(out.Roots) == 0 {
			return "", errNoRoot
		}
		e.setRoot(*out.Roots[0].Id)
		return *out.Roots[0].Id, nil
	}
	if id == "" {
		return "", &missingUnitError{path: path}
	}
	return id, nil
}
