package audit

import (
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/estate"
)

// Resources of accounts the Config checks name.
const (
	prodResource  = "account/444444444444 (payments-prod)"
	devResource   = "account/555555555555 (payments-dev)"
	mgmtResource  = "account/000000000000 (management)"
	archiveAggRes = "aggregator/groundwork-org-aggregator (log-archive eu-west-1)"
)

// dropRecorder removes the recorder of acct in region.
func dropRecorder(acct, region string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		delete(e.Logging.Recorders, estate.Where{Account: acct, Region: region}.Key("default"))
	}
}

// moveAggregator puts the organization aggregator in acct.
func moveAggregator(acct string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		w := estate.Where{Account: acct, Region: home}
		e.Logging.Aggregators = map[string]*estate.Aggregator{
			w.Key(aggName): {Where: w, Name: aggName, Organization: true, AllRegions: true},
		}
	}
}

// onlyOrganizationRules replaces the per-account rules with organization
// rules of the given identifiers in the Security Tooling account.
func onlyOrganizationRules(ids ...string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		w := estate.Where{Account: toolingKey, Region: home}
		e.Logging.Rules = map[string]*estate.ConfigRule{}
		for _, id := range ids {
			name := orgRulePrefix + strings.ToLower(id)
			e.Logging.Rules[w.Key(name)] = &estate.ConfigRule{Where: w, Name: name, Identifier: id}
		}
	}
}

// dropRules removes the rules of the identifiers from acct in region.
func dropRules(acct, region string, ids ...string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		for k, r := range e.Logging.Rules {
			if r.Where == (estate.Where{Account: acct, Region: region}) {
				for _, id := range ids {
					if r.Identifier == id {
						delete(e.Logging.Rules, k)
					}
				}
			}
		}
	}
}

