package monitoring

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The topic and rule checks without a spec: what the survey found
// watching the trails and root sign-ins (watched) is judged as it is.
func TestTopicAndRuleChecksWithoutSpec(t *testing.T) {
	const mgmt = "account/000000000000 (management)"
	rule := func(e *estate.Estate) *estate.EventRule { return e.Monitoring.EventRules[monEast.Key("root")] }
	audittest.RunCases(t, watched, map[string]audittest.Case{
		"001 passes": {Check: "GW-MON-001"},
		"001 a notified topic is absent": {
			Check: "GW-MON-001",
			Edit: func(e *estate.Estate) {
				delete(e.Monitoring.Topics, seenAt.Key("alerts"))
				e.Monitoring.AbsentTopics = []string{seenTopicARN}
			},
			Want: []string{"topic/alerts (management eu-west-1)"},
			Msg:  "topic alerts does not exist, and alarm AccessDenied-alarm,",
		},
		"002 passes": {Check: "GW-MON-002"},
		"002 a notified topic nobody confirmed": {
			Check: "GW-MON-002",
			Edit:  func(e *estate.Estate) { e.Monitoring.Topics[seenAt.Key("alerts")].Subscriptions[0].Pending = true },
			Want:  []string{"topic/alerts (management eu-west-1)"},
			Msg:   "topic has no confirmed subscription (1 pending: security@example.com)",
		},
		"003 passes": {Check: "GW-MON-003"},
		"003 no root sign-in rule": {
			Check: "GW-MON-003",
			Edit:  func(e *estate.Estate) { clear(e.Monitoring.EventRules) },
			Want:  []string{mgmt}, Msg: "no EventBridge rule of the management account in us-east-1 or the home Region matches root user console sign-ins",
		},
		"003 a rule on other events does not count": {
			Check: "GW-MON-003",
			Edit:  func(e *estate.Estate) { rule(e).EventPattern = `{"source":["aws.ec2"]}` },
			Want:  []string{mgmt}, Msg: "no EventBridge rule",
		},
		"003 rule disabled": {
			Check: "GW-MON-003",
			Edit:  func(e *estate.Estate) { rule(e).State = "DISABLED" },
			Want:  []string{"event-rule/root (management us-east-1)"}, Msg: "the rule matching root user sign-ins is disabled",
		},
		"003 rule's topic unconfirmed": {
			Check: "GW-MON-003",
			Edit:  func(e *estate.Estate) { e.Monitoring.Topics[seenAt.Key("alerts")].Subscriptions = nil },
			Want:  []string{"event-rule/root (management us-east-1)"}, Msg: "targets no topic with a confirmed subscription",
		},
		"003 one good rule is enough": {
			Check: "GW-MON-003",
			Edit: func(e *estate.Estate) {
				e.Monitoring.EventRules[monAt2.Key("old")] = &estate.EventRule{Where: monAt2, Name: "old", State: "DISABLED",
					EventPattern: rootSignInEventPattern()}
			},
		},
		"003 not surveyed says nothing": {
			Check: "GW-MON-003",
			Edit:  func(e *estate.Estate) { e.Monitoring.LogGroups = nil; clear(e.Monitoring.EventRules) },
		},
	}, audittest.NamesAccount)
}

var monAt2 = estate.Where{Account: estate.ManagementKey, Region: "eu-west-1"}
