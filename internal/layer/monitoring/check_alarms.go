package monitoring

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
	"github.com/groundwork-aws/groundwork/internal/filterpattern"
)

// The monitoring checks: a security topic someone is subscribed to, and,
// for each filter-pattern library entry the spec selects, a metric filter
// on the trail's log group and an alarm that notifies a topic with a
// confirmed subscription (guidance 000, 001 and 003; CIS AWS Foundations
// v3.0.0 section 4). As CIS does, an alarm whose topic has no confirmed
// subscription counts as missing: nobody hears it. The audit reads the
// layer with or without a spec (Survey): the topic and rule checks judge
// what e.Monitoring.Expected names and what the survey found (the topics
// alarms and root sign-in rules notify, the root sign-in rules of the
// management account), and return no findings when e.Monitoring is nil
// (the layer was not read); the pattern checks judge through one code
// path (check_alarms_patterns.go).

const monitoringRemedy = "write a monitoring section in foundation.yaml (`monitoring: {}` takes the defaults) and run groundwork apply"

// confirmRemedy is the manual step no API can take for the subscriber.
const confirmRemedy = "each address under monitoring.security_topic.subscribers in foundation.yaml must follow the link in the " +
	"\"AWS Notification - Subscription Confirmation\" e-mail; an unconfirmed subscription expires, after which groundwork apply subscribes the address again"

// patternCheck is the check of one library entry: a stable ID, a short
// name for titles, a severity, the risk an unwatched pattern leaves open
// and the NIST CSF subcategories the alarm serves (personnel activity
// DE.CM-3, network DE.CM-1, other unauthorized change DE.CM-7).
type patternCheck struct {
	name, id, what string
	severity       audit.Severity
	risk           string
	nist           []string
}

