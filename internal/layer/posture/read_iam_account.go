package posture

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// iamAccountAPI is the part of the IAM client the account-wide IAM
// reads call: customer-managed policies and their documents (CIS 1.16),
// who holds an AWS managed policy (1.17, 1.22), server certificates
// (1.19) and the root user's virtual MFA device (1.6). The real client
// has it; a reader whose IAM client lacks it leaves those parts unread.
type iamAccountAPI interface {
	ListPolicies(context.Context, *iam.ListPoliciesInput, ...func(*iam.Options)) (*iam.ListPoliciesOutput, error)
	GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	ListEntitiesForPolicy(context.Context, *iam.ListEntitiesForPolicyInput, ...func(*iam.Options)) (*iam.ListEntitiesForPolicyOutput, error)
	ListServerCertificates(context.Context, *iam.ListServerCertificatesInput, ...func(*iam.Options)) (*iam.ListServerCertificatesOutput, error)
	ListVirtualMFADevices(context.Context, *iam.ListVirtualMFADevicesInput, ...func(*iam.Options)) (*iam.ListVirtualMFADevicesOutput, error)
}

var _ iamAccountAPI = (*iam.Client)(nil)

// The AWS managed policies whose holders the checks judge, by name.
const (
	supportPolicy    = "AWSSupportAccess"
	cloudShellPolicy = "AWSCloudShellFullAccess"
)

// watchedPolicies are the AWS managed policies whose entities are read in
// every account.
var watchedPolicies = []string{supportPolicy, cloudShellPolicy}

// The parts the account-wide IAM reads record as not read, apart from
// readIAM (the credential report and users), so that a service lacking
// one of them keeps only its own checks from being evaluated.
const (
	readIAMPolicies  = "posture/iam-policies"
	readIAMEntities  = "posture/iam-entities"
	readCertificates = "posture/iam-certificates"
	readRootMFA      = "posture/root-mfa"
)

// iamAccountRef is an account whose account-wide IAM facts are still to
// read, with what its credential report said of the root user.
type iamAccountRef struct {
	key  estate.AccountKey
	at   estate.Location
	root *estate.PostureRoot
}

// partition is the ARN partition the account lives in, from its root
// user's ARN ("aws" when the report had no root row).
func (a iamAccountRef) partition() string {
	if a.root != nil {
		if parts := strings.SplitN(a.root.ARN, ":", 3); len(parts) == 3 && parts[1] != "" {
			return parts[1]
		}
	}
	return "aws"
}

// iamAccount reads the account-wide IAM facts of one account. It does
// nothing when the reader's IAM client cannot.
func (r *postureRead) iamAccount(ctx context.Context, a iamAccountRef) error {
	api, ok := r.clients.IAM(a.at).(iamAccountAPI)
	if !ok {
		return nil
	}
	for _, read := range []func(context.Context, iamAccountAPI, iamAccountRef) error{
		r.attachedPolicies, r.policyEntities, r.serverCertificates, r.rootVirtualMFA,
	} {
		if err := read(ctx, api, a); err != nil {
			return err
		}
	}
	return nil
}

// attachedPolicies reads the customer-managed policies attached to some
// user, group or role, and each one's default version.
func (r *postureRead) attachedPolicies(ctx context.Context, api iamAccountAPI, a iamAccountRef) error {
	what := "the customer-managed IAM policies of " + string(a.at.Account)
	var pols []*estate.PosturePolicy
	pages := iam.NewListPoliciesPaginator(api, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal, OnlyAttached: true})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if r.unknown(err, readIAMPolicies, global(a.at), what) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		for _, p := range page.Policies {
			pol := &estate.PosturePolicy{Name: aws.ToString(p.PolicyName), ARN: aws.ToString(p.Arn),
				Attachments: int(aws.ToInt32(p.AttachmentCount))}
			v, err := api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: p.Arn, VersionId: p.DefaultVersionId})
			switch {
			case awsx.ErrorCodeIs(err, "NoSuchEntity"):
				continue // deleted since the list
			case r.unknown(err, readIAMPolicies, global(a.at), "policy "+pol.ARN):
				return nil
			case err != nil:
				return fmt.Errorf("read policy %s: %w", pol.ARN, err)
			}
			if v.PolicyVersion != nil {
				pol.Document = policyDocument(aws.ToString(v.PolicyVersion.Document))
			}
			pols = append(pols, pol)
		}
	}
	r.locked(func(p *estate.Posture) { p.Policies[string(a.key)] = pols })
	return nil
}

