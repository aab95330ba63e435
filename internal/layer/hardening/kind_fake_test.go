package hardening_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/hardening"
)

// hrdWorld is a narrow fake of the IAM, S3 Control and EC2 calls the
// hardening kinds make, by account ID (and Region for EC2). It refuses
// what AWS refuses: deleting a subnet with network interfaces, an attached
// internet gateway, a VPC with subnets or a gateway, a user that still
// holds anything. It covers what moto lacks (service-specific
// credentials, DependencyViolation for a VPC with a gateway) and records
// every write in order.
type hrdWorld struct {
	mu       sync.Mutex
	writes   []string // "Operation account detail"
	calls    map[string]int
	policies map[string]*iam.UpdateAccountPasswordPolicyInput
	blocks   map[string]*s3control.PutPublicAccessBlockInput
	vpcs     map[estate.Location]*hrdFakeVPC
	users    map[string]*hrdFakeUser // management account's, by name
	ebs      map[estate.Location]bool
	roles    map[string]*hrdFakeRole // by account ID and role name
	// onDescribeVpcs runs when a VPC is read, to change the world between
	// plan and apply.
	onDescribeVpcs func()
}

type hrdFakeVPC struct {
	id        string
	isDefault bool
	enis      int
	subnets   []string
	gateways  []string // attached internet gateways
}

// hrdFakeRole is an IAM role; its trust as IAM stores it (the account
// ID turned into its root ARN).
type hrdFakeRole struct {
	name, path, trust string
	attached          []string
	tags              map[string]string
}

type hrdFakeUser struct {
	arn                                          string
	keys, mfa, certs, ssh, svc, attached, inline []string
	groups                                       []string
	password                                     bool
}

func (u *hrdFakeUser) holds() bool {
	return u.password || len(u.keys)+len(u.mfa)+len(u.certs)+len(u.ssh)+len(u.svc)+len(u.attached)+len(u.inline)+len(u.groups) > 0
}

func newHrdWorld() *hrdWorld {
	return &hrdWorld{calls: map[string]int{}, policies: map[string]*iam.UpdateAccountPasswordPolicyInput{},
		blocks: map[string]*s3control.PutPublicAccessBlockInput{}, vpcs: map[estate.Location]*hrdFakeVPC{}, users: map[string]*hrdFakeUser{},
		ebs: map[estate.Location]bool{}, roles: map[string]*hrdFakeRole{}}
}

func hrdAPIErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

// call counts an operation; write also records it in order. Both lock
// the world until the returned func runs.
func (f *hrdWorld) call(op string) func() {
	f.mu.Lock()
	f.calls[op]++
	return f.mu.Unlock
}

func (f *hrdWorld) write(op, account, detail string) func() {
	unlock := f.call(op)
	f.writes = append(f.writes, strings.Join(slices.DeleteFunc([]string{op, account, detail}, func(s string) bool { return s == "" }), " "))
	return unlock
}

func (f *hrdWorld) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *hrdWorld) writeLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.writes)
}

func (f *hrdWorld) PasswordPolicy(w estate.Location) hardening.PasswordPolicyAPI {
	return hrdIAMAt{f, w}
}
func (f *hrdWorld) PublicAccessBlock(w estate.Location) hardening.PublicAccessBlockAPI {
	return hrdS3CAt{f, w}
}
func (f *hrdWorld) DefaultVPC(w estate.Location) hardening.DefaultVPCAPI { return hrdEC2At{f, w} }
func (f *hrdWorld) IAMUsers(w estate.Location) hardening.IAMUserAPI      { return hrdIAMAt{f, w} }
func (f *hrdWorld) EBSEncryption(w estate.Location) hardening.EBSEncryptionAPI {
	return hrdEC2At{f, w}
}
func (f *hrdWorld) SupportRole(w estate.Location) hardening.SupportRoleAPI { return hrdIAMAt{f, w} }

