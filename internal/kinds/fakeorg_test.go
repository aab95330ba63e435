package kinds_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// fakeOrg is a small in-memory organization behind kinds.OrganizationsAPI.
// It behaves like AWS where the kinds rely on it: CreateAccount only starts
// a request, which stays IN_PROGRESS for a few polls and then fails with
// EMAIL_ALREADY_EXISTS if the e-mail is taken by then; OU names are unique
// per parent; MoveAccount checks the source parent. It counts calls per
// operation. Lists are not paginated: the kinds' paginators need no more.
type fakeOrg struct {
	mu         sync.Mutex
	inUse      bool
	featureSet types.OrganizationFeatureSet
	root       string
	units      map[string]*fakeUnit    // by ID
	accounts   map[string]*fakeAccount // by ID
	requests   map[string]*fakeRequest // create-account requests by ID
	tags       map[string]map[string]string
	calls      map[string]int
	seq        int
	// created holds every CreateAccount input, in order.
	created []organizations.CreateAccountInput

	// createPolls is how many times DescribeCreateAccountStatus answers
	// IN_PROGRESS for a request CreateAccount starts.
	createPolls int
	// failCreate, when set, is why the requests CreateAccount starts fail.
	failCreate types.CreateAccountFailureReason
	// onCreateAccount, when set, runs when CreateAccount has started a
	// request, outside the lock: a test uses it to act as someone else.
	onCreateAccount func()
}

type fakeUnit struct{ name, parent string }

type fakeAccount struct{ name, email, parent string }

type fakeRequest struct {
	name, email string
	polls       int // IN_PROGRESS answers left
	failure     types.CreateAccountFailureReason
	tags        []types.Tag // for the new account
	// Set once the request has ended.
	state     types.CreateAccountState
	reason    types.CreateAccountFailureReason
	accountID string
}

var _ kinds.OrganizationsAPI = (*fakeOrg)(nil)

func newFakeOrg() *fakeOrg {
	return &fakeOrg{
		inUse: true, featureSet: types.OrganizationFeatureSetAll, root: "r-root",
		units: map[string]*fakeUnit{}, accounts: map[string]*fakeAccount{}, requests: map[string]*fakeRequest{},
		tags: map[string]map[string]string{}, calls: map[string]int{},
	}
}

// Setup helpers; tests call them before the fake is shared.

func (f *fakeOrg) addUnit(id, name, parent string) {
	f.units[id] = &fakeUnit{name: name, parent: parent}
}

func (f *fakeOrg) addAccount(id, name, email, parent string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accounts[id] = &fakeAccount{name: name, email: email, parent: parent}
}

// addRequest adds a create-account request someone else started; it
// succeeds after polls IN_PROGRESS answers.
func (f *fakeOrg) addRequest(id, name, email string, polls int) {
	f.requests[id] = &fakeRequest{name: name, email: email, polls: polls}
}

// Inspection helpers.

func (f *fakeOrg) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *fakeOrg) parentOf(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a := f.accounts[id]; a != nil {
		return a.parent
	}
	return ""
}

func (f *fakeOrg) tagsOf(id string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.tags[id])
}

// pathOf returns the path of the unit with the ID; "" for the root.
func (f *fakeOrg) pathOf(id string) string {
	u := f.units[id]
	if u == nil {
		return estate.RootPath
	}
	if p := f.pathOf(u.parent); p != estate.RootPath {
		return p + "/" + u.name
	}
	return u.name
}

// accountByEmail returns the ID of the account with the e-mail, or "".
func (f *fakeOrg) accountByEmail(email string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.accountByEmailLocked(email)
}

func (f *fakeOrg) accountByEmailLocked(email string) string {
	for id, a := range f.accounts {
		if estate.EmailKey(a.email) == estate.EmailKey(email) {
			return id
		}
	}
	return ""
}

func (f *fakeOrg) enter(op string) {
	f.mu.Lock()
	f.calls[op]++
}

func (f *fakeOrg) newID(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s%d", prefix, f.seq)
}