// policyDocument decodes a policy document as IAM returns it: URL-encoded
// (RFC 3986). A document that is already plain JSON, as some
// implementations return it, is kept as it is.
func policyDocument(doc string) string {
	if strings.HasPrefix(strings.TrimSpace(doc), "{") {
		return doc
	}
	if plain, err := url.QueryUnescape(doc); err == nil {
		return plain
	}
	return doc
}

// policyEntities reads who holds each of watchedPolicies.
func (r *postureRead) policyEntities(ctx context.Context, api iamAccountAPI, a iamAccountRef) error {
	held := map[string]*estate.PolicyEntities{}
	for _, name := range watchedPolicies {
		arn := "arn:" + a.partition() + ":iam::aws:policy/" + name
		what := "the holders of " + name + " in " + string(a.at.Account)
		ents := &estate.PolicyEntities{}
		pages := iam.NewListEntitiesForPolicyPaginator(api, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if r.unknown(err, readIAMEntities, global(a.at), what) {
				return nil
			}
			if awsx.ErrorCodeIs(err, "NoSuchEntity") {
				break // not in this partition: nobody holds it
			}
			if err != nil {
				return fmt.Errorf("list %s: %w", what, err)
			}
			for _, u := range page.PolicyUsers {
				ents.Users = append(ents.Users, aws.ToString(u.UserName))
			}
			for _, g := range page.PolicyGroups {
				ents.Groups = append(ents.Groups, aws.ToString(g.GroupName))
			}
			for _, role := range page.PolicyRoles {
				ents.Roles = append(ents.Roles, aws.ToString(role.RoleName))
			}
		}
		held[name] = ents
	}
	r.locked(func(p *estate.Posture) { p.PolicyEntities[string(a.key)] = held })
	return nil
}

// serverCertificates reads the SSL/TLS certificates stored in IAM.
func (r *postureRead) serverCertificates(ctx context.Context, api iamAccountAPI, a iamAccountRef) error {
	what := "the IAM server certificates of " + string(a.at.Account)
	certs := []*estate.ServerCertificate{}
	pages := iam.NewListServerCertificatesPaginator(api, &iam.ListServerCertificatesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if r.unknown(err, readCertificates, global(a.at), what) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		for _, c := range page.ServerCertificateMetadataList {
			certs = append(certs, &estate.ServerCertificate{Name: aws.ToString(c.ServerCertificateName),
				ARN: aws.ToString(c.Arn), Expiration: aws.ToTime(c.Expiration).UTC()})
		}
	}
	r.locked(func(p *estate.Posture) { p.ServerCertificates[string(a.key)] = certs })
	return nil
}

// rootVirtualMFA reads, where the credential report shows the root user
// with MFA, whether that MFA is a virtual device: IAM lists virtual
// devices, never hardware ones, and a root user's device is named
// root-account-mfa-device or assigned to the :root user.
func (r *postureRead) rootVirtualMFA(ctx context.Context, api iamAccountAPI, a iamAccountRef) error {
	if a.root == nil || !a.root.MFA {
		return nil
	}
	what := "the virtual MFA devices of " + string(a.at.Account)
	serial := ""
	pages := iam.NewListVirtualMFADevicesPaginator(api, &iam.ListVirtualMFADevicesInput{AssignmentStatus: iamtypes.AssignmentStatusTypeAssigned})
	for pages.HasMorePages() && serial == "" {
		page, err := pages.NextPage(ctx)
		if r.unknown(err, readRootMFA, global(a.at), what) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		for _, d := range page.VirtualMFADevices {
			s := aws.ToString(d.SerialNumber)
			if strings.HasSuffix(s, ":mfa/root-account-mfa-device") || d.User != nil && strings.HasSuffix(aws.ToString(d.User.Arn), ":root") {
				serial = s
				break
			}
		}
	}
	r.locked(func(*estate.Posture) { a.root.VirtualMFA = &serial })
	return nil
}