// observe reads the world back as an actual hardening layer over base
// (whose accounts give the IDs), as the inventory would.
func (f *hrdWorld) observe(base *estate.Estate, want *estate.Hardening) *estate.Estate {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := *base
	h := estate.NewHardening()
	h.Accounts, h.Regions, h.HomeRegion = want.Accounts, want.Regions, want.HomeRegion
	for _, key := range want.Accounts {
		id, ok := base.Lookup(estate.RefAccountID, key)
		if !ok {
			continue
		}
		if p := f.policies[id]; p != nil {
			h.PasswordPolicies[key] = &estate.PasswordPolicy{MinLength: int(aws.ToInt32(p.MinimumPasswordLength)),
				RequireUppercase: p.RequireUppercaseCharacters, RequireLowercase: p.RequireLowercaseCharacters,
				RequireNumbers: p.RequireNumbers, RequireSymbols: p.RequireSymbols,
				MaxAgeDays: int(aws.ToInt32(p.MaxPasswordAge)), ReusePrevention: int(aws.ToInt32(p.PasswordReusePrevention)),
				AllowUsersToChange: p.AllowUsersToChangePassword, HardExpiry: aws.ToBool(p.HardExpiry)}
		}
		pab := &estate.PublicAccessBlock{}
		if b := f.blocks[id]; b != nil {
			c := b.PublicAccessBlockConfiguration
			pab = &estate.PublicAccessBlock{BlockPublicACLs: aws.ToBool(c.BlockPublicAcls), IgnorePublicACLs: aws.ToBool(c.IgnorePublicAcls),
				BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets)}
		}
		h.PublicAccessBlocks[key] = pab
		for _, region := range want.Regions {
			if v := f.vpcs[estate.Location{Account: estate.AccountID(id), Region: region}]; v != nil && v.isDefault {
				w := estate.Where{Account: estate.AccountKey(key), Region: region}
				h.DefaultVPCs[w.Key(v.id)] = &estate.DefaultVPC{Where: w, ID: v.id, NetworkInterfaces: v.enis}
			}
		}
	}
	for key, want := range want.EBSEncryption {
		id, ok := base.Lookup(estate.RefAccountID, string(want.Account))
		if ok {
			h.EBSEncryption[key] = &estate.EBSEncryption{Where: want.Where, Enabled: f.ebs[estate.Location{Account: estate.AccountID(id), Region: want.Region}]}
		}
	}
	for key, want := range want.SupportRoles {
		id, ok := base.Lookup(estate.RefAccountID, key)
		if r := f.roles[id+"/"+want.Name]; ok && r != nil {
			h.SupportRoles[key] = &estate.SupportRole{Name: r.name, Path: r.path, Tags: r.tags,
				TrustsAccount: r.trust == "arn:aws:iam::"+id+":root", SupportAccess: slices.Contains(r.attached, "arn:aws:iam::aws:policy/AWSSupportAccess")}
		}
	}
	for name, u := range f.users {
		h.ManagementUsers[name] = &estate.IAMUser{Name: name, ARN: u.arn, Path: "/"}
	}
	e.Hardening = h
	return &e
}

type hrdIAMAt struct {
	f *hrdWorld
	w estate.Location
}

func (c hrdIAMAt) UpdateAccountPasswordPolicy(_ context.Context, in *iam.UpdateAccountPasswordPolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAccountPasswordPolicyOutput, error) {
	defer c.f.write("UpdateAccountPasswordPolicy", string(c.w.Account), "")()
	if n := aws.ToInt32(in.MinimumPasswordLength); n < 6 || n > 128 {
		return nil, hrdAPIErr("ValidationError")
	}
	cp := *in
	c.f.policies[string(c.w.Account)] = &cp
	return &iam.UpdateAccountPasswordPolicyOutput{}, nil
}

// user returns the named user of the management account, or NoSuchEntity.
func (c hrdIAMAt) user(name *string) (*hrdFakeUser, error) {
	u := c.f.users[aws.ToString(name)]
	if u == nil {
		return nil, hrdAPIErr("NoSuchEntity")
	}
	return u, nil
}

// hrdRemove deletes item from list, or answers NoSuchEntity.
func hrdRemove(list *[]string, item string) error {
	i := slices.Index(*list, item)
	if i < 0 {
		return hrdAPIErr("NoSuchEntity")
	}
	*list = slices.Delete(*list, i, i+1)
	return nil
}

