package billing

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// SpecKey is the section of foundation.yaml Spec is read from.
const SpecKey = "billing"

func init() {
	// The starter leaves billing out: a budget needs an amount only its
	// owner knows. After contacts, whose billing contact it notifies.
	spec.RegisterSection(spec.SectionType{Key: SpecKey, Order: 800,
		New: func() spec.Section { return &Spec{} }})
}

// SpecOf returns the billing section of f, defaults applied.
func SpecOf(f *spec.Foundation) *Spec { return f.Section(SpecKey).(*Spec) }

// Spec is the billing section: the billing layer, all in the management account (guidance
// 000 "Enabling foundational cost observability" and "Enable Cost
// Allocation Tags", 001 "Budget alarm", 003 "Billing and Cost
// Monitoring"). It is built when the spec writes a billing section;
// `billing: {}` takes every default: the billing topic, the hourly Cost
// and Usage Report and the cost allocation tags. The budget and the
// billing alarm need an amount, so they are built when written.
type Spec struct {
	Disabled bool             `yaml:"disabled"`
	Topic    BillingTopicSpec `yaml:"topic"`
	// Budget is the monthly cost budget; nil (the default) builds none.
	Budget *BudgetSpec `yaml:"budget"`
	// BillingAlarm is the EstimatedCharges alarm; nil builds none.
	BillingAlarm *BillingAlarmSpec `yaml:"billing_alarm"`
	CUR          CostReportSpec    `yaml:"cur"`
	// CostAllocationTags activates the tagging dictionary's keys
	// (tagging.required and tagging.values) as cost allocation tags;
	// default true.
	CostAllocationTags *bool `yaml:"cost_allocation_tags"`
}

// BillingTopicSpec is the SNS topic budgets and the billing alarm notify.
type BillingTopicSpec struct {
	Name string `yaml:"name"`
	// Subscribers are e-mail addresses subscribed to the topic; default
	// the management account's billing contact (guidance 003: a billing
	// distribution list).
	Subscribers []string `yaml:"subscribers"`
}

// BudgetSpec is a monthly cost budget that notifies the billing topic.
type BudgetSpec struct {
	Name string `yaml:"name"`
	// MonthlyUSD is the budgeted amount in US dollars; required.
	MonthlyUSD int `yaml:"monthly_usd"`
	// ActualPercent notifies when actual spend passes this share of the
	// budget (default 80); ForecastPercent when the forecast for the month
	// does (default 100, guidance 003).
	ActualPercent   *int `yaml:"actual_percent"`
	ForecastPercent *int `yaml:"forecast_percent"`
}

// BillingAlarmSpec is the CloudWatch alarm on the AWS/Billing
// EstimatedCharges metric (guidance 001). AWS publishes the metric only
// once the management account turns on "Receive CloudWatch Billing Alerts"
// in the Billing preferences, a manual step.
type BillingAlarmSpec struct {
	Name         string `yaml:"name"`
	ThresholdUSD int    `yaml:"threshold_usd"`
}

// CostReportSpec is the Cost and Usage Report of guidance 000: hourly,
// with resource IDs, Parquet for the Amazon Athena integration.
type CostReportSpec struct {
	// Enabled defaults to true.
	Enabled *bool  `yaml:"enabled"`
	Name    string `yaml:"name"`
	// Bucket is the S3 bucket the report is delivered to, in the home
	// Region of the management account: AWS delivers a report only to a
	// bucket of the account that made it. Default
	// aws-cur-[management account ID]-[home Region]. groundwork manages
	// its policy, encryption and public access block.
	Bucket string `yaml:"bucket"`
	Prefix string `yaml:"prefix"`
}

// Names and settings of what the billing layer creates.
const (
	DefaultBillingTopic   = "groundwork-billing-notifications"
	DefaultBudgetName     = "groundwork-monthly-cost"
	DefaultBillingAlarm   = "groundwork-estimated-charges"
	DefaultCostReport     = "groundwork-cur-hourly"
	DefaultCostReportPath = "cur-hourly" // guidance 000's report path prefix
	// costReportBucketFormat follows the log buckets' aws-logs-...-[account]-[region].
	costReportBucketFormat = "aws-cur-%s-%s"
	defaultActualPercent   = 80
	defaultForecastPercent = 100
	// maxPercent bounds budget thresholds: past ten times the budget a
	// notification says nothing a smaller one does not.
	maxPercent = 1000
	// Billing alarm settings: AWS updates EstimatedCharges a few times a
	// day, so the alarm takes the maximum over six hours.
	BillingAlarmPeriod     = 21600
	BillingAlarmStatistic  = "Maximum"
	BillingAlarmComparison = "GreaterThanThreshold"
	BillingAlarmCurrency   = "USD"
)

