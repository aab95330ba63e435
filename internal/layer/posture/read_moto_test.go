package posture

import (
	"archive/zip"
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/testenv"
)

// TestCollectPostureMoto builds misconfigurations in the management
// account of a moto organization through the SDK, then reads the posture
// layer and finds each of them.
//
// What moto 5.2 models differently from AWS, and so what this test does
// not assert: the credential report's password_last_changed is the
// user's creation time and password_next_rotation is always
// "not_supported"; last-used dates stay empty because moto records no
// use of a password or access key; the report is COMPLETE at once, so
// the wait for it is covered by the fakes in posture_test.go.
func TestCollectPostureMoto(t *testing.T) {
	m := testenv.Moto(t)
	m.Setenv(t)
	ctx := context.Background()
	s, err := awsx.Load(ctx, awsx.Options{Region: testenv.Region, AccessRole: policy.DefaultAccessRole})
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.Config("", "", "")
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	e, err := inventory.CollectOrganization(ctx, org, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// IAM: a console user without MFA, with an access key; a user with a
	// managed and an inline policy of its own.
	im := iam.NewFromConfig(cfg)
	must(im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}))
	must(im.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-9")}))
	must(im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))
	must(im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}))
	must(im.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))
	must(im.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("s3-read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}))

	// Workloads in the management account: an EC2 instance and a Lambda
	// function.
	ec := ec2.NewFromConfig(cfg)
	images, err := ec.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if err != nil || len(images.Images) == 0 {
		t.Fatalf("no image to run: %v", err)
	}
	run, err := ec.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: images.Images[0].ImageId, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		InstanceType: ec2types.InstanceTypeT3Micro})
	if err != nil {
		t.Fatal(err)
	}
	instance := aws.ToString(run.Instances[0].InstanceId)
	role, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("fn"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	must(lambda.NewFromConfig(cfg).CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("export"),
		Role: role.Role.Arn, Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"),
		Code: &lambdatypes.FunctionCode{ZipFile: functionZip(t)}}))

	// A bucket public through its policy and an ACL grant to everyone.
	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	must(sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("public-www")}))
	must(sc.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("public-www"), ACL: s3types.BucketCannedACLPublicRead}))
	must(sc.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("public-www"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public-www/*"}]}`)}))

	// A key that does not rotate.
	key, err := kms.NewFromConfig(cfg).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("no rotation")})
	if err != nil {
		t.Fatal(err)
	}

	var warned inventorytest.Warnings
	scope := estate.Scope{Accounts: []string{estate.ManagementKey}, Regions: []string{testenv.Region}, HomeRegion: testenv.Region}
	if err := survey(ctx, inventory.Reader{Session: s, Warn: warned.Warn}, e, scope); err != nil {
		t.Fatal(err)
	}
	if warnings := warned.Strings(); len(warnings) > 0 {
		t.Logf("warnings: %q", warnings)
	}
	p := e.Posture
	home := estate.PlaceKey(estate.ManagementKey, testenv.Region)

	users := map[string]*estate.PostureUser{}
	for _, u := range p.Users[estate.ManagementKey] {
		users[u.Name] = u
	}
	if a := users["alice"]; a == nil || !a.Password || a.MFA || !a.AccessKeys[0].Active || a.AccessKeys[0].LastRotated.IsZero() ||
		a.Created.IsZero() || !a.PasswordLastUsed.IsZero() {
		t.Errorf("alice = %s, want a console password, no MFA, one active key, never used", dump(a))
	}
	if b := users["bob"]; b == nil || b.Policies == nil ||
		!slices.Equal(b.Policies.Managed, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}) ||
		!slices.Equal(b.Policies.Inline, []string{"s3-read"}) {
		t.Errorf("bob = %s, want ReadOnlyAccess and s3-read attached", dump(b))
	}

	var workloads []string
	for _, w := range p.Workloads[home] {
		workloads = append(workloads, w.Kind+"/"+w.ID)
	}
	for _, want := range []string{"ec2-instance/" + instance, "lambda-function/export"} {
		if !slices.Contains(workloads, want) {
			t.Errorf("workloads = %q, want %s among them", workloads, want)
		}
	}

	var www *estate.PostureBucket
	for _, b := range p.Buckets[estate.ManagementKey] {
		if b.Name == "public-www" {
			www = b
		}
	}
	if www == nil || www.PolicyPublic == nil || !*www.PolicyPublic || !www.ACLRead ||
		!slices.Contains(www.PublicGrants, "AllUsers:READ") || www.Block == nil || www.Block.RestrictPublicBuckets {
		t.Errorf("public-www = %s, want public by policy and ACL, not blocked", dump(www))
	}

	var keys []string
	for _, k := range p.Keys[home] {
		if k.Rotation != nil && !*k.Rotation {
			keys = append(keys, k.ID)
		}
	}
	if !slices.Contains(keys, aws.ToString(key.KeyMetadata.KeyId)) {
		t.Errorf("keys without rotation = %q, want %s among them", keys, aws.ToString(key.KeyMetadata.KeyId))
	}
	if strings.Join(p.Accounts, ",") != estate.ManagementKey {
		t.Errorf("Accounts = %q", p.Accounts)
	}
}

// functionZip is a deployment package with one Python handler.
func functionZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.Create("index.py")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("def handler(event, context):\n    return None\n")); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
