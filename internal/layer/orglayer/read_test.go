package orglayer

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

// deniedOrg refuses every policy read, once contactsStarted is closed.
type deniedOrg struct{ contactsStarted chan struct{} }

func (f deniedOrg) refuse(ctx context.Context) error {
	select {
	case <-f.contactsStarted:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Second): // a guard against a hang, not a measure
		return context.DeadlineExceeded
	}
	return inventorytest.APIError("AccessDenied")
}

func (f deniedOrg) ListRoots(ctx context.Context, _ *organizations.ListRootsInput, _ ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	return nil, f.refuse(ctx)
}
func (f deniedOrg) ListPolicies(ctx context.Context, _ *organizations.ListPoliciesInput, _ ...func(*organizations.Options)) (*organizations.ListPoliciesOutput, error) {
	return nil, f.refuse(ctx)
}
func (f deniedOrg) DescribePolicy(ctx context.Context, _ *organizations.DescribePolicyInput, _ ...func(*organizations.Options)) (*organizations.DescribePolicyOutput, error) {
	return nil, f.refuse(ctx)
}
func (f deniedOrg) ListTargetsForPolicy(ctx context.Context, _ *organizations.ListTargetsForPolicyInput, _ ...func(*organizations.Options)) (*organizations.ListTargetsForPolicyOutput, error) {
	return nil, f.refuse(ctx)
}
func (f deniedOrg) ListTagsForResource(ctx context.Context, _ *organizations.ListTagsForResourceInput, _ ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error) {
	return nil, f.refuse(ctx)
}
func (f deniedOrg) ListAWSServiceAccessForOrganization(ctx context.Context, _ *organizations.ListAWSServiceAccessForOrganizationInput, _ ...func(*organizations.Options)) (*organizations.ListAWSServiceAccessForOrganizationOutput, error) {
	return nil, f.refuse(ctx)
}
func (f deniedOrg) ListDelegatedAdministrators(ctx context.Context, _ *organizations.ListDelegatedAdministratorsInput, _ ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error) {
	return nil, f.refuse(ctx)
}
func (f deniedOrg) ListDelegatedServicesForAccount(ctx context.Context, _ *organizations.ListDelegatedServicesForAccountInput, _ ...func(*organizations.Options)) (*organizations.ListDelegatedServicesForAccountOutput, error) {
	return nil, f.refuse(ctx)
}

var _ policyReadAPI = deniedOrg{}

// contactsOnce answers every contact read and closes started on the
// first.
type contactsOnce struct {
	started chan struct{}
	once    *sync.Once
}

func (f contactsOnce) GetAlternateContact(_ context.Context, in *account.GetAlternateContactInput, _ ...func(*account.Options)) (*account.GetAlternateContactOutput, error) {
	f.once.Do(func() { close(f.started) })
	return &account.GetAlternateContactOutput{AlternateContact: &accounttypes.AlternateContact{
		AlternateContactType: in.AlternateContactType, Name: aws.String("Ana"), EmailAddress: aws.String("ana@example.com")}}, nil
}

// The policies and the contacts are read at the same time (the policies
// answer only once the contacts are being read), and a part that cannot
// be read is that part's alone: the policies are recorded as not read,
// the contacts read all the same.
func TestReadPoliciesAndContactsAtOnce(t *testing.T) {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", RootID: "r-root", ManagementAccountID: "000000000001"}
	e.Accounts["root@example.com"] = &estate.Account{ID: "000000000001", Email: "root@example.com", Status: "ACTIVE"}
	started := make(chan struct{})
	var warnings inventorytest.Warnings
	opts := inventory.Options{Warn: warnings.Warn}
	if err := readWith(context.Background(), deniedOrg{started}, contactsOnce{started, &sync.Once{}}, e, opts); err != nil {
		t.Fatal(err)
	}
	warned := warnings.Errors()
	if len(warned) != 1 || inventory.UnreadOf(warned[0]).Read != readPoliciesName || inventory.UnreadOf(warned[0]).Code != "AccessDenied" {
		t.Errorf("warned %v, want the policies alone not read, denied", warned)
	}
	if e.Org != nil {
		t.Errorf("policies not read left %+v", e.Org)
	}
	if c := e.Accounts["root@example.com"].Contacts; len(c) != len(estate.ContactTypes) {
		t.Errorf("contacts %v, want all three read", c)
	}
}
