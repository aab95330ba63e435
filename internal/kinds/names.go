package kinds

// The names of the kinds the importer still tells layers apart by. Each
// kind belongs to, and is registered by, its layer package
// (internal/layer/<name>); its name constant moves there when the
// importer's code for that layer does, since the importer must not
// import layer packages.

// The logging layer.
const (
	// KindKey manages the customer-managed KMS keys of the logging layer, one
	// per alias in an account and Region: the key policy, the description,
	// yearly rotation, and the key being usable. A key is found by its alias,
	// so a re-run adopts the key an earlier, interrupted run made.
	//
	// A key is never disabled, scheduled for deletion or stripped of
	// rotation: the spec cannot ask for that, and a key the trail writes with
	// must stay usable. A key found disabled or pending deletion is enabled
	// again, which the plan shows as a change of state.
	KindKey = "key"

	// KindBucket manages the Log Archive buckets: public access blocked,
	// versioning on, default encryption with the logging layer's KMS key (and
	// an S3 Bucket Key, which cuts the KMS requests of log delivery), the
	// bucket policy that lets CloudTrail and Config deliver, and the
	// retention lifecycle (guidance 000 and 002).
	//
	// groundwork never loosens a log bucket: a setting the desired bucket
	// leaves off (no policy, no encryption, versioning or public access block
	// off) is not managed. The retention is managed both ways, because keeping
	// logs forever is something a spec asks for. groundwork owns the
	// lifecycle configuration of its buckets: putting it replaces any other
	// rules.
	KindBucket = "bucket"

	// KindTrail manages the organization trail (guidance 000 and 001): one
	// multi-Region trail with global service events and log file validation,
	// encrypted with the CloudTrail key, delivering to the Log Archive bucket
	// and to a CloudWatch Logs group, and logging. A trail stopped by hand is
	// drift that apply starts again.
	//
	// CreateTrail is not idempotent (AWS answers TrailAlreadyExistsException;
	// moto 5.2.5 silently replaces the trail with one built from the new
	// arguments alone), so apply looks the trail up first and updates one that
	// exists. UpdateTrail and StartLogging are idempotent.
	//
	// Event selectors are left alone: a new trail logs all management events
	// by default, and a trail whose selectors were narrowed by hand is noted,
	// not changed.
	KindTrail = "trail"

	// KindLogGroup manages the CloudWatch Logs log groups of the logging layer
	// (the organization trail's, guidance 001): the group and its retention.
	// Creating an existing group is taken as success and retention is a put,
	// so applying a change again is harmless.
	KindLogGroup = "log-group"

	// KindRole manages the IAM roles the logging layer needs (CloudTrail to
	// CloudWatch Logs, the Config recorder, the organization aggregator): the
	// trust policy, the managed policies groundwork attaches and the inline
	// policies it puts. Other policies on the role are left alone.
	KindRole = "role"

	// KindRecorder turns AWS Config on in one account and Region: the
	// configuration recorder (all supported resources; global resources only
	// in the home Region), the delivery channel to the central bucket, and
	// recording started. Every call is a put, so the change is idempotent.
	KindRecorder = "config-recorder"

	// KindConfigRule puts an AWS managed Config rule (guidance 000 and 003).
	// A rule named "org/NAME" is an organization Config rule NAME, put once
	// from the rule's account (the Config delegated administrator, or the
	// management account) and deployed by AWS to every member account; any
	// other rule is put in its own account and Region. Both are puts that
	// create or update by name, so the change is idempotent. Rules outside
	// the spec are left alone.
	KindConfigRule = "config-rule"

	// KindAggregator puts the organization-wide Config aggregator (guidance
	// 000): every account and Region of the organization, read through the
	// aggregator role. PutConfigurationAggregator creates or updates by name,
	// so the change is idempotent.
	KindAggregator = "config-aggregator"
)

// The monitoring layer.
const (
	// KindTopic manages the security notification topic (guidance 000, 001,
	// 003): the topic, its access policy and the e-mail subscriptions the spec
	// lists. CreateTopic returns the existing topic of that name, the policy
	// is a put, and an address is subscribed only when the topic has no
	// subscription for it yet (pending ones included), so applying a change
	// again sends no second confirmation e-mail. Subscriptions the spec does
	// not list are left alone.
	//
	// An e-mail subscription delivers nothing until someone follows the link
	// in the confirmation message AWS sends; the plan notes each one still
	// pending, and the audit reports a topic without a confirmed subscription.
	KindTopic = "topic"

	// KindMetricFilter manages the metric filters on the organization trail's
	// log group: each counts the events that match a pattern of the
	// filter-pattern library as a metric (value 1 per match, no default value,
	// guidance 000). PutMetricFilter replaces a filter of the same name on
	// AWS; apply reads the filter first and writes only when it differs,
	// because moto 5.2.5 appends a second filter of the same name instead.
	KindMetricFilter = "metric-filter"

	// KindAlarm manages the CloudWatch alarms on the metric filters' metrics
	// (guidance 000: Sum over 5 minutes, static threshold >= 1), each
	// notifying the security topic. PutMetricAlarm creates or replaces the
	// alarm of that name, so the change is idempotent.
	KindAlarm = "alarm"

	// KindEventRule manages EventBridge rules on the default event bus and
	// the targets groundwork gives them: the root sign-in rule of guidance
	// 001, which notifies the security topic. PutRule and PutTargets create or
	// replace by name and target ID, so the change is idempotent. Targets the
	// spec does not name are left alone.
	KindEventRule = "event-rule"
)

