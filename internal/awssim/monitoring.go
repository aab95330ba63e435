package awssim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The foundation's monitoring, generated in the management account's
// home Region: the trail's log group, a security topic with a confirmed
// subscriber, the root sign-in rule, and metric filters with alarms for
// some of the CIS patterns (not all: an organization that set them up
// by hand before groundwork).
const securityTopic = "groundwork-security-notifications"

// genFilters are the metric filters generated on the trail's log
// group: name, pattern.
var genFilters = [][2]string{
	{"RootUserActivity", `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`},
	{"UnauthorizedApiCalls", `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`},
	{"ConsoleSignInWithoutMfa", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`},
}

func monitored(a *account, region string) bool {
	return a.baselined() && a.management() && region == a.home()
}

func init() {
	generate("logs/groups", func(a *account, region string) map[string]any {
		out := map[string]any{}
		if monitored(a, region) {
			out[trailLogGroup] = logGroup(a.id, region, trailLogGroup, 365)
		}
		return out
	})
	generate("logs/filters", func(a *account, region string) map[string]any {
		out := map[string]any{}
		if !monitored(a, region) {
			return out
		}
		for _, f := range genFilters {
			out[trailLogGroup+"|"+f[0]] = map[string]any{"filterName": f[0], "filterPattern": f[1], "logGroupName": trailLogGroup,
				"creationTime": 1.7e12, "metricTransformations": []any{map[string]any{"metricName": f[0], "metricNamespace": "LogMetrics", "metricValue": "1"}}}
		}
		return out
	})
	generate("cloudwatch/alarms", func(a *account, region string) map[string]any {
		out := map[string]any{}
		if !monitored(a, region) {
			return out
		}
		topic := "arn:aws:sns:" + region + ":" + a.id + ":" + securityTopic
		for _, f := range genFilters {
			out[f[0]] = url.Values{"AlarmName": {f[0]}, "MetricName": {f[0]}, "Namespace": {"LogMetrics"}, "Statistic": {"Sum"},
				"Period": {"300"}, "EvaluationPeriods": {"1"}, "Threshold": {"1"}, "ComparisonOperator": {"GreaterThanOrEqualToThreshold"},
				"TreatMissingData": {"notBreaching"}, "ActionsEnabled": {"true"}, "AlarmActions.member.1": {topic}}
		}
		return out
	})
	generate("sns/topics", func(a *account, region string) map[string]any {
		out := map[string]any{}
		if monitored(a, region) {
			arn := "arn:aws:sns:" + region + ":" + a.id + ":" + securityTopic
			out[arn] = &topic{arn: arn, attrs: map[string]string{}, subs: []subscription{{"email", "aws-management-account-primary-security@example.com", arn + ":sub-1"}}}
		}
		return out
	})
	generate("events/rules", func(a *account, region string) map[string]any {
		out := map[string]any{}
		if monitored(a, region) {
			name := "groundwork-root-sign-in"
			out[name] = map[string]any{"Name": name, "Arn": "arn:aws:events:" + region + ":" + a.id + ":rule/" + name, "State": "ENABLED",
				"EventBusName": "default", "EventPattern": `{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`,
				"sim:targets": []any{map[string]any{"Id": "security-topic", "Arn": "arn:aws:sns:" + region + ":" + a.id + ":" + securityTopic}}}
		}
		return out
	})
	serve("logs", map[string]handler{
		"DescribeLogGroups":     jsonRead(describeLogGroups),
		"CreateLogGroup":        jsonWrite(createLogGroup),
		"PutRetentionPolicy":    jsonWrite(withLogGroup(func(g map[string]any, c *call) { g["retentionInDays"] = c.in["retentionInDays"] })),
		"DeleteRetentionPolicy": jsonWrite(withLogGroup(func(g map[string]any, _ *call) { delete(g, "retentionInDays") })),
		"DescribeMetricFilters": jsonRead(describeMetricFilters),
		"PutMetricFilter":       jsonWrite(putMetricFilter),
	})
	serve("events", map[string]handler{
		"ListRules":         jsonRead(listRules),
		"DescribeRule":      jsonRead(withRule(func(r map[string]any, _ *call) any { return visible(r) })),
		"ListTargetsByRule": jsonRead(withRule(func(r map[string]any, _ *call) any { return map[string]any{"Targets": r["sim:targets"]} })),
		"PutRule":           jsonWrite(putRule),
		"PutTargets":        jsonWrite(withRule(putTargets)),
	})
	serve("monitoring", map[string]handler{
		"DescribeAlarms": queryRead(describeAlarms),
		"PutMetricAlarm": queryWrite(putMetricAlarm),
		"ListMetrics":    queryRead(listMetrics),
	})
	serve("sns", map[string]handler{
		"CreateTopic":              queryWrite(createTopic),
		"GetTopicAttributes":       queryRead(withTopic(topicAttributes)),
		"SetTopicAttributes":       queryWrite(withTopic(setTopicAttribute)),
		"ListSubscriptionsByTopic": queryRead(withTopic(func(t *topic, c *call) string { return subscriptionsXML(t.subs, t.arn, c.account) })),
		"ListSubscriptions":        queryRead(listSubscriptions),
		"Subscribe":                queryWrite(withTopic(subscribe)),
	})
}

func logGroup(account, region, name string, retention int) map[string]any {
	arn := "arn:aws:logs:" + region + ":" + account + ":log-group:" + name
	g := map[string]any{"logGroupName": name, "arn": arn + ":*", "logGroupArn": arn, "creationTime": 1.7e12, "storedBytes": 0}
	if retention > 0 {
		g["retentionInDays"] = retention
	}
	return g
}

func describeLogGroups(a *account, c *call) (any, string) {
	prefix := c.str("logGroupNamePrefix")
	ids := c.strs("logGroupIdentifiers")
	groups := list(a.coll(c.region, "logs/groups"), func(g map[string]any) bool {
		name := g["logGroupName"].(string)
		if len(ids) > 0 {
			for _, id := range ids {
				if id == name || id == g["logGroupArn"] {
					return true
				}
			}
			return false
		}
		return strings.HasPrefix(name, prefix)
	})
	return map[string]any{"logGroups": groups}, ""
}

func createLogGroup(a *account, c *call) (any, string) {
	name := c.str("logGroupName")
	groups := a.coll(c.region, "logs/groups")
	if _, ok := groups[name]; ok {
		return "The specified log group already exists", "ResourceAlreadyExistsException"
	}
	g := logGroup(a.id, c.region, name, 0)
	if k := c.str("kmsKeyId"); k != "" {
		g["kmsKeyId"] = k
	}
	groups[name] = g
	return nil, ""
}

func withLogGroup(f func(g map[string]any, c *call)) jsonOp {
	return func(a *account, c *call) (any, string) {
		g, ok := a.coll(c.region, "logs/groups")[c.str("logGroupName")].(map[string]any)
		if !ok {
			return "The specified log group does not exist.", "ResourceNotFoundException"
		}
		f(g, c)
		return nil, ""
	}
}

func describeMetricFilters(a *account, c *call) (any, string) {
	group, prefix := c.str("logGroupName"), c.str("filterNamePrefix")
	metric, namespace := c.str("metricName"), c.str("metricNamespace")
	filters := list(a.coll(c.region, "logs/filters"), func(f map[string]any) bool {
		if group != "" && f["logGroupName"] != group || !strings.HasPrefix(f["filterName"].(string), prefix) {
			return false
		}
		if metric == "" {
			return true
		}
		for _, t := range f["metricTransformations"].([]any) {
			m := t.(map[string]any)
			if m["metricName"] == metric && (namespace == "" || m["metricNamespace"] == namespace) {
				return true
			}
		}
		return false
	})
	return map[string]any{"metricFilters": filters}, ""
}

func putMetricFilter(a *account, c *call) (any, string) {
	group := c.str("logGroupName")
	if _, ok := a.coll(c.region, "logs/groups")[group]; !ok {
		return "The specified log group does not exist.", "ResourceNotFoundException"
	}
	a.coll(c.region, "logs/filters")[group+"|"+c.str("filterName")] = map[string]any{"filterName": c.str("filterName"),
		"filterPattern": c.str("filterPattern"), "logGroupName": group, "creationTime": float64(time.Now().UnixMilli()),
		"metricTransformations": c.in["metricTransformations"]}
	return nil, ""
}

func listRules(a *account, c *call) (any, string) {
	prefix := c.str("NamePrefix")
	return map[string]any{"Rules": list(a.coll(c.region, "events/rules"), func(r map[string]any) bool {
		return strings.HasPrefix(r["Name"].(string), prefix)
	})}, ""
}

func withRule(f func(r map[string]any, c *call) any) jsonOp {
	return func(a *account, c *call) (any, string) {
		name := c.str("Name")
		if name == "" {
			name = c.str("Rule")
		}
		r, ok := a.coll(c.region, "events/rules")[name].(map[string]any)
		if !ok {
			return "Rule " + name + " does not exist.", "ResourceNotFoundException"
		}
		return f(r, c), ""
	}
}

func putRule(a *account, c *call) (any, string) {
	name := c.str("Name")
	rules := a.coll(c.region, "events/rules")
	r, _ := rules[name].(map[string]any)
	if r == nil {
		r = map[string]any{"Name": name, "Arn": "arn:aws:events:" + c.region + ":" + a.id + ":rule/" + name, "EventBusName": "default",
			"State": "ENABLED", "sim:targets": []any{}}
		rules[name] = r
	}
	for _, k := range []string{"EventPattern", "State", "Description", "ScheduleExpression"} {
		if v, ok := c.in[k]; ok {
			r[k] = v
		}
	}
	return map[string]any{"RuleArn": r["Arn"]}, ""
}

func putTargets(r map[string]any, c *call) any {
	targets, _ := r["sim:targets"].([]any)
	for _, t := range c.in["Targets"].([]any) {
		id := t.(map[string]any)["Id"]
		kept := targets[:0:0]
		for _, old := range targets {
			if old.(map[string]any)["Id"] != id {
				kept = append(kept, old)
			}
		}
		targets = append(kept, t)
	}
	r["sim:targets"] = targets
	return map[string]any{"FailedEntryCount": 0, "FailedEntries": []any{}}
}

// A query operation answers the inside of its result, or an error code.
type queryOp func(a *account, c *call) (result, code string)

func queryRead(op queryOp) handler  { return queryHandler(op, false) }
func queryWrite(op queryOp) handler { return queryHandler(op, true) }

func queryHandler(op queryOp, write bool) handler {
	return func(s *Server, w http.ResponseWriter, c *call) {
		a := s.lock(c)
		result, code := op(a, c)
		a.mu.Unlock()
		if code != "" {
			notFound(w, c, code, "the resource "+code)
			return
		}
		if write {
			s.Writes.Add(1)
		}
		writeQuery(w, c, result)
	}
}

// alarmScalars are the fields of an alarm DescribeAlarms answers as
// PutMetricAlarm took them.
var alarmScalars = []string{"AlarmName", "AlarmDescription", "MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Period",
	"EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData", "ActionsEnabled", "Unit"}

func describeAlarms(a *account, c *call) (string, string) {
	names := c.members("AlarmNames")
	prefix := c.form.Get("AlarmNamePrefix")
	alarms := a.coll(c.region, "cloudwatch/alarms")
	var b strings.Builder
	for _, name := range sortedKeys(alarms) {
		if len(names) > 0 && !slices.Contains(names, name) || !strings.HasPrefix(name, prefix) {
			continue
		}
		v := alarms[name].(url.Values)
		b.WriteString("<member>")
		for _, f := range alarmScalars {
			if x := v.Get(f); x != "" {
				b.WriteString(el(f, x))
			}
		}
		if v.Get("ActionsEnabled") == "" {
			b.WriteString(el("ActionsEnabled", "true"))
		}
		b.WriteString(el("AlarmArn", "arn:aws:cloudwatch:"+c.region+":"+a.id+":alarm:"+name) + el("StateValue", "OK"))
		for _, l := range []string{"AlarmActions", "OKActions", "InsufficientDataActions"} {
			b.WriteString("<" + l + ">")
			for _, x := range formMembers(v, l) {
				b.WriteString(el("member", x))
			}
			b.WriteString("</" + l + ">")
		}
		b.WriteString("<Dimensions>")
		for i := 1; v.Get(fmt.Sprintf("Dimensions.member.%d.Name", i)) != ""; i++ {
			b.WriteString("<member>" + el("Name", v.Get(fmt.Sprintf("Dimensions.member.%d.Name", i))) +
				el("Value", v.Get(fmt.Sprintf("Dimensions.member.%d.Value", i))) + "</member>")
		}
		b.WriteString("</Dimensions></member>")
	}
	return "<MetricAlarms>" + b.String() + "</MetricAlarms><CompositeAlarms/>", ""
}

// formMembers is a stored query request's list.
func formMembers(v url.Values, name string) []string {
	return (&call{form: v}).members(name)
}

func putMetricAlarm(a *account, c *call) (string, string) {
	v := url.Values{}
	for k, x := range c.form {
		if k != "Action" && k != "Version" {
			v[k] = x
		}
	}
	a.coll(c.region, "cloudwatch/alarms")[c.form.Get("AlarmName")] = v
	return "", ""
}

// listMetrics answers the management account's estimated charges, which
// AWS publishes in us-east-1 once billing alerts are on.
func listMetrics(a *account, c *call) (string, string) {
	if !a.management() || c.region != "us-east-1" || c.form.Get("Namespace") != "" && c.form.Get("Namespace") != "AWS/Billing" {
		return "<Metrics/>", ""
	}
	return "<Metrics><member><Namespace>AWS/Billing</Namespace><MetricName>EstimatedCharges</MetricName><Dimensions><member>" +
		"<Name>Currency</Name><Value>USD</Value></member></Dimensions></member></Metrics>", ""
}

type subscription struct{ protocol, endpoint, arn string }

type topic struct {
	arn   string
	attrs map[string]string
	subs  []subscription
}

func createTopic(a *account, c *call) (string, string) {
	arn := "arn:aws:sns:" + c.region + ":" + a.id + ":" + c.form.Get("Name")
	topics := a.coll(c.region, "sns/topics")
	if _, ok := topics[arn]; !ok {
		topics[arn] = &topic{arn: arn, attrs: map[string]string{}}
	}
	return el("TopicArn", arn), ""
}

func withTopic(f func(t *topic, c *call) string) queryOp {
	return func(a *account, c *call) (string, string) {
		t, ok := a.coll(c.region, "sns/topics")[c.form.Get("TopicArn")].(*topic)
		if !ok {
			return "", "NotFound"
		}
		return f(t, c), ""
	}
}

func topicAttributes(t *topic, c *call) string {
	attrs := map[string]string{"TopicArn": t.arn, "Owner": c.account, "DisplayName": "",
		"Policy": `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],"Resource":"` + t.arn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + c.account + `"}}}]}`}
	confirmed, pending := 0, 0
	for _, s := range t.subs {
		if s.arn == "PendingConfirmation" {
			pending++
		} else {
			confirmed++
		}
	}
	attrs["SubscriptionsConfirmed"], attrs["SubscriptionsPending"] = fmt.Sprint(confirmed), fmt.Sprint(pending)
	for k, v := range t.attrs {
		attrs[k] = v
	}
	var b strings.Builder
	for _, k := range sortedKeys(attrs) {
		b.WriteString("<entry>" + el("key", k) + el("value", attrs[k]) + "</entry>")
	}
	return "<Attributes>" + b.String() + "</Attributes>"
}

func setTopicAttribute(t *topic, c *call) string {
	t.attrs[c.form.Get("AttributeName")] = c.form.Get("AttributeValue")
	return ""
}

func subscriptionsXML(subs []subscription, topicARN, owner string) string {
	var b strings.Builder
	for _, s := range subs {
		b.WriteString("<member>" + el("TopicArn", topicARN) + el("Protocol", s.protocol) + el("SubscriptionArn", s.arn) +
			el("Owner", owner) + el("Endpoint", s.endpoint) + "</member>")
	}
	return "<Subscriptions>" + b.String() + "</Subscriptions>"
}

func listSubscriptions(a *account, c *call) (string, string) {
	var b strings.Builder
	topics := a.coll(c.region, "sns/topics")
	for _, arn := range sortedKeys(topics) {
		t := topics[arn].(*topic)
		x := subscriptionsXML(t.subs, t.arn, c.account)
		b.WriteString(strings.TrimSuffix(strings.TrimPrefix(x, "<Subscriptions>"), "</Subscriptions>"))
	}
	return "<Subscriptions>" + b.String() + "</Subscriptions>", ""
}

// subscribe subscribes an endpoint, pending its confirmation as AWS
// leaves an e-mail subscription until someone follows the link.
func subscribe(t *topic, c *call) string {
	endpoint, protocol := c.form.Get("Endpoint"), c.form.Get("Protocol")
	for _, s := range t.subs {
		if s.endpoint == endpoint && s.protocol == protocol {
			return el("SubscriptionArn", s.arn)
		}
	}
	t.subs = append(t.subs, subscription{protocol, endpoint, "PendingConfirmation"})
	return el("SubscriptionArn", "pending confirmation")
}