// patternChecks covers every library entry; TestPatternChecksCoverLibrary
// keeps it so. IDs are stable: append, never renumber.
var patternChecks = []patternCheck{
	{"RootUserActivity", "GW-MON-010", "root user activity", audit.High,
		"The root user bypasses IAM policies and, in the management account, every SCP; root activity nobody is alerted " +
			"to may be a stolen root password in use.", []string{"DE.CM-3"}},
	{"ConsoleSignIn", "GW-MON-011", "console sign-ins", audit.Low,
		"The management account is rarely signed in to and controls every account (guidance 001), so a sign-in nobody " +
			"expected is the first sign of stolen credentials.", []string{"DE.CM-3"}},
	{"AccessDenied", "GW-MON-012", "access-denied errors", audit.Low,
		"In a management account that holds no workloads a denied request is either a mistake or someone probing with " +
			"credentials they should not have (guidance 001); unalerted, the probing goes on unseen.", []string{"DE.CM-3"}},
	{"UnauthorizedAPICalls", "GW-MON-013", "unauthorized API calls", audit.Medium,
		"Bursts of UnauthorizedOperation and AccessDenied errors are how reconnaissance with stolen or over-scoped " +
			"credentials shows itself; without an alarm it is noticed only in a later investigation.", []string{"DE.CM-7"}},
	{"ConsoleSignInWithoutMFA", "GW-MON-014", "console sign-ins without MFA", audit.Medium,
		"A console sign-in without MFA means a password alone was enough; alerting on it finds users who skipped MFA " +
			"and passwords being used by someone else.", []string{"DE.CM-3", "PR.AC-7"}},
	{"IAMPolicyChanges", "GW-MON-015", "IAM policy changes", audit.Medium,
		"Changing an IAM policy is how privilege is escalated or a back door planted; without an alarm a new " +
			"administrator grant waits for the next access review.", []string{"DE.CM-3"}},
	{"CloudTrailChanges", "GW-MON-016", "CloudTrail configuration changes", audit.Medium,
		"Stopping or changing a trail is the first step in covering tracks; an unalerted change leaves a gap in the " +
			"audit log that is found only when the logs are needed.", []string{"DE.CM-7", "PR.PT-1"}},
	{"ConsoleAuthFailures", "GW-MON-017", "console authentication failures", audit.Low,
		"Repeated failed console sign-ins point to passwords being guessed; an alarm gives time to lock the targeted " +
			"users before a guess succeeds.", []string{"DE.CM-3"}},
	{"DisableOrDeleteCMK", "GW-MON-018", "KMS keys disabled or scheduled for deletion", audit.Medium,
		"Data encrypted under a KMS key that is disabled or deleted becomes unreadable; an alarm during the waiting " +
			"period is the chance to cancel a deletion before the data is lost for good.", []string{"DE.CM-7", "PR.DS-1"}},
	{"S3BucketPolicyChanges", "GW-MON-019", "S3 bucket policy changes", audit.Low,
		"One bucket policy change can open data to other accounts or the public; an alarm shortens the time such an " +
			"exposure stays in place.", []string{"DE.CM-7", "PR.DS-5"}},
	{"ConfigChanges", "GW-MON-020", "AWS Config configuration changes", audit.Medium,
		"Stopping a Config recorder or deleting its delivery channel blinds configuration monitoring where it ran; " +
			"without an alarm the changes made meanwhile are never recorded.", []string{"DE.CM-7"}},
	{"SecurityGroupChanges", "GW-MON-021", "security group changes", audit.Low,
		"A security group rule change can expose instances to the internet; an alarm catches an opened port before " +
			"it is found and exploited.", []string{"DE.CM-1"}},
	{"NACLChanges", "GW-MON-022", "network ACL changes", audit.Low,
		"Network ACLs are the subnet boundary; a change nobody hears of can open whole subnets to traffic the network " +
			"design keeps out.", []string{"DE.CM-1"}},
	{"NetworkGatewayChanges", "GW-MON-023", "network gateway changes", audit.Low,
		"Creating or attaching an internet, customer or transit gateway gives a VPC a new way in or out that bypasses " +
			"the network's inspection points.", []string{"DE.CM-1"}},
	{"RouteTableChanges", "GW-MON-024", "route table changes", audit.Low,
		"A route table change can send traffic around a firewall or out through an unintended gateway, and nothing " +
			"else reports it.", []string{"DE.CM-1"}},
	{"VPCChanges", "GW-MON-025", "VPC changes", audit.Low,
		"VPC changes such as new peering connections join networks that were kept apart; an alarm lets them be " +
			"reviewed while they are new.", []string{"DE.CM-1"}},
	{"OrganizationsChanges", "GW-MON-026", "AWS Organizations changes", audit.Medium,
		"Organization changes (an account leaving, an SCP detached, an OU moved) can lift guardrails from many " +
			"accounts at once and must reach the security team as they happen.", []string{"DE.CM-7"}},
}