func (c hrdIAMAt) GetUser(_ context.Context, in *iam.GetUserInput, _ ...func(*iam.Options)) (*iam.GetUserOutput, error) {
	defer c.f.call("GetUser")()
	if _, err := c.user(in.UserName); err != nil {
		return nil, err
	}
	return &iam.GetUserOutput{User: &iamtypes.User{UserName: in.UserName}}, nil
}

// hrdPage answers a list one item per page, so that callers' paging is
// exercised.
func hrdPage(items []string) ([]string, bool) {
	if len(items) == 0 {
		return nil, false
	}
	return items[:1], len(items) > 1
}

func (c hrdIAMAt) ListAccessKeys(_ context.Context, in *iam.ListAccessKeysInput, _ ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	defer c.f.call("ListAccessKeys")()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	items, more := hrdPage(u.keys)
	out := &iam.ListAccessKeysOutput{IsTruncated: more}
	for _, k := range items {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, iamtypes.AccessKeyMetadata{AccessKeyId: aws.String(k)})
	}
	return out, nil
}

func (c hrdIAMAt) DeleteAccessKey(_ context.Context, in *iam.DeleteAccessKeyInput, _ ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error) {
	defer c.f.write("DeleteAccessKey", aws.ToString(in.UserName), aws.ToString(in.AccessKeyId))()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	return &iam.DeleteAccessKeyOutput{}, hrdRemove(&u.keys, aws.ToString(in.AccessKeyId))
}

func (c hrdIAMAt) DeleteLoginProfile(_ context.Context, in *iam.DeleteLoginProfileInput, _ ...func(*iam.Options)) (*iam.DeleteLoginProfileOutput, error) {
	defer c.f.write("DeleteLoginProfile", aws.ToString(in.UserName), "")()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	if !u.password {
		return nil, hrdAPIErr("NoSuchEntity")
	}
	u.password = false
	return &iam.DeleteLoginProfileOutput{}, nil
}

func (c hrdIAMAt) ListMFADevices(_ context.Context, in *iam.ListMFADevicesInput, _ ...func(*iam.Options)) (*iam.ListMFADevicesOutput, error) {
	defer c.f.call("ListMFADevices")()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	items, more := hrdPage(u.mfa)
	out := &iam.ListMFADevicesOutput{IsTruncated: more}
	for _, s := range items {
		out.MFADevices = append(out.MFADevices, iamtypes.MFADevice{SerialNumber: aws.String(s), UserName: in.UserName})
	}
	return out, nil
}

func (c hrdIAMAt) DeactivateMFADevice(_ context.Context, in *iam.DeactivateMFADeviceInput, _ ...func(*iam.Options)) (*iam.DeactivateMFADeviceOutput, error) {
	defer c.f.write("DeactivateMFADevice", aws.ToString(in.UserName), aws.ToString(in.SerialNumber))()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	return &iam.DeactivateMFADeviceOutput{}, hrdRemove(&u.mfa, aws.ToString(in.SerialNumber))
}

func (c hrdIAMAt) DeleteVirtualMFADevice(_ context.Context, in *iam.DeleteVirtualMFADeviceInput, _ ...func(*iam.Options)) (*iam.DeleteVirtualMFADeviceOutput, error) {
	defer c.f.write("DeleteVirtualMFADevice", "", aws.ToString(in.SerialNumber))()
	if !strings.HasPrefix(aws.ToString(in.SerialNumber), "arn:") {
		return nil, hrdAPIErr("ValidationError")
	}
	return &iam.DeleteVirtualMFADeviceOutput{}, nil
}

func (c hrdIAMAt) ListSigningCertificates(_ context.Context, in *iam.ListSigningCertificatesInput, _ ...func(*iam.Options)) (*iam.ListSigningCertificatesOutput, error) {
	defer c.f.call("ListSigningCertificates")()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	items, more := hrdPage(u.certs)
	out := &iam.ListSigningCertificatesOutput{IsTruncated: more}
	for _, id := range items {
		out.Certificates = append(out.Certificates, iamtypes.SigningCertificate{CertificateId: aws.String(id)})
	}
	return out, nil
}

