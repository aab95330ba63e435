package inventory_test

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
)

// fakeTree is a read-only organization behind inventory.OrganizationsAPI.
// Every list answers pageSize items at a time and honours NextToken, as
// AWS does; an unknown parent, resource or token is an error. It is filled
// before use and only read afterwards, so it needs no lock.
type fakeTree struct {
	pageSize int
	latency  time.Duration // added to every call, to model a round trip
	notInUse bool

	org      types.Organization
	rootID   string
	ous      map[string][]types.OrganizationalUnit // by parent ID
	accounts map[string][]types.Account            // by parent ID
	tags     map[string][]types.Tag                // by resource ID

	calls atomic.Int64
}

var _ inventory.OrganizationsAPI = (*fakeTree)(nil)

func newFakeTree(pageSize int) *fakeTree {
	f := &fakeTree{pageSize: pageSize, rootID: "r-root",
		ous: map[string][]types.OrganizationalUnit{}, accounts: map[string][]types.Account{}, tags: map[string][]types.Tag{}}
	f.org = types.Organization{Id: aws.String("o-abc"), Arn: aws.String("arn:aws:organizations::000000000001:organization/o-abc"),
		FeatureSet: types.OrganizationFeatureSetAll, MasterAccountId: aws.String("000000000001"), MasterAccountEmail: aws.String("root@example.com")}
	return f
}

func (f *fakeTree) addOU(parent, id, name string, tags ...string) {
	f.ous[parent] = append(f.ous[parent], types.OrganizationalUnit{Id: aws.String(id), Name: aws.String(name)})
	f.addTags(id, tags)
}

func (f *fakeTree) addAccount(parent string, a types.Account, tags ...string) {
	f.accounts[parent] = append(f.accounts[parent], a)
	f.addTags(aws.ToString(a.Id), tags)
}

func (f *fakeTree) addTags(id string, kv []string) {
	f.tags[id] = []types.Tag{}
	for i := 0; i+1 < len(kv); i += 2 {
		f.tags[id] = append(f.tags[id], types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
}

func (f *fakeTree) isParent(id string) bool {
	if id == f.rootID {
		return true
	}
	for _, ous := range f.ous {
		for _, ou := range ous {
			if aws.ToString(ou.Id) == id {
				return true
			}
		}
	}
	return false
}

func (f *fakeTree) call() {
	f.calls.Add(1)
	if f.latency > 0 {
		time.Sleep(f.latency)
	}
}

// page returns the page of items that token starts, and the token of the
// next page.
func page[T any](items []T, token *string, size int) ([]T, *string, error) {
	start := 0
	if token != nil {
		n, err := strconv.Atoi(strings.TrimPrefix(*token, "page-"))
		if err != nil || n <= 0 || n >= len(items) {
			return nil, nil, &types.InvalidInputException{Message: aws.String("invalid NextToken " + *token)}
		}
		start = n
	}
	end := min(start+size, len(items))
	var next *string
	if end < len(items) {
		next = aws.String(fmt.Sprintf("page-%d", end))
	}
	return items[start:end], next, nil
}

func (f *fakeTree) DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error) {
	f.call()
	if f.notInUse {
		return nil, &types.AWSOrganizationsNotInUseException{Message: aws.String("Your account is not a member of an organization.")}
	}
	org := f.org
	return &organizations.DescribeOrganizationOutput{Organization: &org}, nil
}

func (f *fakeTree) ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	f.call()
	return &organizations.ListRootsOutput{Roots: []types.Root{{Id: aws.String(f.rootID)}}}, nil
}

func (f *fakeTree) ListOrganizationalUnitsForParent(_ context.Context, in *organizations.ListOrganizationalUnitsForParentInput, _ ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error) {
	f.call()
	if !f.isParent(aws.ToString(in.ParentId)) {
		return nil, &types.ParentNotFoundException{Message: in.ParentId}
	}
	items, next, err := page(f.ous[aws.ToString(in.ParentId)], in.NextToken, f.pageSize)
	if err != nil {
		return nil, err
	}
	return &organizations.ListOrganizationalUnitsForParentOutput{OrganizationalUnits: items, NextToken: next}, nil
}

func (f *fakeTree) ListAccountsForParent(_ context.Context, in *organizations.ListAccountsForParentInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsForParentOutput, error) {
	f.call()
	if !f.isParent(aws.ToString(in.ParentId)) {
		return nil, &types.ParentNotFoundException{Message: in.ParentId}
	}
	items, next, err := page(f.accounts[aws.ToString(in.ParentId)], in.NextToken, f.pageSize)
	if err != nil {
		return nil, err
	}
	return &organizations.ListAccountsForParentOutput{Accounts: items, NextToken: next}, nil
}

