package posture

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

// The posture layer, read through fakes of the read APIs. The fakes answer
// as AWS does: the credential report is in progress on the first read,
// and buckets without a policy answer NoSuchBucketPolicy. Lambda answers
// NotImplemented, as a local AWS lacking it would, to show that such a
// read is a warning and leaves that part unknown.

const (
	pstMgmtID, pstWebID, pstOldID = "111111111111", "333333333333", "444444444444"
	pstWeb, pstOld, pstNew        = "web@example.com", "old@example.com", "new@example.com"
	pstHome, pstOther             = "us-east-1", "eu-west-1"
)

func pstEstate() (*estate.Estate, estate.Scope) {
	e := estate.New()
	e.Organization = &estate.Organization{ID: "o-abc", RootID: "r-1", FeatureSet: "ALL", ManagementAccountID: pstMgmtID}
	e.Accounts["mgmt@example.com"] = &estate.Account{ID: pstMgmtID, Email: "mgmt@example.com", Status: "ACTIVE"}
	e.Accounts[pstWeb] = &estate.Account{ID: pstWebID, Email: pstWeb, Status: "ACTIVE"}
	e.Accounts[pstOld] = &estate.Account{ID: pstOldID, Email: pstOld, Status: "SUSPENDED"}
	return e, estate.Scope{Accounts: []string{estate.ManagementKey, pstWeb, pstOld, pstNew},
		Regions: []string{pstHome, pstOther}, HomeRegion: pstHome}
}

const pstReportHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed," +
	"password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date," +
	"access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated," +
	"access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active," +
	"cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"

// pstFake is the estate's state by account ID, with calls counted by
// "Operation account region".
type pstFake struct {
	mu    sync.Mutex
	calls map[string]int
	// reports are the credential reports by account.
	reports map[string]string
	failOp  string // answers AccessDenied everywhere
	// fresh says every account has a recent credential report; ready,
	// when set, says whether a report being built is done.
	fresh bool
	ready func() bool
}

func (f *pstFake) enter(op string, w estate.Location) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op+" "+string(w.Account)+" "+w.Region]++
	if op == f.failOp {
		return inventorytest.APIError("AccessDenied")
	}
	return nil
}

func (f *pstFake) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return inventorytest.CountOp(f.calls, op)
}

func (f *pstFake) IAM(w estate.Location) iamReadAPI         { return pstIAM{f, w} }
func (f *pstFake) S3(w estate.Location) s3ReadAPI           { return pstS3{f, w} }
func (f *pstFake) KMS(w estate.Location) kmsReadAPI         { return pstKMS{f, w} }
func (f *pstFake) EC2(w estate.Location) instanceReadAPI    { return pstWorkloads{f, w} }
func (f *pstFake) RDS(w estate.Location) dbInstanceReadAPI  { return pstWorkloads{f, w} }
func (f *pstFake) Lambda(w estate.Location) functionReadAPI { return pstWorkloads{f, w} }
func (f *pstFake) ECS(w estate.Location) ecsClusterReadAPI  { return pstECS{f, w} }
func (f *pstFake) EKS(w estate.Location) eksClusterReadAPI  { return pstEKS{f, w} }

type pstIAM struct {
	f *pstFake
	w estate.Location
}

func (c pstIAM) GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error) {
	if err := c.f.enter("GenerateCredentialReport", c.w); err != nil {
		return nil, err
	}
	state := iamtypes.ReportStateTypeComplete
	if c.f.count("GenerateCredentialReport "+string(c.w.Account)) == 1 {
		state = iamtypes.ReportStateTypeStarted
	}
	return &iam.GenerateCredentialReportOutput{State: state}, nil
}

// GetCredentialReport answers as IAM does for an account without a
// recent report: none before one is asked for, in progress once after,
// then the report. With fresh set, a report an hour old is there from
// the start; with ready set, the report is in progress until ready says
// otherwise.
func (c pstIAM) GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error) {
	if err := c.f.enter("GetCredentialReport", c.w); err != nil {
		return nil, err
	}
	account := string(c.w.Account)
	gets, gens := c.f.count("GetCredentialReport "+account), c.f.count("GenerateCredentialReport "+account)
	switch {
	case c.f.fresh:
	case gens == 0:
		return nil, inventorytest.APIError("ReportNotPresent")
	case gets == 2 || (c.f.ready != nil && !c.f.ready()):
		return nil, inventorytest.APIError("ReportInProgress")
	}
	return &iam.GetCredentialReportOutput{Content: []byte(pstReportHeader + c.f.reports[account]),
		GeneratedTime: aws.Time(time.Now().Add(-time.Hour))}, nil
}

