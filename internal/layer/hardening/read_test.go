package hardening

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// The hardening layer, read through fakes of the read APIs. The fakes
// answer with the error codes AWS and moto 5.2 use: an account without a
// password policy answers NoSuchEntity, one without account-level Block
// Public Access NoSuchPublicAccessBlockConfiguration. Where moto differs
// the fakes follow AWS: DescribeNetworkInterfaces pages, and
// GetAccountSummary can say the root user has MFA (moto always says not).

const hrdReadSpec = `version: 1
organization: {id: primary, email_domain: example.com, home_region: us-east-1, regions: [us-east-1, eu-west-1]}
units: {Security: {}, Workloads: {units: {Prod: {}}}}
accounts:
  log-archive: {unit: Security, role: log-archive}
  web-prod: {unit: Workloads/Prod, role: workload, workload: web, environment: prod}
  old-prod: {unit: Workloads/Prod, role: workload, workload: old, environment: prod}
  new-prod: {unit: Workloads/Prod, role: workload, workload: new, environment: prod}
hardening: {break_glass_users: [break-glass]}
`

const (
	hrdMgmtID, hrdLAID, hrdWebID, hrdOldID = "111111111111", "222222222222", "333333333333", "444444444444"
	hrdLA, hrdWeb, hrdOld                  = "aws-log-archive-primary@example.com", "aws-web-prod-primary@example.com", "aws-old-prod-primary@example.com"
)

// hrdReadWant is the desired hardening layer of hrdReadSpec and an estate
// where the organization exists with log-archive and web-prod, old-prod
// is closing and new-prod is not created yet.
func hrdReadWant(t *testing.T) (*estate.Hardening, *estate.Estate) {
	t.Helper()
	f, err := spec.Parse("foundation.yaml", []byte(hrdReadSpec))
	if err != nil {
		t.Fatal(err)
	}
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: hrdMgmtID}
	e.Accounts[hrdLA] = &estate.Account{ID: hrdLAID, Email: hrdLA, Status: "ACTIVE", Unit: "Security"}
	e.Accounts[hrdWeb] = &estate.Account{ID: hrdWebID, Email: hrdWeb, Status: "ACTIVE", Unit: "Workloads/Prod"}
	e.Accounts[hrdOld] = &estate.Account{ID: hrdOldID, Email: hrdOld, Status: "SUSPENDED", Unit: "Workloads/Prod"}
	return f.Desired().Hardening, e
}

type hrdVPC struct {
	id        string
	isDefault bool
	enis      int
}

// hrdFake is every account's hardening state by account ID (and Region
// for VPCs), with calls counted by operation and account, and the reads
// in flight tracked against the width.
type hrdFake struct {
	mu          sync.Mutex
	calls       map[string]int // "Operation account" -> count
	inFlight    int
	maxInFlight int

	policies map[string]*iamtypes.PasswordPolicy
	blocks   map[string]*s3ctypes.PublicAccessBlockConfiguration
	summary  map[string]map[string]int32
	users    []iamtypes.User
	vpcs     map[estate.Location][]hrdVPC
	ebs      map[estate.Location]bool
	roles    map[string]*iamtypes.Role // by account ID, the one role each may have
	attached map[string][]string       // policy ARNs of that role, by account ID
	failOp   string                    // an operation that answers AccessDenied everywhere
	caller   string
}

func newHrdFake() *hrdFake {
	return &hrdFake{calls: map[string]int{}, policies: map[string]*iamtypes.PasswordPolicy{},
		blocks: map[string]*s3ctypes.PublicAccessBlockConfiguration{}, summary: map[string]map[string]int32{},
		vpcs: map[estate.Location][]hrdVPC{}, ebs: map[estate.Location]bool{}, roles: map[string]*iamtypes.Role{},
		attached: map[string][]string{}, caller: "arn:aws:iam::" + hrdMgmtID + ":user/ci"}
}

// enter counts a call and checks the failure switch; the returned func
// ends the call.
func (f *hrdFake) enter(op, account string) (func(), error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op+" "+account]++
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	done := func() { f.mu.Lock(); f.inFlight--; f.mu.Unlock() }
	if op == f.failOp {
		return done, inventorytest.APIError("AccessDenied")
	}
	return done, nil
}

func (f *hrdFake) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return inventorytest.CountOp(f.calls, op)
}

