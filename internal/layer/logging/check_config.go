package logging

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/groundwork-aws/groundwork/internal/audit"
	"github.com/groundwork-aws/groundwork/internal/estate"
)

// The AWS Config checks: Config records in every account and Region, global
// resources in one Region per account, deliveries reach the central
// bucket, an organization aggregator sits in Security Tooling, and the
// baseline rules run (guidance 000, 002 and 003). They judge the accounts
// and Regions of e.Logging.Scope, where Config was read: a place outside it
// was not looked at.

// configApply is the remediation shared by the recorder checks: apply
// builds Config in every account of the spec and Region of
// organization.regions.
const configApply = "keep the logging section in foundation.yaml and run groundwork apply, which "

func init() {
	audit.Register(audit.Check{
		ID:       "GW-LOG-020",
		Title:    "AWS Config recording in every account and Region",
		Severity: audit.High,
		Guidance: "000 Deploy AWS Config in management account; 000 Deploy AWS Config to all allowed Regions in member " +
			"accounts; 002 AWS environment audit; 003 Logging and Auditing",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.3", "NIST CSF DE.CM-7", "NIST CSF ID.AM-2", "Conformity IAM-030"},
		Rationale: "Where Config does not record, resource changes leave no history: a security group opened or a bucket " +
			"made public there is neither evaluated by Config rules nor traceable afterwards.",
		Remediation: configApply + "sets up AWS Config in every account of the spec and every Region of organization.regions " +
			"and starts recording; bring an account the spec does not list in with groundwork import first",
		Reads: []string{readConfig},
		Run:   checkRecording,
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-021",
		Title:    "Global resources recorded in only one Region per account",
		Severity: audit.Low,
		Guidance: "000 Deploy AWS Config in the home Region of the management account; 000 Deploy AWS Config in all " +
			"non-home enabled Regions of the management account",
		Rationale: "Recording global resources in several Regions records, bills and evaluates each IAM change once per " +
			"Region, and the duplicate configuration items and rule results bury the changes that matter.",
		Remediation: configApply + "records global resource types in organization.home_region alone",
		Reads:       []string{readConfig},
		Run:         checkGlobalDuplicated,
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-022",
		Title:    "Global resources recorded in every account",
		Severity: audit.Medium,
		Guidance: "000 Deploy AWS Config in the home Region of the management account; 002 AWS environment audit",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.3", "NIST CSF ID.AM-2", "Conformity IAM-030"},
		Rationale: "IAM users, roles and policies are where privilege lives; an account whose recorders leave global " +
			"resources out keeps no history of who was granted what, and no Config rule judges them.",
		Remediation: configApply + "records global resource types in organization.home_region",
		Reads:       []string{readConfig},
		Run:         checkGlobalMissing,
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-023",
		Title:    "Every Config recorder has a delivery channel",
		Severity: audit.Medium,
		Guidance: "000 Deploy AWS Config in the home Region of the management account; 000 Deploy AWS Config to all " +
			"allowed Regions in member accounts; 002 AWS environment audit",
		Controls: []string{"CIS AWS Foundations Benchmark v3.0.0 3.3", "NIST CSF PR.PT-1"},
		Rationale: "A recorder without a delivery channel cannot start recording and sends nothing to the central " +
			"bucket, so a Region looks covered while no configuration history is kept.",
		Remediation: configApply + "gives every recorder a delivery channel to the Config bucket in the Log Archive account",
		Reads:       []string{readConfig},
		Run:         checkDeliveryChannels,
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-030",
		Title:    "Organization Config aggregator exists",
		Severity: audit.Medium,
		Guidance: "000 Enable AWS Config Aggregator in production Security Tooling account; 000 Create AWS Config " +
			"Aggregator in production security tooling account",
		Controls: []string{"NIST CSF DE.AE-3"},
		Rationale: "Without an organization aggregator the security team must look account by account and Region by " +
			"Region, and a non-compliant resource in a place nobody looked stays unseen.",
		Remediation: "keep logging.config.aggregator in foundation.yaml (it defaults to the security-tooling account) and run groundwork apply",
		Reads:       []string{readConfig},
		Run:         checkAggregator,
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-031",
		Title:    "Organization Config aggregator in the Security Tooling account",
		Severity: audit.Low,
		Guidance: "000 Enable AWS Config Aggregator in production Security Tooling account; 004 Delegate Security " +
			"Administration",
		Controls: []string{"NIST CSF PR.AC-4"},
		Rationale: "An aggregator outside Security Tooling shows every account's configuration to whoever administers " +
			"the account it lives in, and obliges the security team to work there too.",
		Remediation: "set logging.config.aggregator in foundation.yaml to the security-tooling account's key (or leave it out: that is " +
			"the default) and run groundwork apply; then delete the aggregator elsewhere",
		Reads: []string{readConfig},
		Needs: needsAccount(estate.RoleSecurityTooling, "Security Tooling"),
		Run:   checkAggregatorAccount,
	})
	audit.Register(audit.Check{
		ID:       "GW-LOG-050",
		Title:    "Baseline Config rules in every account",
		Severity: audit.Medium,
		Guidance: "000 Enable Baseline AWS Config rules for the Organization; 003 Logging and Auditing",
		Controls: []string{"NIST CSF PR.IP-1", "NIST CSF DE.CM-7"},
		Rationale: "Without the baseline rules, a root user without MFA, a public bucket or an IAM user without MFA is " +
			"recorded by Config but never flagged, so nobody learns of it before it is exploited.",
		Remediation: "list the baseline under logging.config.rules in foundation.yaml (the default does), or set " +
			"logging.config.organization_rules: true to deploy it once for the whole organization, and run groundwork apply",
		Reads: []string{readConfig},
		Run:   checkBaselineRules,
	})
}

