package posture

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/inventory"
	"github.com/groundwork-aws/groundwork/internal/inventory/inventorytest"
)

// iamAcctFake is the posture fake whose IAM clients can also answer the
// account-wide reads, as the real client does: in the management account
// a policy allowing everything (its document URL-encoded, as IAM returns
// it), AWSSupportAccess on a role, AWSCloudShellFullAccess on a group, an
// expired certificate and the root user's virtual MFA device; the web
// account holds nothing and its ListServerCertificates is not
// implemented, as a local AWS lacking it would answer.
type iamAcctFake struct{ *pstFake }

func (f iamAcctFake) IAM(w estate.Location) iamReadAPI { return iamAcctClient{pstIAM{f.pstFake, w}} }

type iamAcctClient struct{ pstIAM }

func (c iamAcctClient) mgmt() bool { return string(c.w.Account) == pstMgmtID }

func (c iamAcctClient) ListPolicies(_ context.Context, in *iam.ListPoliciesInput, _ ...func(*iam.Options)) (*iam.ListPoliciesOutput, error) {
	if err := c.f.enter("ListPolicies", c.w); err != nil {
		return nil, err
	}
	if in.Scope != iamtypes.PolicyScopeTypeLocal || !in.OnlyAttached || !c.mgmt() {
		return &iam.ListPoliciesOutput{}, nil
	}
	return &iam.ListPoliciesOutput{Policies: []iamtypes.Policy{{PolicyName: aws.String("everything"),
		Arn: aws.String("arn:aws:iam::111111111111:policy/everything"), DefaultVersionId: aws.String("v3"), AttachmentCount: aws.Int32(2)}}}, nil
}

func (c iamAcctClient) GetPolicyVersion(_ context.Context, in *iam.GetPolicyVersionInput, _ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	if err := c.f.enter("GetPolicyVersion", c.w); err != nil {
		return nil, err
	}
	if aws.ToString(in.VersionId) != "v3" {
		return nil, inventorytest.APIError("NoSuchEntity")
	}
	doc := url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	return &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{Document: aws.String(doc), IsDefaultVersion: true}}, nil
}

func (c iamAcctClient) ListEntitiesForPolicy(_ context.Context, in *iam.ListEntitiesForPolicyInput, _ ...func(*iam.Options)) (*iam.ListEntitiesForPolicyOutput, error) {
	if err := c.f.enter("ListEntitiesForPolicy", c.w); err != nil {
		return nil, err
	}
	if !c.mgmt() {
		return &iam.ListEntitiesForPolicyOutput{}, nil
	}
	switch aws.ToString(in.PolicyArn) {
	case "arn:aws-us-gov:iam::aws:policy/AWSSupportAccess":
		return &iam.ListEntitiesForPolicyOutput{PolicyRoles: []iamtypes.PolicyRole{{RoleName: aws.String("support")}}}, nil
	case "arn:aws-us-gov:iam::aws:policy/AWSCloudShellFullAccess":
		return &iam.ListEntitiesForPolicyOutput{PolicyGroups: []iamtypes.PolicyGroup{{GroupName: aws.String("devs")}}}, nil
	}
	return nil, inventorytest.APIError("NoSuchEntity")
}

func (c iamAcctClient) ListServerCertificates(context.Context, *iam.ListServerCertificatesInput, ...func(*iam.Options)) (*iam.ListServerCertificatesOutput, error) {
	if err := c.f.enter("ListServerCertificates", c.w); err != nil {
		return nil, err
	}
	if !c.mgmt() {
		return nil, inventorytest.APIError("NotImplemented")
	}
	return &iam.ListServerCertificatesOutput{ServerCertificateMetadataList: []iamtypes.ServerCertificateMetadata{{
		ServerCertificateName: aws.String("www"), Arn: aws.String("arn:aws:iam::111111111111:server-certificate/www"),
		Expiration: aws.Time(time.Date(2020, 5, 8, 0, 0, 0, 0, time.UTC))}}}, nil
}

func (c iamAcctClient) ListVirtualMFADevices(_ context.Context, in *iam.ListVirtualMFADevicesInput, _ ...func(*iam.Options)) (*iam.ListVirtualMFADevicesOutput, error) {
	if err := c.f.enter("ListVirtualMFADevices", c.w); err != nil {
		return nil, err
	}
	if in.AssignmentStatus != iamtypes.AssignmentStatusTypeAssigned {
		return &iam.ListVirtualMFADevicesOutput{}, nil
	}
	return &iam.ListVirtualMFADevicesOutput{VirtualMFADevices: []iamtypes.VirtualMFADevice{
		{SerialNumber: aws.String("arn:aws:iam::111111111111:mfa/alice"), User: &iamtypes.User{Arn: aws.String("arn:aws:iam::111111111111:user/alice")}},
		{SerialNumber: aws.String("arn:aws:iam::111111111111:mfa/phone"), User: &iamtypes.User{Arn: aws.String("arn:aws:iam::111111111111:root")}},
	}}, nil
}