var (
	snsTopicRE   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	budgetNameRE = regexp.MustCompile(`^[^:\\]{1,100}$`)
	alarmNameRE  = regexp.MustCompile(`^[^\x00-\x1f]{1,255}$`)
	reportNameRE = regexp.MustCompile(`^[0-9A-Za-z!\-_.*'()]{1,256}$`)
	reportPathRE = regexp.MustCompile(`^[0-9A-Za-z!\-_.*'()/]{1,256}$`)
	bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	doubleDotsRE = regexp.MustCompile(`\.\.`)
	ipLikeNameRE = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)
)

// Defaults fills the billing layer's defaults.
func (b *Spec) Defaults(f *spec.Foundation, written func(string) bool) {
	if !written("billing") {
		b.Disabled = true
	}
	if b.Topic.Name == "" {
		b.Topic.Name = DefaultBillingTopic
	}
	if len(b.Topic.Subscribers) == 0 && !written("billing.topic.subscribers") {
		b.Topic.Subscribers = []string{billingContact(f)}
	}
	if written("billing.budget") && b.Budget == nil {
		b.Budget = &BudgetSpec{} // `budget:` alone; validation asks for the amount
	}
	if bs := b.Budget; bs != nil {
		if bs.Name == "" {
			bs.Name = DefaultBudgetName
		}
		if bs.ActualPercent == nil {
			p := defaultActualPercent
			bs.ActualPercent = &p
		}
		if bs.ForecastPercent == nil {
			p := defaultForecastPercent
			bs.ForecastPercent = &p
		}
	}
	if written("billing.billing_alarm") && b.BillingAlarm == nil {
		b.BillingAlarm = &BillingAlarmSpec{}
	}
	if a := b.BillingAlarm; a != nil && a.Name == "" {
		a.Name = DefaultBillingAlarm
	}
	if b.CUR.Enabled == nil {
		on := true
		b.CUR.Enabled = &on
	}
	if b.CUR.Name == "" {
		b.CUR.Name = DefaultCostReport
	}
	if b.CUR.Prefix == "" {
		b.CUR.Prefix = DefaultCostReportPath
	}
	if b.CostAllocationTags == nil {
		on := true
		b.CostAllocationTags = &on
	}
}

// billingContact is the management account's billing contact e-mail: the
// one contacts sets, else the convention [account-name]-billing@domain of
// guidance 000.
func billingContact(f *spec.Foundation) string {
	name := f.Organization.Management.Name
	if c, ok := orglayer.ResolveContacts(f, name, nil)[estate.ContactBilling]; ok {
		return c.Email
	}
	return fmt.Sprintf("%s-billing@%s", name, f.Organization.EmailDomain)
}

// Validate checks the billing layer when the spec builds it.
func (b *Spec) Validate(f *spec.Foundation, v *spec.Validator) {
	if b.Disabled {
		return
	}
	if !snsTopicRE.MatchString(b.Topic.Name) {
		v.At("billing.topic.name", "%q is not an SNS topic name: 1 to 256 letters, digits, hyphens and underscores", b.Topic.Name)
	}
	if v.Written("billing.topic.subscribers") && len(b.Topic.Subscribers) == 0 {
		v.At("billing.topic.subscribers", "list at least one address: a topic nobody subscribes to notifies nobody (guidance 001, 003)")
	}
	seen := map[string]bool{}
	for i, s := range b.Topic.Subscribers {
		p := fmt.Sprintf("billing.topic.subscribers[%d]", i)
		switch {
		case !spec.IsEmail(s):
			if v.Written("billing.topic.subscribers") {
				v.At(p, "%q is not an e-mail address", s)
			} else {
				v.At("billing.topic", "the default subscriber %q, the management account's billing contact, is not an e-mail address; set billing.topic.subscribers", s)
			}
		case seen[strings.ToLower(s)]:
			v.At(p, "%q is listed twice", s)
		}
		seen[strings.ToLower(s)] = true
	}
	if bs := b.Budget; bs != nil {
		if !budgetNameRE.MatchString(bs.Name) {
			v.At("billing.budget.name", "%q is not a budget name: 1 to 100 characters without ':' or '\\'", bs.Name)
		}
		if bs.MonthlyUSD <= 0 {
			v.At("billing.budget.monthly_usd", "required: the monthly budget in US dollars, a whole number above 0")
		}
		for _, t := range []struct {
			field string
			value int
		}{{"actual_percent", *bs.ActualPercent}, {"forecast_percent", *bs.ForecastPercent}} {
			if t.value < 1 || t.value > maxPercent {
				v.At("billing.budget."+t.field, "%d is not a share of the budget from 1 to %d (percent)", t.value, maxPercent)
			}
		}
	}
	if a := b.BillingAlarm; a != nil {
		if !alarmNameRE.MatchString(a.Name) {
			v.At("billing.billing_alarm.name", "%q is not an alarm name: 1 to 255 printable characters", a.Name)
		}
		if a.ThresholdUSD <= 0 {
			v.At("billing.billing_alarm.threshold_usd", "required: the estimated monthly charges in US dollars that raise the alarm, a whole number above 0")
		}
	}
	if !*b.CUR.Enabled {
		return
	}
	if !reportNameRE.MatchString(b.CUR.Name) {
		v.At("billing.cur.name", "%q is not a report name: letters, digits and !-_.*'() only", b.CUR.Name)
	}
	if !reportPathRE.MatchString(b.CUR.Prefix) {
		v.At("billing.cur.prefix", "%q is not a report path prefix: letters, digits and !-_.*'()/ only", b.CUR.Prefix)
	}
	if n := b.CUR.Bucket; n != "" && (!bucketNameRE.MatchString(n) || doubleDotsRE.MatchString(n) || ipLikeNameRE.MatchString(n)) {
		v.At("billing.cur.bucket", "%q is not an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens", n)
	}
}