func init() {
	audit.Register(audit.Check{
		ID:       "GW-MON-001",
		Title:    "Security notification topic exists",
		Severity: audit.Medium,
		Guidance: "000 Configure management account alerting; 001 Other manual tasks; 003 Logging and Auditing",
		Controls: []string{"NIST CSF DE.DP-4"},
		Rationale: "The alarms and the root sign-in rule publish to the security topic; if it does not exist their " +
			"notifications fail and a detected event reaches nobody.",
		Remediation: monitoringRemedy + "; monitoring.security_topic.name names the topic",
		Reads:       []string{"monitoring"},
		Run:         checkSecurityTopics,
	})
	audit.Register(audit.Check{
		ID:       "GW-MON-002",
		Title:    "Security notification topic has a confirmed subscription",
		Severity: audit.Medium,
		Guidance: "000 Configure management account alerting; 001 Other manual tasks; 003 Logging and Auditing",
		Controls: []string{"NIST CSF DE.DP-4"},
		Rationale: "SNS delivers only to confirmed subscriptions, so until someone confirms, every alarm publishes into " +
			"the void; guidance 001 lists subscribing as a manual task for this reason.",
		Remediation: confirmRemedy,
		Reads:       []string{"monitoring"},
		Run:         checkTopicSubscriptions,
	})
	audit.Register(audit.Check{
		ID:       "GW-MON-003",
		Title:    "Root sign-ins notify the security topic",
		Severity: audit.Medium,
		Guidance: "000 Configure management account alerting; 001 Root account login",
		Controls: []string{"NIST CSF DE.CM-3"},
		Rationale: "The management account's root user can do anything in the organization; a root sign-in nobody hears " +
			"of gives whoever has the password time to act.",
		Remediation: "leave monitoring.root_login_rule at its default, true, in foundation.yaml and run groundwork apply; " +
			"the rule lives in the management account in us-east-1, where CloudTrail records root sign-ins, " +
			"beside a copy of the security topic whose subscription must be confirmed too",
		Reads: []string{"monitoring"},
		Run:   checkRootSignInRules,
	})
	audit.Register(audit.Check{
		ID:       "GW-MON-004",
		Title:    "No two metric filters of one name on a log group",
		Severity: audit.Low,
		Guidance: "000 Configure management account alerting",
		Controls: []string{"NIST CSF DE.CM-1"},
		Rationale: "Metric filter names are meant to be unique per log group; a second filter of the same name, left by " +
			"a create that was retried, may count matches twice or with a stale pattern, and whoever reads the " +
			"filters by name sees only one of them.",
		Remediation: "delete the extra filters (aws logs delete-metric-filter) and run groundwork apply, which puts the " +
			"spec's filter back",
		Reads: []string{"monitoring"},
		Run:   checkDuplicateFilters,
	})
	for _, pc := range patternChecks {
		entry, ok := filterpattern.Lookup(pc.name)
		if !ok {
			panic(fmt.Sprintf("monitoring: %s checks %s, which the filter-pattern library lacks", pc.id, pc.name))
		}
		guidance, controls := patternGuidance(entry)
		for _, id := range pc.nist {
			controls = append(controls, audit.FrameworkNIST+" "+id)
		}
		audit.Register(audit.Check{
			ID:        pc.id,
			Title:     "Metric filter and alarm for " + pc.what,
			Severity:  pc.severity,
			Guidance:  guidance,
			Controls:  controls,
			Rationale: pc.risk,
			Remediation: fmt.Sprintf("keep %s under monitoring.alarms in foundation.yaml (the default lists every library pattern) "+
				"and run groundwork apply; then confirm a subscription to the security topic", pc.name),
			Reads: []string{"monitoring", "logging/trails"},
			Needs: needsSelection(entry),
			Run:   checkPattern(entry, pc.what),
		})
	}
}

// sections001 are the sections of guidance 001 that ask for a library
// entry's alarm, by entry name.
var sections001 = map[string]string{
	"ConsoleSignIn": "001 Console sign-in",
	"AccessDenied":  "001 Access denied errors",
}

// patternGuidance splits an entry's guidance labels into the guidance
// sections a check cites and the compliance controls it maps to. Only
// CIS v3.0.0 labels become controls: the catalogue maps to that version
// alone, and the one older label (v1.2.0 3.1 on AccessDenied) names the
// unauthorized-API-calls alarm that v3.0.0 numbers 4.1 and GW-MON-013
// checks with the pattern CIS prescribes, which AccessDenied's is not.
func patternGuidance(e filterpattern.Entry) (guidance string, controls []string) {
	var g []string
	for _, label := range e.Guidance {
		switch {
		case label == "000":
			g = append(g, "000 Configure management account alerting")
		case label == "001":
			if s, ok := sections001[e.Name]; ok {
				g = append(g, s)
			}
		case strings.HasPrefix(label, audit.FrameworkCIS+" "):
			controls = append(controls, label)
		}
	}
	// 003 asks for "CloudWatch alarms for security and network-related
	// API activity" under this heading.
	g = append(g, "003 Logging and Auditing")
	return strings.Join(g, "; "), controls
}

