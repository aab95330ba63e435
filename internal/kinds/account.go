package kinds

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindAccount manages member accounts: creates them (never twice), moves
// them into their OU and sets the spec's tags. Accounts are never closed.
const KindAccount = "account"

// AccountAddress is the address of the account with the given e-mail.
func AccountAddress(email string) string { return Address(KindAccount, estate.EmailKey(email)) }

// Defaults for waiting on CreateAccount, which AWS completes in about a
// minute or two.
const (
	DefaultPollInterval    = 2 * time.Second
	DefaultMaxPollInterval = 20 * time.Second
	// MaxCreateWait bounds one account creation.
	MaxCreateWait = 15 * time.Minute
)

func init() {
	Register(Registration{Name: KindAccount, Diff: diffAccounts, Apply: applyAccount})
}

// accountValue is what an account change does. A create names the
// account by name and e-mail (CreateAccount is guarded by both); an
// update names it by ID. Unit is the path of the OU the account belongs
// in: a create always moves it there, an update when Move is set. Tags
// are the tags to set.
type accountValue struct {
	ID    string            `json:"id,omitempty"`
	Name  string            `json:"name,omitempty"`
	Email string            `json:"email,omitempty"`
	Unit  string            `json:"unit"`
	Move  bool              `json:"move,omitempty"`
	Tags  map[string]string `json:"tags,omitempty"`
}

func diffAccounts(desired, actual *estate.Estate) ([]plan.Change, []string) {
	var changes []plan.Change
	var notes []string
	unitDeps := func(path string) []string {
		var deps []string
		if actual.Organization == nil {
			deps = append(deps, OrganizationAddress)
		}
		if path != estate.RootPath {
			if _, ok := actual.Units[path]; !ok {
				deps = append(deps, UnitAddress(path))
			}
		}
		return deps
	}
	for _, d := range desired.SortedAccounts() {
		a, exists := actual.Accounts[estate.EmailKey(d.Email)]
		if !exists {
			changes = append(changes, plan.SetValue(plan.Change{
				Address: AccountAddress(d.Email), Kind: KindAccount, Action: plan.Create, Group: d.Unit,
				After:     withTags(plan.Attrs{"name": d.Name, "email": d.Email, "unit": estate.DisplayPath(d.Unit)}, d.Tags),
				DependsOn: unitDeps(d.Unit),
			}, accountValue{Name: d.Name, Email: d.Email, Unit: d.Unit, Tags: maps.Clone(d.Tags)}))
			continue
		}
		if a.Name != d.Name {
			notes = append(notes, fmt.Sprintf("account %s (%s) is named %q in AWS and %q in the spec; rename it in the console (Account settings) or set accounts.%s.name",
				a.ID, a.Email, a.Name, d.Name, d.Key))
		}
		if a.Status != "" && a.Status != "ACTIVE" {
			notes = append(notes, fmt.Sprintf("account %s (%s) is %s; groundwork does not manage it until it is active", a.ID, a.Email, a.Status))
			continue
		}
		before, after := plan.Attrs{"id": a.ID}, plan.Attrs{"id": a.ID}
		v := accountValue{ID: a.ID, Unit: d.Unit, Move: a.Unit != d.Unit}
		if v.Move {
			before["unit"], after["unit"] = estate.DisplayPath(a.Unit), estate.DisplayPath(d.Unit)
		}
		missing := missingTags(d.Tags, a.Tags)
		withTags(before, pick(a.Tags, missing))
		if len(missing) > 0 {
			v.Tags = pick(d.Tags, missing)
			withTags(after, v.Tags)
		}
		if len(after) > 1 {
			changes = append(changes, plan.SetValue(plan.Change{
				Address: AccountAddress(d.Email), Kind: KindAccount, Action: plan.Update, Group: d.Unit,
				Before: before, After: after, DependsOn: unitDeps(d.Unit),
			}, v))
		}
	}
	for _, a := range actual.SortedAccounts() {
		if _, managed := desired.Accounts[estate.EmailKey(a.Email)]; managed || actual.IsManagement(a) {
			continue
		}
		notes = append(notes, fmt.Sprintf("account %s %s (%s) in %s is not in the spec; groundwork never closes or moves accounts it does not manage",
			a.ID, a.Name, a.Email, estate.DisplayPath(a.Unit)))
	}
	return changes, notes
}

