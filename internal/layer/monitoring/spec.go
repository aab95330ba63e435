package monitoring

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"
	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/layer/orglayer"
	"github.com/groundwork-aws/groundwork/internal/policy"
	"github.com/groundwork-aws/groundwork/internal/spec"
)

// SpecKey is the section of foundation.yaml Spec is read from.
const SpecKey = "monitoring"

func init() {
	spec.RegisterSection(spec.SectionType{Key: SpecKey, Order: 500,
		New:     func() spec.Section { return &Spec{} },
		Starter: starter})
}

// SpecOf returns the monitoring section of f, defaults applied.
func SpecOf(f *spec.Foundation) *Spec { return f.Section(SpecKey).(*Spec) }

// Spec is the monitoring section: the alerting layer (guidance 000 "Configure management
// account alerting", 001, 003 "Logging and Auditing"): a security topic
// that distribution lists subscribe to, a metric filter and an alarm on
// the organization trail's log group for each pattern of the filter-pattern
// library, and an EventBridge rule for root sign-ins. A spec that does not
// write it gets none; `monitoring: {}` takes every default. It watches the
// trail's CloudWatch Logs group, so it needs the logging layer with
// logging.trail.cloudwatch_logs on.
type Spec struct {
	Disabled bool `yaml:"disabled"`
	// Namespace is the CloudWatch namespace of every metric the filters
	// publish; default LogMetrics (guidance 000).
	Namespace     string        `yaml:"namespace"`
	SecurityTopic SecurityTopic `yaml:"security_topic"`
	// Alarms lists the filter-pattern library entries (groundwork filter
	// list) that each get a metric filter and an alarm; default every
	// entry. An empty list deploys none.
	Alarms []string `yaml:"alarms"`
	// RootLoginRule adds the EventBridge rule of guidance 001 that
	// notifies the security topic of every root sign-in to the management
	// account; default true.
	RootLoginRule *bool `yaml:"root_login_rule"`
}

// SecurityTopic is the SNS topic every alarm and rule notifies.
type SecurityTopic struct {
	Name string `yaml:"name"`
	// Subscribers are e-mail addresses, distribution lists rather than a
	// person's mailbox (guidance 003); default the management account's
	// security contact, [management account name]-security@domain.
	Subscribers []string `yaml:"subscribers"`
}

// Names and settings of what the monitoring layer creates.
const (
	DefaultMetricNamespace = "LogMetrics" // guidance 000
	DefaultSecurityTopic   = "groundwork-security-notifications"
	RootLoginRuleName      = "groundwork-root-sign-in"
	// RootSignInRegion is where the root sign-in rule lives. CloudTrail
	// records every root user ConsoleLogin in us-east-1 (CloudTrail User
	// Guide, "AWS Management Console sign-in events"), and EventBridge
	// sees a CloudTrail event only in the Region it is recorded in, so a
	// rule in any other home Region would never fire.
	RootSignInRegion = "us-east-1"
	// Alarm settings of guidance 000: Sum over 5 minutes, >= 1, one period.
	alarmPeriod     = 300
	alarmThreshold  = 1
	alarmStatistic  = "Sum"
	alarmComparison = "GreaterThanOrEqualToThreshold"
	// The filters publish only when an event matches, so a period without
	// data is a period without a match: notBreaching keeps the alarm OK
	// instead of INSUFFICIENT_DATA.
	alarmMissingData  = "notBreaching"
	maxAlarmDesc      = 1024 // PutMetricAlarm AlarmDescription
	filterNameSuffix  = "Filter"
	alarmNameSuffix   = "Alarm"
	rootSignInPattern = "AWS Console Sign In via CloudTrail"
)

var (
	topicNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	// CloudWatch namespaces: 1 to 255 printable characters; metric filters
	// refuse ":", "*" and "$" in them.
	namespaceRE = regexp.MustCompile(`^[\x20-\x7e]{1,255}$`)
)

// Defaults fills the monitoring layer's defaults.
func (m *Spec) Defaults(f *spec.Foundation, written func(string) bool) {
	if !written("monitoring") {
		m.Disabled = true
	}
	if m.Namespace == "" {
		m.Namespace = DefaultMetricNamespace
	}
	if m.SecurityTopic.Name == "" {
		m.SecurityTopic.Name = DefaultSecurityTopic
	}
	if !written("monitoring.security_topic.subscribers") {
		m.SecurityTopic.Subscribers = []string{securityContactEmail(f)}
	}
	if !written("monitoring.alarms") {
		m.Alarms = filterpattern.Names()
	}
	if m.RootLoginRule == nil {
		on := true
		m.RootLoginRule = &on
	}
}

// securityContactEmail is the management account's security contact: the
// one the contacts section gives it, or the convention
// [account-name]-security@domain (guidance 000, as
// orglayer.ResolveContacts).
func securityContactEmail(f *spec.Foundation) string {
	name := f.Organization.Management.Name
	if c, ok := orglayer.ResolveContacts(f, name, nil)[estate.ContactSecurity]; ok {
		return c.Email
	}
	return fmt.Sprintf("%s-security@%s", name, f.Organization.EmailDomain)
}

