package hardening

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/groundwork-aws/groundwork/internal/awsx"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/kinds"
	"github.com/groundwork-aws/groundwork/internal/plan"
)

// KindManagementIAMUser deletes an IAM user of the management account
// (guidance 000 "Remove unnecessary IAM users": people sign in through
// IAM Identity Center). It is planned only with
// hardening.management_iam_users: delete, never for a break-glass user
// the spec lists nor for the user groundwork runs as, and runs only with
// --allow-delete. With report (the default) users are plan notes and
// audit findings.
const KindManagementIAMUser = "management-iam-user"

// ManagementIAMUserAddress is the address of an IAM user of the
// management account.
func ManagementIAMUserAddress(name string) string {
	return kinds.Address(KindManagementIAMUser, name)
}

// IAMUserAPI is the part of the IAM client the kind calls: a user can be
// deleted only once everything it holds is gone.
type IAMUserAPI interface {
	GetUser(context.Context, *iam.GetUserInput, ...func(*iam.Options)) (*iam.GetUserOutput, error)
	ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	DeleteAccessKey(context.Context, *iam.DeleteAccessKeyInput, ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error)
	DeleteLoginProfile(context.Context, *iam.DeleteLoginProfileInput, ...func(*iam.Options)) (*iam.DeleteLoginProfileOutput, error)
	ListMFADevices(context.Context, *iam.ListMFADevicesInput, ...func(*iam.Options)) (*iam.ListMFADevicesOutput, error)
	DeactivateMFADevice(context.Context, *iam.DeactivateMFADeviceInput, ...func(*iam.Options)) (*iam.DeactivateMFADeviceOutput, error)
	DeleteVirtualMFADevice(context.Context, *iam.DeleteVirtualMFADeviceInput, ...func(*iam.Options)) (*iam.DeleteVirtualMFADeviceOutput, error)
	ListSigningCertificates(context.Context, *iam.ListSigningCertificatesInput, ...func(*iam.Options)) (*iam.ListSigningCertificatesOutput, error)
	DeleteSigningCertificate(context.Context, *iam.DeleteSigningCertificateInput, ...func(*iam.Options)) (*iam.DeleteSigningCertificateOutput, error)
	ListSSHPublicKeys(context.Context, *iam.ListSSHPublicKeysInput, ...func(*iam.Options)) (*iam.ListSSHPublicKeysOutput, error)
	DeleteSSHPublicKey(context.Context, *iam.DeleteSSHPublicKeyInput, ...func(*iam.Options)) (*iam.DeleteSSHPublicKeyOutput, error)
	ListServiceSpecificCredentials(context.Context, *iam.ListServiceSpecificCredentialsInput, ...func(*iam.Options)) (*iam.ListServiceSpecificCredentialsOutput, error)
	DeleteServiceSpecificCredential(context.Context, *iam.DeleteServiceSpecificCredentialInput, ...func(*iam.Options)) (*iam.DeleteServiceSpecificCredentialOutput, error)
	ListAttachedUserPolicies(context.Context, *iam.ListAttachedUserPoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error)
	DetachUserPolicy(context.Context, *iam.DetachUserPolicyInput, ...func(*iam.Options)) (*iam.DetachUserPolicyOutput, error)
	ListUserPolicies(context.Context, *iam.ListUserPoliciesInput, ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error)
	DeleteUserPolicy(context.Context, *iam.DeleteUserPolicyInput, ...func(*iam.Options)) (*iam.DeleteUserPolicyOutput, error)
	ListGroupsForUser(context.Context, *iam.ListGroupsForUserInput, ...func(*iam.Options)) (*iam.ListGroupsForUserOutput, error)
	RemoveUserFromGroup(context.Context, *iam.RemoveUserFromGroupInput, ...func(*iam.Options)) (*iam.RemoveUserFromGroupOutput, error)
	DeleteUser(context.Context, *iam.DeleteUserInput, ...func(*iam.Options)) (*iam.DeleteUserOutput, error)
}

var _ IAMUserAPI = (*iam.Client)(nil)

func init() {
	kinds.Register(kinds.Registration{Name: KindManagementIAMUser, Diff: diffManagementUsers, Apply: applyManagementUser})
}