func (f *fakeOrg) setTags(id string, tags []types.Tag) {
	if f.tags[id] == nil {
		f.tags[id] = map[string]string{}
	}
	for _, t := range tags {
		f.tags[id][aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
}

func (f *fakeOrg) isParent(id string) bool {
	_, unit := f.units[id]
	return id == f.root || unit
}

func (f *fakeOrg) DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error) {
	f.enter("DescribeOrganization")
	defer f.mu.Unlock()
	if !f.inUse {
		return nil, &types.AWSOrganizationsNotInUseException{Message: aws.String("not in an organization")}
	}
	return &organizations.DescribeOrganizationOutput{Organization: &types.Organization{Id: aws.String("o-fake"), FeatureSet: f.featureSet}}, nil
}

func (f *fakeOrg) CreateOrganization(_ context.Context, in *organizations.CreateOrganizationInput, _ ...func(*organizations.Options)) (*organizations.CreateOrganizationOutput, error) {
	f.enter("CreateOrganization")
	defer f.mu.Unlock()
	if f.inUse {
		return nil, &types.AlreadyInOrganizationException{Message: aws.String("already in an organization")}
	}
	f.inUse, f.featureSet = true, in.FeatureSet
	return &organizations.CreateOrganizationOutput{}, nil
}

func (f *fakeOrg) EnableAllFeatures(context.Context, *organizations.EnableAllFeaturesInput, ...func(*organizations.Options)) (*organizations.EnableAllFeaturesOutput, error) {
	f.enter("EnableAllFeatures")
	defer f.mu.Unlock()
	return &organizations.EnableAllFeaturesOutput{}, nil
}

func (f *fakeOrg) ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	f.enter("ListRoots")
	defer f.mu.Unlock()
	return &organizations.ListRootsOutput{Roots: []types.Root{{Id: aws.String(f.root)}}}, nil
}

func (f *fakeOrg) ListOrganizationalUnitsForParent(_ context.Context, in *organizations.ListOrganizationalUnitsForParentInput, _ ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error) {
	f.enter("ListOrganizationalUnitsForParent")
	defer f.mu.Unlock()
	parent := aws.ToString(in.ParentId)
	if !f.isParent(parent) {
		return nil, &types.ParentNotFoundException{Message: aws.String(parent)}
	}
	out := &organizations.ListOrganizationalUnitsForParentOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.units)) {
		if u := f.units[id]; u.parent == parent {
			out.OrganizationalUnits = append(out.OrganizationalUnits, types.OrganizationalUnit{Id: aws.String(id), Name: aws.String(u.name)})
		}
	}
	return out, nil
}

func (f *fakeOrg) CreateOrganizationalUnit(_ context.Context, in *organizations.CreateOrganizationalUnitInput, _ ...func(*organizations.Options)) (*organizations.CreateOrganizationalUnitOutput, error) {
	f.enter("CreateOrganizationalUnit")
	defer f.mu.Unlock()
	parent, name := aws.ToString(in.ParentId), aws.ToString(in.Name)
	if !f.isParent(parent) {
		return nil, &types.ParentNotFoundException{Message: aws.String(parent)}
	}
	for _, u := range f.units {
		if u.parent == parent && u.name == name {
			return nil, &types.DuplicateOrganizationalUnitException{Message: aws.String(name)}
		}
	}
	id := f.newID("ou-")
	f.units[id] = &fakeUnit{name: name, parent: parent}
	f.setTags(id, in.Tags)
	return &organizations.CreateOrganizationalUnitOutput{OrganizationalUnit: &types.OrganizationalUnit{Id: aws.String(id), Name: aws.String(name)}}, nil
}

func (f *fakeOrg) DeleteOrganizationalUnit(_ context.Context, in *organizations.DeleteOrganizationalUnitInput, _ ...func(*organizations.Options)) (*organizations.DeleteOrganizationalUnitOutput, error) {
	f.enter("DeleteOrganizationalUnit")
	defer f.mu.Unlock()
	id := aws.ToString(in.OrganizationalUnitId)
	if _, ok := f.units[id]; !ok {
		return nil, &types.OrganizationalUnitNotFoundException{Message: aws.String(id)}
	}
	delete(f.units, id)
	return &organizations.DeleteOrganizationalUnitOutput{}, nil
}

func (f *fakeOrg) ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	f.enter("ListAccounts")
	defer f.mu.Unlock()
	out := &organizations.ListAccountsOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.accounts)) {
		a := f.accounts[id]
		out.Accounts = append(out.Accounts, types.Account{Id: aws.String(id), Name: aws.String(a.name), Email: aws.String(a.email)})
	}
	return out, nil
}

func (f *fakeOrg) ListCreateAccountStatus(_ context.Context, in *organizations.ListCreateAccountStatusInput, _ ...func(*organizations.Options)) (*organizations.ListCreateAccountStatusOutput, error) {
	f.enter("ListCreateAccountStatus")
	defer f.mu.Unlock()
	out := &organizations.ListCreateAccountStatusOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.requests)) {
		st := f.status(id)
		if len(in.States) == 0 || slices.Contains(in.States, st.State) {
			out.CreateAccountStatuses = append(out.CreateAccountStatuses, st)
		}
	}
	return out, nil
}