func TestReadIAMAccount(t *testing.T) {
	f := newPstFake()
	// The management account lives in the GovCloud partition: the AWS
	// managed policies are asked for by their ARNs there.
	f.reports[pstMgmtID] = "<root_account>,arn:aws-us-gov:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported," +
		"2026-05-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,true,2021-01-01T00:00:00+00:00," +
		"2026-05-20T00:00:00+00:00,us-east-1,iam,false,N/A,false,N/A\n"
	var warnings []error
	var wmu sync.Mutex
	t.Cleanup(setCredentialReportPoll(time.Millisecond, 5))
	e, scope := pstEstate()
	err := readWith(context.Background(), iamAcctFake{f}, e, scope, inventory.Options{Width: 2, Warn: func(err error) {
		wmu.Lock()
		defer wmu.Unlock()
		warnings = append(warnings, err)
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := e.Posture
	day := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }

	serial := "arn:aws:iam::111111111111:mfa/phone"
	wantRoot := &estate.PostureRoot{ARN: "arn:aws-us-gov:iam::111111111111:root", PasswordLastUsed: day("2026-05-01T00:00:00Z"), MFA: true,
		AccessKeys: [2]estate.AccessKey{{}, {Active: true, LastRotated: day("2021-01-01T00:00:00Z"), LastUsed: day("2026-05-20T00:00:00Z")}},
		VirtualMFA: &serial}
	if got := p.Roots[estate.ManagementKey]; !reflect.DeepEqual(got, wantRoot) {
		t.Errorf("management root = %s, want %s", dump(got), dump(wantRoot))
	}
	if got, ok := p.Roots[pstWeb]; ok {
		t.Errorf("web root = %s, want none: its report has no root row", dump(got))
	}
	if n := f.count("ListVirtualMFADevices " + pstWebID); n != 0 {
		t.Errorf("virtual MFA devices listed %d times where the report shows no root MFA", n)
	}

	wantPolicies := []*estate.PosturePolicy{{Name: "everything", ARN: "arn:aws:iam::111111111111:policy/everything", Attachments: 2,
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}}
	if got := p.Policies[estate.ManagementKey]; !reflect.DeepEqual(got, wantPolicies) {
		t.Errorf("management policies = %s, want %s", dump(got), dump(wantPolicies))
	}
	if got, ok := p.Policies[pstWeb]; !ok || len(got) != 0 {
		t.Errorf("web policies = %s, %v; want read and none", dump(got), ok)
	}

	wantHeld := map[string]*estate.PolicyEntities{supportPolicy: {Roles: []string{"support"}}, cloudShellPolicy: {Groups: []string{"devs"}}}
	if got := p.PolicyEntities[estate.ManagementKey]; !reflect.DeepEqual(got, wantHeld) {
		t.Errorf("management policy holders = %s, want %s", dump(got), dump(wantHeld))
	}
	if got := p.PolicyEntities[pstWeb]; got[supportPolicy] == nil || got[supportPolicy].Count() != 0 {
		t.Errorf("web policy holders = %s, want read and nobody", dump(got))
	}

	wantCerts := []*estate.ServerCertificate{{Name: "www", ARN: "arn:aws:iam::111111111111:server-certificate/www",
		Expiration: time.Date(2020, 5, 8, 0, 0, 0, 0, time.UTC)}}
	if got := p.ServerCertificates[estate.ManagementKey]; !reflect.DeepEqual(got, wantCerts) {
		t.Errorf("management certificates = %s, want %s", dump(got), dump(wantCerts))
	}
	// Not implemented in the web account: not read there, and said so
	// as that part alone, so the other IAM checks are still judged.
	if _, ok := p.ServerCertificates[pstWeb]; ok {
		t.Error("web certificates recorded though the read was not implemented")
	}
	var certWarnings int
	for _, w := range warnings {
		var u *inventory.NotReadError
		if errors.As(w, &u) && u.Read == readCertificates && u.Account == pstWebID {
			certWarnings++
		}
	}
	if certWarnings != 1 {
		t.Errorf("warnings = %v, want one %s for %s", warnings, readCertificates, pstWebID)
	}
}

func TestPolicyDocument(t *testing.T) {
	plain := `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::a+b"}]}`
	for in, want := range map[string]string{
		url.QueryEscape(plain): plain,
		plain:                  plain,
		"%7B%22a%22%3A+1%7D":   `{"a": 1}`,
		"  " + plain:           "  " + plain,
		"%zz-not-url-encoding": "%zz-not-url-encoding",
	} {
		if got := policyDocument(in); got != want {
			t.Errorf("policyDocument(%q) = %q, want %q", in, got, want)
		}
	}
}
