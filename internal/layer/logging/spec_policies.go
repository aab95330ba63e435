package logging

import (
	"fmt"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/policy"
)

// The policy documents of the logging layer. They hold references
// (estate.AccountIDRef, OrgIDRef) that apply resolves once the accounts
// and the organization exist.

// cloudTrailKeyPolicy: the Security Tooling account administers the key,
// CloudTrail encrypts with it for the organization trail, and principals
// of the organization decrypt the logs (guidance 000 and 002).
func cloudTrailKeyPolicy(key, trail estate.Where) string {
	trailARN := fmt.Sprintf("arn:aws:cloudtrail:*:%s:trail/*", estate.AccountIDRef(trail.Account))
	return policy.Compose(
		policy.Grant{"Sid": "KeyAdministration", "Effect": "Allow", "Principal": policy.AccountPrincipal(estate.AccountIDRef(key.Account)), "Action": "kms:*", "Resource": "*"},
		policy.Grant{"Sid": "CloudTrailEncrypt", "Effect": "Allow", "Principal": policy.ServicePrincipal("cloudtrail.amazonaws.com"),
			"Action": "kms:GenerateDataKey*", "Resource": "*",
			"Condition": map[string]any{"StringLike": map[string]any{"kms:EncryptionContext:aws:cloudtrail:arn": trailARN}}},
		policy.Grant{"Sid": "CloudTrailDescribe", "Effect": "Allow", "Principal": policy.ServicePrincipal("cloudtrail.amazonaws.com"),
			"Action": "kms:DescribeKey", "Resource": "*"},
		policy.Grant{"Sid": "OrganizationDecrypt", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
			"Action": []string{"kms:Decrypt", "kms:ReEncryptFrom"}, "Resource": "*",
			"Condition": map[string]any{
				"StringEquals": map[string]any{"aws:PrincipalOrgID": estate.OrgIDRef()},
				"StringLike":   map[string]any{"kms:EncryptionContext:aws:cloudtrail:arn": trailARN},
			}},
	)
}

// configKeyPolicy: Config in every account of the organization encrypts
// its deliveries with the key; the Security Tooling account administers it.
func configKeyPolicy(key estate.Where) string {
	return policy.Compose(
		policy.Grant{"Sid": "KeyAdministration", "Effect": "Allow", "Principal": policy.AccountPrincipal(estate.AccountIDRef(key.Account)), "Action": "kms:*", "Resource": "*"},
		policy.Grant{"Sid": "ConfigEncrypt", "Effect": "Allow", "Principal": policy.ServicePrincipal("config.amazonaws.com"),
			"Action": []string{"kms:Decrypt", "kms:GenerateDataKey"}, "Resource": "*"},
		policy.Grant{"Sid": "OrganizationUse", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
			"Action": []string{"kms:Decrypt", "kms:GenerateDataKey"}, "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": estate.OrgIDRef()}}},
	)
}

// cloudTrailBucketPolicy lets CloudTrail check the ACL and write the
// organization trail's logs under AWSLogs/, with the bucket owner in full
// control (guidance 002).
func cloudTrailBucketPolicy(bucket string, trail estate.Where) string {
	arn := "arn:aws:s3:::" + bucket
	return policy.Compose(
		policy.Grant{"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": policy.ServicePrincipal("cloudtrail.amazonaws.com"),
			"Action": "s3:GetBucketAcl", "Resource": arn},
		policy.Grant{"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": policy.ServicePrincipal("cloudtrail.amazonaws.com"),
			"Action": "s3:PutObject",
			"Resource": []string{
				arn + "/AWSLogs/" + estate.AccountIDRef(trail.Account) + "/*",
				arn + "/AWSLogs/" + estate.OrgIDRef() + "/*",
			},
			"Condition": map[string]any{"StringEquals": map[string]any{"s3:x-amz-acl": "bucket-owner-full-control"}}},
		policy.DenyInsecureTransport(bucket),
	)
}

// configBucketPolicy lets Config in every account of the organization
// check the bucket and deliver under AWSLogs/<account>/Config/ (guidance
// 002: one bucket, a prefix per account).
func configBucketPolicy(bucket string) string {
	arn := "arn:aws:s3:::" + bucket
	return policy.Compose(
		policy.Grant{"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow", "Principal": policy.ServicePrincipal("config.amazonaws.com"),
			"Action": []string{"s3:GetBucketAcl", "s3:ListBucket"}, "Resource": arn},
		policy.Grant{"Sid": "AWSConfigBucketDelivery", "Effect": "Allow", "Principal": policy.ServicePrincipal("config.amazonaws.com"),
			"Action": "s3:PutObject", "Resource": arn + "/AWSLogs/*/Config/*",
			"Condition": map[string]any{"StringEquals": map[string]any{
				"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": estate.OrgIDRef()}}},
		policy.DenyInsecureTransport(bucket),
	)
}

// trailLogsPolicy lets CloudTrail write to the trail's log group.
func trailLogsPolicy(logGroupARN string) string {
	return policy.Compose(policy.Grant{"Sid": "CloudTrailToCloudWatchLogs", "Effect": "Allow",
		"Action": []string{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": logGroupARN})
}