func (f *hrdFake) IAM(w estate.Location) iamReadAPI { return hrdIAM{f, w} }
func (f *hrdFake) S3Control(w estate.Location) publicAccessBlockReadAPI {
	return hrdS3Control{f, w}
}
func (f *hrdFake) EC2(w estate.Location) ec2ReadAPI { return hrdEC2{f, w} }
func (f *hrdFake) Caller(context.Context) (string, error) {
	done, err := f.enter("GetCallerIdentity", "")
	defer done()
	return f.caller, err
}

type hrdIAM struct {
	f *hrdFake
	w estate.Location
}

func (c hrdIAM) GetAccountPasswordPolicy(context.Context, *iam.GetAccountPasswordPolicyInput, ...func(*iam.Options)) (*iam.GetAccountPasswordPolicyOutput, error) {
	done, err := c.f.enter("GetAccountPasswordPolicy", string(c.w.Account))
	defer done()
	if err != nil {
		return nil, err
	}
	p := c.f.policies[string(c.w.Account)]
	if p == nil {
		return nil, inventorytest.APIError("NoSuchEntity")
	}
	return &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: p}, nil
}

func (c hrdIAM) GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	done, err := c.f.enter("GetAccountSummary", string(c.w.Account))
	defer done()
	if err != nil {
		return nil, err
	}
	return &iam.GetAccountSummaryOutput{SummaryMap: c.f.summary[string(c.w.Account)]}, nil
}

// ListUsers answers one user per page, so that paging is exercised.
func (c hrdIAM) ListUsers(_ context.Context, in *iam.ListUsersInput, _ ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	done, err := c.f.enter("ListUsers", string(c.w.Account))
	defer done()
	if err != nil {
		return nil, err
	}
	if string(c.w.Account) != hrdMgmtID {
		return nil, errors.New("ListUsers outside the management account")
	}
	i := 0
	if in.Marker != nil {
		i = int((*in.Marker)[0] - '0')
	}
	if i >= len(c.f.users) {
		return &iam.ListUsersOutput{}, nil
	}
	out := &iam.ListUsersOutput{Users: c.f.users[i : i+1]}
	if i+1 < len(c.f.users) {
		out.IsTruncated, out.Marker = true, aws.String(string(rune('0'+i+1)))
	}
	return out, nil
}

func (c hrdIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	done, err := c.f.enter("GetRole", string(c.w.Account))
	defer done()
	if err != nil {
		return nil, err
	}
	r := c.f.roles[string(c.w.Account)]
	if r == nil || aws.ToString(r.RoleName) != aws.ToString(in.RoleName) {
		return nil, inventorytest.APIError("NoSuchEntity")
	}
	return &iam.GetRoleOutput{Role: r}, nil
}

// ListAttachedRolePolicies answers one policy per page.
func (c hrdIAM) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	done, err := c.f.enter("ListAttachedRolePolicies", string(c.w.Account))
	defer done()
	if err != nil {
		return nil, err
	}
	arns := c.f.attached[string(c.w.Account)]
	start := 0
	if in.Marker != nil {
		start = int((*in.Marker)[0] - '0')
	}
	out := &iam.ListAttachedRolePoliciesOutput{}
	if start < len(arns) {
		out.AttachedPolicies = []iamtypes.AttachedPolicy{{PolicyArn: aws.String(arns[start])}}
	}
	if start+1 < len(arns) {
		out.IsTruncated, out.Marker = true, aws.String(string(rune('0'+start+1)))
	}
	return out, nil
}

type hrdS3Control struct {
	f *hrdFake
	w estate.Location
}

func (c hrdS3Control) GetPublicAccessBlock(_ context.Context, in *s3control.GetPublicAccessBlockInput, _ ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	done, err := c.f.enter("GetPublicAccessBlock", string(c.w.Account))
	defer done()
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.AccountId) != string(c.w.Account) {
		return nil, inventorytest.APIError("AccessDenied") // as S3 Control answers for another account's ID
	}
	b := c.f.blocks[string(c.w.Account)]
	if b == nil {
		return nil, inventorytest.APIError("NoSuchPublicAccessBlockConfiguration")
	}
	return &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: b}, nil
}

type hrdEC2 struct {
	f *hrdFake
	w estate.Location
}