// managementUserValue names the management account's IAM user a change
// deletes.
type managementUserValue struct {
	Name string `json:"name"`
}

const managementUserReason = "hardening.management_iam_users: delete; its access keys, password, MFA devices, " +
	"certificates, SSH keys, policies and group memberships go first; a delete, so it runs only with --allow-delete"

func diffManagementUsers(desired, actual *estate.Estate) ([]plan.Change, []string) {
	d := desired.Hardening
	if d == nil || actual.Hardening == nil {
		return nil, nil
	}
	var changes []plan.Change
	var notes []string
	for _, u := range actual.Hardening.SortedUsers() {
		switch {
		case slices.Contains(d.BreakGlassUsers, u.Name):
		case !d.DeleteManagementUsers:
			notes = append(notes, fmt.Sprintf("IAM user %s in the management account, which should have none (people sign in "+
				"through IAM Identity Center); set hardening.management_iam_users: delete to remove it, or list it under "+
				"hardening.break_glass_users", u.Name))
		case u.ARN != "" && u.ARN == actual.Hardening.Caller:
			// Deleting it would delete the credentials this apply runs on.
			notes = append(notes, fmt.Sprintf("IAM user %s of the management account kept: groundwork runs as it; "+
				"run groundwork through IAM Identity Center or a role and plan again", u.Name))
		default:
			changes = append(changes, plan.SetValue(plan.Change{Address: ManagementIAMUserAddress(u.Name), Kind: KindManagementIAMUser,
				Action: plan.Delete, Group: estate.RootPath, Reason: managementUserReason, NeedsAllowDelete: true, Basis: plan.BasisSpec,
				Before: plan.Attrs{"account": estate.ManagementKey, "name": u.Name, "arn": u.ARN, "path": u.Path}},
				managementUserValue{Name: u.Name}))
		}
	}
	return changes, notes
}

// drainPages bounds how often drain lists again: a user holds at most a
// few dozen of anything (two access keys, eight MFA devices, ten managed
// policies, ten groups by default quota), far below a hundred pages.
const drainPages = 100

// drain deletes everything one list returns, listing again while IAM says
// there is more: what is deleted cannot be paged past with a marker.
func drain[T any](what string, list func() ([]T, bool, error), remove func(T) error) error {
	for range drainPages {
		items, more, err := list()
		if err != nil {
			return fmt.Errorf("list %s: %w", what, err)
		}
		for _, it := range items {
			if err := remove(it); err != nil && !awsx.ErrorCodeIs(err, "NoSuchEntity") {
				return fmt.Errorf("remove %s: %w", what, err)
			}
		}
		if !more {
			return nil
		}
	}
	return fmt.Errorf("remove %s: still more after %d pages", what, drainPages)
}