// Desired sets the billing layer the spec asks for, in the
// management account: the topic in the home Region (and in us-east-1 too
// when the billing alarm, which can notify only a topic of its own
// Region, lives elsewhere), the budget, the alarm, the report and its
// bucket, and the dictionary's keys as cost allocation tags.
func (b *Spec) Desired(f *spec.Foundation, e *estate.Estate) { e.Billing = b.desired(f) }

func (b *Spec) desired(f *spec.Foundation) *estate.Billing {
	if b.Disabled {
		return nil
	}
	out := estate.NewBilling()
	home := f.Organization.HomeRegion
	mgmtID := estate.AccountIDRef(estate.ManagementKey)
	topicAt := func(region string) *estate.BillingTopic {
		w := estate.Where{Account: estate.ManagementKey, Region: region}
		if t, ok := out.Topics[w.Key(b.Topic.Name)]; ok {
			return t
		}
		arn := billingTopicARN(region, b.Topic.Name)
		t := &estate.BillingTopic{Where: w, Name: b.Topic.Name, Policy: billingTopicPolicy(arn), Exists: true}
		for _, s := range b.Topic.Subscribers {
			t.Subscriptions = append(t.Subscriptions, estate.BillingSubscription{Protocol: "email", Endpoint: s})
		}
		sort.Slice(t.Subscriptions, func(i, j int) bool { return t.Subscriptions[i].Endpoint < t.Subscriptions[j].Endpoint })
		out.Topics[w.Key(t.Name)] = t
		return t
	}
	topicAt(home)

	if bs := b.Budget; bs != nil {
		sub := []estate.BudgetSubscriber{{Type: "SNS", Address: billingTopicARN(home, b.Topic.Name)}}
		budget := &estate.Budget{Name: bs.Name, Type: "COST", TimeUnit: "MONTHLY",
			Limit: fmt.Sprint(bs.MonthlyUSD), LimitUnit: "USD"}
		for _, n := range []estate.BudgetNotification{
			{Type: "ACTUAL", Threshold: float64(*bs.ActualPercent)},
			{Type: "FORECASTED", Threshold: float64(*bs.ForecastPercent)},
		} {
			n.Comparison, n.ThresholdType, n.Subscribers = "GREATER_THAN", "PERCENTAGE", sub
			budget.Notifications = append(budget.Notifications, n)
		}
		sort.Slice(budget.Notifications, func(i, j int) bool { return budget.Notifications[i].Key() < budget.Notifications[j].Key() })
		out.Budgets[budget.Name] = budget
	}

	if a := b.BillingAlarm; a != nil {
		topic := topicAt(estate.BillingRegion)
		out.Alarms[a.Name] = &estate.BillingAlarm{Where: estate.Where{Account: estate.ManagementKey, Region: estate.BillingRegion},
			Name: a.Name, Statistic: BillingAlarmStatistic, Period: BillingAlarmPeriod, Evaluation: 1,
			Threshold: float64(a.ThresholdUSD), Comparison: BillingAlarmComparison, Currency: BillingAlarmCurrency,
			Actions: []string{billingTopicARN(topic.Region, topic.Name)}, ActionsEnabled: true}
	}

	if *b.CUR.Enabled {
		bucket := b.CUR.Bucket
		if bucket == "" {
			bucket = fmt.Sprintf(costReportBucketFormat, mgmtID, home)
		}
		out.ReportBucket = &estate.Bucket{Where: estate.Where{Account: estate.ManagementKey, Region: home}, Name: bucket,
			Policy: costReportBucketPolicy(bucket), SSE: "AES256", BlockPublicAccess: true, Exists: true}
		out.Reports = map[string]*estate.CostReport{b.CUR.Name: {
			Name: b.CUR.Name, TimeUnit: "HOURLY", Format: "Parquet", Compression: "Parquet",
			Schema: []string{"RESOURCES"}, Artifacts: []string{"ATHENA"},
			Bucket: bucket, Prefix: b.CUR.Prefix, BucketRegion: home,
			// Athena reads one version of the report: AWS requires
			// overwriting it for the Athena integration.
			Versioning: "OVERWRITE_REPORT", RefreshClosed: true,
		}}
	}

	if *b.CostAllocationTags {
		out.CostAllocationTags = map[string]string{}
		for _, k := range f.Tagging.Required {
			out.CostAllocationTags[k] = estate.CostTagActive
		}
		for k := range f.Tagging.Values {
			out.CostAllocationTags[k] = estate.CostTagActive
		}
	}
	return out
}