func (c hrdIAMAt) DeleteSigningCertificate(_ context.Context, in *iam.DeleteSigningCertificateInput, _ ...func(*iam.Options)) (*iam.DeleteSigningCertificateOutput, error) {
	defer c.f.write("DeleteSigningCertificate", aws.ToString(in.UserName), aws.ToString(in.CertificateId))()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	return &iam.DeleteSigningCertificateOutput{}, hrdRemove(&u.certs, aws.ToString(in.CertificateId))
}

func (c hrdIAMAt) ListSSHPublicKeys(_ context.Context, in *iam.ListSSHPublicKeysInput, _ ...func(*iam.Options)) (*iam.ListSSHPublicKeysOutput, error) {
	defer c.f.call("ListSSHPublicKeys")()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	items, more := hrdPage(u.ssh)
	out := &iam.ListSSHPublicKeysOutput{IsTruncated: more}
	for _, id := range items {
		out.SSHPublicKeys = append(out.SSHPublicKeys, iamtypes.SSHPublicKeyMetadata{SSHPublicKeyId: aws.String(id)})
	}
	return out, nil
}

func (c hrdIAMAt) DeleteSSHPublicKey(_ context.Context, in *iam.DeleteSSHPublicKeyInput, _ ...func(*iam.Options)) (*iam.DeleteSSHPublicKeyOutput, error) {
	defer c.f.write("DeleteSSHPublicKey", aws.ToString(in.UserName), aws.ToString(in.SSHPublicKeyId))()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	return &iam.DeleteSSHPublicKeyOutput{}, hrdRemove(&u.ssh, aws.ToString(in.SSHPublicKeyId))
}

func (c hrdIAMAt) ListServiceSpecificCredentials(_ context.Context, in *iam.ListServiceSpecificCredentialsInput, _ ...func(*iam.Options)) (*iam.ListServiceSpecificCredentialsOutput, error) {
	defer c.f.call("ListServiceSpecificCredentials")()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	items, more := hrdPage(u.svc)
	out := &iam.ListServiceSpecificCredentialsOutput{IsTruncated: more}
	for _, id := range items {
		out.ServiceSpecificCredentials = append(out.ServiceSpecificCredentials, iamtypes.ServiceSpecificCredentialMetadata{ServiceSpecificCredentialId: aws.String(id)})
	}
	return out, nil
}

func (c hrdIAMAt) DeleteServiceSpecificCredential(_ context.Context, in *iam.DeleteServiceSpecificCredentialInput, _ ...func(*iam.Options)) (*iam.DeleteServiceSpecificCredentialOutput, error) {
	defer c.f.write("DeleteServiceSpecificCredential", aws.ToString(in.UserName), aws.ToString(in.ServiceSpecificCredentialId))()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	return &iam.DeleteServiceSpecificCredentialOutput{}, hrdRemove(&u.svc, aws.ToString(in.ServiceSpecificCredentialId))
}

func (c hrdIAMAt) ListAttachedUserPolicies(_ context.Context, in *iam.ListAttachedUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error) {
	defer c.f.call("ListAttachedUserPolicies")()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	items, more := hrdPage(u.attached)
	out := &iam.ListAttachedUserPoliciesOutput{IsTruncated: more}
	for _, arn := range items {
		out.AttachedPolicies = append(out.AttachedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(arn)})
	}
	return out, nil
}

func (c hrdIAMAt) DetachUserPolicy(_ context.Context, in *iam.DetachUserPolicyInput, _ ...func(*iam.Options)) (*iam.DetachUserPolicyOutput, error) {
	defer c.f.write("DetachUserPolicy", aws.ToString(in.UserName), aws.ToString(in.PolicyArn))()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	return &iam.DetachUserPolicyOutput{}, hrdRemove(&u.attached, aws.ToString(in.PolicyArn))
}

func (c hrdIAMAt) ListUserPolicies(_ context.Context, in *iam.ListUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	defer c.f.call("ListUserPolicies")()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	items, more := hrdPage(u.inline)
	return &iam.ListUserPoliciesOutput{PolicyNames: items, IsTruncated: more}, nil
}

