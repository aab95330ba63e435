package filterpattern

import "slices"

// Entry is a named pattern of the monitoring groundwork deploys on the
// organization trail's log group, with the guidance it comes from.
type Entry struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Guidance    []string `json:"guidance"`
	Pattern     string   `json:"pattern"`
}

// Guidance labels. The CIS patterns are copied as the AWS Security Hub
// controls CloudWatch.1 to CloudWatch.14 print them (Security Hub passes a
// control only if "the exact metric filters prescribed by CIS are used"),
// and, for 4.1 and 4.15, which Security Hub does not check, as the CIS
// benchmark prints them; section 4 of v3.0.0 numbers them as v1.4.0 does.
const (
	guidance000 = "000"
	guidance001 = "001"
	cisV120     = "CIS AWS Foundations Benchmark v1.2.0 "
	cisV300     = "CIS AWS Foundations Benchmark v3.0.0 "
)

var library = []Entry{
	{
		Name:        "RootUserActivity",
		Description: "Any use of the root user that is not an AWS service acting for it: sign-ins and API calls. Guidance 000's RootUserActivityFilter; CIS 4.3 prescribes the same pattern.",
		Guidance:    []string{guidance000, cisV300 + "4.3"},
		Pattern:     `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`,
	},
	{
		Name:        "ConsoleSignIn",
		Description: "Every console sign-in attempt (ConsoleLogin), successful or not: the management account is seldom used, so any sign-in is worth a look.",
		Guidance:    []string{guidance001},
		Pattern:     `{ $.eventName = "ConsoleLogin" }`,
	},
	{
		Name: "AccessDenied",
		Description: "Every access-denied error (AccessDenied*, *UnauthorizedOperation), as guidance 001 asks for any denied request. " +
			"It is the unauthorized-API-calls pattern of CIS v1.2.0 3.1 (Security Hub CloudWatch.2); CIS v3.0.0 4.1 narrows it, see UnauthorizedAPICalls.",
		Guidance: []string{guidance001, cisV120 + "3.1"},
		Pattern:  `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`,
	},
	{
		Name: "UnauthorizedAPICalls",
		Description: "Unauthorized API calls as CIS v3.0.0 4.1 prescribes: any *UnauthorizedOperation, and AccessDenied* except from delivery.logs.amazonaws.com and on HeadBucket. " +
			"&& binds tighter than ||, so the exclusions apply to AccessDenied* only.",
		Guidance: []string{cisV300 + "4.1"},
		Pattern:  `{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`,
	},
	{
		Name: "ConsoleSignInWithoutMFA",
		Description: "Successful console sign-ins of IAM users without MFA. This is the variant CIS 4.2 gives to avoid false positives where single sign-on is used, " +
			"as it is through IAM Identity Center (guidance 000), and the one Security Hub CloudWatch.3 checks.",
		Guidance: []string{cisV300 + "4.2"},
		Pattern:  `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
	},
	{
		Name: "IAMPolicyChanges",
		Description: "Changes to IAM policies: inline, managed, versions and attachments. The pattern checks the event name only, " +
			"so CreatePolicy, DeletePolicy and the like of other services (Organizations, Auto Scaling) match too, as Security Hub CloudWatch.4 notes.",
		Guidance: []string{cisV300 + "4.4"},
		Pattern:  `{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}`,
	},
	{
		Name:        "CloudTrailChanges",
		Description: "Changes to CloudTrail trails: creating, updating, deleting, starting and stopping logging.",
		Guidance:    []string{cisV300 + "4.5"},
		Pattern:     `{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}`,
	},
	{
		Name:        "ConsoleAuthFailures",
		Description: "Failed console sign-ins (\"Failed authentication\"), an early sign of password guessing.",
		Guidance:    []string{cisV300 + "4.6"},
		Pattern:     `{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}`,
	},
	{
		Name:        "DisableOrDeleteCMK",
		Description: "Customer managed KMS keys disabled or scheduled for deletion: data encrypted with them becomes unreadable.",
		Guidance:    []string{cisV300 + "4.7"},
		Pattern:     `{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}`,
	},
	{
		Name:        "S3BucketPolicyChanges",
		Description: "Changes to S3 bucket policies, ACLs, CORS, lifecycle and replication.",
		Guidance:    []string{cisV300 + "4.8"},
		Pattern:     `{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}`,
	},
	{
		Name:        "ConfigChanges",
		Description: "Changes to AWS Config recording: stopping the recorder, changing the recorder or the delivery channel.",
		Guidance:    []string{cisV300 + "4.9"},
		Pattern:     `{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}`,
	},
	{
		Name:        "SecurityGroupChanges",
		Description: "Security groups created, deleted, or with rules added or revoked.",
		Guidance:    []string{cisV300 + "4.10"},
		Pattern:     `{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}`,
	},
	{
		Name:        "NACLChanges",
		Description: "Network ACLs created, deleted, re-associated or with entries changed.",
		Guidance:    []string{cisV300 + "4.11"},
		Pattern:     `{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}`,
	},
	{
		Name:        "NetworkGatewayChanges",
		Description: "Customer and internet gateways created, deleted, attached or detached.",
		Guidance:    []string{cisV300 + "4.12"},
		Pattern:     `{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}`,
	},
	{
		Name:        "RouteTableChanges",
		Description: "Route tables and routes created, replaced, deleted or disassociated.",
		Guidance:    []string{cisV300 + "4.13"},
		Pattern:     `{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}`,
	},
	{
		Name:        "VPCChanges",
		Description: "VPCs created, deleted or modified, VPC peering and ClassicLink changes.",
		Guidance:    []string{cisV300 + "4.14"},
		Pattern:     `{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}`,
	},
	{
		Name:        "OrganizationsChanges",
		Description: "Changes to the organization: accounts invited, created, moved, leaving or removed, OUs, policies and policy types.",
		Guidance:    []string{cisV300 + "4.15"},
		Pattern:     `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`,
	},
}

// Library returns the built-in patterns, in the order above: guidance 000
// and 001 first, then CIS section 4. The slice is a copy; changing it does
// not change the library.
func Library() []Entry {
	out := make([]Entry, len(library))
	for i, e := range library {
		e.Guidance = slices.Clone(e.Guidance)
		out[i] = e
	}
	return out
}

// Lookup returns the library entry with the given name.
func Lookup(name string) (Entry, bool) {
	for _, e := range library {
		if e.Name == name {
			e.Guidance = slices.Clone(e.Guidance)
			return e, true
		}
	}
	return Entry{}, false
}

// Names returns the library's names in order, for messages and completion.
func Names() []string {
	names := make([]string, len(library))
	for i, e := range library {
		names[i] = e.Name
	}
	return names
}