// billingTopicARN is the ARN of the billing topic in a Region of the
// management account.
func billingTopicARN(region, name string) string {
	return fmt.Sprintf("arn:aws:sns:%s:%s:%s", region, estate.AccountIDRef(estate.ManagementKey), name)
}

// billingTopicPolicy lets the management account manage its topic, and
// AWS Budgets and CloudWatch alarms publish to it on the account's behalf
// only (the confused-deputy conditions of the Budgets and CloudWatch
// guides). It replaces the topic's default policy, whose owner statement
// the first statement restates for the account's principals alone.
func billingTopicPolicy(topicARN string) string {
	id := estate.AccountIDRef(estate.ManagementKey)
	publisher := func(sid, principal, sourceARN string) policy.Grant {
		return policy.Grant{"Sid": sid, "Effect": "Allow", "Principal": policy.ServicePrincipal(principal), "Action": "SNS:Publish", "Resource": topicARN,
			"Condition": map[string]any{
				"StringEquals": map[string]any{"aws:SourceAccount": id},
				"ArnLike":      map[string]any{"aws:SourceArn": sourceARN},
			}}
	}
	return policy.Compose(
		policy.Grant{"Sid": "OwnerManagesTheTopic", "Effect": "Allow", "Principal": policy.AccountPrincipal(id), "Resource": topicARN,
			"Action": []string{"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
				"SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"}},
		publisher("BudgetsPublish", "budgets.amazonaws.com", fmt.Sprintf("arn:aws:budgets::%s:*", id)),
		publisher("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com", fmt.Sprintf("arn:aws:cloudwatch:*:%s:alarm:*", id)),
	)
}

// costReportBucketPolicy is the policy AWS itself puts on a Cost and Usage
// Report bucket (AWS Data Exports guide, "Setting up an Amazon S3
// bucket"): the billing reports service may check the policy and ACL and
// write the report, for reports of the management account only; plus TLS
// only, as on the log buckets.
func costReportBucketPolicy(bucket string) string {
	id := estate.AccountIDRef(estate.ManagementKey)
	cond := map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": id},
		"StringLike":   map[string]any{"aws:SourceArn": fmt.Sprintf("arn:aws:cur:%s:%s:definition/*", estate.BillingRegion, id)},
	}
	return policy.Compose(
		policy.Grant{"Sid": "BillingReportsCheckBucket", "Effect": "Allow", "Principal": policy.ServicePrincipal("billingreports.amazonaws.com"),
			"Action": []string{"s3:GetBucketAcl", "s3:GetBucketPolicy"}, "Resource": "arn:aws:s3:::" + bucket, "Condition": cond},
		policy.Grant{"Sid": "BillingReportsWrite", "Effect": "Allow", "Principal": policy.ServicePrincipal("billingreports.amazonaws.com"),
			"Action": "s3:PutObject", "Resource": "arn:aws:s3:::" + bucket + "/*", "Condition": cond},
		policy.DenyInsecureTransport(bucket),
	)
}