func TestConfigChecks(t *testing.T) {
	const org = "organization/o-abc123"
	runCases(t, logged, map[string]checkCase{
		"020 passes": {check: "GW-LOG-020"},
		"020 no recorder": {
			check: "GW-LOG-020",
			edit:  dropRecorder(prodKey, other),
			want:  []string{prodResource}, msg: "AWS Config is not recording in us-east-1 (no recorder)",
		},
		"020 one finding per account, listing its Regions": {
			check: "GW-LOG-020",
			edit: func(e *estate.Estate) {
				recorder(e, mgmtKey, home).Recording = false
				dropRecorder(mgmtKey, other)(e)
				recorder(e, devKey, other).Recording = false
			},
			want: []string{mgmtResource, devResource},
			msg:  "not recording in eu-west-1 (recorder stopped), us-east-1 (no recorder):",
		},
		"020 a place outside the scope is not judged": {
			check: "GW-LOG-020",
			edit: func(e *estate.Estate) {
				dropRecorder(prodKey, other)(e)
				e.Logging.Scope = slices.DeleteFunc(e.Logging.Scope, func(w estate.Where) bool {
					return w == estate.Where{Account: prodKey, Region: other}
				})
			},
		},
		"020 a closing account is not judged": {
			check: "GW-LOG-020",
			edit: func(e *estate.Estate) {
				dropRecorder(sandboxKey, home)(e)
				acct(e, "sandbox-ana").Status = "SUSPENDED"
			},
		},

		"021 passes": {check: "GW-LOG-021"},
		"021 global resources in two Regions": {
			check: "GW-LOG-021",
			edit:  func(e *estate.Estate) { recorder(e, prodKey, other).GlobalTypes = true },
			want:  []string{prodResource}, msg: "recorded in eu-west-1, us-east-1: each IAM change is recorded, billed and evaluated once per Region; record them in the home Region eu-west-1 alone",
		},

		"022 passes": {check: "GW-LOG-022"},
		"022 global resources nowhere": {
			check: "GW-LOG-022",
			edit:  func(e *estate.Estate) { recorder(e, devKey, home).GlobalTypes = false },
			want:  []string{devResource}, msg: "no recorder includes global resource types (recorders in eu-west-1, us-east-1)",
		},
		"022 without a home Region": {
			check: "GW-LOG-022",
			edit: func(e *estate.Estate) {
				e.HomeRegion = ""
				recorder(e, devKey, home).GlobalTypes = false
			},
			want: []string{devResource}, msg: "record them in a single Region",
		},
		"022 an account without recorders is GW-LOG-020's": {
			check: "GW-LOG-022",
			edit: func(e *estate.Estate) {
				dropRecorder(devKey, home)(e)
				dropRecorder(devKey, other)(e)
			},
		},

		"023 passes": {check: "GW-LOG-023"},
		"023 no delivery channel": {
			check: "GW-LOG-023",
			edit: func(e *estate.Estate) {
				recorder(e, prodKey, home).Channel = ""
				recorder(e, prodKey, other).Channel = ""
			},
			want: []string{prodResource}, msg: "no delivery channel for the recorder in eu-west-1, us-east-1",
		},

		"030 passes": {check: "GW-LOG-030"},
		"030 no aggregator": {
			check: "GW-LOG-030",
			edit:  func(e *estate.Estate) { e.Logging.Aggregators = map[string]*estate.Aggregator{} },
			want:  []string{org}, msg: "no organization Config aggregator",
		},
		"030 an account aggregator is not an organization one": {
			check: "GW-LOG-030",
			edit: func(e *estate.Estate) {
				for _, a := range e.Logging.Aggregators {
					a.Organization = false
				}
			},
			want: []string{org},
		},

		"031 passes": {check: "GW-LOG-031"},
		"031 aggregator in Log Archive": {
			check: "GW-LOG-031",
			edit:  moveAggregator(archiveKey),
			want:  []string{archiveAggRes}, msg: "lives in log-archive, not the Security Tooling account security-tooling",
		},
		"031 passes with another aggregator besides": {
			check: "GW-LOG-031",
			edit: func(e *estate.Estate) {
				w := estate.Where{Account: archiveKey, Region: home}
				e.Logging.Aggregators[w.Key(aggName)] = &estate.Aggregator{Where: w, Name: aggName, Organization: true}
			},
		},
		"031 no Security Tooling account to compare with": {
			check: "GW-LOG-031",
			edit: func(e *estate.Estate) {
				moveAggregator(archiveKey)(e)
				acct(e, "security-tooling").Role = estate.RoleNone
			},
		},
		"031 no aggregator is GW-LOG-030's": {
			check: "GW-LOG-031",
			edit:  func(e *estate.Estate) { e.Logging.Aggregators = map[string]*estate.Aggregator{} },
		},

		"050 passes": {check: "GW-LOG-050"},
		"050 passes with organization rules": {
			check: "GW-LOG-050",
			edit:  onlyOrganizationRules(baselineRules...),
		},
		"050 passes with organization rules and account rules together": {
			check: "GW-LOG-050",
			edit: func(e *estate.Estate) {
				onlyOrganizationRules(baselineRules[:3]...)(e)
				for _, a := range layerAccounts {
					w := estate.Where{Account: a, Region: home}
					for _, id := range baselineRules[3:] {
						e.Logging.Rules[w.Key(id)] = &estate.ConfigRule{Where: w, Name: id, Identifier: id}
					}
				}
			},
		},
		"050 rules missing": {
			check: "GW-LOG-050",
			edit:  dropRules(prodKey, home, "CLOUD_TRAIL_ENABLED", "RESTRICTED_INCOMING_TRAFFIC"),
			want:  []string{prodResource}, msg: "baseline Config rules missing in eu-west-1: CLOUD_TRAIL_ENABLED, RESTRICTED_INCOMING_TRAFFIC",
		},
		"050 organization rules missing one": {
			check: "GW-LOG-050",
			edit:  onlyOrganizationRules(baselineRules[1:]...),
			want: []string{mgmtResource, "account/111111111111 (log-archive)", "account/222222222222 (security-tooling)",
				"account/333333333333 (identity-center)", prodResource, devResource, "account/666666666666 (sandbox-ana)"},
			msg: "missing in eu-west-1: ROOT_ACCOUNT_MFA_ENABLED",
		},
		"050 rules in another Region do not count": {
			check: "GW-LOG-050",
			edit:  dropRules(devKey, home, "IAM_USER_MFA_ENABLED"),
			want:  []string{devResource}, msg: ": IAM_USER_MFA_ENABLED",
		},
		"050 without a home Region nothing is judged": {
			check: "GW-LOG-050",
			edit: func(e *estate.Estate) {
				e.HomeRegion = ""
				e.Logging.Rules = map[string]*estate.ConfigRule{}
			},
		},
	})
}
