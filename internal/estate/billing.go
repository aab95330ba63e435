package estate

import (
	"sort"
	"strconv"
)

// BillingRegion is where the Billing and Cost Management APIs answer
// (Budgets, the Cost and Usage Report API, Cost Explorer) and where AWS
// publishes the AWS/Billing EstimatedCharges metric: us-east-1 only.
const BillingRegion = "us-east-1"

// Billing is the billing layer, all in the management account (guidance
// 000, 001 and 003): the billing SNS topic the budgets and the billing
// alarm notify, the budgets with their notifications, the EstimatedCharges
// alarm, the Cost and Usage Report with its bucket, and the tagging
// dictionary's keys activated as cost allocation tags.
//
// In an actual estate a nil map is a part that was not read: not asked
// for, or unreadable (Unread says why); an empty one was read and holds
// nothing. Budgets, Alarms and Reports hold everything the management
// account has of their kind, groundwork's or not, so that the audit judges
// the account; the other parts hold what the desired layer names.
type Billing struct {
	// Topics by Where.Key(name): the billing topic in the home Region,
	// and a copy in BillingRegion when the billing alarm needs one there
	// (CloudWatch notifies only topics in the alarm's own Region).
	Topics map[string]*BillingTopic
	// Budgets by name.
	Budgets map[string]*Budget
	// Alarms on AWS/Billing EstimatedCharges in BillingRegion, by name.
	Alarms map[string]*BillingAlarm
	// Reports are Cost and Usage Report definitions by name.
	Reports map[string]*CostReport
	// ReportBucket is the bucket the Cost and Usage Report is delivered
	// to: nil when not wanted (desired), or absent or not read (actual).
	ReportBucket *Bucket
	// CostAllocationTags maps tag keys of the tagging dictionary to their
	// cost allocation tag status: CostTagActive, CostTagInactive, or
	// CostTagUnseen for a key billing has not seen on any resource yet.
	CostAllocationTags map[string]string
	// TagDictionary says, in an actual estate, that the spec gave the
	// tagging dictionary whose keys CostAllocationTags was read for;
	// without one nothing says which keys should be active.
	TagDictionary bool `json:",omitempty"`
	// BillingAlerts says, in an actual estate, whether AWS publishes the
	// AWS/Billing EstimatedCharges metric in BillingRegion, which it does
	// only while the account receives CloudWatch billing alerts (a
	// Billing preference); nil when not read.
	BillingAlerts *bool `json:",omitempty"`
	// Unread names, in an actual estate, the parts or details the
	// inventory could not read and why, for plan notes and warnings.
	Unread []string
}

// Statuses of a cost allocation tag.
const (
	CostTagActive   = "Active"
	CostTagInactive = "Inactive"
	// CostTagUnseen is a key Cost Explorer does not list: AWS knows a
	// user-defined tag key only once it has appeared on a resource, and
	// cannot activate it before.
	CostTagUnseen = "Unseen"
)

// NewBilling returns a billing layer with its topic and budget maps made;
// the optional parts stay nil.
func NewBilling() *Billing {
	return &Billing{Topics: map[string]*BillingTopic{}, Budgets: map[string]*Budget{}, Alarms: map[string]*BillingAlarm{}}
}

// BillingTopic is an SNS topic that billing notifications go to.
type BillingTopic struct {
	Where
	Name string
	ARN  string
	// Policy is the topic's access policy (JSON).
	Policy string
	// Subscriptions are sorted by protocol, then endpoint.
	Subscriptions []BillingSubscription
	Exists        bool
}

// BillingSubscription is a subscription to a billing topic.
type BillingSubscription struct {
	Protocol string // "email"
	Endpoint string
	// Confirmed is false for a subscription still pending confirmation
	// (actual only).
	Confirmed bool
}

// Budget is an AWS Budgets budget of the management account.
type Budget struct {
	Name     string
	Type     string // COST, USAGE, ...
	TimeUnit string // MONTHLY, ...
	// Limit is the amount as AWS prints it, normalized ("1000", not
	// "1000.0"); LimitUnit its unit ("USD").
	Limit     string
	LimitUnit string
	// Notifications are sorted by Key; nil when not read.
	Notifications []BudgetNotification
}

// BudgetNotification is one notification of a budget.
type BudgetNotification struct {
	Type          string // ACTUAL or FORECASTED
	Comparison    string // GREATER_THAN, ...
	Threshold     float64
	ThresholdType string // PERCENTAGE or ABSOLUTE_VALUE
	// Subscribers are sorted by type, then address; nil when not read.
	Subscribers []BudgetSubscriber
}

// BudgetSubscriber is who a budget notification goes to.
type BudgetSubscriber struct {
	Type    string // SNS or EMAIL
	Address string // topic ARN or e-mail address
}

// BillingAlarm is a CloudWatch alarm on the estimated charges.
type BillingAlarm struct {
	Where
	Name       string
	ARN        string
	Statistic  string
	Period     int // seconds
	Evaluation int // evaluation periods
	Threshold  float64
	Comparison string
	// Currency is the value of the Currency dimension.
	Currency       string
	Actions        []string // alarm actions, sorted
	ActionsEnabled bool
}

// CostReport is a Cost and Usage Report definition.
type CostReport struct {
	Name        string
	TimeUnit    string // HOURLY, DAILY, MONTHLY
	Format      string // Parquet or textORcsv
	Compression string
	// Schema and Artifacts are sorted: additional schema elements
	// (RESOURCES, ...) and artifacts (ATHENA, REDSHIFT, QUICKSIGHT).
	Schema       []string
	Artifacts    []string
	Bucket       string
	Prefix       string
	BucketRegion string
	Versioning   string // OVERWRITE_REPORT or CREATE_NEW_REPORT
	// RefreshClosed says AWS updates the report of a closed month when
	// refunds, credits or support fees arrive after it.
	RefreshClosed bool
}

// Key identifies a notification within its budget: what triggers it.
// Subscribers are not part of it.
func (n BudgetNotification) Key() string {
	return n.Type + "/" + n.Comparison + "/" + FormatAmount(n.Threshold) + "/" + n.ThresholdType
}

// FormatAmount renders an amount or threshold the way the billing layer
// compares them: no trailing zeros, no exponent ("1000", "80.5").
func FormatAmount(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// SortedBudgets returns the budgets ordered by name.
func (b *Billing) SortedBudgets() []*Budget {
	out := make([]*Budget, 0, len(b.Budgets))
	for _, x := range b.Budgets {
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
