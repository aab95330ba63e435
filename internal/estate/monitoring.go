package estate

import "sort"

// Monitoring is the monitoring layer (guidance 000, 001 and 003): the
// security notification topic and its e-mail subscriptions, a metric
// filter and an alarm on the organization trail's log group for each
// selected pattern of the filter-pattern library, and the EventBridge
// rule that reports root sign-ins. Resources are keyed by Where.Key of
// their name; metric filters by Where.Key(FilterKey(log group, name)).
type Monitoring struct {
	Topics        map[string]*Topic
	MetricFilters map[string]*MetricFilter
	Alarms        map[string]*Alarm
	EventRules    map[string]*EventRule
	// LogGroups are, in an actual layer the audit surveyed, the log groups
	// that multi-Region trails that are logging deliver to and whose
	// metric filters were read, by Where.Key(name): every filter on them
	// is in MetricFilters, and every metric alarm at their place on one of
	// those filters' metrics is in Alarms. A group that does not exist is
	// here without filters. Nil when not surveyed.
	LogGroups map[string]Placement `json:",omitempty"`
	// AbsentTopics are, in an actual layer the audit surveyed, the ARNs
	// of topics an alarm or a root sign-in rule notifies that were looked
	// for and do not exist, sorted. A notified topic neither here nor in
	// Topics was not read (its account is outside the audit).
	AbsentTopics []string `json:",omitempty"`
	// Expected is what the spec asks of the layer. A desired layer
	// states it; the inventory copies it onto the actual layer it reads,
	// so that the audit can tell a missing resource from one nobody asked
	// for without reading the spec itself.
	Expected MonitoringExpected
}

// MonitoringExpected names what a monitoring layer should hold.
type MonitoringExpected struct {
	// Topics are the security topic in every place something notifies it:
	// the alarms' account and home Region, and the root sign-in rule's.
	Topics []Placement
	// Patterns are the names of the filter-pattern library entries that
	// each need a metric filter and an alarm.
	Patterns []string
	// LogGroup is the log group the metric filters watch.
	LogGroup Placement
	// Rules are the root sign-in EventBridge rules; empty when not wanted.
	Rules []Placement
}

// Placement is a named resource in an account and Region.
type Placement struct {
	Where
	Name string
}

// NewMonitoring returns an empty monitoring layer.
func NewMonitoring() *Monitoring {
	return &Monitoring{Topics: map[string]*Topic{}, MetricFilters: map[string]*MetricFilter{},
		Alarms: map[string]*Alarm{}, EventRules: map[string]*EventRule{}}
}

// Topic is an SNS topic and its subscriptions.
type Topic struct {
	Where
	Name string
	// ARN is the topic's ARN; in a desired layer it holds an account
	// reference (arn:aws:sns:REGION:${account-id:KEY}:NAME).
	ARN    string
	Policy string // JSON; "" when not read or not managed
	// Subscriptions are sorted by protocol, then endpoint.
	Subscriptions []Subscription
}

// Subscription is one subscription of a topic. A desired layer leaves ARN
// empty.
type Subscription struct {
	Protocol string // "email"
	Endpoint string // the address
	ARN      string
	// Pending is true while the endpoint has not confirmed: SNS reports
	// such a subscription with the ARN "PendingConfirmation", and delivers
	// nothing to it.
	Pending bool
}

// PendingConfirmation is the SubscriptionArn SNS reports for a
// subscription that waits for its endpoint to confirm.
const PendingConfirmation = "PendingConfirmation"

// Confirmed reports whether the topic has a subscription that receives
// messages.
func (t *Topic) Confirmed() bool {
	for _, s := range t.Subscriptions {
		if !s.Pending {
			return true
		}
	}
	return false
}

// SortSubscriptions orders subscriptions by protocol, then endpoint.
func SortSubscriptions(subs []Subscription) {
	sort.Slice(subs, func(i, j int) bool {
		if subs[i].Protocol != subs[j].Protocol {
			return subs[i].Protocol < subs[j].Protocol
		}
		return subs[i].Endpoint < subs[j].Endpoint
	})
}

// MetricFilter is a CloudWatch Logs metric filter that counts matching
// events as a metric (value 1 per match, no default value).
type MetricFilter struct {
	Where
	LogGroup   string
	Name       string
	Pattern    string
	Namespace  string
	MetricName string
	// Copies is how many filters of this name the log group holds (1, or
	// 0 for a desired filter). AWS keeps one per name; moto keeps every
	// PutMetricFilter, so a retried create shows here as 2.
	Copies int `json:",omitempty"`
}

// FilterKey is the name part of a metric filter's key: filter names are
// unique per log group only. Neither name may contain ":".
func FilterKey(logGroup, name string) string { return logGroup + ":" + name }

// Alarm is a CloudWatch metric alarm on one metric.
type Alarm struct {
	Where
	Name              string
	Description       string
	Namespace         string
	MetricName        string
	Statistic         string // "Sum"
	Period            int    // seconds
	Threshold         float64
	Comparison        string // "GreaterThanOrEqualToThreshold"
	EvaluationPeriods int
	TreatMissingData  string // "notBreaching"
	ActionsEnabled    bool
	AlarmActions      []string // topic ARNs, sorted
}

// EventRule is an EventBridge rule on the default event bus and the ARNs
// it targets.
type EventRule struct {
	Where
	Name         string
	Description  string
	EventPattern string   // JSON
	State        string   // ENABLED or DISABLED
	Targets      []string // target ARNs, sorted
}

// TopicByARN returns the topic with the ARN, or nil.
func (m *Monitoring) TopicByARN(arn string) *Topic {
	for _, t := range m.Topics {
		if t.ARN != "" && t.ARN == arn {
			return t
		}
	}
	return nil
}
