package logging

import (
	"slices"
	"strings"
	"testing"

	"github.com/groundwork-aws/groundwork/internal/audit/audittest"
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
		delete(e.Logging.Recorders, estate.Where{Account: estate.AccountKey(acct), Region: region}.Key("default"))
	}
}

// moveAggregator puts the organization aggregator in acct.
func moveAggregator(acct string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		w := estate.Where{Account: estate.AccountKey(acct), Region: audittest.Home}
		e.Logging.Aggregators = map[string]*estate.Aggregator{
			w.Key(aggName): {Where: w, Name: aggName, Organization: true, AllRegions: true},
		}
	}
}

// onlyOrganizationRules replaces the per-account rules with organization
// rules of the given identifiers in the Security Tooling account, put as
// the spec puts them: the regional ones in every Region, the global ones
// in the home Region.
func onlyOrganizationRules(ids ...string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		e.Logging.Rules = map[string]*estate.ConfigRule{}
		for _, region := range []string{audittest.Home, audittest.Other} {
			w := estate.Where{Account: audittest.ToolingKey, Region: region}
			for _, id := range ids {
				if r, _ := baselineRule(id); r.Global && region != audittest.Home {
					continue
				}
				name := orgRulePrefix + strings.ToLower(id)
				e.Logging.Rules[w.Key(name)] = &estate.ConfigRule{Where: w, Name: name, Identifier: id}
			}
		}
	}
}

// baselineIDs are the identifiers of BaselineRules, in order.
func baselineIDs() []string {
	var ids []string
	for _, r := range BaselineRules {
		ids = append(ids, r.Identifier)
	}
	return ids
}

// allAccounts are the resources of every account of the logged
// foundation, in the order the Config checks report them.
var allAccounts = []string{mgmtResource, "account/111111111111 (log-archive)", "account/222222222222 (security-tooling)",
	"account/333333333333 (identity-center)", prodResource, devResource, "account/666666666666 (sandbox-ana)"}

