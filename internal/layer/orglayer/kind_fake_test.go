package orglayer_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/kinds/kindstest"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
)

// fakeOrgLayer is an in-memory organization layer behind orglayer.OrgLayerAPI
// and orglayer.AccountAPI: policy types on the root, policies and their
// targets, trusted access, delegated administrators and alternate
// contacts. It follows AWS where the moto server the end-to-end tests use
// does not, so that these tests cover what those cannot:
//
//   - AttachPolicy refuses a policy whose type is not enabled on the root
//     with PolicyTypeNotEnabledException; moto attaches it anyway.
//   - RegisterDelegatedAdministrator accepts any service principal that has
//     trusted access, as AWS does for sso, cloudtrail, config and
//     securityhub, all of which moto refuses; without trusted access it
//     fails as AWS does, with ConstraintViolationException
//     SERVICE_ACCESS_NOT_ENABLED.
//   - Repeated writes fail as in AWS: PolicyTypeAlreadyEnabledException,
//     DuplicatePolicyException (policy names are unique per type),
//     DuplicatePolicyAttachmentException, AccountAlreadyRegisteredException.
//   - DeletePolicy refuses an attached policy (PolicyInUseException).
//   - PutAlternateContact refuses the management account's own ID (it must
//     omit AccountId) and, for a member account, needs trusted access for
//     account.amazonaws.com, as the Account Management API documents.
//
// It keeps one delegated administrator per service, as most services
// allow. When org is set, targets and accounts are checked against it. It
// counts calls per operation and logs every write in call order. Lists are
// not paginated: the kinds' paginators need no more.
type fakeOrgLayer struct {
	mu           sync.Mutex
	org          *kindstest.FakeOrg // may be nil
	root         string
	managementID string
	enabled      map[string]bool        // policy types enabled on the root
	policies     map[string]*fakePolicy // by ID
	trusted      map[string]bool        // service principals with trusted access
	admins       map[string]string      // service principal -> account ID
	// contacts by account ID, then contact type.
	contacts map[string]map[string]estate.Contact
	calls    map[string]int
	// writes are "Operation arg arg" in call order, for ordering checks.
	writes []string
	// refusals are "Operation ErrorCode" for every error returned.
	refusals []string
	// puts holds every PutAlternateContact input, in order.
	puts []account.PutAlternateContactInput
	seq  int
	// loseCreates loses the response of the next CreatePolicy calls after
	// the policy is made, as a broken connection would.
	loseCreates int
	// enableDelay is how long EnablePolicyType and EnableAWSServiceAccess
	// take, outside the lock: long enough that a change not waiting for
	// them would run first.
	enableDelay time.Duration
}

type fakePolicy struct {
	name, typ, description, content string
	awsManaged                      bool
	targets                         map[string]bool // target IDs
	tags                            map[string]string
}

// fullAWSAccessID is the ID of the AWS-managed FullAWSAccess SCP.
const fullAWSAccessID = "p-FullAWSAccess"

// accountService is the service principal the Account Management API
// needs trusted access for.
const accountService = "account.amazonaws.com"

var (
	_ orglayer.OrgLayerAPI = (*fakeOrgLayer)(nil)
	_ orglayer.AccountAPI  = (*fakeOrgLayer)(nil)
)

// newFakeOrgLayer returns an organization layer with no policy type
// enabled and FullAWSAccess detached, over org (which may be nil).
func newFakeOrgLayer(org *kindstest.FakeOrg) *fakeOrgLayer {
	f := &fakeOrgLayer{
		org: org, root: "r-root", managementID: kindstest.ManagementID,
		enabled: map[string]bool{}, trusted: map[string]bool{}, admins: map[string]string{},
		contacts: map[string]map[string]estate.Contact{}, calls: map[string]int{},
		policies: map[string]*fakePolicy{fullAWSAccessID: {
			name: estate.FullAWSAccess, typ: estate.PolicyTypeSCP, description: "Allows access to every operation",
			content:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			awsManaged: true, targets: map[string]bool{},
		}},
	}
	if org != nil {
		f.root = org.Root
	}
	return f
}

// Setup helpers; tests call them before the fake is shared.

// enable enables a policy type as EnablePolicyType does.
func (f *fakeOrgLayer) enable(pt string) {
	f.enabled[pt] = true
	if pt == estate.PolicyTypeSCP {
		// AWS attaches FullAWSAccess to the root and to every OU and
		// account; the root is enough here: the kinds never touch it.
		f.policies[fullAWSAccessID].targets[f.root] = true
	}
}

