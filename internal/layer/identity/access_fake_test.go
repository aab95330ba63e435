package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idstypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// accWorld is a narrow fake of one Identity Center instance's sso-admin
// and Identity Store calls: permission sets with every attribute,
// provisioning by account, assignments by account, users and groups.
// Unlike moto 5.2 it has tags, permissions boundaries and provisioning
// status, provisions a set to an account on assignment (as AWS does),
// honours ProvisionPermissionSet's target and the status filter of
// ListAccountsForProvisionedPermissionSet, and refuses a duplicate
// permission set name or assignment (ConflictException). It can answer
// asynchronously (IN_PROGRESS, then the outcome), fail provisioning in
// chosen accounts, and lack operations as moto does. It records every
// write and the account each client was built for.
type accWorld struct {
	mu       sync.Mutex
	instance string
	store    string
	sets     map[string]*accSet // by ARN
	assigned map[string]bool    // "setARN account TYPE principalID"
	users    map[string]string  // ID -> user name
	groups   map[string]string  // ID -> display name
	next     int
	writes   []string
	calls    map[string]int
	// clientsAt counts the clients built, by account ID.
	clientsAt map[string]int
	// lacks are operations the fake answers as an endpoint lacking them.
	lacks map[string]bool
	// async makes provisioning and assignment requests answer IN_PROGRESS
	// first, so that the kinds wait on their status.
	async bool
	// failProvision are accounts provisioning fails in, with the reason.
	failProvision map[string]string
	requests      map[string]*types.PermissionSetProvisioningStatus
	assignReqs    map[string]*types.AccountAssignmentOperationStatus
}

type accSet struct {
	name, description, duration, relay string
	managed                            []string
	customer                           []estate.PolicyRef
	inline                             string
	boundary                           *types.PermissionsBoundary
	tags                               map[string]string
	// provisioned: account ID -> whether the latest version is there.
	provisioned map[string]bool
}

func newAccWorld() *accWorld {
	return &accWorld{instance: "arn:aws:sso:::instance/ssoins-test", store: "d-test", sets: map[string]*accSet{},
		assigned: map[string]bool{}, users: map[string]string{}, groups: map[string]string{}, calls: map[string]int{},
		clientsAt: map[string]int{}, lacks: map[string]bool{}, failProvision: map[string]string{},
		requests: map[string]*types.PermissionSetProvisioningStatus{}, assignReqs: map[string]*types.AccountAssignmentOperationStatus{}}
}

// SSOAdmin and IdentityStore make accWorld the kinds' AccessClients.
func (w *accWorld) SSOAdmin(at estate.Location) AccessAPI {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clientsAt[string(at.Account)]++
	return w
}

func (w *accWorld) IdentityStore(at estate.Location) PrincipalAPI { return w }

func (w *accWorld) id(prefix string) string {
	w.next++
	return fmt.Sprintf("%s%04d", prefix, w.next)
}

func (w *accWorld) addUser(name string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	id := w.id("u-")
	w.users[id] = name
	return id
}

func (w *accWorld) addGroup(name string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	id := w.id("g-")
	w.groups[id] = name
	return id
}

// addSet makes a set as if by hand (no marker unless tags say so).
func (w *accWorld) addSet(s *accSet) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	arn := w.instance + "/ps-" + w.id("")
	if s.tags == nil {
		s.tags = map[string]string{}
	}
	if s.provisioned == nil {
		s.provisioned = map[string]bool{}
	}
	w.sets[arn] = s
	return arn
}

func (w *accWorld) assign(setARN, account, ptype, pid string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.assigned[setARN+" "+account+" "+ptype+" "+pid] = true
	w.sets[setARN].provisioned[account] = true
}

func (w *accWorld) arnOf(name string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	for arn, s := range w.sets {
		if s.name == name {
			return arn
		}
	}
	return ""
}

func (w *accWorld) write(format string, args ...any) {
	w.writes = append(w.writes, fmt.Sprintf(format, args...))
}

func (w *accWorld) writeLog() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.writes)
}

// call counts an operation and answers as an endpoint lacking it when
// the world lacks it.
func (w *accWorld) call(op string) error {
	w.calls[op]++
	if w.lacks[op] {
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusInternalServerError}}, Err: errors.New("<html>not implemented</html>")}}
	}
	return nil
}

func accErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

