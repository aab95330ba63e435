package kindstest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
)

// FakeOrg is a small in-memory organization behind kinds.OrganizationsAPI.
// It behaves like AWS where the kinds rely on it: CreateAccount only starts
// a request, which stays IN_PROGRESS for a few polls and then fails with
// EMAIL_ALREADY_EXISTS if the e-mail is taken by then; OU names are unique
// per parent; MoveAccount checks the source parent. It counts calls per
// operation. Lists are not paginated: the kinds' paginators need no more.
type FakeOrg struct {
	Mu         sync.Mutex
	InUse      bool
	FeatureSet types.OrganizationFeatureSet
	Root       string
	Units      map[string]*FakeUnit    // by ID
	Accounts   map[string]*FakeAccount // by ID
	requests   map[string]*fakeRequest // create-account requests by ID
	Tags       map[string]map[string]string
	calls      map[string]int
	seq        int
	// Created holds every CreateAccount input, in order.
	Created []organizations.CreateAccountInput

	// CreatePolls is how many times DescribeCreateAccountStatus answers
	// IN_PROGRESS for a request CreateAccount starts.
	CreatePolls int
	// failCreate, when set, is why the requests CreateAccount starts fail.
	FailCreate types.CreateAccountFailureReason
	// onCreateAccount, when set, runs when CreateAccount has started a
	// request, outside the lock: a test uses it to act as someone else.
	OnCreateAccount func()
	// LoseResponses loses the response of the next N calls of an
	// operation (CreateAccount, CreateOrganizationalUnit) after the call
	// took effect, as a broken connection would: the caller gets a
	// maybe-done error.
	LoseResponses map[string]int
}

// lost reports whether the response of this call of op is lost; the
// lock is held.
func (f *FakeOrg) lost(op string) error {
	if f.LoseResponses[op] <= 0 {
		return nil
	}
	f.LoseResponses[op]--
	return &awsx.MaybeDoneError{Service: "Organizations", Operation: op, Err: errors.New("connection reset by peer")}
}

// FakeUnit is an OU of a FakeOrg.
type FakeUnit struct{ Name, Parent string }

// FakeAccount is an account of a FakeOrg.
type FakeAccount struct{ Name, Email, Parent string }

type fakeRequest struct {
	Name, Email string
	polls       int // IN_PROGRESS answers left
	failure     types.CreateAccountFailureReason
	Tags        []types.Tag // for the new account
	// Set once the request has ended.
	state     types.CreateAccountState
	reason    types.CreateAccountFailureReason
	accountID string
}

var _ kinds.OrganizationsAPI = (*FakeOrg)(nil)

// NewFakeOrg returns an organization in use, with all features and a
// root, and nothing else.
func NewFakeOrg() *FakeOrg {
	return &FakeOrg{
		InUse: true, FeatureSet: types.OrganizationFeatureSetAll, Root: "r-root",
		Units: map[string]*FakeUnit{}, Accounts: map[string]*FakeAccount{}, requests: map[string]*fakeRequest{},
		Tags: map[string]map[string]string{}, calls: map[string]int{},
	}
}

// Setup helpers; tests call them before the fake is shared.

func (f *FakeOrg) AddUnit(id, name, parent string) {
	f.Units[id] = &FakeUnit{Name: name, Parent: parent}
}

func (f *FakeOrg) AddAccount(id, name, email, parent string) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Accounts[id] = &FakeAccount{Name: name, Email: email, Parent: parent}
}

// AddRequest adds a create-account request someone else started; it
// succeeds after polls IN_PROGRESS answers.
func (f *FakeOrg) AddRequest(id, name, email string, polls int) {
	f.requests[id] = &fakeRequest{Name: name, Email: email, polls: polls}
}

// Inspection helpers.

func (f *FakeOrg) Count(op string) int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return f.calls[op]
}

func (f *FakeOrg) ParentOf(id string) string {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if a := f.Accounts[id]; a != nil {
		return a.Parent
	}
	return ""
}

func (f *FakeOrg) TagsOf(id string) map[string]string {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return maps.Clone(f.Tags[id])
}

// PathOf returns the path of the unit with the ID; "" for the root.
func (f *FakeOrg) PathOf(id string) string {
	u := f.Units[id]
	if u == nil {
		return estate.RootPath
	}
	if p := f.PathOf(u.Parent); p != estate.RootPath {
		return p + "/" + u.Name
	}
	return u.Name
}

// AccountByEmail returns the ID of the account with the e-mail, or "".
func (f *FakeOrg) AccountByEmail(email string) string {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return f.accountByEmailLocked(email)
}

func (f *FakeOrg) accountByEmailLocked(email string) string {
	for id, a := range f.Accounts {
		if estate.EmailKey(a.Email) == estate.EmailKey(email) {
			return id
		}
	}
	return ""
}

func (f *FakeOrg) enter(op string) {
	f.Mu.Lock()
	f.calls[op]++
}

