package spec

import (
	"encoding/json"
	"fmt"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The policy documents of the logging layer. They hold references
// (estate.AccountIDRef, OrgIDRef) that apply resolves once the accounts
// and the organization exist. encoding/json sorts map keys, so each
// document renders the same way every time.

type statement map[string]any

func document(statements ...statement) string {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return string(b)
}

func service(name string) map[string]any { return map[string]any{"Service": name} }

func rootOf(w estate.Where) map[string]any {
	return map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:root", estate.AccountIDRef(w.Account))}
}

// servicePrincipalTrust lets an AWS service assume a role.
func servicePrincipalTrust(principal string) string {
	return document(statement{"Effect": "Allow", "Principal": service(principal), "Action": "sts:AssumeRole"})
}

// cloudTrailKeyPolicy: the Security Tooling account administers the key,
// CloudTrail encrypts with it for the organization trail, and principals
// of the organization decrypt the logs (guidance 000 and 002).
func cloudTrailKeyPolicy(key, trail estate.Where) string {
	trailARN := fmt.Sprintf("arn:aws:cloudtrail:*:%s:trail/*", estate.AccountIDRef(trail.Account))
	return document(
		statement{"Sid": "KeyAdministration", "Effect": "Allow", "Principal": rootOf(key), "Action": "kms:*", "Resource": "*"},
		statement{"Sid": "CloudTrailEncrypt", "Effect": "Allow", "Principal": service("cloudtrail.amazonaws.com"),
			"Action": "kms:GenerateDataKey*", "Resource": "*",
			"Condition": map[string]any{"StringLike": map[string]any{"kms:EncryptionContext:aws:cloudtrail:arn": trailARN}}},
		statement{"Sid": "CloudTrailDescribe", "Effect": "Allow", "Principal": service("cloudtrail.amazonaws.com"),
			"Action": "kms:DescribeKey", "Resource": "*"},
		statement{"Sid": "OrganizationDecrypt", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
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
	return document(
		statement{"Sid": "KeyAdministration", "Effect": "Allow", "Principal": rootOf(key), "Action": "kms:*", "Resource": "*"},
		statement{"Sid": "ConfigEncrypt", "Effect": "Allow", "Principal": service("config.amazonaws.com"),
			"Action": []string{"kms:Decrypt", "kms:GenerateDataKey"}, "Resource": "*"},
		statement{"Sid": "OrganizationUse", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
			"Action": []string{"kms:Decrypt", "kms:GenerateDataKey"}, "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": estate.OrgIDRef()}}},
	)
}

// denyInsecureTransport refuses any request to the bucket without TLS.
func denyInsecureTransport(bucket string) statement {
	return statement{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource":  []string{"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"},
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}}
}

// cloudTrailBucketPolicy lets CloudTrail check the ACL and write the
// organization trail's logs under AWSLogs/, with the bucket owner in full
// control (guidance 002).
func cloudTrailBucketPolicy(bucket string, trail estate.Where) string {
	arn := "arn:aws:s3:::" + bucket
	return document(
		statement{"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": service("cloudtrail.amazonaws.com"),
			"Action": "s3:GetBucketAcl", "Resource": arn},
		statement{"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": service("cloudtrail.amazonaws.com"),
			"Action": "s3:PutObject",
			"Resource": []string{
				arn + "/AWSLogs/" + estate.AccountIDRef(trail.Account) + "/*",
				arn + "/AWSLogs/" + estate.OrgIDRef() + "/*",
			},
			"Condition": map[string]any{"StringEquals": map[string]any{"s3:x-amz-acl": "bucket-owner-full-control"}}},
		denyInsecureTransport(bucket),
	)
}

// configBucketPolicy lets Config in every account of the organization
// check the bucket and deliver under AWSLogs/<account>/Config/ (guidance
// 002: one bucket, a prefix per account).
func configBucketPolicy(bucket string) string {
	arn := "arn:aws:s3:::" + bucket
	return document(
		statement{"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow", "Principal": service("config.amazonaws.com"),
			"Action": []string{"s3:GetBucketAcl", "s3:ListBucket"}, "Resource": arn},
		statement{"Sid": "AWSConfigBucketDelivery", "Effect": "Allow", "Principal": service("config.amazonaws.com"),
			"Action": "s3:PutObject", "Resource": arn + "/AWSLogs/*/Config/*",
			"Condition": map[string]any{"StringEquals": map[string]any{
				"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": estate.OrgIDRef()}}},
		denyInsecureTransport(bucket),
	)
}

// trailLogsPolicy lets CloudTrail write to the trail's log group.
func trailLogsPolicy(logGroupARN string) string {
	return document(statement{"Sid": "CloudTrailToCloudWatchLogs", "Effect": "Allow",
		"Action": []string{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": logGroupARN})
}