// Validate checks the monitoring layer when the spec builds it, and that
// the logging layer gives it the trail's log group to watch.
func (m *Spec) Validate(f *spec.Foundation, v *spec.Validator) {
	if m.Disabled {
		return
	}
	l := logging.SpecOf(f)
	switch {
	case l.Disabled:
		v.At("monitoring", "the monitoring layer's metric filters watch the organization trail's log group, so it needs the logging layer: "+
			"write a logging section (`logging: {}` takes the defaults; logging.disabled must not be true) or set monitoring.disabled: true")
	case l.Trail.CloudWatchLogs != nil && !*l.Trail.CloudWatchLogs:
		v.At("monitoring", "the monitoring layer's metric filters watch the organization trail's log group, "+
			"but logging.trail.cloudwatch_logs is false: set it to true or set monitoring.disabled: true")
	}
	if strings.ContainsAny(m.Namespace, ":*$") || !namespaceRE.MatchString(m.Namespace) || strings.HasPrefix(m.Namespace, "AWS/") {
		v.At("monitoring.namespace", "%q is not a CloudWatch namespace for metric filters: 1 to 255 printable characters without ':', '*' or '$', not starting with AWS/", m.Namespace)
	}
	if !topicNameRE.MatchString(m.SecurityTopic.Name) {
		v.At("monitoring.security_topic.name", "%q is not an SNS topic name: 1 to 256 letters, digits, '-' and '_'", m.SecurityTopic.Name)
	}
	validateSubscribers(v, m.SecurityTopic.Subscribers)
	seen := map[string]bool{}
	for i, name := range m.Alarms {
		p := fmt.Sprintf("monitoring.alarms[%d]", i)
		switch _, known := filterpattern.Lookup(name); {
		case !known:
			v.At(p, "%q is not in the filter-pattern library (groundwork filter list shows it)%s", name, suggestPattern(name))
		case seen[name]:
			v.At(p, "%q is listed twice", name)
		}
		seen[name] = true
	}
}

func validateSubscribers(v *spec.Validator, subs []string) {
	const path = "monitoring.security_topic.subscribers"
	if !v.Written(path) {
		if len(subs) == 1 && !spec.IsEmail(subs[0]) {
			v.At(path, "the default subscriber %q made from the management account name is not an address; list the security distribution list here", subs[0])
		}
		return
	}
	if len(subs) == 0 {
		v.At(path, "the security topic needs at least one subscriber, or nobody hears its alarms (guidance 001): list a security distribution list")
	}
	seen := map[string]bool{}
	for i, s := range subs {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !spec.IsEmail(s):
			v.At(p, "%q is not an e-mail address; subscribers are e-mail distribution lists", s)
		case seen[strings.ToLower(s)]:
			v.At(p, "%q is listed twice", s)
		}
		seen[strings.ToLower(s)] = true
	}
}

// suggestPattern names the library entry a misspelt name most likely
// means, ignoring case first.
func suggestPattern(name string) string {
	for _, n := range filterpattern.Names() {
		if strings.EqualFold(n, name) {
			return fmt.Sprintf(" (did you mean %q?)", n)
		}
	}
	return spec.Suggest(name, filterpattern.Names())
}

// Desired sets the monitoring layer the spec asks for: all of
// it in the trail's account and home Region, where the trail's log group
// is, except the root sign-in rule, which lives in the management account
// in RootSignInRegion with a copy of the security topic beside it when
// that is another place (EventBridge targets a topic of its own Region).
func (m *Spec) Desired(f *spec.Foundation, e *estate.Estate) { e.Monitoring = m.desired(f) }

func (m *Spec) desired(f *spec.Foundation) *estate.Monitoring {
	l := logging.SpecOf(f)
	if m.Disabled || l.Disabled || l.Trail.CloudWatchLogs == nil || !*l.Trail.CloudWatchLogs {
		return nil
	}
	out := estate.NewMonitoring()
	at := f.Where(l.Trail.Account, f.Organization.HomeRegion)
	topic := m.securityTopic(out, at)
	out.Expected.LogGroup = estate.Placement{Where: at, Name: l.Trail.LogGroup}
	for _, name := range m.Alarms {
		entry, ok := filterpattern.Lookup(name)
		if !ok {
			continue // refused by validation
		}
		filter := &estate.MetricFilter{Where: at, LogGroup: l.Trail.LogGroup, Name: name + filterNameSuffix,
			Pattern: entry.Pattern, Namespace: m.Namespace, MetricName: name}
		out.MetricFilters[at.Key(estate.FilterKey(filter.LogGroup, filter.Name))] = filter
		alarm := &estate.Alarm{Where: at, Name: name + alarmNameSuffix, Description: alarmDescription(entry),
			Namespace: m.Namespace, MetricName: name, Statistic: alarmStatistic, Period: alarmPeriod,
			Threshold: alarmThreshold, Comparison: alarmComparison, EvaluationPeriods: 1,
			TreatMissingData: alarmMissingData, ActionsEnabled: true, AlarmActions: []string{topic.ARN}}
		out.Alarms[at.Key(alarm.Name)] = alarm
		out.Expected.Patterns = append(out.Expected.Patterns, name)
	}
	if *m.RootLoginRule {
		rw := f.Where(estate.ManagementKey, RootSignInRegion)
		target := m.securityTopic(out, rw)
		rule := &estate.EventRule{Where: rw, Name: RootLoginRuleName,
			Description:  "groundwork: notify the security topic of every root user console sign-in (guidance 001)",
			EventPattern: rootSignInEventPattern(), State: "ENABLED", Targets: []string{target.ARN}}
		out.EventRules[rw.Key(rule.Name)] = rule
		out.Expected.Rules = append(out.Expected.Rules, estate.Placement{Where: rw, Name: rule.Name})
	}
	return out
}