func applyAccount(ctx context.Context, env *Env, ch plan.Change) error {
	if ch.Action != plan.Create && ch.Action != plan.Update {
		return fmt.Errorf("account %s: cannot %s (groundwork never closes accounts)", ch.Address, ch.Action)
	}
	v, err := plan.ValueOf[accountValue](ch)
	if err != nil {
		return err
	}
	if ch.Action == plan.Create {
		return createAccount(ctx, env, v)
	}
	if v.Move {
		if err := moveAccount(ctx, env, v.ID, v.Unit); err != nil {
			return fmt.Errorf("move account %s: %w", v.ID, err)
		}
	}
	if err := tagResource(ctx, env, v.ID, v.Tags); err != nil {
		return fmt.Errorf("tag account %s: %w", v.ID, err)
	}
	return nil
}

// createAccount creates an account exactly once. CreateAccount is not
// idempotent, so before calling it this looks the account up by e-mail
// among the organization's accounts and by name among in-flight create
// requests, and adopts what it finds.
func createAccount(ctx context.Context, env *Env, v accountValue) error {
	email, name := v.Email, v.Name
	key := estate.EmailKey(email)
	id, err := env.lookups.existing(ctx, env.Organizations, key)
	if err != nil {
		return fmt.Errorf("create account %s: %w", email, err)
	}
	if id == "" {
		reqID, err := env.lookups.inFlight(ctx, env.Organizations, name)
		if err != nil {
			return fmt.Errorf("create account %s: %w", email, err)
		}
		if reqID == "" {
			env.Logf("creating account %s <%s>", name, email)
			create := func(ctx context.Context) error {
				out, err := env.Organizations.CreateAccount(ctx, &organizations.CreateAccountInput{
					AccountName: aws.String(name), Email: aws.String(email),
					RoleName: aws.String(env.AccessRole), Tags: orgTags(v.Tags),
				})
				if err == nil {
					reqID = aws.ToString(out.CreateAccountStatus.Id)
				}
				return err
			}
			// After a lost response, the request is still in flight
			// (IN_PROGRESS), or it completed and the account is listed by
			// its e-mail. A completed request is not looked up by name:
			// an old one may name an account that has since left.
			look := func(ctx context.Context) (bool, error) {
				env.lookups.invalidate()
				found, lerr := env.lookups.existing(ctx, env.Organizations, key)
				if lerr != nil || found != "" {
					id = found
					return found != "", lerr
				}
				reqID, lerr = env.lookups.inFlight(ctx, env.Organizations, name)
				return reqID != "", lerr
			}
			if err := env.CreateOnce(ctx, "account "+email, create, look); err != nil {
				return fmt.Errorf("create account %s: %w", email, err)
			}
		} else {
			env.Logf("account %s is already being created (request %s); waiting for it", name, reqID)
		}
		adopted := id != "" // listed by e-mail after a lost response
		if id == "" {
			if id, adopted, err = waitForAccount(ctx, env, reqID, key); err != nil {
				return fmt.Errorf("create account %s: %w", email, err)
			}
		}
		if adopted {
			if err := tagResource(ctx, env, id, v.Tags); err != nil {
				return fmt.Errorf("tag account %s: %w", email, err)
			}
		}
	} else if err := tagResource(ctx, env, id, v.Tags); err != nil {
		return fmt.Errorf("tag account %s: %w", email, err)
	}
	env.setAccount(key, id)
	if err := moveAccount(ctx, env, id, v.Unit); err != nil {
		return fmt.Errorf("move account %s: %w", email, err)
	}
	return nil
}