// checkSecurityTopics reports each expected security topic that does not
// exist, and each topic an alarm or root sign-in rule of the layer
// notifies that the survey found absent.
func checkSecurityTopics(e *estate.Estate) []audit.Finding {
	m := e.Monitoring
	if m == nil {
		return nil
	}
	var out []audit.Finding
	reported := map[string]bool{}
	for _, p := range m.Expected.Topics {
		if _, ok := m.Topics[p.Key(p.Name)]; ok || audit.Leaving(e, p.Where) {
			continue
		}
		reported[p.Key(p.Name)] = true
		out = append(out, audit.PlacedFinding(e, "topic", p.Name, p.Where,
			fmt.Sprintf("security topic %s does not exist: the alarms and rules there have nowhere to send notifications", p.Name)))
	}
	for _, arn := range m.AbsentTopics {
		p, ok := topicPlace(e, arn)
		if !ok || reported[p.Key(p.Name)] || audit.Leaving(e, p.Where) {
			continue
		}
		reported[p.Key(p.Name)] = true
		out = append(out, audit.PlacedFinding(e, "topic", p.Name, p.Where,
			fmt.Sprintf("topic %s does not exist, and %s notify it: their notifications go nowhere", p.Name, audit.NameList(notifiers(m, arn)))))
	}
	return out
}

// topicPlace places a topic by its ARN, its account by the layer's key.
func topicPlace(e *estate.Estate, arn string) (estate.Placement, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[2] != "sns" {
		return estate.Placement{}, false
	}
	key := estate.AccountKey(parts[4])
	for k, a := range e.Accounts {
		if a.ID == parts[4] {
			key = layerKey(e, estate.AccountKey(k))
		}
	}
	if e.Organization != nil && e.Organization.ManagementAccountID == parts[4] {
		key = estate.ManagementKey
	}
	return estate.Placement{Where: estate.Where{Account: key, Region: parts[3]}, Name: parts[5]}, true
}

// notifiers names the alarms and rules of the layer that notify arn.
func notifiers(m *estate.Monitoring, arn string) []string {
	var out []string
	for _, a := range audit.SortedValues(m.Alarms) {
		if slices.Contains(a.AlarmActions, arn) {
			out = append(out, "alarm "+a.Name)
		}
	}
	for _, r := range audit.SortedValues(m.EventRules) {
		if slices.Contains(r.Targets, arn) {
			out = append(out, "rule "+r.Name)
		}
	}
	return out
}

// checkDuplicateFilters reports each metric filter name a log group
// holds more than once.
func checkDuplicateFilters(e *estate.Estate) []audit.Finding {
	m := e.Monitoring
	if m == nil {
		return nil
	}
	var out []audit.Finding
	for _, key := range slices.Sorted(maps.Keys(m.MetricFilters)) {
		f := m.MetricFilters[key]
		if f.Copies > 1 {
			out = append(out, audit.PlacedFinding(e, "metric-filter", f.LogGroup+":"+f.Name, f.Where,
				fmt.Sprintf("%d metric filters are named %s on log group %s", f.Copies, f.Name, f.LogGroup)))
		}
	}
	return out
}

// checkTopicSubscriptions reports each topic of the layer that exists
// but that nobody receives (no subscription, or only pending ones): the
// spec's security topics, and every topic an alarm or root sign-in rule
// the audit found notifies.
func checkTopicSubscriptions(e *estate.Estate) []audit.Finding {
	m := e.Monitoring
	if m == nil {
		return nil
	}
	var out []audit.Finding
	for _, t := range audit.SortedValues(m.Topics) {
		if t.Confirmed() || audit.Leaving(e, t.Where) {
			continue
		}
		msg := "topic has no subscription: nobody receives its notifications"
		if n := len(t.Subscriptions); n > 0 {
			var pending []string
			for _, s := range t.Subscriptions {
				pending = append(pending, s.Endpoint)
			}
			msg = fmt.Sprintf("topic has no confirmed subscription (%d pending: %s): nobody receives its notifications until one is confirmed",
				n, audit.NameList(pending))
		}
		out = append(out, audit.PlacedFinding(e, "topic", t.Name, t.Where, msg))
	}
	return out
}

