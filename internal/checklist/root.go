package checklist

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The root user steps: a strong stored password, hardware MFA on the
// management account, MFA on every member, no access keys anywhere. IAM's
// account summary tells MFA and access keys; it cannot tell a hardware
// device from a virtual one, so for the management account the virtual
// devices are listed too: a virtual device assigned to root means the
// hardware device guidance 000 and 003 ask for is not in use.

// The account summary keys the detectors read.
const (
	keyMFA      = string(types.SummaryKeyTypeAccountMFAEnabled)
	keyKeys     = string(types.SummaryKeyTypeAccountAccessKeysPresent)
	keyPassword = string(types.SummaryKeyTypeAccountPasswordPresent)
)

// rootVirtualSerial is the serial a root user's virtual MFA device has
// when it was created under the console's default name.
const rootVirtualSerial = ":mfa/root-account-mfa-device"

const securityCredentials = "sign in as the root user > account menu (top right) > Security credentials"

func init() {
	register(step{
		ID:          "CL-001",
		Title:       "Root user password is strong and stored securely",
		Guidance:    "000 Create AWS management account; 003 AWS Identity and Access Management (IAM)",
		ConsolePath: securityCredentials + " > Account details > Edit console password",
		Scope:       scopeManagement,
		Manual: "verify by hand: a long random password, kept where a small group can retrieve it only when needed " +
			"(a password vault or a sealed process), and the root e-mail a distribution list",
	})
	register(step{
		ID:          "CL-002",
		Title:       "Hardware MFA on the management account's root user",
		Guidance:    "000 Secure management account root user; 003 AWS Identity and Access Management (IAM)",
		ConsolePath: securityCredentials + " > Multi-factor authentication (MFA) > Assign MFA device (Hardware TOTP token or Passkey or security key)",
		Scope:       scopeManagement,
		Detect:      detectManagementMFA,
	})
	register(step{
		ID:       "CL-003",
		Title:    "MFA on the member account's root user",
		Guidance: "000 Secure member account root users",
		ConsolePath: "root user sign-in with the account's root e-mail > Forgot password? (sets the first password) > " +
			"account menu (top right) > Security credentials > Multi-factor authentication (MFA) > Assign MFA device",
		Scope:  scopeMembers,
		Detect: detectMemberMFA,
	})
	register(step{
		ID:          "CL-004",
		Title:       "No access keys for the root user",
		Guidance:    "003 AWS Identity and Access Management (IAM)",
		ConsolePath: securityCredentials + " > Access keys > Actions > Delete",
		Scope:       scopeAccounts,
		Detect:      detectRootKeys,
	})
}

// readSummary reads an account's IAM summary.
func readSummary(ctx context.Context, api IAMAPI) (map[string]int32, error) {
	out, err := api.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return nil, fmt.Errorf("get account summary: %w", err)
	}
	if out == nil || out.SummaryMap == nil {
		return nil, fmt.Errorf("get account summary: the answer has no summary map")
	}
	return out.SummaryMap, nil
}

// summaryFlag reads one 0/1 key of an account's summary; a failed read or a
// missing key is the Unknown state's detail.
func summaryFlag(ctx context.Context, e *env, a Account, key string) (bool, string) {
	sum, err := e.summary(ctx, a)
	if err != nil {
		return false, err.Error()
	}
	v, ok := sum[key]
	if !ok {
		return false, "the IAM account summary has no " + key
	}
	return v != 0, ""
}

func detectManagementMFA(ctx context.Context, e *env, a Account) (Status, string) {
	on, problem := summaryFlag(ctx, e, a, keyMFA)
	switch {
	case problem != "":
		return Unknown, problem
	case !on:
		return Todo, "the root user has no MFA device; guidance wants a hardware one"
	}
	serial, err := rootVirtualMFA(ctx, e.r.IAM(a.ID))
	if err != nil {
		return Unknown, "root MFA is on, but the IAM account summary cannot tell hardware from virtual and the virtual devices could not be listed: " + err.Error()
	}
	if serial != "" {
		return Todo, fmt.Sprintf("virtual MFA, guidance wants hardware: %s is assigned to the root user; assign a hardware device, then remove the virtual one", serial)
	}
	return Done, "root MFA is on and no virtual MFA device is assigned to the root user, so it is a hardware token or a security key"
}

// rootVirtualMFA returns the serial of a virtual MFA device assigned to
// the root user, "" when there is none.
func rootVirtualMFA(ctx context.Context, api IAMAPI) (string, error) {
	p := iam.NewListVirtualMFADevicesPaginator(api, &iam.ListVirtualMFADevicesInput{AssignmentStatus: types.AssignmentStatusTypeAssigned})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("list virtual MFA devices: %w", err)
		}
		for _, d := range page.VirtualMFADevices {
			serial := aws.ToString(d.SerialNumber)
			if strings.HasSuffix(serial, rootVirtualSerial) || (d.User != nil && strings.HasSuffix(aws.ToString(d.User.Arn), ":root")) {
				return serial, nil
			}
		}
	}
	return "", nil
}

func detectMemberMFA(ctx context.Context, e *env, a Account) (Status, string) {
	on, problem := summaryFlag(ctx, e, a, keyMFA)
	switch {
	case problem != "":
		return Unknown, problem
	case on:
		return Done, "root MFA is on (the IAM account summary cannot tell hardware from virtual)"
	}
	if password, problem := summaryFlag(ctx, e, a, keyPassword); problem == "" && !password {
		return Todo, "the root user has no MFA device and no password yet: set the password through Forgot password? " +
			"on the root sign-in page, then assign MFA (unless the organization manages root access centrally and removed " +
			"this account's root credentials on purpose)"
	}
	return Todo, "the root user has no MFA device"
}

func detectRootKeys(ctx context.Context, e *env, a Account) (Status, string) {
	present, problem := summaryFlag(ctx, e, a, keyKeys)
	switch {
	case problem != "":
		return Unknown, problem
	case present:
		return Todo, "the root user has access keys: delete them and use roles instead"
	}
	return Done, "the root user has no access keys"
}