// waitForAccount polls a create request until it ends, backing off from
// PollInterval to MaxPollInterval. adopted reports that the request failed
// because the e-mail was taken meanwhile and the existing account was
// adopted instead: it did not get the request's tags.
func waitForAccount(ctx context.Context, env *Env, reqID, emailKey string) (id string, adopted bool, err error) {
	wait, maxWait := env.PollInterval, env.MaxPollInterval
	if wait <= 0 {
		wait = DefaultPollInterval
	}
	if maxWait <= 0 {
		maxWait = DefaultMaxPollInterval
	}
	ctx, cancel := context.WithTimeout(ctx, MaxCreateWait)
	defer cancel()
	for {
		out, err := env.Organizations.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String(reqID)})
		if err != nil {
			return "", false, err
		}
		st := out.CreateAccountStatus
		switch st.State {
		case types.CreateAccountStateSucceeded:
			return aws.ToString(st.AccountId), false, nil
		case types.CreateAccountStateFailed:
			if st.FailureReason == types.CreateAccountFailureReasonEmailAlreadyExists {
				// Created by someone else meanwhile: adopt it.
				env.lookups.invalidate()
				if id, err := env.lookups.existing(ctx, env.Organizations, emailKey); err == nil && id != "" {
					return id, true, nil
				}
			}
			return "", false, fmt.Errorf("AWS could not create it: %s", st.FailureReason)
		}
		select {
		case <-ctx.Done():
			return "", false, fmt.Errorf("waiting for request %s: %w", reqID, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(wait*3/2, maxWait)
	}
}

// moveAccount moves an account to the unit at path unless it is there.
func moveAccount(ctx context.Context, env *Env, id, path string) error {
	to, err := env.ParentID(ctx, path)
	if err != nil {
		return err
	}
	parents, err := env.Organizations.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(id)})
	if err != nil {
		return err
	}
	if len(parents.Parents) == 0 {
		return fmt.Errorf("account %s has no parent", id)
	}
	from := aws.ToString(parents.Parents[0].Id)
	if from == to {
		return nil
	}
	_, err = env.Organizations.MoveAccount(ctx, &organizations.MoveAccountInput{
		AccountId: aws.String(id), SourceParentId: aws.String(from), DestinationParentId: aws.String(to),
	})
	var already *types.DuplicateAccountException
	if errors.As(err, &already) {
		return nil
	}
	return err
}

// accountLookups reads, once per apply, the organization's accounts by
// e-mail and the in-flight create requests by account name, so that
// creating N accounts costs two paginated lists, not 2N.
type accountLookups struct {
	mu       sync.Mutex
	byEmail  map[string]string
	inflight map[string]string
}

func (l *accountLookups) existing(ctx context.Context, api OrganizationsAPI, emailKey string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byEmail == nil {
		m := map[string]string{}
		pages := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return "", fmt.Errorf("list accounts: %w", err)
			}
			for _, a := range out.Accounts {
				m[estate.EmailKey(aws.ToString(a.Email))] = aws.ToString(a.Id)
			}
		}
		l.byEmail = m
	}
	return l.byEmail[emailKey], nil
}

func (l *accountLookups) inFlight(ctx context.Context, api OrganizationsAPI, name string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inflight == nil {
		m := map[string]string{}
		pages := organizations.NewListCreateAccountStatusPaginator(api, &organizations.ListCreateAccountStatusInput{
			States: []types.CreateAccountState{types.CreateAccountStateInProgress},
		})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return "", fmt.Errorf("list create-account requests: %w", err)
			}
			for _, s := range out.CreateAccountStatuses {
				m[aws.ToString(s.AccountName)] = aws.ToString(s.Id)
			}
		}
		l.inflight = m
	}
	return l.inflight[name], nil
}

func (l *accountLookups) invalidate() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byEmail, l.inflight = nil, nil
}

// AccountDeps are the changes a resource in an account waits for: the
// account's creation, or the organization's for the management account.
func AccountDeps(accountKey estate.AccountKey) []string {
	if accountKey == estate.ManagementKey {
		return []string{OrganizationAddress}
	}
	return []string{AccountAddress(string(accountKey)), OrganizationAddress}
}