func (f *fakeOrg) CreateAccount(_ context.Context, in *organizations.CreateAccountInput, _ ...func(*organizations.Options)) (*organizations.CreateAccountOutput, error) {
	f.enter("CreateAccount")
	id := f.newID("car-")
	f.created = append(f.created, *in)
	f.requests[id] = &fakeRequest{name: aws.ToString(in.AccountName), email: aws.ToString(in.Email),
		polls: f.createPolls, failure: f.failCreate, tags: in.Tags}
	st := f.status(id)
	hook := f.onCreateAccount
	f.mu.Unlock()
	if hook != nil {
		hook()
	}
	return &organizations.CreateAccountOutput{CreateAccountStatus: &st}, nil
}

func (f *fakeOrg) DescribeCreateAccountStatus(_ context.Context, in *organizations.DescribeCreateAccountStatusInput, _ ...func(*organizations.Options)) (*organizations.DescribeCreateAccountStatusOutput, error) {
	f.enter("DescribeCreateAccountStatus")
	defer f.mu.Unlock()
	id := aws.ToString(in.CreateAccountRequestId)
	r := f.requests[id]
	if r == nil {
		return nil, &types.CreateAccountStatusNotFoundException{Message: aws.String(id)}
	}
	if r.polls > 0 {
		r.polls--
	} else if r.state == "" {
		f.finish(r)
	}
	st := f.status(id)
	return &organizations.DescribeCreateAccountStatusOutput{CreateAccountStatus: &st}, nil
}

// finish ends a request the way AWS does: the e-mail must still be free.
func (f *fakeOrg) finish(r *fakeRequest) {
	switch {
	case f.accountByEmailLocked(r.email) != "":
		r.state, r.reason = types.CreateAccountStateFailed, types.CreateAccountFailureReasonEmailAlreadyExists
	case r.failure != "":
		r.state, r.reason = types.CreateAccountStateFailed, r.failure
	default:
		r.state, r.accountID = types.CreateAccountStateSucceeded, fmt.Sprintf("%012d", 900000+f.seq)
		f.seq++
		f.accounts[r.accountID] = &fakeAccount{name: r.name, email: r.email, parent: f.root}
		f.setTags(r.accountID, r.tags)
	}
}

func (f *fakeOrg) status(id string) types.CreateAccountStatus {
	r := f.requests[id]
	st := types.CreateAccountStatus{Id: aws.String(id), AccountName: aws.String(r.name), State: types.CreateAccountStateInProgress}
	if r.polls == 0 && r.state != "" {
		st.State, st.FailureReason = r.state, r.reason
		if r.accountID != "" {
			st.AccountId = aws.String(r.accountID)
		}
	}
	return st
}

func (f *fakeOrg) ListParents(_ context.Context, in *organizations.ListParentsInput, _ ...func(*organizations.Options)) (*organizations.ListParentsOutput, error) {
	f.enter("ListParents")
	defer f.mu.Unlock()
	id := aws.ToString(in.ChildId)
	a := f.accounts[id]
	if a == nil {
		return nil, &types.ChildNotFoundException{Message: aws.String(id)}
	}
	return &organizations.ListParentsOutput{Parents: []types.Parent{{Id: aws.String(a.parent)}}}, nil
}

func (f *fakeOrg) MoveAccount(_ context.Context, in *organizations.MoveAccountInput, _ ...func(*organizations.Options)) (*organizations.MoveAccountOutput, error) {
	f.enter("MoveAccount")
	defer f.mu.Unlock()
	id, from, to := aws.ToString(in.AccountId), aws.ToString(in.SourceParentId), aws.ToString(in.DestinationParentId)
	a := f.accounts[id]
	switch {
	case a == nil:
		return nil, &types.AccountNotFoundException{Message: aws.String(id)}
	case a.parent != from:
		return nil, &types.SourceParentNotFoundException{Message: aws.String(from)}
	case !f.isParent(to):
		return nil, &types.DestinationParentNotFoundException{Message: aws.String(to)}
	}
	a.parent = to
	return &organizations.MoveAccountOutput{}, nil
}

func (f *fakeOrg) TagResource(_ context.Context, in *organizations.TagResourceInput, _ ...func(*organizations.Options)) (*organizations.TagResourceOutput, error) {
	f.enter("TagResource")
	defer f.mu.Unlock()
	id := aws.ToString(in.ResourceId)
	if _, ok := f.accounts[id]; !ok && !f.isParent(id) {
		return nil, &types.TargetNotFoundException{Message: aws.String(id)}
	}
	f.setTags(id, in.Tags)
	return &organizations.TagResourceOutput{}, nil
}