// recordersAt returns the recorders by place. Config allows one recorder
// per account and Region; should the estate hold more, a recording one
// wins.
func recordersAt(l *estate.Logging) map[estate.Where]*estate.Recorder {
	out := map[estate.Where]*estate.Recorder{}
	for _, r := range l.SortedRecorders() {
		if have := out[r.Where]; have == nil || !have.Recording {
			out[r.Where] = r
		}
	}
	return out
}

// checkRecording reports, per account, the Regions of the scope where
// Config does not record.
func checkRecording(e *estate.Estate) []audit.Finding {
	if e.Logging == nil {
		return nil
	}
	recorders := recordersAt(e.Logging)
	accounts, regions := audit.RegionsByAccount(e, sortedScope(e.Logging))
	var out []audit.Finding
	for _, acct := range accounts {
		var off []string
		for _, region := range regions[acct] {
			switch r := recorders[estate.Where{Account: acct, Region: region}]; {
			case r == nil:
				off = append(off, region+" (no recorder)")
			case !r.Recording:
				off = append(off, region+" (recorder stopped)")
			}
		}
		if len(off) > 0 {
			out = append(out, audit.Finding{
				Resource: audit.WhereAccountResource(e, acct),
				Account:  audit.WhereID(e, acct),
				Message:  "AWS Config is not recording in " + strings.Join(off, ", ") + ": resource changes there go unrecorded",
			})
		}
	}
	return out
}

// recordingGlobal returns, for each account with a recorder, the Regions
// of its recorders and of those that include global resource types. It
// judges the recorders' configuration: whether they record is
// GW-LOG-020's.
func recordingGlobal(e *estate.Estate) (accounts []estate.AccountKey, all, global map[estate.AccountKey][]string) {
	var places, globalPlaces []estate.Where
	for _, r := range e.Logging.SortedRecorders() {
		places = append(places, r.Where)
		if r.GlobalTypes {
			globalPlaces = append(globalPlaces, r.Where)
		}
	}
	accounts, all = audit.RegionsByAccount(e, places)
	_, global = audit.RegionsByAccount(e, globalPlaces)
	return accounts, all, global
}