func (c hrdIAMAt) DeleteUserPolicy(_ context.Context, in *iam.DeleteUserPolicyInput, _ ...func(*iam.Options)) (*iam.DeleteUserPolicyOutput, error) {
	defer c.f.write("DeleteUserPolicy", aws.ToString(in.UserName), aws.ToString(in.PolicyName))()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	return &iam.DeleteUserPolicyOutput{}, hrdRemove(&u.inline, aws.ToString(in.PolicyName))
}

func (c hrdIAMAt) ListGroupsForUser(_ context.Context, in *iam.ListGroupsForUserInput, _ ...func(*iam.Options)) (*iam.ListGroupsForUserOutput, error) {
	defer c.f.call("ListGroupsForUser")()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	items, more := hrdPage(u.groups)
	out := &iam.ListGroupsForUserOutput{IsTruncated: more}
	for _, g := range items {
		out.Groups = append(out.Groups, iamtypes.Group{GroupName: aws.String(g)})
	}
	return out, nil
}

func (c hrdIAMAt) RemoveUserFromGroup(_ context.Context, in *iam.RemoveUserFromGroupInput, _ ...func(*iam.Options)) (*iam.RemoveUserFromGroupOutput, error) {
	defer c.f.write("RemoveUserFromGroup", aws.ToString(in.UserName), aws.ToString(in.GroupName))()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	return &iam.RemoveUserFromGroupOutput{}, hrdRemove(&u.groups, aws.ToString(in.GroupName))
}

func (c hrdIAMAt) DeleteUser(_ context.Context, in *iam.DeleteUserInput, _ ...func(*iam.Options)) (*iam.DeleteUserOutput, error) {
	defer c.f.write("DeleteUser", aws.ToString(in.UserName), "")()
	u, err := c.user(in.UserName)
	if err != nil {
		return nil, err
	}
	if u.holds() {
		return nil, hrdAPIErr("DeleteConflict")
	}
	delete(c.f.users, aws.ToString(in.UserName))
	return &iam.DeleteUserOutput{}, nil
}

// role returns the named role of the account, or NoSuchEntity.
func (c hrdIAMAt) role(name *string) (*hrdFakeRole, error) {
	r := c.f.roles[string(c.w.Account)+"/"+aws.ToString(name)]
	if r == nil {
		return nil, hrdAPIErr("NoSuchEntity")
	}
	return r, nil
}

// hrdTrust reads the one AWS principal of a trust policy as IAM stores
// it: an account ID becomes its root ARN.
func hrdTrust(doc string) (string, error) {
	var p struct {
		Statement []struct {
			Effect    string
			Principal struct{ AWS string }
			Action    string
		}
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil || len(p.Statement) != 1 || p.Statement[0].Action != "sts:AssumeRole" {
		return "", hrdAPIErr("MalformedPolicyDocument")
	}
	principal := p.Statement[0].Principal.AWS
	if len(principal) == 12 {
		principal = "arn:aws:iam::" + principal + ":root"
	}
	return principal, nil
}

func (c hrdIAMAt) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	defer c.f.call("GetRole")()
	r, err := c.role(in.RoleName)
	if err != nil {
		return nil, err
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, Path: aws.String(r.path),
		Arn: aws.String("arn:aws:iam::" + string(c.w.Account) + ":role" + r.path + r.name)}}, nil
}

func (c hrdIAMAt) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	defer c.f.write("CreateRole", string(c.w.Account), aws.ToString(in.RoleName))()
	if _, err := c.role(in.RoleName); err == nil {
		return nil, hrdAPIErr("EntityAlreadyExists")
	}
	trust, err := hrdTrust(aws.ToString(in.AssumeRolePolicyDocument))
	if err != nil {
		return nil, err
	}
	r := &hrdFakeRole{name: aws.ToString(in.RoleName), path: aws.ToString(in.Path), trust: trust, tags: map[string]string{}}
	for _, t := range in.Tags {
		r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	c.f.roles[string(c.w.Account)+"/"+r.name] = r
	return &iam.CreateRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName,
		Arn: aws.String("arn:aws:iam::" + string(c.w.Account) + ":role" + r.path + r.name)}}, nil
}