// addPolicy adds a policy groundwork made: it carries the ownership tag.
func (f *fakeOrgLayer) addPolicy(id, name, typ, content string, targets ...string) {
	f.addUnmarkedPolicy(id, name, typ, content, targets...)
	f.policies[id].tags = kinds.OwnerTags(nil)
}

// addUnmarkedPolicy adds a policy made by hand, without the ownership tag.
func (f *fakeOrgLayer) addUnmarkedPolicy(id, name, typ, content string, targets ...string) {
	p := &fakePolicy{name: name, typ: typ, content: content, targets: map[string]bool{}, tags: map[string]string{}}
	for _, t := range targets {
		p.targets[t] = true
	}
	f.policies[id] = p
}

// Inspection helpers.

func (f *fakeOrgLayer) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *fakeOrgLayer) writeLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.writes)
}

func (f *fakeOrgLayer) refused() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.refusals)
}

// policyByName returns the ID of the policy with the name, or "".
func (f *fakeOrgLayer) policyByName(name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, p := range f.policies {
		if p.name == name {
			return id
		}
	}
	return ""
}

// targetsOf returns the sorted target IDs of a policy.
func (f *fakeOrgLayer) targetsOf(id string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p := f.policies[id]; p != nil {
		return slices.Sorted(maps.Keys(p.targets))
	}
	return nil
}

func (f *fakeOrgLayer) enter(op string) {
	f.mu.Lock()
	f.calls[op]++
}

// write logs a write; the caller holds the lock.
func (f *fakeOrgLayer) write(op string, args ...string) {
	s := op
	for _, a := range args {
		s += " " + a
	}
	f.writes = append(f.writes, s)
}

// refuse records an error and returns it; the caller holds the lock.
func (f *fakeOrgLayer) refuse(op string, err smithy.APIError) error {
	f.refusals = append(f.refusals, op+" "+err.ErrorCode())
	return err
}

// isAccount reports whether the organization has the account; without an
// organization to ask, every account exists.
func (f *fakeOrgLayer) isAccount(id string) bool {
	if f.org == nil {
		return true
	}
	f.org.Mu.Lock()
	defer f.org.Mu.Unlock()
	_, ok := f.org.Accounts[id]
	return ok
}

func (f *fakeOrgLayer) isTarget(id string) bool {
	if f.org == nil {
		return true
	}
	f.org.Mu.Lock()
	defer f.org.Mu.Unlock()
	_, ok := f.org.Accounts[id]
	return ok || f.org.IsParent(id)
}

func (f *fakeOrgLayer) ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	f.enter("ListRoots")
	defer f.mu.Unlock()
	root := types.Root{Id: aws.String(f.root)}
	for _, pt := range slices.Sorted(maps.Keys(f.enabled)) {
		root.PolicyTypes = append(root.PolicyTypes, types.PolicyTypeSummary{Type: types.PolicyType(pt), Status: types.PolicyTypeStatusEnabled})
	}
	return &organizations.ListRootsOutput{Roots: []types.Root{root}}, nil
}

func (f *fakeOrgLayer) EnablePolicyType(_ context.Context, in *organizations.EnablePolicyTypeInput, _ ...func(*organizations.Options)) (*organizations.EnablePolicyTypeOutput, error) {
	time.Sleep(f.enableDelay)
	f.enter("EnablePolicyType")
	defer f.mu.Unlock()
	pt := string(in.PolicyType)
	switch {
	case aws.ToString(in.RootId) != f.root:
		return nil, f.refuse("EnablePolicyType", &types.RootNotFoundException{Message: in.RootId})
	case f.enabled[pt]:
		return nil, f.refuse("EnablePolicyType", &types.PolicyTypeAlreadyEnabledException{Message: aws.String(pt)})
	}
	f.write("EnablePolicyType", pt)
	f.enable(pt)
	return &organizations.EnablePolicyTypeOutput{}, nil
}

func (f *fakeOrgLayer) ListPolicies(_ context.Context, in *organizations.ListPoliciesInput, _ ...func(*organizations.Options)) (*organizations.ListPoliciesOutput, error) {
	f.enter("ListPolicies")
	defer f.mu.Unlock()
	out := &organizations.ListPoliciesOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.policies)) {
		if p := f.policies[id]; p.typ == string(in.Filter) {
			out.Policies = append(out.Policies, types.PolicySummary{Id: aws.String(id), Name: aws.String(p.name),
				Type: types.PolicyType(p.typ), Description: aws.String(p.description), AwsManaged: p.awsManaged})
		}
	}
	return out, nil
}