func (c pstIAM) ListAttachedUserPolicies(_ context.Context, in *iam.ListAttachedUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error) {
	if err := c.f.enter("ListAttachedUserPolicies", c.w); err != nil {
		return nil, err
	}
	if aws.ToString(in.UserName) != "alice" {
		return &iam.ListAttachedUserPoliciesOutput{}, nil
	}
	// Two pages, so that paging is exercised.
	if in.Marker == nil {
		return &iam.ListAttachedUserPoliciesOutput{IsTruncated: true, Marker: aws.String("2"),
			AttachedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}}, nil
	}
	return &iam.ListAttachedUserPoliciesOutput{
		AttachedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}}}, nil
}

func (c pstIAM) ListUserPolicies(_ context.Context, in *iam.ListUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	if err := c.f.enter("ListUserPolicies", c.w); err != nil {
		return nil, err
	}
	if aws.ToString(in.UserName) != "alice" {
		return &iam.ListUserPoliciesOutput{}, nil
	}
	return &iam.ListUserPoliciesOutput{PolicyNames: []string{"deploy"}}, nil
}

type pstWorkloads struct {
	f *pstFake
	w estate.Location
}

func (c pstWorkloads) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	if err := c.f.enter("DescribeInstances", c.w); err != nil {
		return nil, err
	}
	if c.w.Region != pstHome || len(in.Filters) != 1 || slices.Contains(in.Filters[0].Values, "terminated") {
		return &ec2.DescribeInstancesOutput{}, nil
	}
	return &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: []ec2types.Instance{
		{InstanceId: aws.String("i-0abc"), State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameStopped}},
	}}}}, nil
}

func (c pstWorkloads) DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	if err := c.f.enter("DescribeDBInstances", c.w); err != nil {
		return nil, err
	}
	if c.w.Region != pstOther {
		return &rds.DescribeDBInstancesOutput{}, nil
	}
	return &rds.DescribeDBInstancesOutput{DBInstances: []rdstypes.DBInstance{
		{DBInstanceIdentifier: aws.String("reports"), DBInstanceStatus: aws.String("available")}}}, nil
}

func (c pstWorkloads) ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error) {
	if err := c.f.enter("ListFunctions", c.w); err != nil {
		return nil, err
	}
	if c.w.Region == pstOther {
		return nil, inventorytest.APIError("NotImplemented")
	}
	return &lambda.ListFunctionsOutput{Functions: []lambdatypes.FunctionConfiguration{
		{FunctionName: aws.String("export"), State: lambdatypes.StateActive}}}, nil
}

type pstECS struct {
	f *pstFake
	w estate.Location
}

func (c pstECS) ListClusters(context.Context, *ecs.ListClustersInput, ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	if err := c.f.enter("ECS.ListClusters", c.w); err != nil {
		return nil, err
	}
	return &ecs.ListClustersOutput{ClusterArns: []string{"arn:aws:ecs:" + c.w.Region + ":" + string(c.w.Account) + ":cluster/tools"}}, nil
}

type pstEKS struct {
	f *pstFake
	w estate.Location
}

func (c pstEKS) ListClusters(context.Context, *eks.ListClustersInput, ...func(*eks.Options)) (*eks.ListClustersOutput, error) {
	if err := c.f.enter("EKS.ListClusters", c.w); err != nil {
		return nil, err
	}
	return &eks.ListClustersOutput{}, nil
}

type pstS3 struct {
	f *pstFake
	w estate.Location
}

// The web account has two buckets: "www", public through its policy and
// an ACL grant to everyone, with its Region in the list; "old-logs", with
// a bucket-level block, no policy, and a Region only GetBucketLocation
// gives ("EU", the oldest buckets' name for eu-west-1).
func (c pstS3) ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	if err := c.f.enter("ListBuckets", c.w); err != nil {
		return nil, err
	}
	if string(c.w.Account) != pstWebID {
		return &s3.ListBucketsOutput{}, nil
	}
	return &s3.ListBucketsOutput{Buckets: []s3types.Bucket{
		{Name: aws.String("www"), BucketRegion: aws.String(pstHome)}, {Name: aws.String("old-logs")}}}, nil
}