// securityTopic returns the security topic at w, adding it to out first
// when it is not there yet.
func (m *Spec) securityTopic(out *estate.Monitoring, w estate.Where) *estate.Topic {
	name := m.SecurityTopic.Name
	if t, ok := out.Topics[w.Key(name)]; ok {
		return t
	}
	arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", w.Region, estate.AccountIDRef(w.Account), name)
	t := &estate.Topic{Where: w, Name: name, ARN: arn, Policy: securityTopicPolicy(arn, w)}
	for _, s := range m.SecurityTopic.Subscribers {
		t.Subscriptions = append(t.Subscriptions, estate.Subscription{Protocol: "email", Endpoint: s})
	}
	estate.SortSubscriptions(t.Subscriptions)
	out.Topics[w.Key(name)] = t
	out.Expected.Topics = append(out.Expected.Topics, estate.Placement{Where: w, Name: name})
	return t
}

// securityTopicPolicy lets the topic's account administer it and the
// services that notify it publish, each only on behalf of that account
// (aws:SourceAccount guards against the confused deputy): CloudWatch
// alarms, EventBridge rules and AWS Budgets, which the billing layer's
// notifications may use.
func securityTopicPolicy(arn string, w estate.Where) string {
	onBehalf := map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": estate.AccountIDRef(w.Account)}}
	publish := func(sid, principal string) policy.Grant {
		return policy.Grant{"Sid": sid, "Effect": "Allow", "Principal": policy.ServicePrincipal(principal),
			"Action": "sns:Publish", "Resource": arn, "Condition": onBehalf}
	}
	return policy.Compose(
		policy.Grant{"Sid": "TopicOwner", "Effect": "Allow", "Principal": policy.AccountPrincipal(estate.AccountIDRef(w.Account)),
			"Action": []string{"sns:AddPermission", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic",
				"sns:Publish", "sns:RemovePermission", "sns:SetTopicAttributes", "sns:Subscribe"},
			"Resource": arn},
		publish("CloudWatchAlarms", "cloudwatch.amazonaws.com"),
		publish("EventBridgeRules", "events.amazonaws.com"),
		publish("BudgetNotifications", "budgets.amazonaws.com"),
	)
}

// rootSignInEventPattern matches the console sign-ins of the root user,
// as guidance 001's RootLoginEventRule does.
func rootSignInEventPattern() string {
	b, err := json.Marshal(map[string]any{
		"detail-type": []string{rootSignInPattern},
		"detail":      map[string]any{"userIdentity": map[string]any{"type": []string{"Root"}}},
	})
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return string(b)
}

// alarmDescription says what the alarm watches and where the guidance
// asks for it, within the limit of PutMetricAlarm.
func alarmDescription(e filterpattern.Entry) string {
	d := fmt.Sprintf("groundwork (%s): %s", strings.Join(e.Guidance, "; "), e.Description)
	if len(d) > maxAlarmDesc {
		d = d[:maxAlarmDesc-3] + "..."
	}
	return d
}

// starter is the monitoring section of `groundwork init`: the security
// topic's subscriber follows the management account's naming.
func starter(opts spec.StarterOptions) string {
	return `# Alerting (guidance 000, 001 and 003): a metric filter and an alarm on
# the trail's log group for each pattern of groundwork's filter-pattern
# library (groundwork filter list: root user activity, console sign-ins,
# access-denied errors and CIS AWS Foundations Benchmark 4.1 to 4.15), all
# notifying one security topic, and an EventBridge rule for root sign-ins.
# It watches the trail's log group, so logging.trail.cloudwatch_logs must
# stay true. AWS e-mails each subscriber a confirmation link; until someone
# follows it, groundwork audit counts the alarms as missing, as CIS does.
monitoring:
  # CloudWatch namespace of the filters' metrics (guidance 000).
  namespace: LogMetrics
  security_topic:
    name: groundwork-security-notifications
    # Distribution lists, never a person's mailbox (guidance 003).
    subscribers: [aws-management-account-` + opts.OrgID + `-security@` + opts.Domain + `]
  # The library patterns to alarm on; leave it out for every one, for
  # example: alarms: [RootUserActivity, ConsoleSignIn, AccessDenied]
  # The rule lives in us-east-1, where CloudTrail records every root
  # sign-in.
  root_login_rule: true
`
}