// dropRules removes the rules of the identifiers from acct in region.
func dropRules(acct, region string, ids ...string) func(e *estate.Estate) {
	return func(e *estate.Estate) {
		for k, r := range e.Logging.Rules {
			if r.Where == (estate.Where{Account: estate.AccountKey(acct), Region: region}) {
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
	audittest.RunCases(t, logged, map[string]audittest.Case{
		"020 passes": {Check: "GW-LOG-020"},
		"020 no recorder": {
			Check: "GW-LOG-020",
			Edit:  dropRecorder(audittest.ProdKey, audittest.Other),
			Want:  []string{prodResource}, Msg: "AWS Config is not recording in us-east-1 (no recorder)",
		},
		"020 one finding per account, listing its Regions": {
			Check: "GW-LOG-020",
			Edit: func(e *estate.Estate) {
				recorder(e, audittest.MgmtKey, audittest.Home).Recording = false
				dropRecorder(audittest.MgmtKey, audittest.Other)(e)
				recorder(e, audittest.DevKey, audittest.Other).Recording = false
			},
			Want: []string{mgmtResource, devResource},
			Msg:  "not recording in eu-west-1 (recorder stopped), us-east-1 (no recorder):",
		},
		"020 a place outside the scope is not judged": {
			Check: "GW-LOG-020",
			Edit: func(e *estate.Estate) {
				dropRecorder(audittest.ProdKey, audittest.Other)(e)
				e.Logging.Scope = slices.DeleteFunc(e.Logging.Scope, func(w estate.Where) bool {
					return w == estate.Where{Account: audittest.ProdKey, Region: audittest.Other}
				})
			},
		},
		"020 a closing account is not judged": {
			Check: "GW-LOG-020",
			Edit: func(e *estate.Estate) {
				dropRecorder(audittest.SandboxKey, audittest.Home)(e)
				audittest.Account(e, "sandbox-ana").Status = "SUSPENDED"
			},
		},

		"021 passes": {Check: "GW-LOG-021"},
		"021 global resources in two Regions": {
			Check: "GW-LOG-021",
			Edit:  func(e *estate.Estate) { recorder(e, audittest.ProdKey, audittest.Other).GlobalTypes = true },
			Want:  []string{prodResource}, Msg: "recorded in eu-west-1, us-east-1: each IAM change is recorded, billed and evaluated once per Region; record them in the home Region eu-west-1 alone",
		},

		"022 passes": {Check: "GW-LOG-022"},
		"022 global resources nowhere": {
			Check: "GW-LOG-022",
			Edit:  func(e *estate.Estate) { recorder(e, audittest.DevKey, audittest.Home).GlobalTypes = false },
			Want:  []string{devResource}, Msg: "no recorder includes global resource types (recorders in eu-west-1, us-east-1)",
		},
		"022 without a home Region": {
			Check: "GW-LOG-022",
			Edit: func(e *estate.Estate) {
				e.HomeRegion, e.Logging.HomeRegion = "", ""
				recorder(e, audittest.DevKey, audittest.Home).GlobalTypes = false
			},
			Want: []string{devResource}, Msg: "record them in a single Region",
		},
		"022 an account without recorders is GW-LOG-020's": {
			Check: "GW-LOG-022",
			Edit: func(e *estate.Estate) {
				dropRecorder(audittest.DevKey, audittest.Home)(e)
				dropRecorder(audittest.DevKey, audittest.Other)(e)
			},
		},

		"023 passes": {Check: "GW-LOG-023"},
		"023 no delivery channel": {
			Check: "GW-LOG-023",
			Edit: func(e *estate.Estate) {
				recorder(e, audittest.ProdKey, audittest.Home).Channel = ""
				recorder(e, audittest.ProdKey, audittest.Other).Channel = ""
			},
			Want: []string{prodResource}, Msg: "no delivery channel for the recorder in eu-west-1, us-east-1",
		},

		"030 passes": {Check: "GW-LOG-030"},
		"030 no aggregator": {
			Check: "GW-LOG-030",
			Edit:  func(e *estate.Estate) { e.Logging.Aggregators = map[string]*estate.Aggregator{} },
			Want:  []string{org}, Msg: "no organization Config aggregator",
		},
		"030 an account aggregator is not an organization one": {
			Check: "GW-LOG-030",
			Edit: func(e *estate.Estate) {
				for _, a := range e.Logging.Aggregators {
					a.Organization = false
				}
			},
			Want: []string{org},
		},

		"031 passes": {Check: "GW-LOG-031"},
		"031 aggregator in Log Archive": {
			Check: "GW-LOG-031",
			Edit:  moveAggregator(audittest.ArchiveKey),
			Want:  []string{archiveAggRes}, Msg: "lives in log-archive, not the Security Tooling account security-tooling",
		},
		"031 passes with another aggregator besides": {
			Check: "GW-LOG-031",
			Edit: func(e *estate.Estate) {
				w := estate.Where{Account: audittest.ArchiveKey, Region: audittest.Home}
				e.Logging.Aggregators[w.Key(aggName)] = &estate.Aggregator{Where: w, Name: aggName, Organization: true}
			},
		},
		"031 no Security Tooling account to compare with": {
			Check: "GW-LOG-031",
			Edit: func(e *estate.Estate) {
				moveAggregator(audittest.ArchiveKey)(e)
				a := audittest.Account(e, "security-tooling")
				a.Role, a.Name = estate.RoleNone, "tools"
			},
		},
		"031 the Security Tooling account known by its name": {
			Check: "GW-LOG-031",
			Edit: func(e *estate.Estate) {
				moveAggregator(audittest.ArchiveKey)(e)
				audittest.Account(e, "security-tooling").Role = estate.RoleNone
			},
			Want: []string{archiveAggRes},
		},
		"031 no aggregator is GW-LOG-030's": {
			Check: "GW-LOG-031",
			Edit:  func(e *estate.Estate) { e.Logging.Aggregators = map[string]*estate.Aggregator{} },
		},

		"050 passes": {Check: "GW-LOG-050"},
		"050 passes with organization rules": {
			Check: "GW-LOG-050",
			Edit:  onlyOrganizationRules(baselineIDs()...),
		},
		"050 passes with organization rules and account rules together": {
			Check: "GW-LOG-050",
			Edit: func(e *estate.Estate) {
				onlyOrganizationRules(baselineIDs()[:3]...)(e)
				for _, a := range audittest.AccountKeys() {
					for _, region := range []string{audittest.Home, audittest.Other} {
						w := estate.Where{Account: estate.AccountKey(a), Region: region}
						for _, id := range baselineIDs()[3:] {
							e.Logging.Rules[w.Key(id)] = &estate.ConfigRule{Where: w, Name: id, Identifier: id}
						}
					}
				}
			},
		},
		"050 organization rules only in the home Region": {
			// The regional rules deploy only in the Region they are put in:
			// put once, in the home Region, they leave the other Region of
			// every account without them.
			Check: "GW-LOG-050",
			Edit: func(e *estate.Estate) {
				onlyOrganizationRules(baselineIDs()...)(e)
				for k, r := range e.Logging.Rules {
					if r.Region != audittest.Home {
						delete(e.Logging.Rules, k)
					}
				}
			},
			Want: allAccounts,
			Msg:  "baseline Config rules missing in us-east-1 (S3_BUCKET_PUBLIC_READ_PROHIBITED, S3_BUCKET_PUBLIC_WRITE_PROHIBITED, RESTRICTED_INCOMING_TRAFFIC)",
		},
		"050 regional rule missing in a Region other than the home one": {
			Check: "GW-LOG-050",
			Edit:  dropRules(audittest.ProdKey, audittest.Other, "RESTRICTED_INCOMING_TRAFFIC"),
			Want:  []string{prodResource}, Msg: "baseline Config rules missing in us-east-1 (RESTRICTED_INCOMING_TRAFFIC)",
		},
		"050 global rules are wanted in the home Region only": {
			Check: "GW-LOG-050",
			Edit:  dropRules(audittest.ProdKey, audittest.Other, "IAM_USER_MFA_ENABLED"),
		},
		"050 without a spec, the survey's home Region": {
			Check: "GW-LOG-050",
			Edit: func(e *estate.Estate) {
				e.HomeRegion = ""
				dropRules(audittest.ProdKey, audittest.Home, "IAM_USER_MFA_ENABLED")(e)
			},
			Want: []string{prodResource}, Msg: "missing in eu-west-1 (IAM_USER_MFA_ENABLED)",
		},
		"050 rules missing": {
			Check: "GW-LOG-050",
			Edit:  dropRules(audittest.ProdKey, audittest.Home, "CLOUD_TRAIL_ENABLED", "RESTRICTED_INCOMING_TRAFFIC"),
			Want:  []string{prodResource}, Msg: "baseline Config rules missing in eu-west-1 (CLOUD_TRAIL_ENABLED, RESTRICTED_INCOMING_TRAFFIC)",
		},
		"050 organization rules missing one": {
			Check: "GW-LOG-050",
			Edit:  onlyOrganizationRules(baselineIDs()[1:]...),
			Want:  allAccounts,
			Msg:   "missing in eu-west-1 (ROOT_ACCOUNT_MFA_ENABLED)",
		},
		"050 rules in another Region do not count": {
			Check: "GW-LOG-050",
			Edit:  dropRules(audittest.DevKey, audittest.Home, "IAM_USER_MFA_ENABLED"),
			Want:  []string{devResource}, Msg: " (IAM_USER_MFA_ENABLED)",
		},
		"050 one finding per account, naming each Region with what it lacks": {
			Check: "GW-LOG-050",
			Edit: func(e *estate.Estate) {
				dropRules(audittest.ProdKey, audittest.Home, "CLOUD_TRAIL_ENABLED", "RESTRICTED_INCOMING_TRAFFIC")(e)
				dropRules(audittest.ProdKey, audittest.Other, "RESTRICTED_INCOMING_TRAFFIC")(e)
			},
			Want: []string{prodResource},
			Msg: "baseline Config rules missing in eu-west-1 (CLOUD_TRAIL_ENABLED, RESTRICTED_INCOMING_TRAFFIC), " +
				"us-east-1 (RESTRICTED_INCOMING_TRAFFIC)",
		},
		"050 without a home Region nothing is judged": {
			Check: "GW-LOG-050",
			Edit: func(e *estate.Estate) {
				e.HomeRegion, e.Logging.HomeRegion = "", ""
				e.Logging.Rules = map[string]*estate.ConfigRule{}
			},
		},
	})
}

// GW-LOG-050 places its one finding per account in a Region only when
// the account lacks rules in that Region alone: otherwise the account is
// the place, and the message names each Region.
func TestBaselineRulesFindingPlace(t *testing.T) {
	e := logged()
	dropRules(audittest.ProdKey, audittest.Home, "CLOUD_TRAIL_ENABLED")(e)
	dropRules(audittest.DevKey, audittest.Home, "CLOUD_TRAIL_ENABLED")(e)
	dropRules(audittest.DevKey, audittest.Other, "RESTRICTED_INCOMING_TRAFFIC")(e)
	fs := audittest.RunCheck(t, "GW-LOG-050", e)
	got := map[string]string{}
	for _, f := range fs {
		got[f.Resource] = f.Region
	}
	if len(fs) != 2 || got[prodResource] != audittest.Home || got[devResource] != "" {
		t.Errorf("findings = %+v, want payments-prod in %s and payments-dev in no one Region", fs, audittest.Home)
	}
}