func (c hrdEC2) DescribeVpcs(_ context.Context, in *ec2.DescribeVpcsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	done, err := c.f.enter("DescribeVpcs", string(c.w.Account))
	defer done()
	if err != nil {
		return nil, err
	}
	onlyDefault := len(in.Filters) == 1 && aws.ToString(in.Filters[0].Name) == "isDefault" && reflect.DeepEqual(in.Filters[0].Values, []string{"true"})
	if len(in.Filters) > 0 && !onlyDefault {
		return nil, errors.New("DescribeVpcs with a filter other than isDefault")
	}
	out := &ec2.DescribeVpcsOutput{}
	for _, v := range c.f.vpcs[c.w] {
		if v.isDefault || !onlyDefault {
			out.Vpcs = append(out.Vpcs, ec2types.Vpc{VpcId: aws.String(v.id), IsDefault: aws.Bool(v.isDefault), CidrBlock: aws.String("172.31.0.0/16")})
		}
	}
	return out, nil
}

func (c hrdEC2) GetEbsEncryptionByDefault(context.Context, *ec2.GetEbsEncryptionByDefaultInput, ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error) {
	done, err := c.f.enter("GetEbsEncryptionByDefault", string(c.w.Account))
	defer done()
	if err != nil {
		return nil, err
	}
	return &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(c.f.ebs[c.w])}, nil
}

// DescribeNetworkInterfaces answers two interfaces per page.
func (c hrdEC2) DescribeNetworkInterfaces(_ context.Context, in *ec2.DescribeNetworkInterfacesInput, _ ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	done, err := c.f.enter("DescribeNetworkInterfaces", string(c.w.Account))
	defer done()
	if err != nil {
		return nil, err
	}
	if len(in.Filters) != 1 || aws.ToString(in.Filters[0].Name) != "vpc-id" {
		return nil, errors.New("DescribeNetworkInterfaces without the vpc-id filter")
	}
	n := 0
	for _, v := range c.f.vpcs[c.w] {
		if v.id == in.Filters[0].Values[0] {
			n = v.enis
		}
	}
	start := 0
	if in.NextToken != nil {
		start = int((*in.NextToken)[0] - '0')
	}
	out := &ec2.DescribeNetworkInterfacesOutput{}
	for i := start; i < n && i < start+2; i++ {
		out.NetworkInterfaces = append(out.NetworkInterfaces, ec2types.NetworkInterface{})
	}
	if start+2 < n {
		out.NextToken = aws.String(string(rune('0' + start + 2)))
	}
	return out, nil
}