// checkRootSignInRules reports, where the spec names root sign-in rules,
// each that is missing, disabled, or notifies no topic with a confirmed
// subscription. Without such rules in the spec it judges the management
// account as the survey found it: some enabled rule there that matches
// root user console sign-ins must notify a topic with a confirmed
// subscription.
func checkRootSignInRules(e *estate.Estate) []audit.Finding {
	m := e.Monitoring
	if m == nil {
		return nil
	}
	if len(m.Expected.Rules) == 0 {
		return checkFoundRootSignInRules(e, m)
	}
	var out []audit.Finding
	for _, p := range m.Expected.Rules {
		if audit.Leaving(e, p.Where) {
			continue
		}
		at := func(msg string) audit.Finding { return audit.PlacedFinding(e, "event-rule", p.Name, p.Where, msg) }
		r, ok := m.EventRules[p.Key(p.Name)]
		switch {
		case !ok:
			out = append(out, at(fmt.Sprintf(
				"no EventBridge rule %s: a root user sign-in to %s notifies nobody", p.Name, audit.WhereLabel(e, estate.Where{Account: p.Account}))))
		case r.State != "ENABLED":
			out = append(out, at(fmt.Sprintf("rule is %s: root user sign-ins notify nobody", strings.ToLower(r.State))))
		case !slices.ContainsFunc(r.Targets, func(arn string) bool { return confirmedTopic(m, arn) }):
			out = append(out, at("rule targets no topic with a confirmed subscription: root user sign-ins notify nobody"))
		}
	}
	return out
}

// checkFoundRootSignInRules judges the root sign-in rules the survey
// found in the management account; it says nothing of a layer that was
// not surveyed.
func checkFoundRootSignInRules(e *estate.Estate, m *estate.Monitoring) []audit.Finding {
	if m.LogGroups == nil || audit.Leaving(e, estate.Where{Account: estate.ManagementKey}) {
		return nil
	}
	var quiet []*estate.EventRule
	for _, r := range audit.SortedValues(m.EventRules) {
		if r.Account != estate.ManagementKey || !matchesRootSignIn(r.EventPattern) {
			continue
		}
		if r.State == "ENABLED" && slices.ContainsFunc(r.Targets, func(arn string) bool { return confirmedTopic(m, arn) }) {
			return nil
		}
		quiet = append(quiet, r)
	}
	if len(quiet) == 0 {
		f := audit.ManagementFinding(e, fmt.Sprintf("no EventBridge rule of the management account in %s or the home Region matches root "+
			"user console sign-ins: a root sign-in notifies nobody", RootSignInRegion))
		f.Region = RootSignInRegion
		return []audit.Finding{f}
	}
	r := quiet[0]
	why := "targets no topic with a confirmed subscription"
	if r.State != "ENABLED" {
		why = "is " + strings.ToLower(r.State)
	}
	return []audit.Finding{audit.PlacedFinding(e, "event-rule", r.Name, r.Where,
		fmt.Sprintf("the rule matching root user sign-ins %s, as does every other such rule: root user sign-ins notify nobody", why))}
}

// confirmedTopic reports whether arn is a topic the layer read that has a
// confirmed subscription. A topic that was not read (outside the audit)
// cannot be shown to reach anyone, and does not count.
func confirmedTopic(m *estate.Monitoring, arn string) bool {
	t := m.TopicByARN(arn)
	return t != nil && t.Confirmed()
}
