package kinds

import (
	"context"
	"fmt"
	"reflect"
	"strings"
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
	Organizations OrganizationsAPI
	// AccessRole is the role CreateAccount creates in new accounts.
	AccessRole string
	// PollInterval is the first wait between DescribeCreateAccountStatus
	// calls; it grows to MaxPollInterval. Zero means the defaults.
	PollInterval, MaxPollInterval time.Duration
	// Log reports progress; may be nil.
	Log func(format string, args ...any)
	// CreateBackoff is the wait before CreateOnce looks for what a create
	// whose response was lost made; nil means awsx.Backoff.
	CreateBackoff func(attempt int) time.Duration

	// Session is the management account's session, from which layers
	// build their clients (see ClientsOf).
	Session *awsx.Session

	ids     IDs
	lookups accountLookups
	actual  *estate.Estate
	clients map[reflect.Type]any

	recoveredMu sync.Mutex
	recovered   []string
}

// Logf reports progress through Log, when it is set.
func (e *Env) Logf(format string, args ...any) {
	if e.Log != nil {
		e.Log(format, args...)
	}
}

// IDs maps unit paths and account e-mail keys to AWS IDs, and holds the
// references the changes of this apply recorded. It is safe for
// concurrent use.
type IDs struct {
	mu              sync.Mutex
	root            string
	units           map[string]string
	accounts        map[string]string
	org, management string
	recorded        map[[2]string]string // (reference kind, argument) -> value
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

// Target returns the AWS ID of a target in the organization: the root
// (estate.RootTarget), a unit path or an account e-mail key. It fails
// when the unit or account does not exist yet.
func (e *Env) Target(ctx context.Context, t string) (string, error) {
	if t == estate.RootTarget {
		return e.ParentID(ctx, "")
	}
	if IsAccountTarget(t) {
		if id := e.AccountID(t); id != "" {
			return id, nil
		}
		return "", fmt.Errorf("account %s does not exist yet; it should have been created earlier in this apply", t)
	}
	return e.ParentID(ctx, t)
}

// IsAccountTarget tells account targets (e-mail keys) from unit paths.
func IsAccountTarget(target string) bool {
	return strings.ContainsRune(target, '@')
}

// AccountID returns the AWS ID of the account with the e-mail key, or ""
// when it is not known (yet).
func (e *Env) AccountID(emailKey string) string {
	e.ids.mu.Lock()
	defer e.ids.mu.Unlock()
	return e.ids.accounts[emailKey]
}

// ParentID returns the ID of the unit at path, or of the root for "";
// the root is asked of Organizations when it is not known yet. It fails
// with a missing-unit error when the unit does not exist yet.
func (e *Env) ParentID(ctx context.Context, path string) (string, error) {
	e.ids.mu.Lock()
	root, id := e.ids.root, e.ids.units[path]
	e.ids.mu.Unlock()
	if path == "" {
		if root != "" {
			return root, nil
		}
		out, err := e.Organizations.ListRoots(ctx, &organizations.ListRootsInput{})
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
