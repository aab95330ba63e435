package audit

import (
	"slices"
	"strings"
)

// The CIS AWS Foundations Benchmark v3.0.0, recommendation by
// recommendation: what the catalogue measures its coverage against. A
// recommendation is covered when a registered check names it in Controls
// ("CIS AWS Foundations Benchmark v3.0.0 2.2.1"); one that no check can
// judge says why in Manual, and groundwork checklist lists the step.

// How the benchmark assesses a recommendation: an automated one can be
// audited through the AWS APIs, a manual one needs a person (console-only
// settings, judgement on what an account is for).
const (
	CISAutomated = "automated"
	CISManual    = "manual"
)

// CISControl is one recommendation of the benchmark.
type CISControl struct {
	// ID is the recommendation number, "2.2.1".
	ID string `json:"id"`
	// Title is the recommendation as the benchmark words it.
	Title string `json:"title"`
	// Assessment is how the benchmark classes it: CISAutomated or
	// CISManual.
	Assessment string `json:"assessment"`
	// Manual says why groundwork leaves the recommendation to a person
	// and where it helps (a checklist item and what its detector reads);
	// "" for a recommendation a check judges.
	Manual string `json:"manual,omitempty"`
}

// cisControls are the benchmark's 62 recommendations in its order.
var cisControls = []CISControl{
	{ID: "1.1", Title: "Maintain current contact details", Assessment: CISManual,
		Manual: "whether the contact e-mail and phone reach more than one person is known only inside the organization; " +
			"groundwork checklist CL-007 reads the management account's primary contact (account:GetContactInformation) " +
			"and GW-ACC-001 judges every account's alternate contacts"},
	{ID: "1.2", Title: "Ensure security contact information is registered", Assessment: CISManual},
	{ID: "1.3", Title: "Ensure security questions are registered in the AWS account", Assessment: CISManual,
		Manual: "only the root user sets security questions, in the console, and no API reads them; groundwork " +
			"checklist CL-016 lists the step for every account"},
	{ID: "1.4", Title: "Ensure no 'root' user account access key exists", Assessment: CISAutomated},
	{ID: "1.5", Title: "Ensure MFA is enabled for the 'root' user account", Assessment: CISAutomated},
	{ID: "1.6", Title: "Ensure hardware MFA is enabled for the 'root' user account", Assessment: CISManual},
	{ID: "1.7", Title: "Eliminate use of the 'root' user for administrative and daily tasks", Assessment: CISManual},
	{ID: "1.8", Title: "Ensure IAM password policy requires minimum length of 14 or greater", Assessment: CISAutomated},
	{ID: "1.9", Title: "Ensure IAM password policy prevents password reuse", Assessment: CISAutomated},
	{ID: "1.10", Title: "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password", Assessment: CISAutomated},
	{ID: "1.11", Title: "Do not setup access keys during initial user setup for all IAM users that have a console password", Assessment: CISManual},
	{ID: "1.12", Title: "Ensure credentials unused for 45 days or greater are disabled", Assessment: CISAutomated},
	{ID: "1.13", Title: "Ensure there is only one active access key available for any single IAM user", Assessment: CISAutomated},
	{ID: "1.14", Title: "Ensure access keys are rotated every 90 days or less", Assessment: CISAutomated},
	{ID: "1.15", Title: "Ensure IAM Users Receive Permissions Only Through Groups", Assessment: CISAutomated},
	{ID: "1.16", Title: `Ensure IAM policies that allow full "*:*" administrative privileges are not attached`, Assessment: CISAutomated},
	{ID: "1.17", Title: "Ensure a support role has been created to manage incidents with AWS Support", Assessment: CISAutomated},
	{ID: "1.18", Title: "Ensure IAM instance roles are used for AWS resource access from instances", Assessment: CISAutomated},
	{ID: "1.19", Title: "Ensure that all the expired SSL/TLS certificates stored in AWS IAM are removed", Assessment: CISAutomated},
	{ID: "1.20", Title: "Ensure that IAM Access analyzer is enabled for all regions", Assessment: CISAutomated},
	{ID: "1.21", Title: "Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments", Assessment: CISManual},
	{ID: "1.22", Title: "Ensure access to AWSCloudShellFullAccess is restricted", Assessment: CISManual},
	{ID: "2.1.1", Title: "Ensure S3 Bucket Policy is set to deny HTTP requests", Assessment: CISAutomated},
	{ID: "2.1.2", Title: "Ensure MFA Delete is enabled on S3 buckets", Assessment: CISManual,
		Manual: "only the root user, with its MFA device, can turn MFA Delete on, and which buckets hold data that needs " +
			"it is the owner's decision; groundwork checklist CL-017 lists each account's buckets without it " +
			"(s3:GetBucketVersioning)"},
	{ID: "2.1.3", Title: "Ensure all data in Amazon S3 has been discovered, classified and secured when required", Assessment: CISManual,
		Manual: "whether the data is classified and secured is a judgement on the data itself; groundwork " +
			"checklist CL-018 reads whether Amazon Macie discovers sensitive data in each account and operational " +
			"Region (macie2:GetMacieSession, GetAutomatedDiscoveryConfiguration, ListClassificationJobs)"},
	{ID: "2.1.4", Title: "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'", Assessment: CISAutomated},
	{ID: "2.2.1", Title: "Ensure EBS Volume Encryption is Enabled in all Regions", Assessment: CISAutomated},
	{ID: "2.3.1", Title: "Ensure that encryption-at-rest is enabled for RDS Instances", Assessment: CISAutomated},
	{ID: "2.3.2", Title: "Ensure Auto Minor Version Upgrade feature is Enabled for RDS Instances", Assessment: CISAutomated},
	{ID: "2.3.3", Title: "Ensure that public access is not given to RDS Instance", Assessment: CISAutomated},
	{ID: "2.4.1", Title: "Ensure that encryption is enabled for EFS file systems", Assessment: CISManual},
	{ID: "3.1", Title: "Ensure CloudTrail is enabled in all regions", Assessment: CISAutomated},
	{ID: "3.2", Title: "Ensure CloudTrail log file validation is enabled", Assessment: CISAutomated},
	{ID: "3.3", Title: "Ensure AWS Config is enabled in all regions", Assessment: CISAutomated},
	{ID: "3.4", Title: "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket", Assessment: CISAutomated},
	{ID: "3.5", Title: "Ensure CloudTrail logs are encrypted at rest using KMS CMKs", Assessment: CISAutomated},
	{ID: "3.6", Title: "Ensure rotation for customer-created symmetric CMKs is enabled", Assessment: CISAutomated},
	{ID: "3.7", Title: "Ensure VPC flow logging is enabled in all VPCs", Assessment: CISAutomated},
	{ID: "3.8", Title: "Ensure that Object-level logging for write events is enabled for S3 bucket", Assessment: CISAutomated},
	{ID: "3.9", Title: "Ensure that Object-level logging for read events is enabled for S3 bucket", Assessment: CISAutomated},
	{ID: "4.1", Title: "Ensure a log metric filter and alarm exist for unauthorized API calls", Assessment: CISAutomated},
	{ID: "4.2", Title: "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA", Assessment: CISAutomated},
	{ID: "4.3", Title: "Ensure a log metric filter and alarm exist for usage of 'root' account", Assessment: CISAutomated},
	{ID: "4.4", Title: "Ensure a log metric filter and alarm exist for IAM policy changes", Assessment: CISAutomated},
	{ID: "4.5", Title: "Ensure a log metric filter and alarm exist for CloudTrail configuration changes", Assessment: CISAutomated},
	{ID: "4.6", Title: "Ensure a log metric filter and alarm exist for AWS Management Console authentication failures", Assessment: CISAutomated},
	{ID: "4.7", Title: "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs", Assessment: CISAutomated},
	{ID: "4.8", Title: "Ensure a log metric filter and alarm exist for S3 bucket policy changes", Assessment: CISAutomated},
	{ID: "4.9", Title: "Ensure a log metric filter and alarm exist for AWS Config configuration changes", Assessment: CISAutomated},
	{ID: "4.10", Title: "Ensure a log metric filter and alarm exist for security group changes", Assessment: CISAutomated},
	{ID: "4.11", Title: "Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)", Assessment: CISAutomated},
	{ID: "4.12", Title: "Ensure a log metric filter and alarm exist for changes to network gateways", Assessment: CISAutomated},
	{ID: "4.13", Title: "Ensure route table changes are monitored", Assessment: CISAutomated},
	{ID: "4.14", Title: "Ensure a log metric filter and alarm exist for VPC changes", Assessment: CISAutomated},
	{ID: "4.15", Title: "Ensure a log metric filter and alarm exists for AWS Organizations changes", Assessment: CISAutomated},
	{ID: "4.16", Title: "Ensure AWS Security Hub is enabled", Assessment: CISAutomated},
	{ID: "5.1", Title: "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports", Assessment: CISAutomated},
	{ID: "5.2", Title: "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports", Assessment: CISAutomated},
	{ID: "5.3", Title: "Ensure no security groups allow ingress from ::/0 to remote server administration ports", Assessment: CISAutomated},
	{ID: "5.4", Title: "Ensure the default security group of every VPC restricts all traffic", Assessment: CISAutomated},
	{ID: "5.5", Title: `Ensure routing tables for VPC peering are "least access"`, Assessment: CISManual,
		Manual: "least access is measured against what each peering is for, which no API knows; groundwork " +
			"checklist CL-019 lists the routes through VPC peering connections in each account and operational Region " +
			"(ec2:DescribeRouteTables)"},
	{ID: "5.6", Title: "Ensure that EC2 Metadata Service only allows IMDSv2", Assessment: CISAutomated},
}

