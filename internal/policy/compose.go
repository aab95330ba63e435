package policy

import "encoding/json"

// The builders below write the IAM-grammar documents groundwork itself
// generates (key, bucket, topic and trust policies), so that every layer
// renders them the same way. encoding/json sorts map keys, so a document
// renders the same way every time.

// Grant is one statement of a generated document, keyed by the IAM policy
// grammar's element names ("Sid", "Effect", "Principal", ...).
type Grant map[string]any

// Compose renders statements as a policy document of version 2012-10-17.
func Compose(statements ...Grant) string {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return string(b)
}

// ServicePrincipal is the Principal element of an AWS service, such as
// "cloudtrail.amazonaws.com".
func ServicePrincipal(name string) map[string]any { return map[string]any{"Service": name} }

// AccountPrincipal is the Principal element of an account's root, which
// delegates to the account's IAM policies; accountID may be a reference
// that apply resolves (estate.AccountIDRef).
func AccountPrincipal(accountID string) map[string]any {
	return map[string]any{"AWS": "arn:aws:iam::" + accountID + ":root"}
}

// ServiceTrust is a role trust policy that lets an AWS service assume the
// role.
func ServiceTrust(principal string) string {
	return Compose(Grant{"Effect": "Allow", "Principal": ServicePrincipal(principal), "Action": "sts:AssumeRole"})
}

// DenyInsecureTransport refuses any request to the bucket without TLS.
func DenyInsecureTransport(bucket string) Grant {
	return Grant{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource":  []string{"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"},
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}}
}