func (f *FakeOrg) newID(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s%d", prefix, f.seq)
}

func (f *FakeOrg) SetTags(id string, tags []types.Tag) {
	if f.Tags[id] == nil {
		f.Tags[id] = map[string]string{}
	}
	for _, t := range tags {
		f.Tags[id][aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
}

func (f *FakeOrg) IsParent(id string) bool {
	_, unit := f.Units[id]
	return id == f.Root || unit
}

func (f *FakeOrg) DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error) {
	f.enter("DescribeOrganization")
	defer f.Mu.Unlock()
	if !f.InUse {
		return nil, &types.AWSOrganizationsNotInUseException{Message: aws.String("not in an organization")}
	}
	return &organizations.DescribeOrganizationOutput{Organization: &types.Organization{Id: aws.String("o-fake"), FeatureSet: f.FeatureSet}}, nil
}

func (f *FakeOrg) CreateOrganization(_ context.Context, in *organizations.CreateOrganizationInput, _ ...func(*organizations.Options)) (*organizations.CreateOrganizationOutput, error) {
	f.enter("CreateOrganization")
	defer f.Mu.Unlock()
	if f.InUse {
		return nil, &types.AlreadyInOrganizationException{Message: aws.String("already in an organization")}
	}
	f.InUse, f.FeatureSet = true, in.FeatureSet
	if err := f.lost("CreateOrganization"); err != nil {
		return nil, err
	}
	return &organizations.CreateOrganizationOutput{}, nil
}

func (f *FakeOrg) EnableAllFeatures(context.Context, *organizations.EnableAllFeaturesInput, ...func(*organizations.Options)) (*organizations.EnableAllFeaturesOutput, error) {
	f.enter("EnableAllFeatures")
	defer f.Mu.Unlock()
	return &organizations.EnableAllFeaturesOutput{}, nil
}

func (f *FakeOrg) ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	f.enter("ListRoots")
	defer f.Mu.Unlock()
	return &organizations.ListRootsOutput{Roots: []types.Root{{Id: aws.String(f.Root)}}}, nil
}

func (f *FakeOrg) ListOrganizationalUnitsForParent(_ context.Context, in *organizations.ListOrganizationalUnitsForParentInput, _ ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error) {
	f.enter("ListOrganizationalUnitsForParent")
	defer f.Mu.Unlock()
	parent := aws.ToString(in.ParentId)
	if !f.IsParent(parent) {
		return nil, &types.ParentNotFoundException{Message: aws.String(parent)}
	}
	out := &organizations.ListOrganizationalUnitsForParentOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.Units)) {
		if u := f.Units[id]; u.Parent == parent {
			out.OrganizationalUnits = append(out.OrganizationalUnits, types.OrganizationalUnit{Id: aws.String(id), Name: aws.String(u.Name)})
		}
	}
	return out, nil
}

func (f *FakeOrg) CreateOrganizationalUnit(_ context.Context, in *organizations.CreateOrganizationalUnitInput, _ ...func(*organizations.Options)) (*organizations.CreateOrganizationalUnitOutput, error) {
	f.enter("CreateOrganizationalUnit")
	defer f.Mu.Unlock()
	parent, name := aws.ToString(in.ParentId), aws.ToString(in.Name)
	if !f.IsParent(parent) {
		return nil, &types.ParentNotFoundException{Message: aws.String(parent)}
	}
	for _, u := range f.Units {
		if u.Parent == parent && u.Name == name {
			return nil, &types.DuplicateOrganizationalUnitException{Message: aws.String(name)}
		}
	}
	id := f.newID("ou-")
	f.Units[id] = &FakeUnit{Name: name, Parent: parent}
	f.SetTags(id, in.Tags)
	if err := f.lost("CreateOrganizationalUnit"); err != nil {
		return nil, err
	}
	return &organizations.CreateOrganizationalUnitOutput{OrganizationalUnit: &types.OrganizationalUnit{Id: aws.String(id), Name: aws.String(name)}}, nil
}

func (f *FakeOrg) DeleteOrganizationalUnit(_ context.Context, in *organizations.DeleteOrganizationalUnitInput, _ ...func(*organizations.Options)) (*organizations.DeleteOrganizationalUnitOutput, error) {
	f.enter("DeleteOrganizationalUnit")
	defer f.Mu.Unlock()
	id := aws.ToString(in.OrganizationalUnitId)
	if _, ok := f.Units[id]; !ok {
		return nil, &types.OrganizationalUnitNotFoundException{Message: aws.String(id)}
	}
	delete(f.Units, id)
	return &organizations.DeleteOrganizationalUnitOutput{}, nil
}

func (f *FakeOrg) ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	f.enter("ListAccounts")
	defer f.Mu.Unlock()
	out := &organizations.ListAccountsOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.Accounts)) {
		a := f.Accounts[id]
		out.Accounts = append(out.Accounts, types.Account{Id: aws.String(id), Name: aws.String(a.Name), Email: aws.String(a.Email)})
	}
	return out, nil
}