func (f *fakeOrgLayer) CreatePolicy(_ context.Context, in *organizations.CreatePolicyInput, _ ...func(*organizations.Options)) (*organizations.CreatePolicyOutput, error) {
	f.enter("CreatePolicy")
	defer f.mu.Unlock()
	name, pt := aws.ToString(in.Name), string(in.Type)
	for _, p := range f.policies {
		if p.name == name && p.typ == pt {
			return nil, f.refuse("CreatePolicy", &types.DuplicatePolicyException{Message: aws.String(name)})
		}
	}
	f.seq++
	id := fmt.Sprintf("p-%d", f.seq)
	f.write("CreatePolicy", name)
	f.policies[id] = &fakePolicy{name: name, typ: pt, description: aws.ToString(in.Description),
		content: aws.ToString(in.Content), targets: map[string]bool{}, tags: map[string]string{}}
	for _, t := range in.Tags {
		f.policies[id].tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	if f.loseCreates > 0 {
		f.loseCreates--
		return nil, &awsx.MaybeDoneError{Service: "Organizations", Operation: "CreatePolicy", Err: errors.New("connection reset by peer")}
	}
	return &organizations.CreatePolicyOutput{Policy: &types.Policy{PolicySummary: &types.PolicySummary{Id: aws.String(id), Name: aws.String(name)}}}, nil
}

func (f *fakeOrgLayer) UpdatePolicy(_ context.Context, in *organizations.UpdatePolicyInput, _ ...func(*organizations.Options)) (*organizations.UpdatePolicyOutput, error) {
	f.enter("UpdatePolicy")
	defer f.mu.Unlock()
	id := aws.ToString(in.PolicyId)
	p := f.policies[id]
	switch {
	case p == nil:
		return nil, f.refuse("UpdatePolicy", &types.PolicyNotFoundException{Message: in.PolicyId})
	case p.awsManaged:
		// The kinds must never get here; a plain error makes the test fail.
		return nil, fmt.Errorf("fake: %s is AWS-managed", p.name)
	}
	f.write("UpdatePolicy", id)
	if in.Name != nil {
		p.name = *in.Name
	}
	if in.Description != nil {
		p.description = *in.Description
	}
	if in.Content != nil {
		p.content = *in.Content
	}
	return &organizations.UpdatePolicyOutput{}, nil
}

func (f *fakeOrgLayer) DeletePolicy(_ context.Context, in *organizations.DeletePolicyInput, _ ...func(*organizations.Options)) (*organizations.DeletePolicyOutput, error) {
	f.enter("DeletePolicy")
	defer f.mu.Unlock()
	id := aws.ToString(in.PolicyId)
	p := f.policies[id]
	switch {
	case p == nil:
		return nil, f.refuse("DeletePolicy", &types.PolicyNotFoundException{Message: in.PolicyId})
	case p.awsManaged:
		return nil, fmt.Errorf("fake: %s is AWS-managed", p.name)
	case len(p.targets) > 0:
		return nil, f.refuse("DeletePolicy", &types.PolicyInUseException{Message: in.PolicyId})
	}
	f.write("DeletePolicy", id)
	delete(f.policies, id)
	return &organizations.DeletePolicyOutput{}, nil
}

// TagResource tags a policy; the layer's kinds tag nothing else.
func (f *fakeOrgLayer) TagResource(_ context.Context, in *organizations.TagResourceInput, _ ...func(*organizations.Options)) (*organizations.TagResourceOutput, error) {
	f.enter("TagResource")
	defer f.mu.Unlock()
	p := f.policies[aws.ToString(in.ResourceId)]
	if p == nil || p.awsManaged {
		return nil, f.refuse("TagResource", &types.TargetNotFoundException{Message: in.ResourceId})
	}
	f.write("TagResource", aws.ToString(in.ResourceId))
	for _, t := range in.Tags {
		p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return &organizations.TagResourceOutput{}, nil
}

func (f *fakeOrgLayer) AttachPolicy(_ context.Context, in *organizations.AttachPolicyInput, _ ...func(*organizations.Options)) (*organizations.AttachPolicyOutput, error) {
	f.enter("AttachPolicy")
	defer f.mu.Unlock()
	id, target := aws.ToString(in.PolicyId), aws.ToString(in.TargetId)
	p := f.policies[id]
	switch {
	case p == nil:
		return nil, f.refuse("AttachPolicy", &types.PolicyNotFoundException{Message: in.PolicyId})
	case !f.isTarget(target):
		return nil, f.refuse("AttachPolicy", &types.TargetNotFoundException{Message: in.TargetId})
	case !f.enabled[p.typ]:
		// The gap moto leaves: it attaches a policy of any type.
		return nil, f.refuse("AttachPolicy", &types.PolicyTypeNotEnabledException{Message: aws.String(p.typ + " is not enabled on the root")})
	case p.targets[target]:
		return nil, f.refuse("AttachPolicy", &types.DuplicatePolicyAttachmentException{Message: in.PolicyId})
	}
	f.write("AttachPolicy", id, target)
	p.targets[target] = true
	return &organizations.AttachPolicyOutput{}, nil
}

func (f *fakeOrgLayer) DetachPolicy(_ context.Context, in *organizations.DetachPolicyInput, _ ...func(*organizations.Options)) (*organizations.DetachPolicyOutput, error) {
	f.enter("DetachPolicy")
	defer f.mu.Unlock()
	id, target := aws.ToString(in.PolicyId), aws.ToString(in.TargetId)
	p := f.policies[id]
	switch {
	case p == nil:
		return nil, f.refuse("DetachPolicy", &types.PolicyNotFoundException{Message: in.PolicyId})
	case !p.targets[target]:
		return nil, f.refuse("DetachPolicy", &types.PolicyNotAttachedException{Message: in.PolicyId})
	}
	f.write("DetachPolicy", id, target)
	delete(p.targets, target)
	return &organizations.DetachPolicyOutput{}, nil
}

func (f *fakeOrgLayer) EnableAWSServiceAccess(_ context.Context, in *organizations.EnableAWSServiceAccessInput, _ ...func(*organizations.Options)) (*organizations.EnableAWSServiceAccessOutput, error) {
	time.Sleep(f.enableDelay)
	f.enter("EnableAWSServiceAccess")
	defer f.mu.Unlock()
	svc := aws.ToString(in.ServicePrincipal)
	f.write("EnableAWSServiceAccess", svc)
	f.trusted[svc] = true // enabling it again succeeds, as in AWS
	return &organizations.EnableAWSServiceAccessOutput{}, nil
}

func (f *fakeOrgLayer) RegisterDelegatedAdministrator(_ context.Context, in *organizations.RegisterDelegatedAdministratorInput, _ ...func(*organizations.Options)) (*organizations.RegisterDelegatedAdministratorOutput, error) {
	f.enter("RegisterDelegatedAdministrator")
	defer f.mu.Unlock()
	id, svc := aws.ToString(in.AccountId), aws.ToString(in.ServicePrincipal)
	switch {
	case !f.isAccount(id):
		return nil, f.refuse("RegisterDelegatedAdministrator", &types.AccountNotFoundException{Message: in.AccountId})
	case id == f.managementID:
		return nil, f.refuse("RegisterDelegatedAdministrator", &types.ConstraintViolationException{Message: in.AccountId,
			Reason: types.ConstraintViolationExceptionReasonCannotRegisterMasterAsDelegatedAdministrator})
	case !f.trusted[svc]:
		// Any service with trusted access is accepted, as in AWS; moto
		// refuses sso, cloudtrail, config and securityhub whatever.
		return nil, f.refuse("RegisterDelegatedAdministrator", &types.ConstraintViolationException{Message: in.ServicePrincipal,
			Reason: types.ConstraintViolationExceptionReasonServiceAccessNotEnabled})
	case f.admins[svc] == id:
		return nil, f.refuse("RegisterDelegatedAdministrator", &types.AccountAlreadyRegisteredException{Message: in.AccountId})
	case f.admins[svc] != "":
		return nil, f.refuse("RegisterDelegatedAdministrator", &types.ConstraintViolationException{Message: in.ServicePrincipal,
			Reason: types.ConstraintViolationExceptionReasonDelegatedAdministratorExistsForThisService})
	}
	f.write("RegisterDelegatedAdministrator", svc, id)
	f.admins[svc] = id
	return &organizations.RegisterDelegatedAdministratorOutput{}, nil
}

func (f *fakeOrgLayer) DeregisterDelegatedAdministrator(_ context.Context, in *organizations.DeregisterDelegatedAdministratorInput, _ ...func(*organizations.Options)) (*organizations.DeregisterDelegatedAdministratorOutput, error) {
	f.enter("DeregisterDelegatedAdministrator")
	defer f.mu.Unlock()
	id, svc := aws.ToString(in.AccountId), aws.ToString(in.ServicePrincipal)
	if f.admins[svc] != id {
		return nil, f.refuse("DeregisterDelegatedAdministrator", &types.AccountNotRegisteredException{Message: in.AccountId})
	}
	f.write("DeregisterDelegatedAdministrator", svc, id)
	delete(f.admins, svc)
	return &organizations.DeregisterDelegatedAdministratorOutput{}, nil
}

func (f *fakeOrgLayer) PutAlternateContact(_ context.Context, in *account.PutAlternateContactInput, _ ...func(*account.Options)) (*account.PutAlternateContactOutput, error) {
	f.enter("PutAlternateContact")
	defer f.mu.Unlock()
	f.puts = append(f.puts, *in)
	id := aws.ToString(in.AccountId)
	switch {
	case in.AccountId == nil:
		id = f.managementID // the caller's own account
	case id == f.managementID:
		return nil, f.refuse("PutAlternateContact", &accounttypes.AccessDeniedException{
			Message: aws.String("the management account can't specify its own AccountId")})
	case !f.trusted[accountService]:
		return nil, f.refuse("PutAlternateContact", &accounttypes.AccessDeniedException{
			Message: aws.String("trusted access is not enabled for " + accountService)})
	case !f.isAccount(id):
		return nil, f.refuse("PutAlternateContact", &accounttypes.ResourceNotFoundException{Message: in.AccountId})
	}
	ct := string(in.AlternateContactType)
	f.write("PutAlternateContact", id, ct)
	if f.contacts[id] == nil {
		f.contacts[id] = map[string]estate.Contact{}
	}
	f.contacts[id][ct] = estate.Contact{Name: aws.ToString(in.Name), Title: aws.ToString(in.Title),
		Email: aws.ToString(in.EmailAddress), Phone: aws.ToString(in.PhoneNumber)}
	return &account.PutAlternateContactOutput{}, nil
}

// actualEstate reads the fakes the way the inventory reads AWS: the
// organization, its units and accounts with their tags, every account's
// contacts (an account with none has an empty map: read, not missing) and
// the organization layer, targets named by root, unit path or e-mail key.
func actualEstate(org *kindstest.FakeOrg, l *fakeOrgLayer) *estate.Estate {
	// Lock in the order the fake's own methods do: the layer, then org.
	l.mu.Lock()
	defer l.mu.Unlock()
	org.Mu.Lock()
	defer org.Mu.Unlock()
	e := estate.New()
	if !org.InUse {
		return e
	}
	e.Organization = &estate.Organization{ID: "o-fake", RootID: org.Root, FeatureSet: string(org.FeatureSet),
		ManagementAccountID: l.managementID}
	names := map[string]string{org.Root: estate.RootTarget}
	for id := range org.Units {
		path := org.PathOf(id)
		e.Units[path] = &estate.Unit{ID: id, Path: path, Tags: maps.Clone(org.Tags[id])}
		names[id] = path
	}
	for id, a := range org.Accounts {
		key := estate.EmailKey(a.Email)
		contacts := maps.Clone(l.contacts[id])
		if contacts == nil {
			contacts = map[string]estate.Contact{}
		}
		e.Accounts[key] = &estate.Account{ID: id, Name: a.Name, Email: a.Email, Status: "ACTIVE",
			Unit: org.PathOf(a.Parent), Tags: maps.Clone(org.Tags[id]), Contacts: contacts}
		names[id] = key
	}
	ol := estate.NewOrgLayer()
	ol.EnabledPolicyTypes = slices.Sorted(maps.Keys(l.enabled))
	for id, p := range l.policies {
		ep := &estate.Policy{ID: id, Name: p.name, Type: p.typ, Description: p.description, Content: p.content, AWSManaged: p.awsManaged}
		if !p.awsManaged {
			ep.Tags = maps.Clone(p.tags)
		}
		for t := range p.targets {
			ep.Targets = append(ep.Targets, names[t])
		}
		slices.Sort(ep.Targets)
		ol.Policies[estate.PolicyKey(p.typ, p.name)] = ep
	}
	for svc, on := range l.trusted {
		if on {
			ol.TrustedServices = append(ol.TrustedServices, svc)
		}
	}
	slices.Sort(ol.TrustedServices)
	for svc, id := range l.admins {
		ol.DelegatedAdmins[svc] = names[id]
	}
	e.Org = ol
	return e
}