func (c hrdIAMAt) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	defer c.f.write("UpdateAssumeRolePolicy", string(c.w.Account), aws.ToString(in.RoleName))()
	r, err := c.role(in.RoleName)
	if err != nil {
		return nil, err
	}
	if r.trust, err = hrdTrust(aws.ToString(in.PolicyDocument)); err != nil {
		return nil, err
	}
	return &iam.UpdateAssumeRolePolicyOutput{}, nil
}

func (c hrdIAMAt) AttachRolePolicy(_ context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	defer c.f.write("AttachRolePolicy", string(c.w.Account), aws.ToString(in.RoleName)+" "+aws.ToString(in.PolicyArn))()
	r, err := c.role(in.RoleName)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(r.attached, aws.ToString(in.PolicyArn)) {
		r.attached = append(r.attached, aws.ToString(in.PolicyArn))
	}
	return &iam.AttachRolePolicyOutput{}, nil
}

type hrdS3CAt struct {
	f *hrdWorld
	w estate.Location
}

func (c hrdS3CAt) PutPublicAccessBlock(_ context.Context, in *s3control.PutPublicAccessBlockInput, _ ...func(*s3control.Options)) (*s3control.PutPublicAccessBlockOutput, error) {
	defer c.f.write("PutPublicAccessBlock", string(c.w.Account), aws.ToString(in.AccountId))()
	if aws.ToString(in.AccountId) != string(c.w.Account) {
		return nil, hrdAPIErr("AccessDenied")
	}
	c.f.blocks[string(c.w.Account)] = in
	return &s3control.PutPublicAccessBlockOutput{}, nil
}

type hrdEC2At struct {
	f *hrdWorld
	w estate.Location
}

// vpc finds a VPC of the account and Region by ID.
func (c hrdEC2At) vpc(id string) *hrdFakeVPC {
	if v := c.f.vpcs[c.w]; v != nil && v.id == id {
		return v
	}
	return nil
}

func hrdFilter(fs []ec2types.Filter, name string) string {
	for _, f := range fs {
		if aws.ToString(f.Name) == name && len(f.Values) == 1 {
			return f.Values[0]
		}
	}
	return ""
}

func (c hrdEC2At) DescribeVpcs(_ context.Context, in *ec2.DescribeVpcsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	c.f.mu.Lock()
	hook := c.f.onDescribeVpcs
	c.f.mu.Unlock()
	if hook != nil {
		hook()
	}
	defer c.f.call("DescribeVpcs")()
	if len(in.VpcIds) != 1 {
		return nil, fmt.Errorf("DescribeVpcs without one VPC ID")
	}
	v := c.vpc(in.VpcIds[0])
	if v == nil {
		return nil, hrdAPIErr("InvalidVpcID.NotFound")
	}
	return &ec2.DescribeVpcsOutput{Vpcs: []ec2types.Vpc{{VpcId: aws.String(v.id), IsDefault: aws.Bool(v.isDefault)}}}, nil
}

func (c hrdEC2At) EnableEbsEncryptionByDefault(context.Context, *ec2.EnableEbsEncryptionByDefaultInput, ...func(*ec2.Options)) (*ec2.EnableEbsEncryptionByDefaultOutput, error) {
	defer c.f.write("EnableEbsEncryptionByDefault", c.w.String(), "")()
	if c.w.Region == "" {
		return nil, hrdAPIErr("MissingRegion")
	}
	c.f.ebs[c.w] = true
	return &ec2.EnableEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(true)}, nil
}

func (c hrdEC2At) DescribeNetworkInterfaces(_ context.Context, in *ec2.DescribeNetworkInterfacesInput, _ ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	defer c.f.call("DescribeNetworkInterfaces")()
	out := &ec2.DescribeNetworkInterfacesOutput{}
	if v := c.vpc(hrdFilter(in.Filters, "vpc-id")); v != nil {
		for range v.enis {
			out.NetworkInterfaces = append(out.NetworkInterfaces, ec2types.NetworkInterface{})
		}
	}
	return out, nil
}