func (f *fakeTree) ListTagsForResource(_ context.Context, in *organizations.ListTagsForResourceInput, _ ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error) {
	f.call()
	tags, ok := f.tags[aws.ToString(in.ResourceId)]
	if !ok {
		return nil, &types.TargetNotFoundException{Message: in.ResourceId}
	}
	items, next, err := page(tags, in.NextToken, f.pageSize)
	if err != nil {
		return nil, err
	}
	return &organizations.ListTagsForResourceOutput{Tags: items, NextToken: next}, nil
}

func account(id, name, email string, state types.AccountState) types.Account {
	return types.Account{Id: aws.String(id), Name: aws.String(name), Email: aws.String(email), State: state}
}

// tags builds a tag map; never nil, as the inventory reads every set.
func tags(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestCollectOrganization(t *testing.T) {
	// Root
	// ├── mgmt, sandbox-ana
	// ├── Security: log-archive, security-tooling, audit
	// ├── Workloads
	// │   ├── Prod: payments-prod (suspended)
	// │   │   └── Payments: payments-a
	// │   └── NonProd: payments-dev (only the old Status field)
	// └── Sandbox
	f := newFakeTree(2)
	f.addAccount("r-root", account("000000000001", "management", "root@example.com", types.AccountStateActive))
	f.addAccount("r-root", account("000000000009", "sandbox-ana", "Ana@Example.com", types.AccountStateActive), "Owner", "ana")
	f.addOU("r-root", "ou-sec", "Security", "Owner", "security")
	f.addOU("r-root", "ou-wl", "Workloads")
	f.addOU("r-root", "ou-sbx", "Sandbox")
	f.addAccount("ou-sec", account("111111111111", "log-archive", "log@example.com", types.AccountStateActive),
		"Owner", "security", "CostCenter", "SEC1", "Environment", "Prod")
	f.addAccount("ou-sec", account("111111111112", "security-tooling", "sec@example.com", types.AccountStateActive))
	f.addAccount("ou-sec", account("111111111113", "audit", "audit@example.com", types.AccountStateActive))
	f.addOU("ou-wl", "ou-prod", "Prod")
	f.addOU("ou-wl", "ou-np", "NonProd")
	f.addAccount("ou-prod", account("222222222221", "payments-prod", "payments@example.com", types.AccountStateSuspended))
	f.addOU("ou-prod", "ou-pay", "Payments", "Team", "payments")
	f.addAccount("ou-pay", account("222222222222", "payments-a", "payments-a@example.com", types.AccountStateActive))
	f.addAccount("ou-np", types.Account{Id: aws.String("333333333331"), Name: aws.String("payments-dev"),
		Email: aws.String("payments-dev@example.com"), Status: types.AccountStatusActive})

	for _, width := range []int{1, 3} {
		t.Run(fmt.Sprintf("width=%d", width), func(t *testing.T) {
			e, err := inventory.CollectOrganization(context.Background(), f, inventory.Options{Width: width})
			if err != nil {
				t.Fatalf("collect: %v", err)
			}
			wantOrg := estate.Organization{ID: "o-abc", ARN: "arn:aws:organizations::000000000001:organization/o-abc", RootID: "r-root",
				FeatureSet: "ALL", ManagementAccountID: "000000000001", ManagementAccountEmail: "root@example.com"}
			if e.Organization == nil || *e.Organization != wantOrg {
				t.Errorf("organization %+v, want %+v", e.Organization, wantOrg)
			}

			wantUnits := map[string]estate.Unit{
				"Security":                {ID: "ou-sec", Path: "Security", Tags: tags("Owner", "security")},
				"Workloads":               {ID: "ou-wl", Path: "Workloads", Tags: tags()},
				"Workloads/Prod":          {ID: "ou-prod", Path: "Workloads/Prod", Tags: tags()},
				"Workloads/Prod/Payments": {ID: "ou-pay", Path: "Workloads/Prod/Payments", Tags: tags("Team", "payments")},
				"Workloads/NonProd":       {ID: "ou-np", Path: "Workloads/NonProd", Tags: tags()},
				"Sandbox":                 {ID: "ou-sbx", Path: "Sandbox", Tags: tags()},
			}
			gotUnits := map[string]estate.Unit{}
			for path, u := range e.Units {
				gotUnits[path] = *u
			}
			if !reflect.DeepEqual(gotUnits, wantUnits) {
				t.Errorf("units:\n got  %+v\n want %+v", gotUnits, wantUnits)
			}

			acct := func(id, name, email, status, unit string, tags map[string]string) estate.Account {
				return estate.Account{ID: id, Name: name, Email: email, Status: status, Unit: unit, Tags: tags}
			}
			wantAccounts := map[string]estate.Account{
				"root@example.com":         acct("000000000001", "management", "root@example.com", "ACTIVE", "", tags()),
				"ana@example.com":          acct("000000000009", "sandbox-ana", "Ana@Example.com", "ACTIVE", "", tags("Owner", "ana")),
				"log@example.com":          acct("111111111111", "log-archive", "log@example.com", "ACTIVE", "Security", tags("Owner", "security", "CostCenter", "SEC1", "Environment", "Prod")),
				"sec@example.com":          acct("111111111112", "security-tooling", "sec@example.com", "ACTIVE", "Security", tags()),
				"audit@example.com":        acct("111111111113", "audit", "audit@example.com", "ACTIVE", "Security", tags()),
				"payments@example.com":     acct("222222222221", "payments-prod", "payments@example.com", "SUSPENDED", "Workloads/Prod", tags()),
				"payments-a@example.com":   acct("222222222222", "payments-a", "payments-a@example.com", "ACTIVE", "Workloads/Prod/Payments", tags()),
				"payments-dev@example.com": acct("333333333331", "payments-dev", "payments-dev@example.com", "ACTIVE", "Workloads/NonProd", tags()),
			}
			gotAccounts := map[string]estate.Account{}
			for key, a := range e.Accounts {
				gotAccounts[key] = *a
			}
			if !maps.EqualFunc(gotAccounts, wantAccounts, func(a, b estate.Account) bool { return reflect.DeepEqual(a, b) }) {
				t.Errorf("accounts:\n got  %+v\n want %+v", gotAccounts, wantAccounts)
			}
			if mgmt := e.Accounts["root@example.com"]; mgmt == nil || !e.IsManagement(mgmt) {
				t.Errorf("management account not recognised: %+v", mgmt)
			}
		})
	}
}

func TestCollectOrganizationNotInUse(t *testing.T) {
	f := newFakeTree(2)
	f.notInUse = true
	e, err := inventory.CollectOrganization(context.Background(), f, inventory.Options{})
	if err != nil {
		t.Fatalf("collect: %v (not being in an organization is a state, not an error)", err)
	}
	if e.Organization != nil || len(e.Units) != 0 || len(e.Accounts) != 0 {
		t.Errorf("estate %+v, want an empty one with no organization", e)
	}
	if e.Units == nil || e.Accounts == nil {
		t.Errorf("estate maps are nil; callers write into them")
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("%d calls, want only DescribeOrganization", n)
	}
}

func TestCollectOrganizationError(t *testing.T) {
	f := newFakeTree(2)
	f.addOU("r-root", "ou-sec", "Security")
	delete(f.tags, "ou-sec") // ListTagsForResource fails for it
	_, err := inventory.CollectOrganization(context.Background(), f, inventory.Options{})
	if err == nil || !strings.Contains(err.Error(), "list tags of ou-sec") {
		t.Fatalf("error %v, want one naming the resource whose tags could not be read", err)
	}
}

// bigOrganization is a fake of 1000 accounts spread over 60 OUs (6
// top-level OUs of 9 children each), two tags on each account, with AWS's
// page size of 20 and a fixed latency per call.
func bigOrganization(latency time.Duration) *fakeTree {
	f := newFakeTree(20)
	f.latency = latency
	var ous []string
	for i := range 6 {
		top := fmt.Sprintf("ou-%d", i)
		f.addOU(f.rootID, top, fmt.Sprintf("Top%d", i))
		ous = append(ous, top)
		for j := range 9 {
			child := fmt.Sprintf("ou-%d-%d", i, j)
			f.addOU(top, child, fmt.Sprintf("Child%d", j))
			ous = append(ous, child)
		}
	}
	for n := range 1000 {
		id := fmt.Sprintf("%012d", 100000000000+n)
		f.addAccount(ous[n%len(ous)], account(id, fmt.Sprintf("acct-%d", n), fmt.Sprintf("acct-%d@example.com", n), types.AccountStateActive),
			"Owner", "team", "Environment", "Dev")
	}
	return f
}

func BenchmarkCollectOrganization(b *testing.B) {
	f := bigOrganization(200 * time.Microsecond)
	for _, width := range []int{1, 8} {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			f.calls.Store(0)
			runs := 0
			for b.Loop() {
				e, err := inventory.CollectOrganization(context.Background(), f, inventory.Options{Width: width})
				if err != nil {
					b.Fatal(err)
				}
				if len(e.Units) != 60 || len(e.Accounts) != 1000 {
					b.Fatalf("read %d units and %d accounts, want 60 and 1000", len(e.Units), len(e.Accounts))
				}
				runs++
			}
			b.ReportMetric(float64(f.calls.Load())/float64(runs), "calls/op")
		})
	}
}