// hrdState fills the fake: the management account strong and hardened,
// log-archive bare with a used default VPC, web-prod half done.
func hrdState(f *hrdFake) {
	f.policies[hrdMgmtID] = &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(14), RequireUppercaseCharacters: true,
		RequireLowercaseCharacters: true, RequireNumbers: true, RequireSymbols: true, MaxPasswordAge: aws.Int32(90),
		PasswordReusePrevention: aws.Int32(24), AllowUsersToChangePassword: true, ExpirePasswords: true, HardExpiry: aws.Bool(false)}
	f.policies[hrdWebID] = &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(8)}
	f.blocks[hrdMgmtID] = &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
		BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
	f.blocks[hrdWebID] = &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}
	f.summary[hrdMgmtID] = map[string]int32{"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "Users": 2}
	f.summary[hrdLAID] = map[string]int32{"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1}
	f.summary[hrdWebID] = map[string]int32{}
	f.users = []iamtypes.User{
		{UserName: aws.String("alice"), Arn: aws.String("arn:aws:iam::" + hrdMgmtID + ":user/people/alice"), Path: aws.String("/people/")},
		{UserName: aws.String("break-glass"), Arn: aws.String("arn:aws:iam::" + hrdMgmtID + ":user/break-glass"), Path: aws.String("/")},
	}
	f.vpcs[estate.Location{Account: hrdLAID, Region: "us-east-1"}] = []hrdVPC{{id: "vpc-la1", isDefault: true, enis: 5}, {id: "vpc-own", enis: 1}}
	f.vpcs[estate.Location{Account: hrdWebID, Region: "eu-west-1"}] = []hrdVPC{{id: "vpc-web2", isDefault: true}}
	// EBS encrypts by default in the management account's home Region
	// only.
	f.ebs[estate.Location{Account: hrdMgmtID, Region: "us-east-1"}] = true
	// The management account's support role is as groundwork makes it,
	// its trust URL-encoded as IAM answers; web-prod's trusts another
	// account and holds other policies; log-archive has none.
	f.roles[hrdMgmtID] = &iamtypes.Role{RoleName: aws.String("groundwork-support"), Path: aws.String("/org-admin/"),
		AssumeRolePolicyDocument: aws.String(url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + hrdMgmtID + `:root"},"Action":"sts:AssumeRole"}]}`)),
		Tags:                     []iamtypes.Tag{{Key: aws.String("groundwork:managed"), Value: aws.String("true")}}}
	f.attached[hrdMgmtID] = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AWSSupportAccess"}
	f.roles[hrdWebID] = &iamtypes.Role{RoleName: aws.String("groundwork-support"), Path: aws.String("/"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["` + hrdWebID + `","999999999999"]},"Action":"sts:AssumeRole"}}`)}
	f.attached[hrdWebID] = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
}

func TestCollectHardening(t *testing.T) {
	want, e := hrdReadWant(t)
	f := newHrdFake()
	hrdState(f)
	if err := readWith(context.Background(), f, e, want, inventory.Options{Width: 3}); err != nil {
		t.Fatal(err)
	}
	h := e.Hardening
	if h == nil {
		t.Fatal("no hardening layer")
	}
	// new-prod does not exist and old-prod is closing: neither is read.
	if got := []string{hrdLA, hrdWeb, estate.ManagementKey}; !reflect.DeepEqual(h.Accounts, got) {
		t.Errorf("accounts read = %q, want %q", h.Accounts, got)
	}
	for op, n := range map[string]int{"GetAccountPasswordPolicy": 3, "GetPublicAccessBlock": 3, "GetAccountSummary": 3,
		"DescribeVpcs": 6, "DescribeNetworkInterfaces": 4, "ListUsers": 2, "GetCallerIdentity": 1,
		"GetEbsEncryptionByDefault": 6, "GetRole": 3, "ListAttachedRolePolicies": 3} {
		if got := f.count(op); got != n {
			t.Errorf("%s called %d times, want %d", op, got, n)
		}
	}
	if f.calls["GetAccountSummary "+hrdOldID] != 0 {
		t.Errorf("the closing account was read")
	}
	if f.maxInFlight > 3 {
		t.Errorf("%d reads in flight, more than the width 3", f.maxInFlight)
	}

	strong := &estate.PasswordPolicy{MinLength: 14, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true,
		RequireSymbols: true, MaxAgeDays: 90, ReusePrevention: 24, AllowUsersToChange: true}
	wantPolicies := map[string]*estate.PasswordPolicy{estate.ManagementKey: strong, hrdWeb: {MinLength: 8}}
	if !reflect.DeepEqual(h.PasswordPolicies, wantPolicies) {
		t.Errorf("password policies = %+v, want %+v", h.PasswordPolicies, wantPolicies)
	}
	wantBlocks := map[string]*estate.PublicAccessBlock{estate.ManagementKey: estate.BlockAll(), hrdLA: {}, hrdWeb: {BlockPublicACLs: true}}
	if !reflect.DeepEqual(h.PublicAccessBlocks, wantBlocks) {
		t.Errorf("public access blocks = %+v, want %+v", h.PublicAccessBlocks, wantBlocks)
	}
	wantRoots := map[string]*estate.RootCredentials{estate.ManagementKey: {MFA: true}, hrdLA: {AccessKeys: true}, hrdWeb: {}}
	if !reflect.DeepEqual(h.Roots, wantRoots) {
		t.Errorf("roots = %+v, want %+v", h.Roots, wantRoots)
	}
	la1 := estate.Where{Account: hrdLA, Region: "us-east-1"}
	web2 := estate.Where{Account: hrdWeb, Region: "eu-west-1"}
	wantVPCs := map[string]*estate.DefaultVPC{
		la1.Key("vpc-la1"):   {Where: la1, ID: "vpc-la1", CIDR: "172.31.0.0/16", NetworkInterfaces: 5},
		web2.Key("vpc-web2"): {Where: web2, ID: "vpc-web2", CIDR: "172.31.0.0/16"},
	}
	if !reflect.DeepEqual(h.DefaultVPCs, wantVPCs) {
		t.Errorf("default VPCs = %+v, want %+v", h.DefaultVPCs, wantVPCs)
	}
	wantUsers := map[string]*estate.IAMUser{
		"alice":       {Name: "alice", ARN: "arn:aws:iam::" + hrdMgmtID + ":user/people/alice", Path: "/people/"},
		"break-glass": {Name: "break-glass", ARN: "arn:aws:iam::" + hrdMgmtID + ":user/break-glass", Path: "/", BreakGlass: true},
	}
	if !reflect.DeepEqual(h.ManagementUsers, wantUsers) {
		t.Errorf("users = %+v, want %+v", h.ManagementUsers, wantUsers)
	}
	wantEBS := map[string]*estate.EBSEncryption{}
	for _, acct := range []string{estate.ManagementKey, hrdLA, hrdWeb} {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			w := estate.Where{Account: estate.AccountKey(acct), Region: region}
			wantEBS[w.String()] = &estate.EBSEncryption{Where: w, Enabled: acct == estate.ManagementKey && region == "us-east-1"}
		}
	}
	if !reflect.DeepEqual(h.EBSEncryption, wantEBS) {
		t.Errorf("EBS encryption = %+v, want %+v", h.EBSEncryption, wantEBS)
	}
	wantRoles := map[string]*estate.SupportRole{
		estate.ManagementKey: {Name: "groundwork-support", Path: "/org-admin/", TrustsAccount: true, SupportAccess: true,
			Tags: map[string]string{"groundwork:managed": "true"}},
		hrdWeb: {Name: "groundwork-support", Path: "/"},
	}
	if !reflect.DeepEqual(h.SupportRoles, wantRoles) {
		t.Errorf("support roles = %+v, want %+v", h.SupportRoles, wantRoles)
	}
	if h.Caller != f.caller || h.HomeRegion != "us-east-1" || !reflect.DeepEqual(h.Regions, []string{"us-east-1", "eu-west-1"}) {
		t.Errorf("caller %q, home %q, regions %q", h.Caller, h.HomeRegion, h.Regions)
	}
	// The desired layer is not touched by the read.
	if len(want.DefaultVPCs) != 0 || len(want.Roots) != 0 {
		t.Errorf("the read wrote into want: %+v", want)
	}
}

func TestCollectHardeningFailures(t *testing.T) {
	for _, op := range []string{"GetAccountPasswordPolicy", "GetPublicAccessBlock", "GetAccountSummary", "DescribeVpcs",
		"DescribeNetworkInterfaces", "ListUsers", "GetCallerIdentity", "GetEbsEncryptionByDefault", "GetRole", "ListAttachedRolePolicies"} {
		t.Run(op, func(t *testing.T) {
			want, e := hrdReadWant(t)
			f := newHrdFake()
			hrdState(f)
			f.failOp = op
			err := readWith(context.Background(), f, e, want, inventory.Options{})
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
				t.Fatalf("error = %v, want the AccessDenied wrapped", err)
			}
			if e.Hardening != nil {
				t.Errorf("a failed read left a layer behind")
			}
		})
	}
}

func TestCollectHardeningWithoutOrganization(t *testing.T) {
	want, e := hrdReadWant(t)
	e.Organization = nil
	f := newHrdFake()
	if err := readWith(context.Background(), f, e, want, inventory.Options{}); err != nil || e.Hardening != nil {
		t.Errorf("err %v, layer %+v", err, e.Hardening)
	}
	if len(f.calls) != 0 {
		t.Errorf("calls without an organization: %v", f.calls)
	}
}

// The hardening read takes an account's VPCs from the run's shared reads
// (inventory.VPCs): what the network layer read already is not asked for
// again, and the default VPC is found among all of them.
func TestHardeningSharesTheVPCRead(t *testing.T) {
	want, e := hrdReadWant(t)
	f := newHrdFake()
	hrdState(f)
	shared := &inventory.Shared{}
	la := estate.Location{Account: hrdLAID, Region: "us-east-1"}
	if _, err := inventory.VPCs(context.Background(), shared, la, f.EC2(la)); err != nil {
		t.Fatal(err)
	}
	if err := readWith(context.Background(), f, e, want, inventory.Options{Width: 3, Shared: shared}); err != nil {
		t.Fatal(err)
	}
	if got := f.count("DescribeVpcs"); got != 6 {
		t.Errorf("DescribeVpcs called %d times, want 6: once per account and Region", got)
	}
	if f.calls["DescribeVpcs "+hrdLAID] != 2 {
		t.Errorf("DescribeVpcs in log archive: %d, want 2 (one per Region)", f.calls["DescribeVpcs "+hrdLAID])
	}
	if v := e.Hardening.DefaultVPCs[estate.Where{Account: hrdLA, Region: "us-east-1"}.Key("vpc-la1")]; v == nil || v.NetworkInterfaces != 5 {
		t.Errorf("default VPC of log archive = %+v", v)
	}
	if len(e.Hardening.DefaultVPCs) != 2 {
		t.Errorf("default VPCs = %v, want vpc-la1 and vpc-web2", e.Hardening.DefaultVPCs)
	}
}