func (c hrdEC2At) DescribeSubnets(_ context.Context, in *ec2.DescribeSubnetsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	defer c.f.call("DescribeSubnets")()
	out := &ec2.DescribeSubnetsOutput{}
	if v := c.vpc(hrdFilter(in.Filters, "vpc-id")); v != nil {
		for _, s := range v.subnets {
			out.Subnets = append(out.Subnets, ec2types.Subnet{SubnetId: aws.String(s)})
		}
	}
	return out, nil
}

func (c hrdEC2At) DeleteSubnet(_ context.Context, in *ec2.DeleteSubnetInput, _ ...func(*ec2.Options)) (*ec2.DeleteSubnetOutput, error) {
	defer c.f.write("DeleteSubnet", c.w.String(), aws.ToString(in.SubnetId))()
	v := c.f.vpcs[c.w]
	if v == nil {
		return nil, hrdAPIErr("InvalidSubnetID.NotFound")
	}
	if v.enis > 0 {
		return nil, hrdAPIErr("DependencyViolation")
	}
	if err := hrdRemove(&v.subnets, aws.ToString(in.SubnetId)); err != nil {
		return nil, hrdAPIErr("InvalidSubnetID.NotFound")
	}
	return &ec2.DeleteSubnetOutput{}, nil
}

func (c hrdEC2At) DescribeInternetGateways(_ context.Context, in *ec2.DescribeInternetGatewaysInput, _ ...func(*ec2.Options)) (*ec2.DescribeInternetGatewaysOutput, error) {
	defer c.f.call("DescribeInternetGateways")()
	out := &ec2.DescribeInternetGatewaysOutput{}
	if v := c.vpc(hrdFilter(in.Filters, "attachment.vpc-id")); v != nil {
		for _, g := range v.gateways {
			out.InternetGateways = append(out.InternetGateways, ec2types.InternetGateway{InternetGatewayId: aws.String(g)})
		}
	}
	return out, nil
}

func (c hrdEC2At) DetachInternetGateway(_ context.Context, in *ec2.DetachInternetGatewayInput, _ ...func(*ec2.Options)) (*ec2.DetachInternetGatewayOutput, error) {
	defer c.f.write("DetachInternetGateway", c.w.String(), aws.ToString(in.InternetGatewayId))()
	v := c.vpc(aws.ToString(in.VpcId))
	if v == nil || hrdRemove(&v.gateways, aws.ToString(in.InternetGatewayId)) != nil {
		return nil, hrdAPIErr("Gateway.NotAttached")
	}
	return &ec2.DetachInternetGatewayOutput{}, nil
}

func (c hrdEC2At) DeleteInternetGateway(_ context.Context, in *ec2.DeleteInternetGatewayInput, _ ...func(*ec2.Options)) (*ec2.DeleteInternetGatewayOutput, error) {
	defer c.f.write("DeleteInternetGateway", c.w.String(), aws.ToString(in.InternetGatewayId))()
	if v := c.f.vpcs[c.w]; v != nil && slices.Contains(v.gateways, aws.ToString(in.InternetGatewayId)) {
		return nil, hrdAPIErr("DependencyViolation")
	}
	return &ec2.DeleteInternetGatewayOutput{}, nil
}

func (c hrdEC2At) DeleteVpc(_ context.Context, in *ec2.DeleteVpcInput, _ ...func(*ec2.Options)) (*ec2.DeleteVpcOutput, error) {
	defer c.f.write("DeleteVpc", c.w.String(), aws.ToString(in.VpcId))()
	v := c.vpc(aws.ToString(in.VpcId))
	if v == nil {
		return nil, hrdAPIErr("InvalidVpcID.NotFound")
	}
	if len(v.subnets)+len(v.gateways) > 0 || v.enis > 0 {
		return nil, hrdAPIErr("DependencyViolation")
	}
	delete(c.f.vpcs, c.w)
	return &ec2.DeleteVpcOutput{}, nil
}

// hrdSorted returns the write log sorted, for comparisons that do not
// depend on the order of concurrent changes.
func hrdSorted(ws []string) []string {
	out := slices.Clone(ws)
	sort.Strings(out)
	return out
}