func (c pstS3) GetBucketLocation(_ context.Context, in *s3.GetBucketLocationInput, _ ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	if err := c.f.enter("GetBucketLocation", c.w); err != nil {
		return nil, err
	}
	return &s3.GetBucketLocationOutput{LocationConstraint: s3types.BucketLocationConstraintEu}, nil
}

// bucketRegion is where each bucket must be read from: S3 redirects a
// read in another Region.
var pstBucketRegion = map[string]string{"www": pstHome, "old-logs": pstOther}

func (c pstS3) inRegion(op string, bucket *string) error {
	if err := c.f.enter(op, c.w); err != nil {
		return err
	}
	if pstBucketRegion[aws.ToString(bucket)] != c.w.Region {
		return inventorytest.APIError("PermanentRedirect")
	}
	return nil
}

func (c pstS3) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	if err := c.inRegion("GetPublicAccessBlock", in.Bucket); err != nil {
		return nil, err
	}
	if aws.ToString(in.Bucket) == "www" {
		return nil, inventorytest.APIError("NoSuchPublicAccessBlockConfiguration")
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}, nil
}

func (c pstS3) GetBucketPolicyStatus(_ context.Context, in *s3.GetBucketPolicyStatusInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error) {
	if err := c.inRegion("GetBucketPolicyStatus", in.Bucket); err != nil {
		return nil, err
	}
	if aws.ToString(in.Bucket) != "www" {
		return nil, inventorytest.APIError("NoSuchBucketPolicy")
	}
	return &s3.GetBucketPolicyStatusOutput{PolicyStatus: &s3types.PolicyStatus{IsPublic: aws.Bool(true)}}, nil
}

func (c pstS3) GetBucketAcl(_ context.Context, in *s3.GetBucketAclInput, _ ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	if err := c.inRegion("GetBucketAcl", in.Bucket); err != nil {
		return nil, err
	}
	grants := []s3types.Grant{{Grantee: &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: aws.String("owner")},
		Permission: s3types.PermissionFullControl}}
	if aws.ToString(in.Bucket) == "www" {
		grants = append(grants, s3types.Grant{Grantee: &s3types.Grantee{Type: s3types.TypeGroup,
			URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: s3types.PermissionRead})
	}
	return &s3.GetBucketAclOutput{Grants: grants}, nil
}

type pstKMS struct {
	f *pstFake
	w estate.Location
}

// Every place holds an AWS-managed key and a customer-managed key;
// the web account's in eu-west-1 does not rotate.
func (c pstKMS) ListKeys(context.Context, *kms.ListKeysInput, ...func(*kms.Options)) (*kms.ListKeysOutput, error) {
	if err := c.f.enter("ListKeys", c.w); err != nil {
		return nil, err
	}
	return &kms.ListKeysOutput{Keys: []kmstypes.KeyListEntry{{KeyId: aws.String("aws-s3")}, {KeyId: aws.String("cmk")}}}, nil
}

func (c pstKMS) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	if err := c.f.enter("DescribeKey", c.w); err != nil {
		return nil, err
	}
	id := aws.ToString(in.KeyId)
	m := &kmstypes.KeyMetadata{KeyId: aws.String(id), Arn: aws.String("arn:aws:kms:" + c.w.Region + ":" + string(c.w.Account) + ":key/" + id),
		KeyState: kmstypes.KeyStateEnabled, KeySpec: kmstypes.KeySpecSymmetricDefault, KeyManager: kmstypes.KeyManagerTypeCustomer,
		Origin: kmstypes.OriginTypeAwsKms}
	if id == "aws-s3" {
		m.KeyManager = kmstypes.KeyManagerTypeAws
	}
	return &kms.DescribeKeyOutput{KeyMetadata: m}, nil
}

func (c pstKMS) GetKeyRotationStatus(_ context.Context, in *kms.GetKeyRotationStatusInput, _ ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	if err := c.f.enter("GetKeyRotationStatus", c.w); err != nil {
		return nil, err
	}
	if aws.ToString(in.KeyId) == "aws-s3" {
		return nil, errors.New("rotation status asked of an AWS-managed key")
	}
	return &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: !(string(c.w.Account) == pstWebID && c.w.Region == pstOther)}, nil
}