func (w *accWorld) set(arn string) (*accSet, error) {
	s, ok := w.sets[arn]
	if !ok {
		return nil, accErr("ResourceNotFoundException")
	}
	return s, nil
}

func (w *accWorld) ListPermissionSets(_ context.Context, in *ssoadmin.ListPermissionSetsInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.ListPermissionSetsOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.call("ListPermissionSets"); err != nil {
		return nil, err
	}
	return &ssoadmin.ListPermissionSetsOutput{PermissionSets: slices.Sorted(maps.Keys(w.sets))}, nil
}

func (w *accWorld) DescribePermissionSet(_ context.Context, in *ssoadmin.DescribePermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DescribePermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("DescribePermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	return &ssoadmin.DescribePermissionSetOutput{PermissionSet: &types.PermissionSet{Name: aws.String(s.name), PermissionSetArn: in.PermissionSetArn,
		Description: nilIfEmpty(s.description), SessionDuration: aws.String(s.duration), RelayState: nilIfEmpty(s.relay)}}, nil
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func (w *accWorld) ListManagedPoliciesInPermissionSet(_ context.Context, in *ssoadmin.ListManagedPoliciesInPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.ListManagedPoliciesInPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("ListManagedPoliciesInPermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	out := &ssoadmin.ListManagedPoliciesInPermissionSetOutput{}
	for _, m := range s.managed {
		out.AttachedManagedPolicies = append(out.AttachedManagedPolicies, types.AttachedManagedPolicy{Arn: aws.String(m), Name: aws.String(m[strings.LastIndexByte(m, '/')+1:])})
	}
	return out, nil
}

func (w *accWorld) ListCustomerManagedPolicyReferencesInPermissionSet(_ context.Context, in *ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("ListCustomerManagedPolicyReferencesInPermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	out := &ssoadmin.ListCustomerManagedPolicyReferencesInPermissionSetOutput{}
	for _, r := range s.customer {
		out.CustomerManagedPolicyReferences = append(out.CustomerManagedPolicyReferences, types.CustomerManagedPolicyReference{Name: aws.String(r.Name), Path: aws.String(r.Path)})
	}
	return out, nil
}

func (w *accWorld) GetInlinePolicyForPermissionSet(_ context.Context, in *ssoadmin.GetInlinePolicyForPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.GetInlinePolicyForPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("GetInlinePolicyForPermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	return &ssoadmin.GetInlinePolicyForPermissionSetOutput{InlinePolicy: aws.String(s.inline)}, nil
}

func (w *accWorld) GetPermissionsBoundaryForPermissionSet(_ context.Context, in *ssoadmin.GetPermissionsBoundaryForPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.GetPermissionsBoundaryForPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.call("GetPermissionsBoundaryForPermissionSet"); err != nil {
		return nil, err
	}
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	if s.boundary == nil {
		return nil, accErr("ResourceNotFoundException")
	}
	b := *s.boundary
	return &ssoadmin.GetPermissionsBoundaryForPermissionSetOutput{PermissionsBoundary: &b}, nil
}

func (w *accWorld) ListTagsForResource(_ context.Context, in *ssoadmin.ListTagsForResourceInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.ListTagsForResourceOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.call("ListTagsForResource"); err != nil {
		return nil, err
	}
	s, err := w.set(aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	out := &ssoadmin.ListTagsForResourceOutput{}
	for _, k := range slices.Sorted(maps.Keys(s.tags)) {
		out.Tags = append(out.Tags, types.Tag{Key: aws.String(k), Value: aws.String(s.tags[k])})
	}
	return out, nil
}

func (w *accWorld) ListAccountsForProvisionedPermissionSet(_ context.Context, in *ssoadmin.ListAccountsForProvisionedPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountsForProvisionedPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("ListAccountsForProvisionedPermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	out := &ssoadmin.ListAccountsForProvisionedPermissionSetOutput{}
	for _, id := range slices.Sorted(maps.Keys(s.provisioned)) {
		switch in.ProvisioningStatus {
		case types.ProvisioningStatusLatestPermissionSetProvisioned:
			if !s.provisioned[id] {
				continue
			}
		case types.ProvisioningStatusLatestPermissionSetNotProvisioned:
			if s.provisioned[id] {
				continue
			}
		}
		out.AccountIds = append(out.AccountIds, id)
	}
	return out, nil
}

func (w *accWorld) ListAccountAssignments(_ context.Context, in *ssoadmin.ListAccountAssignmentsInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentsOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("ListAccountAssignments")
	out := &ssoadmin.ListAccountAssignmentsOutput{}
	prefix := aws.ToString(in.PermissionSetArn) + " " + aws.ToString(in.AccountId) + " "
	for _, k := range slices.Sorted(maps.Keys(w.assigned)) {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			ptype, pid, _ := strings.Cut(rest, " ")
			out.AccountAssignments = append(out.AccountAssignments, types.AccountAssignment{AccountId: in.AccountId,
				PermissionSetArn: in.PermissionSetArn, PrincipalType: types.PrincipalType(ptype), PrincipalId: aws.String(pid)})
		}
	}
	return out, nil
}

// stale marks a set out of date in every account it is provisioned to:
// a change to a provisioned set.
func (s *accSet) stale() {
	for id := range s.provisioned {
		s.provisioned[id] = false
	}
}

func (w *accWorld) CreatePermissionSet(_ context.Context, in *ssoadmin.CreatePermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.CreatePermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("CreatePermissionSet")
	for _, s := range w.sets {
		if s.name == aws.ToString(in.Name) {
			return nil, accErr("ConflictException")
		}
	}
	arn := w.instance + "/ps-" + w.id("")
	s := &accSet{name: aws.ToString(in.Name), description: aws.ToString(in.Description), duration: aws.ToString(in.SessionDuration),
		relay: aws.ToString(in.RelayState), tags: map[string]string{}, provisioned: map[string]bool{}}
	for _, t := range in.Tags {
		s.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	if s.duration == "" {
		s.duration = "PT1H"
	}
	w.sets[arn] = s
	w.write("CreatePermissionSet %s", s.name)
	return &ssoadmin.CreatePermissionSetOutput{PermissionSet: &types.PermissionSet{Name: in.Name, PermissionSetArn: aws.String(arn)}}, nil
}

func (w *accWorld) UpdatePermissionSet(_ context.Context, in *ssoadmin.UpdatePermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.UpdatePermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("UpdatePermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	s.description, s.duration, s.relay = aws.ToString(in.Description), aws.ToString(in.SessionDuration), aws.ToString(in.RelayState)
	s.stale()
	w.write("UpdatePermissionSet %s", s.name)
	return &ssoadmin.UpdatePermissionSetOutput{}, nil
}

func (w *accWorld) DeletePermissionSet(_ context.Context, in *ssoadmin.DeletePermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DeletePermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("DeletePermissionSet")
	arn := aws.ToString(in.PermissionSetArn)
	s, err := w.set(arn)
	if err != nil {
		return nil, err
	}
	for k := range w.assigned {
		if strings.HasPrefix(k, arn+" ") {
			return nil, accErr("ConflictException")
		}
	}
	delete(w.sets, arn)
	w.write("DeletePermissionSet %s", s.name)
	return &ssoadmin.DeletePermissionSetOutput{}, nil
}

func (w *accWorld) AttachManagedPolicyToPermissionSet(_ context.Context, in *ssoadmin.AttachManagedPolicyToPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.AttachManagedPolicyToPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("AttachManagedPolicyToPermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	if slices.Contains(s.managed, aws.ToString(in.ManagedPolicyArn)) {
		return nil, accErr("ConflictException")
	}
	s.managed = append(s.managed, aws.ToString(in.ManagedPolicyArn))
	s.stale()
	w.write("AttachManagedPolicyToPermissionSet %s %s", s.name, aws.ToString(in.ManagedPolicyArn))
	return &ssoadmin.AttachManagedPolicyToPermissionSetOutput{}, nil
}

func (w *accWorld) DetachManagedPolicyFromPermissionSet(_ context.Context, in *ssoadmin.DetachManagedPolicyFromPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DetachManagedPolicyFromPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("DetachManagedPolicyFromPermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	i := slices.Index(s.managed, aws.ToString(in.ManagedPolicyArn))
	if i < 0 {
		return nil, accErr("ResourceNotFoundException")
	}
	s.managed = slices.Delete(s.managed, i, i+1)
	s.stale()
	w.write("DetachManagedPolicyFromPermissionSet %s %s", s.name, aws.ToString(in.ManagedPolicyArn))
	return &ssoadmin.DetachManagedPolicyFromPermissionSetOutput{}, nil
}

func refOf(r *types.CustomerManagedPolicyReference) estate.PolicyRef {
	p := aws.ToString(r.Path)
	if p == "" {
		p = "/"
	}
	return estate.PolicyRef{Name: aws.ToString(r.Name), Path: p}
}

func (w *accWorld) AttachCustomerManagedPolicyReferenceToPermissionSet(_ context.Context, in *ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("AttachCustomerManagedPolicyReferenceToPermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	r := refOf(in.CustomerManagedPolicyReference)
	if slices.Contains(s.customer, r) {
		return nil, accErr("ConflictException")
	}
	s.customer = append(s.customer, r)
	s.stale()
	w.write("AttachCustomerManagedPolicyReferenceToPermissionSet %s %s%s", s.name, r.Path, r.Name)
	return &ssoadmin.AttachCustomerManagedPolicyReferenceToPermissionSetOutput{}, nil
}

func (w *accWorld) DetachCustomerManagedPolicyReferenceFromPermissionSet(_ context.Context, in *ssoadmin.DetachCustomerManagedPolicyReferenceFromPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DetachCustomerManagedPolicyReferenceFromPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("DetachCustomerManagedPolicyReferenceFromPermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	r := refOf(in.CustomerManagedPolicyReference)
	i := slices.Index(s.customer, r)
	if i < 0 {
		return nil, accErr("ResourceNotFoundException")
	}
	s.customer = slices.Delete(s.customer, i, i+1)
	s.stale()
	w.write("DetachCustomerManagedPolicyReferenceFromPermissionSet %s %s%s", s.name, r.Path, r.Name)
	return &ssoadmin.DetachCustomerManagedPolicyReferenceFromPermissionSetOutput{}, nil
}

func (w *accWorld) PutInlinePolicyToPermissionSet(_ context.Context, in *ssoadmin.PutInlinePolicyToPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.PutInlinePolicyToPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("PutInlinePolicyToPermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	s.inline = aws.ToString(in.InlinePolicy)
	s.stale()
	w.write("PutInlinePolicyToPermissionSet %s", s.name)
	return &ssoadmin.PutInlinePolicyToPermissionSetOutput{}, nil
}

func (w *accWorld) DeleteInlinePolicyFromPermissionSet(_ context.Context, in *ssoadmin.DeleteInlinePolicyFromPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DeleteInlinePolicyFromPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("DeleteInlinePolicyFromPermissionSet")
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	s.inline = ""
	s.stale()
	w.write("DeleteInlinePolicyFromPermissionSet %s", s.name)
	return &ssoadmin.DeleteInlinePolicyFromPermissionSetOutput{}, nil
}

func (w *accWorld) PutPermissionsBoundaryToPermissionSet(_ context.Context, in *ssoadmin.PutPermissionsBoundaryToPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.PutPermissionsBoundaryToPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.call("PutPermissionsBoundaryToPermissionSet"); err != nil {
		return nil, err
	}
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	b := *in.PermissionsBoundary
	s.boundary = &b
	s.stale()
	w.write("PutPermissionsBoundaryToPermissionSet %s", s.name)
	return &ssoadmin.PutPermissionsBoundaryToPermissionSetOutput{}, nil
}

func (w *accWorld) DeletePermissionsBoundaryFromPermissionSet(_ context.Context, in *ssoadmin.DeletePermissionsBoundaryFromPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DeletePermissionsBoundaryFromPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.call("DeletePermissionsBoundaryFromPermissionSet"); err != nil {
		return nil, err
	}
	s, err := w.set(aws.ToString(in.PermissionSetArn))
	if err != nil {
		return nil, err
	}
	s.boundary = nil
	s.stale()
	w.write("DeletePermissionsBoundaryFromPermissionSet %s", s.name)
	return &ssoadmin.DeletePermissionsBoundaryFromPermissionSetOutput{}, nil
}

func (w *accWorld) TagResource(_ context.Context, in *ssoadmin.TagResourceInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.TagResourceOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.call("TagResource"); err != nil {
		return nil, err
	}
	s, err := w.set(aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, t := range in.Tags {
		s.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		keys = append(keys, aws.ToString(t.Key))
	}
	sort.Strings(keys)
	w.write("TagResource %s %s", s.name, strings.Join(keys, ","))
	return &ssoadmin.TagResourceOutput{}, nil
}

func (w *accWorld) UntagResource(_ context.Context, in *ssoadmin.UntagResourceInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.UntagResourceOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.call("UntagResource"); err != nil {
		return nil, err
	}
	s, err := w.set(aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	for _, k := range in.TagKeys {
		delete(s.tags, k)
	}
	w.write("UntagResource %s %s", s.name, strings.Join(in.TagKeys, ","))
	return &ssoadmin.UntagResourceOutput{}, nil
}

func (w *accWorld) ProvisionPermissionSet(_ context.Context, in *ssoadmin.ProvisionPermissionSetInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.ProvisionPermissionSetOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("ProvisionPermissionSet")
	arn := aws.ToString(in.PermissionSetArn)
	s, err := w.set(arn)
	if err != nil {
		return nil, err
	}
	account := aws.ToString(in.TargetId)
	w.write("ProvisionPermissionSet %s %s", s.name, account)
	st := &types.PermissionSetProvisioningStatus{RequestId: aws.String(w.id("req-")), AccountId: in.TargetId, PermissionSetArn: in.PermissionSetArn}
	if reason, fail := w.failProvision[account]; fail {
		st.Status, st.FailureReason = types.StatusValuesFailed, aws.String(reason)
	} else {
		st.Status = types.StatusValuesSucceeded
		s.provisioned[account] = true
	}
	w.requests[aws.ToString(st.RequestId)] = st
	out := *st
	if w.async {
		out.Status, out.FailureReason = types.StatusValuesInProgress, nil
	}
	return &ssoadmin.ProvisionPermissionSetOutput{PermissionSetProvisioningStatus: &out}, nil
}

func (w *accWorld) DescribePermissionSetProvisioningStatus(_ context.Context, in *ssoadmin.DescribePermissionSetProvisioningStatusInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DescribePermissionSetProvisioningStatusOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.call("DescribePermissionSetProvisioningStatus"); err != nil {
		return nil, err
	}
	st, ok := w.requests[aws.ToString(in.ProvisionPermissionSetRequestId)]
	if !ok {
		return nil, accErr("ResourceNotFoundException")
	}
	out := *st
	return &ssoadmin.DescribePermissionSetProvisioningStatusOutput{PermissionSetProvisioningStatus: &out}, nil
}

func (w *accWorld) CreateAccountAssignment(_ context.Context, in *ssoadmin.CreateAccountAssignmentInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.CreateAccountAssignmentOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("CreateAccountAssignment")
	arn := aws.ToString(in.PermissionSetArn)
	s, err := w.set(arn)
	if err != nil {
		return nil, err
	}
	k := arn + " " + aws.ToString(in.TargetId) + " " + string(in.PrincipalType) + " " + aws.ToString(in.PrincipalId)
	if w.assigned[k] {
		return nil, accErr("ConflictException")
	}
	w.assigned[k] = true
	s.provisioned[aws.ToString(in.TargetId)] = true
	w.write("CreateAccountAssignment %s %s %s %s", s.name, aws.ToString(in.TargetId), in.PrincipalType, aws.ToString(in.PrincipalId))
	st := &types.AccountAssignmentOperationStatus{RequestId: aws.String(w.id("req-")), Status: types.StatusValuesSucceeded,
		TargetId: in.TargetId, PermissionSetArn: in.PermissionSetArn, PrincipalId: in.PrincipalId, PrincipalType: in.PrincipalType}
	w.assignReqs[aws.ToString(st.RequestId)] = st
	out := *st
	if w.async {
		out.Status = types.StatusValuesInProgress
	}
	return &ssoadmin.CreateAccountAssignmentOutput{AccountAssignmentCreationStatus: &out}, nil
}

func (w *accWorld) DescribeAccountAssignmentCreationStatus(_ context.Context, in *ssoadmin.DescribeAccountAssignmentCreationStatusInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DescribeAccountAssignmentCreationStatusOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("DescribeAccountAssignmentCreationStatus")
	st, ok := w.assignReqs[aws.ToString(in.AccountAssignmentCreationRequestId)]
	if !ok {
		return nil, accErr("ResourceNotFoundException")
	}
	out := *st
	return &ssoadmin.DescribeAccountAssignmentCreationStatusOutput{AccountAssignmentCreationStatus: &out}, nil
}

func (w *accWorld) DeleteAccountAssignment(_ context.Context, in *ssoadmin.DeleteAccountAssignmentInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DeleteAccountAssignmentOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("DeleteAccountAssignment")
	arn := aws.ToString(in.PermissionSetArn)
	k := arn + " " + aws.ToString(in.TargetId) + " " + string(in.PrincipalType) + " " + aws.ToString(in.PrincipalId)
	if !w.assigned[k] {
		return nil, accErr("ResourceNotFoundException")
	}
	delete(w.assigned, k)
	name := ""
	if s := w.sets[arn]; s != nil {
		name = s.name
	}
	w.write("DeleteAccountAssignment %s %s %s %s", name, aws.ToString(in.TargetId), in.PrincipalType, aws.ToString(in.PrincipalId))
	st := &types.AccountAssignmentOperationStatus{RequestId: aws.String(w.id("req-")), Status: types.StatusValuesSucceeded}
	w.assignReqs[aws.ToString(st.RequestId)] = st
	out := *st
	if w.async {
		out.Status = types.StatusValuesInProgress
	}
	return &ssoadmin.DeleteAccountAssignmentOutput{AccountAssignmentDeletionStatus: &out}, nil
}

func (w *accWorld) DescribeAccountAssignmentDeletionStatus(_ context.Context, in *ssoadmin.DescribeAccountAssignmentDeletionStatusInput, _ ...func(*ssoadmin.Options)) (*ssoadmin.DescribeAccountAssignmentDeletionStatusOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("DescribeAccountAssignmentDeletionStatus")
	st, ok := w.assignReqs[aws.ToString(in.AccountAssignmentDeletionRequestId)]
	if !ok {
		return nil, accErr("ResourceNotFoundException")
	}
	out := *st
	return &ssoadmin.DescribeAccountAssignmentDeletionStatusOutput{AccountAssignmentDeletionStatus: &out}, nil
}

func (w *accWorld) GetUserId(_ context.Context, in *identitystore.GetUserIdInput, _ ...func(*identitystore.Options)) (*identitystore.GetUserIdOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("GetUserId")
	want := uniqueValue(in.AlternateIdentifier)
	for id, name := range w.users {
		if name == want {
			return &identitystore.GetUserIdOutput{UserId: aws.String(id), IdentityStoreId: in.IdentityStoreId}, nil
		}
	}
	return nil, accErr("ResourceNotFoundException")
}

func (w *accWorld) GetGroupId(_ context.Context, in *identitystore.GetGroupIdInput, _ ...func(*identitystore.Options)) (*identitystore.GetGroupIdOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("GetGroupId")
	want := uniqueValue(in.AlternateIdentifier)
	for id, name := range w.groups {
		if name == want {
			return &identitystore.GetGroupIdOutput{GroupId: aws.String(id), IdentityStoreId: in.IdentityStoreId}, nil
		}
	}
	return nil, accErr("ResourceNotFoundException")
}

func (w *accWorld) DescribeUser(_ context.Context, in *identitystore.DescribeUserInput, _ ...func(*identitystore.Options)) (*identitystore.DescribeUserOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("DescribeUser")
	name, ok := w.users[aws.ToString(in.UserId)]
	if !ok {
		return nil, accErr("ResourceNotFoundException")
	}
	return &identitystore.DescribeUserOutput{UserId: in.UserId, UserName: aws.String(name)}, nil
}

func (w *accWorld) DescribeGroup(_ context.Context, in *identitystore.DescribeGroupInput, _ ...func(*identitystore.Options)) (*identitystore.DescribeGroupOutput, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.call("DescribeGroup")
	name, ok := w.groups[aws.ToString(in.GroupId)]
	if !ok {
		return nil, accErr("ResourceNotFoundException")
	}
	return &identitystore.DescribeGroupOutput{GroupId: in.GroupId, DisplayName: aws.String(name)}, nil
}

// uniqueValue is the attribute value of a unique-attribute identifier.
func uniqueValue(id idstypes.AlternateIdentifier) string {
	u, ok := id.(*idstypes.AlternateIdentifierMemberUniqueAttribute)
	if !ok || u.Value.AttributeValue == nil {
		return ""
	}
	// What the SDK sends: the document as JSON.
	b, err := u.Value.AttributeValue.MarshalSmithyDocument()
	var s string
	if err != nil || json.Unmarshal(b, &s) != nil {
		return ""
	}
	return s
}