// The billing layer.
const (
	// KindBillingTopic manages the billing SNS topic of the management account
	// (guidance 003: a topic for budget notifications with the billing
	// distribution list subscribed; 001: someone must subscribe): the topic,
	// its policy (AWS Budgets and CloudWatch alarms of the account may
	// publish), and an e-mail subscription per subscriber. CreateTopic returns
	// the existing topic of a name and SetTopicAttributes is a put, so the
	// change is idempotent. Subscribing an address that has a subscription
	// already, confirmed or pending, is left out: SNS would send a pending
	// one another confirmation e-mail. Subscriptions outside the spec are
	// left alone and noted; groundwork never unsubscribes anyone.
	KindBillingTopic = "billing-topic"

	// KindBudget manages the cost budgets of the spec (guidance 003: budgets
	// with notifications when forecasted spending exceeds the budget): the
	// limit, and notifications whose one subscriber is the billing topic.
	//
	// A new budget is made with its notifications in one CreateBudget call.
	// Changes to a budget are UpdateBudget for the limit, CreateNotification
	// and DeleteNotification for notifications the spec adds or drops (a
	// notification is known by its trigger: type, comparison, threshold), and
	// CreateSubscriber and DeleteSubscriber for a notification's
	// subscribers. The budget is groundwork's, named by the spec, so a
	// notification on it the spec does not list is removed. Budgets the spec
	// does not name are left alone.
	//
	// moto 5.2 lacks UpdateBudget, CreateSubscriber, DeleteSubscriber and
	// DescribeSubscribersForNotification; the kinds tests cover them with a
	// fake. Where the inventory could not read a notification's subscribers
	// they are not compared, and the plan says so.
	KindBudget = "budget"

	// KindBillingAlarm manages the estimated-charges alarm of guidance 001: a
	// CloudWatch alarm in us-east-1, where AWS publishes the AWS/Billing
	// EstimatedCharges metric, that notifies the billing topic of that
	// Region. PutMetricAlarm creates or replaces an alarm by name, so the
	// change is idempotent. AWS publishes the metric only after the
	// management account turns on "Receive CloudWatch Billing Alerts" in its
	// Billing preferences, which no API does: the plan says so.
	KindBillingAlarm = "billing-alarm"

	// KindCostReport manages the Cost and Usage Report of guidance 000
	// ("Setup Cost and Usage Reports"): hourly, with resource IDs, in Parquet
	// with the Amazon Athena integration, delivered under a prefix of the
	// report bucket. PutReportDefinition creates it and
	// ModifyReportDefinition replaces it, so the change is idempotent; a
	// report made since the plan read the account is modified instead.
	// Reports the spec does not name are left alone. moto 5.2 has no Cost and
	// Usage Report API: the kinds tests cover it with a fake.
	KindCostReport = "cost-report"

	// KindCostReportBucket manages the bucket the report is delivered to, in
	// the management account (AWS delivers a report only to a bucket of the
	// account that defines it): the policy that lets the billing reports
	// service check it and write, default encryption (SSE-S3) and the public
	// access block. The policy put replaces any other on the bucket. Its
	// lifecycle is left as it is. It is a bucket like the log buckets and
	// applies the same way (see KindBucket); its own kind keeps it in the
	// billing layer.
	KindCostReportBucket = "cost-report-bucket"

	// KindCostAllocationTags activates the tagging dictionary's keys as cost
	// allocation tags in the management account (guidance 000 "Enable Cost
	// Allocation Tags"), so that Cost Explorer and the Cost and Usage Report
	// break costs down by them. AWS can activate a user-defined key only
	// after it has seen it on a resource (up to 24 hours after tagging): such
	// keys are noted, not planned, and a later apply activates them. Apply
	// reads the keys' status again first and activates those still inactive;
	// activating an active key changes nothing, so the change is idempotent.
	// groundwork never deactivates a tag. moto 5.2 has no cost allocation tag
	// API: the kinds tests cover it with a fake.
	KindCostAllocationTags = "cost-allocation-tags"
)

// The hardening layer.
const (
	// KindPasswordPolicy sets the IAM account password policy of one account
	// (guidance 000 "Configure IAM password policy", 002 IAM-030).
	// UpdateAccountPasswordPolicy replaces the whole policy, so the change is
	// idempotent.
	KindPasswordPolicy = "password-policy"

	// KindAccountPublicAccessBlock turns account-level S3 Block Public Access
	// on (all four settings) in one account (guidance 000 "Set Amazon S3
	// public block access in accounts"). PutPublicAccessBlock replaces the
	// configuration, so the change is idempotent. Accounts the spec exempts
	// are left alone, whatever their setting.
	KindAccountPublicAccessBlock = "account-public-access-block"

	// KindDefaultVPC deletes the default VPC of one account and Region
	// (guidance 000 "Delete default network resources": a public subnet in
	// every Availability Zone and an internet gateway that nobody asked for).
	// It is only ever a delete, planned when hardening.delete_default_vpcs is
	// on and only for a VPC without network interfaces: anything running in
	// it (instances, load balancers, Lambda functions, NAT gateways,
	// endpoints) has one, and such a VPC is kept with a plan note. Being a
	// delete, it runs only with --allow-delete.
	KindDefaultVPC = "default-vpc"

	// KindManagementIAMUser deletes an IAM user of the management account
	// (guidance 000 "Remove unnecessary IAM users": people sign in through
	// IAM Identity Center). It is planned only with
	// hardening.management_iam_users: delete, never for a break-glass user
	// the spec lists nor for the user groundwork runs as, and runs only with
	// --allow-delete. With report (the default) users are plan notes and
	// audit findings.
	KindManagementIAMUser = "management-iam-user"
)