// homeRegion is where global resources and rules belong: the spec's home
// Region, else the one the survey read with; "" when neither is known.
func homeRegion(e *estate.Estate) string {
	if e.Logging == nil {
		return e.HomeRegion
	}
	return cmp.Or(e.HomeRegion, e.Logging.HomeRegion)
}

// homeRegionAdvice says where global resources belong.
func homeRegionAdvice(e *estate.Estate) string {
	if homeRegion(e) == "" {
		return "a single Region"
	}
	return "the home Region " + homeRegion(e)
}

func checkGlobalDuplicated(e *estate.Estate) []audit.Finding {
	if e.Logging == nil {
		return nil
	}
	accounts, _, global := recordingGlobal(e)
	var out []audit.Finding
	for _, acct := range accounts {
		if len(global[acct]) < 2 {
			continue
		}
		out = append(out, audit.Finding{
			Resource: audit.WhereAccountResource(e, acct),
			Account:  audit.WhereID(e, acct),
			Message: fmt.Sprintf("global resource types are recorded in %s: each IAM change is recorded, billed and evaluated "+
				"once per Region; record them in %s alone", strings.Join(global[acct], ", "), homeRegionAdvice(e)),
		})
	}
	return out
}

// checkGlobalMissing reports accounts whose recorders all leave global
// resource types out. An account without a recorder is GW-LOG-020's.
func checkGlobalMissing(e *estate.Estate) []audit.Finding {
	if e.Logging == nil {
		return nil
	}
	accounts, all, global := recordingGlobal(e)
	var out []audit.Finding
	for _, acct := range accounts {
		if len(global[acct]) > 0 {
			continue
		}
		out = append(out, audit.Finding{
			Resource: audit.WhereAccountResource(e, acct),
			Account:  audit.WhereID(e, acct),
			Message: fmt.Sprintf("no recorder includes global resource types (recorders in %s): IAM users, roles and policies "+
				"go unrecorded; record them in %s", strings.Join(all[acct], ", "), homeRegionAdvice(e)),
		})
	}
	return out
}

// checkDeliveryChannels reports, per account, the Regions whose recorder
// has no delivery channel.
func checkDeliveryChannels(e *estate.Estate) []audit.Finding {
	if e.Logging == nil {
		return nil
	}
	var bare []estate.Where
	for _, r := range e.Logging.SortedRecorders() {
		if r.Channel == "" {
			bare = append(bare, r.Where)
		}
	}
	accounts, regions := audit.RegionsByAccount(e, bare)
	var out []audit.Finding
	for _, acct := range accounts {
		out = append(out, audit.Finding{
			Resource: audit.WhereAccountResource(e, acct),
			Account:  audit.WhereID(e, acct),
			Message: fmt.Sprintf("no delivery channel for the recorder in %s: it cannot start recording, and no configuration "+
				"history or snapshot reaches the Config bucket", strings.Join(regions[acct], ", ")),
		})
	}
	return out
}

// organizationAggregators returns the aggregators with an organization
// source, by key, leaving out those in closing accounts.
func organizationAggregators(e *estate.Estate) []*estate.Aggregator {
	var out []*estate.Aggregator
	for _, a := range audit.SortedValues(e.Logging.Aggregators) {
		if a.Organization && !audit.Leaving(e, a.Where) {
			out = append(out, a)
		}
	}
	return out
}

func checkAggregator(e *estate.Estate) []audit.Finding {
	if e.Logging == nil || len(organizationAggregators(e)) > 0 {
		return nil
	}
	return []audit.Finding{{
		Resource: audit.OrgResource(e),
		Message:  "no organization Config aggregator: no one place shows the configuration and compliance of every account",
	}}
}