// applyManagementUser deletes the user and, first, what it holds. A user
// already gone is success, so the change can run again after a failure.
func applyManagementUser(ctx context.Context, env *kinds.Env, ch plan.Change) error {
	v, err := plan.ValueOf[managementUserValue](ch)
	if err != nil {
		return err
	}
	clients, err := clientsOf(env)
	if err != nil {
		return err
	}
	w, err := env.At(estate.Where{Account: estate.ManagementKey})
	if err != nil {
		return fmt.Errorf("IAM user: %w", err)
	}
	api, name := clients.IAMUsers(w), aws.String(v.Name)
	if _, err := api.GetUser(ctx, &iam.GetUserInput{UserName: name}); awsx.ErrorCodeIs(err, "NoSuchEntity") {
		return nil
	} else if err != nil {
		return fmt.Errorf("read IAM user %s: %w", *name, err)
	}
	steps := []func() error{
		func() error {
			return drain("access keys", func() ([]string, bool, error) {
				out, err := api.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: name})
				if err != nil {
					return nil, false, err
				}
				var ids []string
				for _, k := range out.AccessKeyMetadata {
					ids = append(ids, aws.ToString(k.AccessKeyId))
				}
				return ids, out.IsTruncated, nil
			}, func(id string) error {
				_, err := api.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: name, AccessKeyId: aws.String(id)})
				return err
			})
		},
		func() error {
			if _, err := api.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: name}); err != nil && !awsx.ErrorCodeIs(err, "NoSuchEntity") {
				return fmt.Errorf("delete the password: %w", err)
			}
			return nil
		},
		func() error {
			return drain("MFA devices", func() ([]string, bool, error) {
				out, err := api.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: name})
				if err != nil {
					return nil, false, err
				}
				var serials []string
				for _, d := range out.MFADevices {
					serials = append(serials, aws.ToString(d.SerialNumber))
				}
				return serials, out.IsTruncated, nil
			}, func(serial string) error {
				_, err := api.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: name, SerialNumber: aws.String(serial)})
				if err != nil && !awsx.ErrorCodeIs(err, "NoSuchEntity") {
					return err
				}
				// A virtual device is an IAM resource of its own (its
				// serial is its ARN); a hardware one is only detached.
				if strings.HasPrefix(serial, "arn:") {
					_, err = api.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
				}
				return err
			})
		},
		func() error {
			return drain("signing certificates", func() ([]string, bool, error) {
				out, err := api.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: name})
				if err != nil {
					return nil, false, err
				}
				var ids []string
				for _, c := range out.Certificates {
					ids = append(ids, aws.ToString(c.CertificateId))
				}
				return ids, out.IsTruncated, nil
			}, func(id string) error {
				_, err := api.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: name, CertificateId: aws.String(id)})
				return err
			})
		},
		func() error {
			return drain("SSH public keys", func() ([]string, bool, error) {
				out, err := api.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: name})
				if err != nil {
					return nil, false, err
				}
				var ids []string
				for _, k := range out.SSHPublicKeys {
					ids = append(ids, aws.ToString(k.SSHPublicKeyId))
				}
				return ids, out.IsTruncated, nil
			}, func(id string) error {
				_, err := api.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: name, SSHPublicKeyId: aws.String(id)})
				return err
			})
		},
		func() error {
			return drain("attached policies", func() ([]string, bool, error) {
				out, err := api.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: name})
				if err != nil {
					return nil, false, err
				}
				var arns []string
				for _, p := range out.AttachedPolicies {
					arns = append(arns, aws.ToString(p.PolicyArn))
				}
				return arns, out.IsTruncated, nil
			}, func(arn string) error {
				_, err := api.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: name, PolicyArn: aws.String(arn)})
				return err
			})
		},
		func() error {
			return drain("inline policies", func() ([]string, bool, error) {
				out, err := api.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: name})
				if err != nil {
					return nil, false, err
				}
				return out.PolicyNames, out.IsTruncated, nil
			}, func(policy string) error {
				_, err := api.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: name, PolicyName: aws.String(policy)})
				return err
			})
		},
		func() error {
			return drain("group memberships", func() ([]string, bool, error) {
				out, err := api.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: name})
				if err != nil {
					return nil, false, err
				}
				var groups []string
				for _, g := range out.Groups {
					groups = append(groups, aws.ToString(g.GroupName))
				}
				return groups, out.IsTruncated, nil
			}, func(group string) error {
				_, err := api.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{UserName: name, GroupName: aws.String(group)})
				return err
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("IAM user %s: %w", *name, err)
		}
	}
	_, err = api.DeleteUser(ctx, &iam.DeleteUserInput{UserName: name})
	if awsx.ErrorCodeIs(err, "DeleteConflict") {
		// Service-specific credentials (CodeCommit, Keyspaces, Bedrock)
		// are rare; they are looked for only when IAM says something is
		// left, which spares a call per user, and an operation some AWS
		// API implementations lack.
		if err := drain("service-specific credentials", func() ([]string, bool, error) {
			out, err := api.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: name})
			if err != nil {
				return nil, false, err
			}
			var ids []string
			for _, c := range out.ServiceSpecificCredentials {
				ids = append(ids, aws.ToString(c.ServiceSpecificCredentialId))
			}
			return ids, out.IsTruncated, nil
		}, func(id string) error {
			_, err := api.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: name, ServiceSpecificCredentialId: aws.String(id)})
			return err
		}); err != nil {
			return fmt.Errorf("IAM user %s: %w", *name, err)
		}
		_, err = api.DeleteUser(ctx, &iam.DeleteUserInput{UserName: name})
	}
	if err != nil && !awsx.ErrorCodeIs(err, "NoSuchEntity") {
		return fmt.Errorf("delete IAM user %s: %w", *name, err)
	}
	return nil
}