func newPstFake() *pstFake {
	return &pstFake{calls: map[string]int{}, reports: map[string]string{
		pstMgmtID: "<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,2026-05-01T00:00:00+00:00," +
			"not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
			"alice,arn:aws:iam::111111111111:user/alice,2024-01-02T03:04:05+00:00,true,no_information,2024-01-02T03:04:05+00:00," +
			"N/A,false,true,2024-02-01T00:00:00+00:00,2026-05-30T10:00:00+00:00,us-east-1,s3,true,2025-01-01T00:00:00+00:00,N/A," +
			"N/A,N/A,false,N/A,false,N/A\n",
		pstWebID: "ci,arn:aws:iam::333333333333:user/ci,2025-06-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A," +
			"false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
	}}
}

func collectPosture(t *testing.T, f *pstFake, opts inventory.Options) (*estate.Estate, error) {
	t.Helper()
	t.Cleanup(setCredentialReportPoll(time.Millisecond, 5))
	e, scope := pstEstate()
	err := readWith(context.Background(), f, e, scope, opts)
	return e, err
}

func TestCollectPosture(t *testing.T) {
	f := newPstFake()
	var warnings []string
	var wmu sync.Mutex
	before := time.Now()
	e, err := collectPosture(t, f, inventory.Options{Width: 3, Warn: func(err error) {
		wmu.Lock()
		defer wmu.Unlock()
		warnings = append(warnings, err.Error())
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := e.Posture
	if p == nil {
		t.Fatal("no posture layer")
	}
	if p.AsOf.Before(before.Add(-time.Second)) || p.AsOf.After(time.Now()) {
		t.Errorf("AsOf = %v, want the time of the read", p.AsOf)
	}
	if want := []string{estate.ManagementKey, pstWeb}; !slices.Equal(p.Accounts, want) {
		t.Errorf("Accounts = %q, want %q (closing and uncreated accounts skipped)", p.Accounts, want)
	}
	if n := f.count("ListBuckets " + pstOldID); n != 0 {
		t.Errorf("read the closing account %d times", n)
	}

	t.Run("users", func(t *testing.T) {
		day := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
		want := []*estate.PostureUser{{
			Name: "alice", ARN: "arn:aws:iam::111111111111:user/alice", Created: day("2024-01-02T03:04:05Z"), Password: true,
			AccessKeys: [2]estate.AccessKey{
				{Active: true, LastRotated: day("2024-02-01T00:00:00Z"), LastUsed: day("2026-05-30T10:00:00Z")},
				{Active: true, LastRotated: day("2025-01-01T00:00:00Z")},
			},
			Policies: &estate.UserPolicies{Managed: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess",
				"arn:aws:iam::aws:policy/AdministratorAccess"}, Inline: []string{"deploy"}},
		}}
		if got := p.Users[estate.ManagementKey]; !reflect.DeepEqual(got, want) {
			t.Errorf("management users = %s, want %s", dump(got), dump(want))
		}
		if got := p.Users[pstWeb]; len(got) != 1 || got[0].Name != "ci" || got[0].Password || got[0].Policies == nil {
			t.Errorf("web users = %s", dump(got))
		}
		// Not present, generated once, found in progress, then read.
		if n := f.count("GenerateCredentialReport " + pstMgmtID); n != 1 {
			t.Errorf("GenerateCredentialReport called %d times in the management account, want 1", n)
		}
		if n := f.count("GetCredentialReport " + pstMgmtID); n != 3 {
			t.Errorf("GetCredentialReport called %d times in the management account, want 3", n)
		}
	})

	t.Run("workloads", func(t *testing.T) {
		var got []string
		for _, w := range p.SortedWorkloads() {
			got = append(got, fmt.Sprintf("%s %s/%s %s", w.Where, w.Kind, w.ID, w.State))
		}
		want := []string{
			"management eu-west-1 ecs-cluster/tools ", "management eu-west-1 rds-instance/reports available",
			"management us-east-1 ec2-instance/i-0abc stopped", "management us-east-1 ecs-cluster/tools ",
			"management us-east-1 lambda-function/export Active",
		}
		if !slices.Equal(got, want) {
			t.Errorf("workloads = %q, want %q", got, want)
		}
		if n := f.count("DescribeInstances " + pstWebID); n != 0 {
			t.Errorf("workloads read in a member account (%d calls)", n)
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], "lambda-function") || !strings.Contains(warnings[0], "NotImplemented") {
			t.Errorf("warnings = %q, want one about Lambda not implemented", warnings)
		}
	})

	t.Run("buckets", func(t *testing.T) {
		want := []*estate.PostureBucket{
			{Where: estate.Where{Account: pstWeb, Region: pstHome}, Name: "www", Block: &estate.PublicAccessBlock{},
				PolicyPublic: aws.Bool(true), PublicGrants: []string{"AllUsers:READ"}, ACLRead: true},
			{Where: estate.Where{Account: pstWeb, Region: pstOther}, Name: "old-logs", Block: estate.BlockAll(),
				PolicyPublic: aws.Bool(false), ACLRead: true},
		}
		if got := p.Buckets[pstWeb]; !reflect.DeepEqual(got, want) {
			t.Errorf("web buckets = %s, want %s", dump(got), dump(want))
		}
		if got, ok := p.Buckets[estate.ManagementKey]; !ok || len(got) != 0 {
			t.Errorf("management buckets = %s, %v; want read and empty", dump(got), ok)
		}
	})

	t.Run("keys", func(t *testing.T) {
		var got []string
		for _, k := range p.SortedKeys() {
			got = append(got, fmt.Sprintf("%s %s %v", k.Where, k.ID, *k.Rotation))
		}
		want := []string{"management eu-west-1 cmk true", "management us-east-1 cmk true",
			"web@example.com eu-west-1 cmk false", "web@example.com us-east-1 cmk true"}
		if !slices.Equal(got, want) {
			t.Errorf("keys = %q, want %q", got, want)
		}
	})

}

// A read refused for a reason other than a missing implementation fails
// the collection, leaving the layer unset.
func TestCollectPostureFails(t *testing.T) {
	for _, op := range []string{"GetCredentialReport", "GetBucketAcl", "GetKeyRotationStatus", "DescribeDBInstances"} {
		t.Run(op, func(t *testing.T) {
			f := newPstFake()
			f.failOp = op
			e, err := collectPosture(t, f, inventory.Options{Warn: func(error) {}})
			if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
				t.Fatalf("err = %v, want AccessDenied", err)
			}
			if e.Posture != nil {
				t.Error("posture layer set after a failed read")
			}
		})
	}
}