func (f *FakeOrg) ListCreateAccountStatus(_ context.Context, in *organizations.ListCreateAccountStatusInput, _ ...func(*organizations.Options)) (*organizations.ListCreateAccountStatusOutput, error) {
	f.enter("ListCreateAccountStatus")
	defer f.Mu.Unlock()
	out := &organizations.ListCreateAccountStatusOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.requests)) {
		st := f.status(id)
		if len(in.States) == 0 || slices.Contains(in.States, st.State) {
			out.CreateAccountStatuses = append(out.CreateAccountStatuses, st)
		}
	}
	return out, nil
}

func (f *FakeOrg) CreateAccount(_ context.Context, in *organizations.CreateAccountInput, _ ...func(*organizations.Options)) (*organizations.CreateAccountOutput, error) {
	f.enter("CreateAccount")
	id := f.newID("car-")
	f.Created = append(f.Created, *in)
	f.requests[id] = &fakeRequest{Name: aws.ToString(in.AccountName), Email: aws.ToString(in.Email),
		polls: f.CreatePolls, failure: f.FailCreate, Tags: in.Tags}
	st := f.status(id)
	hook := f.OnCreateAccount
	lost := f.lost("CreateAccount")
	f.Mu.Unlock()
	if hook != nil {
		hook()
	}
	if lost != nil {
		return nil, lost
	}
	return &organizations.CreateAccountOutput{CreateAccountStatus: &st}, nil
}

func (f *FakeOrg) DescribeCreateAccountStatus(_ context.Context, in *organizations.DescribeCreateAccountStatusInput, _ ...func(*organizations.Options)) (*organizations.DescribeCreateAccountStatusOutput, error) {
	f.enter("DescribeCreateAccountStatus")
	defer f.Mu.Unlock()
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
func (f *FakeOrg) finish(r *fakeRequest) {
	switch {
	case f.accountByEmailLocked(r.Email) != "":
		r.state, r.reason = types.CreateAccountStateFailed, types.CreateAccountFailureReasonEmailAlreadyExists
	case r.failure != "":
		r.state, r.reason = types.CreateAccountStateFailed, r.failure
	default:
		r.state, r.accountID = types.CreateAccountStateSucceeded, fmt.Sprintf("%012d", 900000+f.seq)
		f.seq++
		f.Accounts[r.accountID] = &FakeAccount{Name: r.Name, Email: r.Email, Parent: f.Root}
		f.SetTags(r.accountID, r.Tags)
	}
}

func (f *FakeOrg) status(id string) types.CreateAccountStatus {
	r := f.requests[id]
	st := types.CreateAccountStatus{Id: aws.String(id), AccountName: aws.String(r.Name), State: types.CreateAccountStateInProgress}
	if r.polls == 0 && r.state != "" {
		st.State, st.FailureReason = r.state, r.reason
		if r.accountID != "" {
			st.AccountId = aws.String(r.accountID)
		}
	}
	return st
}

func (f *FakeOrg) ListParents(_ context.Context, in *organizations.ListParentsInput, _ ...func(*organizations.Options)) (*organizations.ListParentsOutput, error) {
	f.enter("ListParents")
	defer f.Mu.Unlock()
	id := aws.ToString(in.ChildId)
	a := f.Accounts[id]
	if a == nil {
		return nil, &types.ChildNotFoundException{Message: aws.String(id)}
	}
	return &organizations.ListParentsOutput{Parents: []types.Parent{{Id: aws.String(a.Parent)}}}, nil
}

func (f *FakeOrg) MoveAccount(_ context.Context, in *organizations.MoveAccountInput, _ ...func(*organizations.Options)) (*organizations.MoveAccountOutput, error) {
	f.enter("MoveAccount")
	defer f.Mu.Unlock()
	id, from, to := aws.ToString(in.AccountId), aws.ToString(in.SourceParentId), aws.ToString(in.DestinationParentId)
	a := f.Accounts[id]
	switch {
	case a == nil:
		return nil, &types.AccountNotFoundException{Message: aws.String(id)}
	case a.Parent != from:
		return nil, &types.SourceParentNotFoundException{Message: aws.String(from)}
	case !f.IsParent(to):
		return nil, &types.DestinationParentNotFoundException{Message: aws.String(to)}
	}
	a.Parent = to
	return &organizations.MoveAccountOutput{}, nil
}

func (f *FakeOrg) TagResource(_ context.Context, in *organizations.TagResourceInput, _ ...func(*organizations.Options)) (*organizations.TagResourceOutput, error) {
	f.enter("TagResource")
	defer f.Mu.Unlock()
	id := aws.ToString(in.ResourceId)
	if _, ok := f.Accounts[id]; !ok && !f.IsParent(id) {
		return nil, &types.TargetNotFoundException{Message: aws.String(id)}
	}
	f.SetTags(id, in.Tags)
	return &organizations.TagResourceOutput{}, nil
}