// checkAggregatorAccount reports the organization aggregators when none of
// them is in the Security Tooling account (by spec role, else by name or
// tag: audit.AccountsKnownAs; without one the check is not judged, see
// needsAccount). Without an aggregator, GW-LOG-030 reports.
func checkAggregatorAccount(e *estate.Estate) []audit.Finding {
	if e.Logging == nil {
		return nil
	}
	tooling := audit.AccountsKnownAs(e, estate.RoleSecurityTooling)
	if len(tooling) == 0 {
		return nil
	}
	aggs := organizationAggregators(e)
	inTooling := func(a *estate.Aggregator) bool {
		acct := audit.WhereAccount(e, a.Account)
		return acct != nil && slices.Contains(tooling, acct)
	}
	if slices.ContainsFunc(aggs, inTooling) {
		return nil
	}
	var out []audit.Finding
	for _, a := range aggs {
		out = append(out, audit.Finding{
			Resource: audit.PlacedResource(e, "aggregator", a.Name, a.Where),
			Account:  audit.WhereID(e, a.Where.Account),
			Region:   a.Where.Region,
			Message: fmt.Sprintf("the organization aggregator lives in %s, not the Security Tooling account %s",
				audit.WhereLabel(e, estate.Where{Account: a.Account}), audit.AccountList(tooling)),
		})
	}
	return out
}

// checkBaselineRules reports, once per account, the Regions of the scope
// that lack baseline rules and which ones each lacks (the finding's Region
// is set when there is only one): in the home Region every one, the global
// ones (IAM, CloudTrail) included, which run there alone; in every other
// Region the regional ones. An organization rule counts for every account
// of the Region it was put in, which is the only Region AWS deploys it to.
func checkBaselineRules(e *estate.Estate) []audit.Finding {
	home := homeRegion(e)
	if e.Logging == nil || home == "" {
		return nil
	}
	org := map[string]map[string]bool{} // by Region
	local := map[estate.Where]map[string]bool{}
	for _, r := range e.Logging.Rules {
		switch {
		case audit.Leaving(e, r.Where):
			// ignored, as everywhere
		case strings.HasPrefix(r.Name, orgRulePrefix):
			if org[r.Region] == nil {
				org[r.Region] = map[string]bool{}
			}
			org[r.Region][r.Identifier] = true
		default:
			if local[r.Where] == nil {
				local[r.Where] = map[string]bool{}
			}
			local[r.Where][r.Identifier] = true
		}
	}
	// One finding per account, naming each Region with what it lacks, as
	// GW-LOG-020 names the Regions that do not record.
	var accounts []estate.AccountKey
	gaps := map[estate.AccountKey][]string{}
	regions := map[estate.AccountKey][]string{}
	for _, w := range sortedScope(e.Logging) {
		if audit.Leaving(e, w) {
			continue
		}
		var missing []string
		for _, r := range BaselineRules {
			if r.Global && w.Region != home {
				continue
			}
			if !org[w.Region][r.Identifier] && !local[w][r.Identifier] {
				missing = append(missing, r.Identifier)
			}
		}
		if len(missing) == 0 {
			continue
		}
		if _, seen := gaps[w.Account]; !seen {
			accounts = append(accounts, w.Account)
		}
		gaps[w.Account] = append(gaps[w.Account], fmt.Sprintf("%s (%s)", w.Region, strings.Join(missing, ", ")))
		regions[w.Account] = append(regions[w.Account], w.Region)
	}
	var out []audit.Finding
	for _, acct := range accounts {
		f := audit.Finding{
			Resource: audit.WhereAccountResource(e, acct),
			Account:  audit.WhereID(e, acct),
			Message:  "baseline Config rules missing in " + strings.Join(gaps[acct], ", "),
		}
		if len(regions[acct]) == 1 {
			f.Region = regions[acct][0] // one place to go and look
		}
		out = append(out, f)
	}
	return out
}

// sortedScope returns the places Config was read in, by account and
// Region.
func sortedScope(l *estate.Logging) []estate.Where {
	ws := slices.Clone(l.Scope)
	slices.SortFunc(ws, compareWhere)
	return ws
}

func compareWhere(a, b estate.Where) int {
	return cmp.Or(cmp.Compare(a.Account, b.Account), strings.Compare(a.Region, b.Region))
}