// A credential report that never gets ready fails after the bounded wait.
func TestCredentialReportWaitIsBounded(t *testing.T) {
	f := newPstFake()
	t.Cleanup(setCredentialReportPoll(time.Millisecond, 1))
	e, scope := pstEstate()
	err := readWith(context.Background(), f, e, scope, inventory.Options{})
	if err == nil || !strings.Contains(err.Error(), "not ready after 1 tries") {
		t.Fatalf("err = %v, want the report not ready", err)
	}
}

// A report younger than four hours is read as it is: one call, no
// report generated.
func TestFreshCredentialReportIsReadOnce(t *testing.T) {
	f := newPstFake()
	f.fresh = true
	if _, err := collectPosture(t, f, inventory.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{pstMgmtID, pstWebID} {
		if gen, get := f.count("GenerateCredentialReport "+id), f.count("GetCredentialReport "+id); gen != 0 || get != 1 {
			t.Errorf("account %s: %d GenerateCredentialReport and %d GetCredentialReport, want 0 and 1", id, gen, get)
		}
	}
}

// Waiting for IAM to build a report holds none of the read pool's slots:
// with one slot, the reports become ready only once both accounts' buckets
// have been listed, which a wait inside the slot would never let happen.
func TestCredentialReportWaitHoldsNoReadSlot(t *testing.T) {
	f := newPstFake()
	f.ready = func() bool { return f.count("ListBuckets") >= 2 }
	t.Cleanup(setCredentialReportPoll(time.Millisecond, 30))
	e, scope := pstEstate()
	if err := readWith(context.Background(), f, e, scope, inventory.Options{Width: 1}); err != nil {
		t.Fatal(err)
	}
	if got := e.Posture.Users[pstWeb]; len(got) != 1 || got[0].Name != "ci" {
		t.Errorf("web users = %s", dump(got))
	}
}

func TestCollectPostureWithoutOrganization(t *testing.T) {
	e, scope := pstEstate()
	e.Organization = nil
	if err := readWith(context.Background(), newPstFake(), e, scope, inventory.Options{}); err != nil || e.Posture != nil {
		t.Errorf("err = %v, posture = %v; want nothing read", err, e.Posture)
	}
}

// dump renders a value for a failure message.
func dump(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// setCredentialReportPoll shortens the wait for a credential report in
// tests; it returns a func restoring the default.
func setCredentialReportPoll(d time.Duration, polls int) func() {
	return inventory.SetCredentialReportPoll(d, polls)
}
