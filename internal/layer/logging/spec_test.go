package logging_test

import (
	"testing"

	"github.com/groundwork-aws/groundwork/internal/layer/logging"
	"github.com/groundwork-aws/groundwork/internal/spec/spectest"

	// Whole foundations: every section registered, as in the CLI.
	_ "github.com/groundwork-aws/groundwork/internal/layer/all"
)

// logBase is a spec with the accounts the logging layer needs; the
// logging section starts at line 7.
const logBase = `version: 1
organization: {id: primary, email_domain: example.com, home_region: eu-west-1}
units: {Security: {}}
accounts:
  log-archive: {unit: Security, role: log-archive}
  security-tooling: {unit: Security, role: security-tooling}
`

// A Config rule identifier AWS does not have is refused at validation,
// not by PutConfigRule halfway through an apply.
func TestConfigRuleIdentifiers(t *testing.T) {
	spectest.MustParse(t, logBase+"logging:\n  config:\n    rules: [CLOUD_TRAIL_ENABLED, ACCESS_KEYS_ROTATED, EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK]\n")
	spectest.CheckDiagnostics(t, logBase+"logging:\n  config:\n    rules: [CLOUD_TRAIL_ENABLE, my_rule, MADE_UP_RULE, CLOUD_TRAIL_ENABLED, CLOUD_TRAIL_ENABLED]\n", []spectest.Want{
		{"9:13", "logging.config.rules[0]", `"CLOUD_TRAIL_ENABLE" is not an AWS managed Config rule identifier such as CLOUD_TRAIL_ENABLED (did you mean "CLOUD_TRAIL_ENABLED"?)`},
		{"9:33", "logging.config.rules[1]", `"my_rule" is not an AWS managed Config rule identifier`},
		{"9:42", "logging.config.rules[2]", `"MADE_UP_RULE" is not an AWS managed Config rule identifier`},
		{"9:77", "logging.config.rules[4]", `rule "CLOUD_TRAIL_ENABLED" is listed twice`},
	})
	for _, r := range logging.BaselineRules {
		if !logging.IsManagedRule(r.Identifier) {
			t.Errorf("baseline rule %s is not in the list of managed rules", r.Identifier)
		}
	}
}