// CISControls returns the benchmark's recommendations in its order.
func CISControls() []CISControl { return slices.Clone(cisControls) }

// CISCoverage is how the registered checks cover the benchmark.
type CISCoverage struct {
	// Benchmark is FrameworkCIS.
	Benchmark string `json:"benchmark"`
	// Controls counts the recommendations; Checked those some check
	// judges, Manual those left to a person with a reason. Uncovered
	// lists the IDs of recommendations that are neither, which the
	// catalogue test refuses.
	Controls  int      `json:"controls"`
	Checked   int      `json:"checked"`
	Manual    int      `json:"manual"`
	Uncovered []string `json:"uncovered,omitempty"`
	// ByControl is every recommendation, in the benchmark's order, with
	// the checks that judge it.
	ByControl []CISControlCoverage `json:"by_control"`
}

// CISControlCoverage is one recommendation and what covers it.
type CISControlCoverage struct {
	CISControl
	// Checks are the IDs of the checks that name it, sorted; with none,
	// Manual says why.
	Checks []string `json:"checks"`
}

// Covered reports whether a check judges the recommendation.
func (c CISControlCoverage) Covered() bool { return len(c.Checks) > 0 }

// cisCoverage measures cs against the benchmark. A recommendation a check
// names counts as checked even when it still carries a manual reason.
func cisCoverage(cs []Check) CISCoverage {
	byControl := map[string][]string{}
	for _, c := range cs {
		for _, id := range c.ControlsBy(FrameworkCIS) {
			byControl[id] = append(byControl[id], c.ID)
		}
	}
	out := CISCoverage{Benchmark: FrameworkCIS, Controls: len(cisControls)}
	for _, ctrl := range cisControls {
		checks := slices.Compact(slices.Sorted(slices.Values(byControl[ctrl.ID])))
		cc := CISControlCoverage{CISControl: ctrl, Checks: checks}
		if cc.Checks == nil {
			cc.Checks = []string{}
		}
		switch {
		case cc.Covered():
			out.Checked++
		case strings.TrimSpace(ctrl.Manual) != "":
			out.Manual++
		default:
			out.Uncovered = append(out.Uncovered, ctrl.ID)
		}
		out.ByControl = append(out.ByControl, cc)
	}
	return out
}

// ManualControls returns the recommendations no check judges, in the
// benchmark's order.
func (c CISCoverage) ManualControls() []CISControlCoverage {
	var out []CISControlCoverage
	for _, cc := range c.ByControl {
		if !cc.Covered() {
			out = append(out, cc)
		}
	}
	return out
}
